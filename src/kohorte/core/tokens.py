"""Single-purpose links (referee uploads, offers): the token goes into the mail, only its
SHA-256 is stored, so a database copy opens nothing."""

import hashlib
import secrets


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def plausible(token: str) -> bool:
    """Worth a lookup at all (not empty, not absurdly long)."""
    return bool(token) and len(token) <= 100
