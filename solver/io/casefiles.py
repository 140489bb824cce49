"""The files of a case, whatever their format: a folder of CSV files or one workbook, read into raw tables."""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import stat
from pathlib import Path

import pandas as pd

from solver.errors import Collector, UsageError
from solver.io.outdir import interrupted
from solver.io.readcsv import NUMERIC_KINDS, CsvOptions, read_tables
from solver.io.readparquet import parquet_name, read_parquet
from solver.io.readxlsx import CaseWorkbook, is_workbook
from solver.io.resources import check_reading
from solver.io.schema import FILES, LATER_COLUMNS, LATER_FILES, FileSpec


def case_name(source: Path) -> str:
    """rogue-2012 for inputs/rogue-2012/ and for rogue-2012.xlsx."""
    source = source.resolve()
    return source.stem if is_workbook(source) else source.name


def read_case_tables(source: Path, opts: CsvOptions, out: Collector) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """Every file of a case as typed tables (before the cross-file checks), and the names
    of the files present. Raises CaseError when a file cannot be used at all."""
    src = _source(source, opts, out)
    if isinstance(src, _Folder) and source.is_dir() and (broken := interrupted(source)):
        out.error(str(source), 0, "", "", broken.split(": ", 1)[1])  # a convert killed half-way: not a case
    out.raise_if_any()
    if isinstance(src, _Folder):  # before any file is held: its rows, counted, must fit when read
        check_reading(
            case_name(source),
            [src.folder / s.name for s in FILES if src.has(s) and not not_a_file(src.folder / s.name)],
        )
    unusable = False  # a file or required column is missing: cross-file checks would mislead
    present = [spec for spec in FILES if src.has(spec)]
    for spec in FILES:
        if spec.required and spec not in present:
            out.error(spec.name, 0, "", "", src.missing(spec))
            unusable = True
    read = src.read(present, out)
    tables: dict[str, pd.DataFrame] = {}
    for spec in FILES:
        key = spec.name[:-4]
        table = read.get(spec.name)
        tables[key] = table if table is not None else _empty(spec)
        if spec.name not in read:
            continue
        unusable |= table is None
        if table is not None and spec.required and len(table) == 0 and spec.name != "capacity.csv":
            out.error(spec.name, 0, "", "", "has a header but no rows")
            unusable = True
    if unusable:
        out.raise_if_any()
    return tables, set(read)


def content_digest(tables: dict[str, pd.DataFrame]) -> str:
    """sha256 of the case's content as read (typed values, schema column order), so a
    folder of CSV files, its workbook and its CSVs in another dialect share one digest."""
    h = hashlib.sha256()
    for spec in FILES:
        df = tables[spec.name[:-4]]
        if spec.name in LATER_FILES and not len(df):
            continue  # added later (schema.LATER_FILES): a case without it keeps its digest
        cols = given_columns(spec, df)
        h.update(spec.name.encode() + b"\0")
        h.update(df[cols].to_csv(index=False, lineterminator="\n").encode() + b"\0")
    return "sha256:" + h.hexdigest()


class _Folder:
    def __init__(self, folder: Path, opts: CsvOptions):
        self.folder, self.opts = folder, opts

    def has(self, spec) -> bool:  # present in any form: a folder is not "absent"
        return os.path.lexists(self.folder / spec.name) or os.path.lexists(self.folder / parquet_name(spec))

    def missing(self, spec) -> str:
        return f"is missing from {self.folder} (it is required)"

    def read(self, specs, out: Collector) -> dict[str, pd.DataFrame | None]:
        done: dict[str, pd.DataFrame | None] = {}  # Parquet tables, and files that cannot be read
        for spec in specs:
            parquet = self.folder / parquet_name(spec)
            if not os.path.lexists(parquet):
                continue
            if os.path.lexists(self.folder / spec.name):
                out.error(
                    spec.name,
                    0,
                    "",
                    "",
                    f"is beside {parquet.name} in {self.folder}: keep one of them (each table is read from one file)",
                )
                done[spec.name] = None
                continue
            out.places[spec.name] = (parquet.name, parquet.name)
            what = not_a_file(parquet)
            if what:
                out.error(
                    spec.name, 0, "", "", f"exists in {self.folder} but is {what}, not a file plantsplit can read"
                )
                done[spec.name] = None
            else:
                done[spec.name] = read_parquet(parquet, spec, out)
        for spec in specs:
            if spec.name in done:
                continue
            what = not_a_file(self.folder / spec.name)
            if what:
                todo = "replace it with the CSV file" + (
                    "" if spec.required else ", or remove it (the file is optional)"
                )
                out.error(
                    spec.name,
                    0,
                    "",
                    "",
                    f"exists in {self.folder} but is {what}, not a file plantsplit can read: {todo}",
                )
                done[spec.name] = None
        read = read_tables([(s, self.folder / s.name) for s in specs if s.name not in done], self.opts, out)
        return {**read, **done}


def not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is there but not a regular file (a link is followed); None for a file."""
    if path.is_symlink() and not path.exists():
        return f"a symbolic link to {os.readlink(path)}, which does not exist"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class _Workbook:
    def __init__(self, book: CaseWorkbook):
        self.book = book

    def has(self, spec) -> bool:
        return self.book.has(spec)

    def missing(self, spec) -> str:
        return (
            "is missing: the workbook has no sheet of that name (it is required; its sheets: "
            + ", ".join(self.book.sheets.values())
            + ")"
        )

    def read(self, specs, out: Collector) -> dict[str, pd.DataFrame | None]:
        return {spec.name: self.book.read(spec, out) for spec in specs}


def _source(source: Path, opts: CsvOptions, out: Collector):
    if is_workbook(source) and (source.exists() or source.is_symlink()) and (what := not_a_file(source)):
        out.error(str(source), 0, "", "", f"is {what}, not an .xlsx workbook plantsplit can read")
        return _Folder(source, opts)
    if is_workbook(source):
        book = CaseWorkbook(source, out)
        if book.ok:
            for spec in FILES:
                sheet = book.place(spec).rsplit(", ", 1)[1]
                out.places[spec.name] = (book.place(spec), sheet)
            for name in book.unused_sheets(FILES):
                out.warn(book.label, 0, "", "", f"sheet {name} is not used by plantsplit and is ignored")
        return _Workbook(book)
    if source.is_file() and source.suffix.lower() == ".xls":
        out.error(str(source), 0, "", "", "is an old-format Excel file (.xls): save it as .xlsx")
    elif not source.is_dir():
        out.error(str(source), 0, "", "", "is not a case folder (no such directory) nor an .xlsx workbook")
    else:
        misnamed(source, out)
    return _Folder(source, opts)


def misnamed(folder: Path, out: Collector) -> None:
    """A file whose name is one of the case's but for case, blanks or a letter (Costs.csv, tariffs.CSV,
    'fx.csv ', setting.csv) would be silently absent: an error naming both, unless the right one is there."""
    from difflib import get_close_matches

    names = {spec.name for spec in FILES}
    try:
        entries = [p.name for p in folder.iterdir()]
    except OSError:
        return
    for entry in sorted(set(entries) - names):
        folded = entry.strip().lower()
        match = folded if folded in names else next(iter(get_close_matches(folded, names, n=1, cutoff=0.85)), None)
        if match and match not in entries:
            out.error(
                entry,
                0,
                "",
                "",
                f"is not read: plantsplit reads {match} (file names are exact: lower case, "
                f"no blanks); rename it to {match}, or move it out of {folder}",
            )


def _empty(spec) -> pd.DataFrame:
    cols = {"row": pd.Series(dtype="int64")}
    for c in spec.columns:
        numeric = c.kind in NUMERIC_KINDS
        cols[c.name] = pd.Series(dtype=float if numeric else object)
    return pd.DataFrame(cols)


DEFAULT_CASE = "rogue-2012"


def shipped_case(name: str) -> Path:
    """The case folder ``name`` shipped inside the package (inputs/ is installed as solver.cases)."""
    try:
        return Path(str(importlib.resources.files("solver.cases") / name))
    except ModuleNotFoundError:  # an editable install maps no solver.cases: the checkout's inputs/
        return Path(__file__).resolve().parents[2] / "inputs" / name


def default_case_dir() -> Path:
    """inputs/rogue-2012 of the working folder if present, else the copy shipped in the package."""
    local = Path("inputs") / DEFAULT_CASE
    if (local / "demand.csv").is_file():
        return local
    shipped = shipped_case(DEFAULT_CASE)
    if not (shipped / "demand.csv").is_file():
        raise UsageError(
            f"no CASE given, and neither {local}/ here nor a copy shipped with plantsplit was "
            "found: give the case folder, e.g. plantsplit solve inputs/rogue-2012"
        )
    return shipped


def given_columns(spec: FileSpec, df) -> list[str]:
    """The file's columns, less those added later (LATER_COLUMNS) that no row of ``df`` gives."""
    later = LATER_COLUMNS.get(spec.name, ())
    return [
        c.name
        for c in spec.columns
        if c.name not in later or bool((df[c.name].notna() & (df[c.name].astype(str) != "")).any())
    ]
