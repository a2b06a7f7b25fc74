"""Setting assessments, extensions, resits; who takes part in a run's assessment."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kohorte.assessments.models import Assessment, Extension
from kohorte.catalog.models import Module
from kohorte.core.audit import log_action
from kohorte.teaching.models import ElectivePlace, Participation


def create_assessment(run, *, actor, kind, task, due_at, **options) -> Assessment:
    """The assessment of ``run`` (first attempt): the grading scheme and ECTS come from the
    module, the ECTS with its "Annahme" flag."""
    module = run.module
    with transaction.atomic():
        assessment = Assessment.objects.create(
            run=run,
            kind=kind,
            task=task,
            due_at=due_at,
            grading=module.grading,
            ects=module.ects,
            ects_is_assumption=module.assumption_for("ects") is not None,
            **options,
        )
        log_action(
            "assessments.created",
            actor=actor,
            target=assessment,
            data={"run": run.pk, "kind": kind},
        )
    return assessment


def participants(assessment: Assessment):
    """The participants of the assessment's run: the whole cohort for a mandatory module, the
    holders of a place for an elective; for a resit only those who failed the attempt before."""
    run = assessment.run
    people = Participation.objects.filter(cohort_id=run.cohort_id)
    if run.module.kind != Module.Kind.MANDATORY:
        people = people.filter(
            pk__in=ElectivePlace.objects.filter(run=run).values("participation_id")
        )
    if assessment.resit_of_id:
        from kohorte.assessments.models import Submission

        failed = [
            s.participation_id
            for s in Submission.objects.filter(
                assessment_id=assessment.resit_of_id, status=Submission.Status.PUBLISHED
            )
            if not s.passed
        ]
        people = people.filter(pk__in=failed)
    return people


def due_for(assessment: Assessment, participation) -> tuple:
    """The deadline that holds for this person, and their extension (or None)."""
    extension = Extension.objects.filter(assessment=assessment, participation=participation).first()
    return (extension.due_at if extension else assessment.due_at), extension


def grant_extension(assessment, participation, *, actor, due_at, reason) -> Extension:
    """A later deadline for one participant (e.g. Nachteilsausgleich); the reason is required
    and audited. A second call changes the extension."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund der Verlängerung.")})
    if due_at <= assessment.due_at:
        raise ValidationError(
            {"due_at": _("Die neue Frist muss nach der allgemeinen Frist liegen.")}
        )
    if not participants(assessment).filter(pk=participation.pk).exists():
        raise ValidationError(_("Diese Person legt diese Prüfungsleistung nicht ab."))
    with transaction.atomic():
        before = Extension.objects.filter(
            assessment=assessment, participation=participation
        ).first()
        extension, _created = Extension.objects.update_or_create(
            assessment=assessment,
            participation=participation,
            defaults={"due_at": due_at, "reason": reason, "granted_by": actor},
        )
        log_action(
            "assessments.extension_granted",
            actor=actor,
            target=assessment,
            data={"participation": participation.pk, "reason": reason},
            before={"due_at": before.due_at.isoformat()} if before else None,
            after={"due_at": due_at.isoformat()},
        )
    return extension


def create_resit(assessment: Assessment, *, actor, due_at, task=None) -> Assessment:
    """The next attempt for those who failed: its own deadline; at most ``max_attempts``."""
    if assessment.status != Assessment.Status.PUBLISHED:
        raise ValidationError(_("Eine Wiederholung gibt es erst nach der Veröffentlichung."))
    if assessment.attempt >= assessment.max_attempts:
        raise ValidationError(_("Es gibt keinen weiteren Versuch."))
    fields = [
        "kind",
        "min_pages",
        "max_pages",
        "max_words",
        "grading",
        "ects",
        "ects_is_assumption",
        "second_marker_required",
        "disagreement_threshold",
        "anonymous",
        "max_attempts",
    ]
    with transaction.atomic():
        resit = Assessment.objects.create(
            run=assessment.run,
            attempt=assessment.attempt + 1,
            resit_of=assessment,
            task=task or assessment.task,
            due_at=due_at,
            **{f: getattr(assessment, f) for f in fields},
        )
        log_action(
            "assessments.resit_created",
            actor=actor,
            target=resit,
            data={"resit_of": assessment.pk, "attempt": resit.attempt},
        )
    return resit
