"""Live models in blocks (live_blocks.py) against hand numbers and an independent solve:
scipy's linprog (HiGHS behind scipy's own interface) on ``materialize(lp, change)``, the
whole LP as one model, which shares no code with the blocks. Sweeps, breakeven and the
stochastic decision on blocks give what they give on one live model of the whole LP."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from solver.studies.breakeven import breakeven
from solver.case.load import load_case
from solver.solve.live_blocks import BlockLiveLP, live_lp
from solver.model.changes import Change, materialize
from solver.solve.live import LiveLP
from solver.studies.stochastic.case_problem import CaseProblem, load_scenarios
from solver.studies.stochastic.decide import decide
from solver.studies.stochastic.worker import Worker
from solver.studies.sweep.params import from_file
from solver.studies.sweep.scenario import build_scenario_model

from conftest import write_case
from test_decompose import LINKED, TWO_PERIODS, model

NEVER = 10**12  # a min_block no LP here reaches: one live model of the whole LP


def independent(lp, fixed=(), at=()):
    """(optimal?, objective, x, row duals) of the LP as one model, by scipy's linprog."""
    lo, up = lp.col_lower.copy(), lp.col_upper.copy()
    lo[list(fixed)] = up[list(fixed)] = at
    A = csr_matrix((lp.value, lp.index, lp.start), shape=(lp.num_row, lp.num_col))
    eq = lp.row_lower == lp.row_upper
    le, ge = ~eq & np.isfinite(lp.row_upper), ~eq & np.isfinite(lp.row_lower)
    res = linprog(
        lp.cost,
        A_ub=csr_matrix(np.vstack([A[le].toarray(), -A[ge].toarray()])),
        b_ub=np.concatenate([lp.row_upper[le], -lp.row_lower[ge]]),
        A_eq=A[eq],
        b_eq=lp.row_upper[eq],
        bounds=list(zip(lo, np.where(np.isinf(up), None, up), strict=True)),
        method="highs",
    )
    if res.status != 0:
        return False, np.nan, None, None
    y = np.zeros(lp.num_row)
    y[eq] = res.eqlin.marginals
    m = res.ineqlin.marginals
    y[np.flatnonzero(le)] += m[: le.sum()]
    y[np.flatnonzero(ge)] -= m[le.sum() :]
    return True, res.fun, res.x, y


def rows(lp, *names):
    return np.array([list(lp.row_names).index(n) for n in names], np.int32)


def cols(lp, *names):
    return np.array([list(lp.col_names).index(n) for n in names], np.int32)


def check(live, lp, ch, fixed=(), at=()):
    """Apply ``ch``, run, and compare with the independent solve; return the objective."""
    live.apply(ch)
    ok, obj = live.run()
    ok_i, obj_i, x_i, _ = independent(materialize(lp, ch), fixed, at)
    assert ok == ok_i
    if not ok:
        return None
    assert obj == pytest.approx(obj_i, rel=1e-12)
    x = live.x()
    m = materialize(lp, ch)
    A = csr_matrix((m.value, m.index, m.start), shape=(m.num_row, m.num_col))
    act = A @ x
    assert (act >= m.row_lower - 1e-7).all() and (act <= m.row_upper + 1e-7).all()  # x serves the changed LP
    assert m.cost @ x == pytest.approx(obj, rel=1e-12)
    return obj


def test_changes_on_blocks_of_different_sizes(tmp_path):
    # TWO_PERIODS (test_decompose.py): period 1 = 6 flows and 5 rows, period 2 = 2 and 3; 205 by hand.
    lp = model(tmp_path, **TWO_PERIODS)
    live = live_lp(lp, min_block=0)
    assert isinstance(live, BlockLiveLP)
    assert sorted(len(b.cols) for b in live.blocks) == [2, 6]
    base = Change()
    assert check(live, lp, base) == pytest.approx(205)
    y, _ = live.duals()
    assert dict(zip(lp.row_names, y, strict=True)) == pytest.approx(
        {  # by hand, test_decompose.py
            "demand[m1,p,1]": 3,
            "demand[m2,p,1]": 4,
            "demand[m3,p,1]": 5,
            "demand[m1,p,2]": 1,
            "capacity[A,1]": -2,
            "capacity[A,2]": 0,
            "capacity[B,1]": 0,
            "capacity[B,2]": 0,
        }
    )
    # m3 needs 20: A's 40 serve m1 10, m2 20, m3 10 (10 + 40 + 30), B m3 10 (50); + 25 = 155
    m3 = Change(row_index=rows(lp, "demand[m3,p,1]"), row_lower=np.array([20.0]), row_upper=np.array([20.0]))
    assert check(live, lp, m3) == pytest.approx(155)
    # A->m3 costs 6 (more than B's 5): m3 all from B (150), A serves m1, m2 (50); + 25 = 225.
    # The demand change above is undone (this Change does not name it).
    cost = lp.cost.copy()
    cost[cols(lp, "flow[A,m3,p,1]")] = 6
    assert check(live, lp, Change(cost=cost)) == pytest.approx(225)
    # B can send m3 at most 5: A serves m3 25 (75), then m1 10 (10) and m2 5 (10); B m2 15 and
    # m3 5 (100); + 25 = 220
    cap = Change(col_index=cols(lp, "flow[B,m3,p,1]"), col_lower=np.zeros(1), col_upper=np.array([5.0]))
    assert check(live, lp, cap) == pytest.approx(220)
    # a coefficient: an A->m1 unit takes 2 of A's capacity in period 1 (objective only: ties)
    coef = Change(coef_row=rows(lp, "capacity[A,1]"), coef_col=cols(lp, "flow[A,m1,p,1]"), coef_value=np.array([2.0]))
    check(live, lp, coef)
    # period 2 cannot be served (200 > A 40 + B 100): the block, so the scenario, is infeasible
    short = Change(row_index=rows(lp, "demand[m1,p,2]"), row_lower=np.array([200.0]), row_upper=np.array([200.0]))
    assert check(live, lp, short) is None
    assert check(live, lp, base) == pytest.approx(205)  # and back, everything restored
    threaded = live_lp(lp, min_block=0, threads=2)
    for ch in (m3, Change(cost=cost), short, coef, base):
        assert check(threaded, lp, ch) == check(live, lp, ch)


def test_fixed_columns_move_into_the_right_hand_sides(tmp_path):
    # LINKED: build[big] (+50 at A in both periods, 200) links the periods; fixed, they split.
    lp = model(tmp_path, **LINKED)
    b = cols(lp, "build[big]")
    live = live_lp(lp, b, min_block=0)
    assert isinstance(live, BlockLiveLP) and len(live.blocks) == 2
    assert isinstance(live_lp(lp, b, min_block=NEVER), LiveLP)
    live.fix([1.0])
    # built: period 1 A 100 + B 10 (1,200), period 2 A 75 (750), + 200 = 2,150
    assert check(live, lp, Change(), b, [1.0]) == pytest.approx(2150)
    # d cost / d build at 1: 200 - 50 x (A's capacity worth 10 in period 1, 0 in period 2) = -300
    assert live.reduced_costs(b) == pytest.approx([-300])
    live.fix([0.0])
    # not built: 500 + 60 x 20 + 500 + 25 x 20 = 2,700; both periods' A capacity worth 10: -800
    assert check(live, lp, Change(), b, [0.0]) == pytest.approx(2700)
    assert live.reduced_costs(b) == pytest.approx([-800])
    live.fix([1.0])
    # the build adds only 20 in period 2 (a fixed column's coefficient): A 70 + B 5 -> 800; 2,200
    coef = Change(coef_row=rows(lp, "capacity[A,2]"), coef_col=b, coef_value=np.array([-20.0]))
    assert check(live, lp, coef, b, [1.0]) == pytest.approx(2200)
    # A's own capacity 30 in period 1 (a row holding the fixed column): A 80 + B 30 -> 1,400; 2,350
    row = Change(row_index=rows(lp, "capacity[A,1]"), row_lower=np.array([-np.inf]), row_upper=np.array([30.0]))
    assert check(live, lp, row, b, [1.0]) == pytest.approx(2350)
    _, _, _, y = independent(materialize(lp, row), b, [1.0])
    np.testing.assert_allclose(live.duals()[0], y, atol=1e-9)
    assert check(live, lp, Change(), b, [1.0]) == pytest.approx(2150)


# Four periods of different sizes: period 1 has three markets, 2-4 one each; demand and
# capacity vary by scenario, one scenario leaves period 3 short.
PERIODS = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,EUR",
    demand="market,product,period,units\nm1,p,1,10\nm2,p,1,20\nm3,p,1,30\nm1,p,2,25\nm1,p,3,40\nm2,p,4,35",
    capacity="plant,max_units\nA,40\nB,100",
    lanes="plant,market,freight_cost\nA,m1,1\nA,m2,2\nA,m3,3\nB,m1,5\nB,m2,5\nB,m3,5",
    costs="plant,unit_cost\nA,10\nB,9",
    fx="currency,rate\nEUR,0.9",
)
SWEEP = (
    "scenario,fx:EUR,demand:m1/p@3,capacity:A\n"
    "s1,0.9,40,40\ns2,1.2,40,40\ns3,0.7,60,30\nshort,0.9,200,40\ns5,0.95,10,50\n"
)


def _sweep_models(tmp_path, files, text, **kw):
    case = load_case(write_case(tmp_path / "case", **files))
    (tmp_path / "sc.csv").write_text(text)
    sc = from_file(tmp_path / "sc.csv", case)
    blocks, whole = build_scenario_model(case, sc, min_block=0, **kw), build_scenario_model(case, sc, min_block=NEVER)
    blocks.start()
    whole.start()
    return sc, blocks, whole


def test_sweep_on_blocks_equals_one_model_and_the_independent_solve(tmp_path):
    sc, blocks, whole = _sweep_models(tmp_path, PERIODS, SWEEP, threads=2)
    assert isinstance(blocks.combos[0][0], BlockLiveLP) and isinstance(whole.combos[0][0], LiveLP)
    assert sorted(len(b.cols) for b in blocks.combos[0][0].blocks) == [2, 2, 2, 6]
    for values, name in zip(sc.values, sc.names, strict=True):
        a, b = blocks.solve(values, True), whole.solve(values, True)
        ok, obj, _, _ = independent(materialize(blocks.lp, blocks.change(values)))
        assert (a.status == "optimal") == ok and a.status == b.status
        if name == "short":  # 200 units in period 3 with A 40 + B 100
            assert a.status == "infeasible"
            continue
        assert a.objective == pytest.approx(obj, rel=1e-12) and b.objective == pytest.approx(obj, rel=1e-12)
        np.testing.assert_allclose(a.units, b.units, atol=1e-7)
        np.testing.assert_allclose(a.costs, b.costs, rtol=1e-9)


def test_sweep_with_a_build_option_on_blocks(tmp_path):
    # LINKED with the demand scaled: builds fixed, each combination splits by period; the
    # sweep takes the cheaper one. By hand (comment in test_decompose.py): x1 2,150 built;
    # x0.5 (55 and 37.5): built 550 + 375 + 200 = 1,125, not built 600 + 375 = 975.
    sc, blocks, whole = _sweep_models(tmp_path, LINKED, "scenario,demand_scale:m\nx1,1\nx05,0.5\nx03,0.3\n")
    assert all(isinstance(live, BlockLiveLP) for live, _ in blocks.combos)
    got = [blocks.solve(v) for v in sc.values]
    build = np.arange(blocks.build.start, blocks.build.stop)
    assert [r.objective for r in got[:2]] == pytest.approx([2150, 975])
    assert [r.built[0] for r in got[:2]] == [1, 0]
    for values, r in zip(sc.values, got, strict=True):
        ch = blocks.change(values)
        best = min(independent(materialize(blocks.lp, ch), build, [v])[1] for v in (0.0, 1.0))
        assert r.objective == pytest.approx(best, rel=1e-12) == whole.solve(values).objective


def test_breakeven_on_blocks_equals_one_model(tmp_path):
    case = load_case(write_case(tmp_path / "case", **PERIODS))
    a, n_a = breakeven(case, "fx:EUR", 0.5, 1.4, min_block=0)
    b, n_b = breakeven(case, "fx:EUR", 0.5, 1.4, min_block=NEVER)
    assert n_a == n_b
    num = a.select_dtypes("number").columns
    np.testing.assert_allclose(a[num].to_numpy(float), b[num].to_numpy(float), rtol=1e-9, atol=1e-7)
    # A unit from B costs 9/r + 5 USD (freight in the reporting currency), from A 10 + 1..3 on
    # m1..m3. B takes m3 above r = 9/8 (9/r + 5 < 13) and m2 above 9/7 (< 12; period 1, where A
    # is full, and period 4); m1 only above 1.5. So two breakpoints in [0.5, 1.4].
    inner = sorted((set(a["value_from"]) | set(a["value_to"])) - {0.5, 1.4})
    assert inner == pytest.approx([9 / 8, 9 / 7], rel=1e-9)


def test_stochastic_second_stage_splits_by_period(tmp_path):
    # LINKED, two equally likely demand scales (hand numbers above): built 2,150 / 1,125,
    # not built 2,700 / 975. E: built 1,637.5, not built 1,837.5 -> build. WS = (2,150 + 975)/2
    # = 1,562.5, EVPI 75. Mean scale 0.75 (82.5, 56.25): built 825 + 562.5 + 200 = 1,587.5, not
    # built 500 + 650 + 500 + 125 = 1,775: EV 1,587.5, builds, EEV = 1,637.5, VSS 0.
    case = load_case(write_case(tmp_path / "case", **LINKED))
    (tmp_path / "sc.csv").write_text("scenario,demand_scale:m\nfull,1\nhalf,0.5\n")
    sc, p = load_scenarios(tmp_path / "sc.csv", case)
    for method in ("enumerate", "benders", "extensive"):
        problem = CaseProblem(case, sc, p)
        problem.min_block = 0
        d = decide(problem, method, jobs=1)
        assert d.x == pytest.approx([1.0])
        assert d.costs == pytest.approx([2150, 1125])
        assert d.expected_cost == pytest.approx(1637.5)
        assert d.ws == pytest.approx(1562.5) and d.evpi == pytest.approx(75)
        assert d.ev == pytest.approx(1587.5) and d.eev == pytest.approx(1637.5) and d.vss == pytest.approx(0)
        if method == "enumerate":
            assert d.matrix == pytest.approx(np.array([[2700, 2150], [975, 1125]]))
    w = Worker(problem)
    assert w.fixed_costs(np.array([0.0]), [0, 1], cuts=True)[0][2] == pytest.approx(2700)
    assert isinstance(w.fixed, BlockLiveLP) and len(w.fixed.blocks) == 2
    # the cut's slope: d f_full / d build at 0 = -800 (test above)
    assert w.fixed_costs(np.array([0.0]), [0], cuts=True)[0][3] == pytest.approx([-800])


def test_sweep_command_threads_and_no_decompose(tmp_path):
    # PERIODS at 0.9 EUR/USD: a B unit costs 9/0.9 + 5 = 15. Period 1: A's 40 serve m1 10 (11),
    # m2 20 (12), m3 10 (13) = 480, B m3 20 = 300; periods 2-4 all from A: 275 + 440 + 420. 1,915.
    from click.testing import CliRunner

    from solver.cli import cli

    case = write_case(tmp_path / "case", **PERIODS)
    texts = []
    for k, flags in enumerate((["--threads", "2"], ["--no-decompose"])):
        r = CliRunner().invoke(
            cli,
            [
                "sweep",
                str(case),
                "--vary",
                "fx:EUR=0.9,1.3",
                "--out",
                str(tmp_path / f"o{k}"),
                "--quiet",
                "--jobs",
                "1",
                *flags,
            ],
        )
        assert r.exit_code == 0, r.output
        texts.append((tmp_path / f"o{k}" / "results.csv").read_text())
    assert texts[0] == texts[1]
    assert float(texts[0].splitlines()[1].split(",")[3]) == pytest.approx(1915)


def test_stochastic_command_takes_threads(tmp_path):
    # the figures of test_stochastic_second_stage_splits_by_period, through the command line
    import json

    from click.testing import CliRunner

    from solver.cli import cli

    case = write_case(tmp_path / "case", **LINKED)
    (tmp_path / "sc.csv").write_text("scenario,demand_scale:m\nfull,1\nhalf,0.5\n")
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(case),
            "--scenarios",
            str(tmp_path / "sc.csv"),
            "--out",
            str(tmp_path / "out"),
            "--jobs",
            "1",
            "--threads",
            "2",
            "--quiet",
        ],
    )
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (s["expected_cost"], s["wait_and_see_cost"], s["mean_value_cost"]) == pytest.approx((1637.5, 1562.5, 1587.5))
