"""Marking: first and second mark, agreement, publication, a change after publication."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.assessments import grading
from kohorte.assessments.models import Assessment, Submission
from kohorte.assessments.services.submissions import get_or_create_submission
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.transitions import move
from kohorte.core.uploads import check_pdf, store_private


def set_submission_status(submission: Submission, new, *, action, actor, data=None, **fields):
    """The one door of a submission's state: move it and write the audit row."""
    old = move(
        submission,
        "status",
        new,
        Submission.TRANSITIONS,
        _("Dieser Schritt ist für diese Abgabe nicht möglich."),
        **fields,
    )
    log_action(
        action,
        actor=actor,
        target=submission,
        data=data,
        before={"status": str(old)},
        after={"status": str(new)},
    )


def record_mark(
    assessment: Assessment, participation, *, actor, grade: str, feedback="", annotated=None
) -> Submission:
    """The first mark (with feedback and an optional annotated PDF), or the second where one is
    required. Two marks within the threshold give their mean; beyond it they must agree.
    For a presentation or an oral there is no upload: the marker's record is the submission."""
    grade = grading.parse_grade(assessment.grading, grade)
    checked = None
    if annotated:
        checked = check_pdf(annotated, max_bytes=settings.KOHORTE_MAX_UPLOAD_BYTES)
    name = store_private(checked, f"assessments/{assessment.pk}/feedback") if checked else ""
    try:
        with transaction.atomic():
            submission = get_or_create_submission(assessment, participation)
            if submission.status == Submission.Status.OPEN:
                if assessment.has_upload and not submission.versions.exists():
                    raise ValidationError(_("Es liegt noch keine Abgabe vor."))
                final = not assessment.second_marker_required
                fields = {"first_grade": grade, "first_marker": actor, "feedback": feedback}
                if checked is not None:
                    fields |= {"feedback_pdf": name, "feedback_pdf_name": checked.filename}
                if final:
                    fields["grade"] = grade
                set_submission_status(
                    submission,
                    Submission.Status.FINAL if final else Submission.Status.MARKED,
                    action="assessments.marked",
                    actor=actor,
                    data={"grade": grade},
                    **fields,
                )
            elif submission.status == Submission.Status.MARKED:
                if submission.first_marker_id == getattr(actor, "pk", None):
                    raise ValidationError(
                        _("Das Zweitgutachten schreibt eine andere Person als das Erstgutachten.")
                    )
                gap = grading.difference(assessment.grading, submission.first_grade, grade)
                if assessment.grading == grading.PASS_FAIL:
                    agreed = gap == 0
                else:  # beyond the threshold (data per assessment, 1,0 by default)
                    agreed = gap <= assessment.disagreement_threshold
                fields = {"second_grade": grade, "second_marker": actor}
                if agreed:
                    fields["grade"] = grading.mean_grade(submission.first_grade, grade)
                set_submission_status(
                    submission,
                    Submission.Status.FINAL if agreed else Submission.Status.DISPUTED,
                    action="assessments.second_marked" if agreed else "assessments.disputed",
                    actor=actor,
                    data={"grade": grade, "difference": str(gap)},
                    **fields,
                )
            else:
                raise ValidationError(_("Diese Abgabe ist bereits bewertet."))
    except BaseException:
        if name:
            default_storage.delete(name)
        raise
    return submission


def agree_grade(submission: Submission, *, actor, grade: str, agreed_with) -> Submission:
    """The grade both markers agreed on, with who agreed (the actor and the other marker)."""
    grade = grading.parse_grade(submission.assessment.grading, grade)
    with transaction.atomic():
        set_submission_status(
            submission,
            Submission.Status.FINAL,
            action="assessments.agreed",
            actor=actor,
            data={"grade": grade, "agreed_by": [actor.pk, agreed_with.pk]},
            grade=grade,
        )
        submission.agreed_by.set([actor, agreed_with])
    return submission


def _context(submission: Submission) -> dict:
    assessment = submission.assessment
    cohort = submission.participation.cohort
    return {
        "program_title": cohort.program.title,
        "cohort_name": cohort.name,
        "module_title": assessment.run.module.title,
        "grade": submission.grade_display,
    }


def publish_grades(assessment: Assessment, *, actor=None) -> int:
    """Publish every final grade of the assessment together; each participant gets a mail.
    Refused while a grade is missing or disputed."""
    submissions = list(
        assessment.submissions.select_related(
            "participation__user", "participation__cohort__program", "assessment__run__module"
        )
    )
    if any(s.status != Submission.Status.FINAL for s in submissions) or not submissions:
        raise ValidationError(
            _("Es sind noch nicht alle Arbeiten abschließend bewertet."), code="not_final"
        )
    now = timezone.now()
    with transaction.atomic():
        move(
            assessment,
            "status",
            Assessment.Status.PUBLISHED,
            Assessment.TRANSITIONS,
            _("Die Noten sind bereits veröffentlicht."),
            published_at=now,
        )
        log_action(
            "assessments.published",
            actor=actor,
            target=assessment,
            data={"count": len(submissions)},
            before={"status": "open"},
            after={"status": "published"},
        )
        for submission in submissions:
            set_submission_status(
                submission,
                Submission.Status.PUBLISHED,
                action="assessments.grade_published",
                actor=actor,
                published_at=now,
            )
            user = submission.participation.user
            queue_mail(
                "assessments.grade_published",
                to=user.email,
                user=user,
                concerning=submission,
                idempotency_key=f"assessments.grade_published:{submission.pk}",
                context=_context(submission),
            )
    return len(submissions)


def publish_due_grades(now=None) -> int:
    """Publish the assessments whose publication time has come (and whose marks are final)."""
    now = now or timezone.now()
    published = 0
    for assessment in Assessment.objects.filter(
        status=Assessment.Status.OPEN, publish_at__lte=now
    ).select_related("run__module"):
        try:
            published += publish_grades(assessment)
        except ValidationError:
            continue  # not all marks final yet: published on a later run
    return published


def change_published_grade(submission: Submission, *, actor, grade: str, reason: str) -> Submission:
    """Change a published grade: only with a reason, audited; the participant is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund der Änderung.")})
    if submission.status != Submission.Status.PUBLISHED:
        raise ValidationError(_("Nur eine veröffentlichte Note wird so geändert."))
    grade = grading.parse_grade(submission.assessment.grading, grade)
    with transaction.atomic():
        old = submission.grade
        submission.grade = grade
        submission.save(update_fields=["grade"])
        log_action(
            "assessments.grade_changed",
            actor=actor,
            target=submission,
            data={"reason": reason},
            before={"grade": old},
            after={"grade": grade},
        )
        user = submission.participation.user
        queue_mail(
            "assessments.grade_changed",
            to=user.email,
            user=user,
            concerning=submission,
            context={**_context(submission), "reason": reason},
        )
    return submission
