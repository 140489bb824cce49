"""Write results for spreadsheets: fixed columns and rounding, formula-safe, all or nothing.

Rounding (fixed, so the same inputs give byte-identical files):
units 3 decimals; per-unit money and shadow prices 4; totals 2; rates and
utilization 6; numbers of a column without a fixed rounding (a scenario's parameter
values) with every digit they have. Integers are written without a decimal point, -0 as 0.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

DECIMALS = {
    "units": 3,
    "max_units": 3,
    "min_units": 3,
    "demand": 3,
    "supplied": 3,
    "unmet": 3,
    "added_units": 3,
    "built": 6,
    "built_mean_value": 6,
    "unit_production_cost": 4,
    "unit_freight": 4,
    "unit_duty": 4,
    "unit_landed_cost": 4,
    "shadow_price": 4,
    "min_shadow_price": 4,
    "marginal_cost": 4,
    "shadow_price_one_less": 4,
    "min_shadow_price_one_less": 4,
    "marginal_saving": 4,
    "landed_cost": 2,
    "amount": 2,
    "fixed_cost": 2,
    "present_value": 2,
    "closing_cost": 2,
    "fixed_cost_saved": 2,
    "charge_per_period": 2,
    "charged_in_horizon": 2,
    "lifetime_periods": 0,
    "charges_in_horizon": 0,
    "units_from_source": 3,
    "units_supplied": 3,
    "share": 6,
    "min_share": 6,
    "max_share": 6,
    "max_shadow_price": 4,
    "up_to_units": 3,
    "quota_units": 3,
    "duty_rate": 6,
    "utilization": 6,
    # sensitivity report, as every output: units 3, money per unit 4 (allowable ranges are
    # units for a constraint, money per unit with a currency suffix for a flow: AS_MONEY)
    "final_value": 3,
    "reduced_cost": 4,
    "objective_coefficient": 4,
    "rhs": 3,
    "allowable_increase": 3,
    "allowable_decrease": 3,
    # breakeven: breakpoints at full precision (they are exact)
    "value_from": 12,
    "value_to": 12,
    "objective_from": 2,
    "objective_to": 2,
    # compare: units, money and shadow prices in one column, so the finest of their roundings
    "value_a": 4,
    "value_b": 4,
    "change": 4,
    # stochastic decision (money columns carry the currency: expected_cost_USD)
    "probability": 12,
    "best_share": 6,
    "expected_cost": 2,
    "cvar": 2,
    "objective": 2,
    "regret": 2,
    "cost_recommended": 2,
    "cost_mean_value_decision": 2,
    "cost_perfect_information": 2,
    "mean_cost": 2,
    "ci95_low": 2,
    "ci95_high": 2,
}
# columns in units unless they carry a currency suffix, then money per unit
AS_MONEY = {"allowable_increase": 4, "allowable_decrease": 4}
# every workbook plantsplit writes (case or outputs): Excel's row limit, and one creation date so that
# the same tables give the same bytes
XLSX_MAX_ROWS = 1_048_576
XLSX_DATE = dt.datetime(2000, 1, 1)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Money columns name their currency in every output: ``landed_cost`` is written
# ``landed_cost_USD`` (the reporting currency). Tables in memory keep the plain names;
# ``with_currency`` renames them at the edge, where a file is written.
MONEY = frozenset(
    {
        "unit_production_cost",
        "unit_freight",
        "unit_duty",
        "unit_landed_cost",
        "landed_cost",
        "shadow_price",
        "min_shadow_price",
        "marginal_cost",
        "amount",
        "fixed_cost",
        "reduced_cost",
        "objective_coefficient",
        "objective",
        "objective_from",
        "objective_to",
        "present_value",
        "closing_cost",
        "fixed_cost_saved",
        "charge_per_period",
        "charged_in_horizon",
        "max_shadow_price",
        "shadow_price_one_less",
        "min_shadow_price_one_less",
        "marginal_saving",
    }
)


def with_currency(df: pd.DataFrame, currency: str, also: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rename every money column (and the columns in ``also``) to ``<name>_<currency>``."""
    money = MONEY | set(also)
    return df.rename(columns={c: f"{c}_{currency}" for c in df.columns if c in money})


OWN_COLUMNS = ("units:", "built:", "unmet:")  # figures of a run, per plant, option or market


def is_parameter(col: str) -> bool:
    """A study's parameter column (``fx:KRW``, ``demand_scale:usa``): its values are written as given."""
    return ":" in col and not col.startswith(OWN_COLUMNS)


def decimals_of(col: str) -> int | None:
    """Fixed rounding of a column; a money column's currency suffix does not change it; a parameter
    column (``demand_scale:usa``) keeps every digit it was given."""
    if is_parameter(col):
        return None
    if col in DECIMALS:
        return DECIMALS[col]
    base = col.rpartition("_")[0]
    if base in AS_MONEY:
        return AS_MONEY[base]
    if base in DECIMALS:
        return DECIMALS[base]
    return 3 if col.startswith("units:") else 6 if col.startswith("built:") else None


class NumberText(str):
    """A number formatted for a CSV cell (``CsvStyle.number``): never guarded as a formula."""


def safe_text(value: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def guard_text(value: str) -> str:
    """``safe_text`` that can be undone (``unguard_text``): text that already looks guarded
    (``'=x``) gets one more quote, so reading back gives exactly the text written. For the
    case files plantsplit writes (``convert``), which it reads back."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_START) else value


def unguard_text(value: str) -> str:
    """The text ``guard_text`` was given: one leading quote before a formula-like start is dropped."""
    return value[1:] if value.startswith("'") and value.lstrip("'").startswith(FORMULA_START) else value


def format_number(value, decimals: int | None) -> str:
    """One value rounded to ``decimals`` places (None: the shortest text that reads back as
    exactly it), trailing zeros dropped; blank if missing, -0 as 0, beyond +-1e30 as
    Excel's infinity (``format_numbers`` does a column at once)."""
    if value is None:
        return ""
    x = float(value)
    if x != x:
        return ""
    if abs(x) < 1e15 and x == int(x):
        return str(int(x))
    return _fraction(x, decimals)


def _fraction(x: float, decimals: int | None) -> str:
    if abs(x if decimals is None else round(x, decimals)) >= 1e30:
        return "1E+30" if x > 0 else "-1E+30"
    if decimals is None:
        return repr(x)
    text = format(x, f".{decimals}f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_numbers(values, decimals: int | None) -> list[str]:
    """``format_number`` of every value; whole numbers take a vectorised path."""
    a = np.asarray(values)
    if a.dtype.kind not in "fiub":
        a = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    a = a.astype(float, copy=False)
    out = np.full(len(a), "", dtype=object)
    with np.errstate(invalid="ignore"):
        whole = (a == np.trunc(a)) & (np.abs(a) < 1e15)
    out[whole] = a[whole].astype(np.int64).astype(str).astype(object)
    rest = np.flatnonzero(~whole & ~np.isnan(a))
    for i, x in zip(rest, a[rest].tolist(), strict=True):
        out[i] = _fraction(x, decimals)
    return out.tolist()


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV is written for a spreadsheet's locale (``--csv-style``).

    plain: ``,`` and ``.``, UTF-8 without BOM (for programs); excel: the same with a
    UTF-8 BOM, so Excel reads accents right; excel-eu: ``;``, decimal comma and BOM, as
    Excel in a German, French, ... locale opens with a double click. The case reader
    accepts all three back (BOM, ``;`` and the decimal comma are detected).
    """

    name: str
    delimiter: str
    decimal: str
    bom: bool

    def number(self, value, decimals: int | None) -> str:
        text = format_number(value, decimals)
        return NumberText(text.replace(".", ",") if self.decimal == "," else text)

    def numbers(self, values, decimals: int | None) -> list[str]:
        texts = format_numbers(values, decimals)
        return [t.replace(".", ",") for t in texts] if self.decimal == "," else texts

    def line(self, cells: list[str]) -> str:
        """One CSV line of already formatted cells (text cells are made formula-safe here; a cell ``number``
        formatted, such as -2500, is a number, not a formula, and stays one)."""

        def q(c: str) -> str:
            c = c if isinstance(c, NumberText) else safe_text(c)
            return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in self.delimiter + '"\n\r') else c

        return self.delimiter.join(q(c) for c in cells) + "\n"

    def encode(self, text: str) -> bytes:
        return (("\ufeff" if self.bom else "") + text).encode("utf-8")


CSV_STYLES = {
    s.name: s
    for s in (
        CsvStyle("plain", ",", ".", False),
        CsvStyle("excel", ",", ".", True),
        CsvStyle("excel-eu", ";", ",", True),
    )
}
PLAIN = CSV_STYLES["plain"]


def to_cells(df: pd.DataFrame, style: CsvStyle = PLAIN) -> pd.DataFrame:
    out: dict[str, list[str] | np.ndarray] = {}
    for col in df.columns:
        s = df[col]
        decimals = decimals_of(col)
        if decimals is not None or s.dtype.kind == "f":  # a float column of no fixed rounding: every digit
            out[col] = style.numbers(s.to_numpy(), decimals)
        else:
            codes, distinct = pd.factorize(s.to_numpy(object), use_na_sentinel=False)
            texts = [
                safe_text("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)) for v in distinct
            ]
            out[col] = np.asarray(texts, dtype=object)[codes] if len(texts) else np.zeros(0, object)
    return pd.DataFrame(out, columns=list(df.columns))


def csv_bytes(df: pd.DataFrame, style: CsvStyle = PLAIN) -> bytes:
    return style.encode(to_cells(df, style).to_csv(index=False, sep=style.delimiter, lineterminator="\n"))


def json_bytes(data: dict) -> bytes:
    """Valid JSON always: a figure that is not a finite number (an infeasible scenario's cost) is null."""
    return (json.dumps(_finite(data), indent=2, sort_keys=False, allow_nan=False) + "\n").encode("utf-8")


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def read_dialect(path) -> dict:
    """``pandas.read_csv`` keywords for an output CSV in any ``--csv-style`` we write
    (``,``/``.`` or ``;``/decimal comma, BOM or not), told from its header row."""
    with open(path, encoding="utf-8-sig") as fh:
        head = fh.readline()
    semi = head.count(";") > head.count(",")
    return {"sep": ";" if semi else ",", "decimal": "," if semi else ".", "encoding": "utf-8-sig"}
