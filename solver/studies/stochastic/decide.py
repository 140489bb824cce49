"""The stochastic decision and the figures around it, by any of the three exact methods.

    RP   = E[f(x*)]            expected cost of the recommended decision x*
    EV   = min_x f_mean(x)     the problem with every parameter at its mean; x_EV its decision
    EEV  = E[f(x_EV)]          expected cost of the mean-value decision
    WS   = E[min_x f_s(x)]     wait and see (perfect information)
    VSS  = EEV - RP,  EVPI = RP - WS

Methods: ``enumerate`` (every first-stage combination on every scenario, warm LPs),
``extensive`` (one MILP), ``benders`` (benders.py); ``auto`` picks. A scenario no
decision can serve raises ``NoDecision`` naming it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from solver.errors import plural
from solver.results.risk import expected, risk_objective, var_cvar
from solver.solve.live import LiveLP
from solver.studies.stochastic.problem import TwoStageProblem
from solver.studies.stochastic.worker import Worker, enum_chunk, fixed_chunk, free_chunk
from solver.studies.sweep.pool import Pool, chunked

MAX_ENUMERATED = 6
# auto enumerates up to this many build options, and decomposes beyond (measured on generated facility-location
# cases, 50-200 scenarios, one worker: 4 options enumerate 0.6 s, benders 1.2 s; 5 options 1.1 s each;
# 6 options enumerate 2.6-3.3 s, benders 1.2-1.9 s; 200 scenarios 10.6 s against 6.3 s). Benders also beat the
# extensive MILP on every case measured (8-12 options, 20-200 scenarios: 1.2x to 4.2x), so auto hands the
# extensive form only to another solver than HiGHS (benders runs in HiGHS only).
AUTO_ENUMERATED = 5
METHODS = ("auto", "enumerate", "extensive", "benders")


class NoDecision(Exception):
    """No first-stage decision serves every scenario; ``reasons`` say why, per scenario."""

    def __init__(self, message: str, reasons: list[str]):
        super().__init__(message)
        self.reasons = reasons


@dataclass
class Decision:
    method: str
    why: str
    x: np.ndarray
    costs: np.ndarray  # f_s(x*)
    objective: float
    expected_cost: float
    cvar: float
    ev: float
    x_ev: np.ndarray | None
    costs_ev: np.ndarray  # f_s(x_EV)
    eev: float
    ws_costs: np.ndarray
    ws: float
    lower: float
    upper: float
    iterations: int
    seconds: float
    combos: np.ndarray | None = None  # enumerate: every combination, and its costs per scenario
    matrix: np.ndarray | None = None
    weight: float = 0.0  # lambda, and the CVaR level: the objective minimised is E + lambda * CVaR_alpha
    alpha: float = 0.95
    probability: np.ndarray | None = None
    cuts: int = 0  # benders: cuts added to its master
    lp_iterations: int = 0  # benders: master LP relaxations solved (of ``iterations``)
    wait_and_see: bool = True  # False: WS (and EVPI) not computed (--no-wait-and-see)
    proven: bool = True  # False: benders stopped (iteration limit) before its bounds met the gap
    ws_seconds: float = 0.0  # what the wait-and-see solves took (0 when skipped, or read off enumerate's matrix)

    def _risk(self, costs: np.ndarray) -> float:
        assert self.probability is not None  # decide() always gives it
        return risk_objective(costs, self.probability, self.weight, self.alpha)

    @property
    def vss(self) -> float:
        """What solving the stochastic problem is worth over the mean-value decision, on the objective that is
        minimised: EEV - RP without a risk weight; with one, (E + lambda CVaR)(x_EV) - (E + lambda CVaR)(x*),
        never negative, since x* minimises it."""
        if not self.weight:
            return self.eev - self.expected_cost
        return self._risk(self.costs_ev) - self.objective

    @property
    def evpi(self) -> float:
        """RP - WS, on the objective minimised (with a risk weight: of the wait-and-see costs' distribution)."""
        if not self.weight:
            return self.expected_cost - self.ws
        return self.objective - self._risk(self.ws_costs)


def combinations(problem: TwoStageProblem) -> np.ndarray:
    lp, first = problem.lp, problem.first
    ranges = [np.arange(lp.col_lower[j], lp.col_upper[j] + 1) for j in first]
    combos = list(itertools.product(*ranges))  # no options: one combination, building nothing
    out = np.array(combos, float).reshape(len(combos), len(first))
    return out[_allowed(lp, first, out)]


def _allowed(lp, first: np.ndarray, combos: np.ndarray) -> np.ndarray:
    """The combinations that the rows of first-stage columns alone allow (groups.csv: exclusive options)."""
    ok = np.ones(len(combos), bool)
    pos = np.full(lp.num_col, -1)
    pos[first] = np.arange(len(first))
    lens = np.diff(lp.start)
    other = np.bincount(np.repeat(np.arange(lp.num_row), lens), weights=pos[lp.index] < 0, minlength=lp.num_row)
    for i in np.flatnonzero((other == 0) & (lens > 0)):
        cols = lp.index[lp.start[i] : lp.start[i + 1]]
        act = combos[:, pos[cols]] @ lp.value[lp.start[i] : lp.start[i + 1]]
        ok &= (act >= lp.row_lower[i] - 1e-9) & (act <= lp.row_upper[i] + 1e-9)
    return ok


def small_binary(problem: TwoStageProblem) -> bool:
    """Build-or-not first stage with few enough options to enumerate."""
    lo, up = problem.lp.col_lower[problem.first], problem.lp.col_upper[problem.first]
    return problem.integer_first and bool((up - lo <= 1).all()) and len(problem.first) <= MAX_ENUMERATED


def pick_method(problem: TwoStageProblem, method: str) -> tuple[str, str]:
    k = len(problem.first)
    lo, up = problem.lp.col_lower[problem.first], problem.lp.col_upper[problem.first]
    binary = problem.integer_first and bool((up - lo <= 1).all())
    if method == "enumerate" and not binary:
        raise ValueError("--method enumerate needs first-stage decisions that are build-or-not (0/1)")
    if method == "enumerate" and k > MAX_ENUMERATED:
        raise ValueError(
            f"--method enumerate takes up to {MAX_ENUMERATED} build options ({2**MAX_ENUMERATED} "
            f"combinations); this case has {k}: use --method benders or extensive"
        )
    if method == "benders" and problem.solver != "highs":
        raise ValueError(
            f"--method benders keeps its master and scenario models live in HiGHS; with --solver {problem.solver} "
            "use --method extensive (one MILP to the solver) or enumerate"
        )
    if method != "auto":
        return method, "as asked"
    if binary and k <= (AUTO_ENUMERATED if problem.solver == "highs" else MAX_ENUMERATED):
        return (
            "enumerate",
            f"{plural(k, 'build option')}: {plural(2**k, 'combination')}, each a warm-started LP per scenario",
        )
    if problem.solver != "highs":
        return "extensive", f"one MILP of {problem.n} scenarios to {problem.solver} (benders runs in HiGHS only)"
    return "benders", f"{plural(k, 'first-stage decision')} and {problem.n} scenarios: decomposition"


def decide(
    problem: TwoStageProblem,
    method: str = "auto",
    weight: float = 0.0,
    alpha: float = 0.95,
    gap: float = 1e-6,
    jobs: int | None = None,
    dask: str | None = None,
    progress=None,
    wait_and_see: bool = True,
) -> Decision:
    """``wait_and_see=False``: no wait-and-see solves (one MILP per scenario); WS and EVPI are then NaN."""
    t0 = time.perf_counter()
    method, why = pick_method(problem, method)
    if method == "extensive":  # one MILP of every scenario's copy: checked before any solve
        _check_extensive_memory(problem)
    p = problem.probability
    combos = combinations(problem) if small_binary(problem) else None
    cuts = lp_iterations = 0
    proven = True
    with Pool(Worker(problem, combos), jobs, dask) as pool:
        chunks = chunked(list(range(problem.n)), pool.jobs)
        bar = progress or (lambda n: None)
        matrix = None
        if method == "enumerate":
            assert combos is not None  # pick_method enumerates only what small_binary allows
            matrix = _enumerate(pool, chunks, problem.n, len(combos), bar)
        t_ws = time.perf_counter()
        ws_costs = _wait_and_see(problem, pool, chunks, matrix, wait_and_see, bar)
        ws_seconds = time.perf_counter() - t_ws
        ev, x_ev, costs_ev = _mean_value_decision(problem, pool, chunks, combos, matrix, bar)
        if method == "enumerate":
            assert combos is not None and matrix is not None
            scores = np.array([risk_objective(matrix[:, j], p, weight, alpha) for j in range(len(combos))])
            if not np.isfinite(scores).any():
                raise _no_common_decision(problem, np.flatnonzero(np.isinf(matrix).any(axis=1)))
            j = int(np.argmin(scores))  # ties: the first combination (fewest builds first)
            x, costs, lower = combos[j], matrix[:, j], scores[j]
            upper, iterations = scores[j], 1
        elif method == "extensive":
            x, costs, lower = _extensive(problem, pool, chunks, weight, alpha, gap, bar)
            upper, iterations = risk_objective(costs, p, weight, alpha), 1
        else:
            res = _benders(problem, pool, chunks, ws_costs, weight, alpha, gap, x_ev, wait_and_see, bar)
            x, costs, lower, upper, iterations = res.x, res.costs, res.lower, res.upper, res.iterations
            cuts, lp_iterations, proven = res.cuts, res.lp_iterations, res.optimal
    e = expected(costs, p)
    cvar = var_cvar(costs, p, alpha)[1]
    return Decision(
        method,
        why,
        x,
        costs,
        e + weight * cvar if weight else e,
        e,
        cvar,
        ev,
        x_ev,
        costs_ev,
        expected(costs_ev, p),
        ws_costs,
        expected(ws_costs, p),
        lower,
        upper,
        iterations,
        time.perf_counter() - t0,
        combos,
        matrix,
        weight,
        alpha,
        p,
        cuts,
        lp_iterations,
        wait_and_see or matrix is not None,
        proven,
        ws_seconds if wait_and_see and matrix is None else 0.0,
    )


def _mean_value_decision(problem, pool, chunks, combos, matrix, bar):
    """EV, the mean-value decision, and its cost in each scenario (read off enumerate's table when there)."""
    ev, x_ev = _mean_value(problem)
    if x_ev is None:
        return ev, x_ev, np.full(problem.n, np.inf)
    if matrix is not None and combos is not None:  # the mean-value decision is an enumerated combination
        return ev, x_ev, matrix[:, int(np.flatnonzero((combos == x_ev).all(axis=1))[0])]
    return ev, x_ev, _evaluate(pool, chunks, x_ev, problem.n, bar)


def _check_extensive_memory(problem) -> None:
    from solver.solve import memory

    name = problem.case.name if hasattr(problem, "case") else "the problem"  # a CaseProblem, or any other
    memory.check_extensive(name, problem.lp, problem.n, enumerable=small_binary(problem))


def _wait_and_see(problem, pool, chunks, matrix, wait_and_see: bool, bar) -> np.ndarray:
    """min_x f_s(x) per scenario (from the enumerated matrix, or one MILP each), NaN when skipped; a scenario
    no decision serves stops the run here, named."""
    if matrix is not None:
        ws = matrix.min(axis=1)
    elif wait_and_see:
        ws = _free(pool, chunks, problem.n, bar)
    else:
        return np.full(problem.n, np.nan)
    _check_servable(problem, ws)
    return ws


def _benders(problem, pool, chunks, ws_costs, weight, alpha, gap, x_ev, wait_and_see: bool, bar):
    from solver.studies.stochastic.benders import solve_benders

    res = solve_benders(problem, pool, ws_costs, weight, alpha, gap, x0=x_ev, progress=bar)
    if res.x is None or res.costs is None or not np.isfinite(res.upper):
        if not wait_and_see:  # name the scenarios no decision serves, if any, as a run with WS does
            _check_servable(problem, _free(pool, chunks, problem.n, bar))
        raise _no_common_decision(problem, np.array(sorted(res.cut_scenarios)))
    return res


class SolverDisagrees(Exception):
    """The solver's claim about a decision did not hold when the decision was re-evaluated, even after a
    retry with safer settings: no recommendation is made from it."""


def _extensive(problem, pool, chunks, weight, alpha, gap, bar):
    """The extensive form's decision, re-evaluated on every scenario (its second stages solved with the
    decision fixed) and checked against what HiGHS claimed: its objective, and a bound no higher. A claim
    that does not hold is retried with presolve off; if it still does not, SolverDisagrees, never a
    recommendation. Returns (x, scenario costs, lower bound of the objective shown)."""
    from solver.studies.stochastic.extensive import solve_extensive

    p = problem.probability
    for safe in (False, True):
        res = solve_extensive(problem, weight, alpha, gap, safe=safe)
        if not res.optimal:
            raise _no_common_decision(problem, np.arange(problem.n))
        x = np.round(res.x) if problem.integer_first else res.x
        costs = _evaluate(pool, chunks, x, problem.n, bar)
        actual = risk_objective(costs, p, weight, alpha)
        tol = max(gap, 1e-6) * max(1.0, abs(actual))
        if abs(actual - res.objective) <= tol and res.bound <= actual + tol:
            return x, costs, min(res.bound, actual)
    raise SolverDisagrees(
        f"the extensive form's plan did not hold up: HiGHS called it optimal at {res.objective:,.2f} with a bound "
        f"of {res.bound:,.2f}, but the decision re-evaluated on every scenario costs {actual:,.2f} (also with "
        "presolve off); no recommendation is made from it: use --method benders or enumerate"
    )


def _enumerate(pool, chunks, n, k, bar) -> np.ndarray:
    matrix = np.empty((n, k))
    for batch in pool.map(enum_chunk, chunks):
        for s, row in batch:
            matrix[s] = row
        bar(len(batch))
    return matrix


def _free(pool, chunks, n, bar) -> np.ndarray:
    ws = np.empty(n)
    for batch in pool.map(free_chunk, chunks):
        for s, obj in batch:
            ws[s] = obj
        bar(len(batch))
    return ws


def _check_servable(problem, ws) -> None:
    """A scenario with no finite wait-and-see cost is served by no decision."""
    bad = np.flatnonzero(~np.isfinite(ws))
    if len(bad):
        lines = []
        for s in bad[:5]:
            why = problem.why_infeasible(int(s))
            lines.append(
                f"scenario {problem.names[s]}: no decision can serve it (even with every option built)"
                + (": " + "; ".join(why) if why else "")
            )
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        raise NoDecision(
            f"{len(bad)} scenario{'s' if len(bad) != 1 else ''} cannot be served whatever is built{more}", lines
        )


def _mean_value(problem):
    if problem.solver != "highs":
        from solver.solve.live_blocks import live_lp

        live = live_lp(problem.lp, integer=problem.integer_first, solver=problem.solver)
    else:
        live = LiveLP(problem.lp, integer=problem.integer_first)
    live.apply(problem.mean_change())
    ok, obj = live.run()
    if not ok:
        return float("nan"), None
    x = live.x()[problem.first]
    return obj, (np.round(x) if problem.integer_first else x)


def _evaluate(pool, chunks, x, n, bar):
    costs = np.empty(n)
    for batch in pool.map(fixed_chunk, chunks, x, False):
        for s, ok, obj, _ in batch:
            costs[s] = obj if ok else np.inf
        bar(len(batch))
    return costs


def evaluate(problem: TwoStageProblem, x: np.ndarray, jobs=None, dask=None, progress=None) -> np.ndarray:
    """f_s(x) for every scenario of ``problem`` (inf where x leaves s infeasible)."""
    with Pool(Worker(problem), jobs, dask) as pool:
        return _evaluate(pool, chunked(list(range(problem.n)), pool.jobs), x, problem.n, progress or (lambda n: None))


def _no_common_decision(problem, scenarios) -> NoDecision:
    names = [problem.names[s] for s in scenarios[:8]]
    return NoDecision(
        "no single decision serves every scenario (each can be served alone, but not all with the same builds)",
        [f"scenario {n} needs a decision that another scenario rules out" for n in names],
    )
