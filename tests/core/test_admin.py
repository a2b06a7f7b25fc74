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
