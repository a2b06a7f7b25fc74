"""The site's revocation list: a W3C Bitstring Status List credential.

Every certificate holds a random, unique index (``Certificate.status_index``) in list 1; the bit
at that index is 1 when the certificate is revoked. The list has 131,072 entries (the minimum
the W3C recommendation asks for, so that one index says little about the others), is
GZIP-compressed and multibase-encoded (base64url without padding, prefix "u"), wrapped in a
``BitstringStatusListCredential`` and signed as a VC-JWT with the credential key.

The signed list is cached for at most a minute (``CACHE_SECONDS``) and dropped from the cache
on every revocation, so that verifiers see a revocation within a minute even where several
processes each keep their own cache.
"""

import base64
import datetime as dt
import gzip
import secrets

from django.core.cache import cache
from django.utils import timezone

LIST_ID = 1
LIST_SIZE = 131_072  # entries (bits): 16 KiB before compression
CACHE_SECONDS = 60
CACHE_KEY = f"credentials:status-list:{LIST_ID}"


class StatusListFull(Exception):
    pass


def status_list_url(list_id: int = LIST_ID) -> str:
    from kohorte.credentials.ob3 import site_url

    return site_url("credentials:status_list", list_id=list_id)


def allocate_index() -> int:
    """A random index no certificate holds yet (the column is unique as well)."""
    from kohorte.credentials.models import Certificate

    for _attempt in range(100):
        index = secrets.randbelow(LIST_SIZE)
        if not Certificate.objects.filter(status_index=index).exists():
            return index
    raise StatusListFull("no free index found in the status list")


def status_entry(index: int) -> dict:
    """The ``credentialStatus`` of a credential whose index is ``index``."""
    url = status_list_url()
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def bitstring(revoked_indexes) -> bytes:
    """The uncompressed list: index 0 is the left-most (most significant) bit of byte 0."""
    data = bytearray(LIST_SIZE // 8)
    for index in revoked_indexes:
        data[index // 8] |= 0x80 >> (index % 8)
    return bytes(data)


def encode(bits: bytes) -> str:
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def revoked_indexes() -> list[int]:
    from kohorte.credentials.models import Certificate

    indexes = Certificate.objects.filter(
        status=Certificate.Status.REVOKED, status_index__isnull=False
    ).values_list("status_index", flat=True)
    return [index for index in indexes if index is not None]


def status_list_credential() -> dict:
    """The list as a credential (unsigned; ``signed_status_list`` signs it)."""
    from kohorte.credentials.ob3 import iso, issuer_url

    url = status_list_url()
    now = timezone.now().replace(microsecond=0)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": iso(now),
        "validUntil": iso(now + dt.timedelta(days=1)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "ttl": CACHE_SECONDS * 1000,
            "encodedList": encode(bitstring(revoked_indexes())),
        },
    }


def signed_status_list() -> str:
    """The list as a VC-JWT, from the cache (at most a minute old) or made now."""
    token = cache.get(CACHE_KEY)
    if token is None:
        from kohorte.credentials.ob3 import sign_credential

        token = sign_credential(status_list_credential())
        cache.set(CACHE_KEY, token, CACHE_SECONDS)
    return token


def invalidate() -> None:
    cache.delete(CACHE_KEY)
