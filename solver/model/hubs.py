"""Hub throughput, one row per hub of nodes.csv with ``max_units`` and period:

    hub[h,t]:  sum over routes r through h, and every plant, market, product and tier,
               of x[p,r,m,k,t,j]  -  sum_e added_e * b_e  <=  max_units[h]

where e runs over the build options on hub h (expansions.csv ``plant`` names the hub) whose first period
is t or earlier: a hub with max_units 0 opens only when such an option is built.

(units per period, over all products; routes.py). Its dual is what one unit more of the hub's
throughput would save in that period, as a plant's capacity row's is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import INF, Rows, names
from solver.model.options import option_terms


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


def hub_options(keys: pd.DataFrame, expansions: pd.DataFrame | None, period_order: dict) -> pd.DataFrame:
    """(key index, option index, added_units): the build options adding to each hub row's limit."""
    return option_terms(keys.rename(columns={"hub": "plant"}), expansions, ["plant"], period_order)


def define_hub_constraints(
    keys: pd.DataFrame | None, legs: pd.DataFrame | None, flow_idx, expansions=None, build_idx=None, order=None
) -> Rows | None:
    if legs is None or keys is None or not len(keys):
        return None
    through = legs[legs["kind"] == "hub"]
    rid = keys[["hub", "period"]].reset_index()
    m = pd.DataFrame(
        {"arc": through["arc"].to_numpy(np.int64), "hub": through["hub"].to_numpy(object),
         "period": through["period"].to_numpy(object)}
    ).merge(rid, on=["hub", "period"])  # fmt: skip
    ex = hub_options(keys, expansions, order or {}) if build_idx is not None else hub_options(keys, None, {})
    return Rows(
        family="hub",
        names=names("hub", keys["hub"], keys["period"]),
        lower=np.full(len(keys), -INF),
        upper=keys["max_units"].to_numpy(dtype=float),
        row=np.concatenate([m["index"].to_numpy(np.int64), ex["index"].to_numpy(np.int64)]),
        col=np.concatenate([flow_idx[m["arc"].to_numpy(np.int64)],
                            build_idx[ex["option"].to_numpy(np.int64)] if len(ex) else np.zeros(0, np.int64)]),
        coef=np.concatenate([np.ones(len(m)), -ex["added_units"].to_numpy(float)]),
        meta=keys,
    )  # fmt: skip
