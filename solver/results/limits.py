"""Lane limits and tariff-rate quotas: how full each is, and what one unit more or less of it is worth.

Like ``utilization.csv`` for capacities: ``shadow_price`` = cost saved by one more unit of the
limit, ``shadow_price_one_less`` = extra cost of one unit less (money of the row's own period;
``steps`` as in ``tables.tabulate``). One row per LP row: a lanes.csv row with ``max_units`` and
each period it applies in; a tariffs.csv tier with ``up_to_units`` (every tier but the last of
its key) and each product and period it applies to.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.load import Case
from solver.model.lp import LinearProgram
from solver.solve.status import Solution

# row order of each table (tables.py sorts: periods in the case's order, names in natural order)
LANE_ORDER = ["plant", "market", "period", "product", "row"]
QUOTA_ORDER = ["origin", "market", "period", "product", "tier"]


def lane_limits(lp: LinearProgram, sol: Solution, steps, case=None, expansions=None) -> pd.DataFrame | None:
    """``lane_limits.csv`` (unsorted): None when no lanes.csv row has a ``max_units`` that applies. With the
    case's options (``expansions``), a lane's ``max_units`` includes what built options add to it."""
    meta = lp.row_meta.get("lane")
    if meta is None or not len(meta):
        return None
    rs = lp.family_rows("lane")
    added = np.zeros(len(meta))
    if expansions is not None and case is not None:
        from solver.model.lanes import lane_options

        ex = lane_options(meta, expansions, case.period_order())
        built = sol.x[lp.family_cols("build")][ex["option"].to_numpy(np.int64)]
        weights = ex["added_units"].to_numpy(float) * built
        added = np.bincount(ex["index"].to_numpy(np.int64), weights, len(meta)).astype(float)
    units = sol.row_activity[rs] + added + 0.0  # the row holds flows - added: the units are the flows
    max_units = meta["max_units"].to_numpy(float) + added
    out = pd.DataFrame(
        {
            "row": meta["row"].to_numpy(np.int64),
            "plant": meta["plant"].to_numpy(object),
            "market": meta["market"].to_numpy(object),
            "product": meta["product"].to_numpy(object),
            "period": meta["period"].astype(object).to_numpy(object),
            "units": units,
            "max_units": max_units,
            "utilization": np.where(max_units > 0, units / np.where(max_units > 0, max_units, 1.0), np.nan),
            "shadow_price": -steps[0][rs],
            "shadow_price_one_less": -steps[1][rs],
        }
    )
    return out


def quotas(case: Case, lp: LinearProgram, sol: Solution, steps) -> pd.DataFrame | None:
    """``quotas.csv`` (unsorted): None when no tariffs.csv tier has an ``up_to_units`` that applies."""
    meta = lp.row_meta.get("tariff_quota")
    if meta is None or not len(meta):
        return None
    rs = lp.family_rows("tariff_quota")
    tariffs = case.tariffs.set_index("row")
    rows = meta["row"].to_numpy(np.int64)
    out = pd.DataFrame(
        {
            "row": rows,
            "origin": meta["country"].astype(object).to_numpy(object),
            "market": meta["market"].astype(object).to_numpy(object),
            "product": meta["product"].astype(object).to_numpy(object),
            "period": meta["period"].astype(object).to_numpy(object),
            "agreement": tariffs["agreement"].reindex(rows).fillna("").to_numpy(object),
            "tier": meta["tier"].to_numpy(np.int64) + 1,  # the first tier is tier 1, as a schedule says
            "duty_rate": tariffs["rate"].reindex(rows).to_numpy(float),
            "up_to_units": meta["up_to_units"].to_numpy(float),
            "quota_units": meta["width"].to_numpy(float),
            "units": sol.row_activity[rs] + 0.0,
            "shadow_price": -steps[0][rs],
            "shadow_price_one_less": -steps[1][rs],
        }
    )
    return out


def hub_throughput(case: Case, co, lp: LinearProgram, arcs: pd.DataFrame, steps, built=None) -> pd.DataFrame:
    """``hubs.csv``: every hub of nodes.csv and period, in their orders: the units passing it (all products),
    its ``max_units`` (with what built options add from their first period), utilization and shadow prices
    (blank for a hub without a limit)."""
    legs = co.legs
    through = legs[legs["kind"] == "hub"]
    units = arcs["units"].to_numpy(float)[through["arc"].to_numpy(np.int64)]
    passed = pd.DataFrame({"hub": through["hub"].to_numpy(object), "period": through["period"].to_numpy(object),
                           "units": units}).groupby(["hub", "period"])["units"].sum()  # fmt: skip
    nodes = case.nodes
    grid = pd.MultiIndex.from_product([nodes["hub"], list(case.periods)], names=["hub", "period"])
    out = pd.DataFrame(index=grid).reset_index()
    out["units"] = passed.reindex(grid).fillna(0.0).to_numpy() + 0.0
    limit = nodes.set_index("hub")["max_units"]
    out["max_units"] = out["hub"].map(limit).to_numpy(float)
    if built is not None and len(co.expansions):
        from solver.model.hubs import hub_options

        ex = hub_options(out[["hub", "period"]], co.expansions, case.period_order())
        added = np.bincount(
            ex["index"].to_numpy(np.int64),
            minlength=len(out),
            weights=ex["added_units"].to_numpy(float) * built[ex["option"].to_numpy(np.int64)],
        )
        out["max_units"] = out["max_units"] + added  # fmt: skip
    m = out["max_units"].to_numpy(float)
    out["utilization"] = np.where(m > 0, out["units"] / np.where(m > 0, m, 1.0), np.nan)
    out["shadow_price"] = np.nan
    out["shadow_price_one_less"] = np.nan
    meta = lp.row_meta.get("hub")
    if meta is not None and len(meta):
        rs = lp.family_rows("hub")
        at = pd.MultiIndex.from_frame(out[["hub", "period"]]).get_indexer(
            pd.MultiIndex.from_arrays([meta["hub"].to_numpy(object), meta["period"].to_numpy(object)])
        )
        out.loc[at, "shadow_price"] = -steps[0][rs]
        out.loc[at, "shadow_price_one_less"] = -steps[1][rs]
    return out
