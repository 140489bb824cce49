"""Number cells as the CSV writer spells them, worked out by hand (no solver involved)."""

from __future__ import annotations

import numpy as np

from solver.io.output import CSV_STYLES, format_number, format_numbers


def test_whole_numbers_fractions_blanks_and_limits():
    values = [1500.0, 2.5, 0.125, -0.0, -1e-9, float("nan"), None, 1e31, -2e30, 1e15, 1234567.891]
    assert format_numbers(values, 2) == [
        "1500",  # whole: no decimals
        "2.5",  # trailing zeros dropped
        "0.12",  # 0.125 is 0.12499999999999999722... in binary: rounds down
        "0",  # -0 is written 0
        "0",  # rounds to -0.00, written 0
        "",
        "",  # missing values are blank cells
        "1E+30",
        "-1E+30",  # Excel's infinity
        "1000000000000000",  # 1e15 keeps every digit (it used to lose its zeros)
        "1234567.89",
    ]


def test_whole_number_at_zero_decimals_keeps_its_zeros():
    assert format_number(1e15, 0) == "1000000000000000"
    assert format_number(2_000_000.4, 0) == "2000000"


def test_same_digits_as_python_rounding_for_many_values():
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.uniform(-1e6, 1e6, 2000), rng.integers(-1000, 1000, 500).astype(float)])
    for decimals in (0, 2, 3, 6):
        expected = []
        for v in values:
            r = round(float(v), decimals) + 0.0
            text = str(int(r)) if r == int(r) else f"{r:.{decimals}f}".rstrip("0").rstrip(".")
            expected.append(text)
        assert format_numbers(values, decimals) == expected


def test_decimal_comma_style():
    assert CSV_STYLES["excel-eu"].numbers([1234.5, 7.0, None], 2) == ["1234,5", "7", ""]


def test_one_value_and_a_column_spell_alike():
    values = [1500.0, 2.5, 0.125, -0.0, -1e-9, float("nan"), None, 1e31, -2e30, 1e15, 1234567.891, 7, True]
    for decimals in (0, 2, 6):
        assert [format_number(v, decimals) for v in values] == format_numbers(values, decimals)
