"""Decomposed solves (independent blocks in a thread pool) against hand numbers and the
monolithic solve of the same LP: objective, plan, duals, ranging and infeasibility."""

from __future__ import annotations

import importlib.util
import threading

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from solver.model import coefficients
from solver.case.load import load_case
from solver.cli import cli
from solver.solve.decompose import WarmChain, patterns, split, task_labels
from solver.model.create import create_model
from solver.pipeline.run import run_solve, solve_loaded
from solver.results.sensitivity import ranging
from solver.solve.status import Status
from solver.solve.highs import _solve_highs
from solver.solve.solve import solve

from conftest import ROOT, read, write_case
from test_infeasible import SHORT_IN_2014

# Two periods that share no row: period 1 has three markets, period 2 one (blocks of
# different sizes). Period 1 needs 60 of A's 40: A serves m1 (saves 4/unit over B), m2
# (saves 3), 10 of m3 (saves 2); B the other 20 of m3. 10*1 + 20*2 + 10*3 + 20*5 = 180.
# Period 2: A serves m1's 25 at 1 = 25. Total 205. Duals: A's capacity in period 1 is
# worth 2 (B's 5 - A's 3 on m3), so m3 costs 5 at the margin, m2 2 + 2 = 4, m1 1 + 2 = 3;
# in period 2 A is not full, m1 costs 1.
TWO_PERIODS = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm1,p,1,10\nm2,p,1,20\nm3,p,1,30\nm1,p,2,25",
    capacity="plant,max_units\nA,40\nB,100",
    lanes="plant,market,freight_cost\nA,m1,1\nA,m2,2\nA,m3,3\nB,m1,5\nB,m2,5\nB,m3,5",
)

# Option "big" (+50 units at A from period 1, fixed cost 200) links both periods.
# Built: period 1 A 100 + B 10 = 1200, period 2 A 75 = 750, + 200 = 2150; not built:
# 1700 + 1000 = 2700. Relaxed, the cost is 2700 - 550 b up to b = 0.5, then 2450 - 300 b:
# b = 1, 2150. Builds fixed: period 1 demand costs 20 (B), A's capacity is worth 10;
# period 2 costs 10 (A has room).
LINKED = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,110\nm,p,2,75",
    capacity="plant,max_units\nA,50\nB,1000",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,20",
    expansions="option,plant,added_units,fixed_cost,first_period\nbig,A,50,200,1",
)


def model(tmp_path, relax=False, **files):
    case = load_case(write_case(tmp_path / "case", **files))
    return create_model(case, coefficients.build(case), relax=relax)


def duals_by_name(lp, sol) -> dict:
    return dict(zip(lp.row_names, sol.row_dual, strict=True))


def assert_same(lp, mono, dec):
    assert dec.status == mono.status == Status.OPTIMAL
    assert dec.objective == pytest.approx(mono.objective, rel=1e-12)
    np.testing.assert_allclose(dec.x, mono.x, atol=1e-9)
    np.testing.assert_allclose(dec.row_dual, mono.row_dual, atol=1e-9)
    np.testing.assert_allclose(dec.col_dual, mono.col_dual, atol=1e-9)
    np.testing.assert_allclose(dec.row_activity, mono.row_activity, atol=1e-9)
    assert dec.duals == mono.duals


def test_blocks_of_different_sizes_by_hand_and_as_monolithic(tmp_path):
    lp = model(tmp_path, **TWO_PERIODS)
    ntask, col_task, row_task = task_labels(lp, min_block=0)
    assert ntask == 2
    assert sorted(np.bincount(col_task).tolist()) == [2, 6]  # flows: 2 in period 2, 6 in period 1
    assert sorted(np.bincount(row_task).tolist()) == [3, 5]  # demand + capacity rows
    mono = solve(lp, decompose=False)
    dec = solve(lp, threads=2, min_block=0)
    assert dec.blocks is not None and len(dec.blocks) == 2
    assert dec.objective == pytest.approx(205)
    d = duals_by_name(lp, dec)
    assert d["demand[m3,p,1]"] == pytest.approx(5)
    assert d["demand[m2,p,1]"] == pytest.approx(4)
    assert d["demand[m1,p,1]"] == pytest.approx(3)
    assert d["demand[m1,p,2]"] == pytest.approx(1)
    assert d["capacity[A,1]"] == pytest.approx(-2)
    assert d["capacity[A,2]"] == pytest.approx(0)
    assert_same(lp, mono, dec)
    serial = solve(lp, threads=1, min_block=0)
    assert_same(lp, mono, serial)


# Two periods of the same shape (same rows, same columns): a basis of one is a basis of the
# other, so the second block starts from the first's optimal basis (decompose.WarmChain).
# Period 1: 30 units, A (freight 1, room for 40) serves all: 30; A's capacity slack.
# Period 2: 70 units: that basis (A serves all) is infeasible for it; A serves 40, B
# (freight 5) 30: 40 + 150 = 190. Total 220. Duals: period 1 demand 1, A's capacity 0;
# period 2 demand 5, A's capacity -4 (one more unit at A saves 5 - 1).
ALIKE = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,30\nm,p,2,70",
    capacity="plant,max_units\nA,40\nB,100",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,5",
)


@pytest.mark.parametrize("threads", [1, 2])
def test_blocks_alike_start_from_each_others_basis_and_keep_their_own_optimum(tmp_path, threads):
    lp = model(tmp_path, **ALIKE)
    ntask, col_task, row_task = task_labels(lp, min_block=0)
    parts = split(lp, np.zeros(lp.num_col), col_task, row_task, ntask)
    keys = patterns([p for _, p in parts])
    assert ntask == 2 and keys[0] == keys[1]  # alike: the second may start from the first
    dec = solve(lp, threads=threads, min_block=0)
    assert dec.objective == pytest.approx(220)
    d = duals_by_name(lp, dec)
    assert d["demand[m,p,1]"] == pytest.approx(1)
    assert d["demand[m,p,2]"] == pytest.approx(5)
    assert d["capacity[A,1]"] == pytest.approx(0)
    assert d["capacity[A,2]"] == pytest.approx(-4)
    assert_same(lp, solve(lp, decompose=False), dec)


def test_patterns_differ_for_blocks_of_other_shapes(tmp_path):
    lp = model(tmp_path, **TWO_PERIODS)
    ntask, col_task, row_task = task_labels(lp, min_block=0)
    keys = patterns([p for _, p in split(lp, np.zeros(lp.num_col), col_task, row_task, ntask)])
    assert keys[0] != keys[1]


def test_a_warm_start_goes_only_to_a_like_block_on_the_same_thread():
    chain = WarmChain()
    assert chain.start(b"k") is None
    chain.done(b"k", "basis of k")
    assert chain.start(b"k") == "basis of k"
    assert chain.start(b"other") is None
    seen = []
    t = threading.Thread(target=lambda: seen.append(chain.start(b"k")))
    t.start()
    t.join()
    assert seen == [None]  # another thread has solved nothing yet
    chain.done(b"k", None)  # a block that did not solve to optimality passes nothing on
    assert chain.start(b"k") is None


def test_a_basis_highs_rejects_leaves_a_cold_start_with_the_same_optimum(tmp_path):
    import highspy

    lp = model(tmp_path, **ALIKE)
    bad = highspy.HighsBasis()
    bad.col_status = [highspy.HighsBasisStatus.kBasic]  # one column: not a basis of this LP
    bad.row_status = []
    bad.valid = True
    sol = _solve_highs(lp, None, basis=bad, want_basis=True)
    assert sol.status == Status.OPTIMAL and sol.objective == pytest.approx(220)
    assert len(sol.basis.col_status) == lp.num_col  # its own optimal basis comes back


def test_build_decision_linking_periods_milp_then_duals_lp_decomposes(tmp_path):
    lp = model(tmp_path, **LINKED)
    assert task_labels(lp, min_block=0)[0] == 1  # the build column links the periods
    mono = solve(lp, decompose=False)
    dec = solve(lp, min_block=0)
    assert dec.objective == pytest.approx(2150)
    assert dec.duals == "lp with build decisions fixed"
    assert dec.blocks is not None and len(dec.blocks) == 2
    d = duals_by_name(lp, dec)
    assert d["demand[m,p,1]"] == pytest.approx(20)
    assert d["demand[m,p,2]"] == pytest.approx(10)
    assert d["capacity[A,1]"] == pytest.approx(-10)
    assert d["capacity[A,2]"] == pytest.approx(0)
    assert_same(lp, mono, dec)


def test_linking_columns_of_an_lp_keep_one_block(tmp_path):
    lp = model(tmp_path, relax=True, **LINKED)
    dec = solve(lp, min_block=0)
    assert dec.blocks is None  # nothing to split: solved as one model
    assert dec.objective == pytest.approx(2150)
    assert_same(lp, solve(lp, decompose=False), dec)


@pytest.mark.parametrize("files", [TWO_PERIODS, LINKED], ids=["lp", "milp"])
def test_ranging_of_blocks_equals_monolithic(tmp_path, files):
    lp = model(tmp_path, **files)
    mono, dec = solve(lp, decompose=False), solve(lp, min_block=0)
    assert dec.blocks is not None
    for a, b in zip(ranging(lp, mono), ranging(lp, dec), strict=True):
        pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=1e-9)


def test_ranging_by_hand_in_a_block(tmp_path):
    # Period 1: A's capacity 40 can rise by 20 (then A serves all 60) and fall by 10
    # (then m3 is all B's and the basis changes); period 2's A row has slack 15.
    lp = model(tmp_path, **TWO_PERIODS)
    _, rows = ranging(lp, solve(lp, min_block=0))
    r = rows.set_index("constraint")
    assert r.loc["capacity[A,1]", "allowable_increase"] == pytest.approx(20)
    assert r.loc["capacity[A,1]", "allowable_decrease"] == pytest.approx(10)
    assert r.loc["capacity[A,2]", "allowable_decrease"] == pytest.approx(15)
    assert r.loc["capacity[A,2]", "allowable_increase"] == pytest.approx(1e30)


def test_infeasible_block_is_explained_in_the_words_of_the_inputs(tmp_path):
    # 2014 cannot be served (100,000 + 40,000 < 180,000); 2015 is a feasible block.
    case = write_case(tmp_path / "c", **SHORT_IN_2014)
    run = run_solve(case, tmp_path / "out", min_block=0)
    assert run.solution.status == Status.INFEASIBLE
    assert run.reasons == [
        "demand of usa/rogue in 2014 is 180,000 but at most 140,000 can reach it (demand.csv row 2): "
        "smyrna rogue capacity 100,000 in 2014 (capacity.csv row 2) + "
        "busan→usa lane limit 40,000 in 2014 (lanes.csv row 3)"
    ]
    assert not (tmp_path / "out").exists()


def _bench_make_case():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.make_case


# about 5 s: make test-slow
@pytest.mark.slow
def test_cli_threads_and_no_decompose_write_the_same_plan(tmp_path):
    # 20 plants x 100 markets x 5 products x 10 periods: ten blocks of 10,000 flows, large
    # enough to be split with the default block size.
    _bench_make_case()(tmp_path / "big", 20, 100, 5, 10)
    outs = {}
    for name, flags in (("mono", ["--no-decompose"]), ("two", ["--threads", "2"]), ("one", ["--threads", "1"])):
        r = CliRunner().invoke(cli, ["solve", str(tmp_path / "big"), "--out", str(tmp_path / name), *flags])
        assert r.exit_code == 0, r.output
        outs[name] = {f: read(tmp_path / name, f) for f in ("plan.csv", "supply.csv", "utilization.csv")}
    for name in ("two", "one"):
        for f, df in outs["mono"].items():
            pd.testing.assert_frame_equal(outs[name][f], df, rtol=1e-9, atol=1e-6)
    assert outs["mono"]["supply.csv"]["marginal_cost_USD"].notna().all()
    # summary.json says how it was solved: ten period blocks, or one model
    import json

    blocks = {n: json.loads((tmp_path / n / "summary.json").read_text())["blocks"] for n in ("mono", "two", "one")}
    assert blocks == {"mono": 1, "two": 10, "one": 10}


@pytest.mark.parametrize("files", [TWO_PERIODS, LINKED], ids=["lp", "milp"])
def test_no_model_is_kept_without_ranging_and_ranging_still_works(tmp_path, files):
    lp = model(tmp_path, **files)
    kept, freed = solve(lp, min_block=0), solve(lp, min_block=0, ranging=False)
    assert all(b.highs is not None for b in kept.blocks)
    assert len(freed.blocks) == 2 and all(b.highs is None for b in freed.blocks)
    assert_same(lp, kept, freed)
    mono = solve(lp, decompose=False, ranging=False)
    assert mono.highs is None and solve(lp, decompose=False).highs is not None
    # ranging asked of a solve that kept no model: the same report, from a re-solve
    for a, b in zip(ranging(lp, kept), ranging(lp, freed), strict=True):
        pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=1e-9)


def test_pipeline_keeps_block_models_only_for_sensitivity(tmp_path):
    case = load_case(write_case(tmp_path / "case", **TWO_PERIODS))
    plain = solve_loaded(case, min_block=0)
    assert plain.solution.blocks and all(b.highs is None for b in plain.solution.blocks)
    ranged = solve_loaded(case, sensitivity=True, min_block=0)
    assert all(b.highs is not None for b in ranged.solution.blocks)
    rows = ranged.sensitivity[1].set_index("constraint")
    assert rows.loc["capacity[A,1]", "allowable_increase"] == pytest.approx(20)  # as by hand above
    assert rows.loc["capacity[A,1]", "shadow_price"] == pytest.approx(-2)
