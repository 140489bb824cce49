"""A case from DataFrames (Case.from_frames): the same checks and the same plan as its folder."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROGUE

from solver import Case, solve_case
from solver.errors import CaseError, UsageError

TABLES = ("plants", "demand", "capacity", "lanes", "costs", "fx", "tariffs", "expansions", "settings")


def rogue_frames() -> dict[str, pd.DataFrame]:
    return {
        t: pd.read_csv(ROGUE / f"{t}.csv", dtype=str, keep_default_na=False)
        for t in TABLES
        if (ROGUE / f"{t}.csv").exists()
    }


def test_the_rogue_case_from_frames_solves_to_the_folders_plan():
    folder = solve_case(ROGUE)
    frames = solve_case(Case.from_frames(rogue_frames(), name="rogue-2012"))
    assert frames.objective == pytest.approx(folder.objective, rel=1e-12)
    assert frames.plan.equals(folder.plan)


def test_records_and_numbers_as_numbers():
    # A makes at 10 and ships at 1 to m: 100 units cost 1,100 (by hand)
    case = Case.from_frames(
        {
            "plants": [{"plant": "A", "country": "X", "currency": "USD"}],
            "demand": pd.DataFrame({"market": ["m"], "product": ["p"], "period": [2020], "units": [100.0]}),
            "capacity": [{"plant": "A", "max_units": 500}],
            "lanes": [{"plant": "A", "market": "m", "freight_cost": 1}],
            "costs": [{"plant": "A", "unit_cost": 10}],
        }
    )
    assert solve_case(case).objective == pytest.approx(1100)


def test_every_check_of_a_folder_names_the_table_row_and_column():
    frames = rogue_frames()
    demand = frames["demand"].copy()
    demand.loc[1, "units"] = "-5"  # the DataFrame's second row: row 3 (the header is row 1)
    frames["demand"] = demand
    with pytest.raises(CaseError) as got:
        Case.from_frames(frames)
    assert 'table demand, row 3, column units: "-5" must be a number >= 0' in str(got.value)


def test_an_unknown_table_is_a_usage_error():
    with pytest.raises(UsageError, match="no table named 'plant'"):
        Case.from_frames({"plant": pd.DataFrame()})
