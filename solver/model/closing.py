"""Fixed costs while open, and closing a plant or a hub (``fixed_cost``, ``close_from``, ``closing_cost`` in
plants.csv and nodes.csv; below, p is a plant or a hub, and a hub's flows are the units of every route
through it).

A site that may close is one option per period s it may close from (``close:p@s``, s from close_from to
the last period), at most one of them, as the starts of a build window are (groups.py):

    c[p,s] in {0, 1},   sum_s c[p,s] <= 1
    closed[p,t]:        sum_{m,k,j} x[p,m,k,t,j] + U_t * sum_{s<=t} c[p,s] <= U_t
    min_production[p,(k),t] gains + min_units * sum_{s<=t} c[p,s]   (a closed plant owes no minimum)

with U_t all the demand of period t (no plant ships more). Costs, in the reporting currency at each
period's rate and times its discount factor d(t):

    open[p] = 1 (a column fixed at 1):  sum_t fixed[p,t] d(t), the fixed cost of every period
    c[p,s]:  closing_cost[p,s] d(s) - sum_{t>=s} fixed[p,t] d(t)   (closing's cost less the fixed cost it saves)

so a plant closes from s exactly when what it saves from s on outweighs its closing cost and what
its units would have saved elsewhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.sites import column as _column, sites
from solver.model.lp import INF, Cols, Rows, names
from solver.model.money import to_reporting

KIND = "close"  # expansions' ``kind`` of a closing option (a build option's is "build")


def per_period(case, column: str) -> pd.DataFrame:
    """(plant, period, amount in the reporting currency) of a plants.csv or nodes.csv money column, every
    period (``plant`` names the plant or the hub)."""
    plants = sites(case)
    value = pd.to_numeric(_column(plants, column), errors="coerce").fillna(0.0)
    has = plants[value.to_numpy() > 0]
    if not len(has):
        return pd.DataFrame({"plant": [], "period": [], "amount": []})
    grid = (
        has[["plant", "currency"]]
        .assign(local=value[value > 0].to_numpy())
        .merge(pd.DataFrame({"period": list(case.periods)}), how="cross")
    )
    grid["amount"] = to_reporting(case, grid["local"].to_numpy(float), grid["currency"], grid["period"])
    return grid[["plant", "period", "amount"]]


def closing_options(case) -> pd.DataFrame:
    """One row per (closable plant, period it may close from), as expansions rows (``kind`` close):
    ``fixed_cost_reporting`` the present value of closing then (the column's cost), ``pv_factor`` 1."""
    plants = sites(case)
    close_from = _column(plants, "close_from").fillna("").astype(str)
    closable = plants[close_from.to_numpy() != ""]
    if not len(closable):
        return pd.DataFrame()
    d, order = case.discount_factors(), case.period_order()
    fixed = per_period(case, "fixed_cost").set_index(["plant", "period"])["amount"].to_dict()
    closing = per_period(case, "closing_cost").set_index(["plant", "period"])["amount"].to_dict()
    rows = []
    for p, first in zip(closable["plant"], close_from[close_from != ""], strict=True):
        for s in case.periods[order[first] :]:
            saved = sum(fixed.get((p, t), 0.0) * d[t] for t in case.periods[order[s] :])
            pv = closing.get((p, s), 0.0) * d[s] - saved
            rows.append(
                dict(option=f"close:{p}@{s}", plant=p, product="", added_units=0.0, fixed_cost=pv,
                     first_period=s, currency=case.currency, lifetime_periods=np.nan, window_of=f"close:{p}",
                     kind=KIND, fixed_cost_reporting=pv, charge_per_period=pv, charges=0, pv_factor=1.0)
            )  # fmt: skip
    return pd.DataFrame(rows)


def define_open_columns(case) -> Cols | None:
    """open[p] fixed at 1, costing every period's fixed cost of p (closing takes back what it saves)."""
    fixed = per_period(case, "fixed_cost")
    if not len(fixed):
        return None
    d = case.discount_factors()
    pv = (fixed["amount"] * fixed["period"].map(d)).groupby(fixed["plant"], sort=False).sum()
    return Cols(family="open", names=names("open", pd.Series(pv.index)), cost=pv.to_numpy(float),
                lower=np.ones(len(pv)), upper=np.ones(len(pv)))  # fmt: skip


def _site_flows(arcs: pd.DataFrame, legs: pd.DataFrame | None, hubs: set):
    """flows(site, period) -> the arcs a site's closed row sums: a plant's flows, or every route through a hub."""
    plant_of = arcs["plant"].astype(object).to_numpy(object)
    period_of = arcs["period"].astype(object).to_numpy(object)
    through = legs[legs["kind"] == "hub"] if legs is not None else None

    def flows(site: str, t: str) -> np.ndarray:
        if site in hubs and through is not None:
            on = through[(through["hub"] == site).to_numpy() & (through["period"] == t).to_numpy()]
            return on["arc"].to_numpy(np.int64)
        return np.flatnonzero((plant_of == site) & (period_of == t))

    return flows


def define_closed_constraints(
    case, expansions: pd.DataFrame, arcs: pd.DataFrame, flow_idx, build_idx, legs: pd.DataFrame | None = None
) -> Rows | None:
    """closed[p,t] for every closable plant or hub p and period t from its close_from on."""
    if "kind" not in expansions or not (expansions["kind"] == KIND).any():
        return None
    order = case.period_order()
    total = case.demand.groupby("period")["units"].sum().to_dict()
    close = expansions[expansions["kind"] == KIND].reset_index(names="pos")
    keys = close[["plant", "first_period"]].drop_duplicates("plant")
    rows_meta: list[dict] = []
    r: list[int] = []
    c: list[int] = []
    v: list[float] = []
    flows_of = _site_flows(arcs, legs, set(case.nodes["hub"]))
    for p, first in keys.itertuples(index=False):
        for t in case.periods[order[first] :]:
            u = float(total.get(t, 0.0))
            i = len(rows_meta)
            rows_meta.append(dict(plant=p, period=t, max_units=u))
            flows = flows_of(p, t)
            starts = close[(close["plant"] == p) & (close["first_period"].map(order) <= order[t])]["pos"]
            r += [i] * (len(flows) + len(starts))
            c += list(flow_idx[flows]) + list(build_idx[starts.to_numpy(np.int64)])
            v += [1.0] * len(flows) + [u] * len(starts)
    meta = pd.DataFrame(rows_meta)
    return Rows(family="closed", names=names("closed", meta["plant"], meta["period"]),
                lower=np.full(len(meta), -INF), upper=meta["max_units"].to_numpy(float),
                row=np.array(r, np.int64), col=np.array(c, np.int64), coef=np.array(v), meta=meta)  # fmt: skip


def minimum_terms(keys: pd.DataFrame, expansions: pd.DataFrame, period_order: dict) -> pd.DataFrame:
    """(min_production row, option, min_units): a closed plant's minimums fall away."""
    if "kind" not in expansions or not (expansions["kind"] == KIND).any() or not len(keys):
        return pd.DataFrame({"index": [], "option": [], "min_units": []})
    close = expansions[expansions["kind"] == KIND].reset_index(names="pos")[["pos", "plant", "first_period"]]
    m = keys[["plant", "period", "min_units"]].reset_index().merge(close, on="plant")
    if not len(m):  # no closable plant has a minimum
        return pd.DataFrame({"index": [], "option": [], "min_units": []})
    m = m[m["period"].map(period_order).to_numpy(float) >= m["first_period"].map(period_order).to_numpy(float)]
    return m[["index", "pos", "min_units"]].rename(columns={"pos": "option"})
