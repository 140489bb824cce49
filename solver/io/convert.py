"""``plantsplit convert SOURCE DEST``: a case folder of CSV files <-> one .xlsx workbook.

Both directions go through the reader (``case.read_tables``), so what is written is the
case as plantsplit reads it: every schema column of every file present, numbers as
numbers (a workbook cell is a number cell; a CSV cell the shortest text that reads back
as exactly that number), text as text. The digest of the case's content
(``case.content_digest``, ``summary.json`` ``inputs_digest``) is the same on both sides,
so the plans are too. Columns plantsplit does not use and sheets not named after an
input file are not carried over.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from solver.errors import Collector, UsageError
from solver.io.comments import guard_first_cell
from solver.io.casefiles import content_digest, given_columns, read_case_tables
from solver.io.folders import write_outputs
from solver.io.output import PLAIN, CsvStyle, guard_text
from solver.io.temporary import scratch_dir, write_all
from solver.io.readcsv import NUMERIC_KINDS, CsvOptions
from solver.io.readxlsx import is_workbook, number_text, sheet_name
from solver.io.schema import FILES, FileSpec

PERCENT = ("rate", "share")  # shown as % in a workbook


def convert(
    source: str | Path, dest: str | Path, opts: CsvOptions | None = None, style: CsvStyle = PLAIN
) -> tuple[str, list[str]]:
    """Write SOURCE's case to DEST; returns the content digest and the files or sheets written."""
    source, dest = Path(source), Path(dest)
    if dest.is_symlink():
        raise UsageError(f"{dest} is a symbolic link: choose a new name (convert never overwrites)")
    for folder in dest.parents:  # the nearest existing one must be a folder
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise UsageError(f"{dest}: {folder} is not a folder (a file or a broken link); choose another path")
            break
    if dest.exists() and (dest.is_file() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists: choose a new name (convert never overwrites)")
    if is_workbook(source) == is_workbook(dest):
        raise UsageError(
            "convert goes from a case folder to an .xlsx workbook or back: "
            f"{source} and {dest} are both {'workbooks' if is_workbook(dest) else 'folders'}"
        )
    out = Collector()
    tables, present = read_case_tables(source, opts or CsvOptions(), out)
    out.raise_if_any()  # a cell that cannot be read would be lost: refuse
    specs = [s for s in FILES if s.name in present]
    if is_workbook(dest):
        data = case_workbook_bytes({s.name: tables[s.name[:-4]] for s in specs})
        write_all(dest.parent if str(dest.parent) else Path("."), {dest.name: data})
        return content_digest(tables), [sheet_name(s) for s in specs]
    files = {s.name: case_csv_bytes(tables[s.name[:-4]], s, style) for s in specs}
    write_outputs(dest, "convert", files)  # all or nothing: a folder killed half-written is no case (casefiles)
    return content_digest(tables), list(files)


def _columns(spec: FileSpec, table: pd.DataFrame) -> list[str]:
    """The schema's columns, but those added later only where a row gives them (a case without them
    converts to the files it converted to before they existed)."""
    return given_columns(spec, table)


def case_csv_bytes(table: pd.DataFrame, spec: FileSpec, style: CsvStyle) -> bytes:
    """One input file. Text that a spreadsheet would run as a formula (a plant named ``=1+1``)
    is written ``'=1+1``, as every CSV plantsplit writes; the reader drops that quote again."""
    cols = _columns(spec, table)
    kinds = [spec.column(c).kind in NUMERIC_KINDS for c in cols]
    lines = [style.delimiter.join(cols) + "\n"]
    for rec in table[cols].itertuples(index=False, name=None):
        cells = []
        for j, (numeric, v) in enumerate(zip(kinds, rec, strict=False)):
            if numeric:
                text = "" if pd.isna(v) else number_text(float(v))
                cells.append(text.replace(".", style.decimal))
            else:
                text = guard_text(str(v))
                # a plant named '#1' in the first column is data, not a comment row (io.comments)
                cells.append(_quote(guard_first_cell(text) if j == 0 else text, style.delimiter))
        lines.append(style.delimiter.join(cells) + "\n")
    return style.encode("".join(lines))


def _quote(text: str, delimiter: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in delimiter + '"\n\r') else text


def case_workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per input file; numbers as number cells, rates formatted as %, text as text."""
    import xlsxwriter

    from solver.io.output import XLSX_DATE

    with scratch_dir("case") as tmp:
        path = os.path.join(tmp, "case.xlsx")
        wb = xlsxwriter.Workbook(
            path, {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "tmpdir": tmp}
        )
        wb.set_properties({"title": "plantsplit case", "author": "plantsplit", "created": XLSX_DATE})
        head = wb.add_format({"bold": True})
        rate = wb.add_format({"num_format": "0.00##%"})
        for name, table in tables.items():
            spec = next(s for s in FILES if s.name == name)
            ws = wb.add_worksheet(sheet_name(spec))
            ws.freeze_panes(1, 0)
            for j, col in enumerate(spec.column(c) for c in _columns(spec, table)):
                ws.write_string(0, j, col.name, head)
                ws.set_column(j, j, max(12, len(col.name) + 2), rate if col.kind in PERCENT else None)
                for i, v in enumerate(table[col.name], start=1):
                    if col.kind in NUMERIC_KINDS:
                        if not pd.isna(v):
                            ws.write_number(i, j, float(v), rate if col.kind in PERCENT else None)
                    elif v != "":
                        ws.write_string(i, j, str(v))
        try:
            wb.close()
            with open(path, "rb") as fh:
                return fh.read()
        except Exception as exc:  # a full temporary folder
            from solver.io.outdir import scratch_failure

            failure = scratch_failure(exc, Path(tmp))
            if failure is None:
                raise
            raise failure from None
