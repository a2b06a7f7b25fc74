"""The outbox: queue one mail (rendered in the recipient's language, screened, secrets
encrypted), queue a mail another library rendered, resend and cancel one mail."""

from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.comms.events import EVENTS, Category, MailEvent
from kohorte.comms.models import Batch, OptOut, OutboxMessage
from kohorte.comms.rendering import render_mail
from kohorte.comms.secrets import encrypt, marker, neutralise
from kohorte.comms.services.optouts import _unsubscribe_headers
from kohorte.comms.services.templates import template_texts
from kohorte.comms.states import set_state
from kohorte.core.audit import log_action
from kohorte.core.validators import header_safe

State = OutboxMessage.State


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
    attachments: list[tuple[str, str, str]] | None = None,
    stored_attachments: list[tuple[str, str, str]] | None = None,
) -> OutboxMessage:
    """Render the event's template in the recipient's language and put the mail in the outbox.

    The same idempotency key never queues a second mail: the first one is returned. A missing
    or malformed address, or an opt-out from a non-transactional category, is recorded as
    rejected (visible to staff) and never sent. The worker is woken on commit. With a held or
    scheduled ``batch`` the mail waits, held, until the batch is released. ``attachments``:
    text files sent with the mail, as (filename, content, mimetype). ``stored_attachments``:
    binary files in private storage (e.g. a signed PDF), as (filename, storage name, mimetype),
    read when the mail is sent.
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
        attachments=[
            {"filename": f, "content": c, "mimetype": m} for f, c, m in (attachments or [])
        ]
        + [{"filename": f, "stored": n, "mimetype": m} for f, n, m in (stored_attachments or [])],
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
