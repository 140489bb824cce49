"""Sourcing shares, one row per shares.csv row and period it covers (S = the source: one
plant, or every plant of a country; K = the row's product, or every product of the market):

    share_min[m,(k),t,S]:  sum_{p in S, k in K, j} x[p,m,k,t,j] - min_share * sum_{p, k in K, j} x[p,m,k,t,j] >= 0
    share_max[m,(k),t,S]:  sum_{p in S, k in K, j} x[p,m,k,t,j] - max_share * sum_{p, k in K, j} x[p,m,k,t,j] <= 0

i.e. each flow into the scope gets coefficient (1 - share) if it comes from the source,
-share otherwise. "All units supplied" counts flows, not unmet demand. The dual of a row
is d(total cost)/d(units the rule asks of the source): what one more unit forced from (or
allowed to) the source costs, in present value (results.py divides by d(t)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.codes import align
from solver.model.lp import INF, Rows, names


def _members(keys: pd.DataFrame, arcs: pd.DataFrame) -> pd.DataFrame:
    """(key index, arc, from_source) for each flow in each key's market, product scope and period."""
    k = keys[["market", "product", "period", "plant", "country"]].reset_index()
    a = arcs[["market", "product", "period", "plant", "country"]].reset_index(names="arc")
    whole = align(k[k["product"] == ""].drop(columns="product"), arcs, ["market", "period"]).merge(
        a, on=["market", "period"], suffixes=("", "_arc")
    )
    single = align(k[k["product"] != ""], arcs, ["market", "product", "period"]).merge(
        a, on=["market", "product", "period"], suffixes=("", "_arc")
    )
    m = pd.concat([whole, single], ignore_index=True)
    plant, country = m["plant"].astype(object).to_numpy(), m["country"].astype(object).to_numpy()
    m["from_source"] = np.where(
        plant != "",
        plant == m["plant_arc"].astype(object).to_numpy(),
        country == m["country_arc"].astype(object).to_numpy(),
    )
    return m


def _rows(family: str, keys: pd.DataFrame, share: str, arcs, flow_idx, lower, upper) -> Rows:
    keys = keys[keys[share].notna()].reset_index(drop=True)
    if not len(keys):  # no rule of this side (most cases have no shares.csv): no rows, no joins
        none = np.zeros(0, np.int64)
        return Rows(family, np.zeros(0, object), np.zeros(0), np.zeros(0), none, flow_idx[none], np.zeros(0), keys)
    m = _members(keys, arcs)
    s = keys[share].to_numpy(dtype=float)[m["index"].to_numpy(np.int64)] if len(m) else np.zeros(0)
    coef = np.where(m["from_source"].to_numpy(bool), 1.0 - s, -s) if len(m) else np.zeros(0)
    n = len(keys)
    return Rows(
        family=family,
        names=names(family, keys["market"], keys["product"], keys["period"], keys["source"])
        if n
        else np.zeros(0, object),
        lower=np.full(n, lower),
        upper=np.full(n, upper),
        row=m["index"].to_numpy(np.int64),
        col=flow_idx[m["arc"].to_numpy(np.int64)],
        coef=coef,
        meta=keys,
    )


def define_share_constraints(keys: pd.DataFrame, arcs, flow_idx) -> list[Rows]:
    return [
        _rows("share_min", keys, "min_share", arcs, flow_idx, 0.0, INF),
        _rows("share_max", keys, "max_share", arcs, flow_idx, -INF, 0.0),
    ]
