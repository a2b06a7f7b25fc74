"""Reads for the public pages, each with its joins and prefetches spelled out.

Every function costs a fixed number of queries, whatever the number of modules, runs, sessions
or lecturers (asserted in tests/catalog/test_queries.py).
"""

import re

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from kohorte.catalog.models import (
    Cohort,
    Event,
    Module,
    ModuleRun,
    Person,
    Program,
    Session,
    featured_cohort,
)

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


def clean_slug(value) -> str | None:
    """A slug from a query parameter, or None if it is missing or malformed (then ignored)."""
    return value if isinstance(value, str) and SLUG_RE.match(value) else None


def published_programs():
    """The published programmes ordered by title (the site's home and legal pages, core/site.py)."""
    return Program.objects.filter(is_published=True).order_by("title")


def get_program(slug: str) -> Program:
    return get_object_or_404(
        Program.objects.filter(is_published=True).prefetch_related("assumptions"), slug=slug
    )


def published_cohorts(program: Program) -> list[Cohort]:
    return list(
        Cohort.objects.published()
        .for_program(program)
        .select_related("completion_rule")
        .prefetch_related("assumptions", "completion_rule__assumptions")
        .order_by("-starts_on")
    )


def pick_cohort(cohorts: list[Cohort], slug: str | None = None, *, strict=False) -> Cohort | None:
    """The cohort named by ``slug``; else the featured one. ``strict`` makes an unknown slug 404."""
    if slug:
        for cohort in cohorts:
            if cohort.slug == slug:
                return cohort
        if strict:
            raise Http404("unknown cohort")
    return featured_cohort(cohorts)


def runs_for_cohort(cohort: Cohort | None):
    if cohort is None:
        return []
    return list(
        ModuleRun.objects.filter(cohort=cohort)
        .select_related("module", "location")
        .prefetch_related(
            Prefetch("lecturers", queryset=Person.objects.order_by("last_name", "first_name")),
            Prefetch("sessions", queryset=Session.objects.order_by("date", "starts_at")),
            "assumptions",
            "module__assumptions",
        )
        .order_by("starts_on", "module__number")
    )


def modules_without_run(program: Program, runs) -> list[Module]:
    planned = {run.module_id for run in runs}
    return [
        m
        for m in Module.objects.filter(program=program).prefetch_related("assumptions")
        if m.pk not in planned
    ]


def events_for_program(program: Program, kind: str):
    return list(
        Event.objects.filter(program=program, kind=kind)
        .select_related("cohort", "location")
        .prefetch_related(
            Prefetch("speakers", queryset=Person.objects.order_by("last_name")), "assumptions"
        )
        .order_by("starts_at")
    )
