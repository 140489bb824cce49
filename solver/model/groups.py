"""Exclusive choices: options of one group (``expansions.csv`` ``group``), of which at most one is built, or
as many as a ``groups.csv`` row says.

For each group g with options O(g) (their build variables y_o in {0, 1}):

    min_g <= sum_{o in O(g)} y_o <= max_g        (min_g = 0 and max_g = 1 unless groups.csv says otherwise)

Rows of build variables only: the stochastic decision's master holds them as they are, and a case without
groups has none (its model is the one it had before groups existed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.lp import Rows, names

FAMILY = "group"


def define_group_constraints(expansions: pd.DataFrame, groups: pd.DataFrame, build_idx: np.ndarray) -> Rows | None:
    """The rows above, one per group in the order groups first appear in expansions.csv; None without groups."""
    member = expansions["group"].fillna("").astype(str).to_numpy(object) if "group" in expansions else np.array([])
    named = [g for g in dict.fromkeys(member) if g != ""]
    if not named:
        return None
    at = {g: i for i, g in enumerate(named)}
    limits = groups.set_index("group") if len(groups) else pd.DataFrame(columns=["min_built", "max_built"])
    lower = np.array([_limit(limits, g, "min_built", 0.0) for g in named])
    upper = np.array([_limit(limits, g, "max_built", 1.0) for g in named])
    opts = np.flatnonzero(member != "")
    meta = pd.DataFrame({"group": named, "min_built": lower, "max_built": upper})
    return Rows(
        family=FAMILY,
        names=names(FAMILY, pd.Series(named)),
        lower=lower,
        upper=upper,
        row=np.array([at[member[o]] for o in opts], np.int64),
        col=build_idx[opts],
        coef=np.ones(len(opts)),
        meta=meta,
    )


def _limit(limits: pd.DataFrame, group: str, column: str, default: float) -> float:
    value = limits[column].to_dict().get(group)
    return default if value is None or pd.isna(value) else float(value)
