"""The optimiser against brute force, on small instances that hypothesis generates."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kohorte.selection.engine.cohort import (
    Applicant,
    Constraints,
    explain,
    points,
    replacement,
    solve,
)

LEVELS = ["bund", "land", "kommune"]
GENDERS = ["female", "male", None]


@st.composite
def instances(draw):
    n = draw(st.integers(1, 16))
    authorities = [f"Behörde {k}" for k in range(draw(st.integers(1, 5)))]
    applicants = [
        Applicant(
            id=f"a{i}",
            score=draw(st.integers(100, 500)) / 100,
            level=draw(st.sampled_from(LEVELS)),
            authority=draw(st.sampled_from(authorities)),
            gender=draw(st.sampled_from(GENDERS)),
            eligible=draw(st.booleans() | st.just(True)),
            lock=draw(st.sampled_from([None, None, None, None, "in", "out"])),
        )
        for i in range(n)
    ]
    optional = st.none() | st.integers(0, 4)
    constraints = Constraints(
        seats=draw(st.integers(1, 8)),
        level_min={lv: v for lv in LEVELS if (v := draw(optional)) is not None},
        level_max={lv: v for lv in LEVELS if (v := draw(optional)) is not None},
        max_per_authority=draw(st.none() | st.integers(1, 3)),
        gender_min={g: v for g in ("female", "male") if (v := draw(optional)) is not None},
        gender_max={g: v for g in ("female", "male") if (v := draw(optional)) is not None},
    )
    return applicants, constraints


def feasible(applicants, c: Constraints, chosen) -> bool:
    """Plain-Python check of every rule for one selection."""
    picked = [a for a, x in zip(applicants, chosen, strict=True) if x]
    if len(picked) > c.seats:
        return False
    for a, x in zip(applicants, chosen, strict=True):
        if a.lock == "in" and not x:
            return False
        if (a.lock == "out" or (not a.eligible and a.lock != "in")) and x:
            return False
    for level, low in c.level_min.items():
        if sum(a.level == level for a in picked) < low:
            return False
    for level, high in c.level_max.items():
        if sum(a.level == level for a in picked) > high:
            return False
    for gender, low in c.gender_min.items():
        if sum(a.gender == gender for a in picked) < low:
            return False
    for gender, high in c.gender_max.items():
        if sum(a.gender == gender for a in picked) > high:
            return False
    if c.max_per_authority is not None:
        for authority in {a.authority for a in picked}:
            if sum(a.authority == authority for a in picked) > c.max_per_authority:
                return False
    return True


def brute_force(applicants, c):
    """The best total over every subset (2^n of them, as a numpy matrix), or None."""
    n = len(applicants)
    subsets = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    ok = subsets.sum(axis=1) <= c.seats

    def count(mask):
        return subsets @ np.array(mask, dtype=int)

    for i, a in enumerate(applicants):
        if a.lock == "in":
            ok &= subsets[:, i] == 1
        if a.lock == "out" or (not a.eligible and a.lock != "in"):
            ok &= subsets[:, i] == 0
    for level, low in c.level_min.items():
        ok &= count([a.level == level for a in applicants]) >= low
    for level, high in c.level_max.items():
        ok &= count([a.level == level for a in applicants]) <= high
    for gender, low in c.gender_min.items():
        ok &= count([a.gender == gender for a in applicants]) >= low
    for gender, high in c.gender_max.items():
        ok &= count([a.gender == gender for a in applicants]) <= high
    if c.max_per_authority is not None:
        for authority in {a.authority for a in applicants}:
            ok &= count([a.authority == authority for a in applicants]) <= c.max_per_authority
    if not ok.any():
        return None
    return int((subsets[ok] @ np.array([points(a.score) for a in applicants])).max())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 10**6))
def test_optimiser_agrees_with_brute_force(instance, seed):
    applicants, constraints = instance
    result = solve(applicants, constraints, seed=seed)
    best = brute_force(applicants, constraints)
    assert result.feasible == (best is not None)
    if best is None:
        assert result.conflicts, "an infeasible model names the rules that clash"
        # the named rules alone are infeasible, and dropping any one of them makes it feasible
        return
    chosen = [1 if a.id in set(result.selected) else 0 for a in applicants]
    assert feasible(applicants, constraints, chosen)
    assert round(result.objective * 100) == best


def test_lottery_breaks_ties_reproducibly():
    applicants = [Applicant(f"a{i}", 4.0, "bund", f"B{i}") for i in range(10)]
    first = solve(applicants, Constraints(seats=3), seed=11)
    again = solve(applicants, Constraints(seats=3), seed=11)
    assert first.selected == again.selected
    others = {
        tuple(sorted(solve(applicants, Constraints(seats=3), seed=s).selected)) for s in range(8)
    }
    assert len(others) > 1, "different seeds draw different lots"
    ranks = first.lottery
    assert sorted(first.selected, key=ranks.get) == sorted(ranks, key=ranks.get)[:3]


def test_infeasible_names_the_clashing_rules():
    applicants = [Applicant(f"a{i}", 3.0, "bund" if i < 3 else "land", f"B{i}") for i in range(8)]
    c = Constraints(seats=4, level_min={"bund": 3, "land": 3})
    result = solve(applicants, c)
    assert not result.feasible
    assert set(result.conflicts) == {"seats", "level_min:bund", "level_min:land"}
    c = Constraints(seats=4, level_min={"bund": 4})
    assert solve(applicants, c).conflicts == ["level_min:bund"]  # only three at federal level


def test_binding_rules_and_explanations():
    applicants = [
        Applicant("k1", 5.0, "kommune", "Stadt A"),
        Applicant("k2", 4.9, "kommune", "Stadt A"),
        Applicant("k3", 4.8, "kommune", "Stadt B"),
        Applicant("l1", 4.0, "land", "LfSt"),
        Applicant("b1", 3.0, "bund", "BMI"),
        Applicant("b2", 2.0, "bund", "BMF"),
        Applicant("l2", 4.5, "land", "LfD", eligible=False),
    ]
    c = Constraints(seats=3, level_min={"bund": 1}, max_per_authority=1)
    result = solve(applicants, c)
    assert sorted(result.selected) == ["b1", "k1", "k3"]
    assert result.objective == 12.8
    assert set(result.binding) == {"seats", "level_min:bund", "max_per_authority"}
    why = explain(applicants, c, result)
    # k2 would need 0.11 more to displace k1 under the cap of one per authority
    assert (why["k2"].needed, why["k2"].blocked_by) == (0.11, ["max_per_authority"])
    # l1 is out because a federal seat is reserved
    assert (why["l1"].needed, why["l1"].blocked_by) == (0.81, ["level_min:bund"])
    assert (why["b2"].needed, why["b2"].blocked_by) == (1.01, ["seats"])
    assert why["k3"].margin == 0.8  # l1 would take the place below 4.0
    assert why["b1"].margin == 1.0  # b2 would take the federal place
    assert why["l2"].reason == "not_eligible"


def test_required_by_a_quota():
    applicants = [Applicant("b1", 1.0, "bund", "BMI"), Applicant("k1", 5.0, "kommune", "X")]
    c = Constraints(seats=1, level_min={"bund": 1})
    result = solve(applicants, c)
    why = explain(applicants, c, result)
    assert why["b1"].reason == "required" and why["b1"].blocked_by == ["level_min:bund"]
    assert why["k1"].reason == "blocked"


def test_replacement_respects_quotas():
    applicants = [
        Applicant("b1", 4.0, "bund", "BMI"),
        Applicant("k1", 5.0, "kommune", "Stadt A"),
        Applicant("k2", 4.5, "kommune", "Stadt B"),
        Applicant("b2", 3.0, "bund", "BMF"),
    ]
    c = Constraints(seats=2, level_min={"bund": 1})
    assert sorted(solve(applicants, c).selected) == ["b1", "k1"]
    # b1 declines: the next at federal level moves up, not the higher-scoring k2
    assert replacement(applicants, c, 0, keep={"k1"}, exclude={"b1"}) == ("b2", [])
    # and with no one left at federal level the quota is named as dropped
    assert replacement(applicants, c, 0, keep={"k1"}, exclude={"b1", "b2"}) == (
        "k2",
        ["level_min:bund"],
    )


def test_thousand_applicants_solve():
    rng = np.random.default_rng(5)
    applicants = [
        Applicant(
            f"a{i}",
            float(rng.integers(100, 500)) / 100,
            LEVELS[i % 3],
            f"Behörde {rng.integers(0, 300)}",
            GENDERS[i % 3],
        )
        for i in range(1000)
    ]
    c = Constraints(
        25, {"bund": 5, "land": 5, "kommune": 5}, {"kommune": 10}, 2, {"female": 8}, {"male": 15}
    )
    result = solve(applicants, c, seed=1)
    assert result.feasible and len(result.selected) == 25
    chosen = [1 if a.id in set(result.selected) else 0 for a in applicants]
    assert feasible(applicants, c, chosen)
