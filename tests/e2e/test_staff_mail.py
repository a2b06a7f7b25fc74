"""Staff in a real browser: the outbox, a template with live preview (htmx), a bulk send."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
axe = Axe()


@pytest.fixture
def staff_site(site):
    from kohorte.demo import load_demo

    load_demo()
    return site


def _login(page: Page, site: str):
    page.goto(site + "/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("programmteam@example.org")
    page.get_by_label("Passwort").fill("kohorte-demo")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()


def _no_serious_violations(page: Page):
    results = axe.run(page)
    bad = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []


def test_staff_reads_outbox_edits_template_and_holds_bulk_mail(page: Page, staff_site):
    _login(page, staff_site)
    page.get_by_role("link", name="Postausgang").first.click()
    expect(page.locator("h1")).to_have_text("Postausgang")
    page.get_by_label("Empfänger:in oder Betreff").fill("bewerberin@")
    page.get_by_role("button", name="Filtern").click()
    expect(
        page.get_by_role("link", name="Bitte bestätigen Sie Ihre E-Mail-Adresse")
    ).to_be_visible()
    _no_serious_violations(page)

    page.get_by_role("link", name="Mailvorlagen").click()
    _no_serious_violations(page)
    page.get_by_role("row", name=re.compile("Bewerbung eingegangen")).get_by_role(
        "link", name="Deutsch"
    ).click()
    subject = page.get_by_label("Betreff")
    subject.fill("Danke – {{ cohort_name }}!")  # a typed name is not allowed in a subject
    # htmx re-renders the preview while typing; no page load.
    expect(page.locator("#preview")).to_contain_text("Danke – 2. Jahrgang 2027!")
    _no_serious_violations(page)
    subject.fill("Danke, {{ vorname }}!")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".kern-error")).to_contain_text("Unbekannter Platzhalter „vorname“")
    expect(page.get_by_label("Betreff")).to_have_value("Danke, {{ vorname }}!")

    page.get_by_role("link", name="Sammelsendungen").click()
    page.get_by_role("link", name="Neue Sammelsendung").click()
    page.get_by_label("Empfängerkreis").select_option(label="Alle aktiven Konten")
    page.get_by_label("Betreff").fill("Erinnerung")
    page.get_by_label("Text").fill("Guten Tag {{ recipient_name }}")
    page.get_by_role("button", name="Vorschau anzeigen").click()
    from kohorte.accounts.models import User

    active = User.objects.filter(is_active=True).count()
    expect(page.get_by_text(f"{active} Empfänger:innen (Alle aktiven Konten)")).to_be_visible()
    _no_serious_violations(page)
    page.get_by_role("button", name="Sammelsendung anlegen").click()
    expect(page.locator("h1")).to_have_text("Erinnerung")
    expect(page.get_by_text(f"{active} zurückgehalten")).to_be_visible()
    page.get_by_role("button", name="Jetzt freigeben und senden").click()
    expect(page.get_by_text("Die Sammelsendung ist freigegeben.")).to_be_visible()
