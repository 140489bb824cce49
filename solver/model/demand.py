"""Demand balance, one row per demand.csv row:

    demand[m,k,t]:  sum_{p,j} x[p,m,k,t,j] + u[m,k,t] = units[m,k,t]

``u`` (unmet units, 0 <= u <= units, cost d(t) * ``unmet_penalty``) exists only where demand.csv
gives an ``unmet_penalty``; elsewhere demand must be met exactly. The dual of the row
is the marginal cost of one more unit of demand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import Cols, Rows, names


def define_unmet_variables(demand: pd.DataFrame, discount: dict[str, float]) -> tuple[Cols, pd.DataFrame]:
    soft = demand[demand["unmet_penalty"].notna()].reset_index(drop=True)
    d = soft["period"].map(discount).to_numpy(dtype=float)
    cols = Cols(
        family="unmet",
        names=names("unmet", soft["market"], soft["product"], soft["period"]),
        cost=soft["unmet_penalty"].to_numpy(dtype=float) * d,
        lower=np.zeros(len(soft)),
        upper=soft["units"].to_numpy(dtype=float),
    )
    return cols, soft


def define_demand_constraints(demand, arcs, flow_idx, soft, unmet_idx) -> Rows:
    key = ["market", "product", "period"]
    rows = demand[key + ["units", "row"]].reset_index(drop=True)
    rid = rows.reset_index()[key + ["index"]]
    if "demand_row" in arcs:  # coefficients.py knows each arc's demand.csv row
        f = arcs["demand_row"].to_numpy(np.int64)
    else:
        f = arcs[key].merge(rid, on=key, how="left")["index"].to_numpy()
    u = soft[key].merge(rid, on=key, how="left")["index"].to_numpy()
    units = rows["units"].to_numpy(dtype=float)
    return Rows(
        family="demand",
        names=names("demand", rows["market"], rows["product"], rows["period"]),
        lower=units,
        upper=units.copy(),
        row=np.concatenate([f, u]).astype(np.int64),
        col=np.concatenate([flow_idx, unmet_idx]).astype(np.int64),
        coef=np.ones(len(f) + len(u)),
        meta=rows,
    )
