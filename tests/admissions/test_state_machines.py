"""One door per state: every transition outside the model's TRANSITIONS table is refused and
changes nothing (no row, no audit entry)."""

from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from kohorte.admissions import services
from kohorte.admissions.models import Application, RefereeRequest
from kohorte.catalog.models import Cohort
from kohorte.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _illegal(model):
    states = [value for value, _label in model.Status.choices]
    return [(a, b) for a, b in product(states, states) if b not in model.TRANSITIONS[a]]


@pytest.fixture
def application(demo_catalog, django_user_model):
    user = django_user_model.objects.create_user("erika@bund.example", "x", first_name="Erika")
    return services.start_application(Cohort.objects.get(slug="jahrgang-2"), user)


@pytest.mark.parametrize(("old", "new"), _illegal(Application))
def test_application_refuses_every_illegal_transition(application, old, new):
    Application.objects.filter(pk=application.pk).update(status=old, submitted_at=timezone.now())
    application.refresh_from_db()
    audit_rows = AuditLog.objects.count()
    with pytest.raises(services.IllegalTransition):
        services.set_status(application, new, action="test.move", actor=None)
    application.refresh_from_db()
    assert application.status == old
    assert AuditLog.objects.count() == audit_rows


@pytest.mark.parametrize(("old", "new"), _illegal(RefereeRequest))
def test_referee_request_refuses_every_illegal_transition(application, old, new):
    request = RefereeRequest.objects.create(
        application=application,
        name="Rita Referenz",
        role="Referatsleitung",
        authority="BMI",
        email="rita@bund.example",
        token_hash="x" * 64,
        status=old,
        expires_at=timezone.now() + timedelta(days=1),
    )
    audit_rows = AuditLog.objects.count()
    with pytest.raises(services.IllegalTransition):
        services.set_referee_status(request, new, action="test.move", actor=None)
    request.refresh_from_db()
    assert request.status == old
    assert AuditLog.objects.count() == audit_rows


def test_application_transition_audits_before_and_after(application):
    services.set_status(application, Application.Status.WITHDRAWN, action="test.move", actor=None)
    entry = AuditLog.objects.get(action="test.move")
    assert entry.data == {"before": {"status": "draft"}, "after": {"status": "withdrawn"}}


def test_save_draft_audits_the_changed_field_names_not_the_values(application):
    services.save_draft(application, {"authority": "Geheimamt", "first_name": "Erika"}, actor=None)
    entry = AuditLog.objects.get(action="application.draft_saved")
    assert entry.data == {"fields": ["authority"]}
    services.save_draft(application, {"authority": "Geheimamt"}, actor=None)
    assert AuditLog.objects.filter(action="application.draft_saved").count() == 1


def test_start_application_audits_the_new_draft_once(application):
    services.start_application(application.cohort, application.applicant)
    entry = AuditLog.objects.get(action="application.started")
    assert entry.data == {"after": {"status": "draft"}}


def test_an_application_moved_meanwhile_is_refused(application):
    """The door is a conditional UPDATE: a tab that still sees the draft cannot submit an
    application another tab has withdrawn."""
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)
    audit_rows = AuditLog.objects.count()
    with pytest.raises(services.IllegalTransition):
        services.set_status(
            application,
            Application.Status.SUBMITTED,
            action="test.move",
            actor=None,
            submitted_at=timezone.now(),
        )
    application.refresh_from_db()
    assert (application.status, application.submitted_at) == ("withdrawn", None)
    assert AuditLog.objects.count() == audit_rows


def test_a_referee_request_moved_meanwhile_is_refused(application):
    request = RefereeRequest.objects.create(
        application=application,
        name="Rita Referenz",
        role="Referatsleitung",
        authority="BMI",
        email="rita@bund.example",
        token_hash="y" * 64,
        status=RefereeRequest.Status.REQUESTED,
        expires_at=timezone.now() + timedelta(days=1),
    )
    RefereeRequest.objects.filter(pk=request.pk).update(status=RefereeRequest.Status.RECEIVED)
    audit_rows = AuditLog.objects.count()
    with pytest.raises(services.IllegalTransition):
        services.set_referee_status(
            request, RefereeRequest.Status.REMINDED, action="test.move", actor=None
        )
    request.refresh_from_db()
    assert request.status == "received"
    assert AuditLog.objects.count() == audit_rows


def test_a_legal_move_stamps_the_change_time(application):
    before = application.updated_at
    services.set_status(application, Application.Status.WITHDRAWN, action="test.move", actor=None)
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.updated_at > before
