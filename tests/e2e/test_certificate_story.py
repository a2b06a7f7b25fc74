"""Issue 15's story, end to end, as people would do it (desktop, 1280 × 900; the verification
pages also on a phone, 390 × 844). axe runs on every page. Screenshots go to
/tmp/shots-certificate-story/.

1. Staff go from the staff navigation to the cohort's certificates page, confirm the bulk issue
   and watch the progress while a real worker process (``kohorte worker --batch``, the command
   production runs) issues the certificates; then they download the ZIP for printing.
2. The holder logs in, finds her certificate under "Mein Programm" and downloads the signed PDF
   and the Open Badges credential (.jwt).
3. A stranger (an HR office: a new browser, not logged in) reads the verification URL from the
   PDF's QR code (rendered with poppler's ``pdftoppm``, decoded with ``zbarimg``), opens it,
   drops the PDF on the verification page, and then a copy with one byte changed.
4. Staff open the certificate's page and revoke it with a reason; the stranger reloads the
   verification page and reads "widerrufen"; the status list, decoded here with the standard
   library only, has the certificate's bit set.
"""

import base64
import gzip
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import check_page, login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-certificate-story")  # noqa: S108 (screenshots for people to look at)
MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _german_date(day: date) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}:{port}/{s['NAME']}"


def _start_worker(data_dir: Path, site: str) -> subprocess.Popen:
    """``kohorte worker --batch``: runs what is queued (the issue task), then exits."""
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KOHORTE_DATA_DIR": str(data_dir),
        "KOHORTE_BASE_URL": site,
        "SECRET_KEY": settings.SECRET_KEY,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kohorte", "worker", "--batch", "--no-startup-delay", "--no-reload"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _qr_url(pdf: Path) -> str:
    """What an HR office's phone reads: the QR code on the rendered first page."""
    prefix = pdf.with_suffix("")
    subprocess.run(
        ["/usr/bin/pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        timeout=60,
    )
    image = next(pdf.parent.glob(f"{prefix.name}-*1.png"))
    found = subprocess.run(
        ["/usr/bin/zbarimg", "--quiet", "--raw", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return found.stdout.strip()


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _jwt_payload(token: str) -> dict:
    """The claims of a compact JWS (VC-JWT puts the credential under ``vc``)."""
    return json.loads(_b64url(token.split(".")[1]))


def _revoked_in_status_list(page: Page, url: str, index: int) -> bool:
    """Fetch the W3C Bitstring Status List credential and read bit ``index`` (left-most bit of
    byte 0 is index 0), with the standard library only."""
    response = page.request.get(url)
    assert response.ok, response.status
    subject = _jwt_payload(response.text().strip())["vc"]["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url
    bits = gzip.decompress(_b64url(encoded[1:]))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def test_issue_download_verify_and_revoke(
    page: Page, browser: Browser, site, settings, tmp_path, django_user_model
):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort
    from kohorte.core import issuer
    from kohorte.credentials.models import Certificate, IssuanceBatch
    from tests.credentials.conftest import make_completed

    # One data folder for this server and the worker process: the issuer's keys, the private
    # files (PDFs, the ZIP) and the mail files.
    data_dir = tmp_path / "data"
    settings.DATA_DIR = data_dir
    settings.KOHORTE_BASE_URL = site
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": data_dir / "private", "base_url": None},
        },
    }
    issuer.setup_issuer()
    page.set_viewport_size(DESKTOP)
    cohort = Cohort.objects.select_related("program").get(slug="jahrgang-1")
    program = cohort.program
    staff = django_user_model.objects.create_user(
        "team@example.org", "pw", is_staff=True, first_name="Tina", last_name="Team"
    )
    Membership.objects.create(user=staff, role="staff", program=program)
    erika = make_completed(cohort, "erika@bund.example", "Erika", "Musterfrau", staff=staff).user
    make_completed(cohort, "jan@bund.example", "Jan", "Beispiel", staff=staff, language="en")
    for user in (staff, erika):
        user.set_password("pw")
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    # --- 1. Staff issue the cohort's certificates ---------------------------------------------
    login(page, site, staff.email)
    page.get_by_role("link", name="Lehrbetrieb").click()
    check_page(page, SHOTS, "01-staff-teaching")
    page.get_by_role("link", name=cohort.name, exact=True).click()
    page.locator("main").get_by_role("link", name="Zertifikate", exact=True).click()
    expect(page.locator("h1")).to_have_text("Zertifikate")
    expect(
        page.get_by_text(
            "2 Teilnehmer:innen haben den Abschluss; 2 davon warten auf ihr Zertifikat."
        )
    ).to_be_visible()
    check_page(page, SHOTS, "02-staff-certificates")
    page.get_by_role("button", name="Für alle mit Abschluss ausstellen (2)").click()
    expect(
        page.get_by_text("Jetzt 2 Zertifikate ausstellen und per Mail versenden?")
    ).to_be_visible()
    check_page(page, SHOTS, "03-staff-confirm")
    page.get_by_role("button", name="Ja, ausstellen").click()
    expect(page.get_by_text("Die Ausstellung läuft im Hintergrund.")).to_be_visible()
    expect(page.get_by_text("Ausstellung läuft: 0 von 2 Zertifikaten ausgestellt.")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "0")
    check_page(page, SHOTS, "04-staff-running")
    assert IssuanceBatch.objects.get(cohort=cohort).status == "queued"

    worker = _start_worker(data_dir, site)
    try:
        _out, err = worker.communicate(timeout=180)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err[-3000:]
    batch = IssuanceBatch.objects.get(cohort=cohort)
    assert (batch.status, batch.done, batch.total) == ("done", 2, 2), batch.error
    # The page polls (htmx, every 2 s) and, at the end, reloads itself: the counts and the
    # table show the new certificates without anyone pressing "aktualisieren".
    done = page.get_by_text("Fertig: 2 Zertifikate ausgestellt am")
    expect(done).to_be_visible(timeout=15_000)
    expect(done).to_contain_text(
        "Die Mails mit dem PDF an die Inhaber:innen stehen im Postausgang."
    )
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(
        page.get_by_text(
            "2 Teilnehmer:innen haben den Abschluss; 0 davon warten auf ihr Zertifikat."
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="Fassung 1: gültig")).to_have_count(2)
    check_page(page, SHOTS, "05-staff-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Alle gültigen Zertifikate zum Drucken herunterladen").click()
    assert download.value.suggested_filename == "zertifikate-1-jahrgang-2024-2025.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = sorted(archive.namelist())
        assert names == ["zertifikat-erika-musterfrau-v1.pdf", "zertifikat-jan-beispiel-v1.pdf"]
        assert archive.read(names[0]).startswith(b"%PDF-")

    # --- 2. The holder downloads hers -----------------------------------------------------------
    login(page, site, erika.email)
    page.get_by_role("link", name="Mein Programm").click()
    section = page.locator("section", has=page.get_by_role("heading", name="Ihr Zertifikat"))
    expect(section.get_by_role("heading", name="Zertifikat, Fassung 1 (gültig)")).to_be_visible()
    check_page(page, SHOTS, "06-holder-programme")
    with page.expect_download() as download:
        section.get_by_role("link", name="Zertifikat herunterladen").click()
    assert download.value.suggested_filename == "zertifikat-erika-musterfrau-v1.pdf"
    pdf = tmp_path / "zertifikat-erika-musterfrau-v1.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    with page.expect_download() as download:
        section.get_by_role("link", name="Digitalen Nachweis herunterladen").click()
    assert download.value.suggested_filename == "zertifikat-erika-musterfrau-v1.jwt"
    credential = _jwt_payload(Path(download.value.path()).read_text().strip())["vc"]
    status_entry = credential["credentialStatus"]
    index = int(status_entry["statusListIndex"])

    # --- 3. A stranger checks it ----------------------------------------------------------------
    url = _qr_url(pdf)
    assert re.fullmatch(re.escape(site) + r"/zertifikate/pruefen/[A-Za-z0-9_-]{20,}/", url), url
    text = _pdf_text(pdf)
    assert url in text.replace("\n", "").replace(" ", "")
    assert "Erika Musterfrau" in text

    stranger = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", accept_downloads=True, viewport=DESKTOP
    )
    hr = stranger.new_page()
    certificate = Certificate.objects.get(participation__user=erika)
    issued = _german_date(certificate.issued_at.astimezone(ZoneInfo("Europe/Berlin")).date())
    facts = {
        "Name": "Erika Musterfrau",
        "Programm": program.title,
        "Jahrgang": cohort.name,
        "Ausgestellt am": issued,
        "Status": "gültig",
    }
    hr.goto(url)
    expect(hr.locator("h1")).to_have_text("Zertifikat prüfen")
    expect(hr.get_by_text("Gültig.", exact=True)).to_be_visible()
    for term, value in facts.items():
        expect(hr.locator(f"dt:text-is('{term}') + dd")).to_have_text(value)
    expect(hr.locator("main")).not_to_contain_text("erika@bund.example")
    check_page(hr, SHOTS, "07-verify-1280")
    hr.set_viewport_size(PHONE)
    check_page(hr, SHOTS, "07-verify-390")
    hr.set_viewport_size(DESKTOP)

    hr.get_by_role("link", name="Eine Zertifikatsdatei hier prüfen lassen").click()
    expect(hr).to_have_url(f"{site}/zertifikate/pruefen/")
    expect(hr.locator("h1")).to_have_text("Zertifikatsdatei prüfen")
    hr.get_by_label("Zertifikat (PDF) oder digitaler Nachweis").set_input_files(str(pdf))
    hr.get_by_role("button", name="Prüfen").click()
    result = hr.locator("#ergebnis")
    expect(
        result.get_by_text("Die Signatur der PDF-Datei ist gültig und umfasst die ganze Datei.")
    ).to_be_visible()
    expect(result.get_by_text("Gültig.", exact=True)).to_be_visible()
    for term, value in facts.items():
        expect(result.locator(f"dt:text-is('{term}') + dd")).to_have_text(value)
    check_page(hr, SHOTS, "08-verify-upload-valid-1280")
    hr.set_viewport_size(PHONE)
    check_page(hr, SHOTS, "08-verify-upload-valid-390")
    hr.set_viewport_size(DESKTOP)

    tampered = bytearray(pdf.read_bytes())
    tampered[tampered.index(b"\n") + 2] ^= 0x01  # one byte of the header's binary comment
    copy = tmp_path / "zertifikat-geaendert.pdf"
    copy.write_bytes(bytes(tampered))
    hr.get_by_label("Zertifikat (PDF) oder digitaler Nachweis").set_input_files(str(copy))
    hr.get_by_role("button", name="Prüfen").click()
    expect(result.get_by_role("alert")).to_have_text(
        "Nicht bestätigt. Die Signatur der PDF-Datei ist ungültig, nicht von dieser Stelle oder "
        "deckt nicht die ganze Datei ab. Die Datei wurde verändert oder stammt nicht von uns."
    )
    expect(result.locator("dl")).to_have_count(0)
    check_page(hr, SHOTS, "09-verify-upload-tampered-1280")

    assert _revoked_in_status_list(hr, status_entry["statusListCredential"], index) is False

    # --- 4. Staff revoke it; the stranger reloads ----------------------------------------------
    login(page, site, staff.email)
    page.get_by_role("link", name="Lehrbetrieb").click()
    page.get_by_role("link", name=cohort.name, exact=True).click()
    page.locator("main").get_by_role("link", name="Zertifikate", exact=True).click()
    page.get_by_role("row", name="Erika Musterfrau").get_by_role(
        "link", name="Fassung 1: gültig"
    ).click()
    expect(page.locator("h1")).to_have_text("Zertifikat von Erika Musterfrau")
    check_page(page, SHOTS, "10-staff-certificate")
    page.get_by_label("Grund des Widerrufs").fill("Die Prüfungsleistung wurde aberkannt.")
    page.get_by_role("button", name="Zertifikat widerrufen").click()
    expect(page.get_by_text("Das Zertifikat ist widerrufen.")).to_be_visible()
    check_page(page, SHOTS, "11-staff-certificate-revoked")

    hr.goto(url)
    hr.reload()
    expect(hr.get_by_text("Widerrufen.", exact=True)).to_be_visible()
    today = _german_date(datetime.now(ZoneInfo("Europe/Berlin")).date())
    expect(hr.locator(".kern-alert")).to_contain_text(
        f"Dieses Zertifikat wurde am {today} widerrufen und gilt nicht mehr."
    )
    expect(hr.locator("dt:text-is('Status') + dd")).to_have_text("widerrufen")
    expect(hr.locator("main")).not_to_contain_text("aberkannt")
    check_page(hr, SHOTS, "12-verify-revoked-1280")
    hr.set_viewport_size(PHONE)
    check_page(hr, SHOTS, "12-verify-revoked-390")
    assert _revoked_in_status_list(hr, status_entry["statusListCredential"], index) is True
    stranger.close()
