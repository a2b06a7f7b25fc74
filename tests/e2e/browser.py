"""Helpers of the browser tests (not a test module): axe, nothing sticking out sideways, a
screenshot for people to look at, and logging in."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

axe = Axe()
# A wide table scrolls inside its own region (.kern-table-responsive); the page never does.
WIDER = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.kern-table-responsive'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className).slice(0, 5)"""


def check_page(page: Page, shots: Path, name: str) -> None:
    """No serious or critical axe violation, nothing wider than the window, and a full-page
    screenshot ``shots/name.png``."""
    bad = [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:2]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], name
    assert page.evaluate(WIDER) == [], name
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def login(page: Page, site: str, email: str, password: str = "pw") -> None:  # noqa: S107
    """Log in as ``email`` (logging out whoever is logged in first)."""
    page.goto(site + "/konto/logout/")
    if page.get_by_role("button", name="Abmelden").count():
        page.get_by_role("button", name="Abmelden").click()
    page.goto(site + "/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="Abmelden")).to_be_visible()
