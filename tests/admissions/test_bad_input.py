"""Faults at the edges: interrupted uploads, concurrent submissions, CSRF."""

import threading

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client

from kohorte.admissions import services
from kohorte.admissions.models import Application, Document
from kohorte.catalog.models import Cohort
from tests.factories import complete, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(demo_catalog, django_user_model):
    user = django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="E", last_name="M"
    )
    return services.start_application(Cohort.objects.get(slug="jahrgang-2"), user)


def _stored_files(application):
    try:
        return set(default_storage.listdir(f"applications/{application.uuid}")[1])
    except FileNotFoundError:
        return set()


def test_interrupted_upload_leaves_no_file_behind(application, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("the request died while the row was written")

    monkeypatch.setattr(Document.objects, "create", broken)
    with pytest.raises(ConnectionError):
        services.upload_document(application, "cv", pdf(), actor=application.applicant)
    monkeypatch.undo()
    assert not Document.objects.exists()
    assert _stored_files(application) == set()


@pytest.mark.django_db(transaction=True)
def test_two_tabs_submitting_at_once_give_one_submission(demo_catalog, django_user_model):
    user = django_user_model.objects.create_user(
        "tabs@bund.example", "x", first_name="T", last_name="Tab"
    )
    application = services.start_application(Cohort.objects.get(slug="jahrgang-2"), user)
    complete(application, user)
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=user
    )
    services.referee_upload(services.find_referee_request(token), pdf("letter.pdf"))
    results, errors = [], []

    def submit():
        try:
            results.append(services.submit_application(application, actor=user).status)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == ["submitted", "submitted"]
    from kohorte.comms.models import OutboxMessage
    from kohorte.core.models import AuditLog

    assert AuditLog.objects.filter(action="application.submitted").count() == 1
    assert OutboxMessage.objects.filter(event_key="application.submitted").count() == 1
    assert Application.objects.get().submitted_at is not None


def test_forms_enforce_csrf(application):
    client = Client(enforce_csrf_checks=True)
    client.force_login(application.applicant)
    base = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
    for path, data in [
        ("person/", {"first_name": "X"}),
        ("pruefen/", {}),
        ("zurueckziehen/", {}),
        ("unterlagen/", {"action": "remind"}),
    ]:
        assert client.post(base + path, data).status_code == 403
    application.refresh_from_db()
    assert application.first_name == "E" and application.status == "draft"
