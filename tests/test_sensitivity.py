"""Ranging report (Excel's Sensitivity Report) checked against ranges worked out by hand."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE, read, write_case

CASE = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,60\nB,1000",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_ranges_by_hand(tmp_path, solver):
    # Landed A 11 (cap 60), B 12 (cap 1000); demand 100 -> A 60, B 40, cost 1140.
    # flow A: basic; its cost may rise by 1 (then B is as cheap) and fall without limit.
    # flow B: basic; its cost may fall by 1 (then A...) - A is already full, so B's cost
    #   may rise without limit (B must supply 40 anyway) and fall by 1 (to 11, tie with A).
    # demand rhs: shadow 12; may rise by 960 (B's spare capacity) and fall by 40 (A alone).
    # capacity A: shadow -1; may rise by 40 (A takes all demand) and fall by 60 (to 0).
    # capacity B: not binding: rise without limit (1E+30), fall by its slack 960.
    case = write_case(tmp_path / "c", **CASE)
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o"), "--sensitivity", "--solver", solver])
    assert r.exit_code == 0, r.output
    flows = read(tmp_path / "o", "sensitivity_flows.csv").set_index("variable")
    fcols = ["final_value", "objective_coefficient_USD", "allowable_increase_USD", "allowable_decrease_USD"]
    assert flows.loc["flow[A,m,p,1]", fcols].tolist() == [60, 11, 1, 1e30]
    assert flows.loc["flow[B,m,p,1]", fcols].tolist() == [40, 12, 1e30, 1]
    cons = read(tmp_path / "o", "sensitivity_constraints.csv").set_index("constraint")
    cols = ["final_value", "shadow_price_USD", "rhs", "allowable_increase", "allowable_decrease"]
    assert cons.loc["demand[m,p,1]", cols].tolist() == [100, 12, 100, 960, 40]
    assert cons.loc["capacity[A,1]", cols].tolist() == [60, -1, 60, 40, 60]
    assert cons.loc["capacity[B,1]", cols].tolist() == [40, 0, 1000, 1e30, 960]
    assert "1E+30" in (tmp_path / "o" / "sensitivity_constraints.csv").read_text()


def test_reported_range_limit_reproduces_its_objective(tmp_path):
    # Raising A's capacity by its allowable increase (40) must save 40 * 1 = 40: cost 1100.
    case = write_case(tmp_path / "c", **dict(CASE, capacity="plant,max_units\nA,100\nB,1000"))
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert "Total cost: 1,100 USD" in r.output


def test_milp_ranging_is_labelled(tmp_path):
    r = CliRunner().invoke(cli, ["solve", str(ROGUE), "--out", str(tmp_path / "o"), "--sensitivity"])
    assert r.exit_code == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["sensitivity"] == "lp with build decisions fixed"
    cons = read(tmp_path / "o", "sensitivity_constraints.csv").set_index("constraint")
    # Smyrna's 2016 Rogue capacity: shadow price -3,233.11 (the hand derivation in docs/getting-started.md).
    assert cons.loc["capacity[smyrna,rogue,2016]", "shadow_price_USD"] == pytest.approx(-(21133.1149 - 17900), abs=1e-3)


def test_names_split_into_parts_and_rounded_as_promised(tmp_path):
    # A's cost 10/3 per unit: the coefficient 1 + 10/3 = 4.3333... is written with 4 decimals
    # (money per unit), and A's allowable increase (to B's 12) 12 - 4.3333 = 7.6667.
    case = write_case(tmp_path / "c", **{**CASE, "costs": "plant,unit_cost\nA,3.3333333333\nB,12"})
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o"), "--sensitivity"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "o" / "sensitivity_flows.csv").read_text().splitlines()
    assert text[0].startswith("variable,plant,market,product,period,final_value,")
    assert text[1] == '"flow[A,m,p,1]",A,m,p,1,60,0,4.3333,7.6667,1E+30'
    cons = (tmp_path / "o" / "sensitivity_constraints.csv").read_text().splitlines()
    assert (
        cons[0] == "constraint,plant,market,product,period,final_value,shadow_price_USD,rhs,allowable_increase,"
        "allowable_decrease"
    )
    assert '"demand[m,p,1]",,m,p,1,100,12,100,960,40' in cons
    assert '"capacity[A,1]",A,,,1,60,-7.6667,60,40,60' in cons


def test_money_columns_have_at_most_four_decimals(tmp_path):
    """docs/outputs.md: per-unit money 4 decimals. Every column named with the currency, in every
    file solve --sensitivity writes for the Rogue case, holds at most 4."""
    import re

    from click.testing import CliRunner

    from conftest import ROGUE
    from solver.cli import cli

    r = CliRunner().invoke(cli, ["solve", str(ROGUE), "--out", str(tmp_path), "--sensitivity"])
    assert r.exit_code == 0, r.output
    checked = set()
    for f in tmp_path.glob("*.csv"):
        lines = f.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        for j, col in enumerate(header):
            if not col.endswith("_USD"):
                continue
            cells = [line.split(",")[j] for line in lines[1:]]
            most = max((len(c.partition(".")[2]) for c in cells if re.fullmatch(r"-?\d+(\.\d+)?", c)), default=0)
            assert most <= 4, (f.name, col, most)
            checked.add(col)
    assert "reduced_cost_USD" in checked and "objective_coefficient_USD" in checked


def test_costs_read_the_same_at_any_discount_rate(tmp_path):
    # One plant making at 100.00305 a unit (no freight) for m in periods 1 and 2. At 8% the
    # period-2 flow's cost is 100.00305 / 1.08 in the LP; the report divides by d(2) = 1/1.08
    # again, and must show the cost itself, as at 0% (x / 1.08 * 1.08 is 100.00304999999999
    # in floating point, which once read 100.0030 instead of 100.0031).
    from conftest import write_case

    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,10\nm,p,2,10",
        capacity="plant,max_units\nA,100",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,unit_cost\nA,100.00305",
    )
    texts = []
    for rate in ("0", "8%"):
        out = tmp_path / f"o{rate[0]}"
        r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out), "--sensitivity", "--discount-rate", rate])
        assert r.exit_code == 0, r.output
        rows = {row["variable"]: row for row in csv.DictReader(open(out / "sensitivity_flows.csv", encoding="utf-8"))}
        texts.append([rows[f"flow[A,m,p,{t}]"]["objective_coefficient_USD"] for t in ("1", "2")])
    assert texts[0] == texts[1] == [texts[0][0]] * 2
    assert float(texts[0][0]) == pytest.approx(100.00305, abs=6e-5)


def test_a_built_options_capacity_is_in_the_rows_right_hand_side(tmp_path):
    # test_decompose.LINKED: option big (+50 at A) is built; A makes 100 of its 50 + 50 in
    # period 1 and 75 in period 2 (B the other 10). The capacity rows read as utilization.csv:
    # final value = units made, rhs = max_units + built capacity; A's period-1 capacity is
    # worth 10 (B's 20 - A's 10): shadow price -10 (Excel's sign).
    from test_decompose import LINKED

    case = write_case(tmp_path / "c", **LINKED)
    out = tmp_path / "o"
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out), "--sensitivity"])
    assert r.exit_code == 0, r.output
    rows = {
        row["constraint"]: row for row in csv.DictReader(open(out / "sensitivity_constraints.csv", encoding="utf-8"))
    }
    a1, a2 = rows["capacity[A,1]"], rows["capacity[A,2]"]
    assert (float(a1["final_value"]), float(a1["rhs"])) == (100, 100)
    assert (float(a2["final_value"]), float(a2["rhs"])) == (75, 100)
    assert float(a1["shadow_price_USD"]) == pytest.approx(-10)
    util = {
        (u["plant"], u["period"]): u
        for u in csv.DictReader(open(out / "utilization.csv", encoding="utf-8"))
        if not u["product"]
    }
    assert float(util[("A", "1")]["units"]) == 100 and float(util[("A", "1")]["max_units"]) == 100
