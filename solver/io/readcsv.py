"""Read one CSV file of a case as a spreadsheet wrote it, into typed pandas columns.

Every cell is read as text, trimmed, then parsed per the schema (``schema.py``),
vectorised with pandas. Problems are collected, never raised one at a time.
A ``row`` column keeps the row number the spreadsheet shows (header = row 1).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from solver.errors import Collector
from solver.io import decimalmark
from solver.io.comments import drop_comments
from solver.io.output import unguard_text
from solver.io.numbers import parse_numbers
from solver.io.schema import FileSpec


@dataclass(frozen=True)
class CsvOptions:
    encoding: str = "utf-8-sig"
    delimiter: str | None = None  # None = detect from the header line
    decimal: str | None = None  # None = decided per file from its numbers (decimalmark.py)


NUMERIC_KINDS = ("units", "money", "rate", "positive", "share", "count", "latitude", "longitude")


@dataclass(frozen=True)
class RawTable:
    """A file's cells as trimmed text (known columns only), before any number is parsed."""

    spec: FileSpec
    rows: np.ndarray  # spreadsheet row of each record
    cells: pd.DataFrame
    delimiter: str = ","  # a ';' file may use a decimal comma, a ',' file cannot


def read_tables(paths: list[tuple[FileSpec, Path]], opts: CsvOptions, out: Collector) -> dict[str, pd.DataFrame | None]:
    """Read several files of one case: each file's rows (typed), or None when it cannot be used.

    Numbers are parsed once every file is read, because the decimal mark of a file that
    shows none is the one the case's other files agree on (see ``decimalmark``).
    """
    raw = {spec.name: read_raw(path, spec, opts, out) for spec, path in paths}
    numeric = {
        name: r.cells[[c.name for c in r.spec.columns if c.kind in NUMERIC_KINDS]].assign(row=r.rows)
        for name, r in raw.items()
        if r is not None
    }
    marks = decimalmark.decide(
        numeric, opts.decimal, out, groups={name: r.delimiter for name, r in raw.items() if r is not None}
    )
    return {
        name: (parse_raw(r, mark, out) if r is not None and (mark := marks[name]) else None) for name, r in raw.items()
    }


def read_table(path: Path, spec: FileSpec, opts: CsvOptions, out: Collector) -> pd.DataFrame | None:
    """Return the file's rows (typed) or None when the file cannot be used at all."""
    return read_tables([(spec, path)], opts, out)[spec.name]


def read_raw(path: Path, spec: FileSpec, opts: CsvOptions, out: Collector) -> RawTable | None:
    name = spec.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        out.error(name, 0, "", "", f"cannot be read ({exc.strerror})")
        return None
    encoding = _bom_encoding(raw) or opts.encoding  # a byte-order mark says what the file is
    if encoding == opts.encoding and (wide := _wide_without_bom(raw)):
        out.error(
            name,
            0,
            "",
            "",
            f"looks like {wide} text without a byte-order mark ("
            + ("every other byte is 0" if wide == "UTF-16" else "three bytes in four are 0")
            + "): save it as 'CSV UTF-8' from your spreadsheet (UTF-16 or UTF-32 with a byte-order mark "
            "is read too)",
        )
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        out.error(
            name,
            line,
            "",
            "",
            (
                f"is not valid {opts.encoding} text (byte 0x{raw[exc.start]:02x}); "
                "save it as 'CSV UTF-8' from your spreadsheet, or pass --encoding cp1252"
            ),
        )
        return None
    text = text.lstrip("\ufeff")
    if not text.strip():
        out.error(
            name,
            0,
            "",
            "",
            "is empty: it needs a header row (" + ", ".join(c.name for c in spec.columns if c.required) + ")",
        )
        return None
    delimiter = opts.delimiter or detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = drop_comments(list(reader))  # rows whose first cell starts with '#' are notes
    except csv.Error as exc:  # a cell over the csv module's limit (an unclosed quote swallows the file)
        if '"' in text:
            hint = 'a quote (") opened here is probably never closed; close it, or remove the stray quote'
        else:
            hint = (
                f"a cell longer than {csv.field_size_limit():,} characters (no line breaks or no "
                f"{delimiter!r} between values?): is this the case's CSV file?"
            )
        out.error(name, reader.line_num, "", "", f"cannot be read from this row on ({exc}): {hint}")
        return None
    table = raw_from_records(records, spec, out)
    if table is None:
        return None
    return dataclasses.replace(table, delimiter=delimiter, cells=_unguarded(table))


BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _bom_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32, told by its byte-order mark (Excel's 'Unicode Text' is UTF-16 with one)."""
    return next((enc for bom, enc in BOMS if raw.startswith(bom)), None)


def _wide_without_bom(raw: bytes) -> str | None:
    """ "UTF-32" or "UTF-16" when the first bytes look like one (zeros in 3 of 4, or 1 of 2, positions)."""
    head = raw[:400]
    if len(head) < 8:
        return None

    def zero(step, at):
        part = head[at::step]
        return part.count(0) > 0.9 * len(part)

    if sum(zero(4, k) for k in range(4)) >= 3:
        return "UTF-32"
    if zero(2, 0) or zero(2, 1):
        return "UTF-16"
    return None


def _unguarded(raw: RawTable) -> pd.DataFrame:
    """Text cells as typed: ``'=1+1`` (formula-like text, guarded as plantsplit writes it in
    every CSV, ``output.guard_text``) reads as ``=1+1``. CSV only: in a workbook such
    text is a text cell and needs no quote."""
    cells = raw.cells.copy()
    for col in raw.spec.columns:
        if col.kind in ("name", "text", "period"):
            values = cells[col.name]
            quoted = values.str.startswith("'")
            if quoted.any():
                cells[col.name] = values.where(~quoted, values[quoted].map(unguard_text))
    return cells


def raw_from_records(records: list[list[str]], spec: FileSpec, out: Collector) -> RawTable | None:
    """Text cells of a file's known columns; ``records[i]`` is the row the spreadsheet shows as i + 1.

    Shared by the CSV reader and the workbook reader (``readxlsx.py``), so both apply the
    same header rules and, through ``parse_raw``, the same schema.
    """
    name = spec.name
    header = [h.strip().lower() for h in records[0]]
    if header and header[0].startswith("#"):  # a note above the header: one clear error, not one per column
        want = ",".join(c.name for c in spec.columns if c.required)
        out.error(
            name, 1, "", records[0][0][:60], f"is a note (#...) in the first row: the header ({want},...) must be "
            "the first row; move the note below it"
        )  # fmt: skip
        return None
    while header and header[-1] == "":
        header.pop()  # blank trailing columns that spreadsheets leave
    known = {c.name for c in spec.columns}
    seen: set[str] = set()
    meant: set[str] = set()  # columns of the file that a misspelt header cell names
    for i, h in enumerate(header):
        if h in seen:
            out.error(name, 1, h, h, "column appears twice in the header")
        seen.add(h)
        if h == "":
            out.error(name, 1, f"#{i + 1}", "", "header cell is blank")
        elif h not in known:
            close = misspelt_column(h, spec, header)
            if close:
                meant.add(close)
                out.error(name, 1, h, h, f'is not a column of {name}; did you mean "{close}"?')
            else:
                out.warn(name, 1, h, h, "column is not used by plantsplit and is ignored")
    missing = [c.name for c in spec.columns if c.required and c.name not in seen]
    for m in missing:
        if m not in meant:  # already reported, at the header cell that misspells it
            out.error(name, 1, m, "", "required column is missing (the header has: " + ", ".join(header) + ")")
    if missing or meant:  # a misspelt column, read as absent, would only lead to misleading problems
        return None

    width = len(header)
    rows, numbers = [], []
    for i, rec in enumerate(records[1:], start=2):
        cells = [c.strip() for c in rec]
        if not any(cells):
            continue  # blank rows (often trailing) are not data
        extra = cells[width:]
        if any(extra):
            out.error(name, i, "", ",".join(extra), f"row has more cells than the header's {width} columns")
        cells = (cells + [""] * width)[:width]
        rows.append(cells)
        numbers.append(i)
    df = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    df = df.loc[:, [c for c in header if c in known and c != ""]]
    df = df.loc[:, ~df.columns.duplicated()]
    frame = pd.DataFrame(
        {
            col.name: (
                df[col.name].reset_index(drop=True).astype(str)
                if col.name in df.columns
                else pd.Series([""] * len(df), dtype=object)
            )
            for col in spec.columns
        }
    )
    return RawTable(spec, np.asarray(numbers, dtype=np.int64), frame)


MISSPELT_CUTOFF = 0.8  # difflib ratio from which an unknown column is taken for a misspelling


def misspelt_column(header_cell: str, spec: FileSpec, header: list[str]) -> str | None:
    """The column of ``spec`` that an unknown header cell most likely misspells, or None.

    Close means difflib's similarity ratio >= 0.8 (the rule of the "did you mean" hints on
    names): ``max_unit``, ``max units``, ``unitcost``, ``periods``. Only columns the header
    lacks count: beside a real ``max_units``, ``max_units_2`` is a column of notes.
    An unknown column that is close to none (``notes``, ``comment``) is ignored with a warning.
    """
    from difflib import get_close_matches

    absent = [c.name for c in spec.columns if c.name not in header]
    close = get_close_matches(header_cell, absent, n=1, cutoff=MISSPELT_CUTOFF)
    return close[0] if close else None


def parse_raw(raw: RawTable, decimal: str, out: Collector) -> pd.DataFrame:
    table = pd.DataFrame({"row": raw.rows})
    for col in raw.spec.columns:
        table[col.name] = _parse(raw.cells[col.name], col, raw.spec.name, table["row"], decimal, out)
    return table


def detect_delimiter(text: str) -> str:
    first = text.splitlines()[0]
    candidates = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(candidates, key=lambda d: candidates[d])
    return best if candidates[best] > 0 else ","


def _parse(values: pd.Series, col, file: str, rows: pd.Series, decimal: str, out: Collector) -> pd.Series:
    blank = values == ""
    if col.required:
        for i in np.flatnonzero(blank.to_numpy()):
            out.error(file, rows.iloc[i], col.name, "", "is blank but required")
    kind = col.kind
    if kind == "period":  # a period number is counted in (discounting): keep it to what a calendar needs
        long = values.str.fullmatch(r"[+-]?\d{10,}") | (values.str.len() > 64)
        for i in np.flatnonzero(long.to_numpy(bool)):
            out.error(
                file,
                rows.iloc[i],
                col.name,
                values.iloc[i][:40] + ("..." if len(values.iloc[i]) > 40 else ""),
                "is too long for a period: at most 9 digits (2012, 202401), or 64 characters of text",
            )
    if kind in ("name", "text", "period"):
        return values
    if kind == "currency":
        return values.str.upper()
    if kind == "basis":
        lowered = values.str.lower().where(~blank, "fob")
        for i in np.flatnonzero(~lowered.isin(["fob", "cif"]).to_numpy()):
            out.error(file, rows.iloc[i], col.name, values.iloc[i], "must be fob or cif")
        return lowered
    return parse_numbers(values, blank, col, file, rows, decimal, out)
