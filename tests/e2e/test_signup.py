"""A new person signs up in German, verifies through the mailed link and logs in."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import delivered_link

pytestmark = pytest.mark.browser
axe = Axe()


def _clean(page: Page):
    bad = [
        f"{v['id']}: {v['help']}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []


def test_signup_verify_login(page: Page, site, smtp_server):
    page.goto(site + "/konto/login/")
    page.get_by_role("link", name="registrieren Sie sich").click()
    _clean(page)
    page.get_by_label("Vorname").fill("Erika")
    page.get_by_label("Nachname").fill("Muster")
    page.get_by_label("E-Mail-Adresse").fill("erika.muster@bund.example")
    page.get_by_label("Passwort", exact=True).fill("Sehr-geheimes-Passwort-2026")
    page.get_by_label("Passwort (Wiederholung)").fill("Sehr-geheimes-Passwort-2026")
    page.locator("main form button[type=submit]").click()
    # Forgot the consent: the error sits at the field, nothing typed is lost.
    expect(page.get_by_text("Bitte stimmen Sie der Datenschutzerklärung zu.")).to_be_visible()
    expect(page.get_by_label("Vorname")).to_have_value("Erika")
    _clean(page)
    page.get_by_label("Passwort", exact=True).fill("Sehr-geheimes-Passwort-2026")
    page.get_by_label("Passwort (Wiederholung)").fill("Sehr-geheimes-Passwort-2026")
    page.get_by_label(re.compile("Ich habe die Datenschutzerklärung gelesen")).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Bestätigen Sie Ihre E-Mail-Adresse")
    _clean(page)

    page.goto(delivered_link(smtp_server, "erika.muster@bund.example", site))
    _clean(page)
    page.locator("main form button[type=submit]").click()
    # Confirming the address logs the person in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION).
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()
    page.context.clear_cookies()
    page.goto(site + "/konto/login/")
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill("erika.muster@bund.example")
    page.get_by_label("Passwort").fill("Sehr-geheimes-Passwort-2026")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()
