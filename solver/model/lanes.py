"""Lane limits, one row per lanes.csv row with max_units and period it applies in:

    lane[p,m,(k),t]:  sum_{k: this lane row applies to (p,m,k,t)} sum_j x[p,m,k,t,j] <= max_units

A row with a product applies to that product; a blank-product row to every product
that has no product-specific row for the same plant and market. In a case with hubs a lane
row may join a plant or hub to a hub or market; it limits the units of every route with a
leg on it (routes.py).
"""

from __future__ import annotations

import numpy as np

from solver.case.codes import align
from solver.model.routes import lane_uses
from solver.model.lp import INF, Rows, names


def define_lane_constraints(limits, arcs, flow_idx, legs=None) -> Rows:
    """``legs``: a case with hubs, whose routes use a lane row on each leg (coefficients.lane_uses)."""
    uses = lane_uses(arcs, legs)
    rid = align(limits[["lane_row", "period"]].reset_index(), uses, ["period"])
    m = uses.merge(rid, on=["lane_row", "period"])
    return Rows(
        family="lane",
        names=names("lane", limits["plant"], limits["market"], limits["product"], limits["period"]),
        lower=np.full(len(limits), -INF),
        upper=limits["max_units"].to_numpy(dtype=float),
        row=m["index"].to_numpy(np.int64),
        col=flow_idx[m["arc"].to_numpy(np.int64)],
        coef=np.ones(len(m)),
        meta=limits,
    )
