"""Which rules shape a result (binding: relaxed alone, the total rises) and which rules clash
when no cohort can satisfy them all (a smallest conflicting set)."""

from __future__ import annotations

from kohorte.selection.engine.cohort.model import points
from kohorte.selection.engine.cohort.optimum import _objective, _solve


def _active(groups, x) -> list[str]:
    """The rule groups that hold with equality at x."""
    active = []
    for group in groups:
        if group.key.startswith(("lock_", "not_eligible")):
            continue
        is_min = group.key.startswith(("level_min", "gender_min"))
        if any(
            int(sum(x[i] for i in members)) == (low if is_min else high)
            for members, low, high in group.rows
        ):
            active.append(group.key)
    return active


def _binding(applicants, groups, x) -> dict[str, list[str]]:
    """The rules whose removal would raise the total score: they shape the result.

    The seats bind when every seat is taken and someone eligible is left out. Returns each
    binding rule with a best selection without it (who it keeps out).
    """
    best = _objective(applicants, x)
    pts = [points(a.score) for a in applicants]
    binding = {}
    for key in _active(groups, x):
        relaxed = _solve(applicants, [g for g in groups if g.key != key], pts)
        if relaxed is not None and _objective(applicants, relaxed) > best:
            binding[key] = [a.id for a, v in zip(applicants, relaxed, strict=True) if v]
    return binding


def conflicting_rules(applicants, groups) -> list[str]:
    """A smallest set of rules that cannot hold together (a deletion filter over the groups):
    the named rules together cannot hold, and without any one of them the rest can."""
    weights = [0.0] * len(applicants)
    keep = list(groups)
    for group in list(groups):
        trial = [g for g in keep if g is not group]
        if _solve(applicants, trial, weights) is None:
            keep = trial
    return [g.key for g in keep]
