"""HiGHS in-process: the LinearProgram loaded from CSR arrays in one call, solved, its banner silenced."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

from solver.model.cover import FAMILY as COVER
from solver.model.linking import FAMILY as LINK
from solver.model.lp import INF, LinearProgram, Names
from solver.solve.options import check_model_path
from solver.solve.status import DEFAULT_GAP, Solution, SolverUnavailable, Status, _empty, activity


_QUIET = threading.RLock()  # file descriptor 1 is one per process: one thread swaps it at a time


@contextlib.contextmanager
def quiet_stdout():
    """Silence file descriptor 1 (solver banners written from C, before options apply). Threads
    take turns: two interleaved swaps would leave fd 1 on /dev/null for good."""
    with _QUIET:
        yield from _quiet()


def _quiet():
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
            m.integrality_ = [
                highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in lp.integer
            ]
        m.model_name_ = "plantsplit"  # MPS: NAME plantsplit (how plantsplit knows a file it may replace)
        m.col_names_ = highs_names(lp.col_names)
        m.row_names_ = highs_names(lp.row_names)
        status = h.passModel(m)
    else:
        integrality = (np.asarray(lp.integer, bool) & mip).astype(np.int32) * int(highspy.HighsVarType.kInteger)
        status = h.passModel(
            int(lp.num_col),
            int(lp.num_row),
            int(len(value)),
            int(highspy.MatrixFormat.kRowwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            np.ascontiguousarray(lp.cost, dtype=float),
            np.ascontiguousarray(lp.col_lower, dtype=float),
            upper,
            row_lower,
            row_upper,
            start,
            index,
            value,
            integrality,
        )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")
    return h


def highs_names(names: Names | np.ndarray) -> list[str]:
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

    from solver.solve.options import write_complete

    check_model_path(path)
    h = load_highs(lp, named=True)
    ext = Path(path).suffix.lower()

    def write(tmp):
        # HiGHS picks the format from the name: the temporary name keeps the extension
        named = Path(f"{tmp}{ext}")
        try:
            if h.writeModel(str(named)) == highspy.HighsStatus.kError:
                raise OSError("HiGHS could not write the file (disk full, read-only or no permission?)")
            if ext == ".lp":  # HiGHS's LP files carry no model name: a comment line says whose it is
                import shutil

                with open(tmp, "wb") as dst, open(named, "rb") as src:
                    dst.write(b"\\ plantsplit model, written by HiGHS\n")
                    shutil.copyfileobj(src, dst, 1 << 20)
            else:
                os.replace(named, tmp)
        finally:
            named.unlink(missing_ok=True)

    write_complete(path, "--write-model", write)


def free_rows(lp: LinearProgram, families=(LINK, COVER)) -> np.ndarray:
    """Rows of ``families`` (the linking and cover rows: they only tighten the MILP), to be made free
    (-inf, inf) in the LP with the builds fixed, so they take no part in its duals."""
    rows = [np.arange(lp.family_rows(f).start, lp.family_rows(f).stop) for f in families]
    return np.concatenate(rows).astype(np.int32)


def fixed_lp(lp: LinearProgram, x: np.ndarray) -> LinearProgram:
    """The LP the duals belong to: a MILP's integer columns fixed at their (rounded) values and
    its linking and cover rows free (solve.highs does the same)."""
    if not lp.is_mip:
        return lp
    ints = np.flatnonzero(lp.integer)
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[ints] = upper[ints] = np.round(x[ints])
    row_lower, row_upper = lp.row_lower.copy(), lp.row_upper.copy()
    free = free_rows(lp)
    row_lower[free], row_upper[free] = -INF, INF
    return dataclasses.replace(
        lp,
        col_lower=lower,
        col_upper=upper,
        row_lower=row_lower,
        row_upper=row_upper,
        integer=np.zeros_like(lp.integer),
    )


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


def _solve_highs(
    lp: LinearProgram,
    time_limit,
    blocks=None,
    keep: bool = True,
    gap: float = DEFAULT_GAP,
    start: np.ndarray | None = None,
    basis=None,
    want_basis: bool = False,
    lp_method: str = "simplex",
) -> Solution:
    """``basis``: a HighsBasis to start an LP's simplex from (one HiGHS rejects is ignored:
    the solve starts cold); ``want_basis``: return the LP's optimal basis in ``basis``;
    ``lp_method``: "ipm" solves an LP (not a MILP) started cold by HiGHS's interior-point method."""
    import highspy

    try:
        h = load_highs(lp)
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolverUnavailable(f"HiGHS is not installed ({exc}); pip install highspy") from exc
    ipm = _prepare(h, lp, time_limit, gap, start, basis, lp_method)
    h.run()
    ms = h.getModelStatus()
    S = highspy.HighsModelStatus
    status = _status(h, lp)
    if ipm:  # re-solves of this model (marginals, ranging) start warm from its basis: simplex again
        h.setOptionValue("solver", "choose")
        if status is None:  # the interior point or its crossover gave up: simplex from where it stopped
            h.run()
            ms, status = h.getModelStatus(), _status(h, lp)
    if status is None:
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
        if blocks is not None:
            part = blocks(fixed_lp(lp, x), None)
            if part is not None and part.status == Status.OPTIMAL:
                part.status, part.objective, part.duals = status, objective, "lp with build decisions fixed"
                part.mip_gap = mip_gap
                return part
        h.changeColsIntegrality(
            len(ints), ints.astype(np.int32), np.array([highspy.HighsVarType.kContinuous] * len(ints))
        )
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
    return Solution(
        status,
        objective,
        x,
        activity(lp, x),
        row_dual,
        col_dual,
        "highs",
        0.0,
        duals,
        highs=h if duals != "none" and keep else None,
        mip_gap=mip_gap,
        basis=h.getBasis() if want_basis and not lp.is_mip and status == Status.OPTIMAL else None,
    )


def _prepare(h, lp: LinearProgram, time_limit, gap: float, start, basis, lp_method: str = "simplex") -> bool:
    """Options and starts of a solve: the LP's starting basis, the time limit, a MILP's gap and the
    plan its search starts from (the time spent finding it counts against the limit). With
    ``lp_method`` "ipm" an LP with no basis to start from goes to HiGHS's interior-point method,
    whose crossover returns a basis and duals as simplex does (True: the caller sets simplex back)."""
    if basis is not None and not lp.is_mip:
        h.setBasis(basis)
    ipm = lp_method == "ipm" and basis is None and not lp.is_mip
    if ipm:
        h.setOptionValue("solver", "ipm")
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
    return ipm


def _status(h, lp: LinearProgram) -> Status | None:
    """What HiGHS's model status means here (None: an error)."""
    import highspy

    S, ms = highspy.HighsModelStatus, h.getModelStatus()
    if ms == S.kOptimal:
        return Status.OPTIMAL
    if ms == S.kInfeasible:
        return Status.INFEASIBLE
    if ms in (S.kUnbounded, S.kUnboundedOrInfeasible):
        return Status.UNBOUNDED if ms == S.kUnbounded else _infeasible_or_unbounded(lp)
    if ms in (S.kTimeLimit, S.kIterationLimit, S.kInterrupt):
        return Status.FEASIBLE if h.getInfo().primal_solution_status == 2 else Status.NO_SOLUTION
    return None


def _infeasible_or_unbounded(lp: LinearProgram) -> Status:
    """HiGHS sometimes cannot tell; a zero-cost re-solve decides feasibility."""
    import highspy

    h = load_highs(lp, relax=True)
    h.changeColsCost(lp.num_col, np.arange(lp.num_col, dtype=np.int32), np.zeros(lp.num_col))
    h.run()
    return Status.INFEASIBLE if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible else Status.UNBOUNDED
