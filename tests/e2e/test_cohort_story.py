"""Issue 13's story, as a new participant and her lecturer would live it, in one browser run:
an applicant of the current cohort accepts her offer, names her supervisor, who confirms by the
mailed link; she chooses an elective, subscribes to her calendar, checks in with the day's code
from the room, downloads the module's material and registers for a talk (which then appears in
her calendar). The lecturer, on a phone, opens the day's check-in list from her run page and
marks her late. axe runs on every page. Screenshots go to /tmp/shots-story/."""

from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login
from tests.factories import complete, delivered_link, pdf

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-story")  # noqa: S108 (screenshots for people to look at)
ONLINE = "https://konferenz.example.org/brown-bag-42"


def _check(page: Page, name: str):
    check_page(page, SHOTS, name)


@pytest.fixture
def story(site, smtp_server, django_user_model):
    """The current cohort with a teaching day today (module 1), its lecturer, an open elective
    choice, a released material, a talk open for registration, and Anna: admitted, her offer's
    mail delivered."""
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.admissions import services as admissions
    from kohorte.catalog.models import Cohort, Event, Person, Session
    from kohorte.comms.delivery import deliver_due
    from kohorte.comms.services import release_batch
    from kohorte.events.models import EventSettings
    from kohorte.selection import services as selection
    from kohorte.teaching import services as teaching

    cohort = Cohort.objects.select_related("program").get(slug="jahrgang-2")
    staff = django_user_model.objects.create_user("team@example.org", "pw", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    run = cohort.runs.select_related("module").get(module__number=1)
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
    four, five = teaching.elective_runs(cohort)
    teaching.set_elective_round(
        cohort,
        actor=staff,
        choices_close_at=timezone.now() + timedelta(days=14),
        capacities={four.pk: 12, five.pk: 12},
    )
    upload = pdf("folien.pdf", 2)
    content = upload.read()
    upload.seek(0)
    material = teaching.add_material(run, actor=lena, title="Folien Tag 1", uploaded=upload)
    start = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    talk = Event.objects.create(
        program=cohort.program,
        kind=Event.Kind.SPEAKER_SERIES,
        title="Brown Bag Lunch: Sprachmodelle im Bürgerservice",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    EventSettings.objects.create(event=talk, registration_open=True, capacity=20, online_url=ONLINE)

    anna = django_user_model.objects.create_user(
        "anna@bund.example", "pw", first_name="Anna", last_name="Amt"
    )
    for user in (anna, lena, staff):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    application = admissions.start_application(cohort, anna)
    complete(application, anna)
    _, token = admissions.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=anna
    )
    admissions.referee_upload(admissions.find_referee_request(token), pdf("letter.pdf"))
    admissions.submit_application(application, actor=anna)
    chair = django_user_model.objects.create_user("chair@example.org", "x")
    selection.record_decision(application, "admit", "Überzeugende Bewerbung", actor=chair)
    release_batch(selection.prepare_decision_mails(cohort, actor=chair), actor=chair)
    deliver_due()
    return {
        "cohort": cohort,
        "run": run,
        "day": day,
        "four": four,
        "five": five,
        "material": material,
        "content": content,
        "talk": talk,
        "anna": anna,
    }


def test_from_the_offer_to_the_first_teaching_day(page: Page, site, smtp_server, story):
    from kohorte.events.models import Registration
    from kohorte.teaching import services as teaching
    from kohorte.teaching.models import Attendance, Participation, Release

    run, day, five = story["run"], story["day"], story["five"]
    page.set_viewport_size({"width": 1280, "height": 900})

    # 1. she accepts her offer in the portal and becomes a participant
    login(page, site, "anna@bund.example")
    page.goto(site + "/meine-bewerbung/")
    expect(page.get_by_text("Die Auswahlkommission bietet Ihnen einen Platz")).to_be_visible()
    _check(page, "01-angebot")
    page.get_by_role("button", name="Platz annehmen").click()
    expect(page.get_by_text("Sie haben den Platz am")).to_be_visible()
    participation = Participation.objects.get(user=story["anna"])

    # 2. her supervisor confirms the release by the mailed link, without an account
    page.get_by_role("link", name="Mein Programm").click()
    expect(page.locator("h1")).to_have_text("Mein Programm")
    _check(page, "02-mein-programm")
    page.get_by_label("Name der vorgesetzten Person").fill("Dr. Vera Vorgesetzt")
    page.get_by_label("Funktion").fill("Abteilungsleitung")
    page.get_by_label("Dienstliche E-Mail-Adresse").fill("vera@bund.example")
    page.get_by_role("button", name="Bitte um Bestätigung senden").click()
    link = delivered_link(
        smtp_server, "vera@bund.example", site, r"(https?://\S+/freistellung/\S+/)"
    )
    context = page.context.browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    supervisor = context.new_page()
    supervisor.goto(link)
    expect(supervisor.get_by_text("Anna Amt nimmt am Programm")).to_be_visible()
    _check(supervisor, "03-freistellung")
    supervisor.get_by_role("button", name="Freistellung bestätigen").click()
    expect(supervisor.locator("h1")).to_have_text("Vielen Dank")
    context.close()
    assert Release.objects.get(participation=participation).status == "confirmed"

    # 3. she chooses an elective
    page.goto(site + "/mein-programm/")
    expect(page.get_by_text("Dr. Vera Vorgesetzt hat Ihre Freistellung am")).to_be_visible()
    page.get_by_role("link", name="Wahlmodule wählen").click()
    page.get_by_label(f"{five.module.number}. {five.module.title}").select_option(label="1. Wahl")
    page.get_by_role("button", name="Wahl speichern").click()
    expect(page.get_by_text("Ihre Wahl ist gespeichert.")).to_be_visible()
    _check(page, "04-wahlmodule")

    # 4. she subscribes to her private calendar
    page.get_by_role("link", name="Zurück zu Mein Programm").click()
    page.get_by_role("link", name="Persönlicher Kalender").click()
    page.get_by_role("button", name="Kalender-Link anlegen").click()
    feed_url = page.get_by_label("Kalender-Link").input_value().replace("http://testserver", site)
    _check(page, "05-kalender")
    feed = page.request.get(feed_url).text()
    assert f"UID:session-{day.uid}@kohorte" in feed
    assert f"Modul {five.module.number}:" in feed and "Brown Bag Lunch" not in feed

    # 5. in the room she types the day's code and is marked present, once
    code = teaching.checkin_code(day)
    page.goto(site + "/mein-programm/")
    page.get_by_label("Code aus dem Raum").fill(code)
    page.get_by_role("button", name="Jetzt eintragen").click()
    expect(page.get_by_text("Danke! Sie sind für 1.", exact=False)).to_be_visible()
    _check(page, "06-eingecheckt")
    page.goto(site + f"/mein-programm/anwesenheit/?code={code}")
    page.get_by_role("button", name="Jetzt eintragen").click()
    expect(page.get_by_text("Sie sind bereits eingetragen (anwesend).")).to_be_visible()
    assert Attendance.objects.filter(participation=participation).count() == 1

    # 6. she downloads the module's material: the very bytes the lecturer uploaded
    page.goto(site + "/mein-programm/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Folien Tag 1").click()
    assert Path(info.value.path()).read_bytes() == story["content"]

    # 7. she registers for a talk, sees the online link, and the talk joins her calendar
    page.goto(site + f"/veranstaltungen/{story['talk'].uid}/")
    expect(page.get_by_text(ONLINE)).to_have_count(0)
    page.get_by_role("button", name="Jetzt anmelden").click()
    expect(page.get_by_text("Sie sind angemeldet.").first).to_be_visible()
    expect(page.get_by_role("link", name=ONLINE)).to_be_visible()
    _check(page, "07-vortrag")
    assert Registration.objects.get(user=story["anna"]).status == "confirmed"
    assert "Brown Bag Lunch: Sprachmodelle im Bürgerservice" in page.request.get(feed_url).text()

    # 8. the lecturer, on a phone, marks her late from the run page's check-in list
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, site, "lena@uni.example")
    page.goto(site + "/lehre/")
    _check(page, "08-meine-lehre-390")
    # the same lecturer teaches module 1 in both cohorts: this cohort's run
    page.locator(f'main a[href="/lehre/{run.pk}/"]').click()
    expect(page.get_by_role("cell", name="Anna Amt")).to_be_visible()
    _check(page, "09-modul-390")
    page.get_by_role("link", name="Anwesenheit erfassen").first.click()
    row = page.locator(f"#p{participation.pk}")
    row.get_by_role("button", name="Verspätet").click()
    expect(row.get_by_role("button", name="Verspätet")).to_have_attribute("aria-pressed", "true")
    _check(page, "10-anwesenheit-390")
    assert Attendance.objects.get(participation=participation).status == "late"
