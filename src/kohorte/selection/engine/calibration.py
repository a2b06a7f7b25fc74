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
    """``scores``: (application, reviewer, score) triples, one per review.

    Vectorised (numpy, no loop per application): 6,000 reviews fit in a few milliseconds.
    """
    if not scores:
        return Fit({}, {}, {}, {}, {}, 0.0)
    app_keys, rev_keys, values = zip(*scores, strict=True)
    apps_arr, ai = np.unique(np.asarray(app_keys), return_inverse=True)
    revs_arr, rj = np.unique(np.asarray(rev_keys), return_inverse=True)
    apps, reviewers = apps_arr.tolist(), revs_arr.tolist()
    s = np.asarray(values, dtype=float)
    n_apps, m = len(apps), len(reviewers)
    k = np.bincount(ai, minlength=n_apps).astype(float)  # reviews per application
    raw = np.bincount(ai, weights=s, minlength=n_apps) / k
    # the offsets' normal equations: sum over applications with k >= 2 of the centring matrix
    # (I - 1/k) on its reviewers; B counts reviewer j on application i
    multi = k[ai] >= 2
    counts = np.zeros((n_apps, m))
    np.add.at(counts, (ai, rj), 1.0)
    weight = np.where(k >= 2, 1.0 / k, 0.0)
    diag = np.bincount(rj[multi], minlength=m).astype(float)
    matrix = np.diag(diag) - (counts * weight[:, None]).T @ counts
    centred = s - raw[ai]  # (I - 1/k) s, per review
    rhs = np.bincount(rj[multi], weights=centred[multi], minlength=m)
    shared = np.bincount(rj[multi], minlength=m)
    system = matrix + shrinkage * np.eye(m)
    offsets = np.linalg.solve(system, rhs)
    mean_offset = (counts @ offsets) / k
    quality = raw - mean_offset
    residuals = s - quality[ai] - offsets[rj]
    dof = max(len(scores) - n_apps - max(m - 1, 0), 1)
    sigma = math.sqrt(float(residuals @ residuals) / dof)
    covariance = sigma**2 * np.linalg.inv(system)
    # variance of each application's mean offset: b_i^T C b_i / k_i^2
    offset_var = np.einsum("ij,jk,ik->i", counts, covariance, counts) / (k * k)
    stderr = np.sqrt(sigma**2 / k + offset_var)
    return Fit(
        quality=dict(zip(apps, quality.tolist(), strict=True)),
        raw=dict(zip(apps, raw.tolist(), strict=True)),
        stderr=dict(zip(apps, stderr.tolist(), strict=True)),
        offset=dict(zip(reviewers, offsets.tolist(), strict=True)),
        shared=dict(zip(reviewers, shared.tolist(), strict=True)),
        sigma=sigma,
    )
