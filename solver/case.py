"""A case: a folder of CSV files (or one workbook with a sheet per file), read, checked and frozen."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import checks, plausibility
from .errors import CaseError, Collector, Problem, in_file_order
from .readcsv import NUMERIC_KINDS, CsvOptions, read_tables
from .readxlsx import CaseWorkbook, is_workbook
from .schema import FILES

TABLES = ("plants", "demand", "capacity", "lanes", "costs", "fx", "tariffs", "expansions", "shares")


@dataclass(frozen=True)
class Case:
    """Typed, checked inputs. Every table keeps a ``row`` column (spreadsheet row)."""

    name: str
    folder: Path
    currency: str
    plants: pd.DataFrame
    demand: pd.DataFrame
    capacity: pd.DataFrame
    lanes: pd.DataFrame
    costs: pd.DataFrame
    fx: pd.DataFrame
    tariffs: pd.DataFrame
    expansions: pd.DataFrame
    shares: pd.DataFrame
    products: tuple[str, ...]
    periods: tuple[str, ...]
    digest: str
    warnings: tuple[Problem, ...] = field(default=())
    notes: tuple[Problem, ...] = field(default=())  # e.g. unlimited capacity: shown by `validate`
    discount_rate: float = 0.0  # per period; settings.csv or --discount-rate
    # where each file's rows are, for a workbook case: ("demand.csv", "case.xlsx, sheet demand")
    places: tuple[tuple[str, str], ...] = field(default=())

    @property
    def has_builds(self) -> bool:
        return len(self.expansions) > 0

    def cite(self, text: str) -> str:
        """A message in the words of the inputs, with the places of this case: a workbook
        case's ``demand.csv row 5`` becomes ``case.xlsx, sheet demand, row 5``."""
        for name, place in self.places:
            text = text.replace(f"{name} row", f"{place}, row")
        return text

    def period_order(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.periods)}

    def discount_factors(self) -> dict[str, float]:
        """d(t) per period: present value at the first period of one unit of money in t."""
        return discount_factors(self.periods, self.discount_rate)


def discount_factors(periods, rate: float) -> dict[str, float]:
    """d(t) = (1 + R)^-(t - t0) when every period label is an integer, else (1 + R)^-position."""
    if all(re.fullmatch(r"[+-]?\d+", p) for p in periods):
        t0 = int(periods[0]) if periods else 0
        steps = [int(p) - t0 for p in periods]
    else:
        steps = list(range(len(periods)))
    return {p: (1.0 + rate) ** -k for p, k in zip(periods, steps)}


def natural_key(name: str) -> str:
    """Natural order for names: w2 before w10 (digit runs compare as numbers)."""
    return re.sub(r"\d+", lambda m: m.group().rjust(24, "0"), str(name))


def natural_sorted(names) -> list:
    """Distinct names in natural order; names equal as numbers (w2, w02) then as text, so
    the order never depends on how the names came in."""
    return sorted(set(names), key=lambda n: (natural_key(n), str(n)))


def period_sort_key(p: str):
    """Natural order: numbers as numbers, then text with its digit runs read as numbers
    (``m9`` < ``m10``, ``2025q2`` < ``2025q10``)."""
    try:
        return (0, float(p), (), p)
    except ValueError:
        # re.split with a group alternates text and digits, so the parts compare pairwise
        parts = tuple(int(s) if i % 2 else s for i, s in enumerate(re.split(r"(\d+)", p)))
        return (1, 0.0, parts, p)


def load_case(source: str | Path, currency: str | None = None, opts: CsvOptions | None = None,
              discount_rate: float | None = None) -> Case:
    """Read and check every file of a case (a folder of CSV files or one .xlsx workbook);
    raise CaseError listing every problem.

    ``currency`` and ``discount_rate`` (command-line overrides) win over settings.csv;
    without either, the reporting currency is USD and the discount rate 0.
    """
    source = Path(source)
    out = Collector()
    tables, _ = read_case_tables(source, opts or CsvOptions(), out)
    digest = content_digest(tables)
    settings = checks.check_settings(tables["settings"], out)
    case_currency = (settings.get("currency") or "USD").strip().upper()
    currency = (currency or case_currency).strip().upper()
    if currency != case_currency:
        warn_reinterpreted(tables, currency, case_currency, out)
    rate = discount_rate if discount_rate is not None else settings.get("discount_rate", 0.0)
    # a blank (or unreadable) period is already reported: it is no period of the case
    periods = tuple(sorted(set(tables["demand"]["period"]) - {""}, key=period_sort_key))
    products = tuple(natural_sorted(tables["demand"]["product"]))
    tables = checks.check_all(tables, products, periods, currency, out, case_currency)
    plausibility.warn_jumps(tables, periods, out)
    out.raise_if_any()
    return Case(
        name=case_name(source),
        folder=source,
        currency=currency,
        products=products,
        periods=periods,
        digest=digest,
        warnings=tuple(in_file_order(out.warnings)),
        notes=tuple(in_file_order(out.notes)),
        discount_rate=float(rate),
        places=tuple((name, place) for name, (place, _) in out.places.items()),
        **{k: tables[k] for k in TABLES},
    )


def warn_reinterpreted(tables: dict[str, pd.DataFrame], currency: str, case_currency: str, out: Collector) -> None:
    """``--currency`` names another reporting currency than the case's: amounts that carry no
    currency of their own are then read in it, not converted. Say which, once."""
    lanes, exp, dem = tables["lanes"], tables["expansions"], tables["demand"]
    parts = []
    n = int((lanes["currency"] == "").sum())
    if n:
        parts.append(f"lanes.csv freight_cost with a blank currency ({n} row{'s' * (n != 1)})")
    n = int((exp["currency"] == "").sum())
    if n:
        parts.append(f"expansions.csv fixed_cost with a blank currency ({n} row{'s' * (n != 1)})")
    n = int(dem["unmet_penalty"].notna().sum())
    if n:
        parts.append(f"demand.csv unmet_penalty ({n} row{'s' * (n != 1)})")
    if parts:
        fix = (f" (write {case_currency} in those currency cells to keep them in {case_currency})"
               if any("blank currency" in p for p in parts) else "")
        out.warn("--currency", 0, "", currency,
                 f"is not the case's currency {case_currency} (settings.csv, or the default USD): "
                 f"{'; '.join(parts)} are read as {currency}, not converted from {case_currency}{fix}")


def case_name(source: Path) -> str:
    """rogue-2012 for inputs/rogue-2012/ and for rogue-2012.xlsx."""
    source = source.resolve()
    return source.stem if is_workbook(source) else source.name


def read_case_tables(source: Path, opts: CsvOptions, out: Collector) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """Every file of a case as typed tables (before the cross-file checks), and the names
    of the files present. Raises CaseError when a file cannot be used at all."""
    src = _source(source, opts, out)
    out.raise_if_any()
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
        cols = [c.name for c in spec.columns]
        h.update(spec.name.encode() + b"\0")
        h.update(tables[spec.name[:-4]][cols].to_csv(index=False, lineterminator="\n").encode() + b"\0")
    return "sha256:" + h.hexdigest()


class _Folder:
    def __init__(self, folder: Path, opts: CsvOptions):
        self.folder, self.opts = folder, opts

    def has(self, spec) -> bool:
        return (self.folder / spec.name).is_file()

    def missing(self, spec) -> str:
        return f"is missing from {self.folder} (it is required)"

    def read(self, specs, out: Collector) -> dict[str, pd.DataFrame | None]:
        return read_tables([(spec, self.folder / spec.name) for spec in specs], self.opts, out)


class _Workbook:
    def __init__(self, book: CaseWorkbook):
        self.book = book

    def has(self, spec) -> bool:
        return self.book.has(spec)

    def missing(self, spec) -> str:
        return ("is missing: the workbook has no sheet of that name (it is required; its sheets: "
                + ", ".join(self.book.sheets.values()) + ")")

    def read(self, specs, out: Collector) -> dict[str, pd.DataFrame | None]:
        return {spec.name: self.book.read(spec, out) for spec in specs}


def _source(source: Path, opts: CsvOptions, out: Collector):
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
    return _Folder(source, opts)


def _empty(spec) -> pd.DataFrame:
    cols = {"row": pd.Series(dtype="int64")}
    for c in spec.columns:
        numeric = c.kind in NUMERIC_KINDS
        cols[c.name] = pd.Series(dtype=float if numeric else object)
    return pd.DataFrame(cols)


__all__ = ["Case", "CaseError", "load_case", "period_sort_key"]
