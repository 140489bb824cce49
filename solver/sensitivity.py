"""Excel Solver's Sensitivity Report, from HiGHS ranging.

Flows: final value, reduced cost, objective coefficient, allowable increase and decrease
of the coefficient (the basis stays optimal within them). Constraints: final value,
shadow price (Excel's sign: d(total cost)/d(right-hand side)), right-hand side, allowable
increase and decrease of the right-hand side. Infinite ranges are written as 1E+30, as
Excel does. For a MILP this is the ranging of the LP with the build decisions fixed.

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

from .model.lp import LinearProgram
from .solve import Solution, load_highs

EXCEL_INF = 1e30


def _clip(v: np.ndarray) -> np.ndarray:
    v = np.where(np.isnan(v), EXCEL_INF, v)
    return np.minimum(np.maximum(v, 0.0), EXCEL_INF)


def ranging(lp: LinearProgram, sol: Solution) -> tuple[pd.DataFrame, pd.DataFrame]:
    import highspy

    h = sol.highs
    if h is None:  # another solver: rank the same LP (builds fixed) with HiGHS
        h = load_highs(lp, relax=True)
        if lp.is_mip:
            ints = np.flatnonzero(lp.integer).astype(np.int32)
            fixed = np.round(sol.x[ints])
            h.changeColsBounds(len(ints), ints, fixed, fixed)
        h.run()
    status, r = h.getRanging()
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError("HiGHS could not range this model")
    n, m = lp.num_col, lp.num_row
    sol_h = h.getSolution()
    x = np.asarray(sol_h.col_value)[:n]
    cost = lp.cost
    up = np.asarray(r.col_cost_up.value_)[:n]
    dn = np.asarray(r.col_cost_dn.value_)[:n]
    dc = lp.col_discount if lp.col_discount is not None else np.ones(n)
    dr = lp.row_discount if lp.row_discount is not None else np.ones(m)
    flows = pd.DataFrame({
        "variable": lp.col_names,
        "final_value": x,
        "reduced_cost": np.asarray(sol_h.col_dual)[:n] / dc,
        "objective_coefficient": cost / dc,
        "allowable_increase": _clip((up - cost) / dc),
        "allowable_decrease": _clip((cost - dn) / dc),
    })
    basis = h.getBasis()
    basic = np.array([s == highspy.HighsBasisStatus.kBasic for s in basis.row_status])[:m]
    act = np.asarray(sol_h.row_value)[:m]
    lo, hi = lp.row_lower, lp.row_upper
    is_le = np.isinf(lo)
    rhs = np.where(is_le, hi, lo)
    b_up = np.asarray(r.row_bound_up.value_)[:m]
    b_dn = np.asarray(r.row_bound_dn.value_)[:m]
    inc = np.where(basic, np.where(is_le, np.inf, act - rhs), b_up - rhs)
    dec = np.where(basic, np.where(is_le, rhs - act, np.inf), rhs - b_dn)
    constraints = pd.DataFrame({
        "constraint": lp.row_names,
        "final_value": act,
        "shadow_price": np.asarray(sol_h.row_dual)[:m] / dr,
        "rhs": rhs,
        "allowable_increase": _clip(inc),
        "allowable_decrease": _clip(dec),
    })
    return flows, constraints
