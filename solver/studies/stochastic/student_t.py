"""Student's t quantile for whole degrees of freedom, exactly: the confidence interval of an
evaluation's mean cost (run.mean_ci) without scipy.

For nu degrees of freedom and theta = arctan(t / sqrt(nu)), the probability A(t | nu) that
|T| < t is a finite trigonometric sum (Abramowitz and Stegun 1964, 26.7.3 and 26.7.4):

    nu = 1:     A = 2 theta / pi
    nu odd:     A = 2 / pi * (theta + sin(theta) * (cos(theta) + 2/3 cos^3(theta) + ...
                              + (2 * 4 ... (nu - 3)) / (1 * 3 ... (nu - 2)) cos^(nu - 2)(theta)))
    nu even:    A = sin(theta) * (1 + 1/2 cos^2(theta) + (1 * 3) / (2 * 4) cos^4(theta) + ...
                              + (1 * 3 ... (nu - 3)) / (2 * 4 ... (nu - 2)) cos^(nu - 2)(theta))

and P(T <= t) = (1 + A) / 2 for t >= 0. A rises with t, so the quantile is found by bisection,
to 1e-12.
"""

from __future__ import annotations

import math

import numpy as np


def abs_below(t: float, df: int) -> float:
    """A(t | df): the probability that |T| < t, t >= 0, for T with ``df`` degrees of freedom."""
    x = t / math.sqrt(df)
    theta = math.atan(x)
    if df == 1:
        return 2.0 * theta / math.pi
    odd = df % 2
    # term k = (product of the first k ratios, 2/3 4/5 ... or 1/2 3/4 ...) cos^2k(theta), summed
    # from logarithms: a rounded cos^2(theta) raised to the k-th power would carry k times its
    # rounding error (1e-11 at df 100,000)
    k = np.arange(1, (df - 1) // 2 if odd else df // 2)
    log_ratio = np.log1p(-1.0 / (2 * k + 1) if odd else -1.0 / (2 * k))
    log_c2 = -math.log1p(x * x)  # log cos^2(theta): cos^2 = 1 / (1 + x^2)
    total = 1.0 + float(np.sum(np.exp(np.cumsum(log_ratio) + k * log_c2)))
    if odd:
        return 2.0 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    return math.sin(theta) * total


def t_quantile(p: float, df: int, tol: float = 1e-12) -> float:
    """The t with P(T <= t) = p, for 0 < p < 1 and whole ``df`` >= 1, to ``tol``."""
    if not 0.0 < p < 1.0 or int(df) != df or df < 1:
        raise ValueError(f"t_quantile needs 0 < p < 1 and whole df >= 1, got p={p}, df={df}")
    df = int(df)
    if p < 0.5:
        return -t_quantile(1.0 - p, df, tol)
    target = 2.0 * p - 1.0
    lo, hi = 0.0, 1.0
    while abs_below(hi, df) < target and hi < 1e300:
        lo, hi = hi, 2.0 * hi
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if abs_below(mid, df) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
