"""The two-stage solve: the largest total in hundredths, exactly (scipy.optimize.milp, HiGHS),
then the seeded lottery among the cohorts of that total (``_lexicographic_best``)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import vstack

from kohorte.selection.engine.cohort.model import _model, points


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


def _objective(applicants, x) -> int:
    return sum(points(a.score) for a, v in zip(applicants, x, strict=True) if v)
