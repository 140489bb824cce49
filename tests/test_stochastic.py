"""plantsplit stochastic on hand-worked cases: the decision, its figures, its files, its errors.

The case (worked by hand): market m needs 100 units of p per period. Plant A (USD) makes
them at 200 USD, capacity 100. Plant B (KRW) makes them at 100,000 KRW but has no
capacity unless option `line` is built (+100 units, 10,000 USD, charged once). Two
equally likely exchange rates: 500 KRW/USD (B costs 200 USD a unit) and 2,000 (B costs 50).

- Not built: 100 x 200 = 20,000 in both scenarios.
- Built: scenario weak: 10,000 + 20,000 = 30,000 (B and A cost the same);
  scenario strong: 10,000 + 5,000 = 15,000. Expected 22,500.
- Mean-value problem: the mean rate 1,250 makes B cost 80: build, 10,000 + 8,000 = 18,000.
  The mean of the rate is not the mean of 1/rate (Jensen): E[B's cost] = 125, not 80.
So RP = 20,000 (do not build), EV = 18,000, EEV = 22,500, WS = (20,000 + 15,000)/2 =
17,500, VSS = 2,500, EVPI = 2,500. The stochastic decision differs from the mean-value one.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import write_case

CASE = dict(
    plants="plant,country,currency\nA,US,USD\nB,KR,KRW",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,100\nB,0",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,200\nB,100000",
    fx="currency,rate\nKRW,1000",
    expansions="option,plant,added_units,fixed_cost,first_period\nline,B,100,10000,1",
)
TWO = "scenario,fx:KRW\nweak,500\nstrong,2000\n"


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args), "--quiet"] if args[0] == "stochastic" else list(map(str, args)))


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


@pytest.fixture
def case(tmp_path):
    return write_case(tmp_path / "case", **CASE)


def scenarios(tmp_path, text, name="sc.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("method", ["extensive", "benders"])
def test_no_wait_and_see_gives_the_decision_without_ws(tmp_path, case, method):
    """The decision, RP, EEV and VSS of the test below, WS and EVPI left out (null), and said so."""
    out = tmp_path / "out"
    r = run(
        "stochastic",
        case,
        "--scenarios",
        scenarios(tmp_path, TWO),
        "--out",
        out,
        "--method",
        method,
        "--no-wait-and-see",
    )
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text())
    assert (s["objective"], s["expected_cost_of_mean_value_decision"], s["vss"]) == (20_000, 22_500, 2_500)
    assert (s["wait_and_see_cost"], s["evpi"]) == (None, None)
    assert "Wait-and-see (WS, perfect information): not computed (--no-wait-and-see)" in r.output, r.output
    assert rows(out / "decision.csv")[0]["built"] == "0"


@pytest.mark.parametrize("method", ["enumerate", "extensive", "benders"])
def test_stochastic_decision_differs_from_mean_value(tmp_path, case, method):
    out = tmp_path / "out"
    r = run("stochastic", case, "--scenarios", scenarios(tmp_path, TWO), "--out", out, "--method", method)
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text())
    assert list(s) == [
        "kind",
        "case",
        "inputs_digest",
        "currency",
        "discount_rate",
        "objective",
        "expected_cost",
        "cvar",
        "cvar_alpha",
        "risk_weight",
        "mean_value_cost",
        "expected_cost_of_mean_value_decision",
        "wait_and_see_cost",
        "vss",
        "evpi",
        "method",
        "solver",
        "scenarios",
        "seconds",
        "wait_and_see_seconds",
        "lower_bound",
        "upper_bound",
        "iterations",
        "cuts",
    ]
    assert (s["kind"], s["case"], s["currency"], s["discount_rate"]) == ("stochastic", case.name, "USD", 0)
    assert s["upper_bound"] == 20_000 and 20_000 * (1 - 1e-6) <= s["lower_bound"] <= 20_000
    assert (s["cuts"] > 0) == (method == "benders")
    assert (s["objective"], s["expected_cost"], s["mean_value_cost"]) == (20_000, 20_000, 18_000)
    assert (s["expected_cost_of_mean_value_decision"], s["wait_and_see_cost"]) == (22_500, 17_500)
    assert (s["vss"], s["evpi"], s["method"], s["scenarios"]) == (2_500, 2_500, method, 2)
    assert s["cvar"] == 20_000  # worst 5% of probability: the 20,000 of either scenario
    assert rows(out / "decision.csv") == [
        {"option": "line", "plant": "B", "product": "", "built": "0", "built_mean_value": "1"}
    ]
    costs = rows(out / "scenario_costs.csv")
    assert [
        (
            c["scenario"],
            c["probability"],
            c["fx:KRW"],
            c["cost_recommended_USD"],
            c["cost_mean_value_decision_USD"],
            c["cost_perfect_information_USD"],
            c["regret_USD"],
        )
        for c in costs
    ] == [
        ("weak", "0.5", "500", "20000", "30000", "20000", "0"),
        ("strong", "0.5", "2000", "20000", "15000", "15000", "5000"),
    ]
    assert "do not build line" in r.output and "would build: line (a different decision)" in r.output
    if method == "enumerate":
        d = rows(out / "decisions.csv")
        assert [(x["decision"], x["eligible"], x["expected_cost_USD"], x["best_share"]) for x in d] == [
            ("line=not built", "yes", "20000", "0.5"),
            ("line=built", "yes", "22500", "0.5"),
        ]
    else:
        assert not (out / "decisions.csv").exists()


@pytest.mark.parametrize("method", ["enumerate", "extensive", "benders"])
def test_risk_weight_changes_the_decision(tmp_path, case, method):
    # fixed cost 5,000: built costs 25,000 (weak) or 10,000 (strong), E = 17,500 < 20,000: build.
    # CVaR_0.5 = the worse half = 25,000 built, 20,000 not. With lambda = 1:
    # built 17,500 + 25,000 = 42,500 > not built 20,000 + 20,000 = 40,000: do not build.
    c = write_case(tmp_path / "c5", **dict(CASE, expansions=CASE["expansions"].replace("10000", "5000")))
    sc = scenarios(tmp_path, TWO)
    neutral = run("stochastic", c, "--scenarios", sc, "--out", tmp_path / "n", "--method", method)
    averse = run(
        "stochastic",
        c,
        "--scenarios",
        sc,
        "--out",
        tmp_path / "a",
        "--method",
        method,
        "--risk-weight",
        "1",
        "--cvar-alpha",
        "0.5",
    )
    assert neutral.exit_code == 0 and averse.exit_code == 0, neutral.output + averse.output
    n = json.loads((tmp_path / "n" / "summary.json").read_text())
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert (n["objective"], n["expected_cost"]) == (17_500, 17_500)
    assert (a["objective"], a["expected_cost"], a["cvar"]) == (40_000, 20_000, 20_000)
    assert rows(tmp_path / "n" / "decision.csv")[0]["built"] == "1"
    assert rows(tmp_path / "a" / "decision.csv")[0]["built"] == "0"


def test_probabilities_weigh_the_scenarios(tmp_path, case):
    # 0.9 strong: built E = 0.1 * 30,000 + 0.9 * 15,000 = 16,500 < 20,000: build.
    sc = scenarios(tmp_path, "scenario,fx:KRW,probability\nweak,500,0.1\nstrong,2000,0.9\n")
    r = run("stochastic", case, "--scenarios", sc, "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["expected_cost"] == 16_500 and s["method"] == "enumerate"
    assert "method enumerate (1 build option: 2 combinations" in r.output


def test_discounted_case_objective_by_hand(tmp_path):
    # Two periods of 100 units, discount rate 10%: period 2 costs count 1/1.1. The option is
    # charged once (10,000 in period 1). Not built: 20,000 * (1 + 1/1.1) = 38,181.82 in both
    # scenarios. Built: 10,000 + (20,000 or 5,000) * (1 + 1/1.1); expected 10,000 + 12,500 *
    # 1.909090... = 33,863.64 < 38,181.82: build.
    c = write_case(
        tmp_path / "d",
        **dict(
            CASE,
            demand="market,product,period,units\nm,p,1,100\nm,p,2,100",
            settings="setting,value\ndiscount_rate,10%",
        ),
    )
    r = run("stochastic", c, "--scenarios", scenarios(tmp_path, TWO), "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["expected_cost"] == pytest.approx(10_000 + 12_500 * (1 + 1 / 1.1), abs=0.01)
    assert s["wait_and_see_cost"] == pytest.approx(
        0.5 * 20_000 * (1 + 1 / 1.1) + 0.5 * (10_000 + 5_000 * (1 + 1 / 1.1)), abs=0.01
    )


def test_a_decision_some_scenario_cannot_live_with_is_not_eligible(tmp_path, case):
    # Scenario peak needs 150 units: A alone (100) cannot serve it, so "not built" is not
    # eligible and the line must be built. At the case's rate of 1,000, B costs 100 a unit:
    # base 10,000 + 100 * 100 = 20,000; peak 10,000 + 100 * 100 (B, full) + 50 * 200 (A) = 30,000.
    sc = scenarios(tmp_path, "scenario,demand:m/p\nbase,100\npeak,150\n")
    for method in ("enumerate", "extensive", "benders"):
        out = tmp_path / method
        r = run("stochastic", case, "--scenarios", sc, "--out", out, "--method", method)
        assert r.exit_code == 0, r.output
        s = json.loads((out / "summary.json").read_text())
        assert s["expected_cost"] == pytest.approx(0.5 * 20_000 + 0.5 * 30_000)
        assert rows(out / "decision.csv")[0]["built"] == "1"
    d = rows(tmp_path / "enumerate" / "decisions.csv")
    assert (d[0]["eligible"], d[0]["why_not_eligible"], d[0]["expected_cost_USD"]) == (
        "no",
        "infeasible in 1 scenario (peak)",
        "",
    )
    assert d[1]["eligible"] == "yes"


def test_scenario_no_decision_can_serve_exits_3_naming_it(tmp_path, case):
    sc = scenarios(tmp_path, "scenario,demand:m/p\nbase,100\nboom,300\n")
    out = tmp_path / "o"
    r = run("stochastic", case, "--scenarios", sc, "--out", out)
    assert r.exit_code == 3, r.output
    assert "1 scenario cannot be served whatever is built" in r.output
    assert (
        "scenario boom: no decision can serve it (even with every option built): demand of m/p in 1 is 300 "
        "but at most 200 can reach it (demand.csv row 2)"
    ) in r.output
    assert "B total capacity 0 + 100 from option line in 1" in r.output
    assert (
        "; the scenario sets demand:m/p = 300 (scenarios file row 3), in place of the values in the rows cited"
        in r.output
    )
    assert "No output was written." in r.output and not out.exists()


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "scenario,fx:KRW,probability\na,500,0.5\nb,2000,x\n",
            'sc.csv, row 3, column probability: "x" is not a number',
        ),
        (
            "scenario,fx:KRW,probability\na,500,-0.5\nb,2000,1.5\n",
            'sc.csv, row 2, column probability: "-0.5" must be a number >= 0',
        ),
        (
            "scenario,fx:KRW,probability\na,500,0.5\n\nb,2000,\n",
            "sc.csv, row 4, column probability: is blank but other rows give a probability",
        ),
        (
            "scenario,fx:KRW,probability\na,500,0.5\nb,2000,0.4\n",
            "sc.csv, column probability: the probabilities of rows 2-3 sum to 0.9, not 1 (within 1e-06)",
        ),
        (
            "scenario,fx:KRW\na,500\nb,-3\n",
            'sc.csv, row 3, column fx:KRW: "-3" an exchange rate must be greater than 0',
        ),
        (
            "scenario,fx:EUR\na,500\n",
            "sc.csv, row 1, column fx:EUR: parameter 'fx:EUR': currency 'EUR' is not in the case",
        ),
        ("name,fx:KRW\na,500\n", "sc.csv, row 1: needs a 'scenario' column"),
    ],
)
def test_input_errors_are_located_exit_2(tmp_path, case, text, message):
    out = tmp_path / "o"
    r = run("stochastic", case, "--scenarios", scenarios(tmp_path, text), "--out", out)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output and not out.exists()


def test_evaluate_on_an_independent_file(tmp_path, case):
    # Recommended (not built): 20,000 in every scenario. Mean-value (built): 30,000, 15,000,
    # 15,000, 30,000: mean 22,500, s = 8,660.25, se = s / 2 = 4,330.13; Student's t with 3
    # degrees of freedom, t(0.975, 3) = 3.18245 (tables): 95% CI 22,500 +- 13,780.4.
    other = scenarios(tmp_path, "scenario,fx:KRW\nx1,500\nx2,2000\nx3,2000\nx4,500\n", "other.csv")
    out = tmp_path / "o"
    r = run("stochastic", case, "--scenarios", scenarios(tmp_path, TWO), "--out", out, "--evaluate", other)
    assert r.exit_code == 0, r.output
    ev = rows(out / "evaluation.csv")
    assert [(e["decision"], e["scenarios"], e["mean_cost_USD"], e["ci95_low_USD"], e["ci95_high_USD"]) for e in ev][
        0
    ] == ("recommended", "4", "20000", "20000", "20000")
    assert ev[1]["decision"] == "mean_value" and float(ev[1]["mean_cost_USD"]) == 22_500
    half = 3.182446305284263 * (7_500 * 2 / 3**0.5) / 2
    assert half == pytest.approx(13_780.4, abs=0.1)
    assert float(ev[1]["ci95_low_USD"]) == pytest.approx(22_500 - half, abs=0.01)
    assert float(ev[1]["ci95_high_USD"]) == pytest.approx(22_500 + half, abs=0.01)


def test_outputs_are_byte_identical_across_runs(tmp_path, case):
    sc = scenarios(tmp_path, TWO)
    for o in ("o1", "o2"):
        assert run("stochastic", case, "--scenarios", sc, "--out", tmp_path / o).exit_code == 0
    for f in ("decision.csv", "scenario_costs.csv", "decisions.csv"):
        assert (tmp_path / "o1" / f).read_bytes() == (tmp_path / "o2" / f).read_bytes()


def test_enumerate_refuses_more_than_six_options(tmp_path):
    opts = "\n".join(f"o{i},B,10,100,1" for i in range(7))
    c = write_case(
        tmp_path / "c7", **dict(CASE, expansions="option,plant,added_units,fixed_cost,first_period\n" + opts)
    )
    r = run("stochastic", c, "--scenarios", scenarios(tmp_path, TWO), "--out", tmp_path / "o", "--method", "enumerate")
    assert r.exit_code == 2 and "--method enumerate takes up to 6 build options" in r.output


def test_plot_of_scenario_costs(tmp_path, case):
    out = tmp_path / "o"
    assert run("stochastic", case, "--scenarios", scenarios(tmp_path, TWO), "--out", out).exit_code == 0
    r = run("plot", out / "scenario_costs.csv")
    assert r.exit_code == 0, r.output
    png = out / "scenario_costs.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    from PIL import Image

    # titled by the case (folder "case" -> "Case"), not by the output folder "o"
    assert Image.open(png).text["Title"].startswith("Case: cost of each scenario")


# the Dask local cluster (about 9 s CPU) in make test-slow; make test-all and CI run both
@pytest.mark.parametrize(
    "where", [("--jobs", "2"), pytest.param(("--dask", "local", "--jobs", "2"), marks=pytest.mark.slow)]
)
def test_process_pool_and_dask_give_the_same_files(tmp_path, where):
    # 40 scenarios (several chunks): the rate walks from 500 to 2,000
    c = write_case(tmp_path / "c", **CASE)
    sc = scenarios(tmp_path, "scenario,fx:KRW\n" + "".join(f"s{i},{500 + i * 1500 / 39:.6f}\n" for i in range(40)))
    for method in ("enumerate", "benders"):
        one = run(
            "stochastic", c, "--scenarios", sc, "--out", tmp_path / f"one-{method}", "--jobs", "1", "--method", method
        )
        many = run("stochastic", c, "--scenarios", sc, "--out", tmp_path / f"many-{method}", *where, "--method", method)
        assert one.exit_code == 0 and many.exit_code == 0, one.output + many.output
        for f in ("decision.csv", "scenario_costs.csv"):
            assert (tmp_path / f"one-{method}" / f).read_bytes() == (tmp_path / f"many-{method}" / f).read_bytes()


def test_xlsx_and_european_csv_style(tmp_path, case):
    import openpyxl

    out = tmp_path / "o"
    r = run(
        "stochastic", case, "--scenarios", scenarios(tmp_path, TWO), "--out", out, "--xlsx", "--csv-style", "excel-eu"
    )
    assert r.exit_code == 0, r.output
    text = (out / "decisions.csv").read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("decision;built:line;eligible;expected_cost_USD")
    assert "line=built;1;yes;22500;" in text
    wb = openpyxl.load_workbook(out / "stochastic.xlsx")
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(min_row=4, max_col=2, values_only=True) if row[0]}
    assert facts["expected_cost (USD)"] == 20_000 and facts["vss (USD)"] == 2_500 and facts["evpi (USD)"] == 2_500
    costs = list(wb["scenario_costs"].iter_rows(values_only=True))
    assert costs[0][:4] == ("scenario", "probability", "fx:KRW", "cost_recommended_USD")
    assert costs[2][0] == "strong" and costs[2][3] == 20_000


def test_a_case_without_build_options_has_nothing_to_decide_but_is_costed(tmp_path):
    # A lands at 10 + 1 = 11 (max 60), B at 12: demand 80 costs 60 x 11 + 20 x 12 = 900,
    # demand 50 costs 50 x 11 = 550; equally likely: 725 expected, and no option to decide.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,60",
        lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
        costs="plant,unit_cost\nA,10\nB,12",
    )
    sc = scenarios(tmp_path, "scenario,demand:m/p@1\nhigh,80\nlow,50\n")
    for method in ("enumerate", "extensive", "benders"):
        out = tmp_path / method
        r = run("stochastic", case, "--scenarios", sc, "--out", out, "--method", method)
        assert r.exit_code == 0, r.output
        assert "The case has no build options: nothing to decide before the scenarios are known." in r.output
        s = json.loads((out / "summary.json").read_text())
        assert (s["expected_cost"], s["wait_and_see_cost"], s["vss"], s["evpi"]) == (725, 725, 0, 0)
        assert (out / "decision.csv").read_text() == "option,plant,product,built,built_mean_value\n"
        assert [(c["scenario"], c["cost_recommended_USD"]) for c in rows(out / "scenario_costs.csv")] == [
            ("high", "900"),
            ("low", "550"),
        ]
    r = run(
        "stochastic",
        case,
        "--scenarios",
        scenarios(tmp_path, "scenario,demand:m/p@1\nhigh,80\n", "one.csv"),
        "--out",
        tmp_path / "one",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("c: 1 scenario, method enumerate (0 build options: 1 combination, each")
