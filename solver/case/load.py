"""A case: a folder of CSV files (or one workbook with a sheet per file), read, checked and frozen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from solver.case import checks, plausibility, rules
from solver.case.names import natural_sorted, period_sort_key
from solver.errors import CaseError, Collector, Problem, in_file_order
from solver.io.casefiles import case_name, content_digest, read_case_tables
from solver.io.readcsv import CsvOptions

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
        return replace(case, folder=Path(f"<frames {name}>"))  # the scratch folder is gone

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
