"""Exclusive choices and build windows: options of one group (``expansions.csv`` ``group``), of which at most
one is built, or as many as a ``groups.csv`` row says.

For each group g with options O(g) (their build variables y_o in {0, 1}):

    min_g <= sum_{o in O(g)} y_o <= max_g        (min_g = 0 and max_g = 1 unless groups.csv says otherwise)

An option with a window (``expansions.csv`` ``last_period``) is one build variable per first period it may
take, y_{o,t} for t from ``first_period`` to ``last_period`` (coefficients.py names them ``option@t``: each adds
its capacity from t on and pays its charges from t, as any option), and at most one of them is built:

    sum_t y_{o,t} <= 1

A group counts such an option's starts together (each option contributes at most one). Rows of build variables
only: the stochastic decision's master holds them as they are, and a case without groups or windows has none
(its model is the one it had before they existed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import Rows, names

FAMILY = "group"


def define_group_constraints(expansions: pd.DataFrame, groups: pd.DataFrame, build_idx: np.ndarray) -> Rows | None:
    """The rows above, one per group in the order groups first appear in expansions.csv; None without groups."""

    def column(name: str) -> np.ndarray:
        return expansions[name].fillna("").astype(str).to_numpy(object) if name in expansions else np.array([])

    member, window = column("group"), column("window_of")
    named = [g for g in dict.fromkeys(member) if g != ""]
    windows = [w for w in dict.fromkeys(window) if w != ""]
    if not named and not windows:
        return None
    limits = groups.set_index("group") if len(groups) else pd.DataFrame(columns=["min_built", "max_built"])
    lower = [_limit(limits, g, "min_built", 0.0) for g in named] + [0.0] * len(windows)
    upper = [_limit(limits, g, "max_built", 1.0) for g in named] + [1.0] * len(windows)
    at = {g: i for i, g in enumerate(named)}
    opts = np.flatnonzero(member != "")
    starts = np.flatnonzero(window != "")
    at_window = {w: len(named) + i for i, w in enumerate(windows)}
    meta = pd.DataFrame({"group": named + [f"window of {w}" for w in windows], "min_built": lower, "max_built": upper})
    return Rows(
        family=FAMILY,
        names=names(FAMILY, meta["group"]),
        lower=np.array(lower),
        upper=np.array(upper),
        row=np.array([at[member[o]] for o in opts] + [at_window[window[o]] for o in starts], np.int64),
        col=build_idx[np.concatenate([opts, starts])],
        coef=np.ones(len(opts) + len(starts)),
        meta=meta,
    )


def _limit(limits: pd.DataFrame, group: str, column: str, default: float) -> float:
    value = limits[column].to_dict().get(group)
    return default if value is None or pd.isna(value) else float(value)
