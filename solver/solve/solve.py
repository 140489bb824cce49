"""Solve a LinearProgram with HiGHS (in-process, from CSR arrays) or any PuLP solver.

Results come back as a ``Solution`` with signs normalised in one place:
``row_dual[i]`` = d(total cost) / d(right-hand side of row i), for every backend.
Infeasible, unbounded or a time limit are statuses, not exceptions.
"""

from __future__ import annotations

import time

import numpy as np

from solver.model.lp import LinearProgram
from solver.solve.backends import _solve_pulp
from solver.solve.highs import _solve_highs
from solver.solve.status import DEFAULT_GAP, Solution


def solve(
    lp: LinearProgram,
    solver: str = "highs",
    time_limit: float | None = None,
    threads: int | None = None,
    decompose: bool = True,
    min_block: int | None = None,
    ranging: bool = True,
    gap: float | None = None,
    start: np.ndarray | None = None,
    labels=None,
    lp_method: str = "simplex",
) -> Solution:
    """Solve ``lp``. With HiGHS and ``decompose``, an LP that splits into independent blocks
    (see decompose.py) is solved block by block on ``threads`` threads (default: all cores);
    a MILP is solved as one model, then the LP of its duals (builds fixed) decomposes.
    ``ranging``: keep the live HiGHS models (``Solution.highs``, each block's ``highs``) for
    sensitivity.ranging; without it each is freed as soon as its solution is read.
    ``gap``: relative MIP gap (|plan - bound| / |plan|) at which a MILP's plan is optimal
    (default DEFAULT_GAP). ``start``: build values of an LP relaxation (tighten.needed_rows)
    to round into a plan HiGHS starts its search from (mip_start). ``labels``: decompose.lp_labels
    of ``lp``, when already computed. ``lp_method``: "ipm" gives an LP solved as one model (not in
    blocks) to HiGHS's interior-point method with crossover (default "simplex")."""
    gap = DEFAULT_GAP if gap is None else float(gap)
    key = solver.strip().lower()
    t0 = time.perf_counter()
    if key == "highs":
        blocks = None
        if decompose:
            from solver.solve.decompose import MIN_BLOCK, solve_blocks

            def blocks(part, limit, labels=None):
                return solve_blocks(
                    part, limit, threads, MIN_BLOCK if min_block is None else min_block, ranging, labels
                )

        sol = None
        if blocks is not None and not lp.is_mip:
            sol = blocks(lp, time_limit, labels)
        if sol is None:
            sol = _solve_highs(lp, time_limit, blocks, ranging, gap, start, lp_method=lp_method)
    else:
        sol = _solve_pulp(lp, key, time_limit, gap)
    sol.seconds = time.perf_counter() - t0
    return sol


# ---------------------------------------------------------------- PuLP solvers


__all__ = ["solve"]
