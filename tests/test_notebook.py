"""A case edited in memory is checked again (Case.replace, dataclasses.replace) and never edited in place
unnoticed; short displays for a terminal and a notebook (repr and _repr_html_).

The hand case: plant A makes at 10, ships at 1, capacity 60; plant B makes at 12, ships free; demand 100.
A fills its 60 at 11 and B makes 40 at 12: cost 660 + 480 = 1,140. With demand 50, A makes all 50: 550.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import solver
from solver import Case
from solver.errors import CaseError, UsageError

TABLES = {
    "plants": [{"plant": "A", "country": "X", "currency": "USD"}, {"plant": "B", "country": "Y", "currency": "USD"}],
    "demand": [{"market": "m", "product": "p", "period": "1", "units": 100}],
    "capacity": [{"plant": "A", "max_units": 60}],
    "lanes": [{"plant": "A", "market": "m", "freight_cost": 1}, {"plant": "B", "market": "m", "freight_cost": 0}],
    "costs": [{"plant": "A", "unit_cost": 10}, {"plant": "B", "unit_cost": 12}],
}


@pytest.fixture
def case():
    return Case.from_frames(TABLES, name="hand")


def test_replace_checks_and_gives_a_new_case(case):
    half = case.replace(demand=pd.DataFrame({"market": ["m"], "product": ["p"], "period": ["1"], "units": [50]}))
    assert solver.solve_case(half).objective == pytest.approx(550.0)
    assert solver.solve_case(case).objective == pytest.approx(1140.0)  # the case itself never changed
    with pytest.raises(CaseError) as got:
        case.replace(demand=[{"market": "m", "product": "p", "period": "1", "units": -5}])
    assert 'table demand, row 2, column units: "-5" must be a number >= 0' in str(got.value)


def test_replace_of_settings_and_unknown_names(case):
    with pytest.raises(CaseError, match="has no exchange rate"):  # USD plants, EUR reporting, no fx table
        case.replace(currency="EUR")
    assert case.replace(discount_rate=0.1).discount_rate == pytest.approx(0.1)
    with pytest.raises(UsageError, match="no table or setting named 'demands'"):
        case.replace(demands=[])


def test_dataclasses_replace_is_checked_too(case):
    bad = case.demand.copy()
    bad.loc[0, "units"] = -5.0
    with pytest.raises(CaseError, match="table demand, row 2, column units"):
        dataclasses.replace(case, demand=bad)


def test_a_table_changed_in_place_is_refused_before_a_solve(case):
    case.demand.loc[0, "units"] = 1.0
    with pytest.raises(UsageError, match=r"case\.demand changed in place .* case\.replace\(demand="):
        solver.solve_case(case)


def test_a_case_is_frozen(case):
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.name = "other"


def test_short_displays(case):
    text = repr(case)
    assert text.splitlines()[0] == "Case hand"
    assert "2 plants, 1 market, 1 product, 1 period" in text
    run = solver.solve_case(case)
    text = repr(run)
    assert text.splitlines()[0] == "Run of hand: optimal"
    assert "cost: 1,140 USD" in text and "units: A 60, B 40" in text
    assert len(text.splitlines()) < 10 and len(text) < 600
    sw = solver.sweep_case(case, vary={"freight:A:m": [1, 3]})
    assert "scenarios: 2 (2 optimal)" in repr(sw) and "cost: 1,140 USD .. 1,200 USD" in repr(sw)
    be = solver.breakeven_case(case, "freight:A:m", 0, 5)
    assert "breakpoints: 1: 2" in repr(be)  # A's landed cost 10 + F meets B's 12 at F = 2


def test_html_display_escapes_names():
    tables = dict(TABLES)
    tables["plants"] = [{"plant": "<script>", "country": "X", "currency": "USD"}] + TABLES["plants"][1:]
    for key in ("capacity", "lanes", "costs"):
        tables[key] = [dict(r, plant="<script>") if r["plant"] == "A" else r for r in TABLES[key]]
    run = solver.solve_case(Case.from_frames(tables, name="esc"))
    page = run._repr_html_()
    assert "&lt;script&gt; 60" in page and "<script>" not in page
