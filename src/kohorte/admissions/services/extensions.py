"""Individual deadline extensions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kohorte.admissions.models import (
    Application,
)
from kohorte.admissions.services.applications import _mail_context
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language


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
