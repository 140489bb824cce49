"""The mean-value scenario's second stage as part of the Benders master, where Jensen's inequality holds.

When scenarios differ only in right-hand sides and bounds (demand, capacity, lost-sales limits),
each affine in the scenario's values, and not in costs, the recourse f(x, b) = min{c y : A(x, y)
within b} is jointly convex in the bounds b, so at every x

    sum_s p_s f_s(x) >= f(x, sum_s p_s b_s) = f_mean(x)                         (Jensen)

The master then carries the mean-value scenario's columns and rows and the single row
sum_s p_s theta_s >= c x + q y_mean: from its first LP it knows roughly what each plan costs,
where multi-cut Benders otherwise learns it one cut at a time (the partial decomposition of
Crainic, Hewitt, Maggioni & Rei 2021, their "expected-value scenario" retained in the master).

Coefficients a scenario sets are allowed only in rows the problem names as redundant at every
integer x (the strong linking rows, strong.py); the first stage must then be integer, as the
inequality is used only at integer x (the LP relaxation of the master stays a relaxation of
its MILP). Anything else (a cost that differs between scenarios, a bound finite in one scenario
and infinite in another, a bound not at the scenarios' weighted mean) leaves the block out.
"""

from __future__ import annotations

import numpy as np

from solver.model.changes import Change, materialize
from solver.model.lp import LinearProgram
from solver.studies.stochastic.problem import TwoStageProblem

TOL = 1e-9


def _dense(base_lo, base_up, index, lo, up) -> tuple[np.ndarray, np.ndarray]:
    a, b = base_lo.copy(), base_up.copy()
    a[index], b[index] = lo, up
    return a, b


def _bounds(lp: LinearProgram, ch: Change) -> tuple[np.ndarray, ...]:
    cl, cu = _dense(lp.col_lower, lp.col_upper, ch.col_index, ch.col_lower, ch.col_upper)
    rl, ru = _dense(lp.row_lower, lp.row_upper, ch.row_index, ch.row_lower, ch.row_upper)
    return cl, cu, rl, ru


def mean_value_lp(problem: TwoStageProblem, weights: np.ndarray | None = None) -> LinearProgram | None:
    """The mean-value scenario's LP when Jensen's inequality holds for the problem's scenarios (above);
    None otherwise. ``weights`` (summing to 1): the mean of the scenarios they weigh, others left out."""
    if not len(problem.first) or not problem.integer_first:
        return None
    lp = problem.lp
    p = problem.probability if weights is None else weights
    mean = problem.mean_change(weights)
    target = _bounds(lp, mean)
    cost = lp.cost if mean.cost is None else np.asarray(mean.cost, float)
    free = problem.redundant_coef_rows()
    sums = [np.zeros_like(t) for t in target]
    finite = [np.isfinite(t) for t in target]
    for s in np.flatnonzero(p > 0):
        ch = problem.change(int(s))
        c = lp.cost if ch.cost is None else ch.cost
        if not np.allclose(c, cost, rtol=TOL, atol=TOL):
            return None
        if len(ch.coef_row) and not np.isin(ch.coef_row, free).all():
            return None
        for acc, fin, t, b in zip(sums, finite, target, _bounds(lp, ch), strict=True):
            if not np.array_equal(np.isfinite(b), fin) or not np.array_equal(b[~fin], t[~fin]):
                return None  # a bound infinite in one scenario and not in another (or of the other sign)
            acc[fin] += p[s] * b[fin]
    for acc, fin, t in zip(sums, finite, target, strict=True):
        if not np.allclose(acc[fin], t[fin], rtol=1e-7, atol=1e-7):
            return None
    return materialize(lp, mean)


def jensen_groups(options: int) -> int:
    """How many groups of scenarios get a mean-value block: one up to 39 first-stage options, options / 16
    (rounded) from 40. Measured on the generated facility-location cases (docs/benchmarks.md): the loose
    50-site case took over 600 s with 1 group, 162.6 s with 3, 247-309 s with 5 and longer with 8; the 25-site
    ones 41-50 s with 1 or 2 groups and up to 68 s with 5. The environment variable PLANTSPLIT_JENSEN_GROUPS
    sets it (0: no block)."""
    import os

    text = os.environ.get("PLANTSPLIT_JENSEN_GROUPS")
    if text is not None:
        if not text.strip().isdigit():
            from solver.errors import UsageError

            raise UsageError(f"PLANTSPLIT_JENSEN_GROUPS={text!r}: give a whole number of groups, 0 or more")
        return int(text)
    return 1 if options < 40 else round(options / 16)


def mean_value_blocks(problem: TwoStageProblem, groups: int = 1) -> list[tuple[np.ndarray, LinearProgram]]:
    """Jensen's inequality per group of alike scenarios (``problem.order``, groups of about equal
    probability): for each, its scenarios and the LP of their mean. The finer the groups, the closer the
    bound to the expected cost, and the larger the master. Empty where the inequality does not hold."""
    if groups <= 0:
        return []
    order = problem.order()
    if order is None or groups <= 1 or problem.n < 2 * groups:
        lp = mean_value_lp(problem)
        return [] if lp is None else [(np.arange(problem.n), lp)]
    p = problem.probability
    before = np.cumsum(p[order]) - p[order]
    label = np.minimum((before * groups / p.sum()).astype(int), groups - 1)
    out = []
    for g in range(groups):
        members = np.sort(order[label == g])
        if not len(members):
            continue
        w = np.zeros(problem.n)
        w[members] = p[members] / p[members].sum()
        lp = mean_value_lp(problem, w)
        if lp is None:
            return []
        out.append((members, lp))
    return out
