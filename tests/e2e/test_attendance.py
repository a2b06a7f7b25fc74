"""Attendance in the browser: a lecturer on a phone (390 × 844) marks a teaching day with htmx
(the row is swapped in place) and, in a second browser without JavaScript, by plain POST and
redirect; she shows the room code; a participant types the day's code on "Mein Programm" and is
marked present once. axe runs on every page. Screenshots go to /tmp/shots-attendance/."""

from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-attendance")  # noqa: S108 (screenshots for people to look at)


def _check(page: Page, name: str):
    check_page(page, SHOTS, f"{name}-{page.viewport_size['width']}")


@pytest.fixture
def teaching_day(site, django_user_model):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort, Person, Session
    from kohorte.teaching import services

    cohort = Cohort.objects.get(slug="jahrgang-2")
    run = cohort.runs.get(module__number=1)
    today = timezone.localdate()
    run.sessions.all().delete()
    run.starts_on, run.ends_on = today, today + timedelta(days=2)
    run.save(update_fields=["starts_on", "ends_on"])
    day = Session.objects.create(run=run, date=today, starts_at=time(9), ends_at=time(17))
    lena = django_user_model.objects.create_user(
        "lena@uni.example", "pw", first_name="Lena", last_name="Lehrt"
    )
    Person.objects.filter(pk=run.lecturers.first().pk).update(user=lena)
    Membership.objects.create(user=lena, role="lecturer", cohort=cohort)
    people = {}
    for first, last in [("Tara", "Teil"), ("Udo", "Unterwegs"), ("Vera", "Verspätet")]:
        user = django_user_model.objects.create_user(
            f"{first.lower()}@bund.example", "pw", first_name=first, last_name=last
        )
        people[first] = services.enrol_participant(cohort, user)
    for user in [lena, *(p.user for p in people.values())]:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return {"day": day, "run": run, "people": people, "url": f"/anwesenheit/{run.pk}/{day.pk}/"}


def test_lecturer_marks_attendance_on_a_phone_with_and_without_javascript(
    page: Page, browser, site, teaching_day
):
    from kohorte.teaching.models import Attendance

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, site, "lena@uni.example")
    page.goto(site + "/anwesenheit/")
    _check(page, "checkin-index")
    page.get_by_role("link", name="Liste für " + _long(teaching_day["day"].date)).click()
    expect(page.locator("h1")).to_have_text("Anwesenheit am " + _long(teaching_day["day"].date))
    _check(page, "checkin-list")
    vera = teaching_day["people"]["Vera"]
    row = page.locator(f"#p{vera.pk}")
    box = row.get_by_role("button", name="Verspätet").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 100  # a large tap target
    url_before = page.url
    row.get_by_role("button", name="Verspätet").click()
    expect(page.locator(f"#p{vera.pk}")).to_contain_text("Erfasst: verspätet")
    assert page.url == url_before  # htmx swapped the row; no reload
    expect(page.locator(f"#p{vera.pk}").get_by_role("button", name="Verspätet")).to_have_attribute(
        "aria-pressed", "true"
    )
    # excused asks for a reason: without one the row says so at the field
    udo = teaching_day["people"]["Udo"]
    page.locator(f"#p{udo.pk} summary").click()
    page.locator(f"#p{udo.pk}").get_by_role("button", name="Als entschuldigt speichern").click()
    expect(page.locator(f"#p{udo.pk}")).to_contain_text(
        "Bitte geben Sie einen Grund für die Entschuldigung an."
    )
    page.locator(f"#p{udo.pk}").get_by_label("Grund der Entschuldigung").fill("Dienstreise")
    page.locator(f"#p{udo.pk}").get_by_role("button", name="Als entschuldigt speichern").click()
    expect(page.locator(f"#p{udo.pk}")).to_contain_text("Erfasst: entschuldigt")
    _check(page, "checkin-list-marked")
    page.goto(site + teaching_day["url"] + "code/")
    _check(page, "checkin-code")

    # the same list without JavaScript: plain POST, redirect back to the row
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    nojs = context.new_page()
    login(nojs, site, "lena@uni.example")
    nojs.goto(site + teaching_day["url"])
    tara = teaching_day["people"]["Tara"]
    nojs.locator(f"#p{tara.pk}").get_by_role("button", name="Abwesend").click()
    expect(nojs.get_by_text("Tara Teil: abwesend gespeichert.")).to_be_visible()
    assert nojs.url.endswith(f"{teaching_day['url']}#p{tara.pk}")
    expect(nojs.locator(f"#p{tara.pk}")).to_contain_text("Erfasst: abwesend")
    # axe needs JavaScript; the same page was checked above with it
    nojs.screenshot(path=str(SHOTS / "checkin-list-nojs-390.png"), full_page=True)
    context.close()
    rows = dict(Attendance.objects.values_list("participation_id", "status"))
    assert rows == {vera.pk: "late", udo.pk: "excused", tara.pk: "absent"}


@pytest.mark.parametrize("width", [390, 1280])
def test_participant_checks_in_with_the_days_code(page: Page, site, teaching_day, width):
    from kohorte.teaching import services
    from kohorte.teaching.models import Attendance

    page.set_viewport_size({"width": width, "height": 900})
    code = services.checkin_code(teaching_day["day"])
    login(page, site, "tara@bund.example")
    page.goto(site + "/mein-programm/")
    _check(page, "programme")
    page.get_by_label("Code aus dem Raum").fill("XXXXXXX")
    page.get_by_role("button", name="Jetzt eintragen").click()
    expect(page.get_by_text("Diesen Code kennen wir nicht.")).to_be_visible()
    _check(page, "self-checkin-error")
    page.get_by_label("Code aus dem Raum").fill(code.lower())
    page.get_by_role("button", name="Jetzt eintragen").click()
    expect(page.get_by_text("Danke! Sie sind für 1.", exact=False)).to_be_visible()
    _check(page, "programme-checked-in")
    # scanning the QR code again (its URL carries the code) says she is already recorded
    page.goto(site + f"/mein-programm/anwesenheit/?code={code}")
    page.get_by_role("button", name="Jetzt eintragen").click()
    expect(page.get_by_text("Sie sind bereits eingetragen (anwesend).")).to_be_visible()
    assert Attendance.objects.filter(participation=teaching_day["people"]["Tara"]).count() == 1


def _long(day):
    from django.utils import formats

    return formats.date_format(day, "DATE_FORMAT")
