"""Periods in natural order: numbers as numbers, also inside labels ("m9" < "m10")."""

from __future__ import annotations

import json

import pytest

from conftest import read

MONTHS = dict(
    plants="plant,country,currency\nA,X,USD",
    demand="market,product,period,units\nm,p,m10,1\nm,p,m9,10",
    capacity="plant,max_units\nA,100",
    lanes="plant,market,freight_cost\nA,m,1",
    settings="setting,value\ndiscount_rate,10%",
)


def test_labels_with_numbers_sort_as_numbers_and_discount_by_position(solve_case):
    # m9 is position 0 (d = 1), m10 position 1 (d = 1/1.1): 10 x 1 + 1 x 1 / 1.1 = 10.909091;
    # sorting the labels as text (m10 before m9) would give 10 / 1.1 + 1 = 10.090909.
    run = solve_case(**MONTHS)
    summary = json.loads((run.out_dir / "summary.json").read_text())
    assert summary["objective"] == pytest.approx(10 + 1 / 1.1, abs=0.005)
    assert read(run.out_dir, "supply.csv")["period"].tolist() == ["m9", "m10"]


def test_expansion_counts_following_periods_in_natural_order(solve_case):
    # The option adds 50 units from m9 on, i.e. in m9 and m10: both periods' 150 units
    # (capacity 100) are served, for 300 freight + the one charge of 100 (R = 0). Were m10
    # sorted first, it would come before the option and its 150 units could not be served.
    files = dict(
        MONTHS,
        settings="setting,value\ndiscount_rate,0",
        demand="market,product,period,units\nm,p,m10,150\nm,p,m9,150",
        expansions="option,plant,added_units,fixed_cost,first_period,lifetime_periods\nx,A,50,100,m9,1",
    )
    run = solve_case(**files)
    summary = json.loads((run.out_dir / "summary.json").read_text())
    assert summary["objective"] == pytest.approx(300 + 100, abs=0.005)
