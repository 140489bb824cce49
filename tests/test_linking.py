"""The strong linking rows (solver/model/linking.py) on cases solved by hand: they leave
the MILP's optimum, plan and shadow prices unchanged and raise the LP relaxation's bound."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from solver.model import coefficients
from solver.case.load import load_case
from solver.cli import cli
from solver.model.create import create_model
from solver.pipeline.run import run_solve
from solver.solve.highs import load_highs

from conftest import read, write_case

# One customer wanting 10; warehouse w1 opens for 100 and ships at 1 a unit, w2 opens for
# 60 and ships at 6; both hold 100 once open and nothing before.
#   MILP: open w1 -> 100 + 10 = 110; open w2 -> 60 + 60 = 120; optimum 110 (w1).
#   LP relaxation without the rows: y = x / 100, so a unit from w1 costs 1 + 100/100 = 2
#   (from w2 6 + 0.6): 10 units from w1, bound 20.
#   With x <= min(10, 100) y: y >= x / 10, a unit from w1 costs 1 + 10 = 11 (w2 6 + 6 = 12):
#   bound 110, the MILP optimum.
CFLP = dict(
    plants="plant,country,currency\nw1,X,USD\nw2,X,USD",
    capacity="plant,max_units\nw1,0\nw2,0",
    expansions="option,plant,added_units,fixed_cost,first_period\nopen-w1,w1,100,100,1\nopen-w2,w2,100,60,1",
    demand="market,product,period,units\nc1,goods,1,10",
    lanes="plant,market,freight_cost\nw1,c1,1\nw2,c1,6",
)

# Two products, two periods. p1 has no capacity until option open-p1 (8 units from period
# 2, 50); p2 has 10 a period. Freight 1 from p1, 10 from p2; no production cost; A's
# period-2 demand may go unmet at 100 a unit.
#   Period 1: only p2, 6 + 4 = 10 units at 10 = 100.
#   Period 2 (11 units): without p1, 10 from p2 (100) + 1 unmet (100) = 200; with p1
#   (50), 8 from p1 (8) + 3 from p2 (30) = 88. Optimum 100 + 88 = 188, open-p1 built.
#   Linking rows only in period 2, where open-p1 adds to p1's capacity:
#   x[p1,m1,A,2] <= min(6, 8) b = 6 b and x[p1,m1,B,2] <= min(5, 8) b = 5 b.
MULTI = dict(
    plants="plant,country,currency\np1,X,USD\np2,X,USD",
    capacity="plant,max_units\np1,0\np2,10",
    expansions="option,plant,added_units,fixed_cost,first_period\nopen-p1,p1,8,50,2",
    demand="market,product,period,units,unmet_penalty\nm1,A,1,6,\nm1,B,1,4,\nm1,A,2,6,100\nm1,B,2,5,",
    lanes="plant,market,freight_cost\np1,m1,1\np2,m1,10",
)


def _model(tmp_path, files, tighten=True, name="case"):
    case = load_case(write_case(tmp_path / name, **files))
    return create_model(case, coefficients.build(case), tighten=tighten)


def _relaxation_bound(lp) -> float:
    h = load_highs(lp, relax=True)
    h.run()
    return h.getInfo().objective_function_value


def _link_rows(lp) -> pd.DataFrame:
    rs = lp.family_rows("link")
    out = []
    for i in range(rs.start, rs.stop):
        cols = lp.index[lp.start[i] : lp.start[i + 1]]
        vals = lp.value[lp.start[i] : lp.start[i + 1]]
        out.append(
            {
                "name": str(lp.row_names[i]),
                "upper": lp.row_upper[i],
                "terms": {str(lp.col_names[c]): v for c, v in zip(cols, vals, strict=True)},
            }
        )
    return pd.DataFrame(out)


def test_relaxation_bound_rises_to_the_milp_optimum(tmp_path):
    assert _relaxation_bound(_model(tmp_path, CFLP, tighten=False, name="a")) == pytest.approx(20)
    assert _relaxation_bound(_model(tmp_path, CFLP, tighten=True, name="b")) == pytest.approx(110)


@pytest.mark.parametrize("tighten", [True, False])
def test_cflp_optimum_unchanged(tmp_path, tighten):
    case = write_case(tmp_path / "case", **CFLP)
    run = run_solve(case, tmp_path / "out", tighten=tighten)
    assert run.status == "optimal" and run.objective == pytest.approx(110)
    assert read(tmp_path / "out", "builds.csv").set_index("option")["built"].to_dict() == {"open-w1": 1, "open-w2": 0}


def test_cflp_rows_are_flow_minus_demand_times_build(tmp_path):
    rows = _link_rows(_model(tmp_path, CFLP))
    assert rows["name"].tolist() == ["link[w1,c1,goods,1]", "link[w2,c1,goods,1]"]
    assert (rows["upper"] == 0).all()
    assert rows["terms"].tolist() == [
        {"flow[w1,c1,goods,1]": 1.0, "build[open-w1]": -10.0},
        {"flow[w2,c1,goods,1]": 1.0, "build[open-w2]": -10.0},
    ]


def test_multi_product_multi_period_rows_and_optimum(tmp_path):
    rows = _link_rows(_model(tmp_path, MULTI))
    assert rows["terms"].tolist() == [
        {"flow[p1,m1,A,2]": 1.0, "build[open-p1]": -6.0},
        {"flow[p1,m1,B,2]": 1.0, "build[open-p1]": -5.0},
    ]
    runs = {t: run_solve(write_case(tmp_path / f"c{t}", **MULTI), tmp_path / f"o{t}", tighten=t) for t in (True, False)}
    for run in runs.values():
        assert run.status == "optimal" and run.objective == pytest.approx(188)
    # same plan and the same shadow prices: the rows are free in the LP of the duals
    for name in ("plan.csv", "utilization.csv", "supply.csv", "builds.csv"):
        assert (tmp_path / "oTrue" / name).read_bytes() == (tmp_path / "oFalse" / name).read_bytes(), name


def test_plant_with_base_capacity_gets_no_rows(tmp_path):
    files = dict(CFLP, capacity="plant,max_units\nw1,5\nw2,0")
    rows = _link_rows(_model(tmp_path, files))
    assert rows["name"].tolist() == ["link[w2,c1,goods,1]"]


def test_no_rows_without_build_options_nor_with_relax(tmp_path):
    no_options = {k: v for k, v in MULTI.items() if k != "expansions"}
    assert len(_link_rows(_model(tmp_path, no_options, name="a"))) == 0
    case = load_case(write_case(tmp_path / "b", **MULTI))
    assert create_model(case, coefficients.build(case), relax=True, tighten=True).family_rows("link") == slice(0, 0)


def test_tiers_are_summed_in_one_row(tmp_path):
    # an import quota splits p1's flow into two tariff tiers; still one row for the flow pair
    files = dict(
        MULTI,
        plants="plant,country,currency\np1,Y,USD\np2,X,USD",
        tariffs="origin,market,product,period,rate,up_to_units\nY,m1,A,,0,2\nY,m1,A,,0.5,",
    )
    rows = _link_rows(_model(tmp_path, files))
    assert len(rows) == 2
    a = rows["terms"].iloc[0]
    assert sorted(a.values()) == [-6.0, 1.0, 1.0] and sum(k.startswith("flow[p1,m1,A,2") for k in a) == 2


def test_sensitivity_report_leaves_the_rows_out(tmp_path):
    case = write_case(tmp_path / "case", **MULTI)
    run_solve(case, tmp_path / "out", sensitivity=True)
    names = read(tmp_path / "out", "sensitivity_constraints.csv")["constraint"]
    assert not names.str.startswith("link").any() and names.str.startswith("capacity").any()


def test_cbc_gives_the_same_optimum_and_duals(tmp_path):
    from solver.solve.backends import cbc_path

    if not cbc_path():
        pytest.skip("no CBC binary here")
    # TWO (below): the relaxation needs two of its four linking rows
    a = run_solve(write_case(tmp_path / "a", **TWO), tmp_path / "oa", solver="cbc", sensitivity=True)
    b = run_solve(write_case(tmp_path / "b", **TWO), tmp_path / "ob", solver="highs", sensitivity=True, tighten=False)
    assert a.objective == pytest.approx(120) and a.solution.duals == "lp with build decisions fixed"
    # CBC was given the two linking rows and the two cover rows (cover.py: 100 b1 + 100 b2 >= 20
    # and its rounding b1 + b2 >= 1)
    assert a.lp.family_rows("link").stop - a.lp.family_rows("link").start == 2
    assert a.lp.family_rows("cover").stop - a.lp.family_rows("cover").start == 2
    assert len(a.lp.row_lower) == len(b.lp.row_lower) + 4
    # its ranging (a HiGHS re-solve of the LP with builds fixed) matches the model without them
    ranged = [read(tmp_path / o, "sensitivity_constraints.csv") for o in ("oa", "ob")]
    pd.testing.assert_frame_equal(*ranged)


def test_cli_no_tighten_and_gap(tmp_path):
    case = write_case(tmp_path / "case", **CFLP)
    for i, extra in enumerate(([], ["--no-tighten"], ["--gap", "0"], ["--gap", "0.5"], ["--gap", "50%"])):
        r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / f"out{i}"), *extra])
        assert r.exit_code == 0, r.output
        objective = json.loads((tmp_path / f"out{i}" / "summary.json").read_text())["objective"]
        # a 50% gap may stop at either plan (110 or 120: both within 50% of any bound >= 60)
        assert objective in ((110.0, 120.0) if extra[1:] in (["0.5"], ["50%"]) else (110.0,)), extra
    for bad in ("-1", "2", "lots"):
        r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "bad"), "--gap", bad])
        assert r.exit_code == 2 and "--gap" in r.output and not (tmp_path / "bad").exists()
        assert "like 0.01 or 1%" in r.output, bad


# The warm start. One customer wanting 10; w1 holds 8 once open (80), w2 6 (60), w3 12
# (200); freight 1 everywhere. With the linking rows the LP relaxation opens w1 fully
# (x <= 8 y1) and w2 at 2/6 (x <= 6 y2): 80 + 20 + 10 = 110. Rounding at 1/2 opens w1 alone,
# 8 < 10 units: infeasible, so every fractional build is rounded up: w1 and w2, 80 + 60 + 10
# = 150, which is also the optimum (w3 alone: 200 + 10).
ROUND_UP = dict(
    plants="plant,country,currency\nw1,X,USD\nw2,X,USD\nw3,X,USD",
    capacity="plant,max_units\nw1,0\nw2,0\nw3,0",
    expansions="option,plant,added_units,fixed_cost,first_period\n"
    "open-w1,w1,8,80,1\nopen-w2,w2,6,60,1\nopen-w3,w3,12,200,1",
    demand="market,product,period,units\nc1,goods,1,10",
    lanes="plant,market,freight_cost\nw1,c1,1\nw2,c1,1\nw3,c1,1",
)


def _feasible(lp, x) -> bool:
    from solver.solve.status import activity

    act = activity(lp, x)
    ints = lp.integer
    return bool(
        (act >= lp.row_lower - 1e-7).all()
        and (act <= lp.row_upper + 1e-7).all()
        and (x >= lp.col_lower - 1e-9).all()
        and (x <= lp.col_upper + 1e-9).all()
        and np.allclose(x[ints], np.round(x[ints]))
    )


@pytest.mark.parametrize("files, builds, cost", [(CFLP, [1, 0], 110), (ROUND_UP, [1, 1, 0], 150), (MULTI, [1], 188)])
def test_warm_start_is_a_feasible_plan(tmp_path, files, builds, cost):
    from solver.solve.highs import mip_start

    lp = _model(tmp_path, files)
    assert _relaxation_bound(lp) == pytest.approx({110: 110, 150: 110, 188: 188}[cost])
    h = load_highs(lp)
    x = mip_start(h, lp)
    assert _feasible(lp, x)
    assert x[lp.family_cols("build")].tolist() == builds and lp.cost @ x == pytest.approx(cost)
    # the live model is left a MILP with its own bounds
    import highspy

    model, b = h.getLp(), lp.family_cols("build")
    assert list(model.integrality_)[b] == [highspy.HighsVarType.kInteger] * len(builds)
    assert list(model.col_lower_)[b] == [0] * len(builds) and list(model.col_upper_)[b] == [1] * len(builds)


# Two customers wanting 10 each; w1 (100 to open, holds 100) ships to both at 1; w2 (60,
# holds 100) ships to c1 at 1 and to c2 at 100. Optimum: w1 alone, 100 + 20 = 120 (w2 alone
# 60 + 10 + 1,000).
# The loop: without linking rows a unit costs 1 + 100/100 = 2 from w1, 1 + 60/100 = 1.6 from
# w2 to c1, so c1 comes from w2 (y2 = 0.1) and c2 from w1 (y1 = 0.1): rows w2->c1 and w1->c2
# are violated (10 > 10 * 0.1) and added. Then c2 needs y1 >= 10/10 = 1 (w2 costs 100.6), and
# with w1 open c1 comes from it at 1 (w2 would cost 1 + 6): bound 100 + 10 + 10 = 120, the
# optimum, and w1->c1 (10 <= 10 * 1) and w2->c2 (no flow) were never needed.
TWO = dict(
    CFLP,
    demand="market,product,period,units\nc1,goods,1,10\nc2,goods,1,10",
    lanes="plant,market,freight_cost\nw1,c1,1\nw2,c1,1\nw1,c2,1\nw2,c2,100",
)


def test_needed_rows_leave_out_rows_that_never_bind(tmp_path):
    from solver.solve.tighten import needed_rows

    lp = _model(tmp_path, TWO)
    names = _link_rows(lp)["name"].tolist()
    keep, y, _ = needed_rows(lp)
    assert sorted(n for n, k in zip(names, keep, strict=True) if k) == ["link[w1,c2,goods,1]", "link[w2,c1,goods,1]"]
    assert y.tolist() == [1.0, 0.0]
    # the bound with only the rows kept is the bound with all of them: 120
    case = load_case(tmp_path / "case")
    assert _relaxation_bound(create_model(case, coefficients.build(case), tighten=keep)) == pytest.approx(120)
    assert _relaxation_bound(lp) == pytest.approx(120)


def test_written_model_holds_the_rows_solved_with(tmp_path):
    case = write_case(tmp_path / "case", **TWO)
    r = CliRunner().invoke(
        cli, ["solve", str(case), "--out", str(tmp_path / "out"), "--write-model", str(tmp_path / "m.lp")]
    )
    assert r.exit_code == 0, r.output
    text = (tmp_path / "m.lp").read_text()
    assert text.count("link(") == 2 and "link(w1,c2,goods,1)" in text and "link(w2,c1,goods,1)" in text
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["objective"] == 120.0


def test_infeasible_milp_is_explained_without_the_rows(tmp_path):
    # c1 wants 300; the two warehouses hold 100 each once open: 100 units short whatever is built
    from solver.pipeline.run import solve_loaded

    files = dict(CFLP, demand="market,product,period,units\nc1,goods,1,300")
    case = load_case(write_case(tmp_path / "case", **files))
    runs = [solve_loaded(case, tighten=t) for t in (True, False)]
    assert [r.status for r in runs] == ["infeasible", "infeasible"]
    assert runs[0].reasons == runs[1].reasons and runs[0].reasons
    assert not any("link" in r for r in runs[0].reasons) and "100" in " ".join(runs[0].reasons)
