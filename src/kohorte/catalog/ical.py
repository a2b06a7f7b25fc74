"""iCalendar (RFC 5545) feeds: one per cohort, one per module, in Europe/Berlin.

Every event keeps its UID across exports (the UUID stored on Session and Event), so calendar
programs update entries instead of duplicating them.
"""

from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from kohorte.catalog.models import Event, ModuleRun, Person, Session
from kohorte.catalog.signals import CATALOG_AREA
from kohorte.core.pagecache import current_version


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kohorte//Kohorte//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _local(dt: datetime) -> datetime:
    return timezone.localtime(dt, timezone.get_default_timezone())


def _assumption_lines(*objects) -> list[str]:
    """Every assumption of these objects as "Annahme: …", so a calendar says what is invented."""
    return [
        _("Annahme: %(note)s") % {"note": a.note} for obj in objects for a in obj.assumptions.all()
    ]


def _session_event(session: Session, run: ModuleRun, request, stamp: datetime) -> VEvent:
    tz = timezone.get_default_timezone()
    module = run.module
    event = VEvent()
    event.add("uid", f"session-{session.uid}@kohorte")
    event.add(
        "summary",
        _("Modul %(number)s: %(title)s") % {"number": module.number, "title": module.title},
    )
    event.add("dtstart", datetime.combine(session.date, session.starts_at, tz))
    event.add("dtend", datetime.combine(session.date, session.ends_at, tz))
    event.add("dtstamp", stamp)
    if run.is_online:
        event.add("location", _("online"))
    else:
        event.add("location", run.location.address)
    lecturers = ", ".join(p.full_name for p in run.lecturers.all())
    lines = [module.short_description]
    if lecturers:
        lines.append(_("Dozierende: %(names)s") % {"names": lecturers})
    if run.note:
        lines.append(run.note)
    lines += _assumption_lines(run)
    event.add("description", "\n\n".join(lines))
    # reverse() follows the active language, so the English feed links to English pages.
    path = reverse("catalog:module", kwargs={"program": module.program.slug, "module": module.slug})
    event.add("url", request.build_absolute_uri(path))
    return event


def _talk_event(talk: Event, request, stamp: datetime) -> VEvent:
    event = VEvent()
    event.add("uid", f"event-{talk.uid}@kohorte")
    event.add("summary", talk.title)
    event.add("dtstart", _local(talk.starts_at))
    event.add("dtend", _local(talk.ends_at))
    event.add("dtstamp", stamp)
    event.add("location", talk.location.address if talk.location else _("online"))
    speakers = ", ".join(p.full_name for p in talk.speakers.all())
    lines = [talk.description] if talk.description else []
    if speakers:
        lines.append(_("Vortragende: %(names)s") % {"names": speakers})
    lines += _assumption_lines(talk)
    event.add("description", "\n\n".join(lines) or talk.title)
    kind = (
        "catalog:info_session" if talk.kind == Event.Kind.INFO_SESSION else "catalog:speaker_series"
    )
    event.add(
        "url", request.build_absolute_uri(reverse(kind, kwargs={"program": talk.program.slug}))
    )
    return event


def _runs(queryset):
    return (
        queryset.select_related("module", "module__program", "location", "cohort")
        .prefetch_related(
            Prefetch("lecturers", queryset=Person.objects.order_by("last_name")),
            Prefetch("sessions", queryset=Session.objects.order_by("date", "starts_at")),
            "assumptions",
        )
        .order_by("starts_on")
    )


@lru_cache(maxsize=32)
def _timezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of ``tzid`` for the years the calendar spans, serialised once per process
    (building it from zoneinfo took a fifth of a personal feed's time)."""
    component = Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    return component.to_ical()


def _finish(cal: Calendar) -> bytes:
    """The calendar with a VTIMEZONE for each zone its events use, covering the years of its
    events (not icalendar's default 1970–2038, which made most of a feed's bytes)."""
    tzids = sorted(cal.get_missing_tzids())
    if not tzids:
        return cal.to_ical()
    years = [
        value.dt.year
        for event in cal.walk("VEVENT")
        for key in ("DTSTART", "DTEND")
        if (value := event.get(key)) is not None
    ] or [timezone.now().year]
    body = cal.to_ical()
    head, sep, rest = body.partition(b"BEGIN:VEVENT")
    zones = b"".join(_timezone(tzid, min(years), max(years)) for tzid in tzids)
    return head + zones + sep + rest


def cohort_calendar(cohort, request) -> bytes:
    """The cohort's module days and events. DTSTAMP is the moment the feed is generated."""
    stamp = timezone.now()
    cal = _calendar(f"{cohort.program.title} – {cohort.name}")
    for run in _runs(ModuleRun.objects.filter(cohort=cohort)):
        for session in run.sessions.all():
            cal.add_component(_session_event(session, run, request, stamp))
    talks = (
        Event.objects.filter(cohort=cohort)
        .select_related("location", "program")
        .prefetch_related("speakers", "assumptions")
        .order_by("starts_at")
    )
    for talk in talks:
        cal.add_component(_talk_event(talk, request, stamp))
    return _finish(cal)


def module_calendar(module, request) -> bytes:
    stamp = timezone.now()
    cal = _calendar(f"{module.program.title} – {module.title}")
    for run in _runs(ModuleRun.objects.filter(module=module).exclude(cohort__status="draft")):
        for session in run.sessions.all():
            cal.add_component(_session_event(session, run, request, stamp))
    return _finish(cal)


def runs_calendar(name: str, runs, request, events=None) -> bytes:
    """A feed of the sessions of these module runs only (a personal calendar: the caller picks
    the runs), and of these catalog ``events`` (talks the person is registered for). UIDs are
    the sessions' and events' own, the same as in the public feeds.

    Calendar programs fetch a feed again and again, and everyone in a cohort has nearly the same
    one, so the feed is built once per process for each set of runs and events, language and
    site address, and kept until the catalogue changes (its content version, as for the public
    pages): a fetch then costs the queries that find the person's runs and events. DTSTAMP is
    the moment the feed was built."""
    run_ids = tuple(runs.order_by("pk").values_list("pk", flat=True))
    event_ids = (
        tuple(events.order_by("pk").values_list("pk", flat=True)) if events is not None else ()
    )
    base = request.build_absolute_uri("/")[:-1]
    version = current_version(CATALOG_AREA)
    return _runs_calendar(name, run_ids, event_ids, get_language(), base, version)


def forget_feeds() -> None:
    """Drop the feeds built so far (tests: content versions restart with every database)."""
    _runs_calendar.cache_clear()


class _Site:
    """What the event builders need of a request: absolute links on the site's address."""

    def __init__(self, base: str):
        self.base = base

    def build_absolute_uri(self, path: str) -> str:
        return self.base + path


@lru_cache(maxsize=512)
def _runs_calendar(name, run_ids, event_ids, language, base, version) -> bytes:
    stamp = timezone.now()
    site = _Site(base)
    cal = _calendar(name)
    with translation.override(language):
        for run in _runs(ModuleRun.objects.filter(pk__in=run_ids)):
            for session in run.sessions.all():
                cal.add_component(_session_event(session, run, site, stamp))
        talks = (
            Event.objects.filter(pk__in=event_ids)
            .select_related("location", "program")
            .prefetch_related("speakers", "assumptions")
        )
        for talk in talks.order_by("starts_at"):
            cal.add_component(_talk_event(talk, site, stamp))
        return _finish(cal)
