"""Uploads of a participant's work: checked PDF, private storage, a version each time."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.assessments.models import Assessment, Submission, SubmissionVersion
from kohorte.assessments.services.assessments import due_for
from kohorte.core.audit import log_action
from kohorte.core.uploads import check_pdf, store_private

# Stored with every version, word for word, in German (the language of the regulations).
DECLARATION = (
    "Ich versichere, dass ich die vorliegende Arbeit selbstständig verfasst und keine anderen "
    "als die angegebenen Quellen und Hilfsmittel benutzt habe. Alle Stellen, die wörtlich oder "
    "sinngemäß aus anderen Quellen übernommen wurden, sind als solche kenntlich gemacht. Die "
    "Arbeit wurde in gleicher oder ähnlicher Form noch keiner anderen Prüfungsbehörde vorgelegt."
)


def get_or_create_submission(assessment: Assessment, participation) -> Submission:
    """The person's submission row; its candidate number is the next free one (locked)."""
    existing = Submission.objects.filter(assessment=assessment, participation=participation).first()
    if existing:
        return existing
    list(Assessment.objects.select_for_update().filter(pk=assessment.pk).values("pk"))
    top = Submission.objects.filter(assessment=assessment).aggregate(n=Max("candidate_number"))
    return Submission.objects.create(
        assessment=assessment,
        participation=participation,
        candidate_number=(top["n"] or 1000) + 1,
    )


def upload_refusal(assessment: Assessment, submission: Submission | None, participation) -> str:
    """Why no (further) upload is possible now, or ""."""
    if not assessment.has_upload:
        return _(
            "Für diese Prüfungsleistung gibt es keine Abgabe: Die Prüfer:innen halten das Ergebnis fest."
        )
    if submission and submission.status != Submission.Status.OPEN:
        return _("Ihre Arbeit ist bereits bewertet; eine neue Fassung ist nicht mehr möglich.")
    due, _extension = due_for(assessment, participation)
    if submission and submission.versions.exists() and timezone.now() > due:
        return _("Die Frist ist abgelaufen; es gilt Ihre zuletzt abgegebene Fassung.")
    return ""


def submit_work(assessment: Assessment, participation, uploaded, *, actor, declared: bool):
    """Check and store a new version of the participant's work. Before the deadline as often
    as they like (history kept); after it only a first submission, marked late."""
    if not declared:
        raise ValidationError(
            {"declaration": _("Bitte bestätigen Sie die Eigenständigkeitserklärung.")}
        )
    submission = Submission.objects.filter(
        assessment=assessment, participation=participation
    ).first()
    refusal = upload_refusal(assessment, submission, participation)
    if refusal:
        raise ValidationError(refusal, code="closed")
    checked = check_pdf(
        uploaded,
        max_bytes=settings.KOHORTE_MAX_UPLOAD_BYTES,
        min_pages=assessment.min_pages,
        max_pages=assessment.max_pages,
    )
    name = store_private(checked, f"assessments/{assessment.pk}")
    now = timezone.now()
    try:
        with transaction.atomic():
            submission = get_or_create_submission(assessment, participation)
            due, _extension = due_for(assessment, participation)
            number = (submission.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = SubmissionVersion.objects.create(
                submission=submission,
                number=number,
                storage_name=name,
                original_name=checked.filename,
                sha256=checked.sha256,
                size=checked.size,
                pages=checked.pages,
                declaration=DECLARATION,
                submitted_at=now,
                late=now > due,
            )
            log_action(
                "assessments.submitted",
                actor=actor,
                target=submission,
                data={"version": number, "sha256": checked.sha256, "late": version.late},
            )
    except BaseException:
        default_storage.delete(name)
        raise
    return version
