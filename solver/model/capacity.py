"""Capacity, one pair of rows per (plant, product scope, period) that capacity.csv limits:

    capacity[p,(k),t]:      sum_{m,k' in scope,j} x[p,m,k',t,j] - sum_e added_e * b_e <= max_units
    min_production[p,(k),t]: sum_{m,k' in scope,j} x[p,m,k',t,j]                     >= min_units

Scope is all products when the capacity row's product is blank, else that product.
Several rows for the same key all hold, so the tightest (smallest max, largest min) is
kept. Expansion option e adds to the rows of its plant and product scope from its
first period on (b_e binary, see expansions.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.codes import align
from solver.model.closing import minimum_terms
from solver.model.lp import INF, Rows, names
from solver.model.options import option_terms


def _members(keys: pd.DataFrame, arcs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(row, arc) pairs: which flow arcs each capacity key sums."""
    k = keys[["plant", "product", "period"]].reset_index()
    total = align(k[k["product"] == ""].drop(columns="product"), arcs, ["plant", "period"]).merge(
        arcs[["plant", "period"]].reset_index(names="arc"), on=["plant", "period"]
    )
    single = align(k[k["product"] != ""], arcs, ["plant", "product", "period"]).merge(
        arcs[["plant", "product", "period"]].reset_index(names="arc"), on=["plant", "product", "period"]
    )
    both = pd.concat([total[["index", "arc"]], single[["index", "arc"]]], ignore_index=True)
    return both["index"].to_numpy(np.int64), both["arc"].to_numpy(np.int64)


def expansion_terms(keys: pd.DataFrame, expansions: pd.DataFrame, period_order: dict) -> pd.DataFrame:
    """(key index, option index, added_units) where option adds to the key's limit."""
    return option_terms(keys, expansions, ["plant", "product"], period_order)


def define_capacity_constraints(keys, arcs, flow_idx, build_idx, expansions, period_order) -> Rows:
    limited = keys[keys["max_units"].notna()].reset_index(drop=True)
    r, a = _members(limited, arcs)
    ex = expansion_terms(limited, expansions, period_order)
    return Rows(
        family="capacity",
        names=names("capacity", limited["plant"], limited["product"], limited["period"]),
        lower=np.full(len(limited), -INF),
        upper=limited["max_units"].to_numpy(dtype=float),
        row=np.concatenate([r, ex["index"].to_numpy(np.int64)]),
        col=np.concatenate([flow_idx[a], build_idx[ex["option"].to_numpy(np.int64)]]),
        coef=np.concatenate([np.ones(len(r)), -ex["added_units"].to_numpy(dtype=float)]),
        meta=limited,
    )


def define_min_production_constraints(keys, arcs, flow_idx, expansions=None, build_idx=None, order=None) -> Rows:
    """``expansions``: with closing options, a closed plant's minimums fall away (closing.py)."""
    floor = keys[keys["min_units"].fillna(0) > 0].reset_index(drop=True)
    r, a = _members(floor, arcs)
    col, coef = flow_idx[a], np.ones(len(r))
    if expansions is not None and build_idx is not None:
        t = minimum_terms(floor, expansions, order or {})
        r = np.concatenate([r, t["index"].to_numpy(np.int64)])
        col = np.concatenate([col, build_idx[t["option"].to_numpy(np.int64)]])
        coef = np.concatenate([coef, t["min_units"].to_numpy(float)])
    return Rows(
        family="min_production",
        names=names("min_production", floor["plant"], floor["product"], floor["period"]),
        lower=floor["min_units"].to_numpy(dtype=float),
        upper=np.full(len(floor), INF),
        row=r,
        col=col,
        coef=coef,
        meta=floor,
    )
