"""A LinearProgram changed and re-solved by any PuLP solver (CBC, Gurobi, ...): what ``LiveLP`` does
with a live HiGHS model, done cold, for ``--solver`` on sweeps, breakeven and the stochastic decision.

Each ``run()`` applies the last Change to the base arrays (changes.materialize), holds the fixed
columns at their values, and solves the result from scratch through PuLP (backends._solve_pulp):
the same answers as HiGHS's warm re-solves, without the warm start, so each scenario costs a whole
solve (and, for a PuLP solver that runs as a program, writing and reading a model file). Duals are
the solver's, in HiGHS's signs (d objective / d right-hand side), checked for complementary slackness
as ``plantsplit solve`` checks them; a solver that gives none leaves them NaN.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from solver.model.changes import Change, materialize
from solver.model.lp import LinearProgram
from solver.solve.backends import _solve_pulp
from solver.solve.status import Solution, Status

_EMPTY_I = np.zeros(0, np.int32)


class SolverLP:
    """``LiveLP``'s interface (apply, fix, run, x, duals, reduced_costs) on a PuLP solver ``key``.

    ``integer``: keep the integer columns (a MILP per run); otherwise the LP relaxation."""

    def __init__(self, lp: LinearProgram, key: str, fixed=_EMPTY_I, integer: bool = False):
        self.lp = lp if integer else dataclasses.replace(lp, integer=np.zeros(lp.num_col, bool))
        self.key = key
        self.fixed = np.asarray(fixed, np.int64)
        self.fixed_at: np.ndarray | None = None
        self.change = Change()
        self.sol: Solution | None = None

    def apply(self, ch: Change) -> None:
        self.change = ch

    def fix(self, x: np.ndarray) -> None:
        """Hold the fixed columns at ``x`` (one value per fixed column)."""
        self.fixed_at = np.asarray(x, float)

    def model(self) -> LinearProgram:
        """The base model with the current change and fixed columns."""
        lp = materialize(self.lp, self.change)
        if self.fixed_at is not None and len(self.fixed):
            lp.col_lower[self.fixed] = lp.col_upper[self.fixed] = self.fixed_at
        return lp

    def run(self) -> tuple[bool, float]:
        """(optimal?, objective) of the current model."""
        self.sol = _solve_pulp(self.model(), self.key, None)
        if self.sol.status is not Status.OPTIMAL:
            return False, float("nan")
        return True, float(self.sol.objective)

    def _solution(self) -> Solution:
        if self.sol is None:
            raise RuntimeError("SolverLP: run() first")
        return self.sol

    def x(self) -> np.ndarray:
        return self._solution().x

    def duals(self) -> tuple[np.ndarray, np.ndarray]:
        """(row duals, column duals) of the last optimal solve, HiGHS's signs."""
        sol = self._solution()
        return sol.row_dual, sol.col_dual

    def reduced_costs(self, cols: np.ndarray) -> np.ndarray:
        """d(objective)/d(value) of columns held fixed: their reduced costs."""
        return self._solution().col_dual[cols]
