"""Why each applicant is in or out: re-solved with them forced out or in, and for those left
out the rules that, relaxed alone, lower what they would need (``blocked_by``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kohorte.selection.engine.cohort.diagnosis import conflicting_rules
from kohorte.selection.engine.cohort.model import (
    Applicant,
    Constraints,
    Group,
    Result,
    _authority_key,
    _groups,
    points,
)
from kohorte.selection.engine.cohort.optimum import _objective, _solve


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
