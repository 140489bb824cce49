"""The L-shaped method, multi-cut, in two phases: the master's LP relaxation, then the integer master.

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
when all are feasible and x_k is a plan); it stops when upper - lower <= gap * max(1, |upper|).

Phases (the strengthened L-shaped method of Bodur, Dash, Günlük & Luedtke 2017, with the
in-out stabilisation of Ben-Ameur & Neto 2007):

1. the mean-value decision x_EV is evaluated first: a plan, and a cut on every theta_s;
2. LP phase: the master with integrality relaxed, cuts at x_k = lam * core + (1 - lam) * x_lp
   (core: a point inside the hull of plans, every option built at first, moved halfway to
   x_lp each time; lam = 1/2, then 0 once the bound stalls or a point leaves a scenario
   infeasible) until the bound moves less than LP_STALL three times running. The scenario LPs
   carry the strong linking rows (strong.py), so these cuts see what closing a site costs.
   The relaxation's solution rounded up is tried as a plan;
3. integer phase: the master MILP with every cut so far, started from the best plan.

Where scenarios change only right-hand sides and bounds (demand, capacity), the master also carries
the mean-value scenario's own second stage and sum_s p_s theta_s >= f_mean(x) (Jensen's inequality,
jensen.py, master.py): from the first master on it knows roughly what every plan costs.

A cut at a fractional x_k is valid for every x for the same reason (f_s is convex in x over
the LP's x, and equals the integer model's f_s at integer x), so the LP phase's bound is a
lower bound of the MILP's.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from solver.results.risk import risk_objective
from solver.studies.stochastic.jensen import jensen_groups, mean_value_blocks
from solver.studies.stochastic.master import Master
from solver.studies.stochastic.problem import TwoStageProblem
from solver.studies.stochastic.worker import fixed_chunk
from solver.studies.sweep.pool import chunked

MAX_ITERATIONS = 1000  # integer master solves
LP_ITERATIONS = 200  # master LP relaxation solves of the LP phase
LP_STALL = 1e-4  # the LP phase ends when its bound moved less than this (relative) three times running


@dataclass
class BendersResult:
    optimal: bool
    x: np.ndarray | None  # None: no x served every scenario
    upper: float
    lower: float
    iterations: int
    costs: np.ndarray | None  # f_s(x) of the returned x
    cut_scenarios: set[int] = field(default_factory=set)  # scenarios that needed feasibility cuts
    cuts: int = 0  # cuts added to the master
    lp_iterations: int = 0  # of ``iterations``, those of the LP phase


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
    blocks = mean_value_blocks(problem, jensen_groups(len(problem.first)))
    master = Master(problem, ws, weight, alpha, gap, blocks)
    run = _Run(problem, pool, master, weight, alpha, gap, progress)
    if x0 is not None:  # the mean-value decision: a first plan and its cuts
        run.iterations += 1
        run.evaluate(x0)
    lo, up = run.master.bounds()
    if np.isnan(ws).any() and np.isfinite(up).all():
        # no wait-and-see bound on theta: every option built gives each scenario an optimality cut (a scenario
        # it cannot serve, no plan can)
        run.iterations += 1
        if not np.isfinite(run.evaluate(up.copy())):
            return run.result(False)
    if run.master.mip:
        run.lp_phase(x0)
        run.master.integer(True)
        if run.best_x is not None and not weight:
            run.master.start_from(run.best_x, run.best_costs)
    while not run.closed() and run.iterations < MAX_ITERATIONS:
        run.iterations += 1
        t0 = time.perf_counter()
        cutoff = None
        if run.best_x is not None and not weight:
            # (with a risk weight the master kept returning its start as optimal below the bounds' gap: the
            # plain master there, until that is understood)
            cutoff = run.best_ub - 0.5 * gap * max(1.0, abs(run.best_ub))
            run.master.start_from(run.best_x, run.best_costs)
        ok, xk, lower = run.master.solve(gap * 0.5, cutoff)
        if os.environ.get("PLANTSPLIT_DEBUG_BENDERS"):
            print(
                f"  master {time.perf_counter() - t0:.1f} s lower {lower:.2f} best {run.best_ub:.2f} "
                f"gap {run.master_gap():.1e} rows {run.master.h.getNumRow()}",
                file=sys.stderr,
            )
        if not ok:
            return run.result(False)
        run.lower = max(run.lower, lower)
        if not run.closed() and xk is not None:
            run.evaluate(xk)
            # the other plans the MILP found below the cutoff on its way: cuts where the master is wrong too
            for other in run.master.found(xk, cutoff):
                if run.closed():
                    break
                run.iterations += 1
                run.evaluate(other)
    return run.result(run.closed())


class _Run:
    """One Benders run: the master, the best plan so far and the bounds."""

    def __init__(self, problem, pool, master: Master, weight, alpha, gap, progress):
        self.problem, self.pool, self.master = problem, pool, master
        self.weight, self.alpha, self.gap, self.progress = weight, alpha, gap, progress
        self.chunks = chunked(list(range(problem.n)), pool.jobs, smallest=16, largest=512)
        self.best_x: np.ndarray | None = None
        self.best_costs: np.ndarray | None = None
        self.best_ub, self.lower = np.inf, -np.inf
        self.cut_scenarios: set[int] = set()
        self.iterations = self.lp_iterations = self.cuts = 0
        self.scenario_seconds = 0.0  # evaluating plans on the scenarios (the rest: the master)

    def evaluate(self, xk: np.ndarray) -> float:
        """f_s(xk) on every scenario, a cut from each; the risk objective at xk (inf: a scenario infeasible).
        An integer xk serving every scenario is a candidate for the best plan."""
        t0 = time.perf_counter()
        costs = np.empty(self.problem.n)
        feasible = True
        results = []
        for batch in self.pool.map(fixed_chunk, self.chunks, xk, True):
            if self.progress:
                self.progress(len(batch))
            for s, ok_s, value, g in batch:
                results.append((s, ok_s, value, g))
                costs[s] = value if ok_s else np.inf
                if not ok_s:
                    feasible = False
                    self.cut_scenarios.add(s)
        self.cuts += self.master.add_cuts(results, xk)
        self.scenario_seconds += time.perf_counter() - t0
        if not feasible:
            return np.inf
        value = risk_objective(costs, self.problem.probability, self.weight, self.alpha)
        integral = not self.master.has_ints or bool(np.all(np.abs(xk - np.round(xk)) <= 1e-9))
        if integral:
            self.master.evaluated.add(tuple(np.round(xk, 9)))
        if integral and value < self.best_ub:
            self.best_x, self.best_ub, self.best_costs = xk.copy(), value, costs
        return value

    def lp_phase(self, x0: np.ndarray | None) -> None:
        """Cuts at points of the master's LP relaxation until its bound stops moving (in-out: each point is
        between the relaxation's solution and a core point inside the hull of plans, which moves towards it;
        Ben-Ameur & Neto 2007, Fischetti, Ljubic & Sinnl 2017). Every cut stays for the integer phase, and the
        relaxation's solution rounded up is tried as a plan."""
        m = self.master
        m.integer(False)
        lo, up = m.bounds()
        core = np.clip(x0, lo, up) if x0 is not None else up.copy()  # every option built: serves the most
        lam, stall, last = 0.5, 0, -np.inf
        for _ in range(LP_ITERATIONS):
            self.lp_iterations += 1
            ok, x_lp, bound = m.solve()
            if not ok:
                return
            self.lower = max(self.lower, bound)
            if self.closed():
                return
            point = lam * core + (1 - lam) * x_lp
            value = self.evaluate(point)
            core = 0.5 * (core + x_lp)
            if not np.isfinite(value):
                lam = 0.0  # an infeasible point gives a feasibility cut; from here separate the LP's own point
            moved = bound - last > LP_STALL * max(1.0, abs(bound))
            stall = 0 if moved else stall + 1
            last = max(last, bound)
            if stall >= 2 and lam > 0:
                lam, stall = 0.0, 0  # the in-out point stopped helping: cut the relaxation's solution itself
            elif stall >= 3:
                break
        ok, x_lp, _ = m.solve()
        if ok:
            m.purge()
            for cut in (1e-6, 0.1, 0.5):  # the relaxation's solution rounded: candidate plans
                self.evaluate(np.minimum(np.ceil(x_lp - cut), up))

    def master_gap(self) -> float:
        """The integer master's gap: a tenth of the bounds' distance, between gap / 2 and 1e-3."""
        if self.best_x is None:
            return self.gap * 0.5
        far = (self.best_ub - self.lower) / max(1.0, abs(self.best_ub))
        return max(self.gap * 0.5, min(1e-3, far / 10))

    def closed(self) -> bool:
        return self.best_x is not None and self.best_ub - self.lower <= self.gap * max(1.0, abs(self.best_ub))

    def result(self, optimal: bool) -> BendersResult:
        if os.environ.get("PLANTSPLIT_DEBUG_BENDERS"):
            print(
                f"benders: {self.scenario_seconds:.1f} s on scenarios, {self.iterations} + {self.lp_iterations} "
                f"iterations, {self.cuts} cuts, master {self.master.seconds}",
                file=sys.stderr,
            )
        return BendersResult(
            optimal,
            self.best_x,
            self.best_ub,
            self.lower,
            self.iterations + self.lp_iterations,
            self.best_costs,
            self.cut_scenarios,
            self.cuts,
            self.lp_iterations,
        )
