"""Certificates anyone can verify (issue 15): the issuer's keys, the PAdES signature."""
