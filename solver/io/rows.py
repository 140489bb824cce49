"""A table's rows for code that reads them cell by cell: plain objects (``r.plant``) or dicts (``r["plant"]``),
each cell whatever pandas holds (str, float, ...), typed as such rather than as pandas' union of scalars."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pandas as pd


def rows_of(df: pd.DataFrame) -> list[SimpleNamespace]:
    """A table's rows as plain objects (``r.plant``); columns must be Python names."""
    return [SimpleNamespace(**{str(k): v for k, v in r.items()}) for r in df.to_dict("records")]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as dicts (``r["plant"]``)."""
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]
