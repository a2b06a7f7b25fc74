"""Reads across teaching and the catalogue, one query per relation whatever the rows."""

from django.db.models import Prefetch

from kohorte.catalog.models import ModuleRun
from kohorte.teaching.models import ElectivePlace, Participation, Release


def programme_runs(cohort):
    """The cohort's module runs with module, place and lecturers, in date order."""
    return (
        ModuleRun.objects.filter(cohort=cohort)
        .select_related("module", "location")
        .prefetch_related("lecturers")
        .order_by("starts_on", "pk")
    )


def staff_participants(cohort):
    """The cohort's participants with their release requests and elective places."""
    return (
        Participation.objects.for_cohort(cohort)
        .select_related("user")
        .prefetch_related(
            Prefetch("releases", queryset=Release.objects.order_by("-created_at", "-id")),
            Prefetch(
                "elective_places",
                queryset=ElectivePlace.objects.select_related("run__module"),
            ),
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def lecturer_run_list(user):
    """The runs a lecturer teaches, with module, cohort, place and lecturers, in date order."""
    from kohorte.teaching.access import lecturer_runs

    return (
        ModuleRun.objects.filter(pk__in=lecturer_runs(user).values("pk"))
        .select_related("module", "cohort__program", "location")
        .prefetch_related("lecturers")
        .order_by("starts_on", "pk")
    )


def run_participants(run):
    """The run's participants with their application (authority, function), by name."""
    from kohorte.teaching.access import lecturer_participations

    return (
        lecturer_participations(run)
        .select_related("user", "application")
        .order_by("user__last_name", "user__first_name", "pk")
    )
