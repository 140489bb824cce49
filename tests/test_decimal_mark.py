"""Item: a number is read one way or the case stops (decimal mark decided per file).

tests/decimal/<ambiguity>/ holds files that overlay tests/broken/_base; each writes the
base case's numbers in a way a spreadsheet might, so each must give the base plan.
The ambiguous ones that must stop are in tests/broken/ (ambiguous_group_of_three,
two_decimal_marks_in_one_file).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.case.load import load_case
from solver.cli import cli

from conftest import ROOT, write_case
from test_broken import CORPUS, assemble

DECIMAL = ROOT / "tests" / "decimal"
FIXTURES = sorted(p.name for p in DECIMAL.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def base_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("base")
    r = CliRunner().invoke(cli, ["solve", str(CORPUS / "_base"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    return (out / "plan.csv").read_bytes()


def test_every_ambiguity_has_a_fixture():
    assert {
        "semicolon_file_with_decimal_point",
        "group_of_three_after_zero",
        "group_of_three_resolved_by_file",
        "group_of_three_resolved_by_case",
        "thousands_group_resolved_by_case",
    } <= set(FIXTURES)


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_reads_as_the_base_case(tmp_path, name, base_plan):
    case = assemble(name, tmp_path, corpus=DECIMAL)
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out" / "plan.csv").read_bytes() == base_plan
    assert "Warning" not in r.stderr


def test_the_reported_semicolon_file(tmp_path):
    # The user's fx.csv: ";"-delimited, "." decimals, values with three decimals.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nUS,US,USD\nMX,MX,MXN\nDE,DE,EUR",
        demand="market,product,period,units\nm,suv,2025,1\nm,suv,2026,1",
        capacity="plant,max_units\nUS,1",
        lanes="plant,market,freight_cost\nUS,m,0\nMX,m,0\nDE,m,0",
        costs="plant,unit_cost\nUS,40000\nMX,700000\nDE,30360",
        fx="currency;period;rate\nEUR;2025;0.920\nMXN;;18.500\nEUR;2026;0.92",
    )
    fx = load_case(case).fx
    assert fx["rate"].tolist() == [0.92, 18.5, 0.92]
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    # DE: 30,360 EUR / 0.92 = 33,000 USD a unit (not 33 USD) in both periods;
    # MX: 700,000 / 18.5 = 37,837.84; US 40,000.
    assert "Total cost: 66,000 USD" in r.output


@pytest.mark.parametrize("flag, cost", [(".", 100.0), (",", 100000.0)])
def test_decimal_flag_settles_an_ambiguous_case(tmp_path, flag, cost):
    case = assemble("ambiguous_group_of_three", tmp_path, corpus=CORPUS)
    from solver.io.readcsv import CsvOptions

    c = load_case(case, opts=CsvOptions(decimal=flag))
    assert c.costs.set_index("plant").loc["A", "unit_cost"] == cost


def test_a_group_that_starts_with_zero_is_never_thousands(tmp_path):
    # With a decimal comma declared, "0.920" cannot be 920: it is an error, not a number.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,1",
        capacity="plant,max_units\nA,1",
        lanes="plant,market,freight_cost\nA,m,0.920",
    )
    r = CliRunner().invoke(cli, ["validate", str(case), "--decimal", ","])
    assert r.exit_code == 2
    assert 'lanes.csv, row 2, column freight_cost: "0.920" must be a number >= 0' in r.stderr


def test_tenfold_jumps_are_warned_with_their_place(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,EUR",
        demand="market,product,period,units\nm,p,1,1\nm,p,2,1\nm,p,3,1\nm,q,1,1",
        capacity="plant,max_units\nA,10",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,product,period,unit_cost\nA,p,,100\nA,q,,1000.5\nB,p,1,90\nB,p,2,95\nB,p,3,8.5",
        fx="currency,period,rate\nEUR,1,0.9\nEUR,2,920\nEUR,3,0.95",
    )
    r = CliRunner().invoke(cli, ["validate", str(case)])
    assert r.exit_code == 0, r.output
    warnings = [line for line in r.output.splitlines() if line.startswith("Warning")]
    assert warnings == [  # by file, then row
        'Warning: capacity.csv, column plant: "B" is never named in capacity.csv: its production is unlimited in '
        "every period (add a row plant,max_units if that is not meant)",
        'Warning: costs.csv, row 3, column unit_cost: "1000.5" is more than 10x above the unit cost of plant A in '
        "row 2 (100): "
        "check the decimal mark and the unit",
        'Warning: costs.csv, row 6, column unit_cost: "8.5" is more than 10x below the unit cost of plant B in row 4 '
        "(90): "
        "check the decimal mark and the unit",
        'Warning: fx.csv, row 3, column rate: "920" is more than 10x above the rate of EUR in row 4 (0.95): '
        "check the decimal mark and the unit",
    ]


def test_a_comma_file_lends_no_decimal_mark_to_a_semicolon_file(tmp_path):
    # lanes.csv (","-delimited) shows "." as decimal mark in 2.5; costs.csv (";") holds only
    # 1.000, which a German Excel writes for one thousand. A ","-file cannot use a decimal
    # comma, so its "." says nothing about the ";"-file: 1.000 stays ambiguous and stops.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,US,USD",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\nA,100",
        lanes="plant,market,freight_cost\nA,m,2.5",
        costs="plant;product;period;unit_cost\nA;;;1.000",
    )
    r = CliRunner().invoke(cli, ["validate", str(case)])
    assert r.exit_code == 2
    assert (
        '  - costs.csv, row 2, column unit_cost: "1.000" is ambiguous: 1000 if "." groups thousands, '
        '1 if "." is the decimal mark'
    ) in r.stderr


def test_a_file_with_no_numbers_lends_no_decimal_mark(tmp_path):
    # Every file is ","-delimited; no number anywhere shows its mark, and demand.csv holds
    # 1.000 (one thousand, or one). plants.csv has no numbers at all: it is no evidence for
    # ".", so 1.000 must stop the case (it was once read as 1, because plants.csv, decided
    # first, "agreed" on ".").
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,US,USD",
        demand="market,product,period,units\nm,p,1,1.000",
        capacity="plant,max_units\nA,5000",
        lanes="plant,market,freight_cost\nA,m,2",
        costs="plant,unit_cost\nA,100",
    )
    r = CliRunner().invoke(cli, ["validate", str(case)])
    assert r.exit_code == 2, r.output
    assert (
        '  - demand.csv, row 2, column units: "1.000" is ambiguous: 1000 if "." groups thousands, '
        '1 if "." is the decimal mark'
    ) in r.stderr
    # one number that shows the mark anywhere in a ","-file settles it: 2.5 freight -> 1.000 is 1
    (case / "lanes.csv").write_text("plant,market,freight_cost\nA,m,2.5\n")
    assert load_case(case).demand["units"].tolist() == [1.0]
