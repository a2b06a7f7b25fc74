"""Who may see which teaching objects: the object, or the same 404 as for a missing one."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kohorte.admissions.rules import cohorts_visible_to_staff
from kohorte.catalog.models import Cohort, ModuleRun
from kohorte.teaching.models import Participation


def get_participation_for_user(user) -> Participation:
    """The person's own participation (the newest cohort first); 404 if they take part in none."""
    participation = (
        Participation.objects.for_user(user)
        .select_related("cohort__program", "user")
        .order_by("-cohort__starts_on", "-pk")
        .first()
        if user.is_authenticated
        else None
    )
    if participation is None:
        raise Http404
    return participation


def get_cohort_for_staff(user, cohort_id) -> Cohort:
    """A cohort of a programme this person is staff of; 404 otherwise."""
    cohorts = cohorts_visible_to_staff(user, Cohort.objects.select_related("program"))
    return get_object_or_404(cohorts, pk=cohort_id)


def get_participation_for_staff(user, cohort: Cohort, pk) -> Participation:
    return get_object_or_404(Participation.objects.select_related("user"), cohort=cohort, pk=pk)


def lecturer_runs(user):
    """The module runs this person teaches (through their lecturer profile); empty for others."""
    if not user.is_authenticated:
        return ModuleRun.objects.none()
    return ModuleRun.objects.filter(lecturers__user=user)


def get_run_for_lecturer(user, run_id) -> ModuleRun:
    """A run this person teaches; the same 404 for a missing run and for another's run."""
    return get_object_or_404(
        lecturer_runs(user).select_related("module", "cohort__program", "location"), pk=run_id
    )


def checkin_runs(user):
    """The runs whose check-in lists this person keeps: every run of a cohort they are staff of,
    and the runs they teach."""
    if not user.is_authenticated:
        return ModuleRun.objects.none()
    staff_cohorts = cohorts_visible_to_staff(user, Cohort.objects.all())
    return ModuleRun.objects.filter(
        Q(cohort__in=staff_cohorts) | Q(pk__in=lecturer_runs(user).values("pk"))
    )


def get_session_for_checkin(user, run_id, session_id):
    """A teaching day of a run this person keeps the list of (staff of the programme or a
    lecturer of the run); the same 404 for a missing and for another's day."""
    from kohorte.catalog.models import Session

    return get_object_or_404(
        Session.objects.select_related("run__module", "run__cohort__program", "run__location"),
        pk=session_id,
        run__in=checkin_runs(user).filter(pk=run_id),
    )


def is_staff_of_run(user, run) -> bool:
    return cohorts_visible_to_staff(user, Cohort.objects.filter(pk=run.cohort_id)).exists()


def lecturer_participations(run):
    """Who takes part in this run: for a mandatory module the whole cohort, for an elective
    those with a place in it."""
    from kohorte.catalog.models import Module

    participations = Participation.objects.filter(cohort_id=run.cohort_id)
    if run.module.kind != Module.Kind.MANDATORY:
        participations = participations.filter(elective_places__run=run)
    return participations


def may_manage_materials(user, run) -> bool:
    """The programme's staff and the run's lecturers upload, replace and delete materials."""
    from kohorte.admissions.rules import staff_program_ids

    if not user.is_authenticated:
        return False
    programs = staff_program_ids(user)
    if programs is None or run.cohort.program_id in programs:
        return True
    return run.lecturers.filter(user=user).exists()


def get_material_for_user(user, pk):
    """A material this person may open: the programme's staff and the run's lecturers always;
    a participant of the run (the whole cohort for a mandatory module, those with a place for
    an elective) once it is released. Everyone else, a material before its release date and a
    missing one: the same 404."""
    from django.utils import timezone

    from kohorte.catalog.models import Module
    from kohorte.teaching.models import Material

    if not user.is_authenticated:
        raise Http404
    material = Material.objects.select_related("run__module", "run__cohort").filter(pk=pk).first()
    if material is None:
        raise Http404
    run = material.run
    if may_manage_materials(user, run):
        return material
    if material.released_at > timezone.now():
        raise Http404
    participations = Participation.objects.filter(user=user, cohort_id=run.cohort_id)
    if run.module.kind != Module.Kind.MANDATORY:
        participations = participations.filter(elective_places__run=run)
    if not participations.exists():
        raise Http404
    return material
