"""A case: a folder of CSV files (or one workbook with a sheet per file), read, checked and frozen."""

from __future__ import annotations

import contextlib
import contextvars
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import pandas as pd

from solver.case import checks, plausibility, rules
from solver.case.names import natural_sorted, period_sort_key
from solver.errors import CaseError, Collector, Problem, UsageError, in_file_order
from solver.io.casefiles import case_name, content_digest, read_case_tables
from solver.io.display import Displayed, plural
from solver.io.readcsv import CsvOptions
from solver.io.schema import FILES

TABLES = tuple(f.name[:-4] for f in FILES if f.name != "settings.csv")  # the tables of a Case, by file
_CHECKED = contextvars.ContextVar("plantsplit_case_checked", default=False)  # load_case is building it


@contextlib.contextmanager
def _checked():
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)


@dataclass(frozen=True, repr=False)
class Case(Displayed):
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
    markets: pd.DataFrame  # map positions only (markets.csv); the model never reads it
    groups: pd.DataFrame  # how many options of a group may be built (groups.csv)
    nodes: pd.DataFrame  # hubs lanes may pass through (nodes.csv)
    products: tuple[str, ...]
    periods: tuple[str, ...]
    digest: str
    warnings: tuple[Problem, ...] = field(default=())
    notes: tuple[Problem, ...] = field(default=())  # e.g. unlimited capacity: shown by `validate`
    discount_rate: float = 0.0  # per period; settings.csv or --discount-rate
    # where each file's rows are, for a workbook case: ("demand.csv", "case.xlsx, sheet demand")
    places: tuple[tuple[str, str], ...] = field(default=())
    # the tables' contents when the case was checked (seal): check_unchanged finds a table changed in place
    _fingerprint: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self):
        """A Case made by hand or by ``dataclasses.replace(case, demand=df)`` is checked as a folder is:
        its tables go through every check (``from_frames``) and the checked tables replace them."""
        if _CHECKED.get():
            return
        from solver.case.frames import case_tables

        checked = Case.from_frames(
            case_tables(self), name=self.name, currency=self.currency, discount_rate=self.discount_rate
        )
        for f in fields(self):
            if f.name not in ("folder", "name"):
                object.__setattr__(self, f.name, getattr(checked, f.name))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The case's tables as DataFrames of its files' columns (copies; ``settings`` too): what
        ``Case.from_frames`` and ``replace`` take."""
        from solver.case.frames import case_tables

        return case_tables(self)

    def replace(self, **changes) -> Case:
        """A new case with tables (DataFrames or lists of records, by file name: ``demand=df``) or
        ``name``, ``currency``, ``discount_rate`` changed, checked as a case folder is (``CaseError``
        naming ``table demand, row 3, column units``). The case itself never changes."""
        settings = {k: changes.pop(k) for k in ("name", "currency", "discount_rate") if k in changes}
        tables = self.tables()
        del tables["settings"]
        unknown = [k for k in changes if k not in tables]
        if unknown:
            raise UsageError(
                f"Case.replace: no table or setting named {', '.join(map(repr, unknown))} "
                f"(tables: {', '.join(tables)}; settings: name, currency, discount_rate)"
            )
        tables.update(changes)
        new = Case.from_frames(
            tables,
            name=settings.get("name", self.name),
            currency=settings.get("currency", self.currency),
            discount_rate=settings.get("discount_rate", self.discount_rate),
        )
        with _checked():
            return replace(new, folder=self.folder).seal()

    def seal(self) -> Case:
        """Remember the tables' contents, so ``check_unchanged`` can tell a table changed in place."""
        from solver.case.frames import fingerprint

        object.__setattr__(self, "_fingerprint", fingerprint(self))
        return self

    def check_unchanged(self) -> None:
        """UsageError naming the tables changed in place since the case was checked (a sealed case)."""
        if not self._fingerprint:
            return
        from solver.case.frames import fingerprint

        now = dict(fingerprint(self))
        changed = [name for name, h in self._fingerprint if now.get(name) != h]
        if changed:
            names = ", ".join(f"case.{n}" for n in changed)
            raise UsageError(
                f"{names} changed in place after the case was checked: a case is not edited in place; "
                f"make a checked copy with case.replace({changed[0]}=new_table)"
            )

    @classmethod
    def from_frames(
        cls, tables, name: str = "case", currency: str | None = None, discount_rate: float | None = None
    ) -> Case:
        """A case from pandas DataFrames (or lists of records, dicts of column: value), keyed by the
        case's file names without .csv (``{"plants": df, "demand": df, ...}``), with every check a
        case folder gets; problems name ``table demand, row 3`` (the header is row 1, so the
        DataFrame's first row is row 2). See case/frames.py."""
        from solver.case.frames import frames_folder

        with frames_folder(tables, name) as (folder, places):
            case = load_case(folder, currency=currency, discount_rate=discount_rate, places=places)
        with _checked():
            return replace(case, folder=Path(f"<frames {name}>")).seal()  # the scratch folder is gone

    def _card(self):
        markets = self.demand["market"].nunique()
        sizes = (
            f"{plural(len(self.plants), 'plant')}, {plural(markets, 'market')}, "
            f"{plural(len(self.products), 'product')}, {plural(len(self.periods), 'period')}"
        )
        rows = [("folder", str(self.folder)), ("size", sizes), ("lanes", f"{len(self.lanes):,}")]
        if len(self.expansions):
            rows.append(("build options", ", ".join(self.expansions["option"].drop_duplicates().astype(str))))
        rows.append(("money", f"{self.currency}, discount rate {self.discount_rate:g} per period"))
        rows.append(("warnings", f"{len(self.warnings)}"))
        return f"Case {self.name}", rows

    @property
    def has_builds(self) -> bool:
        return len(self.expansions) > 0

    @property
    def has_hubs(self) -> bool:
        """Lanes may pass through hubs (nodes.csv): flows follow routes, and outputs name them."""
        return len(self.nodes) > 0

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
    return {p: (1.0 + rate) ** -k for p, k in zip(periods, steps, strict=True)}


def load_case(
    source: str | Path,
    currency: str | None = None,
    opts: CsvOptions | None = None,
    discount_rate: float | None = None,
    places: dict[str, tuple[str, str]] | None = None,
) -> Case:
    """Read and check every file of a case (a folder of CSV files or one .xlsx workbook);
    raise CaseError listing every problem.

    ``currency`` and ``discount_rate`` (command-line overrides) win over settings.csv;
    without either, the reporting currency is USD and the discount rate 0.
    """
    source = Path(source)
    if discount_rate is not None:
        discount_rate = rules.discount_rate_value(discount_rate)
    out = Collector(places=dict(places or {}))  # places: where each file's rows really are (frames.py)
    tables, _ = read_case_tables(source, opts or CsvOptions(), out)
    digest = content_digest(tables)
    settings = rules.check_settings(tables["settings"], out)
    case_currency = (settings.get("currency") or "USD").strip().upper()
    currency = (currency or case_currency).strip().upper()
    if currency != case_currency:
        warn_reinterpreted(tables, currency, case_currency, out)
    rate = discount_rate if discount_rate is not None else settings.get("discount_rate", 0.0)
    checks.check_period_spellings(tables, out)
    # a blank (or unreadable) period is already reported: it is no period of the case
    periods = tuple(sorted(set(tables["demand"]["period"]) - {""}, key=period_sort_key))
    products = tuple(natural_sorted(tables["demand"]["product"]))
    if rate and len(periods) > 1 and all(re.fullmatch(r"[+-]?\d+", p) for p in periods):
        span = int(periods[-1]) - int(periods[0])  # discounting counts the periods between two labels
        if span > 1000:
            out.error(
                "demand.csv",
                0,
                "period",
                periods[-1],
                f"is {span:,} periods after {periods[0]}: discounted "
                f"at {rate:g} per period it would be worth nothing; periods numbered for discounting are at "
                "most 1,000 apart (or name them as text, e.g. 2012-Q1, to discount by position)",
            )
    tables = checks.check_all(tables, products, periods, currency, out, case_currency)
    plausibility.warn_jumps(tables, periods, out)
    out.raise_if_any()
    with _checked():
        return _case(source, currency, products, periods, digest, out, rate, tables)


def _case(source, currency, products, periods, digest, out, rate, tables) -> Case:
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
        fix = (
            f" (write {case_currency} in those currency cells to keep them in {case_currency})"
            if any("blank currency" in p for p in parts)
            else ""
        )
        out.warn(
            "--currency",
            0,
            "",
            currency,
            f"is not the case's currency {case_currency} (settings.csv, or the default USD): "
            f"{'; '.join(parts)} are read as {currency}, not converted from {case_currency}{fix}",
        )


__all__ = ["Case", "CaseError", "load_case", "period_sort_key"]
