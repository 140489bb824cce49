"""A case file as Parquet (``plants.parquet`` beside or instead of ``plants.csv``), read through the same
header rules and schema as a CSV file or a workbook sheet (readcsv.raw_from_records, parse_raw).

Parquet keeps types: numbers become the shortest text that reads back as the same number, text stays
text, a missing value (null, NaN) is a blank cell, and a date or time where the schema wants text or a
number is an error naming its cell. Problems name ``plants.parquet, row 3, column units``: rows count the
header as row 1, as a CSV file's do, so the first row of data is row 2. Reading Parquet needs pyarrow
(``pip install 'plantsplit[parquet]'``); without it, a case with a Parquet file is an error saying so.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from solver.errors import Collector
from solver.io.readcsv import parse_raw, raw_from_records
from solver.io.readxlsx import EXPECTED, number_text
from solver.io.schema import FileSpec

SUFFIX = ".parquet"


def parquet_name(spec: FileSpec) -> str:
    return spec.name.removesuffix(".csv") + SUFFIX


def read_parquet(path: Path, spec: FileSpec, out: Collector) -> pd.DataFrame | None:
    """The file's rows, typed as a CSV file's would be, or None when it cannot be used."""
    name = spec.name  # problems are filed under the CSV name; the collector shows the Parquet file's
    try:
        import pyarrow.parquet as pq
    except ImportError:
        out.error(name, 0, "", "", "is a Parquet file: reading it needs pyarrow: pip install 'plantsplit[parquet]'")
        return None
    try:
        df = pq.read_table(path).to_pandas()
    except Exception as exc:  # pyarrow's errors for a file that is not Parquet, or is cut short
        out.error(name, 0, "", "", f"cannot be read as a Parquet file ({type(exc).__name__}: {exc})")
        return None
    kinds = {c.name: c.kind for c in spec.columns}
    header = [str(c) for c in df.columns]
    columns = [
        _texts(df.iloc[:, k], name, header[k], kinds.get(header[k].strip().lower()), out) for k in range(len(header))
    ]
    records = [header] + [list(r) for r in zip(*columns, strict=True)] if columns else [header]
    raw = raw_from_records(records, spec, out)
    return parse_raw(raw, ".", out) if raw is not None else None


def _texts(values: pd.Series, name: str, column: str, kind, out: Collector) -> list[str]:
    out_texts = []
    for i, v in enumerate(values.tolist()):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
            out_texts.append("")
        elif isinstance(v, bool):
            out_texts.append("TRUE" if v else "FALSE")
        elif isinstance(v, (int, float)):
            out_texts.append(number_text(v))
        elif isinstance(v, str):
            out_texts.append(v)
        elif hasattr(v, "isoformat"):  # a date, time or timestamp
            out.unreadable_cell(
                name,
                i + 2,
                column,
                str(v),
                f"is a date or time; plantsplit expects {EXPECTED.get(kind, 'text or a number')} here: "
                "store the column as text or numbers",
            )
            out_texts.append("")
        else:
            out_texts.append(str(v))
    return out_texts
