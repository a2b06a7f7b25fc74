"""The local certificate authority and the issuer's signing key (``kohorte setup-issuer``).

``DATA_DIR / "issuer"`` (folder 0700) holds:

- ``ca.key.pem`` (0600) and ``ca.pem``: the local CA, self-signed, which signs the issuer's
  certificate and the CRL;
- ``issuer.key.pem`` (0600) and ``issuer.pem``: the key that signs the certificate PDFs, with
  key usage digitalSignature and nonRepudiation and a CRL distribution point on this site;
- ``ca.crl``: the CA's certificate revocation list (DER), served at ``/zertifikate/ca.crl``.

Keys are ECDSA P-256: poppler's ``pdfsig`` (NSS), pyHanko and Adobe Reader validate it, its
signatures are small and quick, and it is the curve of ES256 that the Open Badges credentials
use. A production site may instead point to its own key and chain (see ``signing.py``).
"""

import contextlib
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_KEY = "ca.key.pem"
CA_CERT = "ca.pem"
ISSUER_KEY = "issuer.key.pem"
ISSUER_CERT = "issuer.pem"
CRL = "ca.crl"
CRL_PATH = "/zertifikate/ca.crl"  # served by credentials.urls
CA_YEARS = 20
ISSUER_YEARS = 5
CRL_DAYS = 30


@dataclass(frozen=True)
class SetupResult:
    """What ``setup_issuer`` did: ``created`` is False when it kept existing keys."""

    folder: Path
    created: bool
    replaced: bool


class IssuerIncomplete(Exception):
    """Some issuer files exist and others are missing: ``--force`` makes a new set."""


def issuer_dir() -> Path:
    return Path(settings.DATA_DIR) / "issuer"


def crl_url() -> str:
    return settings.KOHORTE_BASE_URL.rstrip("/") + CRL_PATH


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kohorte"),
        ]
    )


def _write_private_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    """Write the key through a new file created with mode 0600 (never widened, never chmod-ed
    afterwards), then move it into place, so that no reader sees half a key."""
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    """Write through a temporary file of its own, so that two writers never mix."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)  # a public file (mkstemp makes 0600)
    os.replace(tmp, path)


def _make_ca(now: dt.datetime) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Kohorte Zertifizierungsstelle")
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_issuer(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, now: dt.datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    distribution_point = x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(crl_url())],
        relative_name=None,
        reasons=None,
        crl_issuer=None,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Kohorte Zertifikatsaussteller"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * ISSUER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .add_extension(x509.CRLDistributionPoints([distribution_point]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def _load_ca(folder: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = serialization.load_pem_private_key((folder / CA_KEY).read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError("the local CA key is not an ECDSA key")
    return key, x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())


def reissue_crl(
    *, revoke: tuple[int, ...] = (), folder: Path | None = None
) -> x509.CertificateRevocationList:
    """Write a fresh CRL signed by the local CA (this update now, next update in 30 days, the
    CRL number one higher). Serial numbers revoked before stay on it; ``revoke`` adds more."""
    folder = folder or issuer_dir()
    ca_key, ca_cert = _load_ca(folder)
    now = _now()
    revoked: dict[int, x509.RevokedCertificate] = {}
    number = 1
    if (folder / CRL).exists():
        old = x509.load_der_x509_crl((folder / CRL).read_bytes())
        revoked = {entry.serial_number: entry for entry in old}
        number = old.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number + 1
    for serial in revoke:
        if serial not in revoked:
            revoked[serial] = (
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
            )
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
    )
    for entry in revoked.values():
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(ca_key, hashes.SHA256())
    _write_public(folder / CRL, crl.public_bytes(serialization.Encoding.DER))
    return crl


def crl_is_stale(folder: Path | None = None) -> bool:
    """True when the CRL is missing or past half of its lifetime (time to reissue it)."""
    path = (folder or issuer_dir()) / CRL
    if not path.exists():
        return True
    crl = x509.load_der_x509_crl(path.read_bytes())
    next_update = crl.next_update_utc
    if next_update is None:
        return True
    return _now() >= crl.last_update_utc + (next_update - crl.last_update_utc) / 2


def local_issuer_exists(folder: Path | None = None) -> bool:
    folder = folder or issuer_dir()
    return all((folder / name).exists() for name in (CA_KEY, CA_CERT, ISSUER_KEY, ISSUER_CERT))


def setup_issuer(*, force: bool = False) -> SetupResult:
    """Create the local CA, the issuer key and certificate and the CRL in the data folder, or
    keep the existing keys (``force`` replaces them); the CRL is reissued either way."""
    folder = issuer_dir()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    names = (CA_KEY, CA_CERT, ISSUER_KEY, ISSUER_CERT)
    present = [name for name in names if (folder / name).exists()]
    if len(present) == len(names) and not force:
        reissue_crl(folder=folder)
        return SetupResult(folder=folder, created=False, replaced=False)
    if present and not force:
        raise IssuerIncomplete(
            f"{folder} holds only {', '.join(present)}: run 'kohorte setup-issuer --force' "
            "to make a new CA and issuer key."
        )
    now = _now()
    ca_key, ca_cert = _make_ca(now)
    issuer_key, issuer_cert = _make_issuer(ca_key, ca_cert, now)
    _write_private_key(folder / CA_KEY, ca_key)
    _write_public(folder / CA_CERT, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_private_key(folder / ISSUER_KEY, issuer_key)
    _write_public(folder / ISSUER_CERT, issuer_cert.public_bytes(serialization.Encoding.PEM))
    (folder / CRL).unlink(missing_ok=True)  # a new CA starts a new CRL (number 1)
    reissue_crl(folder=folder)
    return SetupResult(folder=folder, created=True, replaced=bool(present))
