"""Lane limits, one row per lanes.csv row with max_units and period it applies in:

    lane[p,m,(k),t]:  sum_{k: this lane row applies to (p,m,k,t)} sum_j x[p,m,k,t,j] - sum_e added_e b_e <= max_units

where e runs over the build options on the lane (expansions.csv ``plant`` and ``market`` its ends) whose
first period is t or earlier: a lane with max_units 0 opens only when such an option is built.

A row with a product applies to that product; a blank-product row to every product
that has no product-specific row for the same plant and market. In a case with hubs a lane
row may join a plant or hub to a hub or market; it limits the units of every route with a
leg on it (routes.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.codes import align
from solver.model.routes import lane_uses
from solver.model.lp import INF, Rows, names
from solver.model.options import option_terms


def lane_options(limits: pd.DataFrame, expansions, period_order: dict) -> pd.DataFrame:
    """(limit index, option index, added_units): the build options adding to each lane limit row."""
    return option_terms(limits, expansions, ["plant", "market"], period_order, lane=True)


def define_lane_constraints(limits, arcs, flow_idx, legs=None, expansions=None, build_idx=None, order=None) -> Rows:
    """``legs``: a case with hubs, whose routes use a lane row on each leg (coefficients.lane_uses);
    ``expansions``: the build options, some of which may add to a lane."""
    uses = lane_uses(arcs, legs)
    rid = align(limits[["lane_row", "period"]].reset_index(), uses, ["period"])
    m = uses.merge(rid, on=["lane_row", "period"])
    ex = lane_options(limits, expansions if build_idx is not None else None, order or {})
    return Rows(
        family="lane",
        names=names("lane", limits["plant"], limits["market"], limits["product"], limits["period"]),
        lower=np.full(len(limits), -INF),
        upper=limits["max_units"].to_numpy(dtype=float),
        row=np.concatenate([m["index"].to_numpy(np.int64), ex["index"].to_numpy(np.int64)]),
        col=np.concatenate(
            [
                flow_idx[m["arc"].to_numpy(np.int64)],
                build_idx[ex["option"].to_numpy(np.int64)] if len(ex) else np.zeros(0, np.int64),
            ]
        ),
        coef=np.concatenate([np.ones(len(m)), -ex["added_units"].to_numpy(float)]),
        meta=limits,
    )
