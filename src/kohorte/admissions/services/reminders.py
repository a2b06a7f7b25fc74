"""The periodic reminder of incomplete drafts."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kohorte.admissions.models import (
    Application,
    RefereeRequest,
)
from kohorte.admissions.services.applications import Status, _mail_context
from kohorte.admissions.services.referees import LimitReached, remind_referee
from kohorte.comms.models import OutboxMessage
from kohorte.comms.services import queue_mail
from kohorte.core.formatting import in_language


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
