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
    met: bool
    ects: Decimal
    missing: list[str] = field(default_factory=list)


def evaluate(
    *,
    modules: list[ModuleFacts],
    required_module_ids: set[int],
    all_mandatory_required: bool,
    min_electives: int,
    min_ects: Decimal | None,
    attendance_threshold: int,
    passed_module_ids: set[int],
    attendance_percent: float,
) -> CompletionResult:
    """Say whether a participant with these passed modules and this attendance completes."""
    missing: list[str] = []
    required = set(required_module_ids)
    if all_mandatory_required:
        required |= {m.id for m in modules if m.mandatory}
    for module in modules:
        if module.id in required and module.id not in passed_module_ids:
            missing.append(_("Modul „%(title)s“ ist nicht bestanden.") % {"title": module.title})
    electives_passed = sum(
        1 for m in modules if not m.mandatory and m.id in passed_module_ids and m.id not in required
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
    if min_ects is not None and ects < min_ects:
        missing.append(
            _("%(ects)s von %(min)s ECTS-Punkten erreicht.")
            % {"ects": floatformat(ects, -1), "min": floatformat(min_ects, -1)}
        )
    if attendance_percent < attendance_threshold:
        missing.append(
            _("Anwesenheit %(actual).0f %% unter der Schwelle von %(min)d %%.")
            % {"actual": attendance_percent, "min": attendance_threshold}
        )
    return CompletionResult(met=not missing, ects=ects, missing=missing)


def evaluate_rule(rule, *, passed_module_ids: set[int], attendance_percent: float):
    """Evaluate a CompletionRule row for one participant."""
    modules = [
        ModuleFacts(r.module_id, r.module.title, r.module.kind == "mandatory", r.module.ects)
        for r in rule.cohort.runs.select_related("module")
    ]
    return evaluate(
        modules=modules,
        required_module_ids=set(rule.required_modules.values_list("id", flat=True)),
        all_mandatory_required=rule.all_mandatory_required,
        min_electives=rule.min_electives,
        min_ects=rule.min_ects,
        attendance_threshold=rule.attendance_threshold,
        passed_module_ids=passed_module_ids,
        attendance_percent=attendance_percent,
    )
