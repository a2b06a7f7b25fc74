"""A visitor in a real browser (Playwright + Debian's Chromium), with axe-core on every page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from icalendar import Calendar
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
P = "/ki-data-science"
PUBLIC_PAGES = [
    f"{P}/",
    f"{P}/curriculum/",
    f"{P}/module/einfuehrung/",
    f"{P}/module/international-experiences/",
    f"{P}/personen/gerhard-hammerschmid/",
    f"{P}/lernziele/",
    f"{P}/bewerbung/",
    f"{P}/speaker-series/",
    f"{P}/infoveranstaltung/",
    f"{P}/jahrgaenge/",
    f"{P}/jahrgaenge/jahrgang-1/",
    f"{P}/faq/",
    f"{P}/kontakt/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/konto/login/",
    "/gibt-es-nicht/",
    f"/en{P}/",
    f"/en{P}/curriculum/",
    f"/en{P}/module/daten-lifecycle/",
    "/en/barrierefreiheit/",
]
axe = Axe()


def test_visitor_journey_home_curriculum_module_apply_english_calendar(page: Page, site):
    page.goto(site + "/")
    expect(page).to_have_url(re.compile(rf"{P}/$"))
    expect(page.locator("h1")).to_have_text(
        "Künstliche Intelligenz und Data Science für die öffentliche Verwaltung"
    )
    expect(page.get_by_role("link", name="Jetzt bewerben")).to_be_visible()

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Curriculum"
    ).click()
    expect(page.locator("h1")).to_contain_text("Curriculum: 2. Jahrgang")
    expect(page.locator(".module-item")).to_have_count(6)

    page.get_by_role("link", name="Deep-Dive in die KI - Das maschinelle Lernen").click()
    expect(page.locator("h1")).to_have_text("Deep-Dive in die KI - Das maschinelle Lernen")
    expect(page.get_by_role("link", name="Lynn Kaack")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("09:00–17:00")

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Bewerbung"
    ).click()
    expect(page.locator("h1")).to_have_text("So bewerben Sie sich")
    expect(page.get_by_text("Motivationsschreiben")).to_be_visible()

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(rf"/en{P}/bewerbung/$"))
    expect(page.locator("h1")).to_have_text("How to apply")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Curriculum"
    ).click()
    expect(page.locator("h1")).to_contain_text("Curriculum: Cohort 2")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Cohort calendar (iCal)").click()
    download = download_info.value
    assert download.suggested_filename == "ki-data-science-jahrgang-2.ics"
    calendar = Calendar.from_ical(download.path().read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 18 + 3  # six three-day modules, the info session and two talks
    assert str(events[0]["SUMMARY"]).startswith("Module 1: AI and Data Science")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_axe_finds_no_serious_or_critical_violation(page: Page, site, path):
    response = page.goto(site + path)
    assert response.status in {200, 404}
    results = axe.run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == []
    # The accessibility statement is linked from every page.
    expect(page.locator("footer a[href$='/barrierefreiheit/']")).to_have_count(1)


def test_skip_link_and_main_navigation_work_with_keyboard(page: Page, site):
    page.goto(site + f"{P}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(site + f"{P}/")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Curriculum":
            break
    else:
        pytest.fail("the main navigation's Curriculum link cannot be reached with Tab")
    # A visible focus indicator: the focused link has an outline.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{P}/curriculum/$"))
    expect(page.get_by_role("link", name="Curriculum", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )


def test_pages_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(site + f"{P}/curriculum/")
    expect(page.locator(".module-item")).to_have_count(6)
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_contain_text("Curriculum")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_narrow_screen_has_no_horizontal_scroll(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="de-DE")
    page = context.new_page()
    for path in [f"{P}/", f"{P}/curriculum/", f"{P}/module/einfuehrung/"]:
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    context.close()
