"""Money over time, worked by hand: discount factors, investments over their life, lanes by period.

Every expected number is computed in the comment (or in plain arithmetic) above its assert,
from the rules of docs/input-reference.md, not from plantsplit's output.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from solver.studies.breakeven import breakeven
from solver.case.load import load_case
from solver.cli import cli

from conftest import read, write_case

ONE_PLANT = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    capacity="plant,period,max_units\nA,,60",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def summary(out):
    return json.loads((out / "summary.json").read_text())


def test_discount_factor_integer_periods_with_a_gap(solve_case):
    # Periods 2012 and 2014 (integers): d(2012) = 1, d(2014) = 1.1^-2 = 1/1.21.
    # Each period: A makes 60 at 10, B 40 at 12 -> 600 + 480 = 1,080 nominal.
    # Present value = 1,080 + 1,080 / 1.21 = 1,080 + 892.561983 = 1,972.561983; face value 2,160.
    run = solve_case(
        settings="setting,value\ndiscount_rate,10%",
        demand="market,product,period,units\nm,p,2012,100\nm,p,2014,100",
        **ONE_PLANT,
    )
    assert run.solution.objective == pytest.approx(1080 + 1080 / 1.21)
    s = summary(run.out_dir)
    assert s["objective"] == pytest.approx(1972.56, abs=0.01)
    assert s["undiscounted_cost"] == pytest.approx(2160)
    assert s["discount_rate"] == pytest.approx(0.10)
    cb = read(run.out_dir, "cost_breakdown.csv")
    prod = cb[cb["component"] == "production"].set_index("period")
    assert prod["amount_USD"].to_dict() == {"2012": 1080, "2014": 1080}
    assert prod["present_value_USD"].to_dict() == pytest.approx({"2012": 1080, "2014": 892.56}, abs=0.005)
    # Shadow prices in the money of their own period: one more unit of A's capacity saves
    # 12 - 10 = 2 in 2014 money (its present value would be 2 / 1.21 = 1.65).
    util = read(run.out_dir, "utilization.csv")
    a = util[(util["plant"] == "A") & (util["product"] == "")].set_index("period")
    assert a["shadow_price_USD"].to_dict() == pytest.approx({"2012": 2.0, "2014": 2.0})
    supply = read(run.out_dir, "supply.csv").set_index("period")
    assert supply["marginal_cost_USD"].to_dict() == pytest.approx({"2012": 12.0, "2014": 12.0})


def test_discount_factor_by_position_for_text_periods_and_cli_override(tmp_path):
    # Periods q1 < q2 < q3 are not integers: d = 1.25^-position = 1, 0.8, 0.64.
    # settings.csv says 10%, --discount-rate 0.25 wins. 100 units at 10 per period from A
    # (capacity 60 -> A 60 at 10 + B 40 at 12 = 1,080 per period):
    # PV = 1,080 * (1 + 0.8 + 0.64) = 2,635.2.
    case = write_case(
        tmp_path / "c",
        settings="setting,value\ndiscount_rate,0.10",
        demand="market,product,period,units\nm,p,q1,100\nm,p,q2,100\nm,p,q3,100",
        **ONE_PLANT,
    )
    r = invoke("solve", case, "--out", tmp_path / "out", "--discount-rate", "0.25")
    assert r.exit_code == 0, r.output
    s = summary(tmp_path / "out")
    assert s["objective"] == pytest.approx(2635.2)
    assert s["discount_rate"] == 0.25
    assert s["undiscounted_cost"] == pytest.approx(3240)


def test_settings_currency_is_the_reporting_currency_unless_overridden(tmp_path):
    # settings.csv currency EUR; fx gives USD 1.25 per EUR and EUR itself 1: A's 10 USD cost
    # is 10 * 1 / 1.25 = 8 EUR. 100 units from A (no capacity limit here) = 800 EUR.
    files = dict(
        ONE_PLANT,
        capacity="plant,max_units\nA,1000",
        costs="plant,unit_cost\nA,10\nB,12",
        fx="currency,rate\nUSD,1.25\nEUR,1",
        settings="setting,value\ncurrency,eur",
        demand="market,product,period,units\nm,p,1,100",
    )
    case = write_case(tmp_path / "c", **files)
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    s = summary(tmp_path / "out")
    assert (s["currency"], s["objective"]) == ("EUR", pytest.approx(800))
    assert "landed_cost_EUR" in (tmp_path / "out" / "plan.csv").read_text().splitlines()[0]
    r = invoke("solve", case, "--out", tmp_path / "out2", "--currency", "USD")
    assert r.exit_code == 0, r.output
    assert summary(tmp_path / "out2")["objective"] == pytest.approx(1000)


# ---------------------------------------------------------------- investments over their life

# A makes at 1 but has no capacity until the option adds 100 from period 2; B makes at 10.
BUILD = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    capacity="plant,max_units\nA,0",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,1\nB,10",
)


def test_annuity_at_zero_rate_spreads_the_cost_evenly(solve_case):
    # R = 0, F = 300, n = 3 from period 2 of 1..5: A = 300 / 3 = 100 in periods 2, 3, 4.
    # Cost with the build: period 1 from B 1,000; periods 2-5 from A 4 x 100 = 400; charges 300
    # -> 1,700 (< 5,000 without it).
    run = solve_case(
        demand="market,product,period,units\n" + "\n".join(f"m,p,{t},100" for t in range(1, 6)),
        expansions="option,plant,added_units,fixed_cost,first_period,lifetime_periods\nline,A,100,300,2,3",
        **BUILD,
    )
    assert run.solution.objective == pytest.approx(1700)
    b = read(run.out_dir, "builds.csv").iloc[0]
    assert (
        b["built"],
        b["lifetime_periods"],
        b["charge_per_period_USD"],
        b["charges_in_horizon"],
        b["charged_in_horizon_USD"],
        b["present_value_USD"],
    ) == (1, 3, 100, 3, 300, 300)
    cb = read(run.out_dir, "cost_breakdown.csv")
    exp = cb[cb["component"] == "expansion"].set_index("period")["amount_USD"].to_dict()
    assert exp == {"1": 0, "2": 100, "3": 100, "4": 100, "5": 0}


def test_annuity_past_the_horizon_at_ten_percent(solve_case):
    # R = 10%, F = 1,000, n = 4 from period 2 of 1..3 (integer labels, d = 1, 1/1.1, 1/1.21).
    # A = 1,000 * 0.1 / (1 - 1.1^-4) = 315.470804; charged in 2 and 3 only (2 of 4 charges).
    annuity = 1000 * 0.1 / (1 - 1.1**-4)
    pv_charges = annuity / 1.1 + annuity / 1.21
    # With the build: 1,000 (B, period 1) + 100/1.1 + 100/1.21 (A) + charges' PV.
    with_build = 1000 + 100 / 1.1 + 100 / 1.21 + pv_charges
    without = 1000 * (1 + 1 / 1.1 + 1 / 1.21)
    assert with_build < without  # so the option is built
    run = solve_case(
        settings="setting,value\ndiscount_rate,0.1",
        demand="market,product,period,units\nm,p,1,100\nm,p,2,100\nm,p,3,100",
        expansions="option,plant,added_units,fixed_cost,first_period,lifetime_periods\nline,A,100,1000,2,4",
        **BUILD,
    )
    assert run.solution.objective == pytest.approx(with_build)
    b = read(run.out_dir, "builds.csv").iloc[0]
    assert b["charge_per_period_USD"] == pytest.approx(annuity, abs=0.005)
    assert b["charges_in_horizon"] == 2
    assert b["charged_in_horizon_USD"] == pytest.approx(2 * annuity, abs=0.005)
    assert b["present_value_USD"] == pytest.approx(pv_charges, abs=0.005)
    cb = read(run.out_dir, "cost_breakdown.csv")
    exp = cb[cb["component"] == "expansion"].set_index("period")
    assert exp["amount_USD"].to_dict() == pytest.approx({"1": 0, "2": annuity, "3": annuity}, abs=0.005)
    assert exp["present_value_USD"].to_dict() == pytest.approx(
        {"1": 0, "2": annuity / 1.1, "3": annuity / 1.21}, abs=0.005
    )
    # Without a lifetime the whole 1,000 falls in period 2: PV 1,000 / 1.1.
    run = solve_case(
        settings="setting,value\ndiscount_rate,0.1",
        demand="market,product,period,units\nm,p,1,100\nm,p,2,100\nm,p,3,100",
        expansions="option,plant,added_units,fixed_cost,first_period\nline,A,100,1000,2",
        **BUILD,
    )
    assert run.solution.objective == pytest.approx(1000 + 100 / 1.1 + 100 / 1.21 + 1000 / 1.1)


def test_breakeven_and_sweep_carry_the_discounting(tmp_path):
    # The case above with B's cost scaled by s: without the build the PV is 1,000 s (1 + 1/1.1 + 1/1.21),
    # with it 1,000 s + 100/1.1 + 100/1.21 + PV(charges). The build flips where they are equal.
    annuity = 1000 * 0.1 / (1 - 1.1**-4)
    fixed = 100 / 1.1 + 100 / 1.21 + annuity / 1.1 + annuity / 1.21
    s_star = fixed / (1000 * (1 / 1.1 + 1 / 1.21))
    case = write_case(
        tmp_path / "c",
        settings="setting,value\ndiscount_rate,0.1",
        demand="market,product,period,units\nm,p,1,100\nm,p,2,100\nm,p,3,100",
        expansions="option,plant,added_units,fixed_cost,first_period,lifetime_periods\nline,A,100,1000,2,4",
        **BUILD,
    )
    table, _ = breakeven(load_case(case), "cost_scale:B", 0.1, 1.0)
    assert table["value_from"].tolist()[1:] == pytest.approx([s_star], rel=1e-9)
    r = invoke("sweep", case, "--out", tmp_path / "sw", "--vary", "cost_scale:B=0.5,1", "--quiet", "--jobs", "1")
    assert r.exit_code == 0, r.output
    res = read(tmp_path / "sw", "results.csv")
    assert res["objective_USD"].tolist() == pytest.approx([500 + fixed, 1000 + fixed], abs=0.01)


# ---------------------------------------------------------------- lanes by period


def test_lane_rows_by_period_most_specific_wins(solve_case):
    # A→m freight 10 (blank period), 20 in period 2, 10 with a 30-unit limit in period 3;
    # B→m 15. No production cost. Period 1: A at 10 -> 1,000. Period 2: B at 15 -> 1,500.
    # Period 3: A 30 at 10 + B 70 at 15 -> 1,350. C→m is open only in period 1 (freight 12,
    # not cheaper than A there). Total 3,850.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD\nB,Y,USD\nC,Z,USD",
        demand="market,product,period,units\nm,p,1,100\nm,p,2,100\nm,p,3,100",
        capacity="plant,max_units\nA,1000",
        lanes="plant,market,period,freight_cost,max_units\nA,m,,10,\nA,m,2,20,\nA,m,3,10,30\nB,m,,15,\nC,m,1,12,",
    )
    assert run.solution.objective == pytest.approx(3850)
    plan = read(run.out_dir, "plan.csv")
    got = {(r.period, r.plant): r.units for r in plan.itertuples()}
    assert got == {("1", "A"): 100, ("2", "B"): 100, ("3", "A"): 30, ("3", "B"): 70}
    flows = [n for n in run.lp.col_names if n.startswith("flow[C")]
    assert flows == ["flow[C,m,p,1]"]  # C's lane exists in period 1 only


# ---------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    "files, message",
    [
        (
            dict(settings="setting,value\ndiscount_rat,0.08"),
            'settings.csv, row 2, column setting: "discount_rat" is not a known setting (known: discount_rate, '
            "currency)",
        ),
        (
            dict(settings="setting,value\ndiscount_rate,eight"),
            'settings.csv, row 2, column value: "eight" must be a rate >= 0 per period, like 0.08 or 8%',
        ),
        (
            dict(settings="setting,value\ndiscount_rate,-1%"),
            'settings.csv, row 2, column value: "-1%" must be a rate >= 0 per period, like 0.08 or 8%',
        ),
        (
            dict(settings="setting,value\ndiscount_rate,8"),
            'settings.csv, row 2, column value: "8" is a discount rate of 800% per period: write 8% as 0.08 or 8% '
            "(rates above 100% per period are not accepted)",
        ),
        (
            dict(settings="setting,value\ncurrency,dollars"),
            'settings.csv, row 2, column value: "dollars" must be an ISO currency code, like USD',
        ),
        (
            dict(settings="setting,value\ndiscount_rate,1%\ndiscount_rate,2%"),
            'settings.csv, row 3, column setting: "discount_rate" is set twice (also row 2); keep one',
        ),
        (
            dict(expansions="option,plant,added_units,fixed_cost,first_period,lifetime_periods\nx,A,10,5,1,0"),
            'expansions.csv, row 2, column lifetime_periods: "0" must be a whole number >= 1',
        ),
        (
            dict(expansions="option,plant,added_units,fixed_cost,first_period,lifetime_periods\nx,A,10,5,1,2.5"),
            'expansions.csv, row 2, column lifetime_periods: "2.5" must be a whole number >= 1',
        ),
    ],
)
def test_bad_settings_and_lifetimes_are_located_input_errors(tmp_path, files, message):
    case = write_case(tmp_path / "c", **dict(BUILD, demand="market,product,period,units\nm,p,1,10", **files))
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 2
    assert f"  - {message}" in r.stderr.splitlines()
    assert not (tmp_path / "out").exists()


def test_ranging_report_is_in_the_money_of_each_period(tmp_path):
    # As in the integer-period test (R = 10%): in 2014 the flow from A costs 10 and the
    # capacity's shadow price is -2 (Excel's sign) in 2014 money; the LP itself holds 10/1.21.
    case = write_case(
        tmp_path / "c",
        settings="setting,value\ndiscount_rate,10%",
        demand="market,product,period,units\nm,p,2012,100\nm,p,2014,100",
        **ONE_PLANT,
    )
    r = invoke("solve", case, "--out", tmp_path / "out", "--sensitivity")
    assert r.exit_code == 0, r.output
    flows = read(tmp_path / "out", "sensitivity_flows.csv").set_index("variable")
    assert flows.loc["flow[A,m,p,2014]", "objective_coefficient_USD"] == pytest.approx(10)
    # B's flow is basic; A's cost may rise by 2 (to B's 12) before the plan changes.
    assert flows.loc["flow[A,m,p,2014]", "allowable_increase_USD"] == pytest.approx(2)
    cons = read(tmp_path / "out", "sensitivity_constraints.csv").set_index("constraint")
    assert cons.loc["capacity[A,2014]", "shadow_price_USD"] == pytest.approx(-2)
    assert cons.loc["demand[m,p,2014]", "shadow_price_USD"] == pytest.approx(12)


def test_cli_discount_rate_takes_percent_and_refuses_a_missing_percent_sign(tmp_path):
    # 8% = 0.08: one period (2012) and 2014: 1,080 + 1,080 / 1.08^2 = 2,005.9259...
    case = write_case(tmp_path / "c", demand="market,product,period,units\nm,p,2012,100\nm,p,2014,100", **ONE_PLANT)
    r = invoke("solve", case, "--out", tmp_path / "out", "--discount-rate", "8%")
    assert r.exit_code == 0, r.output
    assert summary(tmp_path / "out")["objective"] == pytest.approx(1080 + 1080 / 1.08**2, abs=0.01)
    r = invoke("solve", case, "--out", tmp_path / "out2", "--discount-rate", "8")
    assert r.exit_code == 2
    assert "'8' is a discount rate of 800% per period: write 8% as 0.08 or 8%" in r.stderr
    assert not (tmp_path / "out2").exists()
