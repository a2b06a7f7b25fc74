"""Check what someone drops on the verification page: a certificate PDF or a credential file.

Both checks answer with a ``Check``: whether the signature holds, which certificate it is (if
this site issued it) and that certificate's state. Nothing is stored.

- A PDF: its signature is validated with pyHanko against the issuer's CA (the revocation
  information embedded in the file, nothing fetched); the certificate is found by the file's
  SHA-256 (``Certificate.pdf_sha256``) only. Never by an address in its metadata: the same
  issuer signs transcripts, whose title and XMP carry the participant's name as she typed it,
  so a name holding another holder's verification address would make her transcript pass as
  that holder's certificate.
- A credential (``.jwt`` compact VC-JWT, or ``.json`` with a ``jwt``/``credential_jwt`` member or
  the JWT as a JSON string): its ES256 signature with one of the site's credential keys (current
  or retired), its claims against the credential, then its status.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from io import BytesIO

from joserfc import jws
from joserfc.errors import JoseError

from kohorte.credentials import keys
from kohorte.credentials.models import Certificate

ID_PATTERN = re.compile(r"/zertifikate/pruefen/([A-Za-z0-9_-]{8,32})/")


@dataclass
class Check:
    signature_ok: bool
    problem: str = ""  # why the signature does not hold (German, for the page)
    certificate: Certificate | None = None

    @property
    def state(self) -> str:
        """valid / revoked / superseded / unknown (signed but not found) / invalid."""
        if not self.signature_ok:
            return "invalid"
        if self.certificate is None:
            return "unknown"
        return self.certificate.status


def find_certificate(verification_id: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("participation__cohort__program")
        .filter(verification_id=verification_id)
        .first()
    )


def _id_from_url(url: str) -> str | None:
    match = ID_PATTERN.search(url or "")
    return match.group(1) if match else None


# --- credential files -------------------------------------------------------------------------


def _token_from_upload(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="strict").strip()
    if text.startswith(("{", '"')):
        value = json.loads(text)
        if isinstance(value, dict):
            value = value.get("credential_jwt") or value.get("jwt") or value.get("proof", {})
        if not isinstance(value, str):
            return None
        text = value.strip()
    return text if re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", text) else None


def _key_for(kid: str):
    for key in keys.all_keys().values():
        if key.kid == kid or key.thumbprint == kid:
            return key
    return None


def check_jwt(data: bytes) -> Check:
    from django.utils.translation import gettext as _

    try:
        token = _token_from_upload(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        token = None
    if token is None:
        return Check(False, _("Die Datei enthält keinen Nachweis im JWT-Format."))
    try:
        compact = jws.extract_compact(token.encode("ascii"))
    except (JoseError, ValueError):
        return Check(False, _("Die Datei enthält keinen lesbaren Nachweis."))
    header = compact.protected
    key = _key_for(str(header.get("kid", "")))
    if header.get("alg") != keys.ALG or key is None:
        return Check(False, _("Der Nachweis ist nicht mit einem Schlüssel dieser Seite signiert."))
    try:
        verified = jws.deserialize_compact(token, key.key, algorithms=[keys.ALG])
        claims = json.loads(verified.payload)
        credential = claims["vc"]
        issuer = credential["issuer"]
        issuer_id = issuer if isinstance(issuer, str) else issuer["id"]
    except (JoseError, ValueError, KeyError, TypeError):
        return Check(False, _("Die Signatur des Nachweises ist ungültig."))
    if claims.get("jti") != credential.get("id") or claims.get("iss") != issuer_id:
        return Check(False, _("Die Angaben des Nachweises passen nicht zu seiner Signatur."))
    verification_id = _id_from_url(credential.get("id", ""))
    certificate = find_certificate(verification_id) if verification_id else None
    return Check(True, certificate=certificate)


# --- PDFs -------------------------------------------------------------------------------------


def _validate_pdf(data: bytes):
    """(signature intact, valid and trusted by the issuer's CA, covering the whole file;
    the reader) — pyHanko, hard-fail revocation against the CRL embedded in the file."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import (
        DocumentSecurityStore,
        SignatureCoverageLevel,
        validate_pdf_signature,
    )

    from kohorte.core.signing import get_signer, outside_event_loop

    reader = PdfFileReader(BytesIO(data))
    signatures = reader.embedded_signatures
    if len(signatures) != 1:
        return False, reader
    ca_pem = get_signer(refresh_crl=False).published_ca()[0]
    if ca_pem is None:
        return False, reader
    _type, _headers, der = pem.unarmor(ca_pem)
    roots = [asn1_x509.Certificate.load(der)]
    kwargs = {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "hard-fail"}
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    status = outside_event_loop(validate_pdf_signature, signatures[0], context)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return bool(status.bottom_line and whole), reader


TAIL_BYTES = 1024
# A line of its own for ``startxref`` (pyHanko reads the last lines backwards, one byte at a
# time: a line must end within the tail), the offset, ``%%EOF``, trailing blanks only.
SIGNED_END = re.compile(rb"[\r\n]startxref\s+\d+\s+%%EOF\s*\Z")


def _ends_as_signed(data: bytes) -> bool:
    """A signature covering the whole file ends it as the signer wrote it: ``startxref``, the
    offset and ``%%EOF`` in the last bytes. Checked before parsing, because pyHanko looks for
    the end marker byte by byte from the end (seconds for megabytes of appended padding)."""
    return SIGNED_END.search(data[-TAIL_BYTES:]) is not None


def check_pdf(data: bytes) -> Check:
    from django.utils.translation import gettext as _

    from kohorte.core.signing import IssuerNotConfigured

    if not _ends_as_signed(data):
        return Check(False, _("Die Datei ist keine lesbare, signierte PDF-Datei."))
    try:
        ok, _reader = _validate_pdf(data)
    except IssuerNotConfigured:
        return Check(False, _("Diese Seite hat noch keinen Aussteller eingerichtet."))
    except Exception:
        return Check(False, _("Die Datei ist keine lesbare, signierte PDF-Datei."))
    if not ok:
        return Check(
            False,
            _(
                "Die Signatur der PDF-Datei ist ungültig, nicht von dieser Stelle oder deckt "
                "nicht die ganze Datei ab. Die Datei wurde verändert oder stammt nicht von uns."
            ),
        )
    digest = hashlib.sha256(data).hexdigest()
    certificate = (
        Certificate.objects.select_related("participation__cohort__program")
        .filter(pdf_sha256=digest)
        .first()
    )
    return Check(True, certificate=certificate)
