"""Sign PDFs for the issuer: PAdES (ETSI.CAdES.detached) over the whole file, with the chain and
the CA's revocation list embedded in the document security store (DSS).

Callers use ``sign_pdf()`` only. Where the key lives is behind the small ``Signer`` protocol and
the ``get_signer()`` factory, which reads the settings:

- ``KOHORTE_ISSUER_PKCS12`` (+ ``KOHORTE_ISSUER_PKCS12_PASSWORD``): a PKCS#12 file;
- ``KOHORTE_ISSUER_KEY`` + ``KOHORTE_ISSUER_CERT`` (+ ``KOHORTE_ISSUER_CHAIN``): PEM/DER files;
- neither: the local CA and issuer key that ``kohorte setup-issuer`` made in the data folder.

``KOHORTE_ISSUER_CRLS`` names CRL files of a production chain to embed (nothing is fetched from
the network while signing). A PKCS#11 token or a remote signing service is added later as one
more class with the same three methods, returning one of pyHanko's other signers
(``pyhanko.sign.pkcs11.PKCS11Signer``, or a ``pyhanko.sign.signers.Signer`` subclass whose
``async_sign_raw`` calls the service), plus a branch in ``get_signer()``: no caller changes.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.keys import (
    load_cert_from_pemder,
    load_certs_from_pemder,
    load_private_key_from_pemder,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kohorte.core import issuer

SIGNATURE_FIELD = "Signatur"


class _OfflineByDesign(logging.Filter):
    """pyHanko warns on every signature that revocation info is embedded without fetching:
    that is the design here (the CRLs are local), so the warning would only be noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_OfflineByDesign())


class IssuerNotConfigured(Exception):
    """No signing key: neither a local issuer nor a configured key and chain."""


class Signer(Protocol):
    """Where the issuer's key lives. Implementations: ``FileSigner`` (the local CA, PEM files,
    PKCS#12); a PKCS#11 token or a remote signing service fit the same three methods."""

    def pdf_signer(self) -> signers.Signer:
        """pyHanko's signer: makes the CMS signature and carries the certificate chain."""
        ...

    def validation_context(self) -> ValidationContext:
        """Trust roots, chain and CRLs to embed, with network fetching off."""
        ...

    def published_ca(self) -> tuple[bytes | None, bytes | None]:
        """The CA certificate (PEM) and its CRL (DER) that the site publishes, where known."""
        ...


@dataclass(frozen=True)
class FileSigner:
    """A key and certificate chain read from files (the local issuer, PEM or PKCS#12)."""

    signer: signers.SimpleSigner
    roots: Sequence[asn1_x509.Certificate]
    crls: Sequence[bytes]
    ca_pem: bytes | None = None
    crl_der: bytes | None = None

    def pdf_signer(self) -> signers.Signer:
        return self.signer

    def validation_context(self) -> ValidationContext:
        return ValidationContext(
            trust_roots=list(self.roots),
            other_certs=list(self.signer.cert_registry),
            crls=list(self.crls),
            allow_fetching=False,
            # With CRLs at hand every certificate must be covered by one; a production chain
            # without local CRLs is signed without revocation information.
            revocation_mode="hard-fail" if self.crls else "soft-fail",
        )

    def published_ca(self) -> tuple[bytes | None, bytes | None]:
        return self.ca_pem, self.crl_der


def _roots(chain: Sequence[asn1_x509.Certificate]) -> list[asn1_x509.Certificate]:
    """The self-signed certificates of a chain, or else its last one."""
    roots = [cert for cert in chain if cert.self_signed != "no"]
    return roots or list(chain[-1:])


def _from_files(
    key: asn1_keys.PrivateKeyInfo,
    cert: asn1_x509.Certificate,
    chain: list[asn1_x509.Certificate],
    crl_files: list[str],
) -> FileSigner:
    store = SimpleCertificateStore.from_certs([cert, *chain])
    simple = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=store)
    crls = [Path(name).read_bytes() for name in crl_files]
    roots = _roots([cert, *chain])
    ca_pem = None
    if roots and roots[0] is not cert:
        ca_pem = pem.armor("CERTIFICATE", roots[0].dump())
    return FileSigner(simple, roots, crls, ca_pem, crls[0] if crls else None)


def _local_signer(refresh_crl: bool) -> FileSigner:
    folder = issuer.issuer_dir()
    if not issuer.local_issuer_exists(folder):
        raise IssuerNotConfigured(
            "No issuer key is set up: run 'kohorte setup-issuer' (it makes a local CA and "
            f"signing key in {folder}), or set KOHORTE_ISSUER_PKCS12 or KOHORTE_ISSUER_KEY and "
            "KOHORTE_ISSUER_CERT to use an existing key and chain."
        )
    if refresh_crl and issuer.crl_is_stale(folder):
        issuer.reissue_crl(folder=folder)
    key = load_private_key_from_pemder(folder / issuer.ISSUER_KEY, passphrase=None)
    cert = load_cert_from_pemder(folder / issuer.ISSUER_CERT)
    ca = load_cert_from_pemder(folder / issuer.CA_CERT)
    crl = (folder / issuer.CRL).read_bytes() if (folder / issuer.CRL).exists() else None
    store = SimpleCertificateStore.from_certs([cert, ca])
    simple = signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=store)
    ca_pem = (folder / issuer.CA_CERT).read_bytes()
    return FileSigner(simple, [ca], [crl] if crl else [], ca_pem, crl)


def get_signer(*, refresh_crl: bool = True) -> Signer:
    """The signer the settings ask for; ``IssuerNotConfigured`` says what to do if none. The
    local issuer's CRL is reissued when stale, unless ``refresh_crl`` is False (GET views)."""
    chain_files = list(settings.KOHORTE_ISSUER_CHAIN)
    chain = list(load_certs_from_pemder(chain_files)) if chain_files else []
    if settings.KOHORTE_ISSUER_PKCS12:
        password = settings.KOHORTE_ISSUER_PKCS12_PASSWORD.encode() or None
        try:
            loaded = signers.SimpleSigner.load_pkcs12_data(
                Path(settings.KOHORTE_ISSUER_PKCS12).read_bytes(), chain, passphrase=password
            )
        except (OSError, ValueError) as exc:
            raise IssuerNotConfigured(f"KOHORTE_ISSUER_PKCS12 cannot be read: {exc}") from exc
        certs = [c for c in loaded.cert_registry if c != loaded.signing_cert]
        return _from_files(loaded.signing_key, loaded.signing_cert, certs, _crl_files())
    if settings.KOHORTE_ISSUER_KEY or settings.KOHORTE_ISSUER_CERT:
        if not (settings.KOHORTE_ISSUER_KEY and settings.KOHORTE_ISSUER_CERT):
            raise IssuerNotConfigured("Set both KOHORTE_ISSUER_KEY and KOHORTE_ISSUER_CERT.")
        try:
            key = load_private_key_from_pemder(settings.KOHORTE_ISSUER_KEY, passphrase=None)
            cert = load_cert_from_pemder(settings.KOHORTE_ISSUER_CERT)
        except (OSError, ValueError) as exc:
            raise IssuerNotConfigured(
                f"The issuer key or certificate cannot be read: {exc}"
            ) from exc
        return _from_files(key, cert, chain, _crl_files())
    return _local_signer(refresh_crl)


def _crl_files() -> list[str]:
    return list(settings.KOHORTE_ISSUER_CRLS)


def outside_event_loop[T](function: Callable[..., T], *args, **kwargs) -> T:
    """Call one of pyHanko's synchronous functions, which run their own event loop
    (``asyncio.run``). Where this thread already runs a loop (an async view; Playwright's
    synchronous API in a test session), that is refused, so the call goes to a worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_pdf(
    pdf_bytes: bytes, *, reason: str, location: str, signer: Signer | None = None
) -> bytes:
    """Sign the PDF as the issuer (PAdES B-LT in one revision): the signature covers the whole
    file, embeds the chain and the CA's CRL in the DSS and claims the signing time (/M)."""
    signer = signer or get_signer()
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        embed_validation_info=True,
        validation_context=signer.validation_context(),
        # The DSS goes into the signature's own revision, so that the signature covers it too.
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
            include_vri=False,
            skip_if_unneeded=False,
        ),
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    output = BytesIO()
    pdf_signer = signers.PdfSigner(metadata, signer=signer.pdf_signer())
    outside_event_loop(pdf_signer.sign_pdf, writer, output=output)
    return output.getvalue()
