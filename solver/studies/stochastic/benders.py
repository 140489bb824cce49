"""The L-shaped method, multi-cut: an integer master in HiGHS, scenarios as warm LPs.

Master (theta_s: an outer approximation of f_s; with lambda > 0 also eta, z_s):

    min  sum_s p_s theta_s + lambda * (eta + 1/(1 - alpha) sum_s p_s z_s)
    s.t. rows of the LP that hold first-stage columns only
         theta_s >= WS_s                                  (f_s(x) >= min_x f_s(x))
         z_s >= theta_s - eta,  z_s >= 0
         theta_s >= f_s(x_k) + g_s,k (x - x_k)            optimality cuts
         w_s(x_k) + h_s,k (x - x_k) <= 0                  feasibility cuts

g_s,k are the reduced costs of the first-stage columns fixed at x_k in scenario s's
LP; w_s is the phase-1 value (sum of row violations, minimised) of a scenario that x_k
leaves infeasible, h_s,k its reduced costs. f_s and w_s are convex in x, so every cut
holds for every x, and E + lambda*CVaR is non-decreasing in each f_s, so the master's
bound is a lower bound. Each iteration evaluates x_k on every scenario (an upper bound
when all are feasible); it stops when upper - lower <= gap * max(1, |upper|).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.results.risk import risk_objective
from solver.studies.stochastic.problem import TwoStageProblem
from solver.studies.stochastic.worker import fixed_chunk
from solver.studies.sweep.pool import chunked

MAX_ITERATIONS = 1000


@dataclass
class BendersResult:
    optimal: bool
    x: np.ndarray | None  # None: no x served every scenario
    upper: float
    lower: float
    iterations: int
    costs: np.ndarray | None  # f_s(x) of the returned x
    cut_scenarios: set[int] = field(default_factory=set)  # scenarios that needed feasibility cuts


class Master:
    def __init__(self, problem: TwoStageProblem, ws: np.ndarray, weight: float, alpha: float, gap: float):
        import highspy

        from solver.solve.highs import new_highs

        lp, first, p, n = problem.lp, problem.first, problem.probability, problem.n
        self.k, self.n = len(first), n
        h = self.h = new_highs()
        inf = highspy.kHighsInf
        h.setOptionValue("mip_rel_gap", gap * 0.1)
        h.setOptionValue("mip_abs_gap", 0.0)
        lo = lp.col_lower[first]
        up = np.where(np.isinf(lp.col_upper[first]), inf, lp.col_upper[first])
        h.addVars(self.k, lo, up)
        h.addVars(n, ws, np.full(n, inf))  # theta
        cost = np.concatenate([np.zeros(self.k), p])
        if weight > 0:
            h.addVars(1, np.array([ws.min()]), np.array([inf]))  # eta
            h.addVars(n, np.zeros(n), np.full(n, inf))  # z
            cost = np.concatenate([cost, [weight], weight * p / (1.0 - alpha)])
            eta = self.k + n
            for s in range(n):  # theta_s - eta - z_s <= 0
                h.addRow(-inf, 0.0, 3, np.array([self.k + s, eta, eta + 1 + s], np.int32), np.array([1.0, -1.0, -1.0]))
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        if lp.integer[first].any():
            ints = np.flatnonzero(lp.integer[first]).astype(np.int32)
            h.changeColsIntegrality(len(ints), ints, np.array([highspy.HighsVarType.kInteger] * len(ints)))
        only_first = np.isin(np.arange(lp.num_col), first)
        pos = np.full(lp.num_col, -1)
        pos[first] = np.arange(self.k)
        for i in range(lp.num_row):
            cols = lp.index[lp.start[i] : lp.start[i + 1]]
            if len(cols) and only_first[cols].all():
                h.addRow(
                    _inf(lp.row_lower[i], inf),
                    _inf(lp.row_upper[i], inf),
                    len(cols),
                    pos[cols].astype(np.int32),
                    lp.value[lp.start[i] : lp.start[i + 1]],
                )
        self.inf = inf
        self.mip = bool(lp.integer[first].any())

    def optimality_cut(self, s: int, value: float, g: np.ndarray, xk: np.ndarray) -> None:
        # theta_s - g x >= value - g xk
        idx = np.concatenate([np.arange(self.k), [self.k + s]]).astype(np.int32)
        self.h.addRow(value - g @ xk, self.inf, len(idx), idx, np.concatenate([-g, [1.0]]))

    def feasibility_cut(self, w: float, g: np.ndarray, xk: np.ndarray) -> None:
        # g x <= g xk - w
        self.h.addRow(-self.inf, g @ xk - w, self.k, np.arange(self.k, dtype=np.int32), g)

    def solve(self) -> tuple[bool, np.ndarray, float]:
        import highspy

        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False, np.zeros(self.k), float("nan")
        info = self.h.getInfo()
        x = np.asarray(self.h.getSolution().col_value)[: self.k]
        bound = info.mip_dual_bound if self.mip else info.objective_function_value
        if self.mip:
            x = np.round(x)
        return True, x, float(bound)


def _inf(v: float, inf: float) -> float:
    return inf if v == np.inf else -inf if v == -np.inf else float(v)


def solve_benders(
    problem: TwoStageProblem,
    pool,
    ws: np.ndarray,
    weight: float,
    alpha: float,
    gap: float = 1e-6,
    x0: np.ndarray | None = None,
    progress=None,
) -> BendersResult:
    p = problem.probability
    master = Master(problem, ws, weight, alpha, gap)
    chunks = chunked(list(range(problem.n)), pool.jobs, smallest=16, largest=512)
    best_x: np.ndarray | None = None
    best_costs: np.ndarray | None = None
    best_ub, lower = np.inf, -np.inf
    cut_scenarios: set[int] = set()
    xk = x0
    for it in range(1, MAX_ITERATIONS + 1):
        if xk is None:
            ok, xk, lower = master.solve()
            if not ok:
                return BendersResult(False, best_x, best_ub, lower, it, best_costs, cut_scenarios)
        costs = np.empty(problem.n)
        feasible = True
        for batch in pool.map(fixed_chunk, chunks, xk, True):
            if progress:
                progress(len(batch))
            for s, ok_s, value, g in batch:
                if ok_s:
                    costs[s] = value
                    master.optimality_cut(s, value, g, xk)
                else:
                    costs[s] = np.inf
                    feasible = False
                    cut_scenarios.add(s)
                    master.feasibility_cut(value, g, xk)
        if feasible:
            ub = risk_objective(costs, p, weight, alpha)
            if ub < best_ub:
                best_x, best_ub, best_costs = xk.copy(), ub, costs
        if best_x is not None and best_ub - lower <= gap * max(1.0, abs(best_ub)):
            return BendersResult(True, best_x, best_ub, lower, it, best_costs, cut_scenarios)
        xk = None
    return BendersResult(False, best_x, best_ub, lower, MAX_ITERATIONS, best_costs, cut_scenarios)
