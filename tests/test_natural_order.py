"""Plants, markets and products in natural order (p2 before p10) in every output, whatever
the order of the input files: sweep results and plans, the sensitivity report, compare."""

from __future__ import annotations

import csv

import openpyxl
import pandas as pd
from click.testing import CliRunner

import solver
from solver.cli import cli

from conftest import read, write_case

# plants.csv and demand.csv list the names in neither natural nor alphabetical order.
# p1 is the cheapest plant (1 a unit) and the only one with a lane to m1; p2 (2) serves
# only m2, p10 (3) only m10; no freight, unmet units cost 100.
CASE = dict(
    plants="plant,country,currency\np10,X,USD\np2,X,USD\np1,X,USD",
    demand="market,product,period,units,unmet_penalty\nm10,a,1,10,100\nm2,a,1,20,100\nm1,a,1,30,100",
    capacity="plant,max_units\np1,100\np2,100\np10,100",
    lanes="plant,market,freight_cost\np1,m10,0\np1,m2,0\np1,m1,0\np2,m2,0\np10,m10,0",
    costs="plant,unit_cost\np10,3\np2,2\np1,1",
)
PLANTS = ["p1", "p2", "p10"]
MARKETS = ["m1", "m2", "m10"]


def invoke(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r


def rows(path):
    with open(path, newline="") as fh:
        return list(csv.reader(fh))


def test_sweep_results_and_plans_list_plants_and_markets_naturally(tmp_path):
    # capacity of p1 = 0: p2 makes m2's 20, p10 m10's 10, m1's 30 go unmet (only p1 reaches it):
    #   cost 20 * 2 + 10 * 3 + 30 * 100 = 3,070.
    # 40: p1 makes m1's 30 (saves 99 a unit) and 10 for m10 (saves 3 - 1 = 2, more than m2's 1);
    #   p2 makes m2's 20: 40 * 1 + 20 * 2 = 80.
    # 100: p1 makes all 60: 60.
    case = write_case(tmp_path / "c", **CASE)
    invoke("sweep", case, "--vary", "capacity:p1=0,40,100", "--out", tmp_path / "s", "--plans", "--quiet")
    got = rows(tmp_path / "s" / "results.csv")
    head = got[0]
    assert head[head.index("units:p1") : head.index("production_cost_USD")] == [
        "units:p1",
        "units:p2",
        "units:p10",
        "unmet:m1",
        "unmet:m2",
        "unmet:m10",
    ]
    cells = [dict(zip(head, r, strict=True)) for r in got[1:]]
    assert [
        [c["objective_USD"]] + [c[f"units:{p}"] for p in PLANTS] + [c[f"unmet:{m}"] for m in MARKETS] for c in cells
    ] == [
        ["3070", "0", "20", "10", "30", "0", "0"],
        ["80", "40", "20", "0", "0", "0", "0"],
        ["60", "60", "0", "0", "0", "0", "0"],
    ]
    plans = rows(tmp_path / "s" / "plans.csv")
    assert [r[3:] for r in plans[1:] if r[0] == "s3"] == [["p1", "m1", "30"], ["p1", "m2", "20"], ["p1", "m10", "10"]]
    assert [r[3:] for r in plans[1:] if r[0] == "s1"] == [["p2", "m2", "20"], ["p10", "m10", "10"]]
    # the Python API holds the same columns
    sw = solver.sweep_case(case, vary={"capacity:p1": [0]})
    cols = list(sw.results.columns)
    assert (
        cols[cols.index("units:p1") : cols.index("production_cost_USD")]
        == head[head.index("units:p1") : head.index("production_cost_USD")]
    )
    assert sw.results.loc[0, "unmet:m1"] == 30 and sw.results.loc[0, "units:p10"] == 10


def test_sensitivity_report_lists_names_naturally(tmp_path):
    # Base case: p1 makes all 60 (30 to m1, 20 to m2, 10 to m10) and has room left, so one
    # more unit of any demand costs 1 (p1's) and no capacity binds.
    case = write_case(tmp_path / "c", **CASE)
    invoke("solve", case, "--out", tmp_path / "o", "--sensitivity")
    flows = read(tmp_path / "o", "sensitivity_flows.csv")
    assert flows["variable"].tolist() == [
        "flow[p1,m1,a,1]",
        "flow[p1,m2,a,1]",
        "flow[p1,m10,a,1]",
        "flow[p2,m2,a,1]",
        "flow[p10,m10,a,1]",
        "unmet[m1,a,1]",
        "unmet[m2,a,1]",
        "unmet[m10,a,1]",
    ]
    assert flows["final_value"].tolist() == [30, 20, 10, 0, 0, 0, 0, 0]
    cons = read(tmp_path / "o", "sensitivity_constraints.csv")
    assert cons["constraint"].tolist() == [
        "demand[m1,a,1]",
        "demand[m2,a,1]",
        "demand[m10,a,1]",
        "capacity[p1,1]",
        "capacity[p2,1]",
        "capacity[p10,1]",
    ]
    assert cons["final_value"].tolist() == [30, 20, 10, 60, 0, 0]
    assert cons["shadow_price_USD"].tolist() == [1, 1, 1, 0, 0, 0]


def test_products_in_natural_order(tmp_path):
    # Two products, k10 listed first everywhere; A makes both (1 a unit, room for 10 of
    # each): flows, demand and capacity rows go by product k2 (5 units), then k10 (3).
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,k10,1,3\nm,k2,1,5",
        capacity="plant,product,max_units\nA,k10,10\nA,k2,10",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,unit_cost\nA,1",
    )
    invoke("solve", case, "--out", tmp_path / "o", "--sensitivity")
    flows = read(tmp_path / "o", "sensitivity_flows.csv")
    assert flows["variable"].tolist() == ["flow[A,m,k2,1]", "flow[A,m,k10,1]"]
    assert flows["final_value"].tolist() == [5, 3]
    cons = read(tmp_path / "o", "sensitivity_constraints.csv")
    assert cons["constraint"].tolist() == ["demand[m,k2,1]", "demand[m,k10,1]", "capacity[A,k2,1]", "capacity[A,k10,1]"]
    assert cons["final_value"].tolist() == [5, 3, 5, 3]
    assert read(tmp_path / "o", "plan.csv")["product"].tolist() == ["k2", "k10"]


def test_compare_lists_plants_naturally(tmp_path):
    # A: capacity of p1 100, p1 makes all 60. B: capacity of p1 0, p2 makes 20, p10 10
    # (as in the sweep above). Units over the horizon, A then B: p1 60/0, p2 0/20, p10 0/10.
    a = write_case(tmp_path / "a", **CASE)
    b = write_case(tmp_path / "b", **dict(CASE, capacity="plant,max_units\np1,0\np2,100\np10,100"))
    invoke("solve", a, "--out", tmp_path / "oa")
    invoke("solve", b, "--out", tmp_path / "ob")
    r = invoke("compare", tmp_path / "oa", tmp_path / "ob", "--out", tmp_path / "cmp")
    t = pd.read_csv(tmp_path / "cmp" / "comparison.csv", dtype={"period": str, "item": str})
    units = t[(t["section"] == "units") & (t["period"] == "all")]
    assert units[["item", "value_a", "value_b"]].values.tolist() == [["p1", 60, 0], ["p2", 0, 20], ["p10", 0, 10]]
    lines = r.stdout.splitlines()
    i = lines.index("Units by plant over the horizon:")
    assert [line.split()[0] for line in lines[i + 2 : i + 5]] == PLANTS


def test_workbook_chart_lists_plants_naturally(tmp_path):
    # B (capacity of p1 0): p2 20 and p10 10 in period 1.
    case = write_case(tmp_path / "c", **dict(CASE, capacity="plant,max_units\np1,0\np2,100\np10,100"))
    invoke("solve", case, "--out", tmp_path / "o", "--xlsx")
    sheet = list(openpyxl.load_workbook(tmp_path / "o" / "plan.xlsx")["Summary"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(sheet) if r[0] == "Units by plant and period")
    assert [p for p in sheet[start + 1][1:] if p] == ["p2", "p10"]
    assert sheet[start + 2][:3] == ("1", 20, 10)


def test_names_equal_as_numbers_keep_one_order():
    # w02 and w2 are the same number after the w: text breaks the tie ("0" < "2"), so the
    # order never depends on the order the names came in.
    from solver.case.names import natural_sorted

    assert natural_sorted(["w10", "w2", "w02", "w1"]) == ["w1", "w02", "w2", "w10"]
    assert natural_sorted(["w2", "w02", "w10", "w1", "w2"]) == ["w1", "w02", "w2", "w10"]
