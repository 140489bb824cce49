"""Helpers: write tiny case folders from inline CSV text and solve them for real."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from solver.pipeline.run import run_solve

ROOT = Path(__file__).resolve().parents[1]
ROGUE = ROOT / "inputs" / "rogue-2012"


def write_case(folder: Path, **files: str) -> Path:
    """write_case(tmp, plants="plant,country,currency\\nA,X,USD", ...) -> folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
    return folder


def read(out: Path, name: str) -> pd.DataFrame:
    text = {"period": str, "product": str, "plant": str, "market": str, "agreement": str, "option": str}
    df = pd.read_csv(out / name, dtype=text)
    for col in set(text) & set(df.columns):
        df[col] = df[col].fillna("")
    return df


@pytest.fixture
def solve_case(tmp_path):
    """Solve a tiny case given as CSV texts; returns the Run."""
    count = [0]

    def _solve(solver="highs", currency=None, relax=False, time_limit=None, discount_rate=None, **files):
        count[0] += 1
        case = write_case(tmp_path / f"case{count[0]}", **files)
        return run_solve(
            case,
            tmp_path / f"out{count[0]}",
            solver=solver,
            currency=currency,
            relax=relax,
            time_limit=time_limit,
            discount_rate=discount_rate,
        )

    return _solve
