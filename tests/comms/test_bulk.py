"""Bulk sends: preview, hold and release, schedule, cancel; who did what is recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.comms import delivery, services
from kohorte.comms.models import Batch, OutboxMessage
from kohorte.core.models import AuditLog

pytestmark = pytest.mark.django_db
State = OutboxMessage.State


@pytest.fixture
def people(django_user_model, staff):
    return [
        django_user_model.objects.create_user(
            f"p{i}@example.org",
            "x",
            first_name=f"P{i}",
            last_name="Muster",
            preferred_language="de",
        )
        for i in range(4)
    ]


def _batch(staff, action="hold", **extra):
    return services.create_batch(
        segment_key="accounts:all",
        subject="Hinweis für {{ recipient_name }}",
        body_text="Guten Tag {{ recipient_name }} ({{ recipient_email }})",
        category="news",
        action=action,
        actor=staff,
        **extra,
    )


def test_preview_shows_count_and_two_rendered_samples(people, staff):
    label, count, samples = services.preview_batch(
        "accounts:all", "Hinweis für {{ recipient_name }}", "Guten Tag {{ recipient_name }}"
    )
    assert label == "Alle aktiven Konten" and count == 5
    assert len(samples) == 2
    recipient, subject, body = samples[0]
    assert subject == f"Hinweis für {recipient.name}" and body == f"Guten Tag {recipient.name}"
    assert OutboxMessage.objects.count() == 0  # a preview queues nothing


def test_preview_refuses_unknown_placeholder(people):
    with pytest.raises(ValidationError) as error:
        services.preview_batch("accounts:all", "x", "Hallo {{ vorname }}")
    assert "vorname" in error.value.message_dict["body_text"][0]


def test_held_batch_waits_for_release_and_records_who(
    people, staff, smtp_server, django_user_model
):
    batch = _batch(staff)
    assert batch.state == Batch.State.HELD and batch.created_by == staff
    assert set(batch.messages.values_list("state", flat=True)) == {State.HELD}
    assert delivery.deliver_due().sent == 0
    releaser = django_user_model.objects.create_user("chefin@example.org", "x", is_staff=True)
    services.release_batch(batch, actor=releaser)
    batch.refresh_from_db()
    assert batch.state == Batch.State.RELEASED and batch.released_by == releaser
    assert delivery.deliver_due().sent == 5
    assert {m["Subject"] for m in smtp_server.messages} >= {"Hinweis für P0 Muster"}
    assert list(
        AuditLog.objects.filter(object_id=str(batch.pk)).values_list("action", "actor")
    ) == [("comms.batch_released", releaser.pk), ("comms.batch_created", staff.pk)]


def test_scheduled_batch_is_released_at_its_time(people, staff):
    when = timezone.now() + timedelta(hours=1)
    batch = _batch(staff, action="schedule", scheduled_for=when)
    assert batch.state == Batch.State.SCHEDULED
    assert services.release_due_batch(batch.pk) is False  # too early
    Batch.objects.filter(pk=batch.pk).update(scheduled_for=timezone.now() - timedelta(seconds=1))
    assert services.release_due_batch(batch.pk) is True
    assert set(batch.messages.values_list("state", flat=True)) == {State.QUEUED}


def test_schedule_in_the_past_is_refused(people, staff):
    with pytest.raises(ValidationError):
        _batch(staff, action="schedule", scheduled_for=timezone.now() - timedelta(minutes=1))


def test_scheduling_enqueues_a_release_task(people, staff, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    when = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        _batch(staff, action="schedule", scheduled_for=when)
    task = DBTaskResult.objects.get(task_path__endswith="release_scheduled_batch")
    assert task.run_after == when


def test_cancelled_batch_sends_nothing(people, staff, smtp_server):
    batch = _batch(staff, action="schedule", scheduled_for=timezone.now() + timedelta(hours=1))
    services.cancel_batch(batch, actor=staff)
    batch.refresh_from_db()
    assert batch.state == Batch.State.CANCELLED and batch.cancelled_by == staff
    Batch.objects.filter(pk=batch.pk).update(scheduled_for=timezone.now())
    assert services.release_due_batch(batch.pk) is False
    delivery.deliver_due()
    assert smtp_server.messages == []
    with pytest.raises(services.IllegalTransition):
        services.release_batch(batch, actor=staff)


def test_send_now_queues_at_once(people, staff, smtp_server):
    batch = _batch(staff, action="send")
    assert batch.released_by == staff
    assert delivery.deliver_due().sent == 5


def test_applicants_of_a_cohort_in_a_state_are_a_segment(demo_catalog, staff, django_user_model):
    from kohorte.admissions import services as admissions
    from kohorte.catalog.models import Cohort

    cohort = Cohort.objects.get(slug="jahrgang-2")
    users = [
        django_user_model.objects.create_user(
            f"b{i}@bund.example", "x", first_name=f"B{i}", last_name="Muster"
        )
        for i in range(3)
    ]
    applications = [admissions.start_application(cohort, u) for u in users]
    admissions.withdraw_application(applications[0], actor=users[0])
    label, count, samples = services.preview_batch(
        f"applicants:{cohort.pk}:draft", "Frist", "Hallo {{ recipient_name }}"
    )
    assert count == 2 and label == f"Bewerber:innen im {cohort.name}: Entwurf"
    assert {s[0].email for s in samples} == {"b1@bund.example", "b2@bund.example"}
    _label, incomplete, _s = services.preview_batch(
        f"applicants:{cohort.pk}:incomplete", "Frist", "Hallo"
    )
    assert incomplete == 2
    _label, withdrawn, _s = services.preview_batch(
        f"applicants:{cohort.pk}:withdrawn", "Frist", "Hallo"
    )
    assert withdrawn == 1
