"""Placeholder: replaced by h15-ob3 on merge (the Open Badges 3.0 credential and its
status-list entry). Issuance calls ``attach_credential`` once per certificate."""


def attach_credential(certificate) -> None:
    """Fill ``status_index`` and ``credential_jwt`` (does nothing in this placeholder)."""
    return None
