"""Exclusive choices (expansions.csv ``group``, groups.csv): hand-worked plans with and without a group,
a group that must build one, the stochastic decision's combinations, and the errors of groups.csv."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import write_case

# Demand 200 at market m; plant old makes at 100 a unit without limit. Option A: 100 units a period at
# plant a (60 a unit) for a fixed cost FA; option B: 100 units at plant b (70 a unit) for FB.
#   FA 1500, FB 600: none 20,000; A 6,000 + 10,000 + 1,500 = 17,500; B 7,000 + 10,000 + 600 = 17,600;
#   both 6,000 + 7,000 + 1,500 + 600 = 15,100.
#   FA 5000, FB 4500: none 20,000; A 21,000; B 21,500; both 22,500.


def two_sites(folder, fa=1500, fb=600, group="", groups=None):
    files = dict(
        plants="plant,country,currency\nold,X,USD\na,Y,USD\nb,Z,USD",
        demand="market,product,period,units\nm,p,1,200",
        capacity="plant,product,max_units\nold,,1000\na,p,0\nb,p,0",
        lanes="plant,market,freight_cost\nold,m,0\na,m,0\nb,m,0",
        costs="plant,unit_cost\nold,100\na,60\nb,70",
        expansions=(
            "option,plant,product,added_units,fixed_cost,first_period,group\n"
            f"A,a,p,100,{fa},1,{group}\nB,b,p,100,{fb},1,{group}"
        ),
    )
    if groups:
        files["groups"] = groups
    return write_case(folder, **files)


def solve(case, out):
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out)])
    assert r.exit_code == 0, r.output + r.stderr
    builds = pd.read_csv(out / "builds.csv", dtype={"group": str}, keep_default_na=False)
    total = pd.read_csv(out / "cost_breakdown.csv")["amount_USD"].sum()
    return dict(zip(builds["option"], builds["built"], strict=True)), total, builds


def test_without_a_group_both_are_built(tmp_path):
    built, total, builds = solve(two_sites(tmp_path / "c"), tmp_path / "o")
    assert built == {"A": 1, "B": 1} and total == pytest.approx(15_100)
    assert "group" not in builds.columns  # a case without groups: builds.csv as before


def test_a_group_builds_at_most_one(tmp_path):
    built, total, builds = solve(two_sites(tmp_path / "c", group="site"), tmp_path / "o")
    assert built == {"A": 1, "B": 0} and total == pytest.approx(17_500)
    assert list(builds["group"]) == ["site", "site"]


def test_a_group_that_must_build_one_builds_the_cheaper(tmp_path):
    case = two_sites(tmp_path / "c", fa=5000, fb=4500, group="site", groups="group,min_built,max_built\nsite,1,1")
    built, total, _ = solve(case, tmp_path / "o")
    assert built == {"A": 1, "B": 0} and total == pytest.approx(21_000)  # building nothing (20,000) is ruled out
    (case / "groups.csv").write_text("group,min_built,max_built\nsite,,2\n")
    built, total, _ = solve(case, tmp_path / "o2")
    assert built == {"A": 0, "B": 0} and total == pytest.approx(20_000)


def test_the_stochastic_decision_enumerates_only_what_the_group_allows(tmp_path):
    case = two_sites(tmp_path / "c", group="site")
    (tmp_path / "s.csv").write_text("scenario,demand:m/p\nlow,190\nhigh,210\n")
    r = CliRunner().invoke(
        cli, ["stochastic", str(case), "--scenarios", str(tmp_path / "s.csv"), "--out", str(tmp_path / "o"),
              "--quiet", "--jobs", "1"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    decisions = pd.read_csv(tmp_path / "o" / "decisions.csv")
    assert len(decisions) == 3  # none, A, B: never both
    d = pd.read_csv(tmp_path / "o" / "decision.csv")
    # A: 6,000 + 100 (d - 100) + 1,500 in each scenario, the best of the three
    assert dict(zip(d["option"], d["built"], strict=True)) == {"A": 1, "B": 0}


@pytest.mark.parametrize(
    "groups,words",
    [
        ("group,max_built\nsites,1", 'groups.csv, row 2, column group: "sites" is no group of expansions.csv'),
        ("group,min_built,max_built\nsite,2,1", 'groups.csv, row 2, column min_built: "2" is above max_built 1'),
        ("group,min_built,max_built\nsite,3,3", "is more than group site has options (2)"),
        ("group,max_built\nsite,1.5", 'groups.csv, row 2, column max_built: "1.5" must be a whole number'),
    ],
)
def test_groups_csv_errors_name_file_row_and_column(tmp_path, groups, words):
    r = CliRunner().invoke(cli, ["validate", str(two_sites(tmp_path / "c", group="site", groups=groups))])
    assert r.exit_code == 2 and words in r.output + r.stderr, r.output + r.stderr


# A window where waiting one year pays. Demand 5 in period 1 and 200 in period 2, 10% discount a period;
# plant old makes at 100 a unit; option L adds 100 units at plant new (60 a unit) for 3,500 charged in its
# first period. Present values at period 1:
#   not built   5 x 100 + 200 x 100 / 1.1                              = 18,681.82
#   L from 1    5 x 60 + (100 x 60 + 100 x 100) / 1.1 + 3,500          = 18,345.45
#   L from 2    5 x 100 + (100 x 60 + 100 x 100) / 1.1 + 3,500 / 1.1   = 18,227.27


def windowed(folder, last="2"):
    return write_case(
        folder,
        plants="plant,country,currency\nold,X,USD\nnew,Y,USD",
        demand="market,product,period,units\nm,p,1,5\nm,p,2,200",
        capacity="plant,product,max_units\nold,,1000\nnew,p,0",
        lanes="plant,market,freight_cost\nold,m,0\nnew,m,0",
        costs="plant,unit_cost\nold,100\nnew,60",
        expansions=f"option,plant,product,added_units,fixed_cost,first_period,last_period\nL,new,p,100,3500,1,{last}",
        settings="setting,value\ndiscount_rate,10%",
    )


def objective(out):
    import json

    return json.loads((out / "summary.json").read_text())["objective"]


def test_a_window_where_waiting_one_year_pays(tmp_path):
    built, _, _ = solve(windowed(tmp_path / "w"), tmp_path / "o")
    assert built == {"L@1": 0, "L@2": 1} and objective(tmp_path / "o") == pytest.approx(18_227.27, abs=0.01)
    built, _, _ = solve(windowed(tmp_path / "n", last=""), tmp_path / "o2")  # no window: from 1 or not at all
    assert built == {"L": 1} and objective(tmp_path / "o2") == pytest.approx(18_345.45, abs=0.01)


def test_the_stochastic_decision_takes_one_start_of_a_window(tmp_path):
    (tmp_path / "s.csv").write_text("scenario,demand:m/p@2\nlow,190\nhigh,210\n")
    r = CliRunner().invoke(
        cli, ["stochastic", str(windowed(tmp_path / "w")), "--scenarios", str(tmp_path / "s.csv"),
              "--out", str(tmp_path / "o"), "--quiet", "--jobs", "1"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    d = pd.read_csv(tmp_path / "o" / "decision.csv")
    assert dict(zip(d["option"], d["built"], strict=True)) == {"L@1": 0, "L@2": 1}
    assert len(pd.read_csv(tmp_path / "o" / "decisions.csv")) == 3  # none, from 1, from 2: never both


@pytest.mark.parametrize(
    "last,words", [("0", '"0" is not a period of demand.csv'), ("3", '"3" is not a period of demand.csv')]
)
def test_a_window_outside_the_periods_is_an_error(tmp_path, last, words):
    r = CliRunner().invoke(cli, ["validate", str(windowed(tmp_path / "w", last=last))])
    assert r.exit_code == 2 and f"expansions.csv, row 2, column last_period: {words}" in r.output + r.stderr


def test_a_window_ending_before_it_starts_is_an_error(tmp_path):
    case = windowed(tmp_path / "w")
    (case / "expansions.csv").write_text(
        "option,plant,product,added_units,fixed_cost,first_period,last_period\nL,new,p,100,3500,2,1\n"
    )
    r = CliRunner().invoke(cli, ["validate", str(case)])
    assert r.exit_code == 2 and 'column last_period: "1" is before first_period 2' in r.output + r.stderr
