"""Every private URL × every role, with another person's data present: nobody but the owner
(or the program's staff) gets it. Expected answers: a redirect to the log-in, 403 or 404 —
and never the other person's data in the page."""

import pytest

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
    # lecturing: a lecturer of run 1 (where the materials are) and, as the "lecturer" role, a
    # lecturer of another run of the same cohort
    from datetime import timedelta

    from django.utils import timezone

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
        "/freistellung/kein-gueltiger-link/",
        "/kalender/kein-gueltiger-link.ics",
        f"/kalender/{revoked}.ics",
    ]
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
        "participant": participant_urls,
        "lecturing": lecturing_urls,
        "owner": owner,
        "account_admin": account_admin_urls,
        "reviewer_role": reviewer_role,
    }


def _assert_no_leak(response, owner):
    body = response.content.decode(errors="replace") if not response.streaming else ""
    assert SECRET not in body and owner.email not in body and "Eigentum" not in body


@pytest.mark.parametrize(
    "role", ["anonymous", "applicant", "reviewer", "lecturer", "participant", "other_staff"]
)
def test_private_urls_refuse_everyone_else(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    groups = ["staff", "admin", "portal", "teaching_staff", "participant", "lecturing"]
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
                }
                assert own[url] in response.content.decode(), url
                _assert_no_leak(response, world["owner"])
                continue
            if role == "lecturer" and url in {"/lehre/", "/lehre/kalender/"}:
                # A lecturer of another run: their own pages, never run 1 or its people.
                assert response.status_code == 200, url
                assert "Eigentum" not in response.content.decode()
                continue
            if role == "other_staff" and url in {
                "/verwaltung/bewerbungen/",
                "/verwaltung/lehrbetrieb/",
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
    for url in world["portal"] + world["participant"][:3]:
        assert client.get(url).status_code == 200, url
    own = client.get("/mein-programm/").content.decode()
    assert "Vera Vorgesetzt" in own and SECRET in own  # her own details, prefilled
    staff = django_user_model.objects.create_user("ps@example.org", "x", is_staff=True)
    Membership.objects.create(
        user=staff, role="staff", program=Cohort.objects.get(slug="jahrgang-2").program
    )
    client.force_login(staff)
    for url in world["staff"] + world["teaching_staff"]:
        assert client.get(url).status_code == 200, url
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
