"""One tiny hand-solvable case per rule of the input format.

Each expected number is worked out by hand in the comment above its assert.
"""

from __future__ import annotations

import pytest

from solver.case.load import load_case
from solver.errors import CaseError

from conftest import read, write_case

PLANTS_AB = """
    plant,country,currency
    A,X,USD
    B,Y,USD
"""


def test_cheapest_plant_first_until_capacity(solve_case):
    # Landed A = 10 + 1 = 11, B = 12 + 0 = 12. A fills its 60, B ships 40.
    # Cost = 60*11 + 40*12 = 1140. One more unit of A capacity saves 12 - 11 = 1;
    # one more unit of demand costs B's 12.
    run = solve_case(
        plants=PLANTS_AB,
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,60",
        lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
        costs="plant,unit_cost\nA,10\nB,12",
    )
    assert run.solution.objective == pytest.approx(1140)
    plan = read(run.out_dir, "plan.csv")
    assert dict(zip(plan["plant"], plan["units"], strict=True)) == {"A": 60, "B": 40}
    util = read(run.out_dir, "utilization.csv")
    a = util[(util["plant"] == "A") & (util["product"] == "")].iloc[0]
    assert a["shadow_price_USD"] == pytest.approx(1.0)
    assert a["utilization"] == pytest.approx(1.0)
    supply = read(run.out_dir, "supply.csv")
    assert supply["marginal_cost_USD"].iloc[0] == pytest.approx(12.0)


def test_most_specific_cost_row_wins(solve_case):
    # Rows: (any,any)=10, (p,any)=20, (any,2)=30, (p,2)=40.
    # Applicable: (p,1)=20 [product beats neither], (p,2)=40 [both],
    # (q,1)=10 [neither], (q,2)=30 [period]. One unit each: 20+40+10+30 = 100.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,1\nm,p,2,1\nm,q,1,1\nm,q,2,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,product,period,unit_cost\nA,,,10\nA,p,,20\nA,,2,30\nA,p,2,40",
    )
    assert run.solution.objective == pytest.approx(100)
    plan = read(run.out_dir, "plan.csv")
    got = {(r.product, r.period): r.unit_production_cost_USD for r in plan.itertuples()}
    assert got == {("p", "1"): 20, ("p", "2"): 40, ("q", "1"): 10, ("q", "2"): 30}


def test_equal_specificity_is_an_input_error(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,product,unit_cost\nA,p,10\nA,p,12",
    )
    with pytest.raises(CaseError) as exc:
        load_case(case)
    assert [str(p) for p in exc.value.problems] == [
        'costs.csv, row 3: "plant=A, product=p, period=(blank)" two rows of equal specificity '
        "for the same key (also row 2); keep one"
    ]


def test_fx_converts_plant_and_lane_currencies(solve_case):
    # KRW per USD: 1100 in every period, 1000 in period 2 (period row beats blank).
    # Production 1,100,000 KRW -> 1000 USD (period 1), 1100 USD (period 2).
    # Freight 11,000 KRW -> 10 USD (period 1), 11 USD (period 2).
    # One unit per period: 1010 + 1111 = 2121.
    run = solve_case(
        plants="plant,country,currency\nA,KR,KRW",
        demand="market,product,period,units\nm,p,1,1\nm,p,2,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost,currency\nA,m,11000,KRW",
        costs="plant,unit_cost\nA,1100000",
        fx="currency,period,rate\nKRW,,1100\nKRW,2,1000",
    )
    assert run.solution.objective == pytest.approx(2121)


def test_reporting_currency_cross_rates(solve_case):
    # --currency KRW: a USD amount converts as amount * rate(KRW) / rate(USD) = 10 * 1100 / 1.
    run = solve_case(
        currency="KRW",
        plants="plant,country,currency\nA,US,USD",
        demand="market,product,period,units\nm,p,1,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost,currency\nA,m,0,USD",
        costs="plant,unit_cost\nA,10",
        fx="currency,rate\nUSD,1\nKRW,1100",
    )
    assert run.solution.objective == pytest.approx(11000)


def test_missing_rate_is_an_input_error(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,KR,KRW",
        demand="market,product,period,units\nm,p,2013,1\nm,p,2014,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,unit_cost\nA,1000",
        fx="currency,period,rate\nKRW,2013,1095",
    )
    with pytest.raises(CaseError) as exc:
        load_case(case)
    assert [str(p) for p in exc.value.problems] == [
        'plants.csv, row 2, column currency: "KRW" has no exchange rate in fx.csv for period 2014: '
        "add a row (currency KRW, period 2014, rate = KRW per 1 USD)"
    ]


@pytest.mark.parametrize("basis, expected", [("fob", 130.0), ("cif", 132.0), ("", 130.0)])
def test_duty_on_fob_or_cif_value(solve_case, basis, expected):
    # Production 100, freight 20, rate 10% ("10%" in the file).
    # fob: duty 10 -> 130; cif: duty 12 -> 132; blank basis = fob.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,20",
        costs="plant,unit_cost\nA,100",
        tariffs=f"origin,market,rate,basis,agreement\nX,m,10%,{basis},FTA",
    )
    assert run.solution.objective == pytest.approx(expected)
    plan = read(run.out_dir, "plan.csv")
    assert plan["duty_rate"].iloc[0] == pytest.approx(0.1)
    assert plan["agreement"].iloc[0] == "FTA"


def test_tariff_rate_quota_is_shared_by_all_plants_of_the_origin(solve_case):
    # A and B are both in X; quota: 0% up to 100 units from X, 10% (fob) above.
    # A (cost 100) can make 100, B (cost 200) the other 50 of demand 150.
    # The 100 duty-free units go where the duty would be largest: B's 50 (saves 20 each),
    # then 50 of A's; A's other 50 pay 10 each = 500.
    # Total = 100*100 + 50*200 + 500 = 20,500.
    # C in country Z (cost 300) is dearer and does not touch X's quota.
    run = solve_case(
        plants="plant,country,currency\nA,X,USD\nB,X,USD\nC,Z,USD",
        demand="market,product,period,units\nm,p,1,150",
        capacity="plant,max_units\nA,100",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0\nC,m,0",
        costs="plant,unit_cost\nA,100\nB,200\nC,300",
        tariffs="origin,market,rate,up_to_units\nX,m,0,100\nX,m,10%,",
    )
    assert run.solution.objective == pytest.approx(20500)
    plan = read(run.out_dir, "plan.csv")
    rows = {r.plant: r for r in plan.itertuples()}
    assert rows["A"].units == 100 and rows["B"].units == 50
    # A: 50 units at 0 and 50 at 10 -> average duty 5, average rate 5%.
    assert rows["A"].unit_duty_USD == pytest.approx(5.0)
    assert rows["A"].duty_rate == pytest.approx(0.05)
    assert rows["B"].unit_duty_USD == pytest.approx(0.0)


def test_tier_rates_must_not_fall(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,0",
        tariffs="origin,market,rate,up_to_units\nX,m,10%,100\nX,m,5%,",
    )
    with pytest.raises(CaseError) as exc:
        load_case(case)
    assert [str(p) for p in exc.value.problems] == [
        'tariffs.csv, row 3, column rate: "0.05" is below the rate 0.1 of the lower tier in row 2: '
        "tier rates must not fall as volume rises"
    ]


@pytest.mark.parametrize("penalty, unmet, objective", [(50, 40, 600 + 40 * 50), (5, 100, 500)])
def test_unmet_penalty(solve_case, penalty, unmet, objective):
    # Capacity 60 at cost 10, demand 100. Penalty 50 > 10: make 60, leave 40 unmet
    # (600 + 2000). Penalty 5 < 10: leave all 100 unmet (500).
    run = solve_case(
        plants="plant,country,currency\nA,X,USD",
        demand=f"market,product,period,units,unmet_penalty\nm,p,1,100,{penalty}",
        capacity="plant,max_units\nA,60",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,unit_cost\nA,10",
    )
    assert run.solution.objective == pytest.approx(objective)
    supply = read(run.out_dir, "supply.csv")
    assert supply["unmet"].iloc[0] == pytest.approx(unmet)
    assert supply["supplied"].iloc[0] == pytest.approx(100 - unmet)
    cb = read(run.out_dir, "cost_breakdown.csv")
    assert cb.loc[cb["component"] == "unmet", "amount_USD"].sum() == pytest.approx(unmet * penalty)


def test_min_units(solve_case):
    # A costs 10, B 20, demand 100; B must make at least 30: A 70, B 30 = 700 + 600.
    # One more unit of B's minimum costs 20 - 10 = 10.
    run = solve_case(
        plants=PLANTS_AB,
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units,min_units\nA,1000,\nB,1000,30",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,10\nB,20",
    )
    assert run.solution.objective == pytest.approx(1300)
    util = read(run.out_dir, "utilization.csv")
    b = util[(util["plant"] == "B") & (util["product"] == "")].iloc[0]
    assert b["units"] == 30
    assert b["min_shadow_price_USD"] == pytest.approx(10.0)


def test_lane_limit_covers_the_products_its_row_applies_to(solve_case):
    # A (cost 10) reaches m by a blank-product row limited to 50/period (covers p and q)
    # and an r-specific row limited to 10. B (cost 15) is unlimited.
    # A ships 50 of p+q and 10 of r; B ships the other 30 of p+q and 30 of r.
    # Cost = 60*10 + 60*15 = 1500; each lane limit is worth 15 - 10 = 5 per unit.
    run = solve_case(
        plants=PLANTS_AB,
        demand="market,product,period,units\nm,p,1,40\nm,q,1,40\nm,r,1,40",
        capacity="plant,max_units\nA,1000\nB,1000",
        lanes="plant,market,product,freight_cost,max_units\nA,m,,0,50\nA,m,r,0,10\nB,m,,0,",
        costs="plant,unit_cost\nA,10\nB,15",
    )
    assert run.solution.objective == pytest.approx(1500)
    plan = read(run.out_dir, "plan.csv")
    a = plan[plan["plant"] == "A"]
    assert a.loc[a["product"].isin(["p", "q"]), "units"].sum() == pytest.approx(50)
    assert a.loc[a["product"] == "r", "units"].sum() == pytest.approx(10)
    lane_duals = run.solution.row_dual[run.lp.family_rows("lane")]
    assert sorted(lane_duals) == pytest.approx([-5.0, -5.0])


def test_all_capacity_rows_hold(solve_case):
    # Blank-period max 100 and a period-1 max 60 both hold: period 1 is limited to 60.
    # In period 2 a total row of 70 and a product-p row of 50 both hold.
    # A costs 1, B 3. Period 1: demand p 80 -> A 60, B 20 = 120.
    # Period 2: demand p 60, q 30 -> A: p 50, q 20 (total 70); B: p 10, q 10 = 70 + 60 = 130.
    run = solve_case(
        plants=PLANTS_AB,
        demand="market,product,period,units\nm,p,1,80\nm,p,2,60\nm,q,2,30",
        capacity="plant,period,product,max_units\nA,,,100\nA,1,,60\nA,2,,70\nA,2,p,50\nB,,,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,1\nB,3",
    )
    assert run.solution.objective == pytest.approx(250)


EXPANSION_CASE = dict(
    plants=PLANTS_AB,
    demand="market,product,period,units\nm,p,1,100\nm,p,2,75",
    capacity="plant,max_units\nA,50\nB,1000",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,20",
)


@pytest.mark.parametrize(
    "fixed, built, objective",
    [
        # Period 1: A 50, B 50 = 1500 either way. Period 2 (demand 75): without the option
        # A 50 + B 25 = 1000; with it A 75 = 750 + fixed. Fixed 200 -> build (950);
        # fixed 300 -> don't (1000).
        (200, 1, 1500 + 950),
        (300, 0, 1500 + 1000),
    ],
)
def test_expansion_build_or_not(solve_case, fixed, built, objective):
    run = solve_case(
        **EXPANSION_CASE, expansions=f"option,plant,added_units,fixed_cost,first_period\nbig,A,50,{fixed},2"
    )
    assert run.solution.objective == pytest.approx(objective)
    builds = read(run.out_dir, "builds.csv")
    assert builds["built"].iloc[0] == built
    assert run.solution.duals == "lp with build decisions fixed"


def test_expansion_relaxed(solve_case):
    # LP relaxation: building half the option (b = 0.5) adds exactly the 25 units needed
    # in period 2 for 0.5 * 200 = 100: period 2 costs 750 + 100 = 850; total 2350.
    run = solve_case(
        relax=True, **EXPANSION_CASE, expansions="option,plant,added_units,fixed_cost,first_period\nbig,A,50,200,2"
    )
    assert run.solution.objective == pytest.approx(2350)
    assert read(run.out_dir, "builds.csv")["built"].iloc[0] == pytest.approx(0.5)


def test_expansion_cost_converted_at_first_period_rate(solve_case):
    # fixed_cost 220,000 KRW at period 2's rate 1100 = 200 USD -> same as the 200 case: 2450.
    run = solve_case(
        **EXPANSION_CASE,
        fx="currency,period,rate\nKRW,1,1000\nKRW,2,1100",
        expansions="option,plant,added_units,fixed_cost,first_period,currency\nbig,A,50,220000,2,KRW",
    )
    assert run.solution.objective == pytest.approx(2450)
    cb = read(run.out_dir, "cost_breakdown.csv")
    exp = cb[cb["component"] == "expansion"].set_index("period")["amount_USD"]
    assert exp["2"] == pytest.approx(200) and exp["1"] == 0


def test_periods_sort_naturally(solve_case):
    run = solve_case(
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,10,1\nm,p,9,1\nm,p,2,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,0",
    )
    assert run.case.periods == ("2", "9", "10")
    assert list(read(run.out_dir, "supply.csv")["period"]) == ["2", "9", "10"]
