"""Case files as Parquet (plants.parquet beside or instead of plants.csv): the same checks and plans as CSV.

The hand case: A makes at 10, ships at 1, capacity 60; B makes at 12, ships free; demand 100 -> A 60, B 40,
cost 60 x 11 + 40 x 12 = 1,140 (by hand)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from solver.pipeline.run import run_solve

from conftest import ROGUE, write_case

HAND = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,60",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "solver", *map(str, args)], capture_output=True, text=True)


def as_parquet(folder, name, df):
    (folder / f"{name}.csv").unlink(missing_ok=True)
    df.to_parquet(folder / f"{name}.parquet", index=False)


def test_rogue_with_parquet_files_solves_to_the_folders_plan(tmp_path):
    case = tmp_path / "rogue"
    shutil.copytree(ROGUE, case)
    for name in ("demand", "lanes", "tariffs"):
        as_parquet(case, name, pd.read_csv(ROGUE / f"{name}.csv", keep_default_na=False, dtype=str))
    a, b = run_solve(ROGUE, tmp_path / "a"), run_solve(case, tmp_path / "b")
    assert b.objective == pytest.approx(a.objective, rel=1e-12)
    assert (tmp_path / "a" / "plan.csv").read_bytes() == (tmp_path / "b" / "plan.csv").read_bytes()


def test_typed_columns_and_missing_values(tmp_path):
    case = write_case(tmp_path / "c", **HAND)
    # numbers as numbers, a null max_units (no lane limit), periods as integers
    as_parquet(
        case,
        "lanes",
        pd.DataFrame(
            {"plant": ["A", "B"], "market": ["m", "m"], "freight_cost": [1.0, 0.0], "max_units": [None, None]}
        ),
    )
    as_parquet(case, "demand", pd.DataFrame({"market": ["m"], "product": ["p"], "period": [1], "units": [100]}))
    run = run_solve(case, tmp_path / "o")
    assert run.objective == pytest.approx(1140.0)
    units = run.plan.groupby("plant")["units"].sum()
    assert units["A"] == pytest.approx(60.0) and units["B"] == pytest.approx(40.0)


def test_problems_name_the_parquet_file_row_and_column(tmp_path):
    case = write_case(tmp_path / "c", **HAND)
    as_parquet(
        case,
        "demand",
        pd.DataFrame({"market": ["m", "n"], "product": ["p", "p"], "period": ["1", "1"], "units": [100, -5]}),
    )
    r = cli("validate", case)
    assert r.returncode == 2
    assert 'demand.parquet, row 3, column units: "-5" must be a number >= 0' in r.stderr
    assert "Traceback" not in r.stderr


def test_a_date_where_a_number_belongs_names_its_cell(tmp_path):
    case = write_case(tmp_path / "c", **HAND)
    as_parquet(
        case,
        "demand",
        pd.DataFrame({"market": ["m"], "product": ["p"], "period": ["1"], "units": [dt.datetime(2012, 1, 1)]}),
    )
    r = cli("validate", case)
    assert r.returncode == 2 and "demand.parquet, row 2, column units" in r.stderr and "is a date" in r.stderr


def test_csv_and_parquet_of_one_table_and_a_broken_file(tmp_path):
    case = write_case(tmp_path / "c", **HAND)
    pd.read_csv(case / "costs.csv").to_parquet(case / "costs.parquet", index=False)
    r = cli("validate", case)
    assert r.returncode == 2 and "costs.csv: is beside costs.parquet" in r.stderr
    (case / "costs.parquet").unlink()
    (case / "costs.csv").unlink()
    (case / "costs.parquet").write_bytes(b"plant,unit_cost\nA,10\n")  # a CSV file named .parquet
    r = cli("validate", case)
    assert r.returncode == 2 and "cannot be read as a Parquet file" in r.stderr and "Traceback" not in r.stderr


def test_without_pyarrow_the_error_names_the_extra(tmp_path):
    case = write_case(tmp_path / "c", **HAND)
    as_parquet(case, "costs", pd.read_csv(case / "costs.csv"))
    code = "import sys; sys.modules['pyarrow'] = None; from solver.cli import main; sys.argv[0] = 'plantsplit'; main()"
    r = subprocess.run([sys.executable, "-c", code, "validate", str(case)], capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "pip install 'plantsplit[parquet]'" in r.stderr and "Traceback" not in r.stderr
