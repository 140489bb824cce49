"""The strong recourse model: linking rows whose coefficients follow each scenario's demand.

A site that has no capacity unless an option is built (``max_units`` 0, options E adding
a_e units) gets, per market m, product k and period t it could serve, the row of
model/linking.py

    link[p,m,k,t]:  sum_j x[p,m,k,t,j] - sum_{e in E} min(d_s[m,k,t], a_e) * b_e <= 0

with d_s the demand of scenario s (not of demand.csv). It holds for every integer b in
every scenario (linking.py's argument, with the scenario's demand row summing the flows
to d_s), so f_s(b) is unchanged at every integer b; at a fractional b the scenario LP is
tighter than without the rows (a flow above d_s * b is cut off), and so are the Benders
cuts taken from it: a cut from the strong model says what closing a site costs market by
market, where the weak model's cut sees only the site's total capacity (Bodur, Dash,
Günlük & Luedtke 2017; the facility-location case of Magnanti & Wong 1981).

A scenario that gives such a capacity row a ``max_units`` other than 0 (a capacity
parameter) frees the rows built on it in that scenario (upper bound +inf): their argument
needs the 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.changes import Change
from solver.model.lp import LinearProgram

FAMILY = "link"


class StrongRows:
    """The linking rows of ``lp`` (family ``link``, built by create_model with tighten=True) and how a
    scenario's demand units and capacity bounds set them."""

    def __init__(self, lp: LinearProgram):
        rs = lp.family_rows(FAMILY) if FAMILY in lp.row_family else slice(0, 0)
        self.rows = np.arange(rs.start, rs.stop, dtype=np.int32)
        n = len(self.rows)
        if not n:
            self.entry_row = self.entry_col = np.zeros(0, np.int32)
            return
        meta = lp.row_meta[FAMILY]
        key = ["market", "product", "period"]
        dem = lp.row_meta["demand"][key].reset_index(drop=True).reset_index()
        dem_pos = meta[key].merge(dem, on=key, how="left")["index"].to_numpy(np.int64)
        self.cap_pos = meta["capacity_row"].to_numpy(np.int64)
        build = lp.family_cols("build")
        cap0 = lp.family_rows("capacity").start
        rows, cols, added, dem_of = [], [], [], []
        for k, r in enumerate(self.rows):
            idx = lp.index[lp.start[r] : lp.start[r + 1]]
            bcols = idx[(idx >= build.start) & (idx < build.stop)]
            c = cap0 + self.cap_pos[k]
            cidx, cval = lp.index[lp.start[c] : lp.start[c + 1]], lp.value[lp.start[c] : lp.start[c + 1]]
            a = -pd.Series(cval, index=cidx)[bcols].to_numpy(float)  # a_e: the option's units in the capacity row
            rows.append(np.full(len(bcols), r))
            cols.append(bcols)
            added.append(a)
            dem_of.append(np.full(len(bcols), dem_pos[k]))
        self.entry_row = np.concatenate(rows).astype(np.int32)
        self.entry_col = np.concatenate(cols).astype(np.int32)
        self.added = np.concatenate(added)
        self.entry_dem = np.concatenate(dem_of)

    def __len__(self) -> int:
        return len(self.rows)

    def extend(self, ch: Change, units: np.ndarray, cap: np.ndarray) -> Change:
        """``ch`` (a scenario's change) with the linking rows set for its demand ``units`` (per demand row)
        and capacity upper bounds ``cap`` (per capacity row)."""
        if not len(self.rows):
            return ch
        upper = np.where(cap[self.cap_pos] == 0, 0.0, np.inf)
        ch.row_index = np.concatenate([ch.row_index, self.rows])
        ch.row_lower = np.concatenate([ch.row_lower, np.full(len(self.rows), -np.inf)])
        ch.row_upper = np.concatenate([ch.row_upper, upper])
        ch.coef_row = np.concatenate([ch.coef_row, self.entry_row])
        ch.coef_col = np.concatenate([ch.coef_col, self.entry_col])
        ch.coef_value = np.concatenate([ch.coef_value, -np.minimum(units[self.entry_dem], self.added)])
        return ch
