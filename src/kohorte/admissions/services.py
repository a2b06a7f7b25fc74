"""Every write of the admissions app. Each state change writes one audit row and sends its mail
on commit, through the outbox."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from kohorte.admissions.models import (
    PUBLIC_LEVELS,
    Application,
    Document,
    EligibilityRule,
    LeadershipLevel,
    RefereeRequest,
)
from kohorte.catalog.models import RequiredDocument
from kohorte.comms.models import OutboxMessage
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.core.uploads import check_pdf, max_pages_for, store_private
from kohorte.core.validators import validate_single_line

Status = Application.Status
REFEREE_LINK_DAYS = 60

# The fields each step must have before the application is complete.
REQUIRED_FIELDS = {
    "person": ["first_name", "last_name"],
    "employer": ["authority", "federal_level", "authority_kind", "unit_kind"],
    "position": ["job_title", "leadership_level", "ai_involvement"],
}


class IllegalTransition(Exception):
    pass


class ApplicationClosed(Exception):
    """The window (and any extension) is closed: submission refused, the draft stays."""


@dataclass(frozen=True)
class Missing:
    step: str
    field: str
    message: str


class Incomplete(Exception):
    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__(", ".join(m.field for m in missing))


def set_status(application: Application, new: str, *, action: str, actor, **fields) -> None:
    """The one place that changes an application's status: refuse an illegal transition, save,
    and write the audit row ``action`` with the status before and after."""
    old = application.status
    if new not in Application.TRANSITIONS[old]:
        raise IllegalTransition(f"{old} → {new}")
    application.status = new
    for name, value in fields.items():
        setattr(application, name, value)
    application.save(update_fields=["status", "updated_at", *fields])
    log_action(
        action, actor=actor, target=application, before={"status": old}, after={"status": new}
    )


def set_referee_status(request: RefereeRequest, new: str, *, action: str, actor, **fields) -> None:
    """The one place that moves one referee request: refuse an illegal transition, save, and
    write the audit row ``action`` (on the application) with the status before and after."""
    old = request.status
    if new not in RefereeRequest.TRANSITIONS[old]:
        raise IllegalTransition(f"{old} → {new}")
    request.status = new
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", *fields])
    log_action(
        action,
        actor=actor,
        target=request.application,
        data={"request": request.pk},
        before={"status": old},
        after={"status": new},
    )


def replace_open_requests(application: Application) -> list[int]:
    """Mark the application's open referee requests replaced (their links stop working): one
    conditional UPDATE through the transition table. Returns the ids moved; the caller's audit
    row names them."""
    Status_ = RefereeRequest.Status
    sources = [
        s for s, targets in RefereeRequest.TRANSITIONS.items() if Status_.REPLACED in targets
    ]
    open_requests = application.referee_requests.filter(status__in=sources)
    ids = list(open_requests.values_list("pk", flat=True))
    if ids:
        RefereeRequest.objects.filter(pk__in=ids, status__in=sources).update(
            status=Status_.REPLACED
        )
    return ids


def start_application(cohort, user) -> Application:
    """The person's application to this cohort, created as a draft on first use (audited)."""
    with transaction.atomic():
        application, created = Application.objects.get_or_create(
            cohort=cohort,
            applicant=user,
            defaults={"first_name": user.first_name, "last_name": user.last_name},
        )
        if created:
            log_action(
                "application.started",
                actor=user,
                target=application,
                after={"status": application.status},
            )
    return application


def save_draft(application: Application, fields: dict, *, actor) -> Application:
    """Save the given fields of a draft (a step, or an autosave). Drafts only.

    One audit row naming the fields whose value changed, not the values (they are personal
    data: the audit log is kept longer than the application). Nothing changed: no row."""
    if application.status != Status.DRAFT:
        raise IllegalTransition(application.status)
    with transaction.atomic():
        changed = sorted(
            name for name, value in fields.items() if getattr(application, name) != value
        )
        for name, value in fields.items():
            setattr(application, name, value)
        application.save(update_fields=[*fields, "updated_at"])
        refresh_flags(application)
        if changed:
            log_action(
                "application.draft_saved",
                actor=actor,
                target=application,
                data={"fields": changed},
            )
    return application


def refresh_flags(application: Application) -> None:
    """Recompute the stored completeness and eligibility flags staff filter by."""
    complete = not missing_items(application)
    eligible = not eligibility_problems(application)
    if (complete, eligible) != (application.is_complete, application.is_eligible):
        application.is_complete, application.is_eligible = complete, eligible
        Application.objects.filter(pk=application.pk).update(
            is_complete=complete, is_eligible=eligible
        )


def add_note(application: Application, text: str, *, actor):
    """Add an internal note (staff only)."""
    from kohorte.admissions.models import StaffNote

    with transaction.atomic():
        note = StaffNote.objects.create(application=application, author=actor, text=text)
        log_action("application.note_added", actor=actor, target=application)
    return note


# --- documents -----------------------------------------------------------------------------
def _page_rule(application: Application, kind: str) -> RequiredDocument | None:
    return RequiredDocument.objects.filter(cohort=application.cohort_id, kind=kind).first()


def unrequested_kind_message(kind: str) -> str:
    label = dict(RequiredDocument.Kind.choices).get(kind)
    if label is None:
        return _("Diese Art von Dokument gibt es nicht.")
    return _(
        "Für diese Bewerbung ist kein Dokument der Art „%(kind)s“ vorgesehen. Bitte laden Sie "
        "nur die Unterlagen hoch, die auf dieser Seite genannt sind."
    ) % {"kind": label}


def upload_document(
    application: Application, kind: str, uploaded, *, actor, source=Document.Source.APPLICANT
) -> Document:
    """Check the PDF, store it under a random name and make it the current one of its kind.

    The file is written before the row; if the row cannot be written, the file is removed, so
    no half upload is ever visible. The previous document of the kind stays as history.
    """
    if application.status != Status.DRAFT:
        raise IllegalTransition(application.status)
    rule = _page_rule(application, kind)
    if rule is None:  # only what the cohort asks for, "Sonstiges" included
        raise ValidationError(unrequested_kind_message(kind), code="kind")
    checked = check_pdf(
        uploaded,
        max_bytes=settings.KOHORTE_MAX_UPLOAD_BYTES,
        min_pages=rule.min_pages,
        max_pages=max_pages_for(kind, rule.max_pages),
    )
    name = store_private(checked, f"applications/{application.uuid}")
    try:
        with transaction.atomic():
            Document.objects.filter(application=application, kind=kind, is_current=True).update(
                is_current=False
            )
            document = Document.objects.create(
                application=application,
                kind=kind,
                storage_name=name,
                original_name=checked.filename,
                sha256=checked.sha256,
                size=checked.size,
                pages=checked.pages,
                source=source,
            )
            if kind == RequiredDocument.Kind.RECOMMENDATION and source == Document.Source.APPLICANT:
                # The applicant brings the letter themselves: the referee's link stops working.
                replaced_requests = replace_open_requests(application)
            else:
                replaced_requests = []
            log_action(
                "application.document_uploaded",
                actor=actor,
                target=application,
                data={
                    "kind": kind,
                    "sha256": checked.sha256,
                    **({"replaced_requests": replaced_requests} if replaced_requests else {}),
                },
            )
            refresh_flags(application)
    except BaseException:
        default_storage.delete(name)
        raise
    return document


# --- completeness and eligibility ------------------------------------------------------------
def missing_items(application: Application) -> list[Missing]:
    """Everything that still keeps the application from being submitted, step by step."""
    missing = []
    for step, names in REQUIRED_FIELDS.items():
        for name in names:
            if getattr(application, name) in ("", None):
                field = Application._meta.get_field(name)
                missing.append(
                    Missing(step, name, _("„%(field)s“ fehlt.") % {"field": field.verbose_name})
                )
    current = set(application.documents.filter(is_current=True).values_list("kind", flat=True))
    for doc in RequiredDocument.objects.filter(cohort=application.cohort_id, required=True):
        if doc.kind not in current:
            missing.append(
                Missing(
                    "documents",
                    doc.kind,
                    _("„%(document)s“ fehlt.") % {"document": doc.get_kind_display()},
                )
            )
    return missing


def eligibility_problems(application: Application) -> list[str]:
    """Reasons the application does not meet the cohort's rules (a flag, never a rejection)."""
    problems = []
    for rule in EligibilityRule.objects.filter(cohort=application.cohort_id):
        if rule.condition == EligibilityRule.Check.PUBLIC_ADMINISTRATION:
            if application.federal_level and application.federal_level not in PUBLIC_LEVELS:
                problems.append(_("Der Arbeitgeber gehört nicht zur öffentlichen Verwaltung."))
        elif rule.condition == EligibilityRule.Check.MIN_LEADERSHIP and (
            application.leadership_level is not None
            and application.leadership_level < rule.min_leadership
        ):
            problems.append(
                _("Die Führungsebene liegt unter „%(level)s“.")
                % {"level": LeadershipLevel(rule.min_leadership).label}
            )
    return problems


# --- submission ----------------------------------------------------------------------------
def _mail_context(application: Application) -> dict:
    return {
        "program_title": application.cohort.program.title,
        "cohort_name": application.cohort.name,
    }


def submit_application(application: Application, *, actor, now=None) -> Application:
    """Submit a complete draft inside its window: freeze it, flag eligibility, drop replaced
    documents, queue the receipt. Submitting twice (two tabs) gives one submission."""
    now = now or timezone.now()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("cohort__program", "applicant")
            .get(pk=application.pk)
        )
        if application.status == Status.SUBMITTED:
            return application
        if application.status != Status.DRAFT:
            raise IllegalTransition(application.status)
        if not application.window_open(now):
            raise ApplicationClosed
        missing = missing_items(application)
        if missing:
            raise Incomplete(missing)
        replaced = list(application.documents.filter(is_current=False))
        problems = eligibility_problems(application)
        set_status(
            application,
            Status.SUBMITTED,
            action="application.submitted",
            actor=actor,
            submitted_at=now,
            eligibility_problems=problems,
            is_complete=True,
            is_eligible=not problems,
        )
        Document.objects.filter(pk__in=[d.pk for d in replaced]).delete()
        transaction.on_commit(lambda: [default_storage.delete(d.storage_name) for d in replaced])
        user = application.applicant
        submitted = in_language(now, user.preferred_language)
        with override(user.preferred_language):
            decision_on = formats.date_format(application.cohort.decision_on, "DATE_FORMAT")
        queue_mail(
            "application.submitted",
            to=user.email,
            user=user,
            concerning=application,
            context={
                **_mail_context(application),
                "submitted_at": submitted,
                "decision_on": decision_on,
                "application_url": portal_link(application, user.preferred_language),
            },
        )
    return application


def portal_link(application: Application, language: str = "de") -> str:
    """The absolute link to the applicant's portal page of this application."""
    with override(language):
        path = reverse(
            "admissions:overview",
            kwargs={"program": application.cohort.program.slug, "cohort": application.cohort.slug},
        )
    return settings.KOHORTE_BASE_URL.rstrip("/") + path


def withdraw_application(application: Application, *, actor) -> None:
    """Withdraw a draft or a submitted application; confirm it by mail."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        set_status(
            application,
            Status.WITHDRAWN,
            action="application.withdrawn",
            actor=actor,
            withdrawn_at=timezone.now(),
        )
        queue_mail(
            "application.withdrawn",
            to=application.applicant.email,
            user=application.applicant,
            concerning=application,
            context=_mail_context(application),
        )


def grant_extension(application: Application, until, *, actor) -> None:
    """Let one person submit until ``until``; audited, and the person is told."""
    if until <= application.cohort.applications_close_at:
        raise ValidationError(
            {
                "extended_until": _(
                    "Eine Verlängerung muss nach dem regulären Bewerbungsschluss enden."
                )
            }
        )
    with transaction.atomic():
        application.extended_until = until
        application.save(update_fields=["extended_until", "updated_at"])
        log_action(
            "application.extension_granted",
            actor=actor,
            target=application,
            data={"until": until.isoformat()},
        )
        user = application.applicant
        until_text = in_language(until, user.preferred_language)
        queue_mail(
            "application.extension_granted",
            to=user.email,
            user=user,
            concerning=application,
            idempotency_key=f"extension:{application.pk}:{until}",
            context={**_mail_context(application), "until": until_text},
        )


# --- referees ------------------------------------------------------------------------------
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


def _check_referee_input(*, name, role, authority, email) -> None:
    """Refuse what a form would refuse, for callers that skip the form (a mail header must
    never get a line break from a name or address)."""
    errors = {}
    for field, value in (("name", name), ("role", role), ("authority", authority)):
        try:
            validate_single_line(value)
        except ValidationError as error:
            errors[field] = error.messages
    try:
        validate_single_line(email)
        validate_email(email)
    except ValidationError as error:
        errors["email"] = error.messages
    if errors:
        raise ValidationError(errors)


def request_referee(
    application: Application, *, name, role, authority, email, actor, language="de"
) -> tuple[RefereeRequest, str]:
    """Ask a referee for the letter. An earlier open request is replaced: its link stops
    working. Returns the request and the secret token (only its hash is stored).

    Refuse control characters in the fields, and a request beyond
    ``KOHORTE_REFEREE_MAX_REQUESTS`` per application (asking another person counts)."""
    if application.status != Status.DRAFT:
        raise IllegalTransition(application.status)
    _check_referee_input(name=name, role=role, authority=authority, email=email)
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


# --- reminders -----------------------------------------------------------------------------
def send_due_reminders(now=None) -> dict:
    """Remind incomplete drafts and silent referees N days before the window closes (N is a
    cohort setting). Each reminder goes out once: its idempotency key names the deadline."""
    from kohorte.admissions.models import CohortSettings
    from kohorte.catalog.models import Cohort

    now = now or timezone.now()
    counts = {"drafts": 0, "referees": 0}
    for cohort in Cohort.objects.filter(
        applications_open_at__lte=now, applications_close_at__gt=now
    ).select_related("program"):
        cfg = CohortSettings.for_cohort(cohort)
        close = cohort.applications_close_at
        if now >= close - timedelta(days=cfg.draft_reminder_days):
            drafts = Application.objects.filter(
                cohort=cohort, status=Status.DRAFT, is_complete=False, extended_until__isnull=True
            )
            for application in drafts.select_related("applicant"):
                key = f"draft-reminder:{application.pk}:{close.isoformat()}"
                if OutboxMessage.objects.filter(idempotency_key=key).exists():
                    continue
                user = application.applicant
                close_text = in_language(close, user.preferred_language)
                queue_mail(
                    "application.draft_reminder",
                    to=user.email,
                    user=user,
                    concerning=application,
                    idempotency_key=key,
                    context={
                        **_mail_context(application),
                        "deadline": close_text,
                        "application_url": settings.KOHORTE_BASE_URL,
                    },
                )
                counts["drafts"] += 1
        if now >= close - timedelta(days=cfg.referee_reminder_days):
            for request in RefereeRequest.objects.filter(
                application__cohort=cohort,
                application__status=Status.DRAFT,
                status=RefereeRequest.Status.REQUESTED,
                reminded_at__isnull=True,
            ).select_related("application__cohort__program", "application__applicant"):
                try:
                    remind_referee(request, actor=None, now=now)
                except LimitReached:
                    continue  # asked too recently: reminded on a later run
                counts["referees"] += 1
    return counts
