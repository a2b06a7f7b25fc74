"""The keys that sign the Open Badges credentials and the status list (ES256, P-256).

They are separate from the PDF signing key (``issuer.py``): that one lives in an X.509 chain
under the local CA, these are plain JOSE keys, published as JWKs on the site, and they rotate
on their own schedule.

A folder (``KOHORTE_CREDENTIAL_KEYS_DIR``, by default ``DATA_DIR/credential-keys``,
mode 0700) holds one PKCS#8 PEM file per key, ``<thumbprint>.key.pem`` (mode 0600), where the
thumbprint is the key's RFC 7638 JWK thumbprint, and ``current`` naming the key that signs new
credentials. Rotating adds a key and makes it current; the old keys stay in the folder, so
their public halves stay published and every credential signed with them stays verifiable.

A key's id (the JWT header's ``kid``) is the URL that returns its public JWK:
``KOHORTE_BASE_URL/zertifikate/schluessel/<thumbprint>.json``.
"""

import contextlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from joserfc.jwk import ECKey

SUFFIX = ".key.pem"
CURRENT = "current"
ALG = "ES256"


class NoCredentialKey(Exception):
    """No credential-signing key: run ``kohorte setup-issuer``."""


@dataclass(frozen=True)
class CredentialKey:
    thumbprint: str
    key: ECKey

    @property
    def kid(self) -> str:
        return key_url(self.thumbprint)

    def public_jwk(self) -> dict:
        """The public half as a JWK (never ``d``), with its ``kid``, ``alg`` and ``use``."""
        data = self.key.as_dict(private=False)
        data.pop("d", None)
        return {**data, "kid": self.kid, "alg": ALG, "use": "sig"}


def keys_dir() -> Path:
    configured = getattr(settings, "KOHORTE_CREDENTIAL_KEYS_DIR", "")
    if configured:
        return Path(configured)
    return Path(settings.DATA_DIR) / "credential-keys"


def key_url(thumbprint: str) -> str:
    from kohorte.credentials.ob3 import site_url

    return site_url("credentials:public_key", thumbprint=thumbprint)


def _write_private(path: Path, data: bytes) -> None:
    """Through a new file created 0600 (never widened), then moved into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _write_current(folder: Path, thumbprint: str) -> None:
    tmp = folder / f".{CURRENT}.tmp"
    tmp.write_text(thumbprint + "\n")
    os.replace(tmp, folder / CURRENT)


def _stamp(folder: Path) -> tuple:
    """What changes when a key is added or made current (the cache key of ``_load``)."""
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))


@lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> tuple[dict[str, CredentialKey], str | None]:
    path = Path(folder)
    keys: dict[str, CredentialKey] = {}
    for file in sorted(path.glob(f"*{SUFFIX}")):
        key = ECKey.import_key(file.read_bytes())
        thumbprint = key.thumbprint()
        keys[thumbprint] = CredentialKey(thumbprint, key)
    current = None
    if (path / CURRENT).exists():
        current = (path / CURRENT).read_text().strip() or None
    if current not in keys:
        current = None
    return keys, current


def all_keys() -> dict[str, CredentialKey]:
    """Every key, current and retired, by thumbprint (read once per change of the folder)."""
    folder = keys_dir()
    return _load(str(folder), _stamp(folder))[0]


def current_key() -> CredentialKey:
    folder = keys_dir()
    keys, current = _load(str(folder), _stamp(folder))
    if current is None:
        raise NoCredentialKey(f"No key signs credentials in {folder}: run 'kohorte setup-issuer'.")
    return keys[current]


def add_key() -> CredentialKey:
    """Make a new P-256 key and make it current; the keys before stay (and stay published)."""
    folder = keys_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    key = ECKey.generate_key("P-256", private=True)
    thumbprint = key.thumbprint()
    _write_private(folder / f"{thumbprint}{SUFFIX}", key.as_pem(private=True))
    _write_current(folder, thumbprint)
    return CredentialKey(thumbprint, key)


def ensure_key() -> tuple[CredentialKey, bool]:
    """The current key, made first if there is none; True when it was made now."""
    try:
        return current_key(), False
    except NoCredentialKey:
        return add_key(), True


def public_jwks() -> dict:
    """All public keys as a JWK Set (retired keys too, so old credentials stay verifiable)."""
    return {"keys": [k.public_jwk() for k in all_keys().values()]}
