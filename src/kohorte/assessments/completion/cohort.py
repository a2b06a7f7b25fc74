"""The standings of a cohort and of one person, read from the database in a fixed number of
queries."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kohorte.assessments.completion.judge import (
    BADGES,
    Judgement,
    ModuleState,
    State,
    Verdict,
    _graded,
    judge,
)

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
