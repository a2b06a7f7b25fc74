"""The cohort optimiser: the largest total calibrated score under seats, quotas and locks.

An integer programme solved with scipy.optimize.milp (HiGHS). x_i = 1 selects applicant i.

    maximise    sum(score_i * x_i)            (ties broken by a seeded lottery)
    subject to  sum(x_i) <= seats
                level_min[L] <= sum(x_i, i at level L) <= level_max[L]
                sum(x_i, i at authority A) <= max_per_authority
                gender_min[G] <= sum(x_i, i of gender G) <= gender_max[G]
                x_i = 1 (locked in), x_i = 0 (locked out or not eligible and not locked in)

Scores are compared in hundredths (the precision the committee sees). It is solved in two
stages, so the total is exactly the optimum: first the largest total; then, with the total held
there, the seeded lottery decides among the cohorts of that total (``_lexicographic_best``), so
the result never depends on the solver's internals.

Modules: ``model`` (Applicant, Constraints, Result; the rules as groups of matrix rows),
``optimum`` (the two-stage solve), ``diagnosis`` (binding and conflicting rules),
``explanation`` (``explain``). ``solve`` and ``replacement`` are here; import every name from
here (``from kohorte.selection.engine import cohort``).
"""

from __future__ import annotations

from dataclasses import replace

from kohorte.selection.engine.cohort.diagnosis import _binding, conflicting_rules
from kohorte.selection.engine.cohort.explanation import Explanation, explain
from kohorte.selection.engine.cohort.model import (
    Applicant,
    Constraints,
    Group,
    Result,
    _groups,
    lottery_ranks,
    points,
)
from kohorte.selection.engine.cohort.model import (
    _authority_key as _authority_key,  # the engine tests reach it
)
from kohorte.selection.engine.cohort.optimum import _lexicographic_best, _objective

__all__ = [
    "Applicant",
    "Constraints",
    "Explanation",
    "Group",
    "Result",
    "conflicting_rules",
    "explain",
    "lottery_ranks",
    "points",
    "replacement",
    "solve",
]


def solve(applicants: list[Applicant], constraints: Constraints, seed: int = 0) -> Result:
    lottery = lottery_ranks([a.id for a in applicants], seed)
    groups = _groups(applicants, constraints)
    x, _total = _lexicographic_best(applicants, groups, lottery)
    if x is None:
        return Result(
            feasible=False, conflicts=conflicting_rules(applicants, groups), lottery=lottery
        )
    binding = _binding(applicants, groups, x)
    return Result(
        feasible=True,
        selected=[a.id for a, chosen in zip(applicants, x, strict=True) if chosen],
        objective=round(_objective(applicants, x) / 100, 2),
        binding=list(binding),
        relaxed=binding,
        lottery=lottery,
    )


def replacement(
    applicants: list[Applicant],
    constraints: Constraints,
    seed: int,
    keep: set[str],
    exclude: set[str],
) -> tuple[str | None, list[str]]:
    """Who moves up for one free place: ``keep`` stay in, ``exclude`` are out.

    Re-solved with the quotas. When no one can fill the place within them, the rules that clash
    are dropped one by one (a deletion filter) and named in the second value.
    """
    changed = [
        replace(
            a,
            lock="in" if a.id in keep else ("out" if a.id in exclude or a.lock == "out" else None),
        )
        for a in applicants
    ]
    limited = replace(constraints, seats=len(keep) + 1)
    lottery = lottery_ranks([a.id for a in changed], seed)
    groups = _groups(changed, limited)
    dropped: list[str] = []
    x, _total = _lexicographic_best(changed, groups, lottery)
    if x is None:
        locks = ("lock_", "not_eligible", "seats")
        dropped = [k for k in conflicting_rules(changed, groups) if not k.startswith(locks)]
        groups = [g for g in groups if g.key not in dropped]
        x, _total = _lexicographic_best(changed, groups, lottery)
        if x is None:
            return None, dropped
    new = [a.id for a, v in zip(changed, x, strict=True) if v and a.id not in keep]
    return (new[0] if new else None), dropped
