"""Excel Solver's Sensitivity Report, from HiGHS ranging.

Flows: final value, reduced cost, objective coefficient, allowable increase and decrease
of the coefficient (the basis stays optimal within them). Constraints: final value,
shadow price (Excel's sign: d(total cost)/d(right-hand side)), right-hand side, allowable
increase and decrease of the right-hand side. Infinite ranges are written as 1E+30, as
Excel does. For a MILP this is the ranging of the LP with the build decisions fixed: a built
option's capacity is part of its rows' right-hand side (final value = units made, rhs = the
max_units plus what was built, as utilization.csv shows them).

HiGHS's row "bound" ranging describes a binding row's right-hand side; for a row that is
not binding (basic), the range is the slack: a <= row can rise without limit and fall by
its slack, a >= row the other way round.

Money is in the money of each variable's or constraint's own period, like utilization.csv
and supply.csv: the LP's present-value coefficients, reduced costs, ranges and duals are
divided by the period's discount factor d(t) (identical when the discount rate is 0;
build variables are already present values).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import LinearProgram
from solver.solve.highs import free_in, free_rows, load_highs
from solver.solve.status import Solution, activity

EXCEL_INF = 1e30


def _own_period(money: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Money of the first period's value back in its own period's: / d(t), rounded to 9 decimals
    so that a cost multiplied by d(t) and divided again reads as the cost itself (184.62475 x
    d / d is 184.6247499..., which the 4 decimals of the report would show as 184.6247)."""
    with np.errstate(invalid="ignore"):
        out = money / d
    return np.where(np.isfinite(out), np.round(out, 9), out)


def _clip(v: np.ndarray) -> np.ndarray:
    v = np.where(np.isnan(v), EXCEL_INF, v)
    return np.minimum(np.maximum(v, 0.0), EXCEL_INF)


def _ranged(h, n: int, m: int) -> dict:
    """Ranging, solution and row basis of one live HiGHS model, as arrays."""
    import highspy

    status, r = h.getRanging()
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError("HiGHS could not range this model")
    sol = h.getSolution()
    basis = h.getBasis()
    return {
        "x": np.asarray(sol.col_value)[:n],
        "reduced_cost": np.asarray(sol.col_dual)[:n],
        "cost_up": np.asarray(r.col_cost_up.value_)[:n],
        "cost_dn": np.asarray(r.col_cost_dn.value_)[:n],
        "act": np.asarray(sol.row_value)[:m],
        "dual": np.asarray(sol.row_dual)[:m],
        "bound_up": np.asarray(r.row_bound_up.value_)[:m],
        "bound_dn": np.asarray(r.row_bound_dn.value_)[:m],
        "basic": np.array([s == highspy.HighsBasisStatus.kBasic for s in basis.row_status], bool)[:m],
    }


def _stitched(lp: LinearProgram, sol: Solution, blocks: list) -> dict:
    """The same arrays for a decomposed solve: each block's, in global positions (its row
    bounds shifted back by the fixed columns' contribution); a fixed column keeps its
    basis for any cost."""
    n, m = lp.num_col, lp.num_row
    out = {
        "x": sol.x,
        "reduced_cost": sol.col_dual,
        "act": sol.row_activity,
        "dual": sol.row_dual,
        "cost_up": np.full(n, np.inf),
        "cost_dn": np.full(n, -np.inf),
        "bound_up": np.zeros(m),
        "bound_dn": np.zeros(m),
        "basic": np.zeros(m, bool),
    }
    for b in blocks:
        r = _ranged(b.highs, len(b.cols), len(b.rows))
        out["cost_up"][b.cols], out["cost_dn"][b.cols] = r["cost_up"], r["cost_dn"]
        out["bound_up"][b.rows], out["bound_dn"][b.rows] = r["bound_up"] + b.shift, r["bound_dn"] + b.shift
        out["basic"][b.rows] = r["basic"]
    return out


def ranging(lp: LinearProgram, sol: Solution) -> tuple[pd.DataFrame, pd.DataFrame]:
    if sol.blocks and all(b.highs is not None for b in sol.blocks):
        r = _stitched(lp, sol, sol.blocks)
    else:
        h = sol.highs
        if h is None:  # another solver, or a solve without ranging: rank the same LP (builds fixed) with HiGHS
            h = load_highs(lp, relax=True)
            if lp.is_mip:
                ints = np.flatnonzero(lp.integer).astype(np.int32)
                fixed = np.round(sol.x[ints])
                h.changeColsBounds(len(ints), ints, fixed, fixed)
                free_in(h, lp)
            h.run()
        r = _ranged(h, lp.num_col, lp.num_row)
    cost = lp.cost
    n, m = lp.num_col, lp.num_row
    dc = lp.col_discount if lp.col_discount is not None else np.ones(n)
    dr = lp.row_discount if lp.row_discount is not None else np.ones(m)
    flows = pd.DataFrame(
        {
            "variable": np.asarray(lp.col_names),
            "final_value": r["x"],
            "reduced_cost": _own_period(r["reduced_cost"], dc),
            "objective_coefficient": _own_period(cost, dc),
            "allowable_increase": _clip(_own_period(r["cost_up"] - cost, dc)),
            "allowable_decrease": _clip(_own_period(cost - r["cost_dn"], dc)),
        }
    )
    basic, act = r["basic"], r["act"]
    lo, hi = lp.row_lower, lp.row_upper
    is_le = np.isinf(lo)
    rhs = np.where(is_le, hi, lo)
    inc = np.where(basic, np.where(is_le, np.inf, act - rhs), r["bound_up"] - rhs)
    dec = np.where(basic, np.where(is_le, rhs - act, np.inf), rhs - r["bound_dn"])
    if lp.is_mip:  # builds fixed: their part of a row joins its right-hand side, as utilization.csv shows it
        shift = activity(lp, np.where(lp.integer, np.round(sol.x), 0.0))
        act, rhs = act - shift, rhs - shift
    constraints = pd.DataFrame(
        {
            "constraint": np.asarray(lp.row_names),
            "final_value": act,
            "shadow_price": _own_period(r["dual"], dr),
            "rhs": rhs,
            "allowable_increase": _clip(inc),
            "allowable_decrease": _clip(dec),
        }
    )
    return flows, constraints


PARTS = ("plant", "market", "product", "period")


def _parts_frame(n: int, pieces: list[tuple[slice, pd.DataFrame]]) -> pd.DataFrame:
    out = {p: np.full(n, "", dtype=object) for p in PARTS}
    for where, meta in pieces:
        for p in PARTS:
            if p in meta.columns and where.stop > where.start:
                out[p][where] = meta[p].fillna("").astype(str).to_numpy()
    return pd.DataFrame(out)


def with_parts(flows: pd.DataFrame, constraints: pd.DataFrame, lp: LinearProgram, co, case):
    """The report with ``plant, market, product, period`` beside each name (blank where a
    name has no such part), so a spreadsheet can filter it. Taken from the model's own
    tables, not parsed back from the names (a name leaves blank parts out)."""
    soft = case.demand[case.demand["unmet_penalty"].notna()].reset_index(drop=True)
    exp = co.expansions.rename(columns={"first_period": "period"}) if len(co.expansions) else pd.DataFrame()
    cols = [
        (lp.family_cols(f), m) for f, m in (("flow", co.arcs), ("unmet", soft), ("build", exp)) if f in lp.col_family
    ]
    rows = [(lp.family_rows(f), m) for f, m in lp.row_meta.items()]
    cp, rp = _parts_frame(lp.num_col, cols), _parts_frame(lp.num_row, rows)
    constraints = pd.concat([constraints.iloc[:, :1], rp, constraints.iloc[:, 1:]], axis=1)
    flows = pd.concat([flows.iloc[:, :1], cp, flows.iloc[:, 1:]], axis=1)
    # demand rows and unmet columns come in demand.csv's order: list them as supply.csv does
    constraints = _natural_within(constraints, lp.family_rows("demand"), case)
    flows = _natural_within(flows, lp.family_cols("unmet"), case)
    # the linking rows only tighten the MILP: free in the LP of the duals, nothing to report
    constraints = constraints.drop(index=pd.Index(free_rows(lp))).reset_index(drop=True)
    return flows.reset_index(drop=True), constraints


def _natural_within(df: pd.DataFrame, block: slice, case) -> pd.DataFrame:
    """``df`` with the rows of ``block`` sorted by market, product, period (names in natural
    order, periods in the case's), stable; the other rows stay where they are; index kept."""
    from solver.results.tables import _sort_periods

    order = np.arange(len(df))
    part = df.iloc[block][["market", "product", "period"]].assign(_at=order[block])
    order[block] = _sort_periods(part, case, ["market", "product", "period"])["_at"].to_numpy()
    return df.iloc[order]
