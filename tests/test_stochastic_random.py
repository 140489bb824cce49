"""The three methods agree with an extensive form written independently (scipy.optimize.milp).

Random capacity-expansion problems: 3 build-or-not options (option j adds to plant j),
3 plants, 2 markets, unmet demand at a penalty, 6 scenarios with random flow costs,
build costs and demands and random probabilities. The reference model below is written
from the maths (dense matrices), not from the engine's extensive form.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from solver.model.changes import Change
from solver.model.lp import Builder, Cols, Rows
from solver.studies.stochastic.benders import solve_benders
from solver.studies.stochastic.decide import decide
from solver.studies.stochastic.problem import ExplicitProblem
from solver.studies.sweep.pool import Pool
from solver.studies.stochastic.worker import Worker

K, P, M, S, PENALTY = 3, 3, 2, 6, 500.0


def random_case(seed):
    rng = np.random.default_rng(seed)
    return dict(
        cap=rng.uniform(20, 60, P),
        add=rng.uniform(20, 60, P),
        build=rng.uniform(200, 2000, (S, K)),
        flow=rng.uniform(1, 40, (S, P, M)),
        demand=rng.uniform(20, 90, (S, M)),
        p=rng.dirichlet(np.ones(S)),
    )


def as_problem(d) -> ExplicitProblem:
    b = Builder()
    x = b.add_cols(
        Cols(
            "build",
            np.array([f"x{j}" for j in range(K)], object),
            d["build"].mean(axis=0),
            np.zeros(K),
            np.ones(K),
            np.ones(K, bool),
        )
    )
    y = b.add_cols(
        Cols(
            "flow",
            np.array([f"y{i}{m}" for i in range(P) for m in range(M)], object),
            np.zeros(P * M),
            np.zeros(P * M),
            np.full(P * M, np.inf),
        )
    )
    u = b.add_cols(
        Cols(
            "unmet", np.array([f"u{m}" for m in range(M)], object), np.full(M, PENALTY), np.zeros(M), np.full(M, np.inf)
        )
    )
    r, c, v = [], [], []
    for m in range(M):  # demand rows 0..M-1
        for i in range(P):
            r.append(m), c.append(y[i * M + m]), v.append(1.0)
        r.append(m), c.append(u[m]), v.append(1.0)
    for i in range(P):  # capacity rows M..M+P-1
        for m in range(M):
            r.append(M + i), c.append(y[i * M + m]), v.append(1.0)
        r.append(M + i), c.append(x[i]), v.append(-d["add"][i])
    b.add_rows(
        Rows(
            "rows",
            np.array([f"r{k}" for k in range(M + P)], object),
            np.concatenate([np.zeros(M), np.full(P, -np.inf)]),
            np.concatenate([np.zeros(M), d["cap"]]),
            np.array(r),
            np.array(c),
            np.array(v),
        )
    )
    lp = b.finish()
    changes = []
    for s in range(S):
        cost = lp.cost.copy()
        cost[x] = d["build"][s]
        cost[y] = d["flow"][s].ravel()
        changes.append(Change(cost=cost, row_index=np.arange(M), row_lower=d["demand"][s], row_upper=d["demand"][s]))
    return ExplicitProblem(lp, x, tuple(f"s{s}" for s in range(S)), d["p"], changes)


def reference(d, weight, alpha) -> float:
    """min E + weight * CVaR by scipy's HiGHS MILP on a dense extensive form."""
    n_s = P * M + M  # second-stage columns per scenario
    n = K + S * n_s + 1 + S
    eta, z0 = K + S * n_s, K + S * n_s + 1
    p = d["p"]
    cost = np.zeros(n)
    cost[:K] = p @ d["build"]
    rows, lo, hi = [], [], []
    for s in range(S):
        base = K + s * n_s
        cost[base : base + P * M] = p[s] * d["flow"][s].ravel()
        cost[base + P * M : base + n_s] = p[s] * PENALTY
        for m in range(M):
            a = np.zeros(n)
            a[[base + i * M + m for i in range(P)]] = 1
            a[base + P * M + m] = 1
            rows.append(a), lo.append(d["demand"][s, m]), hi.append(d["demand"][s, m])
        for i in range(P):
            a = np.zeros(n)
            a[base + i * M : base + i * M + M] = 1
            a[i] = -d["add"][i]
            rows.append(a), lo.append(-np.inf), hi.append(d["cap"][i])
        a = np.zeros(n)  # scenario cost - eta - z_s <= 0
        a[:K] = d["build"][s]
        a[base : base + P * M] = d["flow"][s].ravel()
        a[base + P * M : base + n_s] = PENALTY
        a[eta], a[z0 + s] = -1, -1
        rows.append(a), lo.append(-np.inf), hi.append(0.0)
    cost[eta] = weight
    cost[z0:] = weight * p / (1 - alpha)
    lower = np.zeros(n)
    lower[eta] = -np.inf
    upper = np.full(n, np.inf)
    upper[:K] = 1
    integrality = np.zeros(n)
    integrality[:K] = 1
    res = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        bounds=Bounds(lower, upper),
        integrality=integrality,
        options={"mip_rel_gap": 1e-9},
    )
    assert res.success
    return res.fun


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weight, alpha", [(0.0, 0.95), (1.0, 0.7)])
def test_methods_agree_with_independent_extensive_form(seed, weight, alpha):
    d = random_case(seed)
    want = reference(d, weight, alpha)
    problem = as_problem(d)
    for method in ("enumerate", "extensive", "benders"):
        got = decide(problem, method=method, weight=weight, alpha=alpha, jobs=1)
        assert got.objective == pytest.approx(want, rel=1e-6), method


def test_benders_feasibility_cut_forces_the_build():
    # One option; without it, plant capacity 10 cannot meet scenario "peak" (demand 30) and
    # there is no unmet column: x = 0 is infeasible there, so the first iterate x0 = 0 gets a
    # feasibility cut. By hand: build 5 + 30 units at 1 (scenario peak) or 5 + 10 (base):
    # E = 5 + 0.5 * 30 + 0.5 * 10 = 25.
    b = Builder()
    x = b.add_cols(Cols("build", np.array(["x"], object), np.array([5.0]), np.zeros(1), np.ones(1), np.ones(1, bool)))
    y = b.add_cols(Cols("flow", np.array(["y"], object), np.array([1.0]), np.zeros(1), np.full(1, np.inf)))
    b.add_rows(
        Rows(
            "rows",
            np.array(["demand", "capacity"], object),
            np.array([10.0, -np.inf]),
            np.array([10.0, 10.0]),
            np.array([0, 1, 1]),
            np.array([y[0], y[0], x[0]]),
            np.array([1.0, 1.0, -50.0]),
        )
    )
    lp = b.finish()
    changes = [Change(row_index=np.array([0]), row_lower=np.array([v]), row_upper=np.array([v])) for v in (10.0, 30.0)]
    problem = ExplicitProblem(lp, x, ("base", "peak"), np.array([0.5, 0.5]), changes)
    with Pool(Worker(problem), jobs=1) as pool:
        res = solve_benders(problem, pool, ws=np.array([10.0, 35.0]), weight=0, alpha=0.95, x0=np.array([0.0]))
    assert res.optimal and res.x.tolist() == [1.0] and res.upper == pytest.approx(25)
    assert res.cut_scenarios == {1}
