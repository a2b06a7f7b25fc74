"""A stranger (an HR office) checks a certificate, as on a phone (390 × 844) and on a desktop
(1280 × 900): opens the verification URL, drops the signed PDF and the credential file on the
verification page; staff revoke the certificate with a reason and the page says "revoked".
axe runs on every page. Screenshots go to /tmp/shots-verification/."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from weasyprint import HTML

from tests.e2e.browser import check_page, login
from tests.factories import CertificateFactory

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-verification")  # noqa: S108 (screenshots for people to look at)


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_stranger_verifies_then_staff_revoke(
    page: Page, site, settings, tmp_path, django_user_model, width, height
):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort
    from kohorte.core import issuer
    from kohorte.core.signing import sign_pdf
    from kohorte.credentials.ob3 import attach_credential, verification_url

    settings.DATA_DIR = tmp_path
    settings.KOHORTE_BASE_URL = site
    issuer.setup_issuer()
    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.get(slug="jahrgang-1")
    holder = django_user_model.objects.create_user(
        "erika@bund.example", "pw", first_name="Erika", last_name="Musterfrau"
    )
    certificate = CertificateFactory(
        completion__participation__cohort=cohort, completion__participation__user=holder
    )
    attach_credential(certificate)
    certificate.refresh_from_db()
    url = verification_url(certificate.verification_id)
    html = (
        f'<html lang="de"><head><title>Zertifikat</title><meta name="description" '
        f'content="{url}"></head><body><p>Erika Musterfrau</p></body></html>'
    )
    pdf = tmp_path / "zertifikat.pdf"
    pdf.write_bytes(sign_pdf(HTML(string=html).write_pdf(), reason="Zertifikat", location="B"))
    # an issued certificate keeps the SHA-256 of its signed PDF: the upload finds it by that only
    certificate.pdf_sha256 = hashlib.sha256(pdf.read_bytes()).hexdigest()
    certificate.save(update_fields=["pdf_sha256"])
    jwt_file = tmp_path / "nachweis.jwt"
    jwt_file.write_text(certificate.credential_jwt)

    page.goto(url)
    expect(page.locator("h1")).to_have_text("Zertifikat prüfen")
    expect(page.get_by_text("Gültig.", exact=True)).to_be_visible()
    expect(page.get_by_text("Erika Musterfrau")).to_be_visible()
    check_page(page, SHOTS, f"verify-{width}")

    page.get_by_role("link", name="Eine Zertifikatsdatei hier prüfen lassen").click()
    expect(page.locator("h1")).to_have_text("Zertifikatsdatei prüfen")
    page.get_by_label("Zertifikat (PDF) oder digitaler Nachweis").set_input_files(str(pdf))
    page.get_by_role("button", name="Prüfen").click()
    expect(
        page.get_by_text("Die Signatur der PDF-Datei ist gültig und umfasst die ganze Datei.")
    ).to_be_visible()
    expect(page.get_by_text("Erika Musterfrau")).to_be_visible()
    check_page(page, SHOTS, f"verify-upload-pdf-{width}")
    page.get_by_label("Zertifikat (PDF) oder digitaler Nachweis").set_input_files(str(jwt_file))
    page.get_by_role("button", name="Prüfen").click()
    expect(page.get_by_text("Die Signatur des digitalen Nachweises ist gültig.")).to_be_visible()
    page.get_by_label("Zertifikat (PDF) oder digitaler Nachweis").set_input_files(
        files=[{"name": "bild.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n"}]
    )
    page.get_by_role("button", name="Prüfen").click()
    expect(
        page.get_by_text("Bitte laden Sie eine PDF-Datei oder einen Nachweis als .jwt oder .json")
    ).to_be_visible()
    check_page(page, SHOTS, f"verify-upload-error-{width}")

    staff = django_user_model.objects.create_user("team@example.org", "pw", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    login(page, site, "team@example.org")
    page.goto(f"{site}/verwaltung/zertifikate/nachweis/{certificate.verification_id}/")
    expect(page.locator("h1")).to_have_text("Zertifikat von Erika Musterfrau")
    check_page(page, SHOTS, f"staff-certificate-{width}")
    page.get_by_role("button", name="Zertifikat widerrufen").click()
    expect(page.get_by_text("Dieses Feld ist zwingend erforderlich.")).to_be_visible()
    page.get_by_label("Grund des Widerrufs").fill("Die Prüfungsleistung wurde aberkannt.")
    page.get_by_role("button", name="Zertifikat widerrufen").click()
    expect(page.get_by_text("Das Zertifikat ist widerrufen.")).to_be_visible()
    check_page(page, SHOTS, f"staff-certificate-revoked-{width}")

    page.goto(url)
    expect(page.get_by_text("Widerrufen.", exact=True)).to_be_visible()
    expect(page.get_by_text("aberkannt")).to_have_count(0)
    check_page(page, SHOTS, f"verify-revoked-{width}")
