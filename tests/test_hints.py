"""Every hint in an error message, followed literally, gives a correct case.

For each broken case whose message carries a hint, the hint is applied to the files as a
user would (parsed from the message the program prints, not from expected.txt), then
the case is solved. Hints that carry numbers (exchange rates) must give the right
numbers: the converted unit costs are checked against hand-worked values in a world
whose true rates are TRUTH. A new hint without an applier here fails
test_every_hint_has_an_applier.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.model import coefficients
from solver.cli import cli
from solver.pipeline.run import run_solve
from solver.io.readcsv import CsvOptions

from test_broken import CASES, assemble, expected

HINT = re.compile(r"add a |pass --|leave it blank|keep one|write it as|did you mean|give the other")
# The world's true exchange rates: units of each currency per 1 USD, by period.
TRUTH = {
    "USD": {"1": 1.0, "2": 1.0},
    "EUR": {"1": 0.9, "2": 0.95},
    "GBP": {"1": 0.8, "2": 0.8},
    "JPY": {"1": 150.0, "2": 150.0},
}


def _delimiter(path: Path) -> str:
    return ";" if ";" in path.read_text(encoding="utf-8").splitlines()[0] else ","


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=_delimiter(path)))


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=_delimiter(path), lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _where(msg: str) -> tuple[str, int, str]:
    m = re.match(r"\s*- (\S+\.csv), row (\d+)(?:, column (\w+))?", msg)
    return m.group(1), int(m.group(2)), m.group(3) or ""


def set_cell(case: Path, file: str, row: int, column: str, value: str) -> None:
    rows = _rows(case / file)
    rows[row - 1][rows[0].index(column)] = value
    _write(case / file, rows)


def add_row(case: Path, file: str, **cells: str) -> None:
    rows = _rows(case / file)
    rows.append([cells.get(h, "") for h in rows[0]])
    _write(case / file, rows)


def add_rate(case: Path, msg: str) -> list[str]:
    """'add a row (currency C, [period P, ]rate = C per 1 R[ × f ...])' or one row per period;
    'add a row (currency B, rate 1)[ and a row (currency R, rate = R per 1 B)]' for the quote base."""
    base = re.search(r"add a row \(currency (\w+), rate 1\)", msg)
    if base:
        add_row(case, "fx.csv", currency=base.group(1), rate="1")
        other = re.search(r"and a row \(currency (\w+), rate = \w+ per 1 (\w+)\)", msg)
        if other:
            cur, per = other.groups()
            add_row(case, "fx.csv", currency=cur, rate=f"{TRUTH[cur]['1'] / TRUTH[per]['1']:.12g}")
        return []
    cur, reporting = re.search(r"currency (\w+), (?:period \w+, )?rate = \w+ per 1 (\w+)", msg).groups()
    per_period = re.search(r"add a row for each period P of ([\w, ]+) \(", msg)
    if per_period:
        factors = dict((p, float(f)) for f, p in re.findall(r"([\d.]+) in period (\w+)", msg))
        for p in per_period.group(1).split(", "):
            rate = TRUTH[cur][p] / TRUTH[reporting][p] * factors.get(p, 1.0)
            add_row(case, "fx.csv", currency=cur, period=p, rate=f"{rate:.12g}")
        return []
    period = re.search(r"currency \w+, period (\w+), rate", msg)
    factor = re.search(r"per 1 \w+ × ([\d.]+)", msg)
    p = period.group(1) if period else "1"
    rate = TRUTH[cur][p] / TRUTH[reporting][p] * (float(factor.group(1)) if factor else 1.0)
    add_row(case, "fx.csv", currency=cur, period=period.group(1) if period else "", rate=f"{rate:.12g}")
    return []


def keep_one(case: Path, msg: str) -> list[str]:
    file, row, _ = _where(msg)
    rows = _rows(case / file)
    del rows[row - 1]
    _write(case / file, rows)
    return []


def leave_blank(case: Path, msg: str) -> list[str]:
    set_cell(case, *_where(msg), "")
    return []


def give_other_tiers_limits(case: Path, msg: str) -> list[str]:
    file, row, column = _where(msg)
    others = [int(r) for r in re.search(r"\(rows ([\d, ]+)\)", msg).group(1).split(", ") if int(r) != row]
    for r in others:
        set_cell(case, file, r, column, "50")
    return []


def add_lane(case: Path, msg: str) -> list[str]:
    market = re.search(r'column market: "(\w+)"', msg).group(1)
    add_row(case, "lanes.csv", plant="A", market=market, freight_cost="5", currency="USD")
    return []


def add_unmet_penalty(case: Path, msg: str) -> list[str]:
    set_cell(case, *_where(msg)[:2], "unmet_penalty", "500")
    return []


def write_as_decimal(case: Path, msg: str) -> list[str]:
    file, row, column = _where(msg)
    set_cell(case, file, row, column, re.search(r"write it as \S+ or ([\d.]+)", msg).group(1))
    return []


def use_suggestion(case: Path, msg: str) -> list[str]:
    set_cell(case, *_where(msg), re.search(r'did you mean "([^"]+)"', msg).group(1))
    return []


def pass_flag(case: Path, msg: str) -> list[str]:
    # the last "pass --x y" in the message, e.g. "pass --encoding cp1252", "--decimal ."
    flag, value = re.findall(r"(--\w+) (\S+?)[\s,)]", msg + " ")[-1]
    return [flag, value]


APPLIERS = {
    "currency_with_no_rate": [add_rate],
    "lane_currency_with_no_rate": [add_rate],
    "rate_missing_for_one_period": [add_rate],
    "rate_missing_used_many_times": [add_rate],
    "duplicate_demand_row": [keep_one],
    "duplicate_expansion_option": [keep_one],
    "duplicate_plant": [keep_one],
    "equal_specificity_costs": [keep_one],
    "equal_specificity_fx": [keep_one],
    "equal_specificity_lanes": [keep_one],
    "single_tier_with_limit": [leave_blank],
    "no_open_last_tier": [leave_blank],
    "two_open_tiers": [give_other_tiers_limits],
    "market_nobody_can_serve": [add_lane, add_unmet_penalty],
    "not_utf8_encoding": [pass_flag],
    "ambiguous_group_of_three": [write_as_decimal, pass_flag],
    "unknown_plant_in_lanes": [use_suggestion],
    "unknown_product_in_lanes": [use_suggestion],
    "misspelt_optional_column": [use_suggestion],
    "misspelt_required_column": [use_suggestion],
}
# Hand-worked checks of the numbers a hint leads to: (plant, period) -> unit production cost in USD.
UNIT_COST = {
    "currency_with_no_rate": {("B", "1"): 90 / 0.8, ("B", "2"): 90 / 0.8},  # 90 GBP at 0.8 GBP/USD
    "rate_missing_for_one_period": {("B", "1"): 90 / 0.9, ("B", "2"): 90 / 0.95},  # 90 EUR
    "rate_missing_used_many_times": {("B", "1"): 90 / 0.9, ("B", "2"): 90 / 0.95},
    "ambiguous_group_of_three": {("A", "1"): 100.0, ("A", "2"): 100.0},
    "misspelt_required_column": {("A", "1"): 100.0, ("B", "2"): 90 / 0.95},  # 90 EUR at 0.95 EUR/USD in 2
}


def unit_costs(run, plant: str, period: str) -> list[float]:
    """The distinct unit production costs (reporting currency) of a plant's arcs in a period."""
    arcs = coefficients.build(run.case).arcs
    return sorted(set(arcs[(arcs["plant"] == plant) & (arcs["period"] == period)]["unit_production_cost"]))


def problems(case: Path, args=()) -> list[str]:
    r = CliRunner().invoke(cli, ["validate", str(case), *args])
    return [line for line in r.stderr.splitlines() if line.startswith("  - ")]


def test_every_hint_has_an_applier():
    # The problems `validate` lists for each case of the corpus are the "  - " lines of its expected.txt
    # (tests/test_broken.py asserts exactly that for every case, in make test-slow), so they are read from there rather
    # than by validating the whole corpus a second time.
    with_hint = [name for name in CASES if any(HINT.search(p) for p in expected(name)[1] if p.startswith("  - "))]
    assert with_hint and set(with_hint) <= set(APPLIERS), set(with_hint) - set(APPLIERS)


def _hint_cases() -> list:
    """make test: every hint with hand-worked numbers and the first case of each kind of fix; make test-slow the
    rest (the same fix on another defect)."""
    seen: set = set()
    out = []
    for n, fs in APPLIERS.items():
        for a in fs:
            fast = n in UNIT_COST or a not in seen
            seen.add(a)
            out.append((n, a) if fast else pytest.param(n, a, marks=pytest.mark.slow))
    return out


@pytest.mark.parametrize("name, apply", _hint_cases(), ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_hint_followed_literally_solves(tmp_path, name, apply):
    case = assemble(name, tmp_path)
    found = [p for p in problems(case) if HINT.search(p)]
    assert len(found) == 1, found
    args = apply(case, found[0])
    opts = dict(zip(args[::2], args[1::2], strict=True))
    csv_opts = CsvOptions(encoding=opts.get("--encoding", "utf-8-sig"), decimal=opts.get("--decimal"))
    run = run_solve(case, tmp_path / "out", csv=csv_opts)
    assert run.solution.status.has_plan
    for (plant, period), cost in UNIT_COST.get(name, {}).items():
        assert unit_costs(run, plant, period) == pytest.approx([cost], rel=1e-12)


@pytest.mark.parametrize(
    "fx, a_cost",
    [
        ("currency,period,rate\nEUR,,0.9\nEUR,2,0.95\n", {"1": 100 * 0.9, "2": 100 * 0.95}),
        ("currency,period,rate\nEUR,,0.9\n", {"1": 100 * 0.9, "2": 100 * 0.9}),
    ],
)
def test_missing_rate_hint_with_another_reporting_currency(tmp_path, fx, a_cost):
    """--currency EUR on a case whose rates are quoted per USD: USD, the quote base, lacks a row.

    The hint is docs/input-reference.md's "list the quote base with rate 1". Plant A's 100 USD must
    then cost 100 x 0.9 = 90 EUR (0.95 in period 2 where the rate differs). An older hint
    (rate = USD per 1 EUR = 1/0.9) gave 81 EUR; the one before this (USD per 1 EUR x the
    rate of EUR) always came to 1, said in a roundabout way.
    """
    case = assemble("currency_with_no_rate", tmp_path)
    (case / "plants.csv").write_text("plant,country,currency\nA,X,USD\nB,Y,EUR\n", encoding="utf-8")
    (case / "fx.csv").write_text(fx, encoding="utf-8")
    found = problems(case, ["--currency", "EUR"])
    assert found == [
        '  - plants.csv, row 2, column currency: "USD" has no exchange rate in fx.csv for period 1, 2: '
        "add a row (currency USD, rate 1): the rates in fx.csv are quoted against USD, the case's "
        "currency; also used in lanes.csv row 2, lanes.csv row 3, expansions.csv row 2"
    ]
    add_rate(case, found[0])
    run = run_solve(case, tmp_path / "out", currency="EUR")
    for period, cost in a_cost.items():
        assert unit_costs(run, "A", period) == pytest.approx([cost], rel=1e-12)
        assert unit_costs(run, "B", period) == pytest.approx([90.0])  # B's costs are in EUR already


def test_quote_base_and_reporting_currency_both_missing(tmp_path):
    """--currency EUR when fx.csv has neither USD (its quote base) nor EUR: GBP 0.8 is per 1 USD.

    Adding only USD (rate = USD per 1 EUR) would read GBP's 0.8 per 1 EUR, so the hint asks
    for both rows. With USD 1 and EUR 0.9: A's 100 USD = 100 x 0.9 = 90 EUR, B's 90 GBP =
    90 x 0.9 / 0.8 = 101.25 EUR, in both periods (the rows have a blank period).
    """
    case = assemble("currency_with_no_rate", tmp_path)  # A in USD, B in GBP
    (case / "fx.csv").write_text("currency,period,rate\nGBP,,0.8\n", encoding="utf-8")
    found = problems(case, ["--currency", "EUR"])
    assert found == [
        '  - plants.csv, row 2, column currency: "USD" has no exchange rate in fx.csv for period 1, 2: '
        "add a row (currency USD, rate 1) and a row (currency EUR, rate = EUR per 1 USD): the rates "
        "in fx.csv are quoted against USD, the case's currency, and EUR needs a rate against it too; "
        "also used in lanes.csv row 2, lanes.csv row 3, expansions.csv row 2"
    ]
    add_rate(case, found[0])
    assert problems(case, ["--currency", "EUR"]) == []
    run = run_solve(case, tmp_path / "out", currency="EUR")
    for period in ("1", "2"):
        assert unit_costs(run, "A", period) == pytest.approx([90.0], rel=1e-12)
        assert unit_costs(run, "B", period) == pytest.approx([101.25], rel=1e-12)


def test_missing_rate_of_a_currency_that_is_not_the_quote_base(tmp_path):
    """--currency EUR, fx.csv quotes per USD and lists USD and EUR, GBP lacks a row: the
    rate asked for is GBP per 1 EUR x EUR's 0.9 = GBP per 1 USD = 0.8, so B's 90 GBP =
    90 x 0.9 / 0.8 = 101.25 EUR."""
    case = assemble("currency_with_no_rate", tmp_path)  # A in USD, B in GBP
    (case / "fx.csv").write_text("currency,period,rate\nUSD,,1\nEUR,,0.9\n", encoding="utf-8")
    found = problems(case, ["--currency", "EUR"])
    assert found == [
        '  - plants.csv, row 3, column currency: "GBP" has no exchange rate in fx.csv for period 1, 2: '
        "add a row (currency GBP, rate = GBP per 1 EUR × 0.9, the rate of EUR in fx.csv row 3); "
        "fx.csv quotes every rate against one base currency, and EUR is not it"
    ]
    add_rate(case, found[0])
    run = run_solve(case, tmp_path / "out", currency="EUR")
    for period in ("1", "2"):
        assert unit_costs(run, "B", period) == pytest.approx([101.25], rel=1e-12)
