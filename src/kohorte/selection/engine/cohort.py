"""The cohort optimiser: the largest total calibrated score under seats, quotas and locks.

An integer programme solved with scipy.optimize.milp (HiGHS). x_i = 1 selects applicant i.

    maximise    sum(score_i * x_i)            (ties broken by a seeded lottery)
    subject to  sum(x_i) <= seats
                level_min[L] <= sum(x_i, i at level L) <= level_max[L]
                sum(x_i, i at authority A) <= max_per_authority
                gender_min[G] <= sum(x_i, i of gender G) <= gender_max[G]
                x_i = 1 (locked in), x_i = 0 (locked out or not eligible and not locked in)

Scores are compared in hundredths (the precision the committee sees). The lottery is a
lexicographic second objective: among selections of equal score it prefers the one that the
seeded lottery ranks first, so the result never depends on the solver's internals.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


@dataclass(frozen=True)
class Applicant:
    id: str
    score: float
    level: str = ""
    authority: str = ""
    gender: str | None = None
    eligible: bool = True
    lock: str | None = None  # "in", "out" or None


@dataclass
class Constraints:
    seats: int
    level_min: dict[str, int] = field(default_factory=dict)
    level_max: dict[str, int] = field(default_factory=dict)
    max_per_authority: int | None = None
    gender_min: dict[str, int] = field(default_factory=dict)
    gender_max: dict[str, int] = field(default_factory=dict)


@dataclass
class Result:
    feasible: bool
    selected: list[str] = field(default_factory=list)
    objective: float = 0.0
    binding: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # when infeasible: the clashing rules
    lottery: dict[str, int] = field(default_factory=dict)  # id -> lottery rank (1 = first)
    relaxed: dict[str, list[str]] = field(default_factory=dict)  # rule -> selection without it


def points(score: float) -> int:
    """A score in hundredths, the unit of comparison."""
    return round(score * 100)


def lottery_ranks(ids: list[str], seed: int) -> dict[str, int]:
    order = sorted(ids)
    random.Random(seed).shuffle(order)  # noqa: S311 (a recorded, reproducible lottery)
    return {applicant_id: rank for rank, applicant_id in enumerate(order, start=1)}


def _authority_key(name: str) -> str:
    return " ".join((name or "").casefold().split())


# --- the groups of rows, so that an infeasible model can name the rules that clash ----------
@dataclass(frozen=True)
class Group:
    key: str  # e.g. "seats", "level_min:bund", "max_per_authority", "lock:a17"
    rows: tuple  # ((member indices, lower, upper), ...)


def _groups(applicants: list[Applicant], c: Constraints) -> list[Group]:
    n = len(applicants)
    by_level: dict[str, list[int]] = {}
    by_gender: dict[str, list[int]] = {}
    by_authority: dict[str, list[int]] = {}
    for i, a in enumerate(applicants):
        by_level.setdefault(a.level or "", []).append(i)
        if a.gender:
            by_gender.setdefault(a.gender, []).append(i)
        if a.authority:
            by_authority.setdefault(_authority_key(a.authority), []).append(i)
    groups = [Group("seats", ((tuple(range(n)), 0, c.seats),))]
    for level, low in sorted(c.level_min.items()):
        if low:
            groups.append(Group(f"level_min:{level}", ((tuple(by_level.get(level, ())), low, n),)))
    for level, high in sorted(c.level_max.items()):
        if high is not None:
            groups.append(Group(f"level_max:{level}", ((tuple(by_level.get(level, ())), 0, high),)))
    if c.max_per_authority is not None:
        rows = tuple(
            (tuple(members), 0, c.max_per_authority)
            for _, members in sorted(by_authority.items())
            if len(members) > c.max_per_authority
        )
        if rows:
            groups.append(Group("max_per_authority", rows))
    for gender, low in sorted(c.gender_min.items()):
        if low:
            groups.append(
                Group(f"gender_min:{gender}", ((tuple(by_gender.get(gender, ())), low, n),))
            )
    for gender, high in sorted(c.gender_max.items()):
        if high is not None:
            groups.append(
                Group(f"gender_max:{gender}", ((tuple(by_gender.get(gender, ())), 0, high),))
            )
    for i, a in enumerate(applicants):
        if a.lock == "in":
            groups.append(Group(f"lock_in:{a.id}", (((i,), 1, 1),)))
        elif a.lock == "out" or not a.eligible:
            key = f"lock_out:{a.id}" if a.lock == "out" else f"not_eligible:{a.id}"
            groups.append(Group(key, (((i,), 0, 0),)))
    return groups


def _solve(applicants, groups, weights):
    """Solve over the given groups; return the 0/1 vector, or None when infeasible."""
    n = len(applicants)
    if n == 0:
        return np.zeros(0, dtype=int)
    rows, cols, lower, upper = [], [], [], []
    r = 0
    for group in groups:
        for members, low, high in group.rows:
            rows.extend([r] * len(members))
            cols.extend(members)
            lower.append(low)
            upper.append(high)
            r += 1
    constraints = []
    if r:
        matrix = csr_array((np.ones(len(rows)), (rows, cols)), shape=(r, n))
        constraints = [LinearConstraint(matrix, lower, upper)]
    result = milp(
        c=-np.asarray(weights, dtype=float),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=constraints,
        options={"mip_rel_gap": 0, "presolve": True},
    )
    if result.status != 0 or result.x is None:
        return None
    return np.rint(result.x).astype(int)


def _weights(applicants: list[Applicant], lottery: dict[str, int]) -> list[float]:
    """Hundredths of a point first, then the lottery: exact in floating point for n < 10^6."""
    n = len(applicants)
    return [points(a.score) * (n + 1) + (n + 1 - lottery[a.id]) for a in applicants]


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


def _binding(applicants, groups, x, weights) -> dict[str, list[str]]:
    """The rules whose removal would raise the total score: they shape the result.

    The seats bind when every seat is taken and someone eligible is left out. Returns each
    binding rule with the selection it would give without it (who it keeps out).
    """
    best = _objective(applicants, x)
    binding = {}
    for key in _active(groups, x):
        relaxed = _solve(applicants, [g for g in groups if g.key != key], weights)
        if relaxed is not None and _objective(applicants, relaxed) > best:
            binding[key] = [a.id for a, v in zip(applicants, relaxed, strict=True) if v]
    return binding


def conflicting_rules(applicants, groups) -> list[str]:
    """A smallest set of rules that cannot hold together (a deletion filter over the groups)."""
    weights = [0.0] * len(applicants)
    keep = list(groups)
    for group in list(groups):
        trial = [g for g in keep if g is not group]
        if _solve(applicants, trial, weights) is None:
            keep = trial
    return [g.key for g in keep]


def solve(applicants: list[Applicant], constraints: Constraints, seed: int = 0) -> Result:
    lottery = lottery_ranks([a.id for a in applicants], seed)
    groups = _groups(applicants, constraints)
    weights = _weights(applicants, lottery)
    x = _solve(applicants, groups, weights)
    if x is None:
        return Result(
            feasible=False, conflicts=conflicting_rules(applicants, groups), lottery=lottery
        )
    binding = _binding(applicants, groups, x, weights)
    return Result(
        feasible=True,
        selected=[a.id for a, chosen in zip(applicants, x, strict=True) if chosen],
        objective=round(_objective(applicants, x) / 100, 2),
        binding=list(binding),
        relaxed=binding,
        lottery=lottery,
    )


def _objective(applicants, x) -> int:
    return sum(points(a.score) for a, v in zip(applicants, x, strict=True) if v)


@dataclass
class Explanation:
    selected: bool
    reason: str  # "lock_in", "lock_out", "not_eligible", "score", "required", "blocked"
    margin: float | None = None  # selected: how far the score may fall before they drop out
    needed: float | None = None  # not selected: the increase that would have brought them in
    blocked_by: list[str] = field(default_factory=list)  # the rules that kept them out


def explain(
    applicants: list[Applicant], constraints: Constraints, result: Result, progress=None
) -> dict[str, Explanation]:
    """Why each applicant is in or out, by re-solving with them forced out or in.

    Selected: margin = best objective - best objective without them (in points).
    Not selected: needed = best objective - best objective with them (in points), plus one
    hundredth, and the tight rules they belong to (or "seats" when only the score kept them
    out). ``progress(done, total)`` is called after each applicant. A result read back from
    storage (without the relaxed solutions) gets them recomputed here.
    """
    groups = _groups(applicants, constraints)
    if result.binding and not result.relaxed:
        selected = set(result.selected)
        x = [1 if a.id in selected else 0 for a in applicants]
        result.relaxed = _binding(applicants, groups, x, _weights(applicants, result.lottery))
    score_only = [points(a.score) for a in applicants]
    best = round(result.objective * 100)
    chosen = set(result.selected)
    out: dict[str, Explanation] = {}
    for i, a in enumerate(applicants):
        if a.lock == "in":
            out[a.id] = Explanation(True, "lock_in")
        elif a.lock == "out":
            out[a.id] = Explanation(False, "lock_out")
        elif not a.eligible:
            out[a.id] = Explanation(False, "not_eligible")
        elif a.id in chosen:
            forced = [*groups, Group(f"force:{a.id}", (((i,), 0, 0),))]
            x = _solve(applicants, forced, score_only)
            if x is None:
                rules = [k for k in conflicting_rules(applicants, forced) if k != f"force:{a.id}"]
                out[a.id] = Explanation(True, "required", blocked_by=rules)
            else:
                out[a.id] = Explanation(
                    True, "score", margin=(best - _objective(applicants, x)) / 100
                )
        else:
            forced = [*groups, Group(f"force:{a.id}", (((i,), 1, 1),))]
            x = _solve(applicants, forced, score_only)
            if x is None:
                rules = [k for k in conflicting_rules(applicants, forced) if k != f"force:{a.id}"]
                out[a.id] = Explanation(False, "blocked", blocked_by=rules)
            else:
                needed = (best - _objective(applicants, x) + 1) / 100
                out[a.id] = Explanation(
                    False,
                    "score",
                    needed=needed,
                    blocked_by=_blocking(a, result),
                )
        if progress:
            progress(i + 1, len(applicants))
    return out


def _blocking(a, result: Result) -> list[str]:
    """The binding rules without which this applicant would have been selected; else "seats"."""
    rules = [key for key, chosen in result.relaxed.items() if key != "seats" and a.id in chosen]
    return rules or ["seats"]


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
    weights = _weights(changed, lottery)
    dropped: list[str] = []
    x = _solve(changed, groups, weights)
    if x is None:
        locks = ("lock_", "not_eligible", "seats")
        dropped = [k for k in conflicting_rules(changed, groups) if not k.startswith(locks)]
        groups = [g for g in groups if g.key not in dropped]
        x = _solve(changed, groups, weights)
        if x is None:
            return None, dropped
    new = [a.id for a, v in zip(changed, x, strict=True) if v and a.id not in keep]
    return (new[0] if new else None), dropped
