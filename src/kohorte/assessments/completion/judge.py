"""The verdict and the sentences for one person (pure: no database)."""

import math
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
