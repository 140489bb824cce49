"""The limit rows a scenario may set: capacity, hub throughput, lane limits, quota volumes (upper bounds) and
minimum outputs (lower bounds), as one vector in LIMITS order (capacity first: stochastic/strong.py indexes
the capacity rows at the front)."""

from __future__ import annotations

import numpy as np

from solver.case.params import Param
from solver.model.lp import LinearProgram

LIMITS = ("capacity", "hub", "lane", "tariff_quota", "min_production")
FLOORS = ("min_production",)  # of LIMITS, the rows whose limit is a lower bound (min_units)


def limits(lp: LinearProgram, family: str) -> np.ndarray:
    """The limits of a family's rows (LIMITS: max_units, a quota tier's width), in row order."""
    meta = lp.row_meta.get(family)
    if meta is None:
        return np.zeros(0)
    column = {"tariff_quota": "width", "min_production": "min_units"}.get(family, "max_units")
    return meta[column].to_numpy(float)


def limit_mask(lp: LinearProgram, p: Param) -> np.ndarray:
    """The limit rows (LIMITS, in that order) a capacity, hub, lane, quota or minimum parameter sets."""
    sizes = [len(limits(lp, f)) for f in LIMITS]
    at = LIMITS.index(p.kind)
    meta = lp.row_meta.get(p.kind)
    if meta is None:  # a limit no flow passes (a hub or lane on no route): no row to change
        return np.zeros(sum(sizes), bool)
    if p.kind in ("capacity", "min_production"):
        m = (meta["plant"] == p.a).to_numpy() & (meta["product"] == p.product).to_numpy()
    elif p.kind == "hub":
        m = (meta["hub"] == p.a).to_numpy()
    elif p.kind == "lane":  # a lane's rows from a to b (one product's row, or blank-product rows)
        m = (meta["plant"] == p.a).to_numpy() & (meta["market"] == p.b).to_numpy()
        m = m & (meta["product"] == p.product).to_numpy()
    else:  # a quota: the lowest tier's width (its up_to_units) of origin a into market b
        m = (meta["country"].astype(object) == p.a).to_numpy() & (meta["market"].astype(object) == p.b).to_numpy()
        m = m & (meta["tier"] == 0).to_numpy()
        if p.product:
            m = m & (meta["product"].astype(object) == p.product).to_numpy()
    if p.period:
        m = m & (meta["period"].astype(object) == p.period).to_numpy()
    return np.concatenate([np.zeros(sum(sizes[:at]), bool), m, np.zeros(sum(sizes[at + 1 :]), bool)])
