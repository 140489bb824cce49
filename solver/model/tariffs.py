"""Tariff-rate quotas: a tier's volume is shared by every plant of the origin country.

    tariff_quota[c,m,(k),(t),tier j]:  sum_{p in c} x[p,m,k,t,j] <= up_to_j - up_to_{j-1}

The last tier (blank up_to_units) has no row. Because tier rates never fall as
volume rises (checked on input), the LP fills cheaper tiers first, so the duty it
pays equals the tiered duty exactly. A tariff key with blank product or period
applies to each product/period separately, so rows are per (key, product, period).
"""

from __future__ import annotations

import numpy as np

from solver.model.lp import INF, Rows, names


def define_tariff_quota_constraints(tiers, arcs, flow_idx) -> Rows:
    used = arcs.loc[arcs["tariff_group"] >= 0, ["tariff_group", "tier", "country", "market", "product", "period"]]
    keys = used.drop_duplicates(["tariff_group", "tier", "product", "period"])
    keys = keys.merge(tiers[["tariff_group", "tier", "width", "up_to_units", "row"]], on=["tariff_group", "tier"])
    keys = keys.reset_index(drop=True)
    m = (
        arcs[["tariff_group", "tier", "product", "period"]]
        .reset_index(names="arc")
        .merge(
            keys.reset_index()[["index", "tariff_group", "tier", "product", "period"]],
            on=["tariff_group", "tier", "product", "period"],
        )
    )
    label = "tier" + keys["tier"].astype(str)
    return Rows(
        family="tariff_quota",
        names=names("tariff_quota", keys["country"], keys["market"], keys["product"], keys["period"], label),
        lower=np.full(len(keys), -INF),
        upper=keys["width"].to_numpy(dtype=float),
        row=m["index"].to_numpy(np.int64),
        col=flow_idx[m["arc"].to_numpy(np.int64)],
        coef=np.ones(len(m)),
        meta=keys,
    )
