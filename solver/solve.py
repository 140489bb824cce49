"""Solve a LinearProgram with HiGHS (in-process, from CSR arrays) or any PuLP solver.

Results come back as a ``Solution`` with signs normalised in one place:
``row_dual[i]`` = d(total cost) / d(right-hand side of row i), for every backend.
Infeasible, unbounded or a time limit are statuses, not exceptions.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import sys
import time
from dataclasses import dataclass
from enum import Enum

import numpy as np

from .errors import UsageError
from .model.lp import INF, LinearProgram, to_pulp


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


class SolverUnavailable(UsageError):
    """The solver named is not available here (exit code 2)."""


def solve(lp: LinearProgram, solver: str = "highs", time_limit: float | None = None,
          threads: int | None = None, decompose: bool = True, min_block: int | None = None,
          ranging: bool = True) -> Solution:
    """Solve ``lp``. With HiGHS and ``decompose``, an LP that splits into independent blocks
    (see decompose.py) is solved block by block on ``threads`` threads (default: all cores);
    a MILP is solved as one model, then the LP of its duals (builds fixed) decomposes.
    ``ranging``: keep the live HiGHS models (``Solution.highs``, each block's ``highs``) for
    sensitivity.ranging; without it each is freed as soon as its solution is read."""
    key = solver.strip().lower()
    t0 = time.perf_counter()
    if key == "highs":
        blocks = None
        if decompose:
            from .decompose import MIN_BLOCK, solve_blocks

            def blocks(part, limit):
                return solve_blocks(part, limit, threads, MIN_BLOCK if min_block is None else min_block, ranging)
        sol = None
        if blocks is not None and not lp.is_mip:
            sol = blocks(lp, time_limit)
        if sol is None:
            sol = _solve_highs(lp, time_limit, blocks, ranging)
    else:
        sol = _solve_pulp(lp, key, time_limit)
    sol.seconds = time.perf_counter() - t0
    return sol


@contextlib.contextmanager
def quiet_stdout():
    """Silence file descriptor 1 (solver banners written from C, before options apply)."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        yield
    finally:
        try:
            sys.stdout.flush()
        except Exception:  # noqa: BLE001 - never let flushing hide the real error
            pass
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def new_highs():
    import highspy

    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def load_highs(lp: LinearProgram, relax: bool = False, named: bool = False):
    """A live HiGHS model holding ``lp`` (one passModel call from the CSR arrays, no
    intermediate HighsLp copy); ``named``: with its names (for HiGHS's writers)."""
    import highspy

    h = new_highs()
    upper = np.where(np.isinf(lp.col_upper), highspy.kHighsInf, lp.col_upper)
    row_lower = np.where(np.isinf(lp.row_lower), -highspy.kHighsInf, lp.row_lower)
    row_upper = np.where(np.isinf(lp.row_upper), highspy.kHighsInf, lp.row_upper)
    start, index = lp.start.astype(np.int32), lp.index.astype(np.int32)
    value = np.ascontiguousarray(lp.value, dtype=float)
    mip = lp.is_mip and not relax
    if named:
        m = highspy.HighsLp()
        m.num_col_, m.num_row_ = lp.num_col, lp.num_row
        m.col_cost_, m.col_lower_, m.col_upper_ = lp.cost, lp.col_lower, upper
        m.row_lower_, m.row_upper_ = row_lower, row_upper
        m.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        m.a_matrix_.start_, m.a_matrix_.index_, m.a_matrix_.value_ = start, index, value
        if mip:
            m.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                              for i in lp.integer]
        m.col_names_ = highs_names(lp.col_names)
        m.row_names_ = highs_names(lp.row_names)
        status = h.passModel(m)
    else:
        integrality = (np.asarray(lp.integer, bool) & mip).astype(np.int32) * int(highspy.HighsVarType.kInteger)
        status = h.passModel(int(lp.num_col), int(lp.num_row), int(len(value)), int(highspy.MatrixFormat.kRowwise),
                             int(highspy.ObjSense.kMinimize), 0.0,
                             np.ascontiguousarray(lp.cost, dtype=float), np.ascontiguousarray(lp.col_lower, dtype=float),
                             upper, row_lower, row_upper, start, index, value, integrality)
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")
    return h


MODEL_FORMATS = (".mps", ".lp")


def check_model_path(path) -> None:
    from .errors import UsageError

    if os.path.splitext(str(path))[1].lower() not in MODEL_FORMATS:
        raise UsageError(f"--write-model {path}: the file name must end in .mps or .lp (the format follows it)")


def highs_names(names: np.ndarray) -> list[str]:
    """Names HiGHS's writers accept (no [ ] : - or blanks): capacity[a b,2014] -> capacity(a_b,2014);
    prefixed with their position if that makes two of them equal."""
    import pandas as pd

    s = pd.Series(np.asarray(names), dtype=object).astype(str)
    s = s.str.replace("[", "(", regex=False).str.replace("]", ")", regex=False)
    s = s.str.replace(r"[^A-Za-z0-9_.,()]", "_", regex=True)
    if s.duplicated().any() or (s == "").any():
        s = "n" + pd.Series(np.arange(len(s))).astype(str) + "_" + s
    return s.tolist()


def write_model(lp: LinearProgram, path) -> None:
    """The monolithic model exactly as HiGHS is given it, written by HiGHS (.mps or .lp)."""
    import highspy

    check_model_path(path)
    h = load_highs(lp, named=True)
    if h.writeModel(str(path)) == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS could not write {path}")


def _solve_highs(lp: LinearProgram, time_limit, blocks=None, keep: bool = True) -> Solution:
    import highspy

    try:
        h = load_highs(lp)
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolverUnavailable(f"HiGHS is not installed ({exc}); pip install highspy") from exc
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    h.run()
    ms = h.getModelStatus()
    S = highspy.HighsModelStatus
    has_x = h.getInfo().primal_solution_status == 2
    if ms == S.kOptimal:
        status = Status.OPTIMAL
    elif ms == S.kInfeasible:
        status = Status.INFEASIBLE
    elif ms in (S.kUnbounded, S.kUnboundedOrInfeasible):
        status = Status.UNBOUNDED if ms == S.kUnbounded else _infeasible_or_unbounded(lp)
    elif ms in (S.kTimeLimit, S.kIterationLimit, S.kInterrupt):
        status = Status.FEASIBLE if has_x else Status.NO_SOLUTION
    else:
        return _empty(lp, Status.ERROR, "highs", h.modelStatusToString(ms))
    if not status.has_plan:
        return _empty(lp, status, "highs", h.modelStatusToString(ms))
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=float)
    objective = float(h.getInfo().objective_function_value)
    duals = "lp"
    if lp.is_mip:
        # Duals of a MILP: re-solve the LP with the build decisions fixed at their values,
        # without the time limit (it bounds the search for a plan; this LP is cheap).
        ints = np.flatnonzero(lp.integer)
        fixed = np.round(x[ints])
        if blocks is not None:
            lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
            lower[ints] = upper[ints] = fixed
            part = blocks(dataclasses.replace(lp, col_lower=lower, col_upper=upper,
                                              integer=np.zeros_like(lp.integer)), None)
            if part is not None and part.status == Status.OPTIMAL:
                part.status, part.objective, part.duals = status, objective, "lp with build decisions fixed"
                return part
        h.changeColsIntegrality(len(ints), ints.astype(np.int32),
                                np.array([highspy.HighsVarType.kContinuous] * len(ints)))
        h.changeColsBounds(len(ints), ints.astype(np.int32), fixed, fixed)
        h.setOptionValue("time_limit", highspy.kHighsInf)
        h.run()
        sol = h.getSolution()
        if h.getModelStatus() == S.kOptimal:
            x = np.asarray(sol.col_value, dtype=float)
            duals = "lp with build decisions fixed"
        else:
            duals = "none"
    row_dual = np.asarray(sol.row_dual, dtype=float) if duals != "none" else np.full(lp.num_row, np.nan)
    col_dual = np.asarray(sol.col_dual, dtype=float) if duals != "none" else np.full(lp.num_col, np.nan)
    return Solution(status, objective, x, activity(lp, x), row_dual, col_dual, "highs", 0.0, duals,
                    highs=h if duals != "none" and keep else None)


def _infeasible_or_unbounded(lp: LinearProgram) -> Status:
    """HiGHS sometimes cannot tell; a zero-cost re-solve decides feasibility."""
    import highspy

    h = load_highs(lp, relax=True)
    h.changeColsCost(lp.num_col, np.arange(lp.num_col, dtype=np.int32), np.zeros(lp.num_col))
    h.run()
    return Status.INFEASIBLE if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible else Status.UNBOUNDED


def activity(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    rows = np.repeat(np.arange(lp.num_row), np.diff(lp.start))
    return np.bincount(rows, weights=lp.value * x[lp.index], minlength=lp.num_row).astype(float)


def _empty(lp, status, solver, message) -> Solution:
    nan_r, nan_c = np.full(lp.num_row, np.nan), np.full(lp.num_col, np.nan)
    return Solution(status, float("nan"), nan_c, nan_r, nan_r.copy(), nan_c.copy(), solver, 0.0, "none", message)


# ---------------------------------------------------------------- PuLP solvers

def available_solvers() -> list[str]:
    import pulp

    names = ["highs"]
    if cbc_path():
        names.append("cbc")
    with quiet_stdout():
        names += [s for s in pulp.listSolvers(onlyAvailable=True) if s != "PULP_CBC_CMD"]
    return names


def cbc_path() -> str | None:
    """CBC binary: PuLP 3's bundled copy, else cbcbox's (PuLP 4's way), else one on PATH.

    The bundled copy comes first because the cbcbox build we tested (CBC devel,
    git 146ce89) writes duals that break complementary slackness; ``_duals_consistent``
    guards against that whichever binary runs.
    """
    import pulp

    bundled = getattr(getattr(pulp, "PULP_CBC_CMD", None), "pulp_cbc_path", None)
    if bundled and os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return bundled
    try:
        import cbcbox

        path = cbcbox.cbc_bin_path()
        if os.path.isfile(path):
            return path
    except ImportError:
        pass
    return shutil.which("cbc")


def _duals_consistent(lp: LinearProgram, x: np.ndarray, row_dual: np.ndarray) -> bool:
    """Complementary slackness: a column strictly between its bounds has zero reduced cost."""
    if np.isnan(row_dual).any():
        return False
    rows = np.repeat(np.arange(lp.num_row), np.diff(lp.start))
    at = np.bincount(lp.index, weights=lp.value * row_dual[rows], minlength=lp.num_col)
    reduced = lp.cost - at
    scale = 1e-6 * max(1.0, float(np.abs(lp.cost).max(initial=0.0)))
    free = (x > lp.col_lower + 1e-6) & (x < lp.col_upper - 1e-6)
    return bool((np.abs(reduced[free]) <= scale).all())


def pulp_solver(key: str, time_limit, mip: bool = True):
    import pulp

    if key == "cbc":
        path = cbc_path()
        if not path:
            raise SolverUnavailable("CBC is not installed: pip install cbcbox")
        return pulp.COIN_CMD(path=path, msg=False, timeLimit=time_limit, mip=mip), "cbc"
    with quiet_stdout():
        avail = {s.lower(): s for s in pulp.listSolvers(onlyAvailable=True) if s != "PULP_CBC_CMD"}
    if key not in avail:
        raise SolverUnavailable(
            f"solver '{key}' is not available; available: {', '.join(available_solvers())}")
    kwargs = {"msg": False}
    if time_limit:
        kwargs["timeLimit"] = time_limit
    return pulp.getSolver(avail[key], **kwargs), avail[key]


def _solve_pulp(lp: LinearProgram, key: str, time_limit) -> Solution:
    import pulp

    solver, name = pulp_solver(key, time_limit)
    prob, variables, constraints = to_pulp(lp)
    with quiet_stdout():
        prob.solve(solver)
    sol_status = prob.sol_status
    if sol_status == pulp.LpSolutionOptimal:
        status = Status.OPTIMAL
    elif sol_status == pulp.LpSolutionIntegerFeasible:
        status = Status.FEASIBLE
    elif sol_status == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        status = Status.INFEASIBLE
    elif sol_status == pulp.LpSolutionUnbounded or prob.status == pulp.LpStatusUnbounded:
        status = Status.UNBOUNDED
    elif time_limit:
        status = Status.NO_SOLUTION
    else:
        status = Status.ERROR
    if not status.has_plan:
        return _empty(lp, status, name, pulp.LpStatus.get(prob.status, "unknown"))
    x = np.array([v.varValue if v.varValue is not None else 0.0 for v in variables], dtype=float)
    objective = float(lp.cost @ x)
    duals = "lp"
    if lp.is_mip:
        ints = np.flatnonzero(lp.integer)
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        lower[ints] = upper[ints] = np.round(x[ints])
        fixed = dataclasses.replace(lp, col_lower=lower, col_upper=upper, integer=np.zeros_like(lp.integer))
        solver, _ = pulp_solver(key, time_limit, mip=False)
        prob, variables, constraints = to_pulp(fixed)
        with quiet_stdout():
            prob.solve(solver)
        if prob.sol_status == pulp.LpSolutionOptimal:
            x = np.array([v.varValue or 0.0 for v in variables], dtype=float)
            duals = "lp with build decisions fixed"
        else:
            duals = "none"
    row_dual = np.array([c.pi if c.pi is not None else np.nan for c in constraints], dtype=float)
    col_dual = np.array([v.dj if v.dj is not None else np.nan for v in variables], dtype=float)
    message = ""
    if duals != "none" and not _duals_consistent(lp, x, row_dual):
        duals, message = "none", f"{name} returned inconsistent duals; shadow prices left blank"
    if duals == "none":
        row_dual[:] = np.nan
    return Solution(status, objective, x, activity(lp, x), row_dual, col_dual, name, 0.0, duals, message)


__all__ = ["Solution", "Status", "solve", "SolverUnavailable", "available_solvers", "INF"]
