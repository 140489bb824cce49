"""A live HiGHS model of a LinearProgram, changed and re-solved warm, Change after Change (model/changes.py).

It keeps its basis between solves; entries an earlier Change touched and the new one does not are
restored to the base model's values."""

from __future__ import annotations

import numpy as np

from solver.model.changes import Change, coef_positions
from solver.model.lp import LinearProgram

_EMPTY_I = np.zeros(0, np.int32)


class LiveLP:
    """A live HiGHS model of ``lp`` (relaxed), re-solved warm change after change.

    ``fixed``: columns held at given values (``fix``), whatever a Change says of them.
    ``elastic``: the phase-1 model instead (cost 0 on every column, one slack column of
    cost 1 per finite row side), whose optimum is how far a scenario is from feasible.
    """

    def __init__(
        self,
        lp: LinearProgram,
        fixed: np.ndarray = _EMPTY_I,
        elastic: bool = False,
        integer: bool = False,
        exact_mip: bool = True,
    ):
        import highspy

        from solver.solve.highs import load_highs

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
            self.h.addCols(n, np.ones(n), np.zeros(n), np.full(n, inf), n, np.arange(n, dtype=np.int32), rows, signs)

    def apply(self, ch: Change) -> None:
        lp, h, last = self.lp, self.h, self._last
        if ch.cost is not None and not self.elastic:
            h.changeColsCost(lp.num_col, self.all_cols, np.asarray(ch.cost, float))
        elif last.cost is not None and not self.elastic:  # back to the base costs
            h.changeColsCost(lp.num_col, self.all_cols, lp.cost)
        self._restore(
            last.col_index, ch.col_index, lambda i: h.changeColsBounds(len(i), i, lp.col_lower[i], lp.col_upper[i])
        )
        self._restore(
            last.row_index, ch.row_index, lambda i: h.changeRowsBounds(len(i), i, lp.row_lower[i], lp.row_upper[i])
        )
        if len(last.coef_row) and not (_same(last.coef_row, ch.coef_row) and _same(last.coef_col, ch.coef_col)):
            for r, c in zip(last.coef_row, last.coef_col, strict=True):
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
    for r, c, v in zip(ch.coef_row, ch.coef_col, ch.coef_value, strict=True):
        h.changeCoeff(int(r), int(c), float(v))


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a is b or (len(a) == len(b) and bool(np.array_equal(a, b)))
