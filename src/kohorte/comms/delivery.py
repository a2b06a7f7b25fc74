"""The worker's side of the outbox: claim due mails, send them over one SMTP connection, record
the outcome. See docs/mail.md for the delivery guarantee.

- A 4xx reply, a refused connection or a timeout is temporary: the mail goes back to the queue
  with exponential backoff (``KOHORTE_MAIL_RETRY_BASE_SECONDS`` × 2^(attempt−1), at most one
  hour) until ``KOHORTE_MAIL_MAX_ATTEMPTS``; then it fails.
- A 5xx reply is permanent: the mail fails with the server's reason.
- A mail left in "sending" (the worker died mid-send) is queued again after
  ``KOHORTE_MAIL_STALE_SECONDS`` and sent with the same Message-ID.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import formataddr

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kohorte.comms import secrets
from kohorte.comms.events import SECRET_LABELS, Category
from kohorte.comms.models import OutboxMessage
from kohorte.comms.states import move_messages

log = logging.getLogger(__name__)
State = OutboxMessage.State
CLAIM_SIZE = 50


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)


class _ConnectionDown(Exception):
    pass


def _classify(exc: BaseException) -> tuple[bool, str]:
    """(temporary?, reason) for a sending error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return 400 <= code < 500, f"{code} {_text(text)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
        return True, f"{type(exc).__name__}: {exc}"
    return False, f"{type(exc).__name__}: {exc}"


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _secret_values(message: OutboxMessage) -> dict[str, str]:
    """The mail's secrets, decrypted; the unsubscribe link is derived, never stored."""
    values = secrets.decrypt(message.secrets, bind=message.idempotency_key)
    if message.category in Category.OPTIONAL:
        from kohorte.comms.services import unsubscribe_url

        values["unsubscribe_url"] = unsubscribe_url(
            message.recipient_email, message.category, message.language
        )
    return values


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The mail as it goes out, with its secret links in place (only the worker calls this).
    Raises ``secrets.SecretUnavailable`` if they cannot be decrypted: such a mail fails."""
    values = _secret_values(message)
    if secrets.has_marker(message.body_text) or secrets.has_marker(message.body_html):
        missing = [
            name
            for name in secrets.marker_names(message.body_text + message.body_html)
            if name not in values and (name in SECRET_LABELS or name == "unsubscribe_url")
        ]
        if missing:
            raise secrets.SecretUnavailable(
                f"the secret link ({', '.join(missing)}) of this mail is gone; not sent"
            )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=secrets.insert(message.body_text, values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((message.recipient_name, message.recipient_email))],
        headers={
            "Message-ID": message.message_id,
            "Auto-Submitted": "auto-generated",
            "X-Kohorte-Event": message.event_key,
            **{k: secrets.insert(v, values) for k, v in message.headers.items()},
        },
    )
    if message.body_html:
        email.attach_alternative(
            secrets.insert(message.body_html, values, html_body=True), "text/html"
        )
    for attachment in message.attachments:
        if "stored" in attachment:  # a binary file in private storage (a signed PDF)
            with default_storage.open(attachment["stored"], "rb") as stored:
                content = stored.read()
        else:
            content = attachment["content"]
        email.attach(attachment["filename"], content, attachment["mimetype"])
    return email


def backoff(attempt: int) -> timedelta:
    base = settings.KOHORTE_MAIL_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), 3600))


def recover_stale(now) -> int:
    """Queue again the mails a dead worker left in "sending"."""
    cutoff = now - timedelta(seconds=settings.KOHORTE_MAIL_STALE_SECONDS)
    return move_messages(
        OutboxMessage.objects.filter(sending_since__lte=cutoff),
        State.QUEUED,
        from_states={State.SENDING},
        next_attempt_at=now,
        sending_since=None,
        last_error="interrupted while sending; sent again with the same Message-ID",
    )


def _claim(now, exclude: set[int]) -> list[OutboxMessage]:
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.due(now)
            .exclude(pk__in=exclude)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")[:CLAIM_SIZE]
        )
        if rows:
            move_messages(
                OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]),
                State.SENDING,
                from_states={State.QUEUED},
                sending_since=now,
            )
    return rows


def _mark_sent(message: OutboxMessage) -> None:
    move_messages(
        OutboxMessage.objects.filter(pk=message.pk),
        State.SENT,
        from_states={State.SENDING},
        secrets="",  # sent: the secret links live on only in the recipient's mailbox
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        sending_since=None,
    )


def _mark_problem(message: OutboxMessage, temporary: bool, reason: str, report) -> None:
    attempts = message.attempts + 1
    if temporary and attempts < settings.KOHORTE_MAIL_MAX_ATTEMPTS:
        new_state, next_attempt_at = State.QUEUED, timezone.now() + backoff(attempts)
        report.retried += 1
    else:
        new_state, next_attempt_at = State.FAILED, None
        report.failed += 1
        if temporary:
            reason = f"gave up after {attempts} attempts: {reason}"
    move_messages(
        OutboxMessage.objects.filter(pk=message.pk),
        new_state,
        from_states={State.SENDING},
        next_attempt_at=next_attempt_at,
        attempts=attempts,
        last_error=reason[:2000],
        sending_since=None,
    )
    report.errors.append(f"{message.recipient_email}: {reason}")


def _release_unsent(messages) -> None:
    move_messages(
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]),
        State.QUEUED,
        from_states={State.SENDING},
        sending_since=None,
    )


def deliver_due(*, max_messages: int | None = None) -> DeliveryReport:
    """Send every mail that is due, until none is left or the SMTP server is unreachable."""
    report = DeliveryReport()
    report.recovered = recover_stale(timezone.now())
    connection = None
    attempted: set[int] = set()  # a mail retried later is not tried again in this run
    try:
        while max_messages is None or report.sent + report.failed < max_messages:
            claimed = _claim(timezone.now(), attempted)
            if not claimed:
                break
            attempted.update(m.pk for m in claimed)
            try:
                for index, message in enumerate(claimed):
                    try:
                        if connection is None:
                            connection = mailers.default
                            connection.open()
                        connection.send_messages([build_email(message)])
                    except Exception as exc:
                        temporary, reason = _classify(exc)
                        _mark_problem(message, temporary, reason, report)
                        if isinstance(
                            exc, (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)
                        ):
                            _close(connection)
                            connection = None
                            _release_unsent(claimed[index + 1 :])
                            raise _ConnectionDown from exc
                        continue
                    _mark_sent(message)
                    report.sent += 1
            except _ConnectionDown:
                break
    finally:
        _close(connection)
    if report.errors:
        log.warning("mail delivery: %s", "; ".join(report.errors[:5]))
    return report


def _close(connection) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):  # closing a broken connection may fail
            connection.close()
