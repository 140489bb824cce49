"""``--solver`` on every command that solves: sweep, breakeven and stochastic with CBC and Gurobi (gurobipy's
size-limited pip licence, installed by the test extra) give the hand-worked answers HiGHS gives.

The hand case: plant A makes at 10 with capacity 60 and freight F to market m; plant B makes at 12,
unlimited, freight 0; demand 100. A's landed cost is 10 + F: below 12 (F < 2) A fills its 60 and B makes
40, cost 60 (10 + F) + 480 = 1080 + 60 F; above it B makes all 100, cost 1200. The breakpoint is F = 2.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import write_case

SOLVERS = ["highs", "cbc", "gurobi"]

HAND = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,60",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
)


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    return write_case(tmp_path_factory.mktemp("hand") / "case", **HAND)


def test_gurobi_is_installed_for_the_tests():
    """The test extra installs gurobipy: these tests run Gurobi for real, never skip it."""
    from solver.solve.backends import available_solvers

    assert "gurobi" in available_solvers()


@pytest.mark.parametrize("solver", SOLVERS)
def test_sweep_with_each_solver(tmp_path, hand, solver):
    out = tmp_path / "sw"
    r = run("sweep", hand, "--vary", "freight:A:m=1,3", "--solver", solver, "--jobs", "1", "--quiet", "--out", out)
    assert r.exit_code == 0, r.output
    got = {row["freight:A:m"]: row for row in rows(out / "results.csv")}
    # F = 1: 60 x 11 + 40 x 12 = 1,140 ; F = 3: B makes all 100 at 12 = 1,200
    assert float(got["1"]["objective_USD"]) == pytest.approx(1140.0, abs=1e-6)
    assert float(got["3"]["objective_USD"]) == pytest.approx(1200.0, abs=1e-6)
    assert float(got["1"]["units:A"]) == pytest.approx(60.0) and float(got["3"]["units:A"]) == pytest.approx(0.0)


@pytest.mark.parametrize("solver", ["highs", "gurobi"])
def test_breakeven_with_an_in_process_solver(tmp_path, hand, solver):
    out = tmp_path / "be"
    r = run("breakeven", hand, "--param", "freight:A:m", "--from", "0", "--to", "5", "--solver", solver, "--out", out)
    assert r.exit_code == 0, r.output
    table = rows(out / "breakpoints.csv")
    assert len(table) == 2
    assert float(table[0]["value_to"]) == pytest.approx(2.0, abs=1e-9)
    # cost 1080 + 60 F on [0, 2], then 1200
    assert float(table[0]["objective_from_USD"]) == pytest.approx(1080.0, abs=1e-6)
    assert float(table[0]["objective_to_USD"]) == pytest.approx(1200.0, abs=1e-6)
    assert float(table[1]["objective_to_USD"]) == pytest.approx(1200.0, abs=1e-6)


def test_breakeven_refuses_a_solver_run_as_a_program(tmp_path, hand):
    r = run("breakeven", hand, "--param", "freight:A:m", "--from", "0", "--to", "5", "--solver", "cbc")
    assert r.exit_code == 2
    assert "text file, rounded" in r.output and "Traceback" not in r.output


def test_an_unknown_solver_is_a_usage_error_naming_the_available_ones(tmp_path, hand):
    for command in (["sweep", hand, "--vary", "freight:A:m=1,3"], ["breakeven", hand, "--param", "freight:A:m"]):
        extra = ["--from", "0", "--to", "5"] if command[0] == "breakeven" else []
        r = run(*command, *extra, "--solver", "nosuch", "--out", tmp_path / command[0])
        assert r.exit_code == 2, r.output
        assert "solver 'nosuch' is not available; available: highs, cbc" in r.output
        assert not (tmp_path / command[0]).exists()


# Two-stage: option `line` gives A 100 units of capacity for 120; A makes at 10, B at 12 (unlimited);
# demand 100 or 50 with probability 1/2 each.
#   build: 120 + 10 d  -> 1,120 and 620 ; not: 12 d -> 1,200 and 600
#   RP = min(0.5 x 1,120 + 0.5 x 620, 0.5 x 1,200 + 0.5 x 600) = min(870, 900) = 870 (build)
#   WS = 0.5 x 1,120 + 0.5 x 600 = 860 ; EVPI = 10
#   mean demand 75: build 870 < 900, so the mean-value plan builds too: EEV = 870, VSS = 0
TWO_STAGE = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,0",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
    expansions="option,plant,added_units,fixed_cost,first_period\nline,A,100,120,1",
)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("method", ["enumerate", "extensive"])
def test_stochastic_with_each_solver(tmp_path, solver, method):
    case = write_case(tmp_path / "c", **TWO_STAGE)
    sc = tmp_path / "sc.csv"
    sc.write_text("scenario,demand:m/p@1\nhigh,100\nlow,50\n")
    out = tmp_path / "st"
    r = run("stochastic", case, "--scenarios", sc, "--method", method, "--solver", solver, "--out", out, "--quiet")
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    assert [(d["option"], d["built"]) for d in rows(out / "decision.csv")] == [("line", "1")]
    assert summary["expected_cost"] == pytest.approx(870.0, abs=1e-6)
    assert summary["wait_and_see_cost"] == pytest.approx(860.0, abs=1e-6)
    assert summary["evpi"] == pytest.approx(10.0, abs=1e-6)
    assert summary["vss"] == pytest.approx(0.0, abs=1e-6)
    assert summary["solver"] == solver


def test_benders_with_another_solver_is_refused(tmp_path):
    case = write_case(tmp_path / "c", **TWO_STAGE)
    sc = tmp_path / "sc.csv"
    sc.write_text("scenario,demand:m/p@1\nhigh,100\nlow,50\n")
    r = run("stochastic", case, "--scenarios", sc, "--method", "benders", "--solver", "cbc", "--quiet")
    assert r.exit_code == 2 and "use --method extensive" in r.output, r.output


@pytest.mark.parametrize("solver", ["cbc", "gurobi"])
def test_python_api_takes_the_solver(tmp_path, hand, solver):
    import solver as ps

    sw = ps.sweep_case(hand, vary={"freight:A:m": [1, 3]}, solver=solver)
    assert sw.results["objective_USD"].tolist() == pytest.approx([1140.0, 1200.0], abs=1e-6)
    if solver == "gurobi":
        be = ps.breakeven_case(hand, "freight:A:m", 0, 5, solver=solver)
        assert be.table["value_to"].iloc[0] == pytest.approx(2.0, abs=1e-9)
