"""Solve a LinearProgram with HiGHS (in-process, from CSR arrays) or any PuLP solver.

Results come back as a ``Solution`` with signs normalised in one place:
``row_dual[i]`` = d(total cost) / d(right-hand side of row i), for every backend.
Infeasible, unbounded or a time limit are statuses, not exceptions.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path
import shutil
import sys
import time
from dataclasses import dataclass
from enum import Enum

import numpy as np

from .errors import UsageError
from .model.cover import FAMILY as COVER
from .model.linking import FAMILY as LINK
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
    mip_gap: float | None = None  # a MILP solved by HiGHS: |plan - bound| / |plan| when the search stopped
    basis: object = None  # an LP's optimal highspy.HighsBasis, when asked for (a warm start for a like block)


class SolverUnavailable(UsageError):
    """The solver named is not available here (exit code 2)."""


DEFAULT_GAP = 1e-6  # relative MIP gap at which a MILP counts as optimal (HiGHS's own default is 1e-4)


def solve(lp: LinearProgram, solver: str = "highs", time_limit: float | None = None,
          threads: int | None = None, decompose: bool = True, min_block: int | None = None,
          ranging: bool = True, gap: float | None = None, start: np.ndarray | None = None,
          labels=None) -> Solution:
    """Solve ``lp``. With HiGHS and ``decompose``, an LP that splits into independent blocks
    (see decompose.py) is solved block by block on ``threads`` threads (default: all cores);
    a MILP is solved as one model, then the LP of its duals (builds fixed) decomposes.
    ``ranging``: keep the live HiGHS models (``Solution.highs``, each block's ``highs``) for
    sensitivity.ranging; without it each is freed as soon as its solution is read.
    ``gap``: relative MIP gap (|plan - bound| / |plan|) at which a MILP's plan is optimal
    (default DEFAULT_GAP). ``start``: build values of an LP relaxation (tighten.needed_rows)
    to round into a plan HiGHS starts its search from (mip_start). ``labels``: decompose.lp_labels
    of ``lp``, when already computed."""
    gap = DEFAULT_GAP if gap is None else float(gap)
    key = solver.strip().lower()
    t0 = time.perf_counter()
    if key == "highs":
        blocks = None
        if decompose:
            from .decompose import MIN_BLOCK, solve_blocks

            def blocks(part, limit, labels=None):
                return solve_blocks(part, limit, threads, MIN_BLOCK if min_block is None else min_block, ranging,
                                    labels)
        sol = None
        if blocks is not None and not lp.is_mip:
            sol = blocks(lp, time_limit, labels)
        if sol is None:
            sol = _solve_highs(lp, time_limit, blocks, ranging, gap, start)
    else:
        sol = _solve_pulp(lp, key, time_limit, gap)
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


def parse_fraction(value) -> float:
    """0.08 or "8%" as a number; ValueError for text that is neither."""
    if isinstance(value, str):
        text = value.strip()
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(value)
    return float(value)


def parse_gap(value, positive: bool = False) -> float:
    """A relative MIP gap as --gap and the API take it: 0.01 or "1%", from 0 (above 0 when
    ``positive``) to 1. ValueError with what is wrong, to be prefixed with where it came from."""
    try:
        gap = parse_fraction(value)
    except ValueError:
        raise ValueError("is not a gap: write it like 0.01 or 1%") from None
    if not (0 <= gap <= 1) or (positive and gap == 0):
        raise ValueError(f"must be a relative gap {'above 0' if positive else 'from 0'} to 1 (100%), like 0.01 or 1%")
    return gap


def check_model_path(path, option: str = "--write-model", formats: tuple[str, ...] | None = MODEL_FORMATS) -> None:
    """A model file that can be written: a name ending in one of ``formats`` (None: any), in a
    folder that exists (checked before anything runs, so a bad name never costs a solve)."""
    from .errors import UsageError

    if formats and os.path.splitext(str(path))[1].lower() not in formats:
        raise UsageError(f"{option} {path}: the file name must end in .mps or .lp (the format follows it)")
    folder = Path(path).parent
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist (create it, or give another path)")
    if Path(path).is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")


def check_model_files(write_model=None, write_lp=None) -> None:
    """--write-model (HiGHS's .mps or .lp) and --write-lp (PuLP's LP writer, any name)."""
    if write_model:
        check_model_path(write_model)
    if write_lp:
        check_model_path(write_lp, "--write-lp", formats=None)


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


def free_rows(lp: LinearProgram, families=(LINK, COVER)) -> np.ndarray:
    """Rows of ``families`` (the linking and cover rows: they only tighten the MILP), to be made free
    (-inf, inf) in the LP with the builds fixed, so they take no part in its duals."""
    rows = [np.arange(lp.family_rows(f).start, lp.family_rows(f).stop) for f in families]
    return np.concatenate(rows).astype(np.int32)


def free_in(h, lp: LinearProgram) -> None:
    """Make the rows of free_rows free in the live HiGHS model ``h`` of ``lp``."""
    import highspy

    free = free_rows(lp)
    if len(free):
        inf = np.full(len(free), highspy.kHighsInf)
        h.changeRowsBounds(len(free), free, -inf, inf)


def mip_start(h, lp: LinearProgram, y: np.ndarray | None = None) -> np.ndarray | None:
    """A plan to start a MILP's search from: the LP relaxation's builds ``y`` (solved here
    if not given) rounded at 1/2 (if that plan is infeasible, every fractional build rounded
    up), the flows of the LP with those builds fixed. Rounding up is always feasible here: a
    build only ever adds capacity (a negative coefficient in a <= row). ``h`` holds ``lp``
    and is left as it was; None when no LP solves within the time limit."""
    import highspy

    S = highspy.HighsModelStatus
    ints = np.flatnonzero(lp.integer).astype(np.int32)
    n = len(ints)
    kinds = np.array([highspy.HighsVarType.kContinuous] * n)
    h.changeColsIntegrality(n, ints, kinds)
    try:
        if y is None:
            h.run()
            if h.getModelStatus() != S.kOptimal:
                return None
            y = np.asarray(h.getSolution().col_value)[ints]
        for rounded in (np.floor(y + 0.5), np.ceil(y - 1e-9)):
            rounded = np.clip(rounded, lp.col_lower[ints], lp.col_upper[ints])
            h.changeColsBounds(n, ints, rounded, rounded)
            h.run()
            if h.getModelStatus() == S.kOptimal:
                return np.asarray(h.getSolution().col_value, dtype=float)
        return None
    finally:
        h.changeColsBounds(n, ints, lp.col_lower[ints], lp.col_upper[ints])
        h.changeColsIntegrality(n, ints, np.array([highspy.HighsVarType.kInteger] * n))
        h.clearSolver()


def _solve_highs(lp: LinearProgram, time_limit, blocks=None, keep: bool = True, gap: float = DEFAULT_GAP,
                 start: np.ndarray | None = None, basis=None, want_basis: bool = False) -> Solution:
    """``basis``: a HighsBasis to start an LP's simplex from (one HiGHS rejects is ignored:
    the solve starts cold); ``want_basis``: return the LP's optimal basis in ``basis``."""
    import highspy

    try:
        h = load_highs(lp)
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolverUnavailable(f"HiGHS is not installed ({exc}); pip install highspy") from exc
    if basis is not None and not lp.is_mip:
        h.setBasis(basis)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    if lp.is_mip:
        h.setOptionValue("mip_rel_gap", gap)
        if start is not None:
            t0 = time.perf_counter()
            x0 = mip_start(h, lp, start)
            if time_limit:
                h.setOptionValue("time_limit", max(1e-3, float(time_limit) - (time.perf_counter() - t0)))
            if x0 is not None:
                h.setSolution(lp.num_col, np.arange(lp.num_col, dtype=np.int32), x0)
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
    mip_gap = float(h.getInfo().mip_gap) if lp.is_mip else None
    duals = "lp"
    if lp.is_mip:
        # Duals of a MILP: re-solve the LP with the build decisions fixed at their values,
        # without the time limit (it bounds the search for a plan; this LP is cheap).
        ints = np.flatnonzero(lp.integer)
        fixed = np.round(x[ints])
        free = free_rows(lp)
        if blocks is not None:
            lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
            lower[ints] = upper[ints] = fixed
            row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
            row_lower[free], row_upper[free] = -INF, INF
            part = blocks(dataclasses.replace(lp, col_lower=lower, col_upper=upper, row_lower=row_lower,
                                              row_upper=row_upper, integer=np.zeros_like(lp.integer)), None)
            if part is not None and part.status == Status.OPTIMAL:
                part.status, part.objective, part.duals = status, objective, "lp with build decisions fixed"
                part.mip_gap = mip_gap
                return part
        h.changeColsIntegrality(len(ints), ints.astype(np.int32),
                                np.array([highspy.HighsVarType.kContinuous] * len(ints)))
        h.changeColsBounds(len(ints), ints.astype(np.int32), fixed, fixed)
        free_in(h, lp)
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
                    highs=h if duals != "none" and keep else None, mip_gap=mip_gap,
                    basis=h.getBasis() if want_basis and not lp.is_mip and status == Status.OPTIMAL else None)


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


def pulp_solver(key: str, time_limit, mip: bool = True, gap: float | None = None):
    import pulp

    if key == "cbc":
        path = cbc_path()
        if not path:
            raise SolverUnavailable("CBC is not installed: pip install cbcbox")
        return pulp.COIN_CMD(path=path, msg=False, timeLimit=time_limit, mip=mip, gapRel=gap), "cbc"
    with quiet_stdout():
        avail = {s.lower(): s for s in pulp.listSolvers(onlyAvailable=True) if s != "PULP_CBC_CMD"}
    if key not in avail:
        raise SolverUnavailable(
            f"solver '{key}' is not available; available: {', '.join(available_solvers())}")
    kwargs = {"msg": False}
    if time_limit:
        kwargs["timeLimit"] = time_limit
    if gap is not None:
        kwargs["gapRel"] = gap
    return pulp.getSolver(avail[key], **kwargs), avail[key]


def without_rows(lp: LinearProgram, rows: np.ndarray) -> tuple[LinearProgram, np.ndarray]:
    """``lp`` without ``rows`` (a PuLP model holds no free row), and the rows kept."""
    kept = np.setdiff1d(np.arange(lp.num_row), rows)
    if len(kept) == lp.num_row:
        return lp, kept
    counts = np.diff(lp.start)[kept]
    take = np.concatenate([np.arange(lp.start[i], lp.start[i + 1]) for i in kept]) if len(kept) else np.zeros(0, int)
    return dataclasses.replace(
        lp, row_names=np.asarray(lp.row_names)[kept], row_lower=lp.row_lower[kept], row_upper=lp.row_upper[kept],
        start=np.concatenate([[0], np.cumsum(counts)]), index=lp.index[take], value=lp.value[take],
        row_family={}, row_meta={}), kept


def _solve_pulp(lp: LinearProgram, key: str, time_limit, gap: float = DEFAULT_GAP) -> Solution:
    import pulp

    solver, name = pulp_solver(key, time_limit, gap=gap if lp.is_mip else None)
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
    kept = np.arange(lp.num_row)
    if lp.is_mip:
        ints = np.flatnonzero(lp.integer)
        lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
        lower[ints] = upper[ints] = np.round(x[ints])
        fixed = dataclasses.replace(lp, col_lower=lower, col_upper=upper, integer=np.zeros_like(lp.integer))
        fixed, kept = without_rows(fixed, free_rows(lp))
        solver, _ = pulp_solver(key, time_limit, mip=False)
        prob, variables, constraints = to_pulp(fixed)
        with quiet_stdout():
            prob.solve(solver)
        if prob.sol_status == pulp.LpSolutionOptimal:
            x = np.array([v.varValue or 0.0 for v in variables], dtype=float)
            duals = "lp with build decisions fixed"
        else:
            duals = "none"
    row_dual = np.zeros(lp.num_row)  # a row left out of the LP of the duals (free_rows) has dual 0
    row_dual[kept] = [c.pi if c.pi is not None else np.nan for c in constraints]
    col_dual = np.array([v.dj if v.dj is not None else np.nan for v in variables], dtype=float)
    message = ""
    if duals != "none" and not _duals_consistent(lp, x, row_dual):
        duals, message = "none", f"{name} returned inconsistent duals; shadow prices left blank"
    if duals == "none":
        row_dual[:] = np.nan
    return Solution(status, objective, x, activity(lp, x), row_dual, col_dual, name, 0.0, duals, message)


__all__ = ["Solution", "Status", "solve", "SolverUnavailable", "available_solvers", "INF"]
