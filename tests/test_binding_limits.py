"""Binding minimum outputs, lane limits, tariff-rate quotas and sourcing shares: their value per
unit, worked out by hand, in the terminal, the Summary sheet and the files (lane_limits.csv,
quotas.csv)."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import read, write_case

TITLE = "Binding minimums, lane limits, quotas and shares, largest first (USD per unit):"
# two plants for one market of 100 units: A makes at 10, B at 12, no freight
TWO = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nM,p,1,100",
    costs="plant,unit_cost\nA,10\nB,12",
    capacity="plant,max_units\nA,\nB,",
    lanes="plant,market,freight_cost\nA,M,0\nB,M,0",
)


def solved(tmp_path, **changes):
    """Solve the case (TWO with ``changes``) with --xlsx; (terminal lines, out folder, Summary rows)."""
    case = write_case(tmp_path / "c", **{**TWO, **changes})
    out = tmp_path / "o"
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out), "--xlsx"])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out / "plan.xlsx")["Summary"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    return r.stdout.splitlines(), out, rows


def listed(lines: list[str]) -> list[str]:
    """The lines of the terminal's list of binding limits besides capacities."""
    i = lines.index(TITLE)
    end = next(j for j in range(i + 1, len(lines)) if not lines[j].startswith("  "))
    return lines[i + 1 : end]


def summary_block(rows) -> list[tuple]:
    """The Summary sheet's rows of the same list: (limit, period, limit units, value per unit, words)."""
    i = next(k for k, r in enumerate(rows) if r[0] == TITLE.rstrip(":"))
    assert rows[i + 1][:5] == ("limit", "period", "limit_units", "value_per_unit_USD", "in words")
    out = []
    for r in rows[i + 2 :]:
        if r[0] == "Units by plant and period":
            break
        out.append(r[:5])
    return out


def test_a_binding_minimum_output_costs_the_difference_per_unit(tmp_path):
    # Alone, A (10) would make all 100. B must make 40: 40 units at 12 instead of 10 cost
    # 2 each more (80 in all); one unit more of the minimum costs 2, one less saves 2.
    lines, out, rows = solved(tmp_path, capacity="plant,max_units,min_units\nA,,\nB,,40")
    assert listed(lines) == ["  the minimum output of B in 1 (40) costs 2.00 USD per unit"]
    assert "Total cost: 1,080 USD" in lines  # 60 x 10 + 40 x 12
    assert summary_block(rows) == [
        ("minimum output", "1", 40, 2, "the minimum output of B in 1 (40) costs 2.00 USD per unit")
    ]
    u = read(out, "utilization.csv").set_index("plant")
    assert u.loc["B", "min_shadow_price_USD"] == 2


def test_a_lane_limit_is_worth_the_difference_per_unit_and_is_written_to_lane_limits_csv(tmp_path):
    # A's lane carries at most 70, B makes the other 30 at 2 more each: one more unit of the
    # lane saves 2, one less costs 2.
    lines, out, rows = solved(tmp_path, lanes="plant,market,freight_cost,max_units\nA,M,0,70\nB,M,0,")
    assert listed(lines) == ["  the lane limit A to M in 1 (70) is worth 2.00 USD per unit"]
    assert summary_block(rows) == [
        ("lane limit", "1", 70, 2, "the lane limit A to M in 1 (70) is worth 2.00 USD per unit")
    ]
    lanes = read(out, "lane_limits.csv")
    assert list(lanes.columns) == [
        "row",
        "plant",
        "market",
        "product",
        "period",
        "units",
        "max_units",
        "utilization",
        "shadow_price_USD",
        "shadow_price_one_less_USD",
    ]
    assert lanes.iloc[0].tolist() == [2, "A", "M", "", "1", 70, 70, 1, 2, 2]
    assert not (out / "quotas.csv").exists()


def test_a_tariff_rate_quota_is_worth_the_duty_it_spares_per_unit(tmp_path):
    # A (country X) at 100 pays no duty on its first 60 units into M, 5% (5 a unit) beyond;
    # B at 103 pays none. A makes 60 (100 < 103), B 40 (103 < 105): a unit more of the quota
    # replaces a B unit by an A unit without duty, saving 103 - 100 = 3.
    lines, out, rows = solved(
        tmp_path,
        costs="plant,unit_cost\nA,100\nB,103",
        tariffs="origin,market,rate,up_to_units,agreement\nX,M,0%,60,FTA\nX,M,5%,,FTA",
    )
    words = "the FTA quota of X to M in 1 (tier 1: 60 units at 0%) is worth 3.00 USD per unit"
    assert listed(lines) == ["  " + words]
    assert summary_block(rows) == [("tariff-rate quota", "1", 60, 3, words)]
    q = read(out, "quotas.csv")
    assert list(q.columns) == [
        "row",
        "origin",
        "market",
        "product",
        "period",
        "agreement",
        "tier",
        "duty_rate",
        "up_to_units",
        "quota_units",
        "units",
        "shadow_price_USD",
        "shadow_price_one_less_USD",
    ]
    assert q.iloc[0].tolist() == [2, "X", "M", "p", "1", "FTA", 1, 0, 60, 60, 60, 3, 3]


@pytest.mark.parametrize(
    "rule, words",
    [
        # B must supply 30% of M: 30 units at 2 more each; one more unit required from B costs 2
        ("B,0.3,", "the minimum share of B in M in 1 (30%, shares.csv row 2) costs 2.00 USD per unit"),
        # A may supply at most half: 50 from B at 2 more each; one more allowed from A saves 2
        ("A,,50%", "the maximum share of A in M in 1 (50%, shares.csv row 2) is worth 2.00 USD per unit"),
    ],
)
def test_a_sourcing_share_is_worth_the_difference_per_unit(tmp_path, rule, words):
    lines, out, rows = solved(tmp_path, shares="market,plant,min_share,max_share\nM," + rule)
    assert listed(lines) == ["  " + words]
    family = "minimum share" if "minimum" in words else "maximum share"
    assert summary_block(rows) == [(family, "1", None, 2, words)]


def test_limits_are_listed_largest_first_and_stop_at_twenty(tmp_path):
    # 25 plants w1..w25 at 10 + i, each with a minimum of 1 unit, and C at 0 with room for the
    # rest: plant i's minimum costs (10 + i) - 0 per unit, w25's 35 the most.
    n = 25
    plants = "\n".join(f"w{i},X,USD" for i in range(1, n + 1))
    lines, _, rows = solved(
        tmp_path,
        plants="plant,country,currency\nC,X,USD\n" + plants,
        demand="market,product,period,units\nM,p,1,100",
        costs="plant,unit_cost\nC,0\n" + "\n".join(f"w{i},{10 + i}" for i in range(1, n + 1)),
        capacity="plant,max_units,min_units\nC,,\n" + "\n".join(f"w{i},,1" for i in range(1, n + 1)),
        lanes="plant,market,freight_cost\nC,M,0\n" + "\n".join(f"w{i},M,0" for i in range(1, n + 1)),
    )
    got = listed(lines)
    assert got[:2] == [
        "  the minimum output of w25 in 1 (1) costs 35.00 USD per unit",
        "  the minimum output of w24 in 1 (1) costs 34.00 USD per unit",
    ]
    assert got[19] == "  the minimum output of w6 in 1 (1) costs 16.00 USD per unit"
    assert got[20:] == ["  ... and 5 more (see utilization.csv)"]
    block = summary_block(rows)
    assert [b[4] for b in block[:20]] == [g.strip() for g in got[:20]]
    assert block[20][0] == "... and 5 more (see utilization.csv)"
