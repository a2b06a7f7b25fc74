"""Secret links in mail: stored encrypted, shown redacted, inserted only when the mail is sent.

A mail that carries a secret (a reset, verification, referee or offer link, a login code) is
stored with a marker ``[[kohorte-secret:NAME]]`` where the secret stands. The values are kept
in ``OutboxMessage.secrets``, encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key
derived from ``SECRET_KEY`` by HKDF. Staff pages replace a marker by its label ("[Link zum
Zurücksetzen, nur für die Empfängerin / den Empfänger]"); only the worker decrypts, right before
it hands the mail to the SMTP server, and the sent mail's secrets are wiped in the same update
that marks it sent.

Rotation: keys of ``SECRET_KEY_FALLBACKS`` still decrypt. A mail whose secrets no key decrypts
fails for good with a clear reason; it is never sent with a broken or missing link.
"""

import base64
import html
import json
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

MARKER_PREFIX = "[[kohorte-secret:"
_MARKER = re.compile(r"\[\[kohorte-secret:([a-z0-9_]+)\]\]", re.IGNORECASE)
_SALT = b"kohorte.comms.outbox-secrets.v1"
_INFO = b"kohorte outbox secret links"


class SecretUnavailable(Exception):
    """The secrets of a queued mail cannot be decrypted (SECRET_KEY changed, or tampered)."""


def marker(name: str) -> str:
    return f"{MARKER_PREFIX}{name}]]"


def _fernet_for(secret_key) -> Fernet:
    if isinstance(secret_key, str):
        secret_key = secret_key.encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret_key)
    return Fernet(base64.urlsafe_b64encode(key))


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(k) for k in keys])


def encrypt(values: dict[str, str], *, bind: str) -> str:
    """The ciphertext of ``values``, bound to one mail (``bind``: its idempotency key)."""
    if not values:
        return ""
    payload = json.dumps({"m": bind, "v": values}, ensure_ascii=False).encode()
    return _fernet().encrypt(payload).decode()


def decrypt(token: str, *, bind: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        data = json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise SecretUnavailable(
            "the secret link of this mail cannot be decrypted (SECRET_KEY changed?); "
            "not sent - trigger the mail again (e.g. a new password reset)"
        ) from exc
    if data.get("m") != bind:
        raise SecretUnavailable("the secret link of this mail belongs to another mail; not sent")
    return data["v"]


def neutralise(value: str) -> str:
    """A value that is not a secret must never look like a marker (applicants write names)."""
    return value.replace("[[", "[\u200b[") if isinstance(value, str) else value


def insert(text: str, values: dict[str, str], *, html_body: bool = False) -> str:
    """The text with every marker replaced by its secret (HTML-escaped in an HTML body)."""
    if not text or not values:
        return text
    lowered = {k.lower(): v for k, v in values.items()}

    def replace(match):
        value = lowered.get(match.group(1).lower())
        if value is None:
            return match.group(0)
        return html.escape(value) if html_body else value

    return _MARKER.sub(replace, text)


def redact(text: str, labels: dict[str, str]) -> str:
    """The text as staff may read it: each marker replaced by its label."""
    if not text:
        return text

    def replace(match):
        name = match.group(1).lower()
        return labels.get(name) or _("[Geheimer Link, nur für die Empfängerin / den Empfänger]")

    return _MARKER.sub(replace, text)


def marker_names(text: str) -> set[str]:
    return {m.group(1).lower() for m in _MARKER.finditer(text or "")}


def has_marker(text: str) -> bool:
    return bool(text) and _MARKER.search(text) is not None
