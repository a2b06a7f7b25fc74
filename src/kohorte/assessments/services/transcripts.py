"""Issuing transcripts: render and sign the PDF, store it privately, record the version."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.assessments.models import Transcript
from kohorte.assessments.transcript import render_transcript
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.teaching.models import Participation

LANGUAGES = ("de", "en")


def _next_version(participation, language) -> tuple[int, Transcript | None]:
    current = (
        Transcript.objects.current()
        .filter(participation=participation, language=language)
        .order_by("-version")
        .first()
    )
    top = Transcript.objects.filter(participation=participation, language=language).aggregate(
        n=Max("version")
    )["n"]
    return (top or 0) + 1, current


def issue_transcript(
    participation: Participation,
    *,
    actor,
    language: str,
    reason: str = "",
    reference=None,
    signer=None,
    notify: bool = True,
) -> Transcript:
    """Render, sign and store the participant's transcript in ``language`` as a new version;
    it supersedes the current one of that language, which needs a reason (a correction).
    Write one audit row and queue the mail that the transcript is available.

    The file is written first and the row in one transaction after it; if anything fails the
    file is removed again, so there is never a row without its file."""
    if language not in LANGUAGES:
        raise ValidationError(_("Diese Sprache gibt es nicht."), code="language")
    reason = (reason or "").strip()
    version, current = _next_version(participation, language)
    if current is not None and not reason:
        raise ValidationError(
            {"reason": _("Bitte geben Sie den Grund der Korrektur an.")}, code="reason"
        )
    now = timezone.now()
    pdf = render_transcript(
        participation,
        language=language,
        version=version,
        issued_at=now,
        reason=reason,
        reference=reference,
        signer=signer,
    )
    name = default_storage.save(
        f"transcripts/{participation.cohort_id}/{secrets.token_urlsafe(24)}.pdf", ContentFile(pdf)
    )
    try:
        with transaction.atomic():
            # One issuer at a time per participant: the version read above must still be next.
            list(Participation.objects.select_for_update().filter(pk=participation.pk))
            if _next_version(participation, language) != (version, current):
                raise ValidationError(
                    _("Inzwischen wurde eine andere Fassung ausgestellt. Bitte laden Sie neu."),
                    code="conflict",
                )
            transcript = Transcript.objects.create(
                participation=participation,
                language=language,
                version=version,
                supersedes=current,
                reason=reason,
                pdf_name=name,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                issued_at=now,
                issued_by=actor if getattr(actor, "pk", None) else None,
            )
            log_action(
                "assessments.transcript_corrected" if current else "assessments.transcript_created",
                actor=actor,
                target=transcript,
                data={
                    "language": language,
                    "version": version,
                    "sha256": transcript.pdf_sha256,
                    **({"supersedes": current.version, "reason": reason} if current else {}),
                },
            )
            if notify:
                user = participation.user
                cohort = participation.cohort
                queue_mail(
                    "assessments.transcript_issued",
                    to=user.email,
                    user=user,
                    concerning=transcript,
                    idempotency_key=f"assessments.transcript_issued:{transcript.pk}",
                    context={
                        "program_title": cohort.program.title,
                        "cohort_name": cohort.name,
                        "version": str(version),
                    },
                )
    except BaseException:
        default_storage.delete(name)
        raise
    return transcript
