"""What a solve returns: its status, the solution's values and duals, and row activities."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from solver.errors import UsageError
from solver.model.lp import LinearProgram


class Status(str, Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a plan found before the time limit, not proven optimal
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NO_SOLUTION = "no_solution"  # time limit reached with no plan
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.FEASIBLE)


@dataclass
class Solution:
    status: Status
    objective: float
    x: np.ndarray
    row_activity: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    solver: str
    seconds: float
    duals: str  # "lp", "lp with build decisions fixed", or "none"
    message: str = ""
    highs: object = None  # the live HiGHS model (HiGHS backend), for ranging
    blocks: list | None = None  # decomposed solve: decompose.Block per block, each with its live model
    mip_gap: float | None = None  # a MILP solved by HiGHS: |plan - bound| / |plan| when the search stopped
    basis: object = None  # an LP's optimal highspy.HighsBasis, when asked for (a warm start for a like block)


class SolverUnavailable(UsageError):
    """The solver named is not available here (exit code 2)."""


DEFAULT_GAP = 1e-6  # relative MIP gap at which a MILP counts as optimal (HiGHS's own default is 1e-4)


def activity(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    rows = np.repeat(np.arange(lp.num_row), np.diff(lp.start))
    return np.bincount(rows, weights=lp.value * x[lp.index], minlength=lp.num_row).astype(float)


def _empty(lp, status, solver, message) -> Solution:
    nan_r, nan_c = np.full(lp.num_row, np.nan), np.full(lp.num_col, np.nan)
    return Solution(status, float("nan"), nan_c, nan_r, nan_r.copy(), nan_c.copy(), solver, 0.0, "none", message)
