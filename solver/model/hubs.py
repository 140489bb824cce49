"""Hub throughput, one row per hub of nodes.csv with ``max_units`` and period:

    hub[h,t]:  sum over routes r through h, and every plant, market, product and tier,
               of x[p,r,m,k,t,j]  <=  max_units[h]

(units per period, over all products; routes.py). Its dual is what one unit more of the hub's
throughput would save in that period, as a plant's capacity row's is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import INF, Rows, names


def hub_keys(case, arcs: pd.DataFrame, legs: pd.DataFrame | None) -> pd.DataFrame:
    """(hub, period, max_units, row) for every limited hub and period some route passes it in."""
    if legs is None:
        return pd.DataFrame({"hub": [], "period": [], "max_units": [], "row": []})
    nodes = case.nodes[case.nodes["max_units"].notna()]
    through = legs[(legs["kind"] == "hub") & legs["hub"].isin(set(nodes["hub"]))]
    used = pd.DataFrame({"hub": through["hub"].to_numpy(object), "period": through["period"].to_numpy(object)})
    used = used.drop_duplicates()
    order = case.period_order()
    hubs = {h: i for i, h in enumerate(case.nodes["hub"])}
    used = used.assign(_h=used["hub"].map(hubs), _p=used["period"].map(order)).sort_values(["_h", "_p"])
    keys = used.drop(columns=["_h", "_p"]).merge(nodes[["hub", "max_units", "row"]], on="hub", how="left")
    return keys.reset_index(drop=True)


def define_hub_constraints(keys: pd.DataFrame | None, legs: pd.DataFrame | None, flow_idx) -> Rows | None:
    if legs is None or keys is None or not len(keys):
        return None
    through = legs[legs["kind"] == "hub"]
    rid = keys[["hub", "period"]].reset_index()
    m = pd.DataFrame(
        {"arc": through["arc"].to_numpy(np.int64), "hub": through["hub"].to_numpy(object),
         "period": through["period"].to_numpy(object)}
    ).merge(rid, on=["hub", "period"])  # fmt: skip
    return Rows(
        family="hub",
        names=names("hub", keys["hub"], keys["period"]),
        lower=np.full(len(keys), -INF),
        upper=keys["max_units"].to_numpy(dtype=float),
        row=m["index"].to_numpy(np.int64),
        col=flow_idx[m["arc"].to_numpy(np.int64)],
        coef=np.ones(len(m)),
        meta=keys,
    )
