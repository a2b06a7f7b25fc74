"""Writing the catalogue: each entity of the data file matched by its slug (or stable UUID),
updated in place, validated with full_clean(), its children and assumptions replaced."""

import uuid
import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from modeltranslation.translator import translator

from kohorte.catalog import models as m
from kohorte.catalog.loader.parsing import LANGS, _Map, _Reader

# Namespace for the stable UIDs of sessions and events that a data file defines.
UID_NAMESPACE = uuid.UUID("5d0f8a0e-6f51-4a53-9d55-2c7e6c2f6a11")


class _Loader(_Reader):
    def __init__(self, path: Path, today: date):
        self.path = path
        self.today = today
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.locations: dict[str, m.Location] = {}
        self.people: dict[str, m.Person] = {}
        self.modules: dict[int, m.Module] = {}
        self.cohorts: dict[str, m.Cohort] = {}

    # --- writing ---------------------------------------------------------------------------
    def save(self, obj, node, exclude=None):
        try:
            obj.full_clean(exclude=exclude)
        except ValidationError as exc:
            messages = "; ".join(
                f"{field}: {' '.join(str(e) for e in errors)}"
                for field, errors in exc.message_dict.items()
            )
            self.fail(node, f"invalid {obj._meta.model_name}: {messages}")
        obj.save()
        return obj

    @staticmethod
    def set_tr(obj, field, texts: dict[str, str]):
        for lang, text in texts.items():
            setattr(obj, f"{field}_{lang}", text)

    def set_assumptions(self, obj, node):
        items = node.get("assumptions") or []
        obj.assumptions.all().delete()
        for item in items:
            field = self.req(item, "field")
            if field not in {f.name for f in obj._meta.get_fields()} | {"sessions"}:
                self.fail(item, f"assumption names no field of {obj._meta.model_name}: {field!r}")
            assumption = m.Assumption(target=obj, field=field)
            self.set_tr(assumption, "note", self.tr(item, "note"))
            assumption.save()

    def replace_children(self, queryset, model, program, items, fields):
        queryset.delete()
        for position, item in enumerate(items or []):
            child = model(program=program, position=position)
            for field in fields:
                self.set_tr(child, field, self.tr(item, field))
            self.save(child, item)

    # --- the entities -----------------------------------------------------------------------
    def program(self, node) -> m.Program:
        slug = self.req(node, "slug")
        program = m.Program.objects.filter(slug=slug).first() or m.Program(slug=slug)
        for field in translator.get_options_for_model(m.Program).fields:
            self.set_tr(program, field, self.tr(node, field, required=field == "title"))
        try:
            program.fee_eur = Decimal(str(node.get("fee_eur", 0)))
        except InvalidOperation:
            self.fail(node, f"'fee_eur' is not a number: {node.get('fee_eur')!r}", "fee_eur")
        program.director = node.get("director", "")
        program.eqf_level = node.get("eqf_level")
        program.contact_email = node.get("contact_email", "")
        self.save(program, node)
        program.organisations.all().delete()
        for position, item in enumerate(node.get("organisations") or []):
            organisation = m.Organisation(
                program=program,
                role=self.req(item, "role"),
                name=self.req(item, "name"),
                url=item.get("url", ""),
                position=position,
            )
            self.save(organisation, item)
        self.replace_children(
            program.learning_outcomes.all(),
            m.LearningOutcome,
            program,
            [{"text": t} for t in node.get("learning_outcomes") or []],
            ["text"],
        )
        self.replace_children(
            program.highlights.all(),
            m.Highlight,
            program,
            node.get("highlights"),
            ["title", "text"],
        )
        self.replace_children(
            program.faqs.all(), m.FAQ, program, node.get("faqs"), ["question", "answer"]
        )
        self.set_assumptions(program, node)
        return program

    def location(self, node):
        slug = self.req(node, "slug")
        location = m.Location.objects.filter(slug=slug).first() or m.Location(slug=slug)
        self.set_tr(location, "name", self.tr(node, "name"))
        self.set_tr(location, "access_notes", self.tr(node, "access_notes", required=False))
        self.set_tr(location, "travel_notes", self.tr(node, "travel_notes", required=False))
        location.street = node.get("street", "")
        location.postcode = str(node.get("postcode", ""))
        location.city = self.req(node, "city")
        self.locations[slug] = self.save(location, node)
        self.set_assumptions(location, node)

    def person(self, node):
        slug = self.req(node, "slug")
        person = m.Person.objects.filter(slug=slug).first() or m.Person(slug=slug)
        person.academic_title = node.get("academic_title", "")
        person.first_name = self.req(node, "first_name")
        person.last_name = self.req(node, "last_name")
        person.website = node.get("website", "")
        self.set_tr(person, "affiliation", self.tr(node, "affiliation", required=False))
        self.set_tr(person, "bio", self.tr(node, "bio", required=False))
        self.people[slug] = self.save(person, node)
        self.set_assumptions(person, node)

    def module(self, program, node):
        slug = self.req(node, "slug")
        module = m.Module.objects.filter(program=program, slug=slug).first() or m.Module(
            program=program, slug=slug
        )
        module.number = self.as_int(node, "number")
        for field in ("title", "short_description"):
            self.set_tr(module, field, self.tr(node, field))
        self.set_tr(module, "learning_outcomes", self.tr(node, "learning_outcomes", False))
        try:
            module.ects = Decimal(str(self.req(node, "ects")))
        except InvalidOperation:
            self.fail(node, f"'ects' is not a number: {node['ects']!r}", "ects")
        module.kind = self.req(node, "kind")
        module.language = self.req(node, "language")
        module.grading = node.get("grading", m.Module.Grading.PASS_FAIL)
        self.modules[module.number] = self.save(module, node)
        self.set_assumptions(module, node)

    def cohort(self, program, node):
        slug = self.req(node, "slug")
        cohort = m.Cohort.objects.filter(program=program, slug=slug).first() or m.Cohort(
            program=program, slug=slug
        )
        runs = node.get("runs") or []
        if node.get("relative_to_today"):
            runs = self.relative_dates(cohort, node)
        else:
            cohort.starts_on = self.as_date(node, "starts_on")
            cohort.ends_on = self.as_date(node, "ends_on")
            cohort.applications_open_at = self.as_datetime(node, "applications_open_at")
            cohort.applications_close_at = self.as_datetime(node, "applications_close_at")
            cohort.decision_on = self.as_date(node, "decision_on")
        start_year, end_year = cohort.starts_on.year, cohort.ends_on.year
        years = str(start_year) if start_year == end_year else f"{start_year}-{end_year}"
        self.set_tr(
            cohort,
            "name",
            {lang: text.replace("{years}", years) for lang, text in self.tr(node, "name").items()},
        )
        self.set_tr(cohort, "venues", self.tr(node, "venues", required=False))
        cohort.seats = self.as_int(node, "seats")
        cohort.seats_approximate = bool(node.get("seats_approximate", False))
        cohort.status = node.get("status", m.Cohort.Status.PUBLISHED)
        self.save(cohort, node)
        self.cohorts[slug] = cohort
        self.set_assumptions(cohort, node)

        times = node.get("session_times") or ["09:00", "17:00"]
        start_time = self.as_time(node, "session_times", times[0])
        end_time = self.as_time(node, "session_times", times[-1])
        times_note = node.get("session_times_note")
        for run_node in runs:
            self.run(program, cohort, run_node, start_time, end_time, times_note)
        self.completion_rule(cohort, node.get("completion_rule") or _Map())
        for position, doc_node in enumerate(node.get("required_documents") or []):
            kind = self.req(doc_node, "kind")
            doc = m.RequiredDocument.objects.filter(cohort=cohort, kind=kind).first() or (
                m.RequiredDocument(cohort=cohort, kind=kind)
            )
            doc.position = position
            doc.required = bool(doc_node.get("required", True))
            doc.min_pages = doc_node.get("min_pages")
            doc.max_pages = doc_node.get("max_pages")
            self.set_tr(doc, "description", self.tr(doc_node, "description", required=False))
            self.save(doc, doc_node)
        for event_node in node.get("events") or []:
            self.event(program, cohort, event_node)

    def relative_dates(self, cohort, node) -> list[dict]:
        """Dates for a demo cohort whose application window is open on the day of loading."""
        opens = self.today + timedelta(days=self.as_int(node, "applications_open_days"))
        closes = self.today + timedelta(days=self.as_int(node, "applications_close_days"))
        cohort.applications_open_at = datetime.combine(opens, time(0, 0), self.tz)
        cohort.applications_close_at = datetime.combine(closes, time(23, 59), self.tz)
        cohort.decision_on = closes + timedelta(days=self.as_int(node, "decision_days_after_close"))
        source = self.cohorts.get(self.req(node, "copy_runs_from"))
        if source is None:
            self.fail(
                node, "'copy_runs_from' must name a cohort defined above it", "copy_runs_from"
            )
        earliest = cohort.decision_on + timedelta(
            days=self.as_int(node, "start_days_after_decision")
        )
        # Same weekday as the source cohort's start, so Mon–Wed and Wed–Fri runs stay so.
        start = earliest + timedelta(days=(source.starts_on.weekday() - earliest.weekday()) % 7)
        shift = start - source.starts_on
        cohort.starts_on = start
        cohort.ends_on = source.ends_on + shift
        runs = []
        for run in source.runs.select_related("module", "location").prefetch_related("lecturers"):
            runs.append(
                _Map(
                    module=run.module.number,
                    starts_on=run.starts_on + shift,
                    ends_on=run.ends_on + shift,
                    format=run.format,
                    location=run.location.slug if run.location else None,
                    lecturers=[p.slug for p in run.lecturers.all()],
                    note={lang: getattr(run, f"note_{lang}") for lang in LANGS},
                )
            )
            runs[-1].line = node.line
            runs[-1].key_lines = {}
        return runs

    def run(self, program, cohort, node, start_time, end_time, times_note):
        module = self.lookup(self.modules, node, "module", node.get("module"))
        run = m.ModuleRun.objects.filter(cohort=cohort, module=module).first() or m.ModuleRun(
            cohort=cohort, module=module
        )
        run.starts_on = self.as_date(node, "starts_on")
        run.ends_on = self.as_date(node, "ends_on")
        run.format = node.get("format") or m.Format.ONSITE
        run.location = (
            self.lookup(self.locations, node, "location", node["location"])
            if node.get("location")
            else None
        )
        self.set_tr(run, "note", self.tr(node, "note", required=False))
        self.save(run, node)
        run.lecturers.set(
            [
                self.lookup(self.people, node, "lecturers", slug)
                for slug in node.get("lecturers") or []
            ]
        )
        if times_note:
            node = _Map(node, assumptions=[{"field": "sessions", "note": times_note}])
        self.set_assumptions(run, node)
        keep = []
        day = run.starts_on
        index = 0
        while day <= run.ends_on:
            uid = uuid.uuid5(UID_NAMESPACE, f"{program.slug}/{cohort.slug}/{module.slug}/{index}")
            session = m.Session.objects.filter(uid=uid).first() or m.Session(uid=uid, run=run)
            session.run, session.date = run, day
            session.starts_at, session.ends_at = start_time, end_time
            self.save(session, node)
            keep.append(session.pk)
            day += timedelta(days=1)
            index += 1
        run.sessions.exclude(pk__in=keep).delete()

    def completion_rule(self, cohort, node):
        rule = m.CompletionRule.objects.filter(cohort=cohort).first() or m.CompletionRule(
            cohort=cohort
        )
        rule.all_mandatory_required = bool(node.get("all_mandatory_required", True))
        rule.min_electives = self.as_int(node, "min_electives", 0)
        rule.attendance_threshold = self.as_int(node, "attendance_threshold", 80)
        rule.min_ects = node.get("min_ects")
        self.save(rule, node)
        rule.required_modules.set(
            [
                self.lookup(self.modules, node, "required_modules", number)
                for number in node.get("required_modules") or []
            ]
        )
        self.set_assumptions(rule, node)

    def event(self, program, cohort, node):
        key = self.req(node, "key")
        uid = uuid.uuid5(UID_NAMESPACE, f"{program.slug}/{cohort.slug}/event/{key}")
        event = m.Event.objects.filter(uid=uid).first() or m.Event(uid=uid)
        event.program, event.cohort = program, cohort
        event.kind = self.req(node, "kind")
        if "days" in node or "days_after_start" in node:
            base = (
                self.today + timedelta(days=self.as_int(node, "days"))
                if "days" in node
                else cohort.starts_on + timedelta(days=self.as_int(node, "days_after_start"))
            )
            times = self.req(node, "time")
            event.starts_at = datetime.combine(base, self.as_time(node, "time", times[0]), self.tz)
            event.ends_at = datetime.combine(base, self.as_time(node, "time", times[-1]), self.tz)
        else:
            event.starts_at = self.as_datetime(node, "starts_at")
            event.ends_at = self.as_datetime(node, "ends_at")
        event.format = node.get("format") or m.Format.ONLINE
        event.location = (
            self.lookup(self.locations, node, "location", node["location"])
            if node.get("location")
            else None
        )
        self.set_tr(event, "title", self.tr(node, "title"))
        self.set_tr(event, "description", self.tr(node, "description", required=False))
        self.save(event, node)
        event.speakers.set(
            [
                self.lookup(self.people, node, "speakers", slug)
                for slug in node.get("speakers") or []
            ]
        )
        self.set_assumptions(event, node)
