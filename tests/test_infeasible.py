"""Infeasible cases are explained in the words of the inputs (elastic re-solve), exit 3."""
from __future__ import annotations

from click.testing import CliRunner

from solver.cli import cli

from conftest import write_case


def solve(case, tmp_path):
    return CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out")])


SHORT_IN_2014 = dict(
    plants="plant,country,currency\nsmyrna,US,USD\nbusan,KR,USD",
    demand="market,product,period,units\nusa,rogue,2014,180000\nusa,rogue,2015,100000",
    capacity="plant,product,max_units\nsmyrna,rogue,100000",
    lanes="plant,market,freight_cost,max_units\nsmyrna,usa,400,\nbusan,usa,1000,40000",
)


def test_demand_beyond_capacity_plus_lane_limit(tmp_path):
    # usa needs 180,000 in 2014; smyrna can make 100,000 and busan can ship 40,000 on its
    # lane: 140,000 reach usa. 2015 (100,000) is feasible and is not mentioned.
    case = write_case(tmp_path / "c", **SHORT_IN_2014)
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [
        "Error: case c is infeasible: no plan satisfies the case.",
        "  - demand of usa/rogue in 2014 is 180,000 but at most 140,000 can reach it (demand.csv row 2): "
        "smyrna rogue capacity 100,000 in 2014 (capacity.csv row 2) + "
        "busan→usa lane limit 40,000 in 2014 (lanes.csv row 3)",
        "No output was written.",
    ]
    assert not (tmp_path / "out").exists()


def test_minimum_production_beyond_demand(tmp_path):
    # A must make 150 but the only market wants exactly 100: 50 too many.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units,min_units\nA,500,150",
        lanes="plant,market,freight_cost\nA,m,1",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert ("  - demand of m/p in 1 is 100 but minimum production forces 150 into it (demand.csv row 2); "
            "limited by A total min_units 150 in 1 (capacity.csv row 2)") in r.stderr.splitlines()


def test_previous_outputs_survive_a_failed_run(tmp_path):
    good = write_case(tmp_path / "good", plants="plant,country,currency\nA,X,USD",
                      demand="market,product,period,units\nm,p,1,10",
                      capacity="plant,max_units\nA,50", lanes="plant,market,freight_cost\nA,m,1")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["solve", str(good), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (good / "demand.csv").write_text("market,product,period,units\nm,p,1,100\n")  # now infeasible
    assert CliRunner().invoke(cli, ["solve", str(good), "--out", str(out)]).exit_code == 3
    (good / "capacity.csv").write_text("plant,max_units\nA,-1\n")  # now bad input
    assert CliRunner().invoke(cli, ["solve", str(good), "--out", str(out)]).exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_outputs_of_an_earlier_case_do_not_linger(tmp_path):
    """Re-using --out for a case without expansion options removes the old builds.csv."""
    from conftest import ROGUE

    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["solve", str(ROGUE), "--out", str(out)]).exit_code == 0
    assert (out / "builds.csv").exists()
    small = write_case(tmp_path / "small", plants="plant,country,currency\nA,X,USD",
                       demand="market,product,period,units\nm,p,1,10",
                       capacity="plant,max_units\nA,50", lanes="plant,market,freight_cost\nA,m,1")
    assert CliRunner().invoke(cli, ["solve", str(small), "--out", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "cost_breakdown.csv", "plan.csv", "summary.json", "supply.csv", "utilization.csv"]


def test_time_limit_without_a_plan_exit_3(tmp_path):
    """100,000 flow variables cannot be solved in a millisecond: no plan, exit 3, nothing written."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from run import make_case

    make_case(tmp_path / "big", 20, 100, 5, 10)
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "big"), "--out", str(tmp_path / "out"), "--time-limit", "0.001"])
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [
        "Error: case big: no plan was found within the time limit of 0.001 s; raise --time-limit.",
        "No output was written.",
    ]
    assert not (tmp_path / "out").exists()


GROUP = dict(
    plants="plant,country,currency\nUS,US,USD\nMX,MX,USD\nDE,DE,EUR",
    capacity="plant,max_units\nUS,400\nMX,70\nDE,1000",
    expansions="option,plant,added_units,fixed_cost,first_period\nus-line,US,61,1000,1",
    fx="currency,rate\nEUR,0.9",
)


def test_shortage_counts_the_options_and_adds_up(tmp_path):
    # usa can be reached only from US (400 + 61 from the option) and MX (70): 531 < 600.
    # canada and eu have DE, which has room: they are not short and must not be named.
    case = write_case(tmp_path / "c", **GROUP,
                      demand="market,product,period,units\nusa,suv,1,600\ncanada,suv,1,60\neu,suv,1,100",
                      lanes="plant,market,freight_cost\nUS,usa,1\nUS,canada,2\nMX,usa,2\nDE,canada,3\nDE,eu,1")
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert [line for line in r.stderr.splitlines() if line.startswith("  - ")] == [
        "  - demand of usa/suv in 1 is 600 but at most 531 can reach it (demand.csv row 2): "
        "MX total capacity 70 in 1 (capacity.csv row 3) + US total capacity 400 + 61 from option us-line in 1 "
        "(capacity.csv row 2)",
    ]


def test_markets_short_together_are_named_together(tmp_path):
    # usa (450), canada (80) and eu (70) share US (400 + 61) and MX (70): 600 > 531, and
    # which of them goes short is arbitrary, so the message names the group, not one
    # market with "at most 0 can reach it".
    case = write_case(tmp_path / "c", **GROUP,
                      demand="market,product,period,units\nusa,suv,1,450\ncanada,suv,1,80\neu,suv,1,70",
                      lanes="plant,market,freight_cost\nUS,usa,1\nUS,canada,2\nUS,eu,3\nMX,usa,2\nMX,canada,3\nMX,eu,4")
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert [line for line in r.stderr.splitlines() if line.startswith("  - ")] == [
        "  - demand of usa/suv, canada/suv, eu/suv in 1 is 600 together but at most 531 can reach them "
        "(demand.csv rows 2, 3, 4): MX total capacity 70 in 1 (capacity.csv row 3) + US total capacity 400 "
        "+ 61 from option us-line in 1 (capacity.csv row 2)",
    ]
