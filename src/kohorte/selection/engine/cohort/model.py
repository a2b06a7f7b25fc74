"""The optimiser's data: applicants, rules and result, and the rules as groups of rows of one
sparse matrix (a group per rule, so that an infeasible model can name the rules that clash)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
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
