"""Reviewer calibration: some reviewers score high, some low; this takes that out.

Model: score(application i, reviewer j) = quality_i + offset_j + noise.

Fitted by least squares, with a light ridge penalty ``shrinkage * sum(offset_j^2)`` that pulls
the offsets of reviewers with few shared applications towards zero. Eliminating the qualities
(each is the mean of its reviews minus its reviewers' mean offset) leaves a small system in the
offsets alone, one row per reviewer, so 2,000 applications fit in milliseconds.

The uncertainty of a calibrated score is its standard error: the residual spread divided by the
square root of its number of reviews, widened by the uncertainty of its reviewers' offsets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Fit:
    quality: dict[str, float]  # application -> calibrated score
    raw: dict[str, float]  # application -> mean of its reviews
    stderr: dict[str, float]  # application -> standard error of the calibrated score
    offset: dict[str, float]  # reviewer -> offset (positive: scores above colleagues)
    shared: dict[str, int]  # reviewer -> reviews on applications others also reviewed
    sigma: float  # residual standard deviation


def fit(scores: list[tuple[str, str, float]], shrinkage: float = 1.0) -> Fit:
    """``scores``: (application, reviewer, score) triples, one per review."""
    apps = sorted({a for a, _, _ in scores})
    reviewers = sorted({r for _, r, _ in scores})
    r_index = {r: j for j, r in enumerate(reviewers)}
    by_app: dict[str, list[tuple[int, float]]] = {a: [] for a in apps}
    for a, r, s in scores:
        by_app[a].append((r_index[r], float(s)))
    m = len(reviewers)
    matrix = np.zeros((m, m))
    rhs = np.zeros(m)
    shared = np.zeros(m, dtype=int)
    for items in by_app.values():
        k = len(items)
        if k < 2:
            continue  # a single review says nothing about its reviewer's offset
        idx = np.array([j for j, _ in items])
        s = np.array([v for _, v in items])
        centre = np.eye(k) - 1.0 / k
        matrix[np.ix_(idx, idx)] += centre
        rhs[idx] += centre @ s
        shared[idx] += 1
    system = matrix + shrinkage * np.eye(m)
    offsets = np.linalg.solve(system, rhs) if m else np.zeros(0)
    quality, raw, residuals = {}, {}, []
    for a, items in by_app.items():
        values = [v for _, v in items]
        raw[a] = sum(values) / len(values)
        quality[a] = raw[a] - sum(offsets[j] for j, _ in items) / len(items)
        residuals.extend(v - quality[a] - offsets[j] for j, v in items)
    n_obs = len(scores)
    dof = max(n_obs - len(apps) - max(m - 1, 0), 1)
    sigma = math.sqrt(sum(e * e for e in residuals) / dof) if residuals else 0.0
    covariance = sigma**2 * np.linalg.inv(system) if m else np.zeros((0, 0))
    stderr = {}
    for a, items in by_app.items():
        k = len(items)
        idx = [j for j, _ in items]
        offset_var = float(covariance[np.ix_(idx, idx)].sum()) / (k * k)
        stderr[a] = math.sqrt(sigma**2 / k + offset_var)
    return Fit(
        quality=quality,
        raw=raw,
        stderr=stderr,
        offset={r: float(offsets[j]) for r, j in r_index.items()},
        shared={r: int(shared[j]) for r, j in r_index.items()},
        sigma=sigma,
    )
