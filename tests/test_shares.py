"""Sourcing shares (shares.csv), worked by hand: min and max, by plant and by country,
product blank (all products of the market together) and product set, by period."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import read, write_case


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def sourcing(run):
    return read(run.out_dir, "sourcing.csv")


def test_min_share_by_plant_over_all_products(solve_case):
    # A makes at 1, B at 5. m wants 60 p + 40 q = 100. At least 30% of all of m's units from B:
    # B 30, A 70 -> 70 + 150 = 220. One more unit required from B costs 5 - 1 = 4.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,60\nm,q,1,40",
        capacity="plant,max_units\nA,1000\nB,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,1\nB,5",
        shares="market,plant,min_share\nm,B,30%",
    )
    assert run.solution.objective == pytest.approx(220)
    s = sourcing(run).iloc[0]
    assert (s["row"], s["market"], s["product"], s["period"], s["plant"]) == (2, "m", "", "1", "B")
    assert (s["units_from_source"], s["units_supplied"], s["share"], s["min_share"]) == (30, 100, 0.3, 0.3)
    assert s["min_shadow_price_USD"] == pytest.approx(4)
    assert [n for n in run.lp.row_names if n.startswith("share")] == ["share_min[m,1,B]"]


def test_max_share_by_country_for_one_product(solve_case):
    # A (X, 1) and C (X, 2) against B (Y, 5). m/p 100 with at most 50% from country X:
    # X gives 50 (all from A, 50), B 50 (250). m/q 100 has no rule: A, 100. Total 400.
    # One more unit allowed from X saves 5 - 1 = 4.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD\nB,Y,USD\nC,X,USD",
        demand="market,product,period,units\nm,p,1,100\nm,q,1,100",
        capacity="plant,max_units\nA,1000\nB,1000\nC,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0\nC,m,0",
        costs="plant,unit_cost\nA,1\nB,5\nC,2",
        shares="market,product,country,max_share\nm,p,X,0.5",
    )
    assert run.solution.objective == pytest.approx(400)
    s = sourcing(run).iloc[0]
    assert (s["country"], s["units_from_source"], s["units_supplied"], s["share"]) == ("X", 50, 100, 0.5)
    assert s["max_shadow_price_USD"] == pytest.approx(4)
    assert [n for n in run.lp.row_names if n.startswith("share")] == ["share_max[m,p,1,X]"]


def test_min_share_by_country_for_one_product_and_max_by_plant_over_all(solve_case):
    # A (X, 1); B (Y, 5) and D (Y, 4). m/p 100, m/q 100.
    # Row 2: at least 40% of m/p from country Y -> D gives 40 of p (160), A 60 (60).
    # Row 3: at most 70% of all of m from A -> A <= 140 of 200. A has 60 of p, so at most 80 of q;
    # the other 20 of q come from D (4): A 80 (80) + D 20 (80). Total 60 + 160 + 80 + 80 = 380.
    # (A's 140 is unique; how D's 60 divide between p and q is not, as long as p gets >= 40.)
    run = solve_case(
        plants="plant,country,currency\nA,X,USD\nB,Y,USD\nD,Y,USD",
        demand="market,product,period,units\nm,p,1,100\nm,q,1,100",
        capacity="plant,max_units\nA,1000\nB,1000\nD,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0\nD,m,0",
        costs="plant,unit_cost\nA,1\nB,5\nD,4",
        shares="market,product,country,plant,min_share,max_share\nm,p,Y,,40%,\nm,,,A,,70%",
    )
    assert run.solution.objective == pytest.approx(380)
    s = sourcing(run).set_index("row")
    assert s.loc[2, "units_from_source"] >= 40 - 1e-6
    assert s.loc[3, "units_from_source"] == pytest.approx(140)
    assert s.loc[3, "units_supplied"] == pytest.approx(200)


def test_a_rule_for_one_period_holds_only_there(solve_case):
    # A at 1, B at 5; m wants 10 in periods 1 and 2. Only period 2 needs 50% from B:
    # period 1: A 10 (10); period 2: A 5 + B 5 (5 + 25). Total 40.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,10\nm,p,2,10",
        capacity="plant,max_units\nA,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,1\nB,5",
        shares="market,period,plant,min_share\nm,2,B,0.5",
    )
    assert run.solution.objective == pytest.approx(40)
    assert sourcing(run)["period"].tolist() == ["2"]


def test_an_impossible_share_is_explained_naming_the_row(tmp_path):
    # B can make 10, and at least half of m must come from B: at most 20 can reach m, not 100.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,1000\nB,10",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        shares="market,plant,min_share\nm,B,50%",
    )
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 3
    text = r.stderr
    assert "demand of m/p in 1 is 100 but at most 20 can reach it" in text
    assert "the rule that at least 50% of m (all products) in 1 comes from B (shares.csv row 2)" in text
    assert "B total capacity 10 in 1 (capacity.csv row 3)" in text
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "rules, line",
    [
        # at least 60% of m's 100 units from A and at least 60% from B: 120 > 100, 20 short
        (
            "market,plant,min_share\nm,B,60%\nm,A,60%",
            "the rule that at least 60% of m (all products) in 1 comes from A (shares.csv row 3) cannot hold: it would "
            "need 20 more units from that source; it conflicts with the rule that at least 60% of m (all products) "
            "in 1 "
            "comes from B (shares.csv row 2)",
        ),
        # at least 60 from B and at most 40 from B: 20 apart
        (
            "market,plant,min_share,max_share\nm,B,60%,\nm,B,,40%",
            "the rule that at most 40% of m (all products) in 1 comes from B (shares.csv row 3) cannot hold: it would "
            "have to allow 20 more units from that source; it conflicts with the rule that at least 60% of m (all "
            "products) in 1 comes from B (shares.csv row 2)",
        ),
    ],
)
def test_two_share_rules_that_conflict_are_both_named(tmp_path, rules, line):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,1000\nB,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,1",
        shares=rules,
    )
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [
        "Error: case c is infeasible: no plan satisfies the case.",
        f"  - {line}",
        "No output was written.",
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "shares, message",
    [
        (
            "market,plant,country,min_share\nm,A,X,0.3",
            'shares.csv, row 2, column plant: "A" give exactly one source: a plant or a country, not both',
        ),
        (
            "market,plant,country,min_share\nm,,,0.3",
            "shares.csv, row 2, column country: is blank: give exactly one source, a plant or a country",
        ),
        (
            "market,plant,min_share,max_share\nm,A,,",
            "shares.csv, row 2, column min_share: and max_share are both blank: give at least one",
        ),
        (
            "market,plant,min_share,max_share\nm,A,60%,40%",
            'shares.csv, row 2, column min_share: "0.6" is above max_share 0.4',
        ),
        (
            "market,plant,min_share\nm,A,1.5",
            'shares.csv, row 2, column min_share: "1.5" must be a share between 0 and 1, like 0.3 or 30%',
        ),
        (
            "market,country,min_share\nm,ZZ,0.5",
            'shares.csv, row 2, column country: "ZZ" is not the country of any plant (known: X, Y)',
        ),
        (
            "market,plant,min_share\nnowhere,A,0.5",
            'shares.csv, row 2, column market: "nowhere" is not a known market of demand.csv (known: m)',
        ),
    ],
)
def test_bad_share_rows_are_located_input_errors(tmp_path, shares, message):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        shares=shares,
    )
    r = invoke("validate", case)
    assert r.exit_code == 2
    assert f"  - {message}" in r.stderr.splitlines(), r.stderr
