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
