"""Risk measures of a cost distribution over scenarios: expected value, VaR and CVaR, and E + lambda * CVaR."""

from __future__ import annotations

import numpy as np


def var_cvar(costs: np.ndarray, p: np.ndarray, alpha: float) -> tuple[float, float]:
    """(VaR_alpha, CVaR_alpha) of a discrete distribution; inf if any scenario with p > 0 is inf."""
    costs = np.asarray(costs, float)
    live = p > 0
    if np.isinf(costs[live]).any() or np.isnan(costs[live]).any():
        return float("inf"), float("inf")
    order = np.argsort(costs[live], kind="stable")
    c, q = costs[live][order], p[live][order]
    cum = np.cumsum(q)
    k = int(np.searchsorted(cum, alpha - 1e-12, side="left"))
    k = min(k, len(c) - 1)
    eta = float(c[k]) if alpha > 0 else float(c[0])
    if alpha <= 0:
        return float(c[0]), float(q @ c)
    tail = float(q @ np.maximum(c - eta, 0.0))
    return eta, eta + tail / (1.0 - alpha)


def expected(costs: np.ndarray, p: np.ndarray) -> float:
    costs = np.asarray(costs, float)
    live = p > 0
    if np.isinf(costs[live]).any() or np.isnan(costs[live]).any():
        return float("inf")
    return float(p[live] @ costs[live])


def risk_objective(costs: np.ndarray, p: np.ndarray, weight: float, alpha: float) -> float:
    e = expected(costs, p)
    if weight == 0:
        return e
    return e + weight * var_cvar(costs, p, alpha)[1]
