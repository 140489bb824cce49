"""Fixed costs while open and closing a plant (plants.csv fixed_cost, close_from, closing_cost), worked by hand.

Market m wants 100 units in each of periods 1, 2, 3. Plant a makes them at 100 a unit, plant b at 110, each at
most 100 a period, freight 0. Plant a costs F a period while open and may close from period 2 at a closing
cost of 500:
  F = 1,500: never 30,000 + 4,500 = 34,500; from 2: 10,000 + 22,000 + 1,500 + 500 = 34,000;
             from 3: 20,000 + 11,000 + 3,000 + 500 = 34,500  -> closes from 2, 34,000
  F = 1,000: never 33,000; from 2: 33,500; from 3: 33,500 -> stays open, 33,000
"""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import write_case


def case_files(fixed=1500, close_from="2", closing=500, min_units=""):
    return dict(
        plants=f"plant,country,currency,fixed_cost,close_from,closing_cost\na,X,USD,{fixed},{close_from},{closing}\n"
        "b,Y,USD,,,",
        demand="market,product,period,units\nm,p,1,100\nm,p,2,100\nm,p,3,100",
        capacity=f"plant,max_units,min_units\na,100,{min_units}\nb,100,",
        lanes="plant,market,freight_cost\na,m,0\nb,m,0",
        costs="plant,unit_cost\na,100\nb,110",
    )


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def solve(tmp_path, *extra, **files):
    case = write_case(tmp_path / "c", **files)
    r = run("solve", case, "--out", tmp_path / "o", *extra)
    assert r.exit_code == 0, r.output + r.stderr
    costs = pd.read_csv(tmp_path / "o" / "cost_breakdown.csv", dtype={"period": str})
    closures = tmp_path / "o" / "closures.csv"
    return r.output, costs, pd.read_csv(closures, dtype=str, keep_default_na=False) if closures.exists() else None


def test_a_closing_that_pays(tmp_path):
    out, costs, closures = solve(tmp_path, **case_files())
    assert costs["amount_USD"].sum() == pytest.approx(34_000)
    by = costs.set_index(["period", "component"])["amount_USD"]
    assert by["1", "fixed"] == 1500 and by["2", "fixed"] == 0 and by["2", "closing"] == 500
    assert closures.to_dict("records") == [
        dict(site="a", kind="plant", close_from="2", closed="1", closed_from="2", closing_cost_USD="500",
             fixed_cost_saved_USD="3000", present_value_USD="-2500")
    ]  # fmt: skip
    assert "Plant a closes from 2 (closing 500 USD; saves fixed costs of 3,000 USD)" in out
    assert "fixed 1,500, closing 500" in out


def test_a_closing_that_does_not_pay(tmp_path):
    out, costs, closures = solve(tmp_path, **case_files(fixed=1000))
    assert costs["amount_USD"].sum() == pytest.approx(33_000)
    assert closures["closed"].tolist() == ["0"] and closures["closed_from"].tolist() == [""]
    assert "Plant a stays open (it may close from 2)" in out


def test_a_closed_plant_owes_no_minimum(tmp_path):
    # a must make 100 a period while open; closed from 2 it makes none: the same 34,000
    _, costs, closures = solve(tmp_path, **case_files(min_units="100"))
    assert costs["amount_USD"].sum() == pytest.approx(34_000) and closures["closed_from"].tolist() == ["2"]


def test_a_fixed_cost_without_closing_is_paid_every_period(tmp_path):
    _, costs, closures = solve(tmp_path, **case_files(fixed=1000, close_from="", closing=""))
    assert costs["amount_USD"].sum() == pytest.approx(33_000) and closures is None
    assert costs[costs["component"] == "fixed"]["amount_USD"].tolist() == [1000, 1000, 1000]


def test_closing_with_discounting(tmp_path):
    # d = 1, 1/1.1, 1/1.21. never: 10,000 x 2.735537 + 1,500 x 2.735537 = 31,458.68
    # from 2: 10,000 + 11,000 x 1.735537 + 1,500 + 500 / 1.1 = 31,045.45 (from 3: 31,458.68)
    _, costs, closures = solve(tmp_path, "--discount-rate", "0.1", **case_files())
    assert costs["present_value_USD"].sum() == pytest.approx(10_000 + 11_000 * (1 / 1.1 + 1 / 1.21) + 1_500 + 500 / 1.1)
    assert closures["closed_from"].tolist() == ["2"]


def test_a_case_without_fixed_costs_keeps_its_cost_breakdown(tmp_path):
    files = case_files()
    files["plants"] = "plant,country,currency\na,X,USD\nb,Y,USD"
    _, costs, closures = solve(tmp_path, **files)
    assert closures is None and set(costs["component"]) == {"production", "freight", "duty", "unmet", "expansion"}


def test_close_from_and_currency_errors(tmp_path):
    files = case_files()
    files["plants"] = "plant,country,currency,fixed_cost,close_from\na,X,JPY,1500,2027\nb,Y,USD,,"
    r = run("validate", write_case(tmp_path / "c", **files))
    assert r.exit_code == 2
    assert "plants.csv, row 2, column close_from" in r.output and "is not a period of demand.csv" in r.output
    assert "plants.csv, row 2, column currency" in r.output and "JPY" in r.output


def test_sweep_costs_add_up_with_fixed_and_closing(tmp_path):
    # demand halved: never 15,000 + 4,500 = 19,500; from 2: 5,000 + 11,000 + 1,500 + 500 = 18,000
    case = write_case(tmp_path / "c", **case_files())
    r = run("sweep", case, "--vary", "demand_scale:m=0.5,1", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    res = pd.read_csv(tmp_path / "s" / "results.csv")
    assert res["objective_USD"].tolist() == [18_000, 34_000]
    assert res["fixed_cost_USD"].tolist() == [2_000, 2_000]  # 1,500 fixed + 500 closing
    parts = [c for c in res.columns if c.endswith("_cost_USD")]
    assert res[parts].sum(axis=1).tolist() == [18_000, 34_000]
    assert res["built:close:a@2"].tolist() == [1, 1]


def test_stochastic_decides_the_closing_before_demand_is_known(tmp_path):
    # both scenarios close from 2 (18,000 and 34,000): expected 26,000
    case = write_case(tmp_path / "c", **case_files())
    (tmp_path / "s.csv").write_text("scenario,probability,demand_scale:m\nlow,0.5,0.5\nhigh,0.5,1\n")
    r = run("stochastic", case, "--scenarios", tmp_path / "s.csv", "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    decision = pd.read_csv(tmp_path / "st" / "decision.csv")
    assert dict(zip(decision["option"], decision["built"], strict=True)) == {"close:a@2": 1, "close:a@3": 0}
    assert "Expected cost of the recommendation (RP): 26,000 USD" in r.output


def test_a_closing_cost_without_close_from_is_a_warning(tmp_path):
    r = run("validate", write_case(tmp_path / "c", **case_files(close_from="")))
    assert r.exit_code == 0, r.output
    assert "plants.csv, row 2, column closing_cost" in r.output and "has no close_from" in r.output


def test_the_report_says_which_plant_closes_and_names_closing_flips(tmp_path):
    from solver.report.html_studies import _cols, decision_words

    case = write_case(tmp_path / "c", **case_files())
    assert run("solve", case, "--out", tmp_path / "o").exit_code == 0
    assert run("report", tmp_path / "o", "--out", tmp_path / "r.html").exit_code == 0
    assert "; close a from 2." in (tmp_path / "r.html").read_text()
    assert decision_words("close:a@2", True) == "a closes from 2"
    assert decision_words("line@2015", False) == "line@2015 not built"
    df = pd.DataFrame(columns=["units:a", "units:a@1", "built:line@2015", "built:close:a@2"])
    assert _cols(df, "units:") == ["units:a"] and _cols(df, "built:") == ["built:line@2015", "built:close:a@2"]


@pytest.mark.parametrize("fixed, closed, total", [(5_000, "0", 1_776_000 + 5_000), (15_000, "1", 1_789_000)])
def test_a_hub_that_may_close(tmp_path, fixed, closed, total):
    # test_hubs's ports: savannah carries 50 units at 12,160; closed, they go from us direct at 12,400 (+12,000).
    # Its fixed cost F a period, closing 1,000: it closes when F - 1,000 > 12,000. F = 5,000: open, 1,781,000;
    # F = 15,000: closed, 100 x 11,680 + 50 x 12,400 + 1,000 = 1,789,000 (open: 1,791,000).
    from test_hubs import PORTS

    files = dict(PORTS, nodes="hub,handling_cost,max_units,fixed_cost,close_from,closing_cost\nbusan-port,50,,,,\n"
                 f"long-beach,80,100,,,\nsavannah,60,,{fixed},2014,1000")  # fmt: skip
    out, costs, closures = solve(tmp_path, **files)
    assert costs["amount_USD"].sum() == pytest.approx(total)
    assert closures[["site", "kind", "closed"]].values.tolist() == [["savannah", "hub", closed]]
    assert ("Hub savannah closes from 2014" in out) == (closed == "1")


def test_an_exchange_rate_parameter_says_it_leaves_fixed_costs_alone(tmp_path):
    files = case_files()
    files["plants"] = files["plants"].replace("a,X,USD", "a,X,EUR")
    files["fx"] = "currency,rate\nEUR,1"
    case = write_case(tmp_path / "c", **files)
    r = run("sweep", case, "--vary", "fx:EUR=1,2", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output + r.stderr
    assert "parameter fx:EUR does not move the fixed and closing costs of a" in r.output + r.stderr


def test_a_minimum_output_is_a_sweep_and_breakeven_parameter(tmp_path):
    # one period, 100 units; a at 100 a unit (up to 100), b at 110 with min_units M: 10,000 + 10 M
    files = dict(
        plants="plant,country,currency\na,X,USD\nb,Y,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units,min_units\na,100,\nb,100,20",
        lanes="plant,market,freight_cost\na,m,0\nb,m,0",
        costs="plant,unit_cost\na,100\nb,110",
    )
    case = write_case(tmp_path / "c", **files)
    r = run("sweep", case, "--vary", "min_production:b=0,20,50", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output + r.stderr
    assert pd.read_csv(tmp_path / "s" / "results.csv")["objective_USD"].tolist() == [10_000, 10_200, 10_500]
    r = run("breakeven", case, "--param", "min_production:b", "--from", 0, "--to", 100, "--out", tmp_path / "b")
    assert r.exit_code == 0, r.output + r.stderr
    points = pd.read_csv(tmp_path / "b" / "breakpoints.csv")
    assert (points["objective_from_USD"].iloc[0], points["objective_to_USD"].iloc[-1]) == (10_000, 11_000)
    r = run("sweep", case, "--vary", "min_production:a=5", "--out", tmp_path / "s2")
    assert r.exit_code == 2 and "no capacity.csv row with a min_units above 0" in r.output + r.stderr


def test_compare_names_a_closing_that_differs(tmp_path):
    # F = 1,500 closes a from 2 (34,000), F = 1,000 keeps it open (33,000): the module docstring.
    for name, fixed in (("a", 1500), ("b", 1000)):
        case = write_case(tmp_path / f"c{name}", **case_files(fixed=fixed))
        assert run("solve", case, "--out", tmp_path / name).exit_code == 0
    r = run("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "cmp")
    assert r.exit_code == 0, r.output + r.stderr
    assert "a: closed from 2 in A, open in B" in r.output
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv", dtype={"period": str})
    rows = table[table["section"] == "closure"][["item", "period", "value_a", "value_b"]]
    assert rows.values.tolist() == [["a", "2", 1.0, 0.0]]
    objective = table[table["item"] == "objective"].iloc[0]
    assert (objective["value_a"], objective["value_b"]) == (34_000, 33_000)
