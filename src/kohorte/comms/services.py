"""Every write of the comms app: templates, queued mails, bulk batches, opt-outs."""

from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.comms import states
from kohorte.comms.events import EVENTS, Category, MailEvent
from kohorte.comms.models import Batch, MessageTemplate, OptOut, OutboxMessage
from kohorte.comms.rendering import (
    PERSON_TEXT,
    TemplateProblem,
    check_template,
    render,
    render_mail,
)
from kohorte.comms.secrets import encrypt, marker, neutralise
from kohorte.comms.segments import Recipient, available_segments
from kohorte.comms.states import move_messages, set_batch_state, set_state
from kohorte.core.audit import log_action
from kohorte.core.validators import header_safe

# The state door lives in comms/states.py; callers catch services.IllegalTransition.
IllegalTransition = states.IllegalTransition

State = OutboxMessage.State
BULK_PLACEHOLDERS = {"recipient_name", "recipient_email"}
UNSUBSCRIBE_SALT = "kohorte.comms.unsubscribe"


# --- templates -----------------------------------------------------------------------------
@dataclass
class Texts:
    subject: str
    body_text: str
    body_html: str


def template_texts(event: MailEvent, language: str) -> Texts:
    """The text for this language: staff's saved one, else the built-in one; a language
    without any text falls back to German."""
    if language not in event.subject:
        language = "de"
    row = MessageTemplate.objects.filter(event_key=event.key, language=language).first()
    if row:
        return Texts(row.subject, row.body_text, row.body_html)
    return Texts(event.subject[language], event.body[language], event.html.get(language, ""))


def check_texts(
    event_placeholders: set[str], *, subject_refused=PERSON_TEXT, **texts: str
) -> dict[str, TemplateProblem]:
    """Problems per field (subject, body_text, body_html); empty if all can be used. The
    subject must not use ``subject_refused`` (names people type themselves)."""
    problems = {}
    for field, source in texts.items():
        if not source:
            continue
        try:
            refused = subject_refused if field == "subject" else frozenset()
            check_template(source, event_placeholders, refused=refused)
        except TemplateProblem as problem:
            problems[field] = problem
    return problems


def save_template(*, event_key, language, subject, body_text, body_html="", actor):
    """Validate and save one template; raise ValidationError with the line per field."""
    event = EVENTS[event_key]
    problems = check_texts(
        set(event.placeholders), subject=subject, body_text=body_text, body_html=body_html
    )
    if problems:
        raise ValidationError({field: str(problem) for field, problem in problems.items()})
    with transaction.atomic():
        template, _created = MessageTemplate.objects.update_or_create(
            event_key=event_key,
            language=language,
            defaults={
                "subject": subject,
                "body_text": body_text,
                "body_html": body_html,
                "updated_by": actor,
            },
        )
        log_action("comms.template_saved", actor=actor, target=template)
    return template


def example_context(event: MailEvent) -> dict[str, str]:
    return {name: str(p.example) for name, p in event.placeholders.items()}


def preview(event: MailEvent, subject: str, body_text: str, body_html: str = "") -> Texts:
    """Render texts with the event's example values (no save); raise TemplateProblem if they
    cannot be used."""
    context = example_context(event)
    problems = check_texts(
        set(event.placeholders), subject=subject, body_text=body_text, body_html=body_html
    )
    if problems:
        raise next(iter(problems.values()))
    return Texts(
        render(subject, context).strip(),
        render(body_text, context),
        render(body_html, context, html=True) if body_html else "",
    )


# --- queueing ------------------------------------------------------------------------------
def _valid_address(email: str) -> bool:
    if not email or "\n" in email or "\r" in email:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return parseaddr(email)[1] == email


def _domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "kohorte.invalid"


def unsubscribe_token(email: str, category: str) -> str:
    return signing.dumps({"e": email.lower(), "c": category}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if data.get("c") not in Category.OPTIONAL:
        return None
    return data["e"], data["c"]


def unsubscribe_url(email: str, category: str, language: str) -> str:
    with override(language):
        path = reverse("comms:unsubscribe", args=[unsubscribe_token(email, category)])
    return f"{settings.KOHORTE_BASE_URL.rstrip('/')}{path}"


def _unsubscribe_headers() -> dict[str, str]:
    # The link is derived (signed) at send time; the stored header holds only a marker.
    return {
        "List-Unsubscribe": f"<{marker('unsubscribe_url')}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _screen(message: OutboxMessage, *, opted_out: bool | None = None) -> OutboxMessage:
    """Reject a mail that must never be sent (bad address, opt-out); add the unsubscribe
    headers to a non-transactional one. ``opted_out`` None means: look it up."""
    email = message.recipient_email
    if not _valid_address(email):
        message.state, message.next_attempt_at = State.REJECTED, None
        message.last_error = _("Keine gültige E-Mail-Adresse: „%(email)s“") % {"email": email}
    elif message.category in Category.OPTIONAL:
        if opted_out is None:
            opted_out = OptOut.objects.filter(
                email=email.lower(), category=message.category
            ).exists()
        if opted_out:
            message.state, message.next_attempt_at = State.REJECTED, None
            message.last_error = _("Die Empfängerin / der Empfänger hat sich abgemeldet.")
        else:
            message.headers = _unsubscribe_headers()
    if message.state == State.REJECTED:
        message.secrets = ""  # never sent: keep no secret
    return message


def _language(language: str | None, user) -> str:
    language = language or getattr(user, "preferred_language", None) or "de"
    return language if language in {"de", "en"} else "de"


def _enqueue_delivery():
    from kohorte.comms.tasks import enqueue_delivery

    transaction.on_commit(enqueue_delivery)


def _split_secrets(event: MailEvent, values: dict) -> tuple[dict, dict[str, str]]:
    """The context to render (each secret replaced by its marker, other values unable to
    pose as one) and the secrets themselves."""
    rendered, secret_values = {}, {}
    for name, value in values.items():
        placeholder = event.placeholders.get(name)
        if placeholder is not None and placeholder.secret_label and value:
            secret_values[name] = str(value)
            rendered[name] = marker(name)
        else:
            rendered[name] = neutralise(value)
    return rendered, secret_values


def queue_mail(
    event_key: str,
    *,
    to: str,
    name: str = "",
    user=None,
    language: str | None = None,
    context: dict | None = None,
    concerning=None,
    idempotency_key: str | None = None,
    batch: Batch | None = None,
) -> OutboxMessage:
    """Render the event's template in the recipient's language and put the mail in the outbox.

    The same idempotency key never queues a second mail: the first one is returned. A missing
    or malformed address, or an opt-out from a non-transactional category, is recorded as
    rejected (visible to staff) and never sent. The worker is woken on commit. With a held or
    scheduled ``batch`` the mail waits, held, until the batch is released.
    """
    event = EVENTS[event_key]
    email = (to or "").strip()
    language = _language(language, user)
    name = header_safe(name or (user.get_full_name() if user else "") or "")
    content_type = ContentType.objects.get_for_model(concerning) if concerning else None
    object_id = str(concerning.pk) if concerning else ""
    key = (
        idempotency_key
        or f"{event_key}:{content_type.pk if content_type else '-'}:{object_id}:{email.lower()}"
    )
    existing = OutboxMessage.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    texts = template_texts(event, language)
    values, secret_values = _split_secrets(
        event, {**(context or {}), "recipient_name": name or email}
    )
    # A broken text never fails the caller: the built-in one is used, or the mail is rejected.
    rendered = render_mail(event, language, texts, values)
    if rendered.failed:
        secret_values = {}  # a rejected mail keeps no secret
    message = OutboxMessage(
        recipient_email=email,
        recipient_name=name,
        recipient_user=user,
        language=language,
        event_key=event_key,
        category=event.category,
        subject=" ".join(rendered.subject.split())[:300],
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        last_error=rendered.problem,
        content_type=content_type,
        object_id=object_id,
        idempotency_key=key,
        message_id=make_msgid(domain=_domain()),
        secrets=encrypt(secret_values, bind=key),
        state=State.QUEUED,
        next_attempt_at=timezone.now(),
        batch=batch,
    )
    if batch is not None and batch.state in {Batch.State.HELD, Batch.State.SCHEDULED}:
        message.state, message.next_attempt_at = State.HELD, None
    _screen(message)
    if rendered.failed:
        message.state, message.next_attempt_at = State.REJECTED, None
        message.last_error = rendered.problem
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # The same event for the same person was queued concurrently: keep the first.
        return OutboxMessage.objects.get(idempotency_key=key)
    if message.state == State.QUEUED:
        _enqueue_delivery()
    return message


def queue_prerendered(
    event_key: str,
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    user=None,
    language: str | None = None,
    idempotency_key: str,
    secrets: dict[str, str] | None = None,
) -> OutboxMessage:
    """Put an already rendered transactional mail (e.g. from a library) in the outbox.

    ``secrets``: the values the texts hold as markers (``secrets.marker(name)``); they are
    stored encrypted and inserted when the mail is sent."""
    email = (to or "").strip()
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    message = OutboxMessage(
        recipient_email=email,
        recipient_name=user.get_full_name() if user else "",
        recipient_user=user,
        language=_language(language, user),
        event_key=event_key,
        category=Category.TRANSACTIONAL,
        subject=" ".join(subject.split())[:300],
        body_text=body_text,
        body_html=body_html,
        idempotency_key=idempotency_key,
        message_id=make_msgid(domain=_domain()),
        secrets=encrypt(secrets or {}, bind=idempotency_key),
        state=State.QUEUED,
        next_attempt_at=timezone.now(),
    )
    _screen(message)
    message.save()
    if message.state == State.QUEUED:
        _enqueue_delivery()
    return message


def resend(message: OutboxMessage, *, actor) -> None:
    """Queue a failed mail again, now."""
    with transaction.atomic():
        old = message.state
        set_state(message, State.QUEUED, next_attempt_at=timezone.now(), last_error="")
        log_action(
            "comms.resent",
            actor=actor,
            target=message,
            before={"state": old},
            after={"state": message.state},
        )
        _enqueue_delivery()


def cancel_message(message: OutboxMessage, *, actor, reason: str) -> None:
    """Cancel one held or queued mail (its secrets are wiped). Audited."""
    with transaction.atomic():
        old = message.state
        set_state(message, State.CANCELLED, next_attempt_at=None, last_error=reason[:2000])
        log_action(
            "comms.cancelled",
            actor=actor,
            target=message,
            data={"reason": reason},
            before={"state": old},
            after={"state": message.state},
        )


def unsubscribe(email: str, category: str) -> None:
    """Honour an opt-out: record it and cancel what is still waiting for this address."""
    with transaction.atomic():
        OptOut.objects.get_or_create(email=email.lower(), category=category)
        move_messages(
            OutboxMessage.objects.filter(recipient_email__iexact=email, category=category),
            State.CANCELLED,
            from_states={State.QUEUED, State.HELD},
            last_error=_("abgemeldet"),
        )
        log_action("comms.unsubscribed", data={"category": category})


# --- bulk ----------------------------------------------------------------------------------
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
