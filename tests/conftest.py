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


def _moved_to_slow() -> set[str]:
    """The node ids (or files) tests/slow.txt moves to ``make test-slow``."""
    listed = set()
    for line in (Path(__file__).parent / "slow.txt").read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            listed.add(entry)
    return listed


def pytest_collection_modifyitems(config, items):
    """Mark slow every test tests/slow.txt lists (by node id, or its whole file): make test leaves them to
    make test-slow, which CI runs too. A listed id that no longer exists is an error, so the list stays true."""
    listed = _moved_to_slow()
    seen = set()
    for item in items:
        for key in (item.nodeid, item.nodeid.split("::")[0]):
            if key in listed:
                item.add_marker(pytest.mark.slow)
                seen.add(key)
    collected_all = not config.args or config.args == ["tests"] or config.args == [str(Path(__file__).parent)]
    if collected_all and not config.getoption("keyword") and (missing := listed - seen):
        raise pytest.UsageError(f"tests/slow.txt lists tests that do not exist: {sorted(missing)[:5]}")
