"""The stochastic decomposition at facility-location scale (issue 19), checked against models written
independently of plantsplit: every site plan enumerated, each scenario's transport LP solved by HiGHS
directly (bench/stochastic_cases.py ``Instance.costs``), the risk measure computed here from those costs.
"""

from __future__ import annotations

import importlib.util
import itertools

import numpy as np
import pytest

from solver.case.load import load_case
from solver.studies.stochastic.case_problem import CaseProblem, load_scenarios
from solver.studies.stochastic.decide import decide
from solver.studies.stochastic.worker import Worker

from conftest import ROOT


def _cases():
    spec = importlib.util.spec_from_file_location("bench_stochastic_cases", ROOT / "bench" / "stochastic_cases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def problem_of(inst, tmp_path) -> CaseProblem:
    case_dir, scen = inst.write(tmp_path)
    case = load_case(case_dir)
    return CaseProblem(case, *load_scenarios(scen, case))


def cvar(costs: np.ndarray, alpha: float) -> float:
    """CVaR_alpha of equally likely costs, from its definition min_eta eta + E[(C - eta)+] / (1 - alpha) (the
    minimum is at one of the costs)."""
    return min(eta + np.maximum(costs - eta, 0).mean() / (1 - alpha) for eta in costs)


def every_plan(inst, weight: float, alpha: float) -> tuple[float, np.ndarray]:
    """The best E + weight * CVaR over every site plan, and its plan, from the independent model."""
    best, best_x = np.inf, None
    for bits in itertools.product((0.0, 1.0), repeat=inst.sites):
        x = np.array(bits)
        c = inst.costs(x)
        if not np.isfinite(c).all():
            continue
        v = c.mean() + (weight * cvar(c, alpha) if weight else 0.0)
        if v < best - 1e-9:
            best, best_x = v, x
    assert best_x is not None
    return best, best_x


@pytest.mark.parametrize(
    "ratio, seed, weight",
    [(3.0, 1, 0.0), (1.3, 2, 0.0), (1.3, 3, 0.5)],
    ids=["loose", "tight", "tight-with-risk-weight"],
)
def test_benders_finds_the_best_of_every_plan(tmp_path, ratio, seed, weight):
    """6 candidate sites, 8 markets, 10 scenarios: the decomposition's decision costs what the best of the 64
    plans costs in the independent model, and its bounds close on it. Tight capacity leaves some plans unable
    to serve some scenarios (feasibility cuts)."""
    inst = _cases().generate(6, 8, ratio, 10, seed)
    best, _ = every_plan(inst, weight, 0.9)
    d = decide(problem_of(inst, tmp_path), method="benders", weight=weight, alpha=0.9, jobs=1)
    c = inst.costs(d.x)
    got = c.mean() + (weight * cvar(c, 0.9) if weight else 0.0)
    assert got == pytest.approx(best, rel=1e-7)
    assert d.objective == pytest.approx(best, rel=1e-7)
    assert d.lower <= d.upper + 1e-6 * abs(d.upper) and d.upper - d.lower <= 1e-6 * abs(d.upper)


def test_tight_case_has_plans_that_cannot_serve_every_scenario(tmp_path):
    """The tight case above does need feasibility cuts: some plans leave a scenario unserved."""
    inst = _cases().generate(6, 8, 1.3, 10, 2)
    served = [np.isfinite(inst.costs(np.array(b))).all() for b in itertools.product((0.0, 1.0), repeat=6)]
    assert any(served) and not all(served)


def test_cuts_hold_for_every_plan(tmp_path):
    """A cut taken at a fractional point (as the LP phase takes them) from the strong scenario LP is below the
    independent model's cost at every integer plan: theta_s >= f_s(x_k) + g (x - x_k); a feasibility cut at a
    point that leaves s unserved keeps every plan that serves s."""
    inst = _cases().generate(5, 6, 1.3, 4, 7)
    problem = problem_of(inst, tmp_path)
    worker = Worker(problem)
    rng = np.random.default_rng(11)
    plans = [np.array(b) for b in itertools.product((0.0, 1.0), repeat=5)]
    truth = np.array([inst.costs(x) for x in plans])  # plans x scenarios
    kinds = set()
    for k in range(8):  # fractional points: half near every site built, half with some sites closed
        xk = rng.uniform(0.6, 1.0, 5) if k % 2 else rng.random(5) * rng.integers(0, 2, 5)
        for s, ok, value, g in worker.fixed_costs(xk, list(range(problem.n)), True):
            kinds.add(ok)
            for x, f in zip(plans, truth[:, s], strict=True):
                lhs = value + g @ (x - xk)
                if ok:
                    assert f >= lhs - 1e-6 * max(1.0, abs(f)), (s, x, xk)
                elif np.isfinite(f):
                    assert lhs <= 1e-6, (s, x, xk)
    assert kinds == {True, False}  # both kinds of cut were checked


def test_strong_rows_tighten_a_fractional_plan_and_leave_a_whole_one(tmp_path):
    """At half of every site built, the strong LP costs more than the weak one (a market cannot take more
    than half its demand from a half-built site); at a whole plan both equal the independent cost."""
    inst = _cases().generate(4, 5, 3.0, 3, 5)
    problem = problem_of(inst, tmp_path)
    strong = Worker(problem).fixed_costs(np.full(4, 0.5), [0], False)[0][2]
    rows = problem.strong.rows
    problem.lp.row_upper[rows] = np.inf  # the weak model: linking rows free
    problem.strong.rows = np.zeros(0, np.int32)
    weak = Worker(problem).fixed_costs(np.full(4, 0.5), [0], False)[0][2]
    assert len(rows) > 0 and strong > weak + 1e-6
    whole = np.ones(4)
    assert Worker(problem).fixed_costs(whole, [0], False)[0][2] == pytest.approx(inst.costs(whole)[0], rel=1e-9)


def test_published_instance_reads_as_bodur_et_al_describe_it():
    """cap101 of Bodur, Dash, Günlük & Luedtke (2017): 25 sites, 50 customers, 250 scenarios; capacities as
    OR-Library's cap101 (58,268 each) and demand enough to need more than one site."""
    inst = _cases().published("cap101")
    assert (inst.sites, inst.markets, inst.scenarios) == (25, 50, 250)
    assert set(inst.u) == {58268.0}
    assert inst.demand.sum(axis=1).max() == pytest.approx(71239.154612484, rel=1e-9)  # the file's b


def test_auto_enumerates_up_to_five_options_and_decomposes_beyond(tmp_path):
    """As measured (decide.py's AUTO_ENUMERATED): 2^5 combinations enumerate as fast as the decomposition,
    2^6 do not; another solver than HiGHS has no decomposition, so it enumerates up to 6 and is handed the
    extensive form beyond."""
    from solver.studies.stochastic.decide import pick_method

    five, six, seven = (problem_of(_cases().generate(k, 8, 1.3, 10, 2), tmp_path / str(k)) for k in (5, 6, 7))
    assert pick_method(five, "auto")[0] == "enumerate"
    assert pick_method(six, "auto") == ("benders", "6 first-stage decisions and 10 scenarios: decomposition")
    six.solver = seven.solver = "cbc"
    assert pick_method(six, "auto")[0] == "enumerate" and pick_method(seven, "auto")[0] == "extensive"


def test_many_options_are_recommended_in_one_short_line(tmp_path):
    """Past 6 options the recommendation names what to build and counts the rest (decision.csv has each)."""
    from solver.studies.stochastic.outputs import words

    problem = problem_of(_cases().generate(7, 8, 3.0, 10, 2), tmp_path)  # loose: not every site is needed
    d = decide(problem, method="benders", jobs=1, wait_and_see=False)
    built = [o for o, v in zip(problem.sm.options, d.x, strict=True) if v > 0.5]
    assert 0 < len(built) < 7
    line = words(d, problem, 0.0, 0.95, "USD")[1]
    tail = "the others not: decision.csv lists each"
    assert line == f"Recommendation: build {', '.join(built)} ({len(built)} of 7 options; {tail})"
