"""Who may see which teaching objects: the object, or the same 404 as for a missing one."""

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
