"""Letters of recommendation: requests, reminders, the referee's upload, and their limits."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from kohorte.admissions.models import (
    Application,
    Document,
    RefereeRequest,
)
from kohorte.admissions.services.applications import REFEREE_LINK_DAYS, Status, _mail_context
from kohorte.admissions.services.documents import upload_document
from kohorte.admissions.services.transitions import (
    IllegalTransition,
    replace_open_requests,
    set_referee_status,
)
from kohorte.catalog.models import RequiredDocument
from kohorte.comms.models import OutboxMessage
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.core.validators import check_contact


def referee_link(token: str, language: str = "de") -> str:
    with override(language):
        path = reverse("admissions:referee", args=[token])
    return settings.KOHORTE_BASE_URL.rstrip("/") + path


class LimitReached(ValidationError):
    """A referee mail refused by the limits (``KOHORTE_REFEREE_*`` settings); the message says
    why, and when the next reminder is possible."""


def _moment(value) -> str:
    """A point in time as the active language writes it: "3. Dezember 2026, 14:05 Uhr"."""
    german = (get_language() or "de").startswith("de")
    fmt = r"j. F Y, H:i \U\h\r" if german else "j F Y, H:i"
    return date_format(timezone.localtime(value), fmt)


def reminder_count(request: RefereeRequest) -> int:
    """Reminders sent for this request (one outbox mail each, kept as the record)."""
    return OutboxMessage.objects.filter(
        event_key="referee.reminder",
        content_type=ContentType.objects.get_for_model(RefereeRequest),
        object_id=str(request.pk),
    ).count()


def next_reminder_at(request: RefereeRequest):
    """The earliest time for the next reminder: the interval after the last mail to the referee
    (the request or the last reminder)."""
    last = max(request.created_at, request.reminded_at or request.created_at)
    return last + timedelta(hours=settings.KOHORTE_REFEREE_REMINDER_HOURS)


def request_refusal(application: Application) -> str:
    """Why the applicant may not ask another referee (the limit per application), or ""."""
    limit = settings.KOHORTE_REFEREE_MAX_REQUESTS
    if application.referee_requests.count() < limit:
        return ""
    return ngettext(
        "Sie haben bereits %(count)d Person um ein Empfehlungsschreiben gebeten; mehr Anfragen "
        "sind für eine Bewerbung nicht möglich. Bitte wenden Sie sich an das Programmteam.",
        "Sie haben bereits %(count)d Personen um ein Empfehlungsschreiben gebeten; mehr Anfragen "
        "sind für eine Bewerbung nicht möglich. Bitte wenden Sie sich an das Programmteam.",
        limit,
    ) % {"count": limit}


def reminder_refusal(request: RefereeRequest, now=None) -> str:
    """Why this request may not be reminded now (too many, or too soon), or ""."""
    limit = settings.KOHORTE_REFEREE_MAX_REMINDERS
    if reminder_count(request) >= limit:
        return ngettext(
            "Sie haben bereits %(count)d Erinnerung verschickt; mehr sind für eine Anfrage nicht "
            "möglich.",
            "Sie haben bereits %(count)d Erinnerungen verschickt; mehr sind für eine Anfrage nicht "
            "möglich.",
            limit,
        ) % {"count": limit}
    due = next_reminder_at(request)
    if (now or timezone.now()) < due:
        return _("Eine weitere Erinnerung ist ab %(time)s möglich.") % {"time": _moment(due)}
    return ""


def request_referee(
    application: Application, *, name, role, authority, email, actor, language="de"
) -> tuple[RefereeRequest, str]:
    """Ask a referee for the letter. An earlier open request is replaced: its link stops
    working. Returns the request and the secret token (only its hash is stored).

    Refuse control characters in the fields, and a request beyond
    ``KOHORTE_REFEREE_MAX_REQUESTS`` per application (asking another person counts)."""
    if application.status != Status.DRAFT:
        raise IllegalTransition(application.status)
    # a mail header must never get a line break from a name or address
    check_contact(email=email, name=name, role=role, authority=authority)
    token, token_hash = new_token()
    with transaction.atomic():
        # One request at a time per application, so that two at once cannot pass the limit.
        list(Application.objects.select_for_update().filter(pk=application.pk).values("pk"))
        if refusal := request_refusal(application):
            raise LimitReached(refusal, code="referee_requests")
        replaced = replace_open_requests(application)
        request = RefereeRequest.objects.create(
            application=application,
            name=name,
            role=role,
            authority=authority,
            email=email,
            language=language,
            token_hash=token_hash,
            expires_at=timezone.now() + timedelta(days=REFEREE_LINK_DAYS),
        )
        log_action(
            "referee.requested",
            actor=actor,
            target=application,
            data={"request": request.pk, **({"replaced": replaced} if replaced else {})},
            after={"status": request.status},
        )
        _mail_referee("referee.requested", request, token)
    return request, token


def _mail_referee(event_key: str, request: RefereeRequest, token: str, key_suffix=""):
    application = request.application
    deadline = in_language(request.valid_until, request.language)
    queue_mail(
        event_key,
        to=request.email,
        name=request.name,
        language=request.language,
        concerning=request,
        idempotency_key=f"{event_key}:{request.pk}{key_suffix}",
        context={
            **_mail_context(application),
            "applicant_name": f"{application.first_name} {application.last_name}".strip(),
            "upload_url": referee_link(token, request.language),
            "deadline": deadline,
        },
    )


def remind_referee(request: RefereeRequest, *, actor, now=None) -> str:
    """Remind the referee; a new link replaces the old one (tokens are not stored).

    Refuse (LimitReached) a reminder sooner than ``KOHORTE_REFEREE_REMINDER_HOURS`` after the
    last mail to the referee, or beyond ``KOHORTE_REFEREE_MAX_REMINDERS`` for the request."""
    if not request.is_open:
        raise IllegalTransition(request.status)
    now = now or timezone.now()
    with transaction.atomic():
        # Read the request again under a lock: two reminders at once cannot both pass.
        list(RefereeRequest.objects.select_for_update().filter(pk=request.pk).values("pk"))
        request.refresh_from_db()
        if not request.is_open:
            raise IllegalTransition(request.status)
        if refusal := reminder_refusal(request, now):
            raise LimitReached(refusal, code="referee_reminders")
        token, token_hash = new_token()
        set_referee_status(
            request,
            RefereeRequest.Status.REMINDED,
            action="referee.reminded",
            actor=actor,
            token_hash=token_hash,
            reminded_at=now,
        )
        _mail_referee("referee.reminder", request, token, key_suffix=f":{now.isoformat()}")
    return token


def find_referee_request(token: str) -> RefereeRequest | None:
    if not plausible(token):
        return None
    return (
        RefereeRequest.objects.select_related(
            "application__cohort__program", "application__applicant"
        )
        .filter(token_hash=hash_token(token))
        .first()
    )


def referee_upload(request: RefereeRequest, uploaded) -> Document:
    """Store the referee's letter, mark the request received, tell the applicant."""
    if not request.is_open or request.valid_until <= timezone.now():
        raise IllegalTransition(request.status)
    with transaction.atomic():
        document = upload_document(
            request.application,
            RequiredDocument.Kind.RECOMMENDATION,
            uploaded,
            actor=None,
            source=Document.Source.REFEREE,
        )
        set_referee_status(
            request,
            RefereeRequest.Status.RECEIVED,
            action="referee.letter_received",
            actor=None,
            received_at=timezone.now(),
        )
        applicant = request.application.applicant
        queue_mail(
            "referee.letter_received",
            to=applicant.email,
            user=applicant,
            concerning=request,
            context={**_mail_context(request.application), "referee_name": request.name},
        )
    return document
