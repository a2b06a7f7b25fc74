"""The lecturer's pages: the runs they teach, a page per run (sessions, place, participants with
authority and function, logistics without personal details, materials), query counts equal at
one and many rows, the header link, and the lecturer's private calendar (exactly the sessions
of their runs; a revoked or replaced token gives 404)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from kohorte.accounts.models import Membership
from kohorte.admissions import services as admissions
from kohorte.catalog.models import Cohort, Person
from kohorte.catalog.templatetags.catalog import long_date
from kohorte.core.models import AuditLog
from kohorte.core.tokens import hash_token
from kohorte.teaching import services
from kohorte.teaching.models import CalendarLink, ElectiveCapacity

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "Nussallergie-XYZ"


@pytest.fixture
def lecturer(cohort, django_user_model):
    user = django_user_model.objects.create_user(
        "lena@hochschule.example", "x", first_name="Lena", last_name="Lehre"
    )
    Membership.objects.create(user=user, role="lecturer", cohort=cohort)
    person = Person.objects.create(slug="lena", first_name="Lena", last_name="Lehre", user=user)
    runs = {r.module.number: r for r in cohort.runs.select_related("module", "location")}
    runs[1].lecturers.add(person)
    runs[5].lecturers.add(person)
    location = runs[1].location
    location.street, location.postcode = "Platz der Republik 1", "10557"
    location.access_notes, location.travel_notes = "Aufzug am Nordeingang", "S-Bahn Hauptbahnhof"
    location.save()
    return user


def _participant(cohort, email, first, last, authority, job_title, **details):
    from kohorte.accounts.models import User

    user = User.objects.create_user(email, "x", first_name=first, last_name=last)
    application = admissions.start_application(cohort, user)
    admissions.save_draft(application, {"authority": authority, "job_title": job_title}, actor=user)
    participation = services.enrol_participant(cohort, user, application=application)
    if details:
        services.save_practical_details(participation, actor=user, **details)
    return participation


def test_the_run_list_and_the_header_link(client, cohort, lecturer):
    client.force_login(lecturer)
    page = client.get("/lehre/").content.decode()
    assert '<h1 class="kern-heading-x-large">Meine Lehre</h1>' in page
    assert 'href="/lehre/" aria-current="page">Meine Lehre</a>' in page
    runs = {r.module.number: r for r in cohort.runs.select_related("module")}
    assert f'<a class="kern-link" href="/lehre/{runs[1].pk}/">Modul 1: ' in page
    assert f'href="/lehre/{runs[5].pk}/"' in page and f'href="/lehre/{runs[2].pk}/"' not in page
    assert "<dd>GovTech Campus, Platz der Republik 1, 10557 Berlin</dd>" in page
    assert "Pflichtmodul" in page and "Wahlmodul" in page and "vor Ort" in page
    assert re.search(r"\d+\.(–\d+\.)? \w+ 20\d\d", page)  # dates in German words
    # no link for others
    client.force_login(_participant(cohort, "p@bund.example", "P", "P", "A", "F").user)
    assert "Meine Lehre" not in client.get("/mein-programm/").content.decode()


def test_the_run_page(client, cohort, lecturer, staff):
    runs = {r.module.number: r for r in cohort.runs.select_related("module")}
    _participant(
        cohort,
        "anna@bund.example",
        "Anna",
        "Amt",
        "Bundesamt für Statistik",
        "Referentin",
        dietary_needs=SECRET,
        accessibility_needs="",
        arrives=True,
    )
    bert = _participant(
        cohort,
        "bert@bund.example",
        "Bert",
        "Behörde",
        "Landesamt Nord",
        "Sachgebietsleiter",
        dietary_needs="",
        accessibility_needs="",
        arrives=False,
    )
    ElectiveCapacity.objects.create(run=runs[5], capacity=5)
    services.grant_place(bert, runs[5], actor=staff, reason="Test")
    client.force_login(lecturer)
    page = client.get(f"/lehre/{runs[1].pk}/").content.decode()
    assert 'Anna Amt</td><td class="kern-table__cell">Bundesamt für Statistik</td>' in page
    assert '<td class="kern-table__cell">Referentin</td>' in page and "Bert Behörde" in page
    assert "GovTech Campus, Platz der Republik 1, 10557 Berlin" in page
    assert "Aufzug am Nordeingang" in page and "S-Bahn Hauptbahnhof" in page
    session = runs[1].sessions.order_by("date", "starts_at").first()
    assert session.starts_at.hour == 9 and session.ends_at.hour == 17
    assert f"<li>{long_date(session.date)}, 9:00 bis 17:00 Uhr</li>" in page
    assert "<dt>Teilnehmer:innen</dt><dd>2</dd>" in page
    assert "1 Person reist am Vorabend an." in page
    assert "1 Person hat Angaben zu Ernährung oder Barrierefreiheit gemacht." in page
    assert "Die Einzelheiten kennt das Programmteam" in page
    assert SECRET not in page  # personal details only for staff
    assert "{% block attendance %}" not in page
    # the elective: only those with a place
    page = client.get(f"/lehre/{runs[5].pk}/").content.decode()
    assert "Bert Behörde" in page and "Anna Amt" not in page
    assert "<dt>Teilnehmer:innen</dt><dd>1</dd>" in page
    # a run she does not teach, and one that does not exist: the same 404
    assert client.get(f"/lehre/{runs[2].pk}/").status_code == 404
    assert client.get("/lehre/999999/").status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_rows(client, cohort, lecturer):
    runs = {r.module.number: r for r in cohort.runs.select_related("module")}
    _participant(
        cohort,
        "p0@bund.example",
        "P",
        "Null",
        "A",
        "F",
        dietary_needs="",
        accessibility_needs="",
        arrives=True,
    )
    services.add_material(runs[1], actor=lecturer, title="L0", url="https://example.org/0")
    client.force_login(lecturer)
    client.get("/lehre/")  # warm the session
    one_list, one_run = _count(client, "/lehre/"), _count(client, f"/lehre/{runs[1].pk}/")
    person = Person.objects.get(user=lecturer)
    for number in (2, 3, 4, 6):
        runs[number].lecturers.add(person)
    for i in range(1, 8):
        _participant(cohort, f"p{i}@bund.example", "P", str(i), "A", "F")
        services.add_material(
            runs[1], actor=lecturer, title=f"L{i}", url=f"https://example.org/{i}"
        )
    assert _count(client, "/lehre/") == one_list
    assert _count(client, f"/lehre/{runs[1].pk}/") == one_run


def _events(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    return cal, list(cal.walk("VEVENT"))


def test_the_lecturers_calendar_has_exactly_her_sessions(client, cohort, lecturer):
    client.force_login(lecturer)
    page = client.post("/lehre/kalender/", {"action": "create"}).content.decode()
    assert "Wir zeigen ihn nur dieses eine Mal" in page
    url = re.search(r'id="calendar-url"[^>]*value="([^"]+)"', page).group(1)
    path = re.sub(r"^https?://[^/]+", "", url)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    link = CalendarLink.objects.get()
    assert link.token_hash == hash_token(token) and link.user == lecturer
    assert link.participation is None
    client.logout()
    cal, events = _events(client, path)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    numbers = sorted({int(re.match(r"Modul (\d+):", str(e["SUMMARY"])).group(1)) for e in events})
    assert numbers == [1, 5]
    runs = cohort.runs.filter(module__number__in=[1, 5])
    uids = {f"session-{s.uid}@kohorte" for r in runs for s in r.sessions.all()}
    assert {str(e["UID"]) for e in events} == uids and len(events) == len(uids)
    first = min(events, key=lambda e: e["DTSTART"].dt)
    session = cohort.runs.get(module__number=1).sessions.order_by("date", "starts_at").first()
    assert first["DTSTART"].dt == datetime.combine(session.date, session.starts_at, BERLIN)
    # another cohort's run she starts teaching appears; the participant feed is unaffected
    other = Cohort.objects.get(slug="jahrgang-1").runs.get(module__number=2)
    other.lecturers.add(Person.objects.get(user=lecturer))
    _, events = _events(client, path)
    assert len(events) == len(uids) + other.sessions.count()


def test_revoked_and_replaced_lecturer_tokens_give_404(client, lecturer, participant):
    first = services.create_lecturer_calendar_link(lecturer, actor=lecturer)
    second = services.create_lecturer_calendar_link(lecturer, actor=lecturer)
    mine = services.create_calendar_link(participant, actor=participant.user)
    assert client.get(f"/kalender/{first}.ics").status_code == 404
    assert client.get(f"/kalender/{second}.ics").status_code == 200
    client.force_login(lecturer)
    assert client.post("/lehre/kalender/", {"action": "revoke"}).status_code == 302
    client.logout()
    assert client.get(f"/kalender/{second}.ics").status_code == 404
    assert client.get(f"/kalender/{mine}.ics").status_code == 200  # hers stays
    assert list(
        AuditLog.objects.filter(action__startswith="teaching.lecturer_calendar")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "teaching.lecturer_calendar_created",
        "teaching.lecturer_calendar_created",
        "teaching.lecturer_calendar_revoked",
    ]


def test_a_calendar_link_has_exactly_one_owner(lecturer, participant):
    for owners in [{}, {"user": lecturer, "participation": participant}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarLink.objects.create(token_hash=f"h{len(owners)}", **owners)
    CalendarLink.objects.create(token_hash="a", user=lecturer)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarLink.objects.create(token_hash="b", user=lecturer)  # one active per owner


def test_the_run_page_links_each_days_check_in_and_shows_attendance(client, cohort, lecturer):
    from django.utils import timezone

    from kohorte.teaching.models import Attendance

    run = cohort.runs.get(module__number=1)
    day = run.sessions.order_by("date").first()
    anna = _participant(cohort, "anna@bund.example", "Anna", "Amt", "BMI", "Referentin")
    Attendance.objects.create(
        session=day,
        participation=anna,
        status="absent",
        source="staff",
        recorded_at=timezone.now(),
    )
    client.force_login(lecturer)
    page = client.get(f"/lehre/{run.pk}/").content.decode()
    assert f'href="/anwesenheit/{run.pk}/{day.pk}/">Anwesenheit erfassen</a>' in page
    assert f'href="/anwesenheit/{run.pk}/{day.pk}/code/">Code für den Raum</a>' in page
    row = page.split('<td class="kern-table__cell">Anna Amt</td>')[1].split("</tr>")[0]
    assert "0 % (0 von 1 Tagen)" in row and "unter der Mindestanwesenheit" in row
