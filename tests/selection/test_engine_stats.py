"""Assignment, calibration and reliability on generated and published data."""

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kohorte.selection.engine import assignment, calibration, reliability


@st.composite
def problems(draw):
    n = draw(st.integers(3, 40))
    m = draw(st.integers(4, 12))
    r = draw(st.integers(1, 3))
    density = draw(st.sampled_from([0.0, 0.05, 0.15]))
    rng = random.Random(draw(st.integers(0, 10**6)))
    apps = [f"a{i}" for i in range(n)]
    revs = [f"r{j}" for j in range(m)]
    conflicts = {(a, x) for a in apps for x in revs if rng.random() < density}
    capacity = {}
    if draw(st.booleans()):
        capacity = {x: rng.randint(1, 4) for x in revs}
    return assignment.Problem(apps, revs, r, capacity, conflicts, set(), rng.randint(0, 99))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_assignment_meets_loads_and_conflicts(problem):
    short = assignment.precheck(problem)
    plan = assignment.assign(problem)
    assert not plan.pairs & problem.conflicts
    per_app = {a: [x for b, x in plan.pairs if b == a] for a in problem.applications}
    for a, reviewers in per_app.items():
        assert len(reviewers) == len(set(reviewers))
        if a not in short:
            assert len(reviewers) == problem.per_application
        else:
            assert len(reviewers) == short[a]  # as many as are free of conflict
    # loads: within one of the target, unless the conflicts make that impossible
    if not problem.conflicts:
        for x in problem.reviewers:
            assert abs(plan.loads[x] - plan.targets[x]) <= 1
        if not problem.capacity:
            assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    n, m, r = len(problem.applications), len(problem.reviewers), problem.per_application
    if r >= 2 and not problem.conflicts and n * (r - 1) >= m - 1:
        # enough shared applications to link every reviewer: the graph must be connected
        assert plan.connected


def test_assignment_balances_despite_conflicts_and_keeps_written_reviews():
    rng = random.Random(1)
    apps = [f"a{i}" for i in range(300)]
    revs = [f"r{j}" for j in range(10)]
    conflicts = {(a, x) for a in apps for x in revs if rng.random() < 0.1}
    plan = assignment.assign(assignment.Problem(apps, revs, 3, {}, conflicts, set(), 7))
    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    assert plan.connected and not plan.short
    # r3 drops out: its written reviews stay, the rest is shared among the others
    written = {p for p in plan.pairs if p[1] == "r3"}
    written = set(sorted(written)[:20])
    others = [x for x in revs if x != "r3"]
    fixed = {p for p in plan.pairs if p[1] != "r3"} | written
    again = assignment.assign(assignment.Problem(apps, others, 3, {}, conflicts, fixed, 8))
    for a in apps:
        count = sum(1 for b, _ in again.pairs if b == a) + sum(1 for b, _ in written if b == a)
        assert count >= 3
    assert {p for p in plan.pairs if p[1] != "r3"} <= again.pairs


def test_seed_is_reproducible():
    problem = assignment.Problem([f"a{i}" for i in range(50)], ["x", "y", "z", "w"], 2, seed=3)
    assert assignment.assign(problem).pairs == assignment.assign(problem).pairs


def test_precheck_names_applications_with_too_few_free_reviewers():
    problem = assignment.Problem(["a1", "a2"], ["x", "y", "z"], 3, conflicts={("a1", "x")}, seed=0)
    assert assignment.precheck(problem) == {"a1": 2}


def test_calibration_recovers_known_offsets():
    rng = np.random.default_rng(4)
    apps = [f"a{i}" for i in range(400)]
    revs = [f"r{j}" for j in range(12)]
    truth = dict(zip(revs, np.linspace(-0.8, 0.8, 12), strict=True))
    quality = {a: rng.uniform(1.5, 4.5) for a in apps}
    plan = assignment.assign(assignment.Problem(apps, revs, 3, seed=2))
    scores = [(a, x, quality[a] + truth[x] + rng.normal(0, 0.3)) for a, x in sorted(plan.pairs)]
    fit = calibration.fit(scores, shrinkage=1.0)
    for x in revs:
        assert fit.offset[x] == pytest.approx(truth[x], abs=0.1)
    errors = [abs(fit.quality[a] - quality[a]) for a in apps]
    raw_errors = [abs(fit.raw[a] - quality[a]) for a in apps]
    assert np.mean(errors) < 0.6 * np.mean(raw_errors)
    assert 0.2 < fit.sigma < 0.4
    assert all(0.1 < fit.stderr[a] < 0.4 for a in apps)


def test_krippendorff_reference_values():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the worked example."""
    n = np.nan
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
            [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
        ]
    )
    assert reliability.alpha(data, "nominal") == pytest.approx(0.743, abs=0.001)
    assert reliability.alpha(data, "ordinal") == pytest.approx(0.815, abs=0.001)
    assert reliability.alpha(data, "interval") == pytest.approx(0.849, abs=0.001)
    interval = reliability.alpha_interval(data, "ordinal", rounds=200, seed=1)
    assert interval.low < interval.value <= interval.high


def test_icc_reference_values():
    """Shrout and Fleiss (1979), Table 2: ICC(1,1) = .17, ICC(1,4) = .44."""
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    single, average = reliability.icc_oneway(ratings)
    assert single == pytest.approx(0.17, abs=0.005)
    assert average == pytest.approx(0.44, abs=0.005)


@given(st.floats(-1, 1.5, allow_nan=False))
def test_labels(value):
    expected = "reliable" if value >= 0.8 else "tentative" if value >= 0.667 else "unreliable"
    assert reliability.label(value) == expected
    assume(True)
