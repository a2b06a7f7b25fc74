"""An applicant in a real browser, in German: fills in the application over two sessions,
uploads CV and motivation letter, requests a recommendation; the referee uploads through the
mailed link; the applicant submits. axe runs on every step."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from kohorte.comms.models import OutboxMessage
from tests.factories import delivered_link, make_pdf

pytestmark = pytest.mark.browser
axe = Axe()
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"


def _clean(page: Page):
    bad = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:2]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []


def _login(page: Page, site):
    page.goto(site + "/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("erika@bund.example")
    page.get_by_label("Passwort").fill("Sehr-geheimes-Passwort-2026")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()


def test_new_user_signs_up_and_applies_over_two_sessions_with_referee(
    page: Page, site, tmp_path, browser, smtp_server
):
    # A new person signs up and verifies the address through the mailed link.
    page.goto(site + "/konto/signup/")
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Muster")
    page.get_by_label("E-Mail-Adresse").fill("erika@bund.example")
    page.get_by_label("Passwort", exact=True).fill("Sehr-geheimes-Passwort-2026")
    page.get_by_label("Passwort (Wiederholung)").fill("Sehr-geheimes-Passwort-2026")
    page.get_by_label(re.compile("Ich habe die Datenschutzerklärung gelesen")).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Bestätigen Sie Ihre E-Mail-Adresse")
    _clean(page)
    page.goto(delivered_link(smtp_server, "erika@bund.example", site))
    _clean(page)
    page.locator("main form button[type=submit]").click()
    page.context.clear_cookies()
    cv, letter, motivation = (tmp_path / n for n in ("cv.pdf", "letter.pdf", "motivation.pdf"))
    cv.write_bytes(make_pdf())
    letter.write_bytes(make_pdf())
    motivation.write_bytes(make_pdf(pages=2))

    # Session 1: from the public page into the portal, the first steps.
    _login(page, site)
    page.goto(site + "/ki-data-science/bewerbung/")
    page.get_by_role("link", name="Bewerbung beginnen oder fortsetzen").click()
    expect(page.locator("h1")).to_have_text("Ihre Bewerbung")
    _clean(page)
    page.get_by_role("link", name="Angaben bearbeiten").click()
    page.get_by_label("Telefon").fill("+49 30 123456")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.get_by_label("Behörde", exact=True).fill("Bundesministerium des Innern")
    page.get_by_label("Bund", exact=True).check()
    # htmx saves the draft on change, before any button is pressed.
    expect(page.locator("#save-status")).to_contain_text("Entwurf gespeichert um")
    _clean(page)
    page.context.clear_cookies()  # the session ends mid-step

    # Session 2: the draft is still there.
    _login(page, site)
    page.goto(site + BASE + "employer/")
    expect(page.get_by_label("Behörde", exact=True)).to_have_value("Bundesministerium des Innern")
    page.get_by_label("oberste Bundes- oder Landesbehörde (Ministerium)").check()
    page.get_by_label("Fachreferat").check()
    page.get_by_role("button", name="Speichern und weiter").click()
    page.get_by_label("Funktion").fill("Referatsleiterin")
    page.get_by_label("Führungsebene").select_option(label="Referatsleitung")
    page.get_by_label("Beteiligung an KI-Projekten").fill("Leitung eines KI-Pilotprojekts")
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.locator("h1")).to_have_text("Unterlagen")
    _clean(page)
    for section, path in (("Lebenslauf", cv), ("Motivationsschreiben", motivation)):
        region = page.get_by_role("region", name=section)
        region.get_by_label("PDF-Datei auswählen").set_input_files(str(path))
        region.get_by_role("button", name="Hochladen").click()
        expect(page.get_by_text("Das Dokument ist hochgeladen.")).to_be_visible()
    region = page.get_by_role("region", name="Empfehlungsschreiben")
    region.get_by_text("Referenzgeber:in per E-Mail anfragen").click()
    region.get_by_label("Name der Referenzgeberin / des Referenzgebers").fill("Dr. Rita Referenz")
    region.get_by_label("Funktion").fill("Abteilungsleiterin")
    region.get_by_label("Behörde").fill("BMI")
    region.get_by_label("E-Mail-Adresse").fill("rita@bmi.example")
    region.get_by_role("button", name="Anfrage senden").click()
    expect(page.get_by_text(re.compile("Angefragt bei Dr. Rita Referenz am"))).to_be_visible()
    _clean(page)

    # The referee, in another browser, follows the mailed link.
    referee = browser.new_context(locale="de-DE").new_page()
    referee.goto(delivered_link(smtp_server, "rita@bmi.example", site))
    referee.get_by_label("Empfehlungsschreiben (PDF, höchstens 10 MB)").set_input_files(str(letter))
    referee.get_by_label("Ich bestätige").check()
    referee.get_by_role("button", name="Schreiben hochladen").click()
    expect(referee.locator("h1")).to_have_text("Vielen Dank")

    # Back to the applicant: review and submit.
    page.goto(site + BASE + "pruefen/")
    _clean(page)
    page.get_by_label(re.compile("Ich versichere, dass meine Angaben richtig")).check()
    page.get_by_role("button", name="Bewerbung verbindlich einreichen").click()
    expect(page.get_by_text("Ihre Bewerbung ist eingereicht.")).to_be_visible()
    _clean(page)
    assert OutboxMessage.objects.filter(event_key="application.submitted").count() == 1
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Eingangsbestätigung (PDF)").click()
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    assert "Eingangsbestätigung Ihrer Bewerbung" in text and "Erika Muster" in text
