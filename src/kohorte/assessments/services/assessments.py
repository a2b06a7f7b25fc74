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
    options = {
        "grading": module.grading,
        "ects": module.ects,
        "ects_is_assumption": module.assumption_for("ects") is not None,
        **options,
    }
    _check_limits(options)
    with transaction.atomic():
        if Assessment.objects.filter(run=run, attempt=1).exists():
            raise ValidationError(
                _("Für diesen Modultermin gibt es bereits eine Prüfungsleistung."),
                code="exists",
            )
        assessment = Assessment.objects.create(
            run=run, kind=kind, task=task, due_at=due_at, **options
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


# What can be changed on an assessment; some of it is locked once work or marks exist.
EDITABLE = (
    "kind",
    "task",
    "due_at",
    "min_pages",
    "max_pages",
    "max_words",
    "grading",
    "ects",
    "ects_is_assumption",
    "second_marker_required",
    "disagreement_threshold",
    "anonymous",
    "publish_at",
    "max_attempts",
)


def _check_limits(fields: dict) -> None:
    low, high = fields.get("min_pages"), fields.get("max_pages")
    if low is not None and high is not None and low > high:
        raise ValidationError(
            {"max_pages": _("Die Höchstzahl der Seiten liegt unter der Mindestzahl.")}
        )


def _str(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def update_assessment(assessment: Assessment, *, actor, **fields) -> Assessment:
    """Change an assessment's settings, with an audit row of what changed (before and after).

    What people already submitted against stays as it was: the kind cannot change once anyone
    submitted or was marked, the grading scheme and the second marker not once marks exist;
    nothing changes after the grades are published (a grade then changes on its own, with a
    reason)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    from kohorte.assessments.models import Submission

    _check_limits({f: fields.get(f, getattr(assessment, f)) for f in ("min_pages", "max_pages")})
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        changed = {f: v for f, v in fields.items() if getattr(assessment, f) != v}
        if not changed:
            return assessment
        submissions = Submission.objects.filter(assessment=assessment)
        marked = submissions.exclude(first_grade="").exists()
        errors = {}
        if assessment.status == Assessment.Status.PUBLISHED:
            raise ValidationError(
                _(
                    "Die Noten sind veröffentlicht; die Prüfungsleistung lässt sich nicht mehr "
                    "ändern. Eine Note ändern Sie mit Begründung auf der Seite der Abgabe."
                ),
                code="published",
            )
        if "kind" in changed and submissions.exists():
            errors["kind"] = _(
                "Die Art lässt sich nicht mehr ändern: Es liegen bereits Abgaben oder "
                "Bewertungen vor."
            )
        if "grading" in changed and marked:
            errors["grading"] = _(
                "Die Bewertungsart lässt sich nicht mehr ändern: Es liegen bereits Bewertungen vor."
            )
        if "second_marker_required" in changed and marked:
            errors["second_marker_required"] = _(
                "Das Zweitgutachten lässt sich nicht mehr ein- oder ausschalten: Es liegen "
                "bereits Bewertungen vor."
            )
        if errors:
            raise ValidationError(errors, code="locked")
        before = {f: _str(getattr(assessment, f)) for f in changed}
        for field, value in changed.items():
            setattr(assessment, field, value)
        assessment.save(update_fields=list(changed))
        log_action(
            "assessments.updated",
            actor=actor,
            target=assessment,
            data={"fields": sorted(changed)},
            before=before,
            after={f: _str(v) for f, v in changed.items()},
        )
    return assessment
