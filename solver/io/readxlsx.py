"""Read a case kept as one Excel workbook: one sheet per input file, named like the file.

Sheet ``plants`` holds what ``plants.csv`` would (``demand``, ``capacity``, ... likewise,
matched without regard to case or surrounding spaces). Each sheet becomes rows of text
cells for ``readcsv.raw_from_records`` and ``parse_raw``, so a workbook passes exactly the schema and rules
of a folder of CSV files, and nothing after the reader knows the format.

- A cell typed as a number stays that number: it is passed on in its shortest exact
  form with a ``.`` decimal mark, never through a locale.
- A formula is read by the value Excel saved with it; a formula without one (a workbook
  written by a program and never opened in Excel) is an input error.
- Dates, Excel error values (``#DIV/0!``), merged cells and hidden sheets are input errors
  with a message that says what to do.
Every problem names the workbook, the sheet, the row number Excel shows and the column.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from solver.errors import Collector
from solver.io.readcsv import parse_raw, raw_from_records
from solver.io.schema import FileSpec

SUFFIXES = (".xlsx", ".xlsm")


def is_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def sheet_name(spec: FileSpec) -> str:
    return spec.name.removesuffix(".csv")


def number_text(v: float | int) -> str:
    """The shortest text that reads back as exactly this number."""
    if isinstance(v, int):
        return str(v)
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(float(v))


MAX_UNZIPPED = 1 << 30  # bytes a workbook may declare it holds once unzipped (1 GiB)
MAX_RATIO = 200  # and at most this many times its size on disk (Excel's own files: about 5 to 20)


def refuse_workbook(path: Path) -> str | None:
    """Why a workbook is refused before any of it is parsed, from its first bytes and the sizes its zip
    directory declares (a zip bomb stops here in milliseconds); None when it may be opened."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None  # opening reports it
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: what Excel writes for a password
        return (
            "is password-protected (encrypted), or an old .xls saved as .xlsx: open it in Excel and save a "
            "copy without a password (File > Info > Protect Workbook) as 'Excel Workbook (*.xlsx)'"
        )
    try:
        with zipfile.ZipFile(path) as z:
            declared = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        return None  # opening reports it, in openpyxl's words
    on_disk = max(path.stat().st_size, 1)
    if declared > MAX_UNZIPPED or declared > MAX_RATIO * max(on_disk, 1 << 20):
        return (
            f"declares {declared / 2**20:,.0f} MB once unzipped from {on_disk / 2**20:,.1f} MB on disk, more than "
            f"a case workbook holds (at most {MAX_UNZIPPED >> 20:,} MB, or {MAX_RATIO} times its size): it was "
            "not opened (a damaged file, or a zip bomb); save the case again from Excel"
        )
    return None


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


class CaseWorkbook:
    """An opened workbook; ``read`` returns one sheet as the CSV reader would return its file."""

    def __init__(self, path: Path, out: Collector):
        import openpyxl
        from defusedxml import DefusedXmlException
        from openpyxl.utils.exceptions import InvalidFileException

        self.path, self.label = path, path.name
        self.ok = False
        refused = refuse_workbook(path)
        if refused:
            out.error(self.label, 0, "", "", refused)
            return
        try:
            self.book = openpyxl.load_workbook(path, data_only=True)  # merged cells need the full model
            formulas = openpyxl.load_workbook(path, data_only=False)  # sparse cells: see _rows
        except FileNotFoundError:
            out.error(self.label, 0, "", "", "is not a case: no such workbook")
            return
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError) as exc:
            # SyntaxError: XML that is not well formed (xml.etree's ParseError is one)
            if any(isinstance(e, DefusedXmlException) for e in _chain(exc)):
                # openpyxl parses through defusedxml when it is installed (it is a dependency)
                out.error(
                    self.label,
                    0,
                    "",
                    "",
                    "holds XML that declares entities: Excel never writes that, and "
                    "it is how billion-laughs and external-entity (XXE) attacks work; it was not read: save "
                    "the case again from Excel",
                )
                return
            out.error(
                self.label,
                0,
                "",
                "",
                f"cannot be read as an Excel workbook (.xlsx): {exc}; save it from Excel as 'Excel Workbook (*.xlsx)'",
            )
            return
        self.sheets = {name.strip().lower(): name for name in self.book.sheetnames}
        folded: dict[str, list[str]] = {}
        for name in self.book.sheetnames:
            folded.setdefault(name.strip().lower(), []).append(name)
        for key, names in folded.items():
            if len(names) > 1:
                out.error(
                    self.label,
                    0,
                    "",
                    "",
                    "has sheets " + " and ".join(repr(n) for n in names) + " that both "
                    f"read as sheet {key} (case and blanks around a name do not count): rename or delete "
                    "all but one",
                )
        # Formula cells, to tell "no saved value" from a blank cell (from the cells the sheet holds,
        # not its used range: see _rows).
        self.formula_cells = {name: set(_formula_positions(formulas[name])) for name in formulas.sheetnames}
        formulas.close()
        self.ok = True

    def place(self, spec: FileSpec) -> str:
        return f"{self.label}, sheet {self.sheets.get(sheet_name(spec), sheet_name(spec))}"

    def has(self, spec: FileSpec) -> bool:
        return sheet_name(spec) in self.sheets

    def unused_sheets(self, specs) -> list[str]:
        known = {sheet_name(s) for s in specs}
        return [name for key, name in self.sheets.items() if key not in known]

    def read(self, spec: FileSpec, out: Collector) -> pd.DataFrame | None:
        name = spec.name  # problems are filed under the CSV name; the collector shows the sheet
        ws = self.book[self.sheets[sheet_name(spec)]]
        if ws.sheet_state != "visible":
            out.error(
                name,
                0,
                "",
                "",
                "is a hidden sheet: unhide it (right-click a sheet tab > Unhide) "
                "or delete it; plantsplit does not read data you cannot see",
            )
            return None
        rows = _rows(ws, self.formula_cells.get(ws.title, set()))
        header = (
            [c.value.strip().lower() if c is not None and isinstance(c.value, str) else "" for c in rows[0]]
            if rows
            else []
        )
        if not any(header):
            out.error(
                name,
                0,
                "",
                "",
                "has no header in row 1 (it needs " + ", ".join(c.name for c in spec.columns if c.required) + ")",
            )
            return None

        def column(col: int) -> str:
            from openpyxl.utils import get_column_letter

            h = header[col - 1] if col <= len(header) else ""
            return h or f"{get_column_letter(col)} (no header)"

        merged = sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
        for rng in merged:
            out.error(
                name,
                rng.min_row,
                column(rng.min_col),
                "",
                f"cells {rng.coord} are merged: unmerge them and type the value in every cell",
            )
        if merged:
            return None
        formulas = self.formula_cells.get(ws.title, set())
        kinds = {c.name: c.kind for c in spec.columns}
        records = []
        for row in rows:
            records.append([self._text(c, formulas, name, column, kinds, out) for c in row])
        raw = raw_from_records(records, spec, out)
        return parse_raw(raw, ".", out) if raw is not None else None  # number cells: "." always

    @staticmethod
    def _text(cell, formulas, name, column, kinds, out) -> str:
        if cell is None:
            return ""
        v = cell.value
        where = (name, cell.row, column(cell.column))
        if v is None:
            if (cell.row, cell.column) in formulas:
                out.unreadable_cell(
                    *where,
                    "",
                    (
                        "is a formula with no saved value (the workbook was written by a program and "
                        "never recalculated): open it in Excel and save it, or type the value"
                    ),
                )
            return ""
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, (int, float)):
            return number_text(v)
        if isinstance(v, (dt.datetime, dt.date, dt.time, dt.timedelta)):
            out.unreadable_cell(
                *where,
                shown_date(v),
                (
                    f"is a {'time' if isinstance(v, (dt.time, dt.timedelta)) else 'date'}; plantsplit expects "
                    f"{EXPECTED.get(kinds.get(where[2]), 'text or a number')} here: format the cell as Text "
                    "(Home > Number > Text) and type the value again"
                ),
            )
            return ""
        if cell.data_type == "e":
            out.unreadable_cell(*where, v, "is an Excel error value: fix the formula")
            return ""
        return str(v)


# What a column holds, in words, for the message about a date typed where it does not belong.
EXPECTED = {
    "period": "a period as text or a number (2012, or 2012-01 typed as text)",
    **{k: "a number" for k in ("units", "money", "rate", "share", "count", "positive", "latitude", "longitude")},
    **{k: "text" for k in ("name", "text", "currency", "basis")},
}


def shown_date(v) -> str:
    """A date or time cell as the user sees it: the date alone when it has no time of day."""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ", timespec="minutes")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _rows(ws, formulas: set) -> list:
    """The sheet's rows as lists of cells (None where a row has no cell), from the cells it holds: a
    sheet's used range is not read as a dense grid (one stray value at XFD1048576 would make it
    17 billion cells). ``rows[i]`` is spreadsheet row i + 1; a row without cells is ()."""
    cells = getattr(ws, "_cells", None)
    if cells is None:  # an openpyxl without the sparse map: the dense grid
        return [list(r) for r in ws.iter_rows(min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column)]
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), cell in cells.items():
        if cell.value is not None or (r, c) in formulas:
            by_row.setdefault(r, {})[c] = cell
    rows: list = [()] * max(by_row, default=0)
    for r, cols in by_row.items():
        rows[r - 1] = [cols.get(c) for c in range(1, max(cols) + 1)]
    return rows


def _formula_positions(ws) -> list[tuple[int, int]]:
    cells = getattr(ws, "_cells", None)
    if cells is None:
        return [(c.row, c.column) for row in ws.iter_rows() for c in row if getattr(c, "data_type", None) == "f"]
    return [pos for pos, c in cells.items() if c.data_type == "f"]
