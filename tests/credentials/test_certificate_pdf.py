"""The certificate PDF, checked with third-party tools only: pikepdf's reading of the tags and
fonts, poppler's pdftotext and pdftoppm, zbar's QR decoder, pyHanko's validator and pdfsig."""

import re
import subprocess
from io import BytesIO

import pikepdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    SignatureCoverageLevel,
    validate_pdf_signature,
)

from kohorte.core.signing import outside_event_loop
from kohorte.credentials.issuance import issue_certificate
from kohorte.credentials.ob3 import verification_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(completed, team):
    return issue_certificate(completed, actor=team)


@pytest.fixture
def pdf_path(certificate, tmp_path):
    from django.core.files.storage import default_storage

    path = tmp_path / "zertifikat.pdf"
    with default_storage.open(certificate.pdf_name, "rb") as stored:
        path.write_bytes(stored.read())
    return path


def _text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    return " ".join(out.stdout.split())


def test_pdf_is_tagged_and_embeds_fira_sans(pdf_path):
    with pikepdf.open(pdf_path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        fonts = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.add(str(descriptor.FontName).split("+")[-1])
        assert any(name.startswith("Fira") for name in fonts), fonts
        assert len(pdf.pages) == 1


def test_pdf_names_holder_programme_cohort_modules_issuer_place(certificate, pdf_path):
    text = _text(pdf_path)
    assert "Zertifikat" in text
    assert "Erika Musterfrau" in text
    assert "Künstliche Intelligenz und Data Science für die öffentliche Verwaltung" in text
    assert "Executive Certificate (akademisch) der Hertie School" in text
    assert "1. Jahrgang" in text or certificate.participation.cohort.name in text
    assert "Centre for Digital Governance, Hertie School" in text
    from kohorte.assessments.results import module_results
    from kohorte.catalog.models import Module

    results = module_results([certificate.participation_id])[certificate.participation_id]
    passed = Module.objects.filter(pk__in=[m for m, r in results.items() if r.passed])
    assert passed.count() == 2
    for module in passed:
        assert f"{module.number}. {module.title}" in text
    # the second module's points are an assumption: marked, explained in a footnote
    assert re.search(r"3\*", text)
    assert "(Annahme)" in text
    assert "Insgesamt 6" in text
    assert "Heilbronn" in text
    assert certificate.verification_id in text
    assert verification_url(certificate.verification_id) in text


def test_pdf_in_english_for_an_english_speaker(issuer_dir, past_cohort, team, tmp_path):
    from django.core.files.storage import default_storage

    from tests.credentials.conftest import make_completed

    participation = make_completed(
        past_cohort, "jane@gov.example", "Jane", "Doe", staff=team, language="en"
    )
    certificate = issue_certificate(participation, actor=team)
    path = tmp_path / "c.pdf"
    with default_storage.open(certificate.pdf_name, "rb") as stored:
        path.write_bytes(stored.read())
    text = _text(path)
    assert "Certificate" in text and "This is to certify that" in text
    assert "AI and Data Science for Public Administration" in text
    assert "Overall 6" in text


def test_qr_code_decodes_to_the_verification_url(certificate, pdf_path, tmp_path):
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf_path), str(tmp_path / "page")],
        check=True,
    )
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == verification_url(certificate.verification_id)
    assert "/zertifikate/pruefen/" in out.stdout


def test_metadata_carries_the_verification_url(certificate, pdf_path):
    with pikepdf.open(pdf_path) as pdf:
        assert verification_url(certificate.verification_id) in str(pdf.docinfo["/Subject"])
        assert verification_url(certificate.verification_id) in str(pdf.docinfo["/Keywords"])


def test_signature_validates_with_pyhanko_against_the_local_ca(pdf_path, ca_cert):
    reader = PdfFileReader(BytesIO(pdf_path.read_bytes()))
    kwargs = {"trust_roots": [ca_cert], "allow_fetching": False, "revocation_mode": "hard-fail"}
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    (signature,) = reader.embedded_signatures
    status = outside_event_loop(validate_pdf_signature, signature, context)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/Location"] == "Heilbronn"
    assert "Künstliche Intelligenz" in str(signature.sig_object["/Reason"])


def test_signature_validates_with_pdfsig(pdf_path, nss_db, tool):
    result = tool("pdfsig", "-nssdir", nss_db, str(pdf_path))
    assert "Signature is Valid." in result.stdout, result.stdout
    assert "Certificate is Trusted." in result.stdout
    assert "Total document signed" in result.stdout
