"""Drafts, completeness and eligibility, submission and withdrawal of an application."""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.admissions.models import (
    PUBLIC_LEVELS,
    Application,
    Document,
    EligibilityRule,
    LeadershipLevel,
)
from kohorte.admissions.services.transitions import IllegalTransition, set_status
from kohorte.catalog.models import RequiredDocument
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language

Status = Application.Status


REFEREE_LINK_DAYS = 60

# The fields each step must have before the application is complete.


REQUIRED_FIELDS = {
    "person": ["first_name", "last_name"],
    "employer": ["authority", "federal_level", "authority_kind", "unit_kind"],
    "position": ["job_title", "leadership_level", "ai_involvement"],
}


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


def start_application(cohort, user) -> Application:
    """Create the person's draft application to this cohort on its first save, and audit it;
    return the existing one if there is one (two tabs start one draft)."""
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
    current = (
        set(application.documents.filter(is_current=True).values_list("kind", flat=True))
        if application.pk is not None  # a draft not saved yet has no documents
        else set()
    )
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
