"""Every private URL × every role, with another person's data present: nobody but the owner
(or the program's staff) gets it. Expected answers: a redirect to the log-in, 403 or 404 —
and never the other person's data in the page."""

import re

import pytest
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.admissions import services
from kohorte.catalog.models import Cohort
from kohorte.comms.models import OutboxMessage
from tests.factories import CohortFactory, complete, pdf

pytestmark = pytest.mark.django_db
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
SECRET = "Geheimbehörde-A"


@pytest.fixture
def world(demo_catalog, django_user_model):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    owner = django_user_model.objects.create_user(
        "owner@bund.example", "x", first_name="Olga", last_name="Eigentum"
    )
    application = services.start_application(cohort, owner)
    complete(application, owner)
    services.save_draft(application, {"authority": SECRET}, actor=owner)
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=owner
    )
    services.referee_upload(services.find_referee_request(token), pdf("letter.pdf"))
    services.submit_application(application, actor=owner)
    doc = application.documents.filter(kind="cv").get()
    mail = OutboxMessage.objects.filter(recipient_email=owner.email).first()
    users = {}
    users["applicant"] = django_user_model.objects.create_user("other@bund.example", "x")
    services.start_application(cohort, users["applicant"])
    users["reviewer"] = django_user_model.objects.create_user("rev@example.org", "x")
    Membership.objects.create(user=users["reviewer"], role="reviewer", cohort=cohort)
    users["lecturer"] = django_user_model.objects.create_user("lec@example.org", "x")
    Membership.objects.create(user=users["lecturer"], role="lecturer", cohort=cohort)
    # teaching: the owner takes part in jahrgang-2 (details and release present); another
    # person takes part in another cohort (jahrgang-1)
    from kohorte.teaching import services as teaching

    participation = teaching.enrol_participant(cohort, owner, application=application)
    teaching.save_practical_details(
        participation, actor=owner, dietary_needs=SECRET, accessibility_needs="", arrives=True
    )
    teaching.request_release(
        participation, name="Vera Vorgesetzt", role="AL", email="v@bund.example", actor=owner
    )
    users["participant"] = django_user_model.objects.create_user(
        "part@bund.example", "x", first_name="Paul", last_name="Anders"
    )
    teaching.enrol_participant(Cohort.objects.get(slug="jahrgang-1"), users["participant"])
    users["other_staff"] = django_user_model.objects.create_user(
        "os@example.org", "x", is_staff=True
    )
    Membership.objects.create(
        user=users["other_staff"], role="staff", program=CohortFactory().program
    )
    staff_urls = [
        "/verwaltung/bewerbungen/",
        f"/verwaltung/bewerbungen/{cohort.pk}/",
        f"/verwaltung/bewerbungen/{cohort.pk}/export.csv",
        f"/verwaltung/bewerbungen/{cohort.pk}/export.xlsx",
        f"/verwaltung/bewerbungen/{cohort.pk}/{application.uuid}/",
        f"/verwaltung/bewerbungen/{cohort.pk}/{application.uuid}/dokumente/{doc.pk}/",
    ]
    mail_urls = [
        "/verwaltung/postausgang/",
        f"/verwaltung/postausgang/{mail.uuid}/",
        f"/verwaltung/personen/{owner.pk}/mails/",
        "/verwaltung/vorlagen/",
        "/verwaltung/sendungen/",
    ]
    reviewer_role = users["reviewer"].memberships.get()
    account_admin_urls = [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{owner.pk}/change/",
        f"/admin/accounts/user/{owner.pk}/password/",
        f"/admin/accounts/user/{users['other_staff'].pk}/change/",
        "/admin/accounts/membership/",
        "/admin/accounts/membership/add/",
        f"/admin/accounts/membership/{reviewer_role.pk}/change/",
        f"/admin/accounts/membership/{reviewer_role.pk}/delete/",
        "/admin/auth/group/",
    ]
    admin_urls = [
        "/admin/admissions/application/",
        f"/admin/admissions/application/{application.pk}/change/",
        *account_admin_urls,
    ]
    teaching_staff_urls = [
        "/verwaltung/lehrbetrieb/",
        f"/verwaltung/lehrbetrieb/{cohort.pk}/",
        f"/verwaltung/lehrbetrieb/{cohort.pk}/wahlmodule/",
    ]
    # attendance: a teaching day of module 1 of jahrgang-2 (the owner's cohort) with her row;
    # "lecturer" holds a lecturer membership of the cohort but teaches no run of it
    run = cohort.runs.get(module__number=1)
    day = run.sessions.order_by("date").first()
    from kohorte.teaching.models import Attendance

    Attendance.objects.create(
        session=day,
        participation=participation,
        status="excused",
        reason=SECRET,
        source="staff",
        recorded_at=timezone.now(),
    )
    checkin_urls = [
        f"/anwesenheit/{run.pk}/{day.pk}/",
        f"/anwesenheit/{run.pk}/{day.pk}/code/",
    ]
    # lecturing: a lecturer of run 1 (where the materials are) and, as the "lecturer" role, a
    # lecturer of another run of the same cohort
    from datetime import timedelta

    from kohorte.catalog.models import Person

    run, other_run = cohort.runs.get(module__number=1), cohort.runs.get(module__number=2)
    users["run_lecturer"] = django_user_model.objects.create_user("rl@example.org", "x")
    run.lecturers.add(
        Person.objects.create(slug="rl", first_name="R", last_name="L", user=users["run_lecturer"])
    )
    other_run.lecturers.add(
        Person.objects.create(slug="ol", first_name="O", last_name="L", user=users["lecturer"])
    )
    material = teaching.add_material(run, actor=users["run_lecturer"], title="M", uploaded=pdf())
    early = teaching.add_material(
        run,
        actor=users["run_lecturer"],
        title="Später",
        uploaded=pdf(),
        released_at=timezone.now() + timedelta(days=2),
    )
    revoked_lecturer = teaching.create_lecturer_calendar_link(
        users["run_lecturer"], actor=users["run_lecturer"]
    )
    teaching.revoke_lecturer_calendar_link(users["run_lecturer"], actor=users["run_lecturer"])
    teaching_staff_urls.append(f"/verwaltung/lehrbetrieb/{cohort.pk}/materialien/{run.pk}/")
    lecturing_urls = [
        "/lehre/",
        "/lehre/kalender/",
        f"/lehre/{run.pk}/",
        f"/materialien/{material.pk}/",
        f"/materialien/{early.pk}/",
        "/materialien/999999/",
        f"/kalender/{revoked_lecturer}.ics",
    ]
    revoked = teaching.create_calendar_link(participation, actor=owner)
    teaching.revoke_calendar_link(participation, actor=owner)
    participant_urls = [
        "/mein-programm/",
        "/mein-programm/wahlmodule/",
        "/mein-programm/kalender/",
        "/mein-programm/anwesenheit/",
        "/freistellung/kein-gueltiger-link/",
        "/kalender/kein-gueltiger-link.ics",
        f"/kalender/{revoked}.ics",
    ]
    events_staff_urls = _events_world(cohort, owner)
    portal_urls = [
        BASE,
        BASE + "person/",
        BASE + "unterlagen/",
        BASE + "pruefen/",
        BASE + "eingangsbestaetigung.pdf",
        f"{BASE}unterlagen/{doc.pk}/",
    ]
    return {
        "users": users,
        "staff": staff_urls,
        "mail": mail_urls,
        "admin": admin_urls,
        "portal": portal_urls,
        "teaching_staff": teaching_staff_urls,
        "events_staff": events_staff_urls,
        "participant": participant_urls,
        "checkin": [*checkin_urls, "/anwesenheit/"],
        "run": run,
        "day": day,
        "lecturing": lecturing_urls,
        "owner": owner,
        "account_admin": account_admin_urls,
        "reviewer_role": reviewer_role,
    }


ONLINE = "https://meet.example.org/nur-fuer-angemeldete"


def _events_world(cohort, owner):
    """A talk of the programme with the owner registered (its online link is private)."""
    from datetime import timedelta

    from django.utils import timezone

    from kohorte.catalog.models import Event
    from kohorte.events import services as events
    from kohorte.events.models import EventSettings

    start = timezone.now() + timedelta(days=3)
    talk = Event.objects.create(
        program=cohort.program,
        kind=Event.Kind.SPEAKER_SERIES,
        title="Zugangstest",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    EventSettings.objects.create(
        event=talk, registration_open=True, capacity=5, open_to_public=True, online_url=ONLINE
    )
    events.register_account(talk, user=owner)
    return [
        "/verwaltung/veranstaltungen/",
        f"/verwaltung/veranstaltungen/{talk.pk}/",
        f"/verwaltung/veranstaltungen/{talk.pk}/anmeldungen.csv",
        f"/verwaltung/veranstaltungen/{talk.pk}/anmeldungen.xlsx",
        "/veranstaltungen/bestaetigen/kein-gueltiger-link/",
        "/veranstaltungen/abmeldung/kein-gueltiger-link/",
    ]


def _assert_no_leak(response, owner):
    body = response.content.decode(errors="replace") if not response.streaming else ""
    assert SECRET not in body and owner.email not in body and "Eigentum" not in body


@pytest.mark.parametrize(
    "role", ["anonymous", "applicant", "reviewer", "lecturer", "participant", "other_staff"]
)
def test_private_urls_refuse_everyone_else(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    groups = ["staff", "admin", "portal", "teaching_staff", "events_staff", "participant"]
    groups += ["checkin", "lecturing"]
    groups += [] if role == "other_staff" else ["mail"]
    for group in groups:
        for url in world[group]:
            response = client.get(url)
            if role != "anonymous" and group == "portal" and response.status_code == 200:
                # Their own application, never the owner's.
                _assert_no_leak(response, world["owner"])
                continue
            if role == "participant" and url.startswith("/mein-programm/"):
                # Their own programme (another cohort), never the owner's.
                assert response.status_code == 200, url
                own = {
                    "/mein-programm/": "Willkommen, Paul Anders! Sie sind Teilnehmer:in im 1. Jahr",
                    "/mein-programm/wahlmodule/": '<h1 class="kern-heading-x-large">Wahlmodule',
                    "/mein-programm/kalender/": '<h1 class="kern-heading-x-large">Persönlicher',
                    "/mein-programm/anwesenheit/": '<h1 class="kern-heading-x-large">Anwesenheit',
                }
                assert own[url] in response.content.decode(), url
                _assert_no_leak(response, world["owner"])
                continue
            if role == "lecturer" and url in {"/lehre/", "/lehre/kalender/", "/anwesenheit/"}:
                # A lecturer of another run: their own pages, never run 1 or its people.
                assert response.status_code == 200, url
                body = response.content.decode()
                assert "Eigentum" not in body
                assert f"/anwesenheit/{world['run'].pk}/" not in body
                assert f"/lehre/{world['run'].pk}/" not in body
                continue
            if role == "other_staff" and url in {
                "/verwaltung/bewerbungen/",
                "/verwaltung/lehrbetrieb/",
                "/verwaltung/veranstaltungen/",
            }:
                assert response.status_code == 200
                _assert_no_leak(response, world["owner"])
                continue
            assert response.status_code in {302, 403, 404}, (role, url, response.status_code)
            if response.status_code == 302:
                assert "/login/" in response["Location"], (role, url)
            _assert_no_leak(response, world["owner"])


def test_writes_are_refused_too(client, world):
    application_url = world["staff"][4]
    for role in ["applicant", "reviewer", "other_staff"]:
        client.force_login(world["users"][role])
        for url in [application_url + "notiz/", application_url + "verlaengern/"]:
            assert client.post(url, {"text": "x", "until": "2099-01-01T00:00"}).status_code in {
                403,
                404,
            }
    from kohorte.admissions.models import Application

    application = Application.objects.get(applicant=world["owner"])
    assert not application.notes.exists() and application.extended_until is None


def test_the_owner_and_program_staff_do_get_it(client, world, django_user_model):
    client.force_login(world["owner"])
    for url in world["portal"] + world["participant"][:4]:
        assert client.get(url).status_code == 200, url
    own = client.get("/mein-programm/").content.decode()
    assert "Vera Vorgesetzt" in own and SECRET in own  # her own details, prefilled
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(
        user=staff, role="staff", program=Cohort.objects.get(slug="jahrgang-2").program
    )
    client.force_login(staff)
    pages = world["staff"] + world["teaching_staff"] + world["events_staff"][:4] + world["checkin"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    registrations = client.get(world["events_staff"][1]).content.decode()
    assert "Olga Eigentum" in registrations and "owner@bund.example" in registrations
    assert SECRET in client.get(world["checkin"][0]).content.decode()
    participants = client.get(world["teaching_staff"][1]).content.decode()
    assert "Olga Eigentum" in participants and SECRET in participants
    # the programme's staff open every material, also before its release date
    for url in world["lecturing"][3:5]:
        assert client.get(url).status_code == 200, url


def test_the_runs_lecturer_and_the_cohorts_participant_get_lecturing(client, world):
    lecturing = world["lecturing"]
    client.force_login(world["users"]["run_lecturer"])
    for url in lecturing[:5]:
        assert client.get(url).status_code == 200, url
    run_page = client.get(lecturing[2]).content.decode()
    # her authority (the SECRET) in the list, her dietary needs (the SECRET too) not
    assert "Olga Eigentum" in run_page and run_page.count(SECRET) == 1
    assert f'<td class="kern-table__cell">{SECRET}</td>' in run_page
    assert client.get(lecturing[5]).status_code == 404  # missing
    assert client.get(lecturing[6]).status_code == 404  # revoked
    client.force_login(world["owner"])  # a participant of this cohort
    released = client.get(lecturing[3])
    assert released.status_code == 200 and released["Content-Type"] == "application/pdf"
    assert client.get(lecturing[4]).status_code == 404  # before its release date
    for url in lecturing[:3]:
        assert client.get(url).status_code == 404, url


def test_program_staff_in_the_admin_read_accounts_but_change_no_rights(client, world):
    """The programme team (group "Programmteam", as `kohorte demo` sets it up) walks the account
    pages of the admin with another person's data present. Expected per URL: 200 and read-only,
    or 403. (Forged POSTs: tests/accounts/test_admin_roles.py.)"""
    from kohorte.accounts.services import ensure_staff_group

    staff = world["users"]["other_staff"]
    staff.groups.add(ensure_staff_group())
    client.force_login(staff)
    owner, role = world["owner"], world["reviewer_role"]
    expected = {
        "/admin/accounts/user/": 200,
        "/admin/accounts/user/add/": 403,
        f"/admin/accounts/user/{owner.pk}/change/": 200,
        f"/admin/accounts/user/{owner.pk}/password/": 403,
        f"/admin/accounts/user/{staff.pk}/change/": 200,
        "/admin/accounts/membership/": 200,
        "/admin/accounts/membership/add/": 403,
        f"/admin/accounts/membership/{role.pk}/change/": 200,
        f"/admin/accounts/membership/{role.pk}/delete/": 403,
        "/admin/auth/group/": 403,
    }
    assert set(expected) == set(world["account_admin"])
    bodies = {}
    for url, status in expected.items():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        bodies[url] = response.content.decode()
    assert owner.email in bodies["/admin/accounts/user/"]
    change = bodies[f"/admin/accounts/user/{owner.pk}/change/"]
    assert 'name="first_name"' in change and 'value="Olga"' in change
    for field in ["email", "is_staff", "is_superuser", "groups", "user_permissions"]:
        assert f'name="{field}"' not in change, field
    assert "/password/" not in change
    assert 'name="memberships-0-role"' not in change
    own = bodies[f"/admin/accounts/user/{staff.pk}/change/"]
    assert 'name="is_superuser"' not in own and 'name="groups"' not in own
    role_page = bodies[f"/admin/accounts/membership/{role.pk}/change/"]
    assert "rev@example.org" in role_page and 'name="role"' not in role_page
    assert "/admin/accounts/membership/add/" not in bodies["/admin/accounts/membership/"]


@pytest.mark.parametrize(
    "role", ["anonymous", "applicant", "reviewer", "lecturer", "participant", "other_staff"]
)
def test_event_page_shows_the_online_link_only_to_registrants(client, world, role):
    from kohorte.catalog.models import Event

    talk = Event.objects.get(title="Zugangstest")
    if role != "anonymous":
        client.force_login(world["users"][role])
    page = client.get(f"/veranstaltungen/{talk.uid}/").content.decode()
    assert '<h1 class="kern-heading-x-large">Zugangstest</h1>' in page
    assert ONLINE not in page and "Eigentum" not in page
    for url in [f"/veranstaltungen/{talk.uid}/abmelden/", f"/veranstaltungen/{talk.uid}/anmelden/"]:
        assert client.get(url).status_code == 405  # POST only
    client.post(f"/veranstaltungen/{talk.uid}/abmelden/")
    assert talk.registrations.get(user=world["owner"]).status == "confirmed"
    client.force_login(world["owner"])
    assert ONLINE in client.get(f"/veranstaltungen/{talk.uid}/").content.decode()


def test_event_staff_pages_same_404_for_missing_and_forbidden(client, world):
    from kohorte.catalog.models import Event

    talk = Event.objects.get(title="Zugangstest")
    client.force_login(world["users"]["other_staff"])
    missing = client.get("/verwaltung/veranstaltungen/999999/")
    forbidden = client.get(f"/verwaltung/veranstaltungen/{talk.pk}/")
    assert missing.status_code == forbidden.status_code == 404
    import re

    def body(response):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return re.sub(r"hx-headers=\'[^\']+\'", "", text).replace(response.request["PATH_INFO"], "")

    assert body(missing) == body(forbidden)
    assert "Zugangstest" not in client.get("/verwaltung/veranstaltungen/").content.decode()


def test_check_in_pages_for_the_lecturer_of_the_run_only(client, world, django_user_model):
    """The lecturer of the run keeps its list and shows its code; another run's day of the same
    cohort, a missing day, and a day moved under another run give the same 404."""
    from kohorte.catalog.models import Person

    run, day = world["run"], world["day"]
    lecturer = django_user_model.objects.create_user("runlec@example.org", "x")
    Person.objects.filter(pk=run.lecturers.first().pk).update(user=lecturer)
    client.force_login(lecturer)
    for url in world["checkin"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Olga Eigentum" in client.get(world["checkin"][0]).content.decode()
    other_run = run.cohort.runs.exclude(lecturers__user=lecturer).first()
    other_day = other_run.sessions.first()
    refused = [
        f"/anwesenheit/{other_run.pk}/{other_day.pk}/",
        f"/anwesenheit/{other_run.pk}/{other_day.pk}/code/",
        f"/anwesenheit/{run.pk}/{other_day.pk}/",
        f"/anwesenheit/{run.pk}/999999/",
        f"/anwesenheit/999999/{day.pk}/",
    ]
    answers = {url: client.get(url) for url in refused}
    assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(refused, 404)
    # a forged mark for another run's day is refused and writes nothing
    from kohorte.teaching.models import Attendance, Participation

    owner_part = Participation.objects.get(user=world["owner"])
    before = Attendance.objects.count()
    response = client.post(refused[0], {"participation": owner_part.pk, "status": "absent"})
    assert response.status_code == 404 and Attendance.objects.count() == before
    for role in ["participant", "applicant", "reviewer", "lecturer", "other_staff"]:
        client.force_login(world["users"][role])
        response = client.post(
            world["checkin"][0], {"participation": owner_part.pk, "status": "absent"}
        )
        assert response.status_code == 404, role
    assert Attendance.objects.get(participation=owner_part).status == "excused"


# --- assessments (issue 14): every URL × every role, another cohort's work present ----------


@pytest.fixture
def assessment_world(demo_catalog, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from kohorte.assessments import services as assessments
    from kohorte.catalog.models import ModuleRun, Person
    from kohorte.teaching import services as teaching
    from tests.factories import pdf as make_pdf

    def user(email, first="", last="", **extra):
        return django_user_model.objects.create_user(
            email, "x", first_name=first, last_name=last, **extra
        )

    cohort, other_cohort = (Cohort.objects.get(slug=s) for s in ["jahrgang-2", "jahrgang-1"])
    run, other_run = ModuleRun.objects.filter(cohort=cohort, module__kind="mandatory")[:2]
    users = {
        "owner": user("olga@bund.example", "Olga", "Eigentum"),
        "participant": user("paul@bund.example", "Paul", "Anders"),
        "applicant": user("other@bund.example"),
        "reviewer": user("rev@example.org"),
        "lecturer": user("lec@example.org", "Lena", "Lehrend"),
        "other_lecturer": user("lec2@example.org", "Leo", "Anderswo"),
        "staff": user("ps@example.org", is_staff=True),
        "other_staff": user("os@example.org", is_staff=True),
    }
    services.start_application(cohort, users["applicant"])
    Membership.objects.create(user=users["reviewer"], role="reviewer", cohort=cohort)
    Membership.objects.create(user=users["staff"], role="staff", program=cohort.program)
    Membership.objects.create(
        user=users["other_staff"], role="staff", program=CohortFactory().program
    )
    for key, teaches in [("lecturer", run), ("other_lecturer", other_run)]:
        Membership.objects.create(user=users[key], role="lecturer", cohort=cohort)
        person = Person.objects.create(slug=key, first_name="L", last_name=key, user=users[key])
        teaches.lecturers.add(person)
    mine = teaching.enrol_participant(cohort, users["owner"])
    theirs = teaching.enrol_participant(other_cohort, users["participant"])
    due = timezone.now() + timedelta(days=7)
    assessment = assessments.create_assessment(
        run, actor=None, kind="paper", task=SECRET, due_at=due, anonymous=False
    )
    assessments.submit_work(assessment, mine, make_pdf(), actor=users["owner"], declared=True)
    assessments.record_mark(
        assessment,
        mine,
        actor=users["lecturer"],
        grade="bestanden",
        feedback=SECRET,
        annotated=make_pdf("k.pdf"),
    )
    assessments.publish_grades(assessment)
    own_run = ModuleRun.objects.filter(cohort=other_cohort, module__kind="mandatory").first()
    own = assessments.create_assessment(
        own_run, actor=None, kind="paper", task="Pauls Aufgabe", due_at=due
    )
    assessments.submit_work(own, theirs, make_pdf(), actor=users["participant"], declared=True)
    number = assessment.submissions.get().candidate_number
    a = assessment.pk
    return {
        "users": users,
        "own": own,
        "participant": [
            "/mein-programm/pruefungen/",
            f"/mein-programm/pruefungen/{a}/",
            f"/mein-programm/pruefungen/{a}/fassungen/1.pdf",
            f"/mein-programm/pruefungen/{a}/rueckmeldung.pdf",
        ],
        "marking": [
            "/bewertung/",
            f"/bewertung/{a}/",
            f"/bewertung/{a}/abgaben/{number}/",
            f"/bewertung/{a}/abgaben/{number}/fassungen/1.pdf",
        ],
    }


def _without_nonce(response, path) -> str:
    """The page without what differs on every request (nonce, CSRF token, its own path)."""
    body = re.sub(r'nonce="[^"]*"', "", response.content.decode()).replace(path, "PATH")
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", body)


ASSESSMENT_ROLES = [
    "anonymous",
    "owner",
    "participant",
    "applicant",
    "reviewer",
    "lecturer",
    "other_lecturer",
    "staff",
    "other_staff",
]


@pytest.mark.parametrize("role", ASSESSMENT_ROLES)
def test_assessment_urls_for_every_role(client, assessment_world, role):
    world = assessment_world
    if role != "anonymous":
        client.force_login(world["users"][role])
    allowed = {
        "owner": set(world["participant"]),
        "participant": {"/mein-programm/pruefungen/"},
        "lecturer": set(world["marking"]),
        "staff": set(world["marking"]),
        "other_lecturer": {"/bewertung/"},
        "other_staff": {"/bewertung/"},
    }.get(role, set())
    missing = {}
    for url in world["participant"] + world["marking"]:
        response = client.get(url)
        if url in allowed:
            assert response.status_code == 200, (role, url)
            if role in {"participant", "other_lecturer", "other_staff"}:
                _assert_no_leak(response, world["users"]["owner"])
            if role == "participant":
                assert f"/mein-programm/pruefungen/{world['own'].pk}/" in response.content.decode()
            continue
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        assert response.status_code == 404, (role, url, response.status_code)
        if role != "owner":
            _assert_no_leak(response, world["users"]["owner"])
        # the same answer as for an assessment that does not exist
        absent = re.sub(r"/\d+/", "/999999/", url, count=1)
        if absent != url:
            missing[url] = client.get(absent)
            assert missing[url].status_code == 404, absent
            assert _without_nonce(missing[url], absent) == _without_nonce(response, url), url
    if role in {"lecturer", "staff"}:
        page = client.get(world["marking"][1]).content.decode()
        assert "Olga Eigentum" in page  # not anonymous: names shown


def test_assessment_writes_are_refused_to_others(client, assessment_world):
    from kohorte.assessments.models import Submission

    world = assessment_world
    detail, marking, submission = world["participant"][1], world["marking"][1], world["marking"][2]
    for role in ["participant", "other_lecturer", "other_staff", "reviewer", "lecturer"]:
        client.force_login(world["users"][role])
        assert client.post(detail, {"declaration": "on"}).status_code == 404, role
        assert client.post(marking, {"action": "publish"}).status_code == 404, role
        response = client.post(
            submission, {"action": "change", "grade": "nicht bestanden", "reason": "x"}
        )
        assert response.status_code == 404, role
    assert Submission.objects.get(assessment__task=SECRET).grade == "passed"


# --- completion and progress (issue 14 item 4) ----------------------------------------------


@pytest.mark.parametrize("role", ASSESSMENT_ROLES)
def test_completion_urls_for_every_role(client, assessment_world, role):
    from kohorte.teaching.models import Participation

    world = assessment_world
    mine = Participation.objects.get(user=world["users"]["owner"])
    cohort = mine.cohort
    progress = "/mein-programm/fortschritt/"
    matrix = f"/verwaltung/abschluss/{cohort.pk}/"
    person = f"/verwaltung/abschluss/{cohort.pk}/{mine.pk}/"
    if role != "anonymous":
        client.force_login(world["users"][role])
    allowed = {
        "owner": {progress},
        "participant": {progress},
        "staff": {matrix, person},
    }.get(role, set())
    for url in [progress, matrix, person]:
        response = client.get(url)
        if url in allowed:
            assert response.status_code == 200, (role, url)
            body = response.content.decode()
            if role == "participant":
                _assert_no_leak(response, world["users"]["owner"])
            if role == "staff":
                assert "Olga Eigentum" in body
            continue
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        assert response.status_code == 404, (role, url, response.status_code)
        _assert_no_leak(response, world["users"]["owner"])
        if url != progress:
            absent = url.replace(f"/{cohort.pk}/", "/999999/", 1)
            missing = client.get(absent)
            assert missing.status_code == 404, absent
            assert _without_nonce(missing, absent) == _without_nonce(response, url), url
    if role == "staff":  # another cohort's person under this cohort's id: the same 404
        other = Participation.objects.get(user=world["users"]["participant"])
        assert client.get(f"/verwaltung/abschluss/{cohort.pk}/{other.pk}/").status_code == 404
        assert client.get(f"/verwaltung/abschluss/{cohort.pk}/999999/").status_code == 404


def test_completion_writes_are_refused_to_others(client, assessment_world):
    from kohorte.assessments.models import Completion
    from kohorte.teaching.models import Participation

    world = assessment_world
    mine = Participation.objects.get(user=world["users"]["owner"])
    matrix = f"/verwaltung/abschluss/{mine.cohort_id}/"
    person = f"{matrix}{mine.pk}/"
    for role in ["owner", "participant", "lecturer", "other_lecturer", "other_staff", "reviewer"]:
        client.force_login(world["users"][role])
        assert client.post(matrix, {"action": "decide_all"}).status_code == 404, role
        response = client.post(person, {"action": "decide", "reason": "weil"})
        assert response.status_code == 404, role
    assert not Completion.objects.exists()


# --- transcripts and the credit record (issue 14 items 5, 6) ---------------------------------


@pytest.fixture
def transcript_world(assessment_world):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from kohorte.assessments.models import Transcript
    from kohorte.teaching.models import Participation

    world = assessment_world
    transcripts = {}
    for role in ["owner", "participant"]:
        participation = Participation.objects.get(user=world["users"][role])
        name = default_storage.save(
            "transcripts/t.pdf", ContentFile(b"%PDF-1.7 " + SECRET.encode())
        )
        transcripts[role] = Transcript.objects.create(
            participation=participation,
            language="de",
            version=1,
            pdf_name=name,
            pdf_sha256="0" * 64,
            issued_at=timezone.now(),
        )
    mine = transcripts["owner"]
    c = mine.participation.cohort_id
    return {
        **world,
        "transcripts": transcripts,
        "mine": [
            "/mein-programm/leistungsuebersicht/",
            f"/mein-programm/leistungsuebersicht/{mine.pk}.pdf",
        ],
        "staff_urls": [
            f"/verwaltung/zeugnisse/{c}/",
            f"/verwaltung/zeugnisse/{c}/ausstellen/{mine.participation_id}/",
            f"/verwaltung/zeugnisse/{c}/dateien/{mine.pk}.pdf",
            f"/verwaltung/zeugnisse/{c}/anrechnung.xlsx",
            f"/verwaltung/zeugnisse/{c}/anrechnung.csv",
        ],
    }


@pytest.mark.parametrize("role", ASSESSMENT_ROLES)
def test_transcript_urls_for_every_role(client, transcript_world, role):
    world = transcript_world
    if role != "anonymous":
        client.force_login(world["users"][role])
    allowed = {
        "owner": set(world["mine"]),
        "participant": {"/mein-programm/leistungsuebersicht/"},
        "staff": set(world["staff_urls"]),
    }.get(role, set())
    for url in world["mine"] + world["staff_urls"]:
        response = client.get(url)
        if url in allowed:
            assert response.status_code == 200, (role, url)
            if role == "participant":
                page = response.content.decode()
                theirs = world["transcripts"]["participant"].pk
                assert f"/mein-programm/leistungsuebersicht/{theirs}.pdf" in page
                assert (
                    f"/mein-programm/leistungsuebersicht/{world['transcripts']['owner'].pk}.pdf"
                    not in page
                )
            if url.endswith(".pdf"):
                assert SECRET.encode() in b"".join(response.streaming_content)
            continue
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        assert response.status_code == 404, (role, url, response.status_code)
        _assert_no_leak(response, world["users"]["owner"])
        # the same answer as for a cohort / transcript that does not exist
        absent = re.sub(r"/\d+(/|\.pdf)", r"/999999\1", url, count=1)
        if absent != url:
            missing = client.get(absent)
            assert missing.status_code == 404, absent
            assert _without_nonce(missing, absent) == _without_nonce(response, url), url
    if role == "staff":
        page = client.get(world["staff_urls"][0]).content.decode()
        assert "Olga Eigentum" in page and "Paul Anders" not in page


def test_transcript_issue_is_refused_to_others(client, transcript_world):
    from kohorte.assessments.models import Transcript

    world = transcript_world
    issue = world["staff_urls"][1]
    for role in ["owner", "participant", "lecturer", "reviewer", "other_staff", "applicant"]:
        client.force_login(world["users"][role])
        response = client.post(issue, {"sprache": "de", "reason": "x"})
        assert response.status_code == 404, role
    assert Transcript.objects.count() == 2


# --- certificates (issue 15): public verification URLs, the staff certificate page ----------


@pytest.fixture
def certificate_world(world, settings, tmp_path):
    """The owner (jahrgang-2) holds a certificate with its credential; the public URLs of the
    issuer; the staff page of her certificate."""
    from kohorte.credentials.models import Certificate
    from kohorte.credentials.ob3 import attach_credential
    from kohorte.teaching.models import Participation
    from tests.factories import CertificateFactory

    settings.KOHORTE_CREDENTIAL_KEYS_DIR = str(tmp_path / "credential-keys")
    participation = Participation.objects.get(user=world["owner"])
    certificate = CertificateFactory(
        completion__participation=participation, holder_name="Olga Eigentum"
    )
    attach_credential(certificate)
    certificate = Certificate.objects.get(pk=certificate.pk)
    from kohorte.credentials import keys

    (key,) = keys.all_keys()
    public = [
        f"/zertifikate/pruefen/{certificate.verification_id}/",
        "/zertifikate/pruefen/",
        "/zertifikate/aussteller/",
        "/zertifikate/jwks.json",
        f"/zertifikate/schluessel/{key}.json",
        "/zertifikate/status/1",
    ]
    staff_page = f"/verwaltung/zertifikate/nachweis/{certificate.verification_id}/"
    return {**world, "certificate": certificate, "public": public, "staff_page": staff_page}


ALL_ROLES = ["anonymous", "applicant", "reviewer", "lecturer", "participant", "other_staff"]


@pytest.mark.parametrize("role", [*ALL_ROLES, "owner", "staff"])
def test_certificate_public_urls_are_public_for_every_role(
    client, certificate_world, role, django_user_model
):
    if role == "owner":
        client.force_login(certificate_world["owner"])
    elif role == "staff":
        staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
        Membership.objects.create(
            user=staff, role="staff", program=Cohort.objects.get(slug="jahrgang-2").program
        )
        client.force_login(staff)
    elif role != "anonymous":
        client.force_login(certificate_world["users"][role])
    for url in certificate_world["public"]:
        response = client.get(url)
        assert response.status_code == 200, (role, url)
        body = response.content.decode()
        # the verification page names the holder, never her e-mail or anything else of hers
        assert "owner@bund.example" not in body and SECRET not in body, url
    verify = client.get(certificate_world["public"][0]).content.decode()
    assert "Olga Eigentum" in verify


@pytest.mark.parametrize("role", [*ALL_ROLES, "owner"])
def test_certificate_staff_page_only_for_the_programmes_staff(client, certificate_world, role):
    url = certificate_world["staff_page"]
    if role == "owner":
        client.force_login(certificate_world["owner"])
    elif role != "anonymous":
        client.force_login(certificate_world["users"][role])
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == 404, role
        assert "Olga Eigentum" not in response.content.decode()
    response = client.post(url, {"reason": "Versuch"})
    assert response.status_code in {302, 404}
    certificate_world["certificate"].refresh_from_db()
    assert certificate_world["certificate"].status == "valid"


def test_certificate_staff_page_same_404_for_missing_and_forbidden(client, certificate_world):
    client.force_login(certificate_world["users"]["other_staff"])
    forbidden = client.get(certificate_world["staff_page"])
    missing = client.get("/verwaltung/zertifikate/nachweis/gibtesnicht000000/")
    assert forbidden.status_code == missing.status_code == 404


def test_certificate_staff_page_for_the_programmes_staff(
    client, certificate_world, django_user_model
):
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(
        user=staff, role="staff", program=Cohort.objects.get(slug="jahrgang-2").program
    )
    client.force_login(staff)
    body = client.get(certificate_world["staff_page"]).content.decode()
    assert "Zertifikat von Olga Eigentum" in body and "Zertifikat widerrufen" in body


# --- Certificates (issue 15): the staff page of a cohort and the holder's own files ---------

JWT = "eyJhbGciOiJFZERTQSJ9.geheim-olga.sig"


@pytest.fixture
def certificates(world, django_user_model):
    """The owner (jahrgang-2) holds a certificate (PDF and .jwt) of a finished batch with its
    ZIP; "participant" (jahrgang-1) holds one of her own; a classmate of the owner (jahrgang-2)
    holds none. The rows are made directly: the rendering is tested in tests/credentials."""
    from datetime import date

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from kohorte.assessments.models import Completion
    from kohorte.credentials.models import Certificate, IssuanceBatch
    from kohorte.teaching import services as teaching

    owner = world["owner"]
    cohort = world["run"].cohort
    other = world["users"]["participant"].participations.get().cohort
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    classmate = django_user_model.objects.create_user("mate@bund.example", "x")
    teaching.enrol_participant(cohort, classmate)
    made = {}
    for user, their_cohort in [(owner, cohort), (world["users"]["participant"], other)]:
        participation = user.participations.get(cohort=their_cohort)
        completion = Completion.objects.create(
            participation=participation,
            rule_met=True,
            ects=6,
            completed_on=date(2025, 6, 27),
            decided_by=staff,
        )
        batch = IssuanceBatch.objects.create(
            cohort=their_cohort,
            status="done",
            total=1,
            done=1,
            zip_name=default_storage.save(
                "certificates/test.zip", ContentFile(b"PK-" + SECRET.encode())
            ),
        )
        made[user.pk] = Certificate.objects.create(
            participation=participation,
            completion=completion,
            batch=batch,
            holder_name=user.get_full_name() or user.email,
            language="de",
            issued_at=timezone.now(),
            pdf_name=default_storage.save(
                "certificates/test.pdf", ContentFile(f"%PDF-1.7 {user.email}".encode())
            ),
            credential_jwt=f"{JWT}.{user.pk}",
        )
    mine = made[owner.pk]
    theirs = made[world["users"]["participant"].pk]
    staff_base = f"/verwaltung/zertifikate/{cohort.pk}/"
    return {
        "staff_user": staff,
        "classmate": classmate,
        "certificate": mine,
        "theirs": theirs,
        "staff": [
            staff_base,
            staff_base + "fortschritt/",
            f"{staff_base}zip/{mine.batch_id}/",
        ],
        "staff_missing": [
            "/verwaltung/zertifikate/999999/",
            "/verwaltung/zertifikate/999999/fortschritt/",
            f"{staff_base}zip/999999/",
            f"/verwaltung/zertifikate/{other.pk}/zip/{mine.batch_id}/",
        ],
        "holder": [
            f"/mein-programm/zertifikat/{mine.verification_id}.pdf",
            f"/mein-programm/zertifikat/{mine.verification_id}.jwt",
        ],
        "holder_missing": [
            "/mein-programm/zertifikat/gibt-es-nicht.pdf",
            "/mein-programm/zertifikat/gibt-es-nicht.jwt",
        ],
        "reissue": (staff_base, {"action": "reissue", "participation": mine.participation_id}),
    }


CERTIFICATE_ROLES = [
    "anonymous",
    "applicant",
    "reviewer",
    "lecturer",
    "run_lecturer",
    "classmate",
    "participant",
    "other_staff",
    "programme_staff",
]


def _certificate_user(world, certificates, role):
    return {
        "classmate": certificates["classmate"],
        "programme_staff": certificates["staff_user"],
    }.get(role) or world["users"][role]


@pytest.mark.parametrize("role", CERTIFICATE_ROLES)
def test_certificate_urls_refuse_everyone_but_the_holder_and_the_programme(
    client, world, certificates, role
):
    from kohorte.credentials.models import Certificate

    if role != "anonymous":
        client.force_login(_certificate_user(world, certificates, role))
    staff = role == "programme_staff"
    for url in certificates["staff"]:
        response = client.get(url)
        if staff:
            assert response.status_code == 200, url
            continue
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == 404, (role, url)
        _assert_no_leak(response, world["owner"])
    for url in certificates["staff_missing"]:
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 404), (role, url)
    # the holder's files: only the holder (programme staff too get 404, as for a missing one)
    for url in certificates["holder"] + certificates["holder_missing"]:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == 404, (role, url)
    # the re-issue (POST) changes nothing for anyone but the programme's staff
    url, data = certificates["reissue"]
    if not staff:
        response = client.post(url, {**data, "reason": "Versuch"})
        assert response.status_code == (302 if role == "anonymous" else 404), role
        assert Certificate.objects.count() == 2
    if role == "participant":  # another cohort's holder: her own files, not the owner's
        theirs = certificates["theirs"]
        own = client.get(f"/mein-programm/zertifikat/{theirs.verification_id}.jwt")
        assert own.status_code == 200 and own.content.decode() == theirs.credential_jwt


def test_the_holder_and_the_programme_staff_get_the_certificate_files(client, world, certificates):
    certificate = certificates["certificate"]
    client.force_login(world["owner"])
    pdf_url, jwt_url = certificates["holder"]
    pdf_response = client.get(pdf_url)
    assert pdf_response.status_code == 200
    assert b"".join(pdf_response.streaming_content) == b"%PDF-1.7 owner@bund.example"
    assert 'filename="zertifikat-olga-eigentum-v1.pdf"' in pdf_response["Content-Disposition"]
    jwt_response = client.get(jwt_url)
    assert jwt_response.content.decode() == certificate.credential_jwt
    assert jwt_response["Content-Type"] == "application/jwt"
    for url in certificates["staff"]:
        assert client.get(url).status_code == 404, url  # a holder is not staff
    client.force_login(certificates["staff_user"])
    page = client.get(certificates["staff"][0]).content.decode()
    assert "Olga Eigentum" in page and "Paul Anders" not in page
    zip_response = client.get(certificates["staff"][2])
    assert zip_response["Content-Type"] == "application/zip"
    assert b"".join(zip_response.streaming_content) == b"PK-" + SECRET.encode()


# --- staff pages of assessments and results of orals (issue 14) ------------------------------


@pytest.fixture
def assessment_staff_world(assessment_world):
    from datetime import timedelta

    from django.utils import timezone

    from kohorte.assessments import services as assessments
    from kohorte.assessments.models import Assessment

    world = assessment_world
    published = Assessment.objects.get(task=SECRET)
    cohort = published.run.cohort
    other_run = cohort.runs.filter(module__kind="mandatory").exclude(pk=published.run_id).first()
    oral = assessments.create_assessment(
        other_run, actor=None, kind="oral", task="Gespräch", due_at=timezone.now() + timedelta(1)
    )
    free = cohort.runs.exclude(assessments__isnull=False).first()
    c = cohort.pk
    world["oral"] = oral
    world["staff_pages"] = [
        "/verwaltung/pruefungen/",
        f"/verwaltung/pruefungen/{c}/",
        f"/verwaltung/pruefungen/{c}/modul/{free.pk}/neu/",
        f"/verwaltung/pruefungen/{c}/{published.pk}/",
        f"/verwaltung/pruefungen/{c}/{oral.pk}/",
        f"/verwaltung/pruefungen/{c}/{oral.pk}/bearbeiten/",
    ]
    world["oral_marking"] = f"/bewertung/{oral.pk}/"
    return world


@pytest.mark.parametrize("role", ASSESSMENT_ROLES)
def test_assessment_staff_urls_for_every_role(client, assessment_staff_world, role):
    world = assessment_staff_world
    if role != "anonymous":
        client.force_login(world["users"][role])
    staff_pages = world["staff_pages"]
    allowed = {
        "staff": set(staff_pages) | {world["oral_marking"]},
        "other_staff": {"/verwaltung/pruefungen/"},
        # the lecturer of the oral's run records its results; the other one does not
        "other_lecturer": {world["oral_marking"]},
    }.get(role, set())
    for url in [*staff_pages, world["oral_marking"]]:
        response = client.get(url)
        if url in allowed:
            assert response.status_code == 200, (role, url)
            if role == "other_staff":
                _assert_no_leak(response, world["users"]["owner"])
                assert staff_pages[1] not in response.content.decode()  # not their cohort
            continue
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        assert response.status_code == 404, (role, url, response.status_code)
        _assert_no_leak(response, world["users"]["owner"])
        absent = re.sub(r"/\d+/", "/999999/", url, count=1)
        if absent != url:
            missing = client.get(absent)
            assert missing.status_code == 404, absent
            assert _without_nonce(missing, absent) == _without_nonce(response, url), url


def test_assessment_staff_writes_are_refused_to_others(client, assessment_staff_world):
    from kohorte.assessments.models import Assessment, Extension, Submission
    from kohorte.teaching.models import Participation

    world = assessment_staff_world
    owner = Participation.objects.get(user=world["users"]["owner"])
    oral = world["oral"]
    detail, edit = world["staff_pages"][4], world["staff_pages"][5]
    create = world["staff_pages"][2]
    for role in ["owner", "participant", "lecturer", "other_lecturer", "other_staff", "reviewer"]:
        client.force_login(world["users"][role])
        extension = {
            "action": "extension",
            "participation": owner.pk,
            "due_at": "2040-01-01T12:00",
            "reason": "x",
        }
        assert client.post(detail, extension).status_code == 404, role
        assert client.post(edit, {"task": "geändert"}).status_code == 404, role
        assert client.post(create, {"kind": "oral", "task": "neu"}).status_code == 404, role
        if role != "other_lecturer":
            record = {"action": "record", "participation": owner.pk, "grade": "bestanden"}
            assert client.post(world["oral_marking"], record).status_code == 404, role
    assert not Extension.objects.exists()
    assert not Submission.objects.filter(assessment=oral).exists()
    assert Assessment.objects.get(pk=oral.pk).task == "Gespräch"
    assert Assessment.objects.count() == 3
