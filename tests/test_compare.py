"""plantsplit compare: two real runs side by side, checked against figures worked out by hand."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE, write_case


def rogue_with_fx(tmp_path, name, edits):
    case = tmp_path / name
    shutil.copytree(ROGUE, case)
    fx = (case / "fx.csv").read_text()
    for old, new in edits:
        assert old in fx
        fx = fx.replace(old, new)
    (case / "fx.csv").write_text(fx)
    return case


def solve(case, out):
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


def compare(a, b, out):
    return CliRunner().invoke(cli, ["compare", str(a), str(b), "--out", str(out)])


def table(out) -> pd.DataFrame:
    return pd.read_csv(out / "comparison.csv", dtype={"period": str, "item": str})


def value(t, section, item, period, col="change"):
    row = t[(t["section"] == section) & (t["item"] == item) & (t["period"] == period)]
    assert len(row) == 1, (section, item, period)
    return row[col].iloc[0]


def test_rogue_with_a_stronger_won_in_2012_only(tmp_path):
    # KRW 1,126.8 -> 1,000 per USD in 2012 only. In 2012 Busan has no Rogue line (max 0
    # until the option's 2014), Smyrna none either, so the plan cannot change: Kyushu
    # makes the 181,000 Rogues, Busan the 180,000 SM (the only plant making it); later
    # periods' costs are untouched. Only the SM's 2012 production cost moves:
    #   180,000 * 17,000,000 KRW * (1/1000 - 1/1126.8) USD.
    a = solve(ROGUE, tmp_path / "a")
    b = solve(rogue_with_fx(tmp_path, "won2012", [("KRW,2012,1126.8", "KRW,2012,1000")]), tmp_path / "b")
    r = compare(a, b, tmp_path / "cmp")
    assert r.exit_code == 0, r.output
    t = table(tmp_path / "cmp")
    assert list(t.columns) == ["section", "item", "period", "unit", "value_a", "value_b", "change"]
    units = t[t["section"] == "units"]
    assert (units["change"] == 0).all() and len(units) == 3 * 6 + 4 * 6  # 3 plants, 4 plant/products; 5 periods + all
    assert value(t, "units", "busan/sm-lineup", "2012", "value_b") == 180000
    extra = 180000 * 17_000_000 * (1 / 1000 - 1 / 1126.8)
    assert value(t, "cost", "production", "2012") == pytest.approx(extra, abs=0.01)
    assert value(t, "cost", "production", "all") == pytest.approx(extra, abs=0.01)
    assert value(t, "cost", "objective", "all") == pytest.approx(extra, abs=0.02)
    for comp in ("freight", "duty", "expansion"):
        assert value(t, "cost", comp, "all") == 0
    assert not (t["section"] == "build").any()
    assert "Builds: the same in both." in r.output


def test_rogue_with_a_won_at_900_drops_the_busan_line(tmp_path):
    # KRW at 900 from 2014: a Busan Rogue costs 18,500,000 / 900 = 20,555.56 USD. Against
    # Kyushu (20,000) it only wins in Korea (20,705.56 vs 22,140 landed) and the 2016 US
    # (21,555.56 vs 21,600): at most ~3 * 4,000 * 1,434 + 80,000 * 44, far below the
    # line's charges within the horizon (160M over 7 years at 8%: 3 charges of
    # 160M * 0.08 / (1 - 1.08^-7) = 30.73M), so it is not built (it is at 1,053: tests/test_rogue.py). Then Busan
    # makes only the SM, 180,000 a year; in 2016 Kyushu makes 330,600 - 240,000 = 90,600
    # Rogues (10,600 before). Busan's Rogue capacity (0 without the line) binds in 2015
    # with shadow price 22,140 - 20,705.56 = 1,434.44 (a Busan unit would replace a
    # Kyushu unit in Korea); with the line it had spare room that year.
    a = solve(ROGUE, tmp_path / "a")
    b = solve(
        rogue_with_fx(tmp_path, "won900", [("KRW,2014,1053", "KRW,2014,900"), ("KRW,,1053", "KRW,,900")]),
        tmp_path / "b",
    )
    r = compare(a, b, tmp_path / "cmp")
    assert r.exit_code == 0, r.output
    t = table(tmp_path / "cmp")
    builds = t[t["section"] == "build"]
    assert builds[["item", "value_a", "value_b"]].values.tolist() == [["busan-rogue-line", 1, 0]]
    for period in ("2012", "2013", "2014", "2015", "2016"):
        assert value(t, "units", "busan", period, "value_b") == 180000
    assert value(t, "units", "kyushu", "2016", "value_a") == 10600
    assert value(t, "units", "kyushu", "2016", "value_b") == 90600
    assert value(t, "units", "kyushu", "2016") == 80000
    # cost rows are present values at 2012 (8%): the 2014 charge counts 1.08^-2 of it, and
    # the components add up to the objective
    charge = 160e6 * 0.08 / (1 - 1.08**-7)
    assert value(t, "cost", "expansion", "2014") == pytest.approx(-charge / 1.08**2, abs=0.01)
    comps = t[(t["section"] == "cost") & (t["period"] == "all") & (t["item"] != "objective")]
    assert comps["value_b"].sum() == pytest.approx(value(t, "cost", "objective", "all", "value_b"), abs=0.1)
    assert value(t, "binding", "busan/rogue", "2015", "value_a") == 0
    assert value(t, "binding", "busan/rogue", "2015", "value_b") == pytest.approx(
        22140 - 18_500_000 / 900 - 150, abs=1e-3
    )
    assert "busan-rogue-line: built in A, not built in B" in r.output
    assert "busan/rogue 2015: binding in B only (1,434.44)" in r.output


TWO_PLANTS = dict(
    plants="plant,country,currency\nA,X,USD\nB,X,USD",
    capacity="plant,max_units\nA,60\nB,100",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,20",
)


def test_a_capacity_binding_in_one_run_only(tmp_path):
    # A costs 10 (max 60), B 20 (max 100). Demand 100: A 60 (full, shadow price 20 - 10 = 10),
    # B 40, cost 600 + 800 = 1,400. Demand 50: A 50, not full, B 0, cost 500.
    a = solve(
        write_case(tmp_path / "d100", demand="market,product,period,units\nm,p,1,100", **TWO_PLANTS), tmp_path / "a"
    )
    b = solve(
        write_case(tmp_path / "d50", demand="market,product,period,units\nm,p,1,50", **TWO_PLANTS), tmp_path / "b"
    )
    r = compare(a, b, tmp_path / "cmp")
    assert r.exit_code == 0, r.output
    t = table(tmp_path / "cmp")
    assert value(t, "units", "A", "1") == -10 and value(t, "units", "B", "1") == -40
    assert value(t, "cost", "production", "1", "value_a") == 1400 and value(t, "cost", "production", "1") == -900
    binding = t[t["section"] == "binding"]
    assert binding[["item", "period", "value_a", "value_b"]].values.tolist() == [["A (total)", "1", 10, 0]]
    assert binding["unit"].tolist() == ["USD per unit (shadow price)"]
    assert "A (total) 1: binding in A only (10.00)" in r.output


def test_refuses_folders_of_different_kinds(tmp_path):
    a = solve(ROGUE, tmp_path / "a")
    r = CliRunner().invoke(
        cli, ["sweep", str(ROGUE), "--out", str(tmp_path / "sw"), "--vary", "fx:KRW=1000", "--jobs", "1", "--quiet"]
    )
    assert r.exit_code == 0
    r = compare(a, tmp_path / "sw", tmp_path / "cmp")
    assert r.exit_code == 2
    assert (
        f"cannot compare {a} (output of 'solve') with {tmp_path / 'sw'} (output of 'sweep'): "
        "give two folders of the same kind"
    ) in r.stderr
    r = compare(tmp_path / "sw", tmp_path / "sw", tmp_path / "cmp")
    assert r.exit_code == 2 and "holds the output of 'sweep'; compare takes folders of 'solve'" in r.stderr
    other = tmp_path / "other"
    shutil.copytree(a, other)
    info = json.loads((other / "summary.json").read_text())
    (other / "summary.json").write_text(json.dumps({**info, "kind": "stochastic"}))
    r = compare(a, other, tmp_path / "cmp")
    assert r.exit_code == 2 and "(output of 'stochastic'): give two folders of the same kind" in r.stderr
    r = compare(a, tmp_path / "nothing", tmp_path / "cmp")
    assert r.exit_code == 2 and "no such folder" in r.stderr
    r = compare(a, ROGUE, tmp_path / "cmp")
    assert r.exit_code == 2 and "is not a plantsplit output folder (no summary.json)" in r.stderr
    assert not (tmp_path / "cmp").exists()


def test_compare_runs_in_memory_matches_the_command_line(tmp_path):
    import solver

    ra = solver.solve_case(write_case(tmp_path / "d100", demand="market,product,period,units\nm,p,1,100", **TWO_PLANTS))
    rb = solver.solve_case(write_case(tmp_path / "d50", demand="market,product,period,units\nm,p,1,50", **TWO_PLANTS))
    c = solver.compare_runs(ra, rb)
    t = c.table
    assert value(t, "units", "B", "1") == -40 and value(t, "cost", "objective", "all") == 500 - 1400
    assert "A (total) 1: binding in A only (10.00)" in c.text
    c.write(tmp_path / "api")
    r = compare(ra.write(tmp_path / "a"), rb.write(tmp_path / "b"), tmp_path / "cli")
    assert r.exit_code == 0
    assert (tmp_path / "api" / "comparison.csv").read_bytes() == (tmp_path / "cli" / "comparison.csv").read_bytes()


def test_a_stochastic_folder_is_recognised_and_refused_beside_a_solve(tmp_path):
    # a real stochastic run on a tiny case (two exchange-rate scenarios)
    case = write_case(
        tmp_path / "case",
        plants="plant,country,currency\nA,US,USD\nB,KR,KRW",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,100\nB,0",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,200\nB,100000",
        fx="currency,rate\nKRW,1000",
        expansions="option,plant,added_units,fixed_cost,first_period\nline,B,100,10000,1",
    )
    sc = tmp_path / "sc.csv"
    sc.write_text("scenario,fx:KRW\nweak,500\nstrong,2000\n")
    r = CliRunner().invoke(
        cli, ["stochastic", str(case), "--scenarios", str(sc), "--out", str(tmp_path / "st"), "--quiet"]
    )
    assert r.exit_code == 0, r.output
    a = solve(case, tmp_path / "a")
    r = compare(a, tmp_path / "st", tmp_path / "cmp")
    assert r.exit_code == 2
    assert f"(output of 'solve') with {tmp_path / 'st'} (output of 'stochastic')" in r.stderr
    r = compare(tmp_path / "st", a, tmp_path / "cmp")
    assert r.exit_code == 2
    assert f"cannot compare {tmp_path / 'st'} (output of 'stochastic') with {a} (output of 'solve')" in r.stderr
    assert not (tmp_path / "cmp").exists()


def test_excel_eu_folders_and_the_workbook(tmp_path):
    # a folder written for Excel in a ';' locale reads back to the same comparison; --xlsx
    # adds comparison.xlsx whose table sheet holds the CSV's rows, numbers as numbers
    import openpyxl

    case = write_case(tmp_path / "d100", demand="market,product,period,units\nm,p,1,100", **TWO_PLANTS)
    other = write_case(tmp_path / "d50", demand="market,product,period,units\nm,p,1,50", **TWO_PLANTS)
    a, b = solve(case, tmp_path / "a"), solve(other, tmp_path / "b")
    r = CliRunner().invoke(cli, ["solve", str(other), "--out", str(tmp_path / "b-eu"), "--csv-style", "excel-eu"])
    assert r.exit_code == 0
    assert compare(a, b, tmp_path / "plain").exit_code == 0
    r = CliRunner().invoke(cli, ["compare", str(a), str(tmp_path / "b-eu"), "--out", str(tmp_path / "eu"), "--xlsx"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "eu" / "comparison.csv").read_bytes() == (tmp_path / "plain" / "comparison.csv").read_bytes()
    wb = openpyxl.load_workbook(tmp_path / "eu" / "comparison.xlsx")
    assert wb.sheetnames == ["Summary", "comparison"]
    rows = [[c.value for c in row] for row in wb["comparison"].iter_rows()]
    t = table(tmp_path / "eu")
    assert rows[0] == list(t.columns) and len(rows) == len(t) + 1
    bind = [r for r in rows if r[0] == "binding"]
    assert bind == [["binding", "A (total)", "1", "USD per unit (shadow price)", 10, 0, -10]]


def test_workbook_formats_each_value_by_its_unit_and_names_the_currency_of_the_objectives(tmp_path):
    # The case of test_a_capacity_binding_in_one_run_only: demand 100 costs 1,400 (A 60 at 10,
    # B 40 at 20; A binding at a shadow price of 20 - 10 = 10), demand 50 costs 500 (A 50).
    import openpyxl

    a = solve(
        write_case(tmp_path / "d100", demand="market,product,period,units\nm,p,1,100", **TWO_PLANTS), tmp_path / "a"
    )
    b = solve(
        write_case(tmp_path / "d50", demand="market,product,period,units\nm,p,1,50", **TWO_PLANTS), tmp_path / "b"
    )
    r = CliRunner().invoke(cli, ["compare", str(a), str(b), "--out", str(tmp_path / "cmp"), "--xlsx"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(tmp_path / "cmp" / "comparison.xlsx")
    ws = wb["comparison"]
    header = [c.value for c in ws[1]]
    assert header == (tmp_path / "cmp" / "comparison.csv").read_text().splitlines()[0].split(",")
    cells = {tuple(c.value for c in row[:3]): row for row in ws.iter_rows(min_row=2)}

    def shown(key):
        row = cells[key]
        return [(c.value, c.number_format) for c in row[4:7]]

    money, units = "#,##0.00", "#,##0"
    assert shown(("units", "A", "1")) == [(60, units), (50, units), (-10, units)]
    assert shown(("cost", "production", "1")) == [(1400, money), (500, money), (-900, money)]
    assert shown(("cost", "objective", "all")) == [(1400, money), (500, money), (-900, money)]
    assert shown(("binding", "A (total)", "1")) == [(10, money), (0, money), (-10, money)]
    # the Summary names the currency of the two objectives, as every Summary sheet does for money
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2) if row[0].value}
    assert "objective_a" not in summary and "objective_b" not in summary
    assert (summary["objective_a (USD)"].value, summary["objective_a (USD)"].number_format) == (1400, money)
    assert (summary["objective_b (USD)"].value, summary["objective_b (USD)"].number_format) == (500, money)
    assert summary["currency"].value == "USD"
