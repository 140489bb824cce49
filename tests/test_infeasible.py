"""Infeasible cases are explained in the words of the inputs (elastic re-solve), exit 3."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.case.load import load_case
from solver.cli import cli
from solver.errors import NoPlanError
from solver.pipeline.run import solve_loaded

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
        'Warning: capacity.csv, column plant: "busan" is never named in capacity.csv: its production is unlimited '
        "in every period (add a row plant,max_units if that is not meant)",
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
    assert (
        "  - demand of m/p in 1 is 100 but minimum production forces 150 into it (demand.csv row 2); "
        "limited by A total min_units 150 in 1 (capacity.csv row 2)"
    ) in r.stderr.splitlines()


def test_previous_outputs_survive_a_failed_run(tmp_path):
    good = write_case(
        tmp_path / "good",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\nA,50",
        lanes="plant,market,freight_cost\nA,m,1",
    )
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
    small = write_case(
        tmp_path / "small",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\nA,50",
        lanes="plant,market,freight_cost\nA,m,1",
    )
    assert CliRunner().invoke(cli, ["solve", str(small), "--out", str(out)]).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".plantsplit.json",
        "cost_breakdown.csv",
        "plan.csv",
        "summary.json",
        "supply.csv",
        "utilization.csv",
    ]


def test_time_limit_without_a_plan_exit_3(tmp_path):
    """100,000 flow variables cannot be solved in a millisecond: no plan, exit 3, nothing written."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from run import make_case

    make_case(tmp_path / "big", 20, 100, 5, 10)
    r = CliRunner().invoke(
        cli, ["solve", str(tmp_path / "big"), "--out", str(tmp_path / "out"), "--time-limit", "0.001"]
    )
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
    case = write_case(
        tmp_path / "c",
        **GROUP,
        demand="market,product,period,units\nusa,suv,1,600\ncanada,suv,1,60\neu,suv,1,100",
        lanes="plant,market,freight_cost\nUS,usa,1\nUS,canada,2\nMX,usa,2\nDE,canada,3\nDE,eu,1",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert [line for line in r.stderr.splitlines() if line.startswith("  - ")] == [
        "  - demand of usa/suv in 1 is 600 but at most 531 can reach it (demand.csv row 2): "
        "MX total capacity 70 in 1 (capacity.csv row 3) + US total capacity 400 + 61 from option us-line in 1 "
        "(capacity.csv row 2)"
    ]


def test_markets_short_together_are_named_together(tmp_path):
    # usa (450), canada (80) and eu (70) share US (400 + 61) and MX (70): 600 > 531, and
    # which of them goes short is arbitrary, so the message names the group, not one
    # market with "at most 0 can reach it".
    case = write_case(
        tmp_path / "c",
        **GROUP,
        demand="market,product,period,units\nusa,suv,1,450\ncanada,suv,1,80\neu,suv,1,70",
        lanes="plant,market,freight_cost\nUS,usa,1\nUS,canada,2\nUS,eu,3\nMX,usa,2\nMX,canada,3\nMX,eu,4",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert [line for line in r.stderr.splitlines() if line.startswith("  - ")] == [
        "  - demand of usa/suv, canada/suv, eu/suv in 1 is 600 together but at most 531 can reach them "
        "(demand.csv rows 2, 3, 4): MX total capacity 70 in 1 (capacity.csv row 3) + US total capacity 400 "
        "+ 61 from option us-line in 1 (capacity.csv row 2)"
    ]


# m5's lanes (rows 3, 4) name 2025 only; m5 also has demand in 2026 (demand.csv row 5).
OPEN_ONLY_IN_2025 = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm4,a,2025,10\nm4,a,2026,10\nm5,a,2025,20\nm5,a,2026,30",
    capacity="plant,max_units\nA,100\nB,100",
    lanes="plant,market,period,freight_cost\nA,m4,,1\nA,m5,2025,2\nB,m5,2025,3",
)


def test_a_lane_open_only_in_other_periods_is_named_as_the_cause(tmp_path):
    case = write_case(tmp_path / "c", **OPEN_ONLY_IN_2025)
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1:] == [
        "Error: case c is infeasible: no plan satisfies the case.",
        "  - demand of m5/a in 2026 is 30 but at most 0 can reach it (demand.csv row 5): "
        "no lanes.csv row serves m5 in 2026 (its lanes are open only in 2025: rows 3, 4)",
        "No output was written.",
    ]


def test_validate_warns_of_a_period_no_lane_serves(tmp_path):
    case = write_case(tmp_path / "c", **OPEN_ONLY_IN_2025)
    r = CliRunner().invoke(cli, ["validate", str(case)])
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == (
        'Warning: demand.csv, row 5, column period: "2026" has demand for m5/a but no lanes.csv row serves m5 '
        "in 2026 (its lanes are open only in 2025: rows 3, 4); with no unmet_penalty the case has no plan "
        "(add a lanes.csv row for 2026, or with a blank period, or an unmet_penalty)"
    )
    # with an unmet_penalty the demand goes unmet, and the warning says so
    soft = write_case(
        tmp_path / "s",
        **dict(
            OPEN_ONLY_IN_2025,
            demand=OPEN_ONLY_IN_2025["demand"]
            .replace("units\n", "units,unmet_penalty\n")
            .replace("m5,a,2026,30", "m5,a,2026,30,500"),
        ),
    )
    r = CliRunner().invoke(cli, ["validate", str(soft)])
    assert r.exit_code == 0
    assert r.stdout.splitlines()[0] == (
        'Warning: demand.csv, row 5, column period: "2026" has demand for m5/a but no lanes.csv row serves m5 '
        "in 2026 (its lanes are open only in 2025: rows 3, 4); it will go unmet"
    )


def test_a_product_with_no_lane_open_in_its_period(tmp_path):
    # m is served in 2 (row 2, every period), but only for b; the rows that serve a (3, 4
    # for a, 5 for every product) name periods 1 and 3, so a in 2 has none.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,a,1,5\nm,a,2,7\nm,a,3,5\nm,b,2,5",
        capacity="plant,max_units\nA,100\nB,100",
        lanes="plant,market,product,period,freight_cost\nA,m,b,,1\nA,m,a,1,1\nB,m,a,3,1\nB,m,,3,1",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert r.stderr.splitlines()[-2] == (
        "  - demand of m/a in 2 is 7 but at most 0 can reach it (demand.csv row 3): no lanes.csv row serves m/a "
        "in 2 (its lanes for a are open only in 1, 3: rows 3-5)"
    )


def test_capacity_cites_the_row_whose_limit_binds(tmp_path):
    # p1 has 2,000 in every period (row 2) and 1,000 in 2027 (row 4): in 2027 the limit is
    # row 4's, so row 4 alone is cited; p2 (row 3) gives 500. 1,000 + 500 = 1,500 < 1,800.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\np1,X,USD\np2,Y,USD",
        demand="market,product,period,units\nm,a,2026,1500\nm,a,2027,1800",
        capacity="plant,period,max_units\np1,,2000\np2,,500\np1,2027,1000",
        lanes="plant,market,freight_cost\np1,m,1\np2,m,2",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1] == (
        "  - demand of m/a in 2027 is 1,800 but at most 1,500 can reach it (demand.csv row 3): "
        "p1 total capacity 1,000 in 2027 (capacity.csv row 4) + p2 total capacity 500 in 2027 (capacity.csv row 3)"
    )


def test_capacity_rows_that_set_the_same_limit_are_both_cited(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\np1,X,USD",
        demand="market,product,period,units\nm,a,2027,1800",
        capacity="plant,period,max_units\np1,,1000\np1,2027,1000",
        lanes="plant,market,freight_cost\np1,m,1",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1] == (
        "  - demand of m/a in 2027 is 1,800 but at most 1,000 can reach it (demand.csv row 2): "
        "p1 total capacity 1,000 in 2027 (capacity.csv rows 2, 3)"
    )


def test_a_minimum_cites_the_row_that_sets_it(tmp_path):
    # row 2 sets min 150 in every period, row 3 only a max in 1: the minimum is row 2's.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,period,max_units,min_units\nA,,,150\nA,1,500,",
        lanes="plant,market,freight_cost\nA,m,1",
    )
    r = solve(case, tmp_path)
    assert r.exit_code == 3
    assert (
        "  - demand of m/p in 1 is 100 but minimum production forces 150 into it (demand.csv row 2); "
        "limited by A total min_units 150 in 1 (capacity.csv row 2)"
    ) in r.stderr.splitlines()


def test_rows_are_cited_as_runs():
    from solver.case.checks import row_span

    assert row_span([12]) == "row 12"
    assert row_span([4, 3]) == "rows 3, 4"  # two in a row are listed, three make a range
    assert row_span(list(range(12, 27))) == "rows 12-26"
    assert row_span([2, 5, 7, 8, 9, 11]) == "rows 2, 5, 7-9, 11"
    # parts 1, 3, ..., 17 and 19-22; past 8 parts the rest is counted in rows: 17 and 19-22 = 5 more
    assert row_span([*range(1, 20, 2), 20, 21, 22]) == "rows 1, 3, 5, 7, 9, 11, 13, 15 and 5 more"


def test_a_run_without_a_plan_says_so_when_its_tables_are_read(tmp_path):
    # solve_loaded returns the infeasible run (the command line prints its reasons); reading a table
    # of it is the NoPlanError solve_case raises, not an AttributeError on None
    run = solve_loaded(load_case(write_case(tmp_path / "c", **SHORT_IN_2014)))
    assert run.status == "infeasible" and run.results is None
    for read in (lambda: run.plan, lambda: run.objective, run.tables, lambda: run.write(tmp_path / "out")):
        with pytest.raises(NoPlanError, match="case c is infeasible") as caught:
            read()
        assert caught.value.reasons == run.reasons and len(run.reasons) == 1
    assert not (tmp_path / "out").exists()
