"""How far the reviewers agree: Krippendorff's alpha and the intraclass correlation.

alpha uses the ``krippendorff`` package (ordinal metric for the 1–5 scale); the interval is a
bootstrap over applications (percentile, seeded). The ICC is ICC(1,k) of Shrout and Fleiss
(1979): one-way random effects, the reliability of the mean of k reviews, which fits a design in
which each application has its own set of reviewers. With unequal numbers of reviews per
application, k is the ANOVA's effective group size k0.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import krippendorff
import numpy as np

RELIABLE = 0.80
TENTATIVE = 0.667


def label(value: float | None) -> str:
    """'reliable' (>= 0.80), 'tentative' (>= 0.667), 'unreliable', or 'unknown'."""
    if value is None or math.isnan(value):
        return "unknown"
    if value >= RELIABLE:
        return "reliable"
    if value >= TENTATIVE:
        return "tentative"
    return "unreliable"


def matrix(scores: list[tuple[str, str, float]]) -> np.ndarray:
    """Reviewers × applications, NaN where a reviewer did not review."""
    apps = sorted({a for a, _, _ in scores})
    reviewers = sorted({r for _, r, _ in scores})
    a_index = {a: i for i, a in enumerate(apps)}
    r_index = {r: j for j, r in enumerate(reviewers)}
    data = np.full((len(reviewers), len(apps)), np.nan)
    for a, r, s in scores:
        data[r_index[r], a_index[a]] = s
    return data


def alpha(data: np.ndarray, level: str = "ordinal") -> float | None:
    """Krippendorff's alpha; None when there is nothing to compare."""
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if pairable.sum() < 2:
        return None
    data = data[:, pairable]
    values = np.unique(data[~np.isnan(data)])
    if len(values) < 2:
        return None
    return float(
        krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=values)
    )


@dataclass
class Interval:
    value: float | None
    low: float | None
    high: float | None


def alpha_interval(
    data: np.ndarray, level: str = "ordinal", rounds: int = 200, seed: int = 0
) -> Interval:
    """alpha with a 95 % percentile bootstrap interval over applications."""
    value = alpha(data, level)
    if value is None:
        return Interval(None, None, None)
    rng = random.Random(seed)  # noqa: S311 (a reproducible bootstrap)
    columns = [i for i in range(data.shape[1]) if (~np.isnan(data[:, i])).sum() >= 2]
    samples = []
    for _ in range(rounds):
        pick = [rng.choice(columns) for _ in columns]
        result = alpha(data[:, pick], level)
        if result is not None:
            samples.append(result)
    if not samples:
        return Interval(value, None, None)
    samples.sort()
    low = samples[int(0.025 * (len(samples) - 1))]
    high = samples[math.ceil(0.975 * (len(samples) - 1))]
    return Interval(value, low, high)


def icc_oneway(groups: list[list[float]]) -> tuple[float | None, float | None]:
    """ICC(1,1) and ICC(1,k) from the scores of each application (a list per application)."""
    groups = [g for g in groups if len(g) >= 1]
    n = len(groups)
    total = sum(len(g) for g in groups)
    if n < 2 or total <= n:
        return None, None
    grand = sum(sum(g) for g in groups) / total
    ss_between = sum(len(g) * (sum(g) / len(g) - grand) ** 2 for g in groups)
    ss_within = sum(sum((v - sum(g) / len(g)) ** 2 for v in g) for g in groups)
    ms_between = ss_between / (n - 1)
    ms_within = ss_within / (total - n)
    k0 = (total - sum(len(g) ** 2 for g in groups) / total) / (n - 1)
    if ms_between == 0:
        return None, None
    single = (ms_between - ms_within) / (ms_between + (k0 - 1) * ms_within)
    average = (ms_between - ms_within) / ms_between
    return single, average


def disagreement(values: list[float]) -> float:
    """The spread of one application's reviews: highest minus lowest score."""
    return max(values) - min(values) if len(values) >= 2 else 0.0
