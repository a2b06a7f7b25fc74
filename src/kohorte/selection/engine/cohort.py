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
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack


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
        if key := _authority_key(a.authority):  # an empty authority is no authority
            by_authority.setdefault(key, []).append(i)
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


def _model(n: int, groups):
    """The rows of the groups as one sparse matrix with lower and upper bounds."""
    rows, cols, lower, upper = [], [], [], []
    r = 0
    for group in groups:
        for members, low, high in group.rows:
            rows.extend([r] * len(members))
            cols.extend(members)
            lower.append(low)
            upper.append(high)
            r += 1
    matrix = csr_array((np.ones(len(rows)), (rows, cols)), shape=(r, n))
    return matrix, np.array(lower, dtype=float), np.array(upper, dtype=float)


def _milp(weights, matrix, lower, upper, lb, ub, total=None):
    """Maximise weights @ x over 0/1 vectors; ``total`` = (points, at least). None: infeasible."""
    n = len(weights)
    constraints = []
    if matrix.shape[0]:
        constraints.append(LinearConstraint(matrix, lower, upper))
    if total is not None:
        pts, least = total
        constraints.append(LinearConstraint(np.asarray(pts, dtype=float)[None, :], least, np.inf))
    result = milp(
        c=-np.asarray(weights, dtype=float),
        integrality=np.ones(n),
        bounds=Bounds(lb, ub),
        constraints=constraints,
        options={"mip_rel_gap": 0, "presolve": True},
    )
    if result.status != 0 or result.x is None:
        return None
    return np.rint(result.x).astype(int)


def _solve(applicants, groups, weights, fix: dict[int, int] | None = None):
    """Solve over the given groups; return the 0/1 vector, or None when infeasible."""
    n = len(applicants)
    if n == 0:
        return np.zeros(0, dtype=int)
    matrix, lower, upper = _model(n, groups)
    lb, ub = np.zeros(n), np.ones(n)
    for i, v in (fix or {}).items():
        lb[i] = ub[i] = v
    return _milp(weights, matrix, lower, upper, lb, ub)


def _bounds_if_forced(pts, matrix, lower, upper, lb, ub):
    """Upper bounds on the best total with each x_i forced to 1 and forced to 0.

    Weak Lagrangian duality: for any multipliers y >= 0 on the rows A x <= upper and z >= 0 on
    A x >= lower, every feasible x has pts @ x <= y @ upper - z @ lower + reduced @ x with
    reduced = pts - A^T (y - z). The multipliers come from the LP relaxation (HiGHS), but the
    bound holds for whatever multipliers it returns: they are only clipped to be >= 0.
    """
    finite_hi = np.isfinite(upper)
    finite_lo = np.isfinite(lower) & (lower > 0)
    blocks, rhs = [], []
    if finite_hi.any():
        blocks.append(matrix[finite_hi])
        rhs.append(upper[finite_hi])
    if finite_lo.any():
        blocks.append(-matrix[finite_lo])
        rhs.append(-lower[finite_lo])
    if blocks:
        a_ub = vstack(blocks).tocsr()
        b_ub = np.concatenate(rhs)
        lp = linprog(-pts, A_ub=a_ub, b_ub=b_ub, bounds=np.column_stack([lb, ub]), method="highs")
        if lp.status != 0:
            return None
        lam = np.maximum(0.0, -np.asarray(lp.ineqlin.marginals))
        reduced = pts - a_ub.T @ lam
        base_const = float(lam @ b_ub)
    else:
        reduced = pts.astype(float)
        base_const = 0.0
    best_each = np.where(reduced > 0, reduced * ub, reduced * lb)
    base = base_const + best_each.sum()
    return base - best_each + reduced, base - best_each  # forced to 1, forced to 0


def _lexicographic_best(applicants, groups, lottery, prune=None):
    """The cohort with the largest total in hundredths; among those, the lottery's choice.

    Stage 1 maximises the total (integer points, exact). Stage 2 keeps the total at that
    optimum and decides the applicants that are not the same in every optimal cohort, in
    lottery order: the cohort takes lottery rank 1 if an optimal cohort can, then rank 2, and
    so on (the lexicographically greatest 0/1 vector in lottery order; for cohorts of equal
    size: the one whose sorted lottery ranks are lexicographically smallest). That is solved in
    blocks of 16 with weights 2^15 ... 2^0, which are exactly lexicographic.
    Returns (x, total in points) or (None, None) when the rules cannot hold.
    """
    n = len(applicants)
    if n == 0:
        return np.zeros(0, dtype=int), 0
    pts = np.array([points(a.score) for a in applicants], dtype=float)
    matrix, lower, upper = _model(n, groups)
    lb, ub = np.zeros(n), np.ones(n)
    x = _milp(pts, matrix, lower, upper, lb, ub)
    if x is None:
        return None, None
    opt = round(float(pts @ x))
    # more than one block: first set aside whoever is the same in every optimal cohort
    prune = n > 16 if prune is None else prune
    forced = _bounds_if_forced(pts, matrix, lower, upper, lb, ub) if prune else None
    if forced is None:
        contested = np.ones(n, dtype=bool)
    else:
        if_one, if_zero = forced
        can_one = if_one >= opt - 0.5
        can_zero = if_zero >= opt - 0.5
        lb = np.where(can_zero, 0.0, 1.0)
        ub = np.where(can_one, 1.0, 0.0)
        contested = can_one & can_zero
    order = sorted(np.flatnonzero(contested), key=lambda i: lottery[applicants[i].id])
    for start in range(0, len(order), 16):
        block = order[start : start + 16]
        weights = np.zeros(n)
        for k, i in enumerate(block):
            weights[i] = 2.0 ** (len(block) - 1 - k)
        found = _milp(weights, matrix, lower, upper, lb, ub, total=(pts, opt))
        if found is None:  # cannot happen: the stage-1 solution is still feasible
            raise RuntimeError("the optimal total became infeasible while breaking ties")
        x = found
        for i in block:
            lb[i] = ub[i] = x[i]
    if round(float(pts @ x)) != opt:
        raise RuntimeError("tie-break changed the optimal total")
    return x, opt


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


def _objective(applicants, x) -> int:
    return sum(points(a.score) for a, v in zip(applicants, x, strict=True) if v)


@dataclass
class Explanation:
    selected: bool
    reason: str  # "lock_in", "lock_out", "not_eligible", "score", "required", "blocked"
    margin: float | None = None  # selected: how far the score may fall before they drop out
    needed: float | None = None  # not selected: the increase that would have brought them in
    blocked_by: list[str] = field(default_factory=list)  # the rules that kept them out
    facts: dict[str, dict] = field(default_factory=dict)  # rule -> {"count", "bound", "needed"}


def _relaxations(applicants, groups, a_index):
    """The rules that might stand in one applicant's way, each as (key, groups without it).

    The cap per authority is relaxed for the applicant's own authority only (it is the only
    authority the sentence speaks of); an authority gets a row only when it has more
    applicants than the cap. Seats are not in this list: they are what is left when no other
    rule stands in the way.
    """
    a = applicants[a_index]
    out = []
    for group in groups:
        key = group.key
        if key == "seats" or key.startswith(("lock_out", "not_eligible")):
            continue
        if key == f"lock_in:{a.id}":
            continue
        if key == "max_per_authority":
            own = [row for row in group.rows if a_index in row[0]]
            if not own:
                continue
            rest = tuple(row for row in group.rows if a_index not in row[0])
            relaxed = [g for g in groups if g is not group]
            if rest:
                relaxed.append(Group(key, rest))
            out.append((key, relaxed))
            continue
        out.append((key, [g for g in groups if g is not group]))
    return out


def _facts(applicants, constraints, chosen_idx, a, key) -> dict:
    """What the rule says and how many of the selected it counts, for the sentence."""
    kind, _sep, value = key.partition(":")
    selected = [applicants[i] for i in chosen_idx]
    if kind == "max_per_authority":
        own = _authority_key(a.authority)
        count = sum(_authority_key(s.authority) == own for s in selected)
        return {"count": count, "bound": constraints.max_per_authority}
    if kind in ("level_min", "level_max"):
        bound = (constraints.level_min if kind == "level_min" else constraints.level_max)[value]
        return {"count": sum((s.level or "") == value for s in selected), "bound": bound}
    if kind in ("gender_min", "gender_max"):
        bounds = constraints.gender_min if kind == "gender_min" else constraints.gender_max
        return {"count": sum(s.gender == value for s in selected), "bound": bounds[value]}
    if kind == "seats":
        return {"count": len(selected), "bound": constraints.seats}
    return {}


def explain(
    applicants: list[Applicant], constraints: Constraints, result: Result, progress=None
) -> dict[str, Explanation]:
    """Why each applicant is in or out, by re-solving with them forced out or in.

    Selected: margin = best total - best total without them (in points).
    Not selected: needed = best total - best total with them, plus one hundredth: with that
    much more they are in every best cohort. The rules named for them (``blocked_by``) are
    exactly those that, relaxed alone, lower what they would need (re-solved: ``needed``
    under the relaxed rule is below ``needed``; ``facts[rule]["needed"]``), best first;
    "lottery" when an equally good cohort with them exists (0.01 more wins it); "seats" only
    when no other rule stands in their way. ``progress(done, total)`` is called after each
    applicant.
    """
    groups = _groups(applicants, constraints)
    pts = [points(a.score) for a in applicants]
    best = round(result.objective * 100)
    chosen = set(result.selected)
    chosen_idx = [i for i, a in enumerate(applicants) if a.id in chosen]
    relaxed_best: dict[tuple, int | None] = {}

    def optimum_without(relaxed, cache_key):
        if cache_key not in relaxed_best:
            x = _solve(applicants, relaxed, pts)
            relaxed_best[cache_key] = None if x is None else _objective(applicants, x)
        return relaxed_best[cache_key]

    def left_out(i, a, gap):
        found = []
        for key, relaxed in _relaxations(applicants, groups, i):
            own = _authority_key(a.authority) if key == "max_per_authority" else ""
            top = optimum_without(relaxed, (key, own))
            with_a = _solve(applicants, relaxed, pts, fix={i: 1})
            if top is None or with_a is None:
                continue
            gap_relaxed = top - _objective(applicants, with_a)
            if gap_relaxed < gap:
                found.append((gap_relaxed, key))
        found.sort()
        keys = [key for _g, key in found] or ["seats"]
        facts = {key: _facts(applicants, constraints, chosen_idx, a, key) for key in keys}
        for gap_relaxed, key in found:
            facts[key]["needed"] = (gap_relaxed + 1) / 100
        return Explanation(False, "score", needed=(gap + 1) / 100, blocked_by=keys, facts=facts)

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
            x = _solve(applicants, forced, pts)
            if x is None:
                rules = [k for k in conflicting_rules(applicants, forced) if k != f"force:{a.id}"]
                out[a.id] = Explanation(True, "required", blocked_by=rules)
            else:
                out[a.id] = Explanation(
                    True, "score", margin=(best - _objective(applicants, x)) / 100
                )
        else:
            forced = [*groups, Group(f"force:{a.id}", (((i,), 1, 1),))]
            x = _solve(applicants, forced, pts)
            if x is None:
                rules = [k for k in conflicting_rules(applicants, forced) if k != f"force:{a.id}"]
                out[a.id] = Explanation(False, "blocked", blocked_by=rules)
            elif (gap := best - _objective(applicants, x)) == 0:
                out[a.id] = Explanation(False, "score", needed=0.01, blocked_by=["lottery"])
            else:
                out[a.id] = left_out(i, a, gap)
        if progress:
            progress(i + 1, len(applicants))
    return out


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
