"""Batches: bulk mails to a segment (held, scheduled or sent at once), their release and
cancellation, and held batches of transactional mails (decision letters)."""

from datetime import datetime
from email.utils import make_msgid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.comms.events import Category
from kohorte.comms.models import Batch, OptOut, OutboxMessage
from kohorte.comms.rendering import render
from kohorte.comms.segments import Recipient, available_segments
from kohorte.comms.services.outbox import _domain, _enqueue_delivery, _screen
from kohorte.comms.services.templates import check_texts
from kohorte.comms.states import move_messages, set_batch_state
from kohorte.core.audit import log_action

State = OutboxMessage.State
BULK_PLACEHOLDERS = {"recipient_name", "recipient_email"}


def segment_recipients(segment_key: str) -> tuple[str, list[Recipient]]:
    segment = available_segments().get(segment_key)
    if segment is None:
        raise ValidationError({"segment": _("Diesen Empfängerkreis gibt es nicht.")})
    return segment.label, list(segment.recipients())


def bulk_context(recipient: Recipient) -> dict[str, str]:
    return {"recipient_name": recipient.name or recipient.email, "recipient_email": recipient.email}


def _check_bulk_texts(subject: str, body_text: str) -> None:
    # Staff write a bulk subject for everyone; a recipient's own name in it is allowed.
    problems = check_texts(
        BULK_PLACEHOLDERS, subject_refused=frozenset(), subject=subject, body_text=body_text
    )
    if problems:
        raise ValidationError({field: str(problem) for field, problem in problems.items()})


def preview_batch(segment_key: str, subject: str, body_text: str):
    """The recipient count and the mail as the first two recipients would get it."""
    _check_bulk_texts(subject, body_text)
    label, recipients = segment_recipients(segment_key)
    samples = [
        (r, render(subject, bulk_context(r)).strip(), render(body_text, bulk_context(r)))
        for r in recipients[:2]
    ]
    return label, len(recipients), samples


def create_batch(
    *,
    segment_key: str,
    subject: str,
    body_text: str,
    category: str,
    action: str,
    scheduled_for: datetime | None = None,
    actor,
) -> Batch:
    """Render the mail for every recipient of the segment and put it in the outbox.

    ``action``: "hold" keeps every mail held until someone releases the batch; "schedule"
    releases it at ``scheduled_for``; "send" queues it at once. One audit row.
    """
    _check_bulk_texts(subject, body_text)
    label, recipients = segment_recipients(segment_key)
    if action == "schedule" and (scheduled_for is None or scheduled_for <= timezone.now()):
        raise ValidationError({"scheduled_for": _("Bitte einen Zeitpunkt in der Zukunft wählen.")})
    now = timezone.now()
    state = {
        "hold": Batch.State.HELD,
        "schedule": Batch.State.SCHEDULED,
        "send": Batch.State.RELEASED,
    }[action]
    opted_out = (
        set(OptOut.objects.filter(category=category).values_list("email", flat=True))
        if category in Category.OPTIONAL
        else set()
    )
    with transaction.atomic():
        batch = Batch.objects.create(
            segment=segment_key,
            segment_label=label,
            category=category,
            subject=subject,
            body_text=body_text,
            state=state,
            recipient_count=len(recipients),
            scheduled_for=scheduled_for if action == "schedule" else None,
            created_by=actor,
            released_by=actor if action == "send" else None,
            released_at=now if action == "send" else None,
        )
        subject_tpl, body_tpl = subject, body_text
        messages = []
        domain = _domain()
        for r in recipients:
            context = bulk_context(r)
            message = OutboxMessage(
                recipient_email=r.email,
                recipient_name=r.name,
                recipient_user_id=r.user_id,
                language=r.language,
                event_key="bulk.message",
                category=category,
                batch=batch,
                subject=" ".join(render(subject_tpl, context).split())[:300],
                body_text=render(body_tpl, context),
                idempotency_key=f"batch:{batch.pk}:{r.email.lower()}",
                message_id=make_msgid(domain=domain),
                state=State.QUEUED if action == "send" else State.HELD,
                next_attempt_at=now if action == "send" else None,
            )
            messages.append(_screen(message, opted_out=r.email.lower() in opted_out))
        OutboxMessage.objects.bulk_create(messages, batch_size=500)
        log_action(
            "comms.batch_created",
            actor=actor,
            target=batch,
            data={"action": action, "recipients": len(recipients)},
        )
        if action == "send":
            _enqueue_delivery()
        elif action == "schedule":
            from kohorte.comms.tasks import enqueue_release

            transaction.on_commit(lambda: enqueue_release(batch.pk, scheduled_for))
    return batch


def release_batch(batch: Batch, *, actor) -> None:
    """Queue every held mail of the batch now."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        now = timezone.now()
        old = set_batch_state(batch, Batch.State.RELEASED, released_at=now, released_by=actor)
        move_messages(
            batch.messages.all(), State.QUEUED, from_states={State.HELD}, next_attempt_at=now
        )
        log_action(
            "comms.batch_released",
            actor=actor,
            target=batch,
            before={"state": old},
            after={"state": batch.state},
        )
        _enqueue_delivery()


def release_due_batch(batch_id: int) -> bool:
    """Release a scheduled batch whose time has come (the worker calls this)."""
    batch = Batch.objects.filter(pk=batch_id, state=Batch.State.SCHEDULED).first()
    if batch is None or batch.scheduled_for > timezone.now():
        return False
    release_batch(batch, actor=batch.created_by)
    return True


def cancel_batch(batch: Batch, *, actor) -> None:
    """Cancel a held or scheduled batch and every mail of it still waiting."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        old = set_batch_state(
            batch, Batch.State.CANCELLED, cancelled_at=timezone.now(), cancelled_by=actor
        )
        move_messages(batch.messages.all(), State.CANCELLED, from_states={State.HELD})
        log_action(
            "comms.batch_cancelled",
            actor=actor,
            target=batch,
            before={"state": old},
            after={"state": batch.state},
        )


def open_event_batch(*, label: str, description: str, scheduled_for=None, actor) -> Batch:
    """A batch for transactional mails that the code renders one by one (``queue_mail(batch=)``),
    such as decision letters: held for review, or scheduled for ``scheduled_for``."""
    scheduled = scheduled_for is not None and scheduled_for > timezone.now()
    batch = Batch.objects.create(
        segment="event",
        segment_label=label,
        category=Category.TRANSACTIONAL,
        subject=label,
        body_text=description,
        state=Batch.State.SCHEDULED if scheduled else Batch.State.HELD,
        scheduled_for=scheduled_for if scheduled else None,
        created_by=actor,
    )
    log_action("comms.batch_created", actor=actor, target=batch, data={"action": "event"})
    if scheduled:
        from kohorte.comms.tasks import enqueue_release

        transaction.on_commit(lambda: enqueue_release(batch.pk, scheduled_for))
    return batch


def close_event_batch(batch: Batch) -> None:
    batch.recipient_count = batch.messages.count()
    batch.save(update_fields=["recipient_count"])
