"""bench/orlib.py writes OR-Library's capa/capb/capc as plantsplit cases (checked by hand
against the raw file's first numbers; solving them is a benchmark, not a test)."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from solver.case.load import load_case

from conftest import ROOT


def _orlib():
    spec = importlib.util.spec_from_file_location("bench_orlib", ROOT / "bench" / "orlib.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", ["capa", "capb", "capc"])
def test_raw_files_have_100_warehouses_and_1000_customers(name):
    fixed, demand, cost = _orlib().read_instance(name)
    assert len(fixed) == 100 and len(demand) == 1000 and all(len(c) == 100 for c in cost)


@pytest.mark.slow  # writes a case of 100,000 lanes
def test_capa_as_a_case(tmp_path):
    # capa's first customer wants 56 units and serving all of it from warehouse 1 costs
    # 32,514.75907, so the lane w1->c1 costs 32,514.75907 / 56 = 580.62069768 per unit;
    # warehouse 1 opens for 2,141,200 with capacity 8,000 (capa's first instance).
    folder = _orlib().write_case("capa", 8000, tmp_path / "capa")
    lanes = pd.read_csv(folder / "lanes.csv")
    assert len(lanes) == 100_000
    assert lanes.iloc[0]["freight_cost"] == pytest.approx(32514.75907 / 56, rel=1e-15)
    ex = pd.read_csv(folder / "expansions.csv")
    assert ex.iloc[0].to_dict() == {
        "option": "open-w1",
        "plant": "w1",
        "added_units": 8000,
        "fixed_cost": 2141200.0,
        "first_period": 1,
    }
    case = load_case(folder)
    assert len(case.plants) == 100 and case.demand["units"].iloc[0] == 56
