"""The cover rows (solver/model/cover.py) on cases worked by hand: which rows, their
coefficients, the relaxation bound they give, and a MILP optimum and duals they leave as
they are."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solver.model import coefficients
from solver.case.load import load_case
from solver.model.create import create_model
from solver.pipeline.run import run_solve
from solver.solve.highs import load_highs

from conftest import read, write_case
from test_linking import MULTI

# Three warehouses with no capacity until opened (50 units each; 10, 20, 30 to open), one
# customer wanting 120; freight 1 a unit from w1, 2 from w2, 3 from w3.
#   Cover row: 50 b1 + 50 b2 + 50 b3 >= 120 - 0; rounded (divide by 50, round up):
#   b1 + b2 + b3 >= ceil(2.4) = 3.
#   MILP: two warehouses hold 100 < 120, so all three open, w1 and w2 full, w3 the last 20:
#   60 + 50 * 1 + 50 * 2 + 20 * 3 = 270.
#   LP relaxation without the rounded row: a unit from w_i costs its freight + f_i / 50
#   (1.2, 2.4, 3.6): w1 and w2 full (b = 1), 20 from w3 at b3 = 0.4: 10 + 20 + 12 + 50 +
#   100 + 60 = 252 (the linking rows x <= min(120, 50) b are the capacity rows again).
#   With it: b = (1, 1, 1), bound 270.
#   Duals with the builds fixed: w3 serves the last unit (3), w1's capacity saves 3 - 1 = 2
#   a unit, w2's 3 - 2 = 1.
THREE = dict(
    plants="plant,country,currency\nw1,X,USD\nw2,X,USD\nw3,X,USD",
    capacity="plant,max_units\nw1,0\nw2,0\nw3,0",
    expansions=(
        "option,plant,added_units,fixed_cost,first_period\nopen-w1,w1,50,10,1\nopen-w2,w2,50,20,1\nopen-w3,w3,50,30,1"
    ),
    demand="market,product,period,units\nc1,goods,1,120",
    lanes="plant,market,freight_cost\nw1,c1,1\nw2,c1,2\nw3,c1,3",
)


def _model(tmp_path, files, tighten=True):
    case = load_case(write_case(tmp_path / "case", **files))
    return create_model(case, coefficients.build(case), tighten=tighten)


def _cover_rows(lp) -> dict:
    """name -> (lower bound, {column name: coefficient})"""
    rs = lp.family_rows("cover")
    out = {}
    for i in range(rs.start, rs.stop):
        sl = slice(lp.start[i], lp.start[i + 1])
        out[str(lp.row_names[i])] = (
            lp.row_lower[i],
            {str(lp.col_names[c]): v for c, v in zip(lp.index[sl], lp.value[sl], strict=True)},
        )
        assert lp.row_upper[i] == np.inf
    return out


def _relaxation_bound(lp) -> float:
    h = load_highs(lp, relax=True)
    h.run()
    return h.getInfo().objective_function_value


def test_cover_row_and_its_rounding_by_hand(tmp_path):
    rows = _cover_rows(_model(tmp_path, THREE))
    assert rows == {
        "cover[1]": (120, {"build[open-w1]": 50, "build[open-w2]": 50, "build[open-w3]": 50}),
        "cover[1,rounded]": (3, {"build[open-w1]": 1, "build[open-w2]": 1, "build[open-w3]": 1}),
    }


def test_rounding_of_an_exact_multiple_does_not_round_up(tmp_path):
    # 100 units of demand, 50 a warehouse: b1 + b2 + b3 >= 2 exactly, not 3
    files = dict(THREE, demand="market,product,period,units\nc1,goods,1,100")
    assert _cover_rows(_model(tmp_path, files))["cover[1,rounded]"][0] == 2


def test_the_rounded_row_lifts_the_relaxation_to_the_milp_optimum(tmp_path):
    assert _relaxation_bound(_model(tmp_path / "a", THREE, tighten=False)) == pytest.approx(252)
    assert _relaxation_bound(_model(tmp_path / "b", THREE)) == pytest.approx(270)


def test_unmet_units_enter_the_row_and_a_covered_period_gets_none(tmp_path):
    # MULTI (test_linking.py): period 1 needs 10, p2 holds 10: nothing to cover. Period 2
    # needs 11, p2 holds 10, p1 none unless open-p1 (8 units) is built, and 6 of m1's A
    # may go unmet: 8 b + u[m1,A,2] >= 1. No rounding: the row has a continuous column.
    assert _cover_rows(_model(tmp_path, MULTI)) == {"cover[2]": (1, {"build[open-p1]": 8, "unmet[m1,A,2]": 1})}


def test_a_plant_without_a_capacity_row_leaves_its_period_uncovered(tmp_path):
    # w3 has no capacity.csv row (unlimited): it can serve the 120 units alone
    files = dict(THREE, capacity="plant,max_units\nw1,0\nw2,0")
    files["expansions"] = "option,plant,added_units,fixed_cost,first_period\nopen-w1,w1,50,10,1\nopen-w2,w2,50,20,1"
    assert _cover_rows(_model(tmp_path, files)) == {}


def test_no_rows_with_relax_or_no_tighten(tmp_path):
    case = load_case(write_case(tmp_path / "case", **THREE))
    co = coefficients.build(case)
    assert _cover_rows(create_model(case, co, relax=True, tighten=True)) == {}
    assert _cover_rows(create_model(case, co, tighten=False)) == {}


def test_milp_optimum_plan_and_duals_are_those_of_the_model_without_them(tmp_path):
    a = run_solve(write_case(tmp_path / "a", **THREE), tmp_path / "oa", sensitivity=True)
    b = run_solve(write_case(tmp_path / "b", **THREE), tmp_path / "ob", sensitivity=True, tighten=False)
    assert a.lp.family_rows("cover").stop > a.lp.family_rows("cover").start
    assert a.objective == pytest.approx(270) and b.objective == pytest.approx(270)
    duals = dict(zip(a.lp.row_names, a.solution.row_dual, strict=True))
    assert duals["demand[c1,goods,1]"] == pytest.approx(3)
    assert duals["capacity[w1,1]"] == pytest.approx(-2) and duals["capacity[w2,1]"] == pytest.approx(-1)
    assert duals["cover[1]"] == 0 and duals["cover[1,rounded]"] == 0  # free in the LP of the duals
    for out in ("oa", "ob"):
        cons = read(tmp_path / out, "sensitivity_constraints.csv")
        assert not cons["constraint"].str.startswith("cover").any()
    pd.testing.assert_frame_equal(
        read(tmp_path / "oa", "sensitivity_constraints.csv"), read(tmp_path / "ob", "sensitivity_constraints.csv")
    )
    for name in ("plan.csv", "cost_breakdown.csv", "builds.csv", "utilization.csv"):
        pd.testing.assert_frame_equal(read(tmp_path / "oa", name), read(tmp_path / "ob", name))
