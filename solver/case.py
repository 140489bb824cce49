"""A case: the folder of CSV files, read, checked and frozen."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import checks, plausibility
from .errors import CaseError, Collector, Problem
from .readcsv import NUMERIC_KINDS, CsvOptions, read_tables
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

    @property
    def has_builds(self) -> bool:
        return len(self.expansions) > 0

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


def period_sort_key(p: str):
    """Natural order: numbers as numbers, then text with its digit runs read as numbers
    (``m9`` < ``m10``, ``2025q2`` < ``2025q10``)."""
    try:
        return (0, float(p), (), p)
    except ValueError:
        # re.split with a group alternates text and digits, so the parts compare pairwise
        parts = tuple(int(s) if i % 2 else s for i, s in enumerate(re.split(r"(\d+)", p)))
        return (1, 0.0, parts, p)


def load_case(folder: str | Path, currency: str | None = None, opts: CsvOptions | None = None,
              discount_rate: float | None = None) -> Case:
    """Read and check every file of a case; raise CaseError listing every problem.

    ``currency`` and ``discount_rate`` (command-line overrides) win over settings.csv;
    without either, the reporting currency is USD and the discount rate 0.
    """
    folder = Path(folder)
    opts = opts or CsvOptions()
    out = Collector()
    if not folder.is_dir():
        out.error(str(folder), 0, "", "", "is not a case folder (no such directory)")
        out.raise_if_any()
    tables: dict[str, pd.DataFrame] = {}
    unusable = False  # a file or required column is missing: cross-file checks would mislead
    digest = hashlib.sha256()
    present = []
    for spec in FILES:
        path = folder / spec.name
        if path.is_file():
            digest.update(spec.name.encode() + b"\0" + path.read_bytes() + b"\0")
            present.append((spec, path))
        elif spec.required:
            out.error(spec.name, 0, "", "", f"is missing from {folder} (it is required)")
            unusable = True
    read = read_tables(present, opts, out)
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

    settings = checks.check_settings(tables["settings"], out)
    currency = (currency or settings.get("currency") or "USD").strip().upper()
    rate = discount_rate if discount_rate is not None else settings.get("discount_rate", 0.0)
    periods = tuple(sorted(tables["demand"]["period"].unique(), key=period_sort_key))
    products = tuple(sorted(tables["demand"]["product"].unique()))
    tables = checks.check_all(tables, products, periods, currency, out)
    plausibility.warn_jumps(tables, periods, out)
    out.raise_if_any()
    return Case(
        name=folder.resolve().name,
        folder=folder,
        currency=currency,
        products=products,
        periods=periods,
        digest="sha256:" + digest.hexdigest(),
        warnings=tuple(out.warnings),
        notes=tuple(out.notes),
        discount_rate=float(rate),
        **{k: tables[k] for k in TABLES},
    )


def _empty(spec) -> pd.DataFrame:
    cols = {"row": pd.Series(dtype="int64")}
    for c in spec.columns:
        numeric = c.kind in NUMERIC_KINDS
        cols[c.name] = pd.Series(dtype=float if numeric else object)
    return pd.DataFrame(cols)


__all__ = ["Case", "CaseError", "load_case", "period_sort_key"]
