"""Each participant's standing against the cohort's completion rule, in plain sentences.

The rule is data (``catalog.CompletionRule``) and its logic stays in ``catalog.completion``;
this module adds what the progress view needs on top: the state of every module for the person
(passed, failed with or without a resit left, open until a deadline that includes their
extension, overdue, being marked), a verdict, and sentences that name each real gap.

``judge(...)`` is pure (plain data in, a ``Judgement`` out) so it can be tested over generated
cases; ``standings(cohort)`` reads everything for a whole cohort in a constant number of queries
and calls it per person.

Verdicts:
- completed: staff decided "completed" (a current ``Completion``);
- meets the rule: every condition is met, no decision yet;
- cannot complete: even if every module still open is passed, the rule cannot be met (a module
  the rule needs is failed with no attempt left, or the person holds no place in enough
  electives);
- at risk: attendance below the threshold, or a needed module failed (resit left or not),
  or a deadline passed without a submission;
- on track: everything else.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kohorte.catalog.completion import CompletionResult, ModuleFacts, evaluate


class State(StrEnum):
    PASSED = "passed"
    FAILED_RESIT = "failed_resit"  # failed, another attempt is left
    FAILED_FINAL = "failed_final"  # failed, no attempt left
    OPEN = "open"  # to do, the deadline lies ahead
    SUBMITTED = "submitted"  # handed in (or held), the result is not published yet
    OVERDUE = "overdue"  # the deadline passed without a submission
    NOT_SET = "not_set"  # no assessment set yet
    NOT_TAKEN = "not_taken"  # an elective without a place


class Verdict(StrEnum):
    COMPLETED = "completed"
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    CANNOT = "cannot"


VERDICT_LABELS = {
    Verdict.COMPLETED: gettext_lazy("abgeschlossen"),
    Verdict.MET: gettext_lazy("Regel erfüllt"),
    Verdict.ON_TRACK: gettext_lazy("auf gutem Weg"),
    Verdict.AT_RISK: gettext_lazy("gefährdet"),
    Verdict.CANNOT: gettext_lazy("nicht mehr erreichbar"),
}


BADGES = {
    Verdict.COMPLETED: "success",
    Verdict.MET: "info",
    Verdict.AT_RISK: "warning",
    Verdict.CANNOT: "danger",
}


@dataclass(frozen=True)
class ModuleState:
    """One module for one person: its state, and for sentences the grade, deadline, attempt."""

    module: ModuleFacts
    state: State
    grade: str = ""
    due: datetime | None = None
    attempt: int = 1
    attempts_left: int = 0
    run_id: int | None = None


@dataclass
class Judgement:
    verdict: Verdict
    result: CompletionResult
    done: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # the module ids each "missing" sentence is about (None: a sentence about no single module)
    missing_about: list[int | None] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _percent(value: float) -> str:
    """Rounded down to one decimal, so a rate below the threshold never reads as equal to it."""
    return floatformat(math.floor(value * 10) / 10, -1)


def _kind(module: ModuleFacts) -> str:
    return _("Pflichtmodul") if module.mandatory else _("Wahlmodul")


def module_sentence(ms: ModuleState) -> str:
    """What is missing in this module, in one sentence."""
    words = {"kind": _kind(ms.module), "title": ms.module.title}
    if ms.state == State.FAILED_FINAL:
        return (
            _(
                "Das %(kind)s „%(title)s“ kann nicht mehr bestanden werden: "
                "Auch der %(attempt)d. Versuch ist nicht bestanden."
            )
            % {**words, "attempt": ms.attempt}
            if ms.attempt > 1
            else _(
                "Das %(kind)s „%(title)s“ kann nicht mehr bestanden werden: "
                "Der Versuch ist nicht bestanden, eine Wiederholung gibt es nicht."
            )
            % words
        )
    if ms.state == State.FAILED_RESIT:
        if ms.due is not None:
            return _(
                "Im %(kind)s „%(title)s“ ist der %(attempt)d. Versuch nicht bestanden; "
                "die Wiederholung ist fällig am %(due)s."
            ) % {**words, "attempt": ms.attempt, "due": _when(ms.due)}
        return ngettext(
            "Im %(kind)s „%(title)s“ ist der %(attempt)d. Versuch nicht bestanden; "
            "eine Wiederholung ist möglich (noch %(left)d Versuch).",
            "Im %(kind)s „%(title)s“ ist der %(attempt)d. Versuch nicht bestanden; "
            "eine Wiederholung ist möglich (noch %(left)d Versuche).",
            ms.attempts_left,
        ) % {**words, "attempt": ms.attempt, "left": ms.attempts_left}
    if ms.state == State.OPEN and ms.due is not None:
        return _(
            "Es fehlt noch: die Prüfungsleistung im %(kind)s „%(title)s“, fällig am %(due)s."
        ) % {
            **words,
            "due": _when(ms.due),
        }
    if ms.state == State.OVERDUE and ms.due is not None:
        return _(
            "Es fehlt noch: die Prüfungsleistung im %(kind)s „%(title)s“; die Frist ist am "
            "%(due)s ohne Abgabe abgelaufen."
        ) % {**words, "due": _when(ms.due)}
    if ms.state == State.SUBMITTED:
        return (
            _(
                "Es fehlt noch: das Ergebnis im %(kind)s „%(title)s“ (die Leistung ist erbracht "
                "und wird bewertet)."
            )
            % words
        )
    if ms.state == State.NOT_TAKEN:
        return _("Es fehlt noch: das %(kind)s „%(title)s“, in dem kein Platz vergeben ist.") % words
    return (
        _(
            "Es fehlt noch: die Prüfungsleistung im %(kind)s „%(title)s“ (noch nicht ausgeschrieben)."
        )
        % words
    )


def _graded(ms: ModuleState) -> bool:
    """A grade worth naming: on the German scale (not "bestanden" of passed/failed)."""
    return bool(ms.grade) and ms.grade != _("bestanden")


def done_sentence(ms: ModuleState) -> str:
    words = {"kind": _kind(ms.module), "title": ms.module.title, "grade": ms.grade}
    if not _graded(ms):
        return _("%(kind)s „%(title)s“ bestanden.") % words
    return _("%(kind)s „%(title)s“ bestanden (%(grade)s).") % words


RISKY = {State.FAILED_RESIT, State.FAILED_FINAL, State.OVERDUE}


def judge(
    *,
    states: list[ModuleState],
    required_module_ids: set[int],
    all_mandatory_required: bool,
    min_electives: int,
    min_ects: Decimal | None,
    attendance_threshold: int,
    attendance_percent: float | None,
    decided: bool = False,
    sentences: bool = True,
) -> Judgement:
    """The verdict and the sentences for one person whose modules are in ``states`` (one per
    module of the cohort). ``sentences=False`` leaves ``done`` and ``missing`` empty (the
    matrix shows no sentences; a cohort's worth of them costs time)."""
    modules = [ms.module for ms in states]
    taken_electives = {
        ms.module.id for ms in states if not ms.module.mandatory and ms.state != State.NOT_TAKEN
    }
    rule: dict[str, Any] = {
        "modules": modules,
        "required_module_ids": required_module_ids,
        "all_mandatory_required": all_mandatory_required,
        "min_electives": min_electives,
        "min_ects": min_ects,
        "attendance_threshold": attendance_threshold,
        "elective_module_ids": taken_electives,
    }
    passed = {ms.module.id for ms in states if ms.state == State.PASSED}
    result = evaluate(passed_module_ids=passed, attendance_percent=attendance_percent, **rule)
    # the best case: every module the person takes and can still pass is passed
    possible = {
        ms.module.id for ms in states if ms.state not in {State.FAILED_FINAL, State.NOT_TAKEN}
    }
    best = evaluate(passed_module_ids=possible, attendance_percent=None, **rule)
    by_id = {ms.module.id: ms for ms in states}
    missing: list[str] = []
    about: list[int | None] = []
    done: list[str] = []
    gap_modules = [by_id[pk] for pk in result.unpassed_required]
    if result.electives_missing:
        gap_modules += [
            ms
            for ms in states
            if ms.module.id in taken_electives
            and ms.module.id not in result.required_ids
            and ms.state != State.PASSED
        ]
    verdict = _verdict(result, best, gap_modules, decided)
    if not sentences:
        return Judgement(verdict, result, done, missing, about)
    for ms in gap_modules[: len(result.unpassed_required)]:
        missing.append(module_sentence(ms))
        about.append(ms.module.id)
    if result.electives_missing:
        missing.append(
            ngettext(
                "Es fehlt noch %(count)d bestandenes Wahlmodul.",
                "Es fehlen noch %(count)d bestandene Wahlmodule.",
                result.electives_missing,
            )
            % {"count": result.electives_missing}
        )
        about.append(None)
        for ms in gap_modules[len(result.unpassed_required) :]:
            missing.append(module_sentence(ms))
            about.append(ms.module.id)
    if result.ects_short:
        missing.append(
            _("Erreicht sind %(ects)s von %(min)s ECTS-Punkten.")
            % {"ects": floatformat(result.ects, -1), "min": floatformat(min_ects, -1)}
        )
        about.append(None)
    if result.attendance_short:
        missing.append(
            _("Die Anwesenheit liegt bei %(actual)s %%, unter der Schwelle von %(min)d %%.")
            % {"actual": _percent(attendance_percent or 0.0), "min": attendance_threshold}
        )
        about.append(None)
    done += [done_sentence(ms) for ms in states if ms.state == State.PASSED]
    if attendance_percent is not None and not result.attendance_short:
        done.append(
            _("Anwesenheit %(actual)s %% (Schwelle %(min)d %%).")
            % {"actual": _percent(attendance_percent or 0.0), "min": attendance_threshold}
        )
    if result.ects:
        done.append(_("%(ects)s ECTS-Punkte erreicht.") % {"ects": floatformat(result.ects, -1)})
    return Judgement(verdict, result, done, missing, about)


def _verdict(result, best, gap_modules, decided) -> Verdict:
    if decided:
        return Verdict.COMPLETED
    if result.met:
        return Verdict.MET
    if not best.met:
        return Verdict.CANNOT
    if result.attendance_short or any(ms.state in RISKY for ms in gap_modules):
        return Verdict.AT_RISK
    return Verdict.ON_TRACK


# --- reading a cohort ------------------------------------------------------------------------

UNREAD = object()  # ``standings(rule=...)`` not given: read it


@dataclass
class Cell:
    """One module run of the matrix for one person, in words."""

    run_id: int
    state: State
    words: str
    grade: str = ""


@dataclass
class Standing:
    participation: Any  # teaching.models.Participation
    judgement: Judgement
    cells: list[Cell]
    attendance: object  # teaching.services.attendance.Rate
    completion: object | None  # the current Completion, if any

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    @property
    def badge(self) -> str:
        """The KERN badge modifier of the verdict ("" for on track: plain text)."""
        return BADGES.get(self.verdict, "")


def _cell_words(ms: ModuleState) -> str:
    if ms.state == State.PASSED:
        if not _graded(ms):
            return _("bestanden")
        return _("bestanden (%(grade)s)") % {"grade": ms.grade}
    if ms.state == State.FAILED_RESIT:
        if ms.due is not None:
            return _("nicht bestanden, Wiederholung bis %(due)s") % {
                "due": formats.date_format(timezone.localtime(ms.due), "DATE_FORMAT")
            }
        return _("nicht bestanden, Wiederholung möglich")
    if ms.state == State.FAILED_FINAL:
        return _("endgültig nicht bestanden")
    if ms.state == State.OPEN:
        return _("offen bis %(due)s") % {
            "due": formats.date_format(timezone.localtime(ms.due), "DATE_FORMAT")
        }
    if ms.state == State.OVERDUE:
        return _("Frist verpasst")
    if ms.state == State.SUBMITTED:
        return _("wird bewertet")
    if ms.state == State.NOT_TAKEN:
        return _("nicht belegt")
    return _("keine Prüfung ausgeschrieben")


def standings(
    cohort, participations=None, *, now=None, sentences=True, rule=UNREAD, runs=None
) -> list[Standing]:
    """The standing of every participant of ``cohort`` (or of ``participations``, a queryset of
    it), in a constant number of queries whatever the number of people. ``sentences=False``:
    verdicts and cells only (the matrix, the bulk decision). A caller that has read the cohort's
    ``rule`` (with its required modules prefetched, or None) and ``runs`` (with their module, in
    the order of the matrix) passes them, so they are not read twice."""
    from kohorte.assessments.models import Assessment, Completion, Extension, Submission
    from kohorte.assessments.results import module_results
    from kohorte.catalog.completion import rule_modules
    from kohorte.catalog.models import CompletionRule
    from kohorte.teaching.models import ElectiveChoice, ElectivePlace, ElectiveRound
    from kohorte.teaching.services.attendance import Rate, attendance_summaries

    now = now or timezone.now()
    if participations is None:
        participations = cohort.participations.all()
    people = list(
        participations.select_related("user").order_by("user__last_name", "user__first_name", "pk")
    )
    if rule is UNREAD:
        rule = (
            CompletionRule.objects.filter(cohort=cohort)
            .prefetch_related("required_modules")
            .first()
        )
    if runs is None:
        runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    modules = rule_modules(rule, runs) if rule else rule_modules(None, runs)
    threshold = rule.attendance_threshold if rule else 0
    required = {m.pk for m in rule.required_modules.all()} if rule else set()
    results = module_results(participations)
    assessments: dict[int, dict[int, Assessment]] = defaultdict(dict)
    for a in Assessment.objects.filter(run__cohort=cohort):
        assessments[a.run_id][a.attempt] = a
    extensions = {
        (e.participation_id, e.assessment_id): e.due_at
        for e in Extension.objects.filter(participation__in=participations)
    }
    handed_in = set()
    for pid, aid, status, versions in (
        Submission.objects.filter(participation__in=participations)
        .exclude(status=Submission.Status.PUBLISHED)
        .values_list("participation_id", "assessment_id", "status", "versions")
        .distinct()
    ):
        if status != Submission.Status.OPEN or versions is not None:
            handed_in.add((pid, aid))
    allocated = ElectiveRound.objects.filter(
        cohort=cohort, status=ElectiveRound.Status.ALLOCATED
    ).exists()
    # the electives a person takes: their places; before the lottery also their choices
    electives: dict[int, set[int]] = defaultdict(set)
    sources: list[Any] = [ElectivePlace] if allocated else [ElectivePlace, ElectiveChoice]
    for source in sources:
        for pid, run_id in source.objects.filter(participation__in=participations).values_list(
            "participation_id", "run_id"
        ):
            electives[pid].add(run_id)
    summaries = attendance_summaries(cohort, threshold, by_run=False)
    decisions = {
        c.participation_id: c
        for c in Completion.objects.current().filter(participation__in=participations)
    }
    out = []
    # 250 people share few distinct states per run: each ModuleState, its words and its Cell are
    # made once per request (they are frozen or never changed after)
    known: dict[tuple, ModuleState] = {}
    cell_of: dict[ModuleState, Cell] = {}
    words: dict[tuple, str] = {}  # the same words for the same state: translated once
    display: dict[str, str] = {}  # grade code → as people read it
    judged: dict[tuple, Judgement] = {}

    def new(*fields) -> ModuleState:
        ms = known.get(fields)
        if ms is None:
            ms = known[fields] = ModuleState(*fields)
        return ms

    for person in people:
        own = results.get(person.pk, {})
        states = []
        cells = []
        for run, facts in zip(runs, modules, strict=True):
            result = own.get(run.module_id)
            if result is not None and result.passed:  # most cells: no more to read
                grade = display.get(result.grade)
                if grade is None:
                    grade = display[result.grade] = result.grade_display
                ms = new(facts, State.PASSED, grade, None, 1, 0, run.pk)
            else:
                ms = _module_state(
                    person.pk,
                    run,
                    facts,
                    result,
                    assessments.get(run.pk, {}),
                    extensions,
                    handed_in,
                    takes_part=facts.mandatory or run.pk in electives[person.pk],
                    now=now,
                    new=new,
                )
            states.append(ms)
            cell = cell_of.get(ms)
            if cell is None:
                key = (ms.state, ms.grade, ms.due)
                if key not in words:
                    words[key] = _cell_words(ms)
                cell = cell_of[ms] = Cell(run.pk, ms.state, words[key], ms.grade)
            cells.append(cell)
        summary = summaries.get(person.pk)
        rate = summary.overall if summary else Rate(threshold=threshold)
        percent, decided = rate.rate, person.pk in decisions
        # without sentences a judgement is the same for the same states (shared objects, see
        # above), attendance and decision: many people share one, judged once
        judged_key = (tuple(states), percent, decided)
        judgement = judged.get(judged_key) if not sentences else None
        if judgement is None:
            judgement = judge(
                states=states,
                required_module_ids=required,
                all_mandatory_required=rule.all_mandatory_required if rule else True,
                min_electives=rule.min_electives if rule else 0,
                min_ects=rule.min_ects if rule else None,
                attendance_threshold=threshold,
                attendance_percent=percent,
                decided=decided,
                sentences=sentences,
            )
            if not sentences:
                judged[judged_key] = judgement
        out.append(Standing(person, judgement, cells, rate, decisions.get(person.pk)))
    return out


def _module_state(
    pid, run, facts, result, attempts, extensions, handed_in, *, takes_part, now, new=ModuleState
):
    """The state of one module for one person; ``new(facts, state, grade, due, attempt,
    attempts_left, run_id)`` makes the ModuleState (``standings`` passes one that shares equal
    states)."""
    if result is not None and result.passed:
        return new(facts, State.PASSED, result.grade_display, None, 1, 0, run.pk)
    if result is not None:
        if result.attempts_left <= 0:
            return new(facts, State.FAILED_FINAL, "", None, result.attempt, 0, run.pk)
        resit = attempts.get(result.attempt + 1)
        if resit is None:
            return new(
                facts,
                State.FAILED_RESIT,
                "",
                None,
                result.attempt,
                result.attempts_left,
                run.pk,
            )
        assessment, attempt = resit, result.attempt
    else:
        if not takes_part:
            return new(facts, State.NOT_TAKEN, "", None, 1, 0, run.pk)
        assessment, attempt = attempts.get(1), 0
        if assessment is None:
            return new(facts, State.NOT_SET, "", None, 1, 0, run.pk)
    due = extensions.get((pid, assessment.pk), assessment.due_at)
    if (pid, assessment.pk) in handed_in or (not assessment.has_upload and due <= now):
        return new(facts, State.SUBMITTED, "", due, 1, 0, run.pk)
    if due <= now:
        return new(facts, State.OVERDUE, "", due, attempt, 0, run.pk)
    if attempt:
        return new(facts, State.FAILED_RESIT, "", due, attempt, result.attempts_left, run.pk)
    return new(facts, State.OPEN, "", due, 1, 0, run.pk)


def standing(participation, *, now=None) -> Standing:
    """The standing of one participant (the same reading as the cohort's)."""
    from kohorte.teaching.models import Participation

    return standings(
        participation.cohort, Participation.objects.filter(pk=participation.pk), now=now
    )[0]
