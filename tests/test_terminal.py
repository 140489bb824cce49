"""The terminal summary hides nothing: units per product, "no line" limits, unmet demand, natural order."""

from __future__ import annotations

from click.testing import CliRunner

from solver.cli import cli

from conftest import read, write_case

CASE = dict(
    plants="plant,country,currency\nw1,X,USD\nw2,X,USD\nw10,X,USD",
    demand="market,product,period,units,unmet_penalty\nm,p,1,30,\nm,q,1,20,\nz,p,1,10,1",
    capacity="plant,product,max_units\nw2,p,0\nw2,q,15",
    lanes="plant,market,freight_cost\nw1,m,0\nw2,m,0\nw10,m,0",
    costs="plant,product,unit_cost\nw1,,50\nw2,,10\nw10,,55\nw1,q,60",
)


def test_summary_shows_products_no_line_limits_unmet_demand_in_natural_order(tmp_path):
    # p: w2 (10) has no p line, so w1 (50) makes all 30; q: w2 makes 15 (its limit), the
    # other 5 come from w10 (55, cheaper than w1's 60). z has no lane: its 10 go unmet at 1.
    # Shadow prices: a unit of w2/p line would replace a w1 unit: 50 - 10 = 40; a unit of
    # w2/q capacity would replace a w10 unit: 55 - 10 = 45.
    # Total: 30*50 + 15*10 + 5*55 + 10*1 = 1,935.
    case = write_case(tmp_path / "c", **CASE)
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    table = lines[lines.index("Units by plant/product and period:") + 1 :][:4]
    assert [line.split() for line in table] == [["1"], ["w1/p", "30"], ["w2/q", "15"], ["w10/q", "5"]]
    assert "Total cost: 1,935 USD" in lines
    i = lines.index("Unmet demand: 10 units (see supply.csv):")
    assert lines[i + 1] == "  z/p 1: 10 of 10"
    assert "  w2/p 1: no line (max_units 0); one unit of capacity would save 40.00" in lines
    assert "  w2/q 1: 15 of 15, shadow price 45.00" in lines
    assert not any("0 of 0" in line for line in lines)
    # The files list plants and markets in the same natural order.
    assert read(tmp_path / "o", "plan.csv")["plant"].tolist() == ["w1", "w2", "w10"]


def test_summary_says_when_all_demand_is_met(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,5",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,1",
    )
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert "Unmet demand: none" in r.stdout.splitlines()
    assert "Units by plant and period:" in r.stdout.splitlines()  # one product: no product column


def test_long_lists_stop_at_twenty_and_say_how_many_more(tmp_path):
    # 25 plants of 10 units each, costs 101..125; demand 300, unmet at 1,000 a unit: every
    # plant runs full (250 units) and 50 go unmet, so all 25 capacities bind, plant i's
    # shadow price being 1,000 - (100 + i).
    n = 25
    names = [f"w{i}" for i in range(1, n + 1)]
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\n" + "\n".join(f"{w},X,USD" for w in names),
        demand="market,product,period,units,unmet_penalty\nm,p,1,300,1000",
        capacity="plant,max_units\n" + "\n".join(f"{w},10" for w in names),
        lanes="plant,market,freight_cost\n" + "\n".join(f"{w},m,0" for w in names),
        costs="plant,product,unit_cost\n" + "\n".join(f"{w},p,{100 + i}" for i, w in enumerate(names, 1)),
    )
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    i = lines.index("Units by plant and period:")
    assert [line.split() for line in lines[i + 2 : i + 22]] == [[w, "10"] for w in names[:20]]
    assert lines[i + 22] == "  ... and 5 more rows (see plan.csv)"
    j = lines.index("Binding capacities (shadow price = USD saved per extra unit):")
    assert lines[j + 1] == "  w1 (total) 1: 10 of 10, shadow price 899.00"
    assert lines[j + 20] == "  w20 (total) 1: 10 of 10, shadow price 880.00"
    assert lines[j + 21] == "  ... and 5 more (see utilization.csv)"
    assert "Unmet demand: 50 units (see supply.csv):" in lines


def test_more_than_twenty_options_are_summed_up_and_the_built_ones_listed(tmp_path):
    # Plant A has no capacity of its own; 25 options each add 10 units at fixed costs of 100,
    # 200, ..., 2,500. Demand 220 with unmet units at 1,000 each: a unit made costs 1, so an
    # option saves 10 x 999 = 9,990 > its cost, and the 22 cheapest (o01..o22) are built,
    # exactly enough for 220 units. Cost: 100 x (1 + ... + 22) + 220 x 1 = 25,300 + 220 = 25,520.
    n = 25
    opts = [f"o{i:02d}" for i in range(1, n + 1)]
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units,unmet_penalty\nm,p,1,220,1000",
        capacity="plant,max_units\nA,0",
        lanes="plant,market,freight_cost\nA,m,0",
        costs="plant,unit_cost\nA,1",
        expansions="option,plant,added_units,fixed_cost,first_period\n"
        + "\n".join(f"{o},A,10,{100 * i},1" for i, o in enumerate(opts, 1)),
    )
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "Total cost: 25,520 USD" in lines
    i = lines.index("Options: 22 of 25 built (see builds.csv):")
    assert lines[i + 1 : i + 21] == [f"Option {o} (A, +10 units): built" for o in opts[:20]]
    assert lines[i + 21] == "  ... and 2 more built (see builds.csv)"
    assert not any("not built" in line for line in lines)  # with over 20 options only the built are listed


def test_a_plant_whose_only_capacity_is_an_unbuilt_option_says_so(tmp_path):
    # W3 has capacity 0 until option open-W3 adds 10 from period 2. A unit from W3 costs 1,
    # from W1 5 (no limit): the option would save 10 x (5 - 1) = 40 in period 2, less than its
    # 100, so it is not built and W1 makes all 20: cost 100. In both periods one unit of W3
    # capacity would save 5 - 1 = 4; in period 1 no option can add it (a missing line), in
    # period 2 it is the option not built.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nW1,X,USD\nW3,X,USD",
        demand="market,product,period,units\nm,p,1,10\nm,p,2,10",
        capacity="plant,max_units\nW3,0",
        lanes="plant,market,freight_cost\nW1,m,0\nW3,m,0",
        costs="plant,unit_cost\nW1,5\nW3,1",
        expansions="option,plant,added_units,fixed_cost,first_period\nopen-W3,W3,10,100,2",
    )
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "Total cost: 100 USD" in lines
    assert "Option open-W3 (W3, +10 units): not built" in lines
    i = lines.index("Binding capacities (shadow price = USD saved per extra unit):")
    assert lines[i + 1 : i + 3] == [
        "  W3 (total) 1: no line (max_units 0); one unit of capacity would save 4.00",
        "  W3 (total) 2: not built (option open-W3); one unit of capacity would save 4.00",
    ]
