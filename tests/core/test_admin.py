"""The admin works for staff who log in through allauth; everyone else is kept out."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from kohorte.catalog import models as m

pytestmark = pytest.mark.django_db

MODELS = ["program", "cohort", "module", "modulerun", "location", "person", "event", "assumption"]


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")


def test_staff_logs_in_with_email_and_sees_admin(client, staff_user):
    response = client.post(
        "/konto/login/", {"login": "programmteam@example.org", "password": "kohorte-demo"}
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Programmkatalog" in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_search_and_change_pages(client, staff_user, model):
    client.force_login(staff_user)
    url = reverse(f"admin:catalog_{model}_changelist")
    model_class = getattr(m, {"modulerun": "ModuleRun"}.get(model, model.capitalize()))
    response = client.get(url)
    assert response.status_code == 200
    # The list shows every row of the demo catalogue.
    assert response.context["cl"].result_count == model_class.objects.count() > 0
    searched = client.get(url, {"q": "KI"})
    assert searched.status_code == 200
    assert 'name="q" value="KI"' in searched.content.decode()
    obj = model_class.objects.first()
    response = client.get(reverse(f"admin:catalog_{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    assert response.context["original"] == obj
    body = response.content.decode()
    assert f'id="{model}_form"' in body and f"<title>{escape(str(obj))} | " in body


def test_admin_marks_assumptions(client, staff_user):
    client.force_login(staff_user)
    body = client.get(reverse("admin:catalog_module_changelist")).content.decode()
    assert "⚠" in body and "Annahmen" in body
    module = m.Module.objects.get(number=5)
    body = client.get(reverse("admin:catalog_module_change", args=[module.pk])).content.decode()
    assert "Annahmen (noch zu bestätigen)" in body
    assert "Modul 5 das zweite Wahlmodul" in body


def test_admin_refuses_run_outside_cohort_with_message(client, staff_user):
    client.force_login(staff_user)
    run = (
        m.ModuleRun.objects.select_related("cohort", "module")
        .filter(cohort__slug="jahrgang-1")
        .first()
    )
    data = {
        "cohort": run.cohort_id,
        "module": run.module_id,
        "starts_on": "2030-01-01",
        "ends_on": "2030-01-03",
        "format": "onsite",
        "location": run.location_id,
        "note_de": "",
        "note_en": "",
        "lecturers": [],
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
        "catalog-assumption-content_type-object_id-TOTAL_FORMS": 0,
        "catalog-assumption-content_type-object_id-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:catalog_modulerun_change", args=[run.pk]), data)
    assert response.status_code == 200
    assert "Der Termin muss im Zeitraum des Jahrgangs liegen" in response.content.decode()
    run.refresh_from_db()
    assert run.starts_on.year == 2024


def test_non_staff_cannot_enter_admin(client, staff_user):
    from kohorte.accounts.models import User

    client.force_login(User.objects.get(email="bewerberin@example.org"))
    response = client.get("/admin/catalog/program/")
    assert response.status_code == 302


# --- Issue 9, item 4: the admin's log-in goes through allauth and its rate limits ---------------
def test_admin_login_never_checks_a_password(client, django_user_model):
    django_user_model.objects.create_user("chef@example.org", "richtig-passwort-123", is_staff=True)
    response = client.post(
        "/admin/login/?next=/admin/accounts/user/",
        {"username": "chef@example.org", "password": "richtig-passwort-123"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=/admin/accounts/user/"
    assert "_auth_user_id" not in client.session


def test_logged_in_applicant_cannot_use_admin_login_as_second_login(client, django_user_model):
    """Before: a signed-up applicant reached the admin's own form and guessed without limit."""
    django_user_model.objects.create_user("chef@example.org", "richtig-passwort-123", is_staff=True)
    applicant = django_user_model.objects.create_user("bea@bund.example", "x")
    client.force_login(applicant)
    for i in range(40):
        response = client.post(
            "/admin/login/", {"username": "chef@example.org", "password": f"falsch{i}"}
        )
        assert response.status_code == 403
    response = client.post(
        "/admin/login/", {"username": "chef@example.org", "password": "richtig-passwort-123"}
    )
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_forty_wrong_guesses_via_admin_login_are_throttled(client, django_user_model):
    from allauth.account.models import EmailAddress

    staff = django_user_model.objects.create_user(
        "chef@example.org", "richtig-passwort-123", is_staff=True
    )
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    target = client.get("/admin/login/?next=/admin/")["Location"]
    assert target == "/konto/login/?next=/admin/"
    responses = [
        client.post(target, {"login": "chef@example.org", "password": f"falsch{i}"})
        for i in range(40)
    ]

    def refused(response):
        # allauth: "too many failed log-ins" for the address (5 in 5 minutes) in the form, and
        # after 30 requests a minute from one address, 429 for everything.
        return response.status_code == 429 or (
            response.status_code == 200
            and "Zu viele gescheiterte Anmeldeversuche" in response.content.decode()
        )

    assert [refused(r) for r in responses] == [False] * 5 + [True] * 35
    assert [r.status_code for r in responses[30:]] == [429] * 10
    response = client.post(
        target, {"login": "chef@example.org", "password": "richtig-passwort-123"}
    )
    assert refused(response)
    assert "_auth_user_id" not in client.session
    # A time window, not a lock: once it has passed, the owner logs in (allauth keeps the
    # attempts in the cache; clearing it stands for the five minutes going by).
    from django.core.cache import cache

    cache.clear()
    response = client.post(
        target, {"login": "chef@example.org", "password": "richtig-passwort-123"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_staff_visiting_admin_login_go_on_to_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_user("chef@example.org", "x", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"] == "/admin/accounts/user/"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/admin/"


def test_rate_limit_buckets_follow_the_forwarded_client_ip(client, django_user_model, settings):
    """Behind the proxy every request comes from its address; with the trusted proxy count
    allauth counts per client instead, so one guesser does not lock everyone out."""

    def fail(ip, n):
        return client.post(
            "/konto/login/",
            {"login": f"niemand{n}@example.org", "password": "falsch"},
            headers={"x-forwarded-for": ip},
            REMOTE_ADDR="10.0.0.1",
        ).content.decode()

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    bodies = [fail("203.0.113.7", n) for n in range(11)]
    assert "Zu viele" in bodies[10] and not any("Zu viele" in b for b in bodies[:10])
    assert "Zu viele" not in fail("198.51.100.9", 99)
    # Without it, both share the proxy's bucket.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    from django.core.cache import cache

    cache.clear()
    bodies = [fail("203.0.113.7", n) for n in range(10)]
    assert "Zu viele" in fail("198.51.100.9", 99)


def test_audit_log_admin_shows_german_words_and_dates(client, django_user_model):
    """The audit log in the admin reads like the history pages: the action's German label and
    German dates, never the bare code or an ISO timestamp (issue 12, item 7)."""
    import datetime as dt

    from django.utils import timezone

    from kohorte.core.audit import log_action
    from kohorte.core.models import AuditLog

    entry = log_action("comms.batch_released", target=m.Program.objects.first())
    AuditLog.objects.filter(pk=entry.pk).update(
        created_at=dt.datetime(2027, 1, 5, 22, 59, tzinfo=dt.UTC)
    )
    client.force_login(django_user_model.objects.create_superuser("a@example.org", "pw"))
    body = client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert '<td class="field-what">Sendung freigegeben</td>' in body
    assert "5. Januar 2027, 23:59 Uhr" in body
    # the filter by action lists the label and filters by the code
    assert '<a href="?action=comms.batch_released">Sendung freigegeben</a>' in body
    filtered = client.get(reverse("admin:core_auditlog_changelist"), {"action": "catalog.loaded"})
    assert (
        filtered.context["cl"].result_count
        == AuditLog.objects.filter(action="catalog.loaded").count()
    )
    assert "Sendung freigegeben" not in filtered.content.decode().split('id="changelist-filter"')[0]
    body = client.get(reverse("admin:core_auditlog_change", args=[entry.pk])).content.decode()
    assert "<title>05.01.2027, 23:59 Uhr Sendung freigegeben " in body
    assert '<div class="readonly">5. Januar 2027, 23:59 Uhr</div>' in body
    assert "2027-01-05" not in body
    assert timezone.get_current_timezone_name() == "Europe/Berlin"
