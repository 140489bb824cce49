"""Hubs (nodes.csv): routes through ports, worked by hand. A two-hop route's landed cost; duty by the
country of the plant that made the unit, through a shared hub; a tariff-rate quota counted across two
ports; a hub's throughput and its shadow price; a lane limit on a hub leg; errors and warnings of
nodes.csv; sweeps and breakeven on a hub's currency and a hub leg's freight."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import write_case

# Plant kr (KR, 10,000 a unit) ships through busan-port (handling 50) and then long-beach (handling 80,
# at most 100 units a period) or savannah (handling 60) to usa; plant us (US, 12,000) ships direct.
# Demand 150; duty KR -> usa 2.5% fob (250 a unit).
#   kr > busan-port > long-beach > usa: 10,000 + (100 + 900 + 300) + (50 + 80) + 250 = 11,680
#   kr > busan-port > savannah > usa:   10,000 + (100 + 1,500 + 200) + (50 + 60) + 250 = 12,160
#   us > usa:                           12,000 + 400                                  = 12,400
# long-beach takes its 100, savannah the other 50: 1,168,000 + 608,000 = 1,776,000; one unit more of
# long-beach's throughput saves 12,160 - 11,680 = 480.
PORTS = dict(
    plants="plant,country,currency\nkr,KR,USD\nus,US,USD",
    nodes="hub,country,currency,handling_cost,max_units\nbusan-port,KR,USD,50,\nlong-beach,US,USD,80,100\n"
    "savannah,US,USD,60,",
    lanes="plant,market,freight_cost\nkr,busan-port,100\nbusan-port,long-beach,900\nbusan-port,savannah,1500\n"
    "long-beach,usa,300\nsavannah,usa,200\nus,usa,400",
    demand="market,product,period,units\nusa,car,2014,150",
    costs="plant,unit_cost\nkr,10000\nus,12000",
    capacity="plant,max_units\nkr,1000\nus,50",
    tariffs="origin,market,rate,basis\nKR,usa,2.5%,fob",
)


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args])
    return r


def solve(case, out):
    r = run("solve", case, "--out", out)
    assert r.exit_code == 0, r.output + r.stderr
    plan = pd.read_csv(out / "plan.csv", keep_default_na=False)
    total = pd.read_csv(out / "cost_breakdown.csv")["amount_USD"].sum()
    return plan, total


def test_two_hop_routes_landed_cost_and_hub_shadow_price(tmp_path):
    plan, total = solve(write_case(tmp_path / "c", **PORTS), tmp_path / "o")
    assert total == pytest.approx(1_776_000)
    assert list(plan.columns[:6]) == ["period", "product", "plant", "via", "market", "units"]
    rows = {r.via: r for r in plan.itertuples()}
    lb, sav = rows["busan-port > long-beach"], rows["busan-port > savannah"]
    assert (lb.units, lb.unit_freight_USD, lb.unit_duty_USD, lb.unit_landed_cost_USD) == (100, 1430, 250, 11680)
    assert (sav.units, sav.unit_freight_USD, sav.unit_landed_cost_USD) == (50, 1910, 12160)
    hubs = pd.read_csv(tmp_path / "o" / "hubs.csv").set_index("hub")
    assert list(hubs.index) == ["busan-port", "long-beach", "savannah"]
    assert hubs.loc["busan-port", "units"] == 150 and hubs.loc["long-beach", "utilization"] == 1
    assert hubs.loc["long-beach", "shadow_price_USD"] == pytest.approx(480)
    assert pd.isna(hubs.loc["savannah", "shadow_price_USD"])  # no limit: nothing to price


def test_a_case_without_hubs_has_no_via_and_no_hubs_file(tmp_path):
    files = dict(PORTS, lanes="plant,market,freight_cost\nkr,usa,1300\nus,usa,400")
    del files["nodes"]
    plan, total = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    assert "via" not in plan.columns and not (tmp_path / "o" / "hubs.csv").exists()
    # kr direct: 10,000 + 1,300 + 250 = 11,550 for 150 units
    assert total == pytest.approx(150 * 11_550)


def test_duty_by_the_plant_country_through_a_shared_hub(tmp_path):
    # kr (KR, 10,000) and jp (JP, 9,000) both ship through busan-port (handling 50) to usa; KR pays 2.5% fob,
    # JP 10% cif: customs value 9,000 + 200 + 50 + 300 = 9,550, duty 955. Demand 100, each at most 60:
    #   kr: 10,000 + 100 + 50 + 300 + 250 = 10,700; jp: 9,000 + 200 + 50 + 300 + 955 = 10,505
    # jp takes 60, kr 40: 630,300 + 428,000 = 1,058,300.
    files = dict(
        plants="plant,country,currency\nkr,KR,USD\njp,JP,USD",
        nodes="hub,handling_cost\nbusan-port,50",
        lanes="plant,market,freight_cost\nkr,busan-port,100\njp,busan-port,200\nbusan-port,usa,300",
        demand="market,product,period,units\nusa,car,2014,100",
        costs="plant,unit_cost\nkr,10000\njp,9000",
        capacity="plant,max_units\nkr,60\njp,60",
        tariffs="origin,market,rate,basis\nKR,usa,2.5%,fob\nJP,usa,10%,cif",
    )
    plan, total = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    by = plan.set_index("plant")
    assert by.loc["kr", "unit_duty_USD"] == pytest.approx(250) and by.loc["jp", "unit_duty_USD"] == pytest.approx(955)
    assert by.loc["jp", "units"] == 60 and by.loc["kr", "units"] == 40
    assert total == pytest.approx(1_058_300)


def test_a_quota_counts_units_across_two_ports(tmp_path):
    # KR's first 100 units into usa pay 0%, the rest 25% fob (2,500 a unit); long-beach takes at most 80.
    #   in quota: via long-beach 11,430, via savannah 11,910; over quota via savannah 14,410; us 12,400.
    # 80 via long-beach and 20 via savannah fill the quota (across both ports), us the other 50:
    #   914,400 + 238,200 + 620,000 = 1,772,600 (a quota per port would give 1,748,100).
    files = dict(
        PORTS,
        nodes="hub,handling_cost,max_units\nbusan-port,50,\nlong-beach,80,80\nsavannah,60,",
        tariffs="origin,market,rate,basis,up_to_units\nKR,usa,0%,fob,100\nKR,usa,25%,fob,",
    )
    plan, total = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    assert total == pytest.approx(1_772_600)
    units = plan.groupby(["plant", "via"])["units"].sum().to_dict()
    assert units == {("kr", "busan-port > long-beach"): 80, ("kr", "busan-port > savannah"): 20, ("us", ""): 50}
    quotas = pd.read_csv(tmp_path / "o" / "quotas.csv")
    assert quotas["units"].tolist() == [100]


def test_a_lane_limit_on_a_hub_leg_limits_every_route_over_it(tmp_path):
    # busan-port -> long-beach limited to 30 (lanes.csv): long-beach gets 30, savannah 120:
    #   30 x 11,680 + 120 x 12,160 = 350,400 + 1,459,200 = 1,809,600
    files = dict(PORTS, lanes=PORTS["lanes"].replace("freight_cost\n", "freight_cost,max_units\n").replace(
        "busan-port,long-beach,900", "busan-port,long-beach,900,30"))  # fmt: skip
    plan, total = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    assert total == pytest.approx(1_809_600)
    limits = pd.read_csv(tmp_path / "o" / "lane_limits.csv")
    assert limits[["plant", "market", "units"]].values.tolist() == [["busan-port", "long-beach", 30]]
    assert limits["shadow_price_USD"].iloc[0] == pytest.approx(480)


def test_a_hub_too_small_is_explained(tmp_path):
    files = dict(
        PORTS,
        capacity="plant,max_units\nkr,1000\nus,0",
        nodes="hub,handling_cost,max_units\nbusan-port,50,120\nlong-beach,80,\nsavannah,60,",
    )
    r = run("solve", write_case(tmp_path / "c", **files), "--out", tmp_path / "o")
    assert r.exit_code == 3
    assert (
        "at most 120 can reach it" in r.output and "hub busan-port throughput 120 in 2014 (nodes.csv row 2)" in r.output
    )
    assert not (tmp_path / "o").exists()


def test_nodes_errors_name_file_row_and_column(tmp_path):
    files = dict(
        PORTS,
        nodes="hub,handling_cost\nbusan-port,50\nkr,10\nlong-beach,-5\nsavannah,",
        lanes=PORTS["lanes"] + "\nlong-beach,long-beach,5\nsavannah,nowhere,5",
    )
    r = run("validate", write_case(tmp_path / "c", **files))
    assert r.exit_code == 2, r.output
    text = r.output + r.stderr
    assert "nodes.csv, row 3, column hub" in text and "is also a plant of plants.csv" in text
    assert "nodes.csv, row 4, column handling_cost" in text
    assert "lanes.csv, row 8, column market" in text and "is the hub the lane starts at" in text
    assert "lanes.csv, row 9, column market" in text and "market of demand.csv or hub of nodes.csv" in text
    assert "Traceback" not in text


def test_a_hub_with_no_lane_out_is_a_warning(tmp_path):
    files = dict(PORTS, nodes=PORTS["nodes"] + "\nbremerhaven,DE,USD,10,")
    r = run("validate", write_case(tmp_path / "c", **files))
    assert r.exit_code == 0, r.output
    assert "bremerhaven" in r.output and "no lane into and no lane out of it" in r.output


def test_sweep_moves_a_hub_currency_and_a_hub_leg_freight(tmp_path):
    # busan-port's handling is KRW 50,000 (50 USD at 1,000). At 500 it is 100 USD: long-beach 11,730, savannah
    # 12,210: 1,173,000 + 610,500 = 1,783,500. With busan-port -> long-beach at 1,400 (and KRW 500):
    # long-beach 12,230 > savannah 12,210, so all 150 via savannah: 1,831,500. At 2,000: handling 25,
    # 11,655 and 12,135: 1,165,500 + 606,750 = 1,772,250.
    files = dict(
        PORTS,
        nodes=PORTS["nodes"].replace("busan-port,KR,USD,50,", "busan-port,KR,KRW,50000,"),
        fx="currency,rate\nKRW,1000",
    )
    case = write_case(tmp_path / "c", **files)
    r = run("sweep", case, "--vary", "fx:KRW=500,2000", "--vary", "freight:busan-port:long-beach=900,1400",
            "--out", tmp_path / "s")  # fmt: skip
    assert r.exit_code == 0, r.output + r.stderr
    res = pd.read_csv(tmp_path / "s" / "results.csv")
    got = {(a, b): c for a, b, c in res[["fx:KRW", "freight:busan-port:long-beach", "objective_USD"]].values}
    assert got[(500, 900)] == pytest.approx(1_783_500)
    assert got[(500, 1400)] == pytest.approx(1_831_500)
    assert got[(2000, 900)] == pytest.approx(1_772_250)


def test_breakeven_on_a_hub_leg(tmp_path):
    # long-beach's route costs 11,680 + (f - 900): it stops taking units when it passes savannah's 12,160,
    # at f = 1,380.
    case = write_case(tmp_path / "c", **PORTS)
    r = run("breakeven", case, "--param", "freight:busan-port:long-beach", "--from", "900", "--to", "2000",
            "--out", tmp_path / "b")  # fmt: skip
    assert r.exit_code == 0, r.output + r.stderr
    points = pd.read_csv(tmp_path / "b" / "breakpoints.csv")
    inner = [v for v in points["value_from"] if 900 < v < 2000]
    assert inner == [pytest.approx(1380)]


def test_terminal_workbook_and_report_name_the_hub_that_binds(tmp_path):
    case = write_case(tmp_path / "c", **PORTS)
    r = run("solve", case, "--out", tmp_path / "o", "--xlsx")
    assert r.exit_code == 0, r.output
    assert "the throughput of hub long-beach in 2014 (100) is worth 480.00 USD per unit" in r.output
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "o" / "plan.xlsx")
    assert "hubs" in wb.sheetnames and [c.value for c in wb["plan"][1]][3] == "via"
    r = run("report", tmp_path / "o", "--out", tmp_path / "r.html")
    assert r.exit_code == 0, r.output
    html = (tmp_path / "r.html").read_text()
    assert "<h3>Hubs</h3>" in html and "kr to usa via busan-port &gt; long-beach" in html
    assert "the throughput of hub long-beach in 2014 (100) is worth 480.00 USD per unit" in html


@pytest.mark.parametrize("fixed, built, total", [(20_000, 1, 1_772_000), (30_000, 0, 1_776_000)])
def test_a_build_option_on_a_hub_adds_throughput(tmp_path, fixed, built, total):
    # A second berth at long-beach (+100 units) lets all 150 go the cheaper way: it saves 50 x 480 = 24,000,
    # so it is built for 20,000 (1,752,000 + 20,000) and not for 30,000 (1,776,000 as without it).
    files = dict(PORTS, expansions=f"option,plant,product,added_units,fixed_cost,first_period\n"
                 f"lb-berth,long-beach,,100,{fixed},2014")  # fmt: skip
    _, got = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    assert got == pytest.approx(total)
    builds = pd.read_csv(tmp_path / "o" / "builds.csv")
    assert builds["built"].tolist() == [built] and builds["plant"].tolist() == ["long-beach"]
    hubs = pd.read_csv(tmp_path / "o" / "hubs.csv").set_index("hub")
    assert hubs.loc["long-beach", "max_units"] == 100 + 100 * built


def test_a_hub_that_opens_only_when_built(tmp_path):
    # savannah has max_units 0 until its option (5,000) opens it: without it, 100 via long-beach and 50 from us
    # direct (12,400): 1,168,000 + 620,000 = 1,788,000; with it 1,776,000 + 5,000 = 1,781,000: opened.
    files = dict(
        PORTS,
        nodes="hub,handling_cost,max_units\nbusan-port,50,\nlong-beach,80,100\nsavannah,60,0",
        expansions="option,plant,product,added_units,fixed_cost,first_period\nopen-savannah,savannah,,1000,5000,2014",
    )
    _, total = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    assert total == pytest.approx(1_781_000)
    assert pd.read_csv(tmp_path / "o" / "builds.csv")["built"].tolist() == [1]


def test_an_option_on_a_hub_without_a_limit_is_an_error(tmp_path):
    files = dict(PORTS, expansions="option,plant,product,added_units,fixed_cost,first_period\nx,savannah,,10,5,2014")
    r = run("validate", write_case(tmp_path / "c", **files))
    assert r.exit_code == 2 and "expansions.csv, row 2, column plant" in r.output and "is a hub" in r.output


def test_hub_throughput_and_handling_are_sweep_and_breakeven_parameters(tmp_path):
    # long-beach's limit L (of 150): L x 11,680 + (150 - L) x 12,160; its handling +500 makes savannah cheaper
    # for all 150 (12,180 > 12,160): 1,824,000. Breakeven: the limit stops mattering at 150, the handling at
    # 80 + 480 = 560.
    case = write_case(tmp_path / "c", **PORTS)
    r = run("sweep", case, "--vary", "hub:long-beach=50,150", "--vary", "handling:long-beach=80,580",
            "--out", tmp_path / "s")  # fmt: skip
    assert r.exit_code == 0, r.output + r.stderr
    res = pd.read_csv(tmp_path / "s" / "results.csv")
    got = {(a, b): c for a, b, c in res[["hub:long-beach", "handling:long-beach", "objective_USD"]].values}
    assert got == {(50, 80): 1_800_000, (50, 580): 1_824_000, (150, 80): 1_752_000, (150, 580): 1_824_000}
    for param, lo, hi, at in (("hub:long-beach", 0, 200, 150), ("handling:long-beach", 80, 1000, 560)):
        out = tmp_path / param.replace(":", "-")
        r = run("breakeven", case, "--param", param, "--from", lo, "--to", hi, "--out", out)
        assert r.exit_code == 0, r.output + r.stderr
        points = pd.read_csv(out / "breakpoints.csv")
        assert [v for v in points["value_from"] if lo < v < hi] == [pytest.approx(at)]


def test_every_parameter_kind_is_a_cost_or_a_right_hand_side_for_breakeven():
    from solver.case.params import KINDS
    from solver.studies.breakeven import COST_KINDS, RHS_KINDS

    assert sorted(COST_KINDS + RHS_KINDS) == sorted(KINDS) and not set(COST_KINDS) & set(RHS_KINDS)


def test_a_build_option_on_a_lane_adds_to_its_limit(tmp_path):
    # busan-port -> long-beach carries at most 30 (lanes.csv); more ships (+70, 20,000) let long-beach take its
    # full 100: 1,776,000 + 20,000 = 1,796,000 against 30 x 11,680 + 120 x 12,160 = 1,809,600 without.
    lanes = PORTS["lanes"].replace("freight_cost\n", "freight_cost,max_units\n").replace(
        "busan-port,long-beach,900", "busan-port,long-beach,900,30")  # fmt: skip
    files = dict(PORTS, lanes=lanes, expansions="option,plant,market,product,added_units,fixed_cost,first_period\n"
                 "more-ships,busan-port,long-beach,,70,20000,2014")  # fmt: skip
    _, total = solve(write_case(tmp_path / "c", **files), tmp_path / "o")
    assert total == pytest.approx(1_796_000)
    limits = pd.read_csv(tmp_path / "o" / "lane_limits.csv")
    assert limits[["units", "max_units"]].values.tolist() == [[100, 100]]  # 30 + 70 built
    # it saves 70 x 480 = 33,600: for 40,000 it is not built
    files["expansions"] = files["expansions"].replace(",20000,", ",40000,")
    _, total = solve(write_case(tmp_path / "c2", **files), tmp_path / "o2")
    assert total == pytest.approx(1_809_600)


def test_an_option_on_a_lane_without_a_limit_is_an_error(tmp_path):
    files = dict(PORTS, expansions="option,plant,market,product,added_units,fixed_cost,first_period\n"
                 "x,busan-port,savannah,,10,5,2014")  # fmt: skip
    r = run("validate", write_case(tmp_path / "c", **files))
    assert r.exit_code == 2 and "expansions.csv, row 2, column market" in r.output
    assert "has no lanes.csv row with max_units" in r.output


def test_a_lane_limit_is_a_sweep_and_breakeven_parameter(tmp_path):
    # busan-port -> long-beach limited to L: L x 11,680 + (150 - L) x 12,160 up to L = 100 (long-beach's own
    # limit), so 0: 1,824,000; 30: 1,809,600; 100: 1,776,000, and the breakpoint is 100.
    lanes = PORTS["lanes"].replace("freight_cost\n", "freight_cost,max_units\n").replace(
        "busan-port,long-beach,900", "busan-port,long-beach,900,30")  # fmt: skip
    case = write_case(tmp_path / "c", **dict(PORTS, lanes=lanes))
    r = run("sweep", case, "--vary", "lane:busan-port:long-beach=0,30,100", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output + r.stderr
    assert pd.read_csv(tmp_path / "s" / "results.csv")["objective_USD"].tolist() == [1_824_000, 1_809_600, 1_776_000]
    r = run(
        "breakeven", case, "--param", "lane:busan-port:long-beach", "--from", 0, "--to", 200, "--out", tmp_path / "b"
    )
    assert r.exit_code == 0, r.output + r.stderr
    points = pd.read_csv(tmp_path / "b" / "breakpoints.csv")
    assert [v for v in points["value_from"] if 0 < v < 200] == [pytest.approx(100)]
    r = run("sweep", case, "--vary", "lane:kr:busan-port=5", "--out", tmp_path / "s2")
    assert r.exit_code == 2 and "no lanes.csv row kr > busan-port with max_units" in r.output + r.stderr


def test_a_quota_volume_is_a_sweep_parameter(tmp_path):
    # The quota of test_a_quota_counts_units_across_two_ports at Q units (0% inside, 25% = 2,500 a unit over):
    #   Q = 50: 50 via long-beach in quota (11,430), us 50 (12,400), 30 more via long-beach over quota (13,930),
    #           20 via savannah over quota (14,410): 571,500 + 620,000 + 417,900 + 288,200 = 1,897,600
    #   Q = 100: 1,772,600 (that test); Q = 150: 80 x 11,430 + 70 x 11,910 = 1,748,100
    files = dict(
        PORTS,
        nodes="hub,handling_cost,max_units\nbusan-port,50,\nlong-beach,80,80\nsavannah,60,",
        tariffs="origin,market,rate,basis,up_to_units\nKR,usa,0%,fob,100\nKR,usa,25%,fob,",
    )
    case = write_case(tmp_path / "c", **files)
    r = run("sweep", case, "--vary", "tariff_quota:KR:usa=50,100,150", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output + r.stderr
    got = pd.read_csv(tmp_path / "s" / "results.csv")["objective_USD"].tolist()
    assert got == [1_897_600, 1_772_600, 1_748_100]
    r = run("breakeven", case, "--param", "tariff_quota:KR:usa", "--from", 50, "--to", 150, "--out", tmp_path / "b")
    assert r.exit_code == 0, r.output + r.stderr
    points = pd.read_csv(tmp_path / "b" / "breakpoints.csv")
    assert points["objective_from_USD"].iloc[0] == pytest.approx(1_897_600)
    assert points["objective_to_USD"].iloc[-1] == pytest.approx(1_748_100)


def test_one_tier_rate_is_a_sweep_and_breakeven_parameter(tmp_path):
    # The quota of test_a_quota_counts_units_across_two_ports (100 units at 0%, then 25% fob of 10,000).
    # Before duty: via long-beach (at most 80) 11,430, via savannah 11,910; us 12,400 (at most 50).
    # In-quota rate r: 80 + 20 in quota whatever r (over quota costs 2,500 more), us 50:
    #   1,772,600 + 100 x 10,000 x r: 2% -> 1,792,600, 5% -> 1,822,600.
    # Over-quota rate s: savannah over quota 11,910 + 10,000 s against us 12,400: kr takes the last 50
    #   while s < 4.9%: 1,152,600 + 50 x (11,910 + 10,000 s): s = 0 -> 1,748,100, 2% -> 1,758,100;
    #   from 4.9% on us does: 1,772,600 (25%).
    files = dict(
        PORTS,
        nodes="hub,handling_cost,max_units\nbusan-port,50,\nlong-beach,80,80\nsavannah,60,",
        tariffs="origin,market,rate,basis,up_to_units\nKR,usa,0%,fob,100\nKR,usa,25%,fob,",
    )
    case = write_case(tmp_path / "c", **files)
    r = run("sweep", case, "--vary", "tariff_in_quota:KR:usa=2%,5%", "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output + r.stderr
    assert pd.read_csv(tmp_path / "s" / "results.csv")["objective_USD"].tolist() == [1_792_600, 1_822_600]
    r = run("sweep", case, "--vary", "tariff_over_quota:KR:usa=0,0.02,0.25", "--out", tmp_path / "s2")
    assert r.exit_code == 0, r.output + r.stderr
    got = pd.read_csv(tmp_path / "s2" / "results.csv")["objective_USD"].tolist()
    assert got == [1_748_100, 1_758_100, 1_772_600]
    r = run(
        "breakeven", case, "--param", "tariff_over_quota:KR:usa", "--from", 0, "--to", 0.25, "--out", tmp_path / "b"
    )
    assert r.exit_code == 0, r.output + r.stderr
    points = pd.read_csv(tmp_path / "b" / "breakpoints.csv")
    assert [v for v in points["value_from"] if 0 < v < 0.25] == [pytest.approx(0.049)]


def test_a_tier_rate_that_would_fall_as_volume_rises_is_refused(tmp_path):
    files = dict(PORTS, tariffs="origin,market,rate,basis,up_to_units\nKR,usa,0%,fob,100\nKR,usa,25%,fob,")
    case = write_case(tmp_path / "c", **files)
    r = run("sweep", case, "--vary", "tariff_in_quota:KR:usa=10%,30%", "--out", tmp_path / "s")
    assert r.exit_code == 2 and "scenario s2: the duty rate of KR into usa" in r.output + r.stderr
    assert "would fall from 0.3 (tier 1) to 0.25 (tier 2)" in r.output + r.stderr
    assert not (tmp_path / "s").exists()
    r = run("sweep", case, "--vary", "tariff_in_quota:KR:usa=0.1", "--vary", "tariff_over_quota:KR:usa=0.05",
            "--out", tmp_path / "s")  # fmt: skip
    assert r.exit_code == 2 and "would fall from 0.1 (tier 1) to 0.05" in r.output + r.stderr
    r = run("breakeven", case, "--param", "tariff_in_quota:KR:usa", "--from", 0, "--to", 0.3, "--out", tmp_path / "b")
    assert r.exit_code == 2 and "tariff_in_quota:KR:usa --to 0.3: the duty rate" in r.output + r.stderr
    # every tier at once (tariff) keeps them in order; a case without a quota has no tier to set
    r = run("sweep", case, "--vary", "tariff:KR:usa=30%", "--out", tmp_path / "s3")
    assert r.exit_code == 0, r.output + r.stderr
    r = run("sweep", write_case(tmp_path / "c2", **PORTS), "--vary", "tariff_over_quota:KR:usa=0.1", "--out",
            tmp_path / "s4")  # fmt: skip
    assert r.exit_code == 2 and "there is no tariff-rate quota" in r.output + r.stderr


def test_compare_shows_hub_throughput_and_a_hub_binding_in_one_run(tmp_path):
    # A: long-beach at most 100 (100 there, 50 via savannah, binding at 480 a unit); B: at most 200, so all
    # 150 go via long-beach (11,680 < 12,400 us), 1,752,000, and nothing binds.
    for name, limit in (("a", 100), ("b", 200)):
        nodes = PORTS["nodes"].replace("long-beach,US,USD,80,100", f"long-beach,US,USD,80,{limit}")
        solve(write_case(tmp_path / f"c{name}", **dict(PORTS, nodes=nodes)), tmp_path / name)
    r = run("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "cmp")
    assert r.exit_code == 0, r.output + r.stderr
    assert "Hub throughput over the horizon (units):" in r.output
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv", dtype={"period": str})
    hubs = table[(table["section"] == "hub") & (table["period"] == "all")].set_index("item")
    assert hubs[["value_a", "value_b", "change"]].to_dict("index") == {
        "busan-port": dict(value_a=150, value_b=150, change=0),
        "long-beach": dict(value_a=100, value_b=150, change=50),
        "savannah": dict(value_a=50, value_b=0, change=-50),
    }
    binding = table[table["section"] == "binding"]
    assert binding[["item", "value_a", "value_b"]].values.tolist() == [["hub long-beach", 480, 0]]
    objective = table[table["item"] == "objective"].iloc[0]
    assert (objective["value_a"], objective["value_b"]) == (1_776_000, 1_752_000)


def test_the_interior_point_method_gives_the_same_plan_and_prices(tmp_path):
    # --lp-method ipm (HiGHS's interior point with crossover): the hand-worked figures of the first test hold
    case = write_case(tmp_path / "c", **PORTS)
    r = run("solve", case, "--out", tmp_path / "o", "--lp-method", "ipm")
    assert r.exit_code == 0, r.output + r.stderr
    plan = pd.read_csv(tmp_path / "o" / "plan.csv", keep_default_na=False)
    total = pd.read_csv(tmp_path / "o" / "cost_breakdown.csv")["amount_USD"].sum()
    assert total == pytest.approx(1_776_000)
    assert plan.groupby("via")["units"].sum().to_dict() == {"busan-port > long-beach": 100, "busan-port > savannah": 50}
    hubs = pd.read_csv(tmp_path / "o" / "hubs.csv").set_index("hub")
    assert hubs.loc["long-beach", "shadow_price_USD"] == pytest.approx(480)
    r = run("solve", case, "--out", tmp_path / "o2", "--lp-method", "ipm", "--solver", "cbc")
    assert r.exit_code == 2 and "--lp-method ipm chooses HiGHS's interior-point method" in r.output + r.stderr
