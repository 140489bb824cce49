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

from .lp import LinearProgram

_EMPTY_I = np.zeros(0, np.int32)


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
    for k, (r, c) in enumerate(zip(rows, cols)):
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


class LiveLP:
    """A live HiGHS model of ``lp`` (relaxed), re-solved warm change after change.

    ``fixed``: columns held at given values (``fix``), whatever a Change says of them.
    ``elastic``: the phase-1 model instead (cost 0 on every column, one slack column of
    cost 1 per finite row side), whose optimum is how far a scenario is from feasible.
    """

    def __init__(self, lp: LinearProgram, fixed: np.ndarray = _EMPTY_I, elastic: bool = False, integer: bool = False,
                 exact_mip: bool = True):
        import highspy

        from ..solve import load_highs

        self.lp = lp
        self.h = load_highs(lp, relax=not integer)
        if integer and exact_mip:  # exact, as the LPs are: the default gap (1e-4) would blur costs of 1e10 by 1e6
            self.h.setOptionValue("mip_rel_gap", 1e-9)
            self.h.setOptionValue("mip_abs_gap", 0.0)
        self.elastic = elastic
        self.all_cols = np.arange(lp.num_col, dtype=np.int32)
        self.fixed = np.asarray(fixed, np.int32)
        self.fixed_at: np.ndarray | None = None
        self._last = Change()
        self.ok = highspy.HighsModelStatus.kOptimal
        self.infeasible = (highspy.HighsModelStatus.kInfeasible,)
        if elastic:
            inf = highspy.kHighsInf
            self.h.changeColsCost(lp.num_col, self.all_cols, np.zeros(lp.num_col))
            lo_rows = np.flatnonzero(np.isfinite(lp.row_lower))
            up_rows = np.flatnonzero(np.isfinite(lp.row_upper))
            rows = np.concatenate([lo_rows, up_rows]).astype(np.int32)
            signs = np.concatenate([np.ones(len(lo_rows)), -np.ones(len(up_rows))])
            n = len(rows)
            self.h.addCols(n, np.ones(n), np.zeros(n), np.full(n, inf), n,
                           np.arange(n, dtype=np.int32), rows, signs)

    def apply(self, ch: Change) -> None:
        lp, h, last = self.lp, self.h, self._last
        if ch.cost is not None and not self.elastic:
            h.changeColsCost(lp.num_col, self.all_cols, np.asarray(ch.cost, float))
        elif last.cost is not None and not self.elastic:  # back to the base costs
            h.changeColsCost(lp.num_col, self.all_cols, lp.cost)
        self._restore(last.col_index, ch.col_index, lambda i: h.changeColsBounds(
            len(i), i, lp.col_lower[i], lp.col_upper[i]))
        self._restore(last.row_index, ch.row_index, lambda i: h.changeRowsBounds(
            len(i), i, lp.row_lower[i], lp.row_upper[i]))
        if len(last.coef_row) and not (_same(last.coef_row, ch.coef_row) and _same(last.coef_col, ch.coef_col)):
            for r, c in zip(last.coef_row, last.coef_col):
                pos = coef_positions(lp, np.array([r]), np.array([c]))[0]
                h.changeCoeff(int(r), int(c), float(lp.value[pos]))
        load(h, ch, lp.num_col, cost=False)
        if self.fixed_at is not None:
            self.fix(self.fixed_at)
        self._last = ch

    @staticmethod
    def _restore(old, new, reset) -> None:
        if len(old) and not _same(old, new):
            gone = np.setdiff1d(old, new).astype(np.int32)
            if len(gone):
                reset(gone)

    def fix(self, x: np.ndarray) -> None:
        """Hold the fixed columns at ``x`` (one value per fixed column)."""
        self.fixed_at = np.asarray(x, float)
        if len(self.fixed):
            self.h.changeColsBounds(len(self.fixed), self.fixed, self.fixed_at, self.fixed_at)

    def run(self) -> tuple[bool, float]:
        """(optimal?, objective) of the current model."""
        self.h.run()
        if self.h.getModelStatus() != self.ok:
            return False, float("nan")
        return True, float(self.h.getInfo().objective_function_value)

    def x(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value)[: self.lp.num_col]

    def duals(self) -> tuple[np.ndarray, np.ndarray]:
        """(row duals, column duals) of the last optimal solve, HiGHS's signs."""
        sol = self.h.getSolution()
        return np.asarray(sol.row_dual)[: self.lp.num_row], np.asarray(sol.col_dual)[: self.lp.num_col]

    def reduced_costs(self, cols: np.ndarray) -> np.ndarray:
        """d(objective)/d(value) of columns held fixed: their reduced costs."""
        return np.asarray(self.h.getSolution().col_dual)[cols]


def load(h, ch: Change, num_col: int, cost: bool = True) -> None:
    """Set what ``ch`` names in a live HiGHS model (nothing else is touched)."""
    if cost and ch.cost is not None:
        h.changeColsCost(num_col, np.arange(num_col, dtype=np.int32), np.asarray(ch.cost, float))
    if len(ch.col_index):
        h.changeColsBounds(len(ch.col_index), np.asarray(ch.col_index, np.int32), ch.col_lower, ch.col_upper)
    if len(ch.row_index):
        h.changeRowsBounds(len(ch.row_index), np.asarray(ch.row_index, np.int32), ch.row_lower, ch.row_upper)
    for r, c, v in zip(ch.coef_row, ch.coef_col, ch.coef_value):
        h.changeCoeff(int(r), int(c), float(v))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or (len(a) == len(b) and bool(np.array_equal(a, b)))
