"""Slips a spreadsheet user makes that plantsplit would otherwise read quietly one way:
a misspelt column name (an error, not an ignored column) and a duty rate written as a
percentage without its % sign (a warning: rates above 100% exist)."""

from __future__ import annotations

from click.testing import CliRunner

from solver import load_case
from solver.cli import cli

from conftest import write_case

CASE = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,60\nB,60",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,2",
    costs="plant,unit_cost\nA,10\nB,10",
)


def validate(case):
    return CliRunner().invoke(cli, ["validate", str(case)])


def test_a_misspelt_optional_column_is_an_error_not_an_unlimited_plant(tmp_path):
    # max_unit was read as an extra column: no limit held, and the plan put 100 units on A.
    case = write_case(tmp_path / "c", **dict(CASE, capacity="plant,max_unit\nA,60\nB,60"))
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: 1 problem in the case:",
        '  - capacity.csv, row 1, column max_unit: "max_unit" is not a column of capacity.csv; '
        'did you mean "max_units"?',
        "No output was written.",
    ]
    assert not (tmp_path / "out").exists()


def test_spacing_and_case_slips_are_caught_too(tmp_path):
    # header cells are lowercased first: "Max Units" is "max units", 0.89 similar to max_units
    case = write_case(tmp_path / "c", **dict(CASE, lanes="plant,market,freight_cost,Max Units\nA,m,1,50\nB,m,2,"))
    r = validate(case)
    assert r.exit_code == 2
    assert (
        '  - lanes.csv, row 1, column max units: "max units" is not a column of lanes.csv; did you mean "max_units"?'
    ) in r.stderr.splitlines()


def test_unrelated_extra_columns_stay_warnings(tmp_path):
    case = write_case(tmp_path / "c", **dict(CASE, capacity="plant,max_units,notes,comment\nA,60,old line,\nB,60,,x"))
    r = validate(case)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:2] == [
        'Warning: capacity.csv, row 1, column notes: "notes" column is not used by plantsplit and is ignored',
        'Warning: capacity.csv, row 1, column comment: "comment" column is not used by plantsplit and is ignored',
    ]


def test_a_close_column_beside_the_real_one_is_a_warning(tmp_path):
    # max_units_2 is 0.9 similar to max_units, but max_units is there: it is no misspelling
    case = write_case(tmp_path / "c", **dict(CASE, capacity="plant,max_units,max_units_2\nA,60,70\nB,60,70"))
    r = validate(case)
    assert r.exit_code == 0, r.output
    assert (
        'Warning: capacity.csv, row 1, column max_units_2: "max_units_2" column is not used by plantsplit '
        "and is ignored"
    ) in r.stdout.splitlines()


TARIFFS = "origin,market,rate\nX,m,{a}\nY,m,{b}"


def test_a_tariff_rate_above_1_without_percent_sign_warns(tmp_path):
    case = write_case(tmp_path / "c", **dict(CASE, tariffs=TARIFFS.format(a="10", b="0.1")))
    r = validate(case)
    assert r.exit_code == 0, r.output
    assert [line for line in r.stdout.splitlines() if line.startswith("Warning")] == [
        'Warning: tariffs.csv, row 2, column rate: "10" is read as a rate of 1000% (a rate without a % sign '
        "is a fraction: 1 = 100%); if 10% is meant, write it as 0.1 or 10%"
    ]
    # what the warning says it is read as: 10 (1000%), and 0.1 (10%) as written
    assert load_case(case).tariffs["rate"].tolist() == [10.0, 0.1]


def test_rates_written_as_fractions_or_with_percent_do_not_warn(tmp_path):
    for a, b in (("10%", "0.1"), ("1", "250%"), ("0", "1.0")):
        case = write_case(tmp_path / f"c{a}{b}", **dict(CASE, tariffs=TARIFFS.format(a=a, b=b)))
        r = validate(case)
        assert r.exit_code == 0 and "Warning" not in r.output, (a, b, r.output)


def test_the_rate_hint_uses_the_files_decimal_mark(tmp_path):
    case = write_case(tmp_path / "c", **dict(CASE, tariffs="origin;market;rate\nX;m;12,5\nY;m;0,1"))
    r = validate(case)
    assert (
        'Warning: tariffs.csv, row 2, column rate: "12,5" is read as a rate of 1250% (a rate without a % '
        "sign is a fraction: 1 = 100%); if 12,5% is meant, write it as 0,125 or 12,5%"
    ) in r.stdout.splitlines()
    assert load_case(case).tariffs["rate"].tolist() == [12.5, 0.1]
