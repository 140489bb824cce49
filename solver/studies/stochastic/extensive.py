"""The deterministic equivalent: one HiGHS MILP with a copy of the second stage per scenario.

Columns: x (first stage, shared), y_s (second stage of scenario s), and with lambda > 0
eta (VaR, free) and z_s >= 0 (cost above eta). Rows: every row of scenario s's LP,
over (x, y_s); with lambda > 0 also  c_s x + q_s y_s - eta - z_s <= 0.

    min  sum_s p_s (c_s x + q_s y_s) + lambda * (eta + 1/(1 - alpha) * sum_s p_s z_s)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.model.changes import materialize
from solver.model.lp import Builder, Cols, Rows
from solver.solve.highs import load_highs
from solver.studies.stochastic.problem import TwoStageProblem


@dataclass
class Extensive:
    optimal: bool
    objective: float
    bound: float
    x: np.ndarray


def build(problem: TwoStageProblem, weight: float, alpha: float):
    lp, first, p = problem.lp, problem.first, problem.probability
    second = np.setdiff1d(np.arange(lp.num_col), first)
    b = Builder()
    mats = [materialize(lp, problem.change(s)) for s in range(problem.n)]
    x_cost = sum(pi * m.cost[first] for pi, m in zip(p, mats, strict=True))
    x_idx = b.add_cols(
        Cols("first", lp.col_names[first], x_cost, lp.col_lower[first], lp.col_upper[first], lp.integer[first])
    )
    where = np.full(lp.num_col, -1, np.int64)
    where[first] = x_idx
    y_blocks = []
    for s, m in enumerate(mats):
        idx = b.add_cols(
            Cols(
                f"second[{s}]",
                m.col_names[second],
                p[s] * m.cost[second],
                m.col_lower[second],
                m.col_upper[second],
                m.integer[second],
            )
        )
        y_blocks.append(idx)
    if weight > 0:
        eta = b.add_cols(
            Cols("eta", np.array(["eta"], object), np.array([weight]), np.array([-np.inf]), np.array([np.inf]))
        )
        z = b.add_cols(
            Cols(
                "z",
                np.array([f"z[{n}]" for n in problem.names], object),
                weight * p / (1.0 - alpha),
                np.zeros(problem.n),
                np.full(problem.n, np.inf),
            )
        )
    for s, m in enumerate(mats):
        col_map = where.copy()
        col_map[second] = y_blocks[s]
        rows = np.repeat(np.arange(m.num_row), np.diff(m.start))
        b.add_rows(Rows(f"rows[{s}]", m.row_names, m.row_lower, m.row_upper, rows, col_map[m.index], m.value))
    if weight > 0:
        r, c, v = [], [], []
        for s, m in enumerate(mats):
            nz = np.flatnonzero(m.cost)
            col_map = where.copy()
            col_map[second] = y_blocks[s]
            r += [np.full(len(nz) + 2, s)]
            c += [np.concatenate([col_map[nz], [eta[0], z[s]]])]
            v += [np.concatenate([m.cost[nz], [-1.0, -1.0]])]
        b.add_rows(
            Rows(
                "cvar",
                np.array([f"cvar[{n}]" for n in problem.names], object),
                np.full(problem.n, -np.inf),
                np.zeros(problem.n),
                np.concatenate(r),
                np.concatenate(c),
                np.concatenate(v),
            )
        )
    return b.finish(), x_idx


def solve_extensive(
    problem: TwoStageProblem, weight: float, alpha: float, gap: float = 1e-6, safe: bool = False
) -> Extensive:
    """The deterministic equivalent in HiGHS. ``safe``: presolve off and a tighter feasibility tolerance,
    the retry when a plan HiGHS called optimal did not hold up when re-evaluated (decide.py)."""
    import highspy

    ef, x_idx = build(problem, weight, alpha)
    if problem.solver != "highs":
        return _solve_other(ef, x_idx, problem.solver, gap)
    h = load_highs(ef)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("mip_abs_gap", 0.0)
    if safe:
        h.setOptionValue("presolve", "off")
        h.setOptionValue("primal_feasibility_tolerance", 1e-9)
        h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return Extensive(False, float("nan"), float("nan"), np.full(len(x_idx), np.nan))
    info = h.getInfo()
    x = np.asarray(h.getSolution().col_value)[x_idx]
    bound = info.mip_dual_bound if ef.is_mip else info.objective_function_value
    return Extensive(True, info.objective_function_value, bound, x)


def write_extensive_mps(problem: TwoStageProblem, path, weight: float = 0.0, alpha: float = 0.95) -> None:
    """The deterministic equivalent as an MPS file (for a solver run alone on it: bench/stochastic_scale.py)."""
    ef, _ = build(problem, weight, alpha)
    load_highs(ef).writeModel(str(path))


def _solve_other(ef, x_idx: np.ndarray, key: str, gap: float) -> Extensive:
    """The deterministic equivalent solved by a PuLP solver with relative gap ``gap``: its lower bound
    is the plan's cost less that gap (PuLP reads back no solver's own bound)."""
    from solver.solve.backends import _solve_pulp
    from solver.solve.status import Status

    sol = _solve_pulp(ef, key, None, gap)
    if sol.status is not Status.OPTIMAL:
        return Extensive(False, float("nan"), float("nan"), np.full(len(x_idx), np.nan))
    bound = sol.objective - gap * abs(sol.objective) if ef.is_mip else sol.objective
    return Extensive(True, sol.objective, bound, sol.x[x_idx])
