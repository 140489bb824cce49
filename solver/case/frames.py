"""A case from pandas DataFrames, checked as a case folder is (``Case.from_frames``).

Each table is written as the CSV file of its name into a scratch folder and read back by the same
reader and checks as ``plantsplit solve`` uses, so a DataFrame case can be nothing a folder could not
be: negative demand, an unknown plant, a duplicate row are the same errors, naming ``table demand,
row 3, column units`` (the header is row 1: the DataFrame's first row is row 2). Numbers are written
with every digit (``repr``), NaN and None as blank cells.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pandas as pd

from solver.errors import UsageError
from solver.io.schema import FILES
from solver.io.temporary import scratch_dir

NAMES = tuple(spec.name[:-4] for spec in FILES)


@contextlib.contextmanager
def frames_folder(tables, name: str = "case"):
    """The tables as a case folder of CSV files in a scratch folder, for ``load_case``:
    yields (folder, places) and removes the folder afterwards."""
    if not re.fullmatch(r"[\w .-]{1,64}", name) or name in (".", ".."):
        raise UsageError(f"Case.from_frames: name={name!r}: use letters, digits, blanks, - _ . (at most 64)")
    if not hasattr(tables, "items"):
        raise UsageError("Case.from_frames takes a dict of tables: {'plants': DataFrame, 'demand': ...}")
    unknown = [k for k in tables if k not in NAMES]
    if unknown:
        raise UsageError(
            f"Case.from_frames: no table named {', '.join(map(repr, unknown))} (the tables: {', '.join(NAMES)})"
        )
    places = {f"{k}.csv": (f"table {k}", f"table {k}") for k in NAMES}
    with scratch_dir("case") as tmp:
        folder = Path(tmp) / name
        folder.mkdir()
        for key, table in tables.items():
            (folder / f"{key}.csv").write_text(_csv(key, table), encoding="utf-8")
        yield folder, places


def _csv(key: str, table) -> str:
    df = table if isinstance(table, pd.DataFrame) else pd.DataFrame.from_records(list(table))
    if not isinstance(table, pd.DataFrame) and not len(df):
        raise UsageError(f"Case.from_frames: table {key} has no rows and so no columns; give a DataFrame")
    cols = [str(c) for c in df.columns]

    def cell(v) -> str:
        if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
            return ""
        if isinstance(v, float):  # numpy's too: every digit, as Python writes a float
            return repr(float(v))
        text = str(v)
        return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in ',"\n\r') else text

    lines = [",".join(cell(c) for c in cols)]
    lines += [",".join(cell(v) for v in row) for row in df.itertuples(index=False, name=None)]
    return "\n".join(lines) + "\n"


def case_tables(case) -> dict[str, pd.DataFrame]:
    """A case's tables as DataFrames of its files' columns (copies, without the ``row`` column), and its
    settings as a ``settings`` table: what ``Case.from_frames`` takes back."""
    out = {
        name: getattr(case, name).drop(columns="row", errors="ignore").reset_index(drop=True) for name in TABLE_NAMES
    }
    out["settings"] = pd.DataFrame(
        {"setting": ["currency", "discount_rate"], "value": [case.currency, case.discount_rate]}
    )
    return out


# the case's tables: one per input file but settings.csv, in the schema's order
TABLE_NAMES = tuple(f.name[:-4] for f in FILES if f.name != "settings.csv")


def fingerprint(case) -> tuple[tuple[str, str], ...]:
    """(table, hash of its contents) per table: ``Case.check_unchanged`` compares it to find a table
    changed in place after the case was checked."""
    import hashlib

    out = []
    for name in TABLE_NAMES:
        df = getattr(case, name)
        h = hashlib.blake2b(digest_size=16)
        h.update(repr((list(df.columns), [str(t) for t in df.dtypes])).encode())
        h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
        out.append((name, h.hexdigest()))
    return tuple(out)
