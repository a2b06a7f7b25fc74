"""How sure the calibration is of each reviewer's offset (engine/calibration.py's model).

The offsets solve ``(M + shrinkage * I) o = r``; their covariance is
``sigma^2 * (M + shrinkage * I)^-1``, so a reviewer's standard error is sigma times the square
root of the diagonal entry. Few shared applications give a wide interval; the ridge keeps it
finite. Pure numpy, like calibration.py; kept apart so that the fit itself stays as lean as
the cold ranking needs.
"""

from __future__ import annotations

import numpy as np


def offset_stderr(
    scores: list[tuple[str, str, float]] | list[tuple[int, int, float]],
    shrinkage: float,
    sigma: float,
) -> dict:
    """Reviewer -> standard error of their offset, for the (application, reviewer, score)
    triples that ``calibration.fit`` was given."""
    if not scores:
        return {}
    app_keys, rev_keys, _values = zip(*scores, strict=True)
    _apps, ai = np.unique(np.asarray(app_keys), return_inverse=True)
    revs_arr, rj = np.unique(np.asarray(rev_keys), return_inverse=True)
    n_apps, m = int(ai.max()) + 1, len(revs_arr)
    k = np.bincount(ai, minlength=n_apps).astype(float)
    multi = k[ai] >= 2
    counts = np.zeros((n_apps, m))
    np.add.at(counts, (ai, rj), 1.0)
    weight = np.where(k >= 2, 1.0 / k, 0.0)
    diag = np.bincount(rj[multi], minlength=m).astype(float)
    matrix = np.diag(diag) - (counts * weight[:, None]).T @ counts
    system = matrix + max(shrinkage, 1e-9) * np.eye(m)
    variance = np.diag(np.linalg.inv(system)) * sigma**2
    return dict(zip(revs_arr.tolist(), np.sqrt(np.maximum(variance, 0.0)).tolist(), strict=True))
