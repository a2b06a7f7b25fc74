"""Certificates: one per holder and version, from the staff decision "completed".

Participation ─< Certificate (version 1, 2, …; a re-issue supersedes the one before)
Cohort ─< IssuanceBatch (a bulk issue run by the worker; its progress and the ZIP for printing)
"""

from kohorte.credentials.models.certificate import Certificate, IssuanceBatch

__all__ = ["Certificate", "IssuanceBatch"]
