"""Flow variables: units shipped from a plant to a market, per product, period and tariff tier.

    x[p,m,k,t,j] >= 0
    cost  d(t) * c[p,m,k,t,j],  c = production[p,k,t] + freight[p,m,k,t] + rate_j * customs_value[p,m,k,t]

(reporting currency per unit, c in money of period t, d(t) its discount factor to the
first period; ``coefficients.py`` computes both).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import INF, Cols, names


def define_flow_variables(arcs) -> Cols:
    # "tier<j>" where an arc has several tariff tiers, else blank: as codes, spelled out when read.
    t = arcs["tier"].to_numpy(np.int64)
    labels = np.where(arcs["n_tiers"].to_numpy() > 1, t + 1, 0)
    tier = pd.Categorical.from_codes(
        labels, categories=pd.Index([""] + [f"tier{j}" for j in range(int(t.max(initial=0)) + 1)])
    )
    n = len(arcs)
    return Cols(
        family="flow",
        names=(
            names("flow", arcs["plant"], arcs["via"], arcs["market"], arcs["product"], arcs["period"], tier)
            if "via" in arcs  # a case with hubs: one flow per route (routes.py)
            else names("flow", arcs["plant"], arcs["market"], arcs["product"], arcs["period"], tier)
        ),
        cost=arcs["unit_cost"].to_numpy(dtype=float) * arcs["discount"].to_numpy(dtype=float),
        lower=np.zeros(n),
        upper=np.full(n, INF),
    )
