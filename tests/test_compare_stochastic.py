"""plantsplit compare on two `stochastic` output folders, against figures worked out by hand.

The hand case of tests/test_stochastic.py: market m needs 100 units; plant A makes them at
200 USD (capacity 100); plant B at 100,000 KRW, with no capacity unless option `line` is
built (+100 units, 10,000 USD). Not built: 20,000 in every scenario. Built: 10,000 + 100 x
100,000 / rate: 30,000 at 500 KRW/USD ("weak"), 15,000 at 2,000 ("strong").

A: weak and strong equally likely. Not building costs 20,000; building 22,500 on average:
   RP = 20,000, not built; CVaR 0.95 = 20,000. EV: mean rate 1,250 -> build, 10,000 + 8,000
   = 18,000; EEV = 22,500; WS = (20,000 + 15,000) / 2 = 17,500; VSS 2,500; EVPI 2,500.
B: weak 0.2, strong 0.8. Building costs 0.2 x 30,000 + 0.8 x 15,000 = 18,000 < 20,000:
   RP = 18,000, built; CVaR 0.95 = 30,000 (the weak scenario holds 20% >= 5%). EV: mean
   rate 0.2 x 500 + 0.8 x 2,000 = 1,700 -> 10,000 + 10,000,000 / 1,700 = 15,882.35;
   EEV = 18,000 (the same decision); WS = 0.2 x 20,000 + 0.8 x 15,000 = 16,000; VSS 0;
   EVPI 2,000.
B's recommended cost per scenario: 15,000 with probability 0.8, 30,000 with 0.2: mean
18,000, min 15,000, the 5%, 25%, 50% and 75% quantiles 15,000 (P(cost <= 15,000) = 0.8),
the 95% quantile and max 30,000. A's: 20,000 throughout.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import solver
from solver.cli import cli

from conftest import ROGUE, write_case
from test_stochastic import CASE, TWO

B_SCENARIOS = "scenario,probability,fx:KRW\nweak,0.2,500\nstrong,0.8,2000\n"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def stochastic(case, scenarios_text, out, *more):
    sc = out.with_suffix(".csv")
    sc.write_text(scenarios_text)
    r = invoke("stochastic", case, "--scenarios", sc, "--out", out, "--quiet", *more)
    assert r.exit_code == 0, r.output
    return out


def table(out) -> pd.DataFrame:
    return pd.read_csv(out / "comparison.csv", dtype={"period": str, "item": str})


def rows_of(t, section):
    part = t[t["section"] == section]
    return {
        i: (a, b, c) for i, a, b, c in zip(part["item"], part["value_a"], part["value_b"], part["change"], strict=True)
    }


def test_two_stochastic_runs_side_by_side(tmp_path):
    case = write_case(tmp_path / "case", **CASE)
    a = stochastic(case, TWO, tmp_path / "a")
    b = stochastic(case, B_SCENARIOS, tmp_path / "b")
    r = invoke("compare", a, b, "--out", tmp_path / "cmp", "--xlsx")
    assert r.exit_code == 0, r.output
    t = table(tmp_path / "cmp")
    assert list(t.columns) == ["section", "item", "period", "unit", "value_a", "value_b", "change"]
    assert (t["period"] == "all").all()
    ev_b = 10_000 + 10_000_000 / 1_700
    expected = {
        "objective": (20_000, 18_000),
        "expected_cost": (20_000, 18_000),
        "cvar": (20_000, 30_000),
        "mean_value_cost": (18_000, ev_b),
        "expected_cost_of_mean_value_decision": (22_500, 18_000),
        "wait_and_see_cost": (17_500, 16_000),
        "vss": (2_500, 0),
        "evpi": (2_500, 2_000),
    }
    got = rows_of(t, "figure")
    assert list(got) == list(expected)
    for k, (va, vb) in expected.items():
        assert got[k] == pytest.approx((va, vb, vb - va), abs=0.01), k
    dist = rows_of(t, "scenario_cost")
    assert list(dist) == ["mean", "min", "p05", "p25", "median", "p75", "p95", "max"]
    b_side = {
        "mean": 18_000,
        "min": 15_000,
        "p05": 15_000,
        "p25": 15_000,
        "median": 15_000,
        "p75": 15_000,
        "p95": 30_000,
        "max": 30_000,
    }
    for k, vb in b_side.items():
        assert dist[k] == pytest.approx((20_000, vb, vb - 20_000), abs=1e-6), k
    assert rows_of(t, "build") == {"line": (0, 1, 1)}
    assert rows_of(t, "setting") == {"risk_weight": (0, 0, 0), "cvar_alpha": (0.95, 0.95, 0), "scenarios": (2, 2, 0)}
    assert set(t.loc[t["section"].isin(["figure", "scenario_cost"]), "unit"]) == {"USD"}
    out = r.output
    assert "A: " + str(a) + " (case case, 2 scenarios, risk weight 0, objective 20,000 USD)" in out
    assert "  objective" in out and "-2,000" in out
    assert "Builds that differ (the recommended decision):\n  line: not built in A, built in B" in out
    assert "Settings that differ" not in out  # the same weight, level and count: only the scenarios differ
    # the workbook: a Summary sheet, then the table with the CSV's rows, numbers as numbers
    wb = openpyxl.load_workbook(tmp_path / "cmp" / "comparison.xlsx")
    assert wb.sheetnames == ["Summary", "comparison"]
    sheet = list(wb["comparison"].iter_rows(values_only=True))
    assert list(sheet[0]) == list(t.columns) and len(sheet) == len(t) + 1
    line = next(row for row in sheet if row[0] == "build")
    assert line == ("build", "line", "all", "built (1 = yes)", 0, 1, 1)
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if row[0]}
    assert facts["objective_b (USD)"] == 18_000 and facts["case_a"] == "case"
    # figures in money get the money format, the settings and builds none
    formats = {(row[0].value, row[1].value): row[4].number_format for row in wb["comparison"].iter_rows(min_row=2)}
    assert formats[("figure", "expected_cost")] == formats[("scenario_cost", "median")] == "#,##0.00"
    assert formats[("build", "line")] == formats[("setting", "cvar_alpha")] == "General"


def test_risk_weight_and_refusals(tmp_path):
    # Same scenarios (A's), risk weight 1: E + CVaR is 20,000 + 20,000 = 40,000 without the
    # line and 22,500 + 30,000 = 52,500 with it: still not built, objective +20,000.
    case = write_case(tmp_path / "case", **CASE)
    a = stochastic(case, TWO, tmp_path / "a")
    b = stochastic(case, TWO, tmp_path / "b", "--risk-weight", "1")
    r = invoke("compare", a, b, "--out", tmp_path / "cmp")
    assert r.exit_code == 0, r.output
    t = table(tmp_path / "cmp")
    assert rows_of(t, "figure")["objective"] == (20_000, 40_000, 20_000)
    assert rows_of(t, "figure")["expected_cost"] == (20_000, 20_000, 0)
    assert rows_of(t, "build") == {}
    assert "Builds: the same in both." in r.output
    assert "Settings that differ: risk_weight 0 in A, 1 in B" in r.output
    # a folder without its scenario costs, and a solve beside a stochastic run: exit 2
    (b / "scenario_costs.csv").unlink()
    r = invoke("compare", a, b, "--out", tmp_path / "cmp2")
    assert r.exit_code == 2 and f"{b}: scenario_costs.csv is missing" in r.stderr
    assert invoke("solve", case, "--out", tmp_path / "s").exit_code == 0
    r = invoke("compare", tmp_path / "s", a, "--out", tmp_path / "cmp3")
    assert r.exit_code == 2 and "give two folders of the same kind" in r.stderr
    assert not (tmp_path / "cmp2").exists() and not (tmp_path / "cmp3").exists()


def test_rogue_at_two_wons(tmp_path):
    # One scenario each: the won at 900 and at 1,100 per dollar in every period. The Busan
    # line stops paying below 936.27 (docs/getting-started.md, breakeven): not built at 900, built at 1,100.
    # With one scenario the stochastic decision is the plan of that scenario: its expected
    # cost is what a sweep finds at that rate (a separate command), and every quantile of
    # the cost distribution is that one cost.
    a = stochastic(ROGUE, "scenario,fx:KRW\nwon900,900\n", tmp_path / "a", "--jobs", "1")
    b = stochastic(ROGUE, "scenario,fx:KRW\nwon1100,1100\n", tmp_path / "b", "--jobs", "1")
    r = invoke("compare", a, b, "--out", tmp_path / "cmp", "--csv-style", "excel-eu")
    assert r.exit_code == 0, r.output
    t = pd.read_csv(
        tmp_path / "cmp" / "comparison.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"item": str}
    )
    assert rows_of(t, "build") == {"busan-rogue-line": (0, 1, 1)}
    sweep = solver.sweep_case(ROGUE, vary={"fx:KRW": [900, 1100]}).results
    cost900, cost1100 = sweep["objective_USD"].tolist()
    assert sweep["built:busan-rogue-line"].tolist() == [0, 1]
    fig, dist = rows_of(t, "figure"), rows_of(t, "scenario_cost")
    for k in ("objective", "expected_cost", "wait_and_see_cost", "mean_value_cost"):
        assert fig[k][:2] == pytest.approx((cost900, cost1100), abs=0.01), k
    for k in dist:
        assert dist[k][:2] == pytest.approx((cost900, cost1100), abs=0.01), k
    assert "present value" in r.output  # the Rogue case discounts at 8%
