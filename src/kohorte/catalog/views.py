"""Public pages of a program. Anonymous visitors get them from the page cache (core/pagecache)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import override
from django.views.decorators.http import require_safe

from kohorte.catalog import ical, queries
from kohorte.catalog.models import Event, Module, ModuleRun, Person
from kohorte.catalog.signals import CATALOG_AREA
from kohorte.core.pagecache import cached_public_page


def public_page(view):
    return require_safe(cached_public_page(CATALOG_AREA)(view))


def _base_context(program_slug, cohort_slug=None, *, strict=False):
    program = queries.get_program(program_slug)
    cohorts = queries.published_cohorts(program)
    cohort = queries.pick_cohort(cohorts, cohort_slug, strict=strict)
    return {
        "program": program,
        "cohorts": cohorts,
        "cohort": cohort,
        "featured": queries.pick_cohort(cohorts),
        "now": timezone.now(),
        "today": timezone.localdate(),
    }


@public_page
def program_overview(request, program):
    context = _base_context(program)
    context["runs"] = queries.runs_for_cohort(context["cohort"])
    context["highlights"] = list(context["program"].highlights.all())
    context["organisations"] = list(context["program"].organisations.all())
    return render(request, "catalog/program.html", context)


@public_page
def curriculum(request, program, cohort=None):
    strict = cohort is not None
    slug = cohort or queries.clean_slug(request.GET.get("cohort"))
    context = _base_context(program, slug, strict=strict)
    context["runs"] = queries.runs_for_cohort(context["cohort"])
    context["unplanned"] = queries.modules_without_run(context["program"], context["runs"])
    return render(request, "catalog/curriculum.html", context)


@public_page
def module_detail(request, program, module):
    context = _base_context(program, queries.clean_slug(request.GET.get("cohort")))
    module = get_object_or_404(
        Module.objects.filter(program=context["program"]).prefetch_related("assumptions"),
        slug=module,
    )
    runs = [
        run
        for run in ModuleRun.objects.filter(module=module, cohort__in=context["cohorts"])
        .select_related("cohort", "location")
        .prefetch_related("lecturers", "sessions", "assumptions")
        .order_by("-starts_on")
    ]
    current = next((r for r in runs if r.cohort_id == getattr(context["cohort"], "pk", None)), None)
    context.update(module=module, runs=runs, run=current or (runs[0] if runs else None))
    return render(request, "catalog/module.html", context)


@public_page
def person_detail(request, program, person):
    context = _base_context(program)
    person = get_object_or_404(Person, slug=person)
    runs = list(
        ModuleRun.objects.filter(lecturers=person, cohort__in=context["cohorts"])
        .select_related("module", "cohort", "location")
        .order_by("-starts_on")
    )
    events = list(
        Event.objects.filter(speakers=person, program=context["program"])
        .prefetch_related("assumptions")
        .order_by("-starts_at")
    )
    if not runs and not events:
        raise Http404("person does not teach in this program")
    context.update(person=person, runs=runs, events=events)
    return render(request, "catalog/person.html", context)


@public_page
def outcomes(request, program):
    context = _base_context(program)
    context["outcomes"] = list(context["program"].learning_outcomes.all())
    return render(request, "catalog/outcomes.html", context)


@public_page
def how_to_apply(request, program):
    context = _base_context(program, queries.clean_slug(request.GET.get("cohort")))
    cohort = context["cohort"]
    context["documents"] = list(cohort.required_documents.all()) if cohort else []
    context["info_sessions"] = [
        e
        for e in queries.events_for_program(context["program"], Event.Kind.INFO_SESSION)
        if e.ends_at >= context["now"]
    ]
    return render(request, "catalog/apply.html", context)


def _events_page(request, program, kind, template):
    context = _base_context(program)
    events = queries.events_for_program(context["program"], kind)
    now = context["now"]
    context["upcoming"] = [e for e in events if e.ends_at >= now]
    context["past"] = [e for e in reversed(events) if e.ends_at < now]
    return render(request, template, context)


@public_page
def speaker_series(request, program):
    return _events_page(request, program, Event.Kind.SPEAKER_SERIES, "catalog/speaker_series.html")


@public_page
def info_session(request, program):
    return _events_page(request, program, Event.Kind.INFO_SESSION, "catalog/info_session.html")


@public_page
def cohorts(request, program):
    context = _base_context(program)
    today = timezone.localdate()
    context["past"] = [c for c in context["cohorts"] if c.ends_on < today]
    context["current"] = [c for c in context["cohorts"] if c.ends_on >= today]
    return render(request, "catalog/cohorts.html", context)


@public_page
def faq(request, program):
    context = _base_context(program)
    context["faqs"] = list(context["program"].faqs.all())
    return render(request, "catalog/faq.html", context)


@public_page
def contact(request, program):
    context = _base_context(program)
    context["organisations"] = list(context["program"].organisations.all())
    return render(request, "catalog/contact.html", context)


def _language(request) -> str:
    return "en" if request.GET.get("lang") == "en" else "de"


@require_safe
def cohort_calendar(request, program, cohort):
    program_obj = queries.get_program(program)
    cohort_obj = queries.pick_cohort(queries.published_cohorts(program_obj), cohort, strict=True)
    with override(_language(request)):
        body = ical.cohort_calendar(cohort_obj, request)
    return _ics_response(body, f"{program}-{cohort}.ics")


@require_safe
def module_calendar(request, program, module):
    program_obj = queries.get_program(program)
    module_obj = get_object_or_404(Module, program=program_obj, slug=module)
    with override(_language(request)):
        body = ical.module_calendar(module_obj, request)
    return _ics_response(body, f"{program}-{module}.ics")


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
