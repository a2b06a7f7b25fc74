"""The committee's numbers for one cohort, read in a fixed number of queries.

``committee_numbers(cohort)`` loads every submitted review once (one query), fits the
calibration (engine.calibration) and returns, per application: the raw mean, the calibrated
score with its uncertainty, the spread of its reviews, and per reviewer: the offset. The
result is cached until a review is submitted or changed.

The cache is two-level, because the ranking asks for the numbers on every request: each
process keeps the last ``Numbers`` per cohort as a Python object (no pickling: unpickling 2,000
applications' numbers cost more than the rest of a warm ranking's lookups), and Django's cache
holds a small token under the version key. The object is used only while the cache still holds
the same token for the current version, so a change to the reviews (a new version) or a cleared
cache (``cache.clear()``) makes the next request recompute.
"""

import hashlib
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, FloatField, Max, QuerySet
from django.db.models.functions import Cast

from kohorte.selection.engine import calibration, reliability
from kohorte.selection.models import Review, Score, SelectionSettings


@dataclass
class Numbers:
    raw: dict[int, float] = field(default_factory=dict)
    calibrated: dict[int, float] = field(default_factory=dict)
    stderr: dict[int, float] = field(default_factory=dict)
    spread: dict[int, float] = field(default_factory=dict)
    reviews: dict[int, int] = field(default_factory=dict)
    offset: dict[int, float] = field(default_factory=dict)  # reviewer id -> offset
    shared: dict[int, int] = field(default_factory=dict)
    sigma: float = 0.0
    triples: list[tuple[int, int, float]] = field(default_factory=list)


def _version(cohort, settings_: SelectionSettings | None = None) -> str:
    stamp = Review.objects.filter(
        assignment__application__cohort=cohort, submitted_at__isnull=False
    ).aggregate(n=Count("id"), last=Max("updated_at"))
    settings_ = settings_ or SelectionSettings.for_cohort(cohort)
    raw = f"{stamp['n']}:{stamp['last']}:{settings_.shrinkage}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


# cohort id -> (version key, token, numbers): the last numbers this process computed or used
_numbers: dict[int, tuple[str, str, Numbers]] = {}
_numbers_lock = threading.Lock()


def committee_numbers(cohort, settings_: SelectionSettings | None = None) -> Numbers:
    """The cohort's numbers for the current reviews (see the module's docstring for the cache).
    ``settings_``: the cohort's settings if the caller has read them already.

    The returned object is shared by the requests of this process: read it, never change it
    (while the reviews stay the same, the same object is returned).
    """
    settings_ = settings_ or SelectionSettings.for_cohort(cohort)
    key = f"selection:numbers:{cohort.pk}:{_version(cohort, settings_)}"
    token = cache.get(key)
    known = _numbers.get(cohort.pk)
    if token is not None and known is not None and known[:2] == (key, token):
        return known[2]
    numbers = _compute(cohort, settings_)
    if token is None:
        token = uuid.uuid4().hex
        # add, not set: where several processes share the cache, the first token stays
        if not cache.add(key, token, 3600):
            token = cache.get(key) or token
    with _numbers_lock:
        _numbers[cohort.pk] = (key, token, numbers)
    return numbers


def fetch_rows(queryset: QuerySet) -> list[tuple]:
    """A ``values_list`` queryset's rows as the database driver returns them, without Django's
    per-value converters (for 6,000 reviews they cost as much as the query)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _compute(cohort, settings_: SelectionSettings | None = None) -> Numbers:
    """One query for the reviews, then numpy: the fit, spreads and counts without a loop per
    application (the cold ranking recomputes this after every submitted review)."""
    # the total as a float in SQL: Django's Decimal converter cost more than the whole fit
    # (ids and a float: nothing for a converter to do)
    triples = fetch_rows(
        Review.objects.filter(assignment__application__cohort=cohort, submitted_at__isnull=False)
        .annotate(total_float=Cast("total", FloatField()))
        .values_list("assignment__application_id", "assignment__reviewer_id", "total_float")
    )
    if not triples:
        return Numbers()
    apps_col, revs_col, totals = zip(*triples, strict=True)
    values = np.asarray(totals, dtype=float)
    triples = list(zip(apps_col, revs_col, values.tolist(), strict=True))
    numbers = Numbers(triples=triples)
    shrinkage = float((settings_ or SelectionSettings.for_cohort(cohort)).shrinkage)
    fit = calibration.fit(triples, shrinkage=shrinkage)
    keys, index, counts = np.unique(np.asarray(apps_col), return_inverse=True, return_counts=True)
    high = np.full(len(keys), -np.inf)
    low = np.full(len(keys), np.inf)
    np.maximum.at(high, index, values)
    np.minimum.at(low, index, values)
    spread = np.where(counts >= 2, high - low, 0.0)  # reliability.disagreement, vectorised
    keys = keys.tolist()
    numbers.raw = fit.raw
    numbers.calibrated = fit.quality
    numbers.stderr = fit.stderr
    numbers.offset = fit.offset
    numbers.shared = fit.shared
    numbers.sigma = fit.sigma
    numbers.spread = dict(zip(keys, spread.tolist(), strict=True))
    numbers.reviews = dict(zip(keys, counts.tolist(), strict=True))
    return numbers


@dataclass
class Reliability:
    overall: reliability.Interval
    criteria: list[tuple[object, reliability.Interval]]
    icc_single: float | None
    icc_average: float | None
    reviews: int


def committee_reliability(cohort, rounds: int = 200) -> Reliability:
    key = f"selection:reliability:{cohort.pk}:{_version(cohort)}:{rounds}"
    found = cache.get(key)
    if found is None:
        found = _reliability(cohort, rounds)
        cache.set(key, found, 3600)
    return found


def _reliability(cohort, rounds) -> Reliability:
    numbers = committee_numbers(cohort)
    overall = reliability.alpha_interval(
        reliability.matrix(numbers.triples), "ordinal", rounds=rounds, seed=cohort.pk
    )
    per_criterion = defaultdict(list)
    for a, r, c, v in Score.objects.filter(
        review__assignment__application__cohort=cohort,
        review__submitted_at__isnull=False,
        value__isnull=False,
    ).values_list(
        "review__assignment__application_id",
        "review__assignment__reviewer_id",
        "criterion",
        "value",
    ):
        per_criterion[c].append((a, r, float(v)))
    criteria = []
    for criterion in cohort.criteria.all():
        criteria.append(
            (
                criterion,
                reliability.alpha_interval(
                    reliability.matrix(per_criterion.get(criterion.pk, [])),
                    "ordinal",
                    rounds=rounds,
                    seed=cohort.pk,
                )
                if per_criterion.get(criterion.pk)
                else reliability.Interval(None, None, None),
            )
        )
    groups = defaultdict(list)
    for a, _r, t in numbers.triples:
        groups[a].append(t)
    single, average = reliability.icc_oneway(list(groups.values()))
    return Reliability(overall, criteria, single, average, len(numbers.triples))
