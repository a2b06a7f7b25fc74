"""Evaluate a cohort's completion rule. The rule is data (CompletionRule); this is the logic."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class ModuleFacts:
    id: int
    title: str
    mandatory: bool
    ects: Decimal


@dataclass
class CompletionResult:
    """The outcome, in words (``missing``) and as facts the progress view explains further:
    the required modules not passed, how many electives are still missing, whether the ECTS
    total and the attendance fall short."""

    met: bool
    ects: Decimal
    missing: list[str] = field(default_factory=list)
    required_ids: set[int] = field(default_factory=set)
    unpassed_required: list[int] = field(default_factory=list)
    electives_passed: int = 0
    electives_missing: int = 0
    ects_short: bool = False
    attendance_short: bool = False


def evaluate(
    *,
    modules: list[ModuleFacts],
    required_module_ids: set[int],
    all_mandatory_required: bool,
    min_electives: int,
    min_ects: Decimal | None,
    attendance_threshold: int,
    passed_module_ids: set[int],
    attendance_percent: float | None,
    elective_module_ids: set[int] | None = None,
) -> CompletionResult:
    """Say whether a participant with these passed modules and this attendance completes.

    ``attendance_percent`` None means no teaching day counts yet: nothing counts against.
    ``elective_module_ids``, if given, are the electives the person takes (a place, or before
    the allocation their choice): only those count towards ``min_electives``."""
    missing: list[str] = []
    required = set(required_module_ids)
    if all_mandatory_required:
        required |= {m.id for m in modules if m.mandatory}
    unpassed_required = []
    for module in modules:
        if module.id in required and module.id not in passed_module_ids:
            unpassed_required.append(module.id)
            missing.append(_("Modul „%(title)s“ ist nicht bestanden.") % {"title": module.title})
    electives_passed = sum(
        1
        for m in modules
        if not m.mandatory
        and m.id in passed_module_ids
        and m.id not in required
        and (elective_module_ids is None or m.id in elective_module_ids)
    )
    if electives_passed < min_electives:
        missing.append(
            ngettext(
                "Es fehlt %(count)d Wahlmodul.",
                "Es fehlen %(count)d Wahlmodule.",
                min_electives - electives_passed,
            )
            % {"count": min_electives - electives_passed}
        )
    ects = sum((m.ects for m in modules if m.id in passed_module_ids), Decimal("0"))
    ects_short = min_ects is not None and ects < min_ects
    if ects_short:
        missing.append(
            _("%(ects)s von %(min)s ECTS-Punkten erreicht.")
            % {"ects": floatformat(ects, -1), "min": floatformat(min_ects, -1)}
        )
    attendance_short = attendance_percent is not None and attendance_percent < attendance_threshold
    if attendance_short:
        missing.append(
            _("Anwesenheit %(actual).0f %% unter der Schwelle von %(min)d %%.")
            % {"actual": attendance_percent, "min": attendance_threshold}
        )
    return CompletionResult(
        met=not missing,
        ects=ects,
        missing=missing,
        required_ids=required,
        unpassed_required=unpassed_required,
        electives_passed=electives_passed,
        electives_missing=max(min_electives - electives_passed, 0),
        ects_short=ects_short,
        attendance_short=attendance_short,
    )


def rule_modules(rule, runs=None) -> list[ModuleFacts]:
    """The facts of the cohort's modules (from ``runs`` with their module, if given)."""
    if runs is None:
        runs = rule.cohort.runs.select_related("module")
    return [
        ModuleFacts(r.module_id, r.module.title, r.module.kind == "mandatory", r.module.ects)
        for r in runs
    ]


def evaluate_rule(
    rule,
    *,
    passed_module_ids: set[int],
    attendance_percent: float | None,
    modules: list[ModuleFacts] | None = None,
    required_module_ids: set[int] | None = None,
    elective_module_ids: set[int] | None = None,
):
    """Evaluate a CompletionRule row for one participant. In bulk, pass the cohort's
    ``modules`` and the rule's ``required_module_ids`` once read, so no query runs per person."""
    if modules is None:
        modules = rule_modules(rule)
    if required_module_ids is None:
        required_module_ids = {m.pk for m in rule.required_modules.all()}
    return evaluate(
        modules=modules,
        required_module_ids=set(required_module_ids),
        all_mandatory_required=rule.all_mandatory_required,
        min_electives=rule.min_electives,
        min_ects=rule.min_ects,
        attendance_threshold=rule.attendance_threshold,
        passed_module_ids=passed_module_ids,
        attendance_percent=attendance_percent,
        elective_module_ids=elective_module_ids,
    )
