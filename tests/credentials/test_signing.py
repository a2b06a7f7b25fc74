"""The PAdES signature, checked with third-party validators only: pyHanko's library and CLI
and poppler's pdfsig, each trusting the local CA alone."""

import datetime as dt
import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    SignatureCoverageLevel,
    validate_pdf_signature,
)

from kohorte.core import issuer
from kohorte.core.signing import IssuerNotConfigured, outside_event_loop, sign_pdf


def _validate(data: bytes, ca, *, with_dss: bool = True):
    """Validate the only signature against the local CA as the only trust root, with the
    revocation information found in the file's DSS (hard-fail, nothing fetched)."""
    reader = PdfFileReader(BytesIO(data))
    kwargs = {"trust_roots": [ca], "allow_fetching": False, "revocation_mode": "hard-fail"}
    dss = DocumentSecurityStore.read_dss(reader)
    if not with_dss:
        dss = DocumentSecurityStore(writer=None)
    (signature,) = reader.embedded_signatures
    context = dss.as_validation_context(kwargs)
    return signature, outside_event_loop(validate_pdf_signature, signature, context)


def test_signature_validates_with_pyhanko_library_against_the_local_ca(signed_pdf, ca_cert):
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    signature, status = _validate(signed_pdf.read_bytes(), ca_cert)
    assert status.intact and status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Zertifikat"
    assert signature.sig_object["/Location"] == "Berlin"
    assert before <= status.signer_reported_dt <= dt.datetime.now(dt.UTC)
    assert status.signing_cert.subject.native["common_name"] == "Kohorte Zertifikatsaussteller"


def test_signature_embeds_the_chain_and_the_crl_in_the_signed_revision(signed_pdf, issuer_dir):
    reader = PdfFileReader(BytesIO(signed_pdf.read_bytes()))
    dss = DocumentSecurityStore.read_dss(reader)
    certs = {cert.subject.native["common_name"] for cert in dss.load_certs()}
    assert certs == {"Kohorte Zertifikatsaussteller", "Kohorte Zertifizierungsstelle"}
    (crl_ref,) = dss.crls
    assert crl_ref.get_object().data == (issuer_dir / issuer.CRL).read_bytes()
    # One revision only: the DSS was written together with the signature, not after it.
    assert reader.xrefs.total_revisions == 2  # WeasyPrint's original + the signed one


def test_the_embedded_crl_is_what_makes_the_signer_trusted(signed_pdf, ca_cert):
    """Control: without the DSS's CRL, hard-fail revocation checking refuses the signer."""
    _signature, status = _validate(signed_pdf.read_bytes(), ca_cert, with_dss=False)
    assert status.intact and status.valid
    assert not status.trusted


def test_a_tampered_file_fails_pyhanko_validation(signed_pdf, ca_cert, tamper):
    _signature, status = _validate(tamper(signed_pdf).read_bytes(), ca_cert)
    assert not status.intact
    assert not status.bottom_line


def test_pyhanko_cli_adesverify_uses_the_embedded_crl(signed_pdf, issuer_dir, tool):
    """The CRL distribution point does not answer here: validation works offline."""
    ca = str(issuer_dir / issuer.CA_CERT)
    result = tool("pyhanko", "sign", "adesverify", "--trust", ca, "--trust-replace",
                  "--pretty-print", str(signed_pdf))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signer's certificate is trusted." in result.stdout
    assert "The signature covers the entire file." in result.stdout
    assert "The signature is judged VALID." in result.stdout


def test_pyhanko_cli_rejects_a_tampered_file(signed_pdf, issuer_dir, tool, tamper):
    ca = str(issuer_dir / issuer.CA_CERT)
    for command in ("validate", "adesverify"):
        result = tool("pyhanko", "sign", command, "--trust", ca, "--trust-replace",
                      "--pretty-print", str(tamper(signed_pdf)))  # fmt: skip
        assert result.returncode == 1, command
        assert "The signature is cryptographically unsound." in result.stdout, command
        assert "The signature is judged INVALID." in result.stdout, command


@pytest.mark.django_db(transaction=True)
def test_pyhanko_cli_validate_fetches_the_crl_from_the_site(
    live_server, settings, data_dir, plain_pdf, tool
):
    """``pyhanko sign validate`` checks revocation online (hard-fail): it fetches the CRL from
    the distribution point in the issuer's certificate, which this site serves."""
    settings.KOHORTE_BASE_URL = live_server.url
    issuer.setup_issuer()
    path = data_dir / "zertifikat.pdf"
    path.write_bytes(sign_pdf(plain_pdf, reason="Zertifikat", location="Berlin"))
    ca = str(data_dir / "issuer" / issuer.CA_CERT)
    result = tool("pyhanko", "sign", "validate", "--trust", ca, "--trust-replace",
                  "--pretty-print", str(path))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The signer's certificate is trusted." in result.stdout
    assert "The signature covers the entire file." in result.stdout
    assert "The signature is judged VALID." in result.stdout


def test_pdfsig_says_valid_and_trusted_with_the_local_ca(signed_pdf, nss_db, tool):
    result = tool("pdfsig", "-nssdir", nss_db, str(signed_pdf))
    assert result.returncode == 0, result.stderr
    assert "Signature Type: ETSI.CAdES.detached" in result.stdout
    assert "Total document signed" in result.stdout
    assert "Signature Validation: Signature is Valid." in result.stdout
    assert "Certificate Validation: Certificate is Trusted." in result.stdout
    assert "Signer Certificate Common Name: Kohorte Zertifikatsaussteller" in result.stdout


def test_pdfsig_without_the_ca_does_not_trust_the_signer(signed_pdf, tmp_path, tool):
    """Control: an NSS database without the local CA (pdfsig still exits 0)."""
    (tmp_path / "empty").mkdir()
    db = f"sql:{tmp_path / 'empty'}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    result = tool("pdfsig", "-nssdir", db, str(signed_pdf))
    assert "Signature is Valid." in result.stdout
    assert "Certificate is Trusted." not in result.stdout


def test_pdfsig_rejects_a_tampered_file(signed_pdf, nss_db, tool, tamper):
    result = tool("pdfsig", "-nssdir", nss_db, str(tamper(signed_pdf)))
    assert "Signature Validation: Digest Mismatch." in result.stdout
    assert "Signature is Valid." not in result.stdout


def test_signing_without_an_issuer_says_to_run_setup_issuer(data_dir, plain_pdf):
    with pytest.raises(IssuerNotConfigured) as error:
        sign_pdf(plain_pdf, reason="Zertifikat", location="Berlin")
    assert "run 'kohorte setup-issuer'" in str(error.value)
    assert str(data_dir / "issuer") in str(error.value)


def test_a_stale_crl_is_reissued_before_signing(issuer_dir, plain_pdf, ca_cert):
    from cryptography import x509

    old = x509.load_der_x509_crl((issuer_dir / issuer.CRL).read_bytes())
    assert not issuer.crl_is_stale(issuer_dir)
    (issuer_dir / issuer.CRL).unlink()
    assert issuer.crl_is_stale(issuer_dir)
    signed = sign_pdf(plain_pdf, reason="Zertifikat", location="Berlin")
    new = x509.load_der_x509_crl((issuer_dir / issuer.CRL).read_bytes())
    assert new.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 1
    assert old.issuer == new.issuer
    assert _validate(signed, ca_cert)[1].trusted


def test_production_pem_key_and_chain_sign_the_same_way(issuer_dir, settings, plain_pdf, ca_cert):
    """KOHORTE_ISSUER_KEY/CERT/CHAIN/CRLS: an existing key and chain (here the local CA's
    files, moved to other paths) sign with the chain and CRL embedded."""
    folder = issuer_dir.parent / "production"
    folder.mkdir()
    for name in (issuer.ISSUER_KEY, issuer.ISSUER_CERT, issuer.CA_CERT, issuer.CRL):
        (folder / name).write_bytes((issuer_dir / name).read_bytes())
        (issuer_dir / name).unlink()
    settings.KOHORTE_ISSUER_KEY = str(folder / issuer.ISSUER_KEY)
    settings.KOHORTE_ISSUER_CERT = str(folder / issuer.ISSUER_CERT)
    settings.KOHORTE_ISSUER_CHAIN = [str(folder / issuer.CA_CERT)]
    settings.KOHORTE_ISSUER_CRLS = [str(folder / issuer.CRL)]
    _signature, status = _validate(sign_pdf(plain_pdf, reason="Z", location="B"), ca_cert)
    assert status.trusted and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert not (issuer_dir / issuer.CRL).exists()  # the local issuer was not used


def test_production_pkcs12_file_signs(issuer_dir, settings, plain_pdf, ca_cert):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    key = serialization.load_pem_private_key(
        (issuer_dir / issuer.ISSUER_KEY).read_bytes(), password=None
    )
    cert = x509.load_pem_x509_certificate((issuer_dir / issuer.ISSUER_CERT).read_bytes())
    ca = x509.load_pem_x509_certificate((issuer_dir / issuer.CA_CERT).read_bytes())
    bundle = pkcs12.serialize_key_and_certificates(
        b"aussteller", key, cert, [ca], serialization.BestAvailableEncryption(b"geheim")
    )
    (issuer_dir.parent / "issuer.p12").write_bytes(bundle)
    settings.KOHORTE_ISSUER_PKCS12 = str(issuer_dir.parent / "issuer.p12")
    settings.KOHORTE_ISSUER_PKCS12_PASSWORD = "geheim"
    settings.KOHORTE_ISSUER_CRLS = [str(issuer_dir / issuer.CRL)]
    _signature, status = _validate(sign_pdf(plain_pdf, reason="Z", location="B"), ca_cert)
    assert status.trusted
    settings.KOHORTE_ISSUER_PKCS12_PASSWORD = "falsch"
    with pytest.raises(IssuerNotConfigured, match="KOHORTE_ISSUER_PKCS12 cannot be read"):
        sign_pdf(plain_pdf, reason="Z", location="B")


def test_signing_works_where_an_event_loop_already_runs(issuer_dir, plain_pdf, ca_cert):
    """pyHanko's synchronous API starts its own event loop; inside a running one (an async view,
    or Playwright's synchronous API earlier in a test session) it used to raise."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def in_a_loop():
        return sign_pdf(plain_pdf, reason="Zertifikat", location="Berlin")

    # a thread of its own: this one may already run Playwright's loop
    with ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(asyncio.run, in_a_loop()).result()
    _signature, status = _validate(signed, ca_cert)
    assert status.intact and status.valid and status.trusted
