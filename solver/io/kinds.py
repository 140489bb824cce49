"""What a column and a file of the input format are, and the range each kind of number may take
(schema.py lists the files with them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # name | text | period | currency | units | money | rate | share | count | basis
    required: bool
    default: str
    unit: str
    meaning: str


@dataclass(frozen=True)
class FileSpec:
    name: str
    required: bool
    meaning: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind, required, default, unit, meaning) -> Column:
    return Column(name, kind, required, default, unit, meaning)


BLANK_PRODUCT = "blank = every product"
BLANK_PERIOD = "blank = every period"


# The range a number of each kind may take, checked as it is read (exit 2 naming file, row and column).
# Beyond them a figure is a slip (a tariff of 1e308%, a lifetime of 2^63 periods), or too large for a
# solver to compute with (HiGHS reads 1e20 as infinite; a money figure of 1e13 converted at the widest
# exchange-rate ratio stays below it). (kind: (lowest, highest, what the limit is))
RANGES: dict[str, tuple[float, float, str]] = {
    "units": (0.0, 1e12, "units: a million million"),
    "money": (0.0, 1e13, "an amount of money: ten million million"),
    "rate": (0.0, 100.0, "a duty rate: 100 = 10,000%"),
    "share": (0.0, 1.0, "a share: 1 = 100%"),
    "count": (1.0, 1000.0, "a number of periods"),
    "positive": (1e-6, 1e7, "an exchange rate: from 0.000001 to 10,000,000 per reporting-currency unit"),
    "latitude": (-90.0, 90.0, "a latitude: degrees north"),
    "longitude": (-180.0, 180.0, "a longitude: degrees east"),
}
SIGNED_KINDS = ("latitude", "longitude")  # numbers that may be negative
