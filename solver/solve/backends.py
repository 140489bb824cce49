"""Any PuLP solver (CBC, Gurobi, ...): the LinearProgram through PuLP, duals checked for consistency."""

from __future__ import annotations

import dataclasses
import os
import shutil

import numpy as np

from solver.model.lp import LinearProgram, to_pulp
from solver.solve.highs import free_rows, quiet_stdout
from solver.solve.status import DEFAULT_GAP, Solution, SolverUnavailable, Status, _empty, activity


# how to install the solvers PuLP calls in-process (docs/solvers.md)
INSTALL = {
    "gurobi": "pip install gurobipy",
    "cplex_py": "pip install cplex",
    "xpress_py": "pip install xpress",
    "copt": "pip install coptpy",
}


def available_solvers() -> list[str]:
    import pulp

    names = ["highs"]
    if cbc_path():
        names.append("cbc")
    with quiet_stdout():
        names += [s.lower() for s in pulp.listSolvers(onlyAvailable=True) if s not in ("PULP_CBC_CMD", "HiGHS")]
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


def check_solver(name: str) -> str:
    """``name`` as a solver key (lower case), or SolverUnavailable naming the solvers available here."""
    key = name.strip().lower()
    if key != "highs":
        pulp_solver(key, None)
    return key


def in_process(key: str) -> bool:
    """Whether PuLP calls solver ``key`` in-process (HiGHS, gurobipy, ...), so its answers come with
    every digit; a solver run as a program (CBC, GUROBI_CMD, GLPK, ...) passes them through a text file,
    rounded."""
    import pulp

    if key == "highs":
        return True
    solver, _ = pulp_solver(key, None)
    return not isinstance(solver, pulp.LpSolver_CMD)


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
            raise SolverUnavailable(
                "CBC is not installed here: pip install 'plantsplit[cbc]' (PuLP 4 bundles no CBC binary)"
            )
        return pulp.COIN_CMD(path=path, msg=False, timeLimit=time_limit, mip=mip, gapRel=gap), "cbc"
    with quiet_stdout():
        avail = {s.lower(): s for s in pulp.listSolvers(onlyAvailable=True) if s != "PULP_CBC_CMD"}
    if key not in avail:
        how = INSTALL.get(key) or (
            f"did you mean {key}_py? ({INSTALL[key + '_py']})" if key + "_py" in INSTALL else None
        )
        raise SolverUnavailable(
            f"solver '{key}' is not available; available: {', '.join(available_solvers())}"
            + (f" ({key}: {how})" if how else "")
        )
    kwargs: dict[str, bool | float] = {"msg": False}
    if time_limit:
        kwargs["timeLimit"] = time_limit
    if gap is not None:
        kwargs["gapRel"] = gap
    return pulp.getSolver(avail[key], **kwargs), key  # the name as --solver takes it (gurobi, not GUROBI)


def without_rows(lp: LinearProgram, rows: np.ndarray) -> tuple[LinearProgram, np.ndarray]:
    """``lp`` without ``rows`` (a PuLP model holds no free row), and the rows kept."""
    kept = np.setdiff1d(np.arange(lp.num_row), rows)
    if len(kept) == lp.num_row:
        return lp, kept
    counts = np.diff(lp.start)[kept]
    take = np.concatenate([np.arange(lp.start[i], lp.start[i + 1]) for i in kept]) if len(kept) else np.zeros(0, int)
    return dataclasses.replace(
        lp,
        row_names=np.asarray(lp.row_names)[kept],
        row_lower=lp.row_lower[kept],
        row_upper=lp.row_upper[kept],
        start=np.concatenate([[0], np.cumsum(counts)]),
        index=lp.index[take],
        value=lp.value[take],
        row_family={},
        row_meta={},
    ), kept


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
