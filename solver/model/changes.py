"""One variant of a LinearProgram: new costs, bounds, right-hand sides and coefficients.

A ``Change`` is what a scenario does to the base model (sweeps, breakeven and the
stochastic decision all describe their scenarios this way). It is applied either to a
live HiGHS model (``LiveLP``: warm-started re-solves, the model keeps its basis) or to
the arrays (``materialize``: a new LinearProgram, for an extensive form or a check).

Entries a Change does not name keep the base model's values; a ``LiveLP`` restores
entries an earlier Change touched and the new one does not, so Changes may differ in
what they touch. Coefficient changes must name entries that exist in the base matrix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from solver.model.lp import LinearProgram


def _ints():
    return field(default_factory=lambda: np.zeros(0, np.int32))


def _floats():
    return field(default_factory=lambda: np.zeros(0))


@dataclass
class Change:
    cost: np.ndarray | None = None  # the full cost vector, or None = the base costs
    col_index: np.ndarray = _ints()
    col_lower: np.ndarray = _floats()
    col_upper: np.ndarray = _floats()
    row_index: np.ndarray = _ints()
    row_lower: np.ndarray = _floats()
    row_upper: np.ndarray = _floats()
    coef_row: np.ndarray = _ints()
    coef_col: np.ndarray = _ints()
    coef_value: np.ndarray = _floats()


def coef_positions(lp: LinearProgram, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Positions in lp.index/lp.value of the (row, col) entries; each must exist."""
    out = np.empty(len(rows), np.int64)
    for k, (r, c) in enumerate(zip(rows, cols, strict=True)):
        s, e = lp.start[r], lp.start[r + 1]
        hit = np.flatnonzero(lp.index[s:e] == c)
        if not len(hit):
            raise ValueError(f"coefficient ({lp.row_names[r]}, {lp.col_names[c]}) is not in the model")
        out[k] = s + hit[0]
    return out


def materialize(lp: LinearProgram, ch: Change) -> LinearProgram:
    """The base model with the change applied, as new arrays."""
    cost = lp.cost.copy() if ch.cost is None else np.asarray(ch.cost, float).copy()
    cl, cu = lp.col_lower.copy(), lp.col_upper.copy()
    cl[ch.col_index], cu[ch.col_index] = ch.col_lower, ch.col_upper
    rl, ru = lp.row_lower.copy(), lp.row_upper.copy()
    rl[ch.row_index], ru[ch.row_index] = ch.row_lower, ch.row_upper
    value = lp.value.copy()
    if len(ch.coef_row):
        value[coef_positions(lp, ch.coef_row, ch.coef_col)] = ch.coef_value
    return dataclasses.replace(lp, cost=cost, col_lower=cl, col_upper=cu, row_lower=rl, row_upper=ru, value=value)
