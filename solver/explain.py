"""Why is a case infeasible? An elastic re-solve, in the words of the inputs.

Every demand row may be under- or over-supplied (slack cost 1 per unit) and every
capacity, minimum and lane limit may be exceeded (cost 2 per unit, so the model
prefers to report missing supply over broken limits). The slacks the re-solve needs
are the smallest set of changes that would make the case feasible; the limits that
bind in it (non-zero dual) are what stands in the way.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .model.lp import LinearProgram
from .solve import Status, load_highs

WEIGHTS = {"demand": 1.0, "capacity": 2.0, "min_production": 2.0, "lane": 2.0, "tariff_quota": 2.0}
TOL = 1e-6


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-6 else f"{v:,.3f}"


def explain_infeasible(lp: LinearProgram) -> list[str]:
    """Plain-language reasons, one per line; empty if the elastic model finds none."""
    import highspy

    h = load_highs(lp, relax=True)
    h.changeColsCost(lp.num_col, np.arange(lp.num_col, dtype=np.int32), np.zeros(lp.num_col))
    slacks = []  # (row, sign, family)
    for family, weight in WEIGHTS.items():
        rs = lp.family_rows(family)
        for i in range(rs.start, rs.stop):
            if family == "demand":
                slacks += [(i, +1.0, family, weight), (i, -1.0, family, weight)]
            elif lp.row_upper[i] < np.inf:
                slacks.append((i, -1.0, family, weight))
            else:
                slacks.append((i, +1.0, family, weight))
    n = len(slacks)
    if n == 0:
        return []
    cost = np.array([s[3] for s in slacks])
    starts = np.arange(n, dtype=np.int32)
    index = np.array([s[0] for s in slacks], dtype=np.int32)
    value = np.array([s[1] for s in slacks])
    h.addCols(n, cost, np.zeros(n), np.full(n, highspy.kHighsInf), n, starts, index, value)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return []
    sol = h.getSolution()
    s = np.asarray(sol.col_value)[lp.num_col:]
    duals = np.asarray(sol.row_dual)
    lines = []
    for (i, sign, family, _), amount in zip(slacks, s):
        if amount <= TOL:
            continue
        lines.append(_describe(lp, i, sign, family, amount))
    binding = []
    for family in ("capacity", "lane", "min_production", "tariff_quota"):
        rs = lp.family_rows(family)
        for i in range(rs.start, rs.stop):
            if abs(duals[i]) > TOL:
                limit = lp.row_upper[i] if lp.row_upper[i] < np.inf else lp.row_lower[i]
                binding.append(f"{lp.row_names[i]} = {_fmt(limit)}")
    if binding:
        lines.append("limits that stand in the way: " + "; ".join(binding))
    return lines


def _describe(lp, i, sign, family, amount) -> str:
    name = lp.row_names[i]
    meta = lp.row_meta.get(family)
    local = i - lp.family_rows(family).start
    r = meta.iloc[local] if meta is not None else None
    if family == "demand":
        units = float(r["units"])
        where = f"{r['market']}/{r['product']} in {r['period']}"
        if sign > 0:
            return (f"demand of {where} is {_fmt(units)} but at most {_fmt(units - amount)} can reach it "
                    f"(demand.csv row {r['row']})")
        return (f"demand of {where} is {_fmt(units)} but minimum production forces "
                f"{_fmt(units + amount)} there (demand.csv row {r['row']})")
    if family == "min_production":
        return (f"{name}: min_units {_fmt(lp.row_lower[i])} cannot be reached; "
                f"{_fmt(amount)} units short (capacity.csv row {r['rows']})")
    limit = lp.row_upper[i]
    return f"{name}: limit {_fmt(limit)} would have to rise by {_fmt(amount)}"


def infeasible_status_message(status: Status) -> str:
    return {
        Status.INFEASIBLE: "no plan satisfies the case",
        Status.UNBOUNDED: "the cost can fall without limit (a negative cost with no capacity limit?)",
        Status.NO_SOLUTION: "the time limit was reached before any plan was found; raise --time-limit",
        Status.ERROR: "the solver failed",
    }.get(status, status.value)


def copy_lp(lp: LinearProgram) -> LinearProgram:
    return replace(lp)
