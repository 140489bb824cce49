"""plantsplit's own output files read back (compare, plot, report): any CSV style it writes, money
columns found by name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from solver.errors import UsageError
from solver.io.output import read_dialect


def read_csv(path: Path) -> pd.DataFrame:
    """An output CSV in any style plantsplit writes (',' or ';' with decimal comma, BOM or not)."""
    return pd.read_csv(
        path,
        **read_dialect(path),
        dtype={
            "period": str,
            "plant": str,
            "product": str,
            "market": str,
            "option": str,
            "component": str,
            "hub": str,
            "site": str,
            "close_from": str,
            "closed_from": str,
        },
        keep_default_na=False,
        na_values=[""],
    )


def column(df: pd.DataFrame, base: str, path: Path) -> str:
    """The column named ``base``, or ``base_<CUR>`` (money columns name their currency)."""
    for c in df.columns:
        suffix = c[len(base) + 1 :]
        if c == base or (c.startswith(base + "_") and suffix.isalpha() and suffix.isupper()):
            return c
    raise UsageError(f"{path}: no column {base!r} (is this a plantsplit output folder?)")


def need(folder: Path, name: str, kind: str) -> tuple[pd.DataFrame, Path]:
    """An output CSV of the folder and its path; a missing one is a usage error."""
    p = folder / name
    if not p.is_file():
        raise UsageError(f"{folder}: {name} is missing (is this a complete {kind} output folder?)")
    return read_csv(p), p
