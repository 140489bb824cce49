"""Numbers in case files: each cell's text parsed once (decimal mark, thousands groups, percent signs),
checked against its column's kind and range (``schema.RANGES``), problems named by file, row and column."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from solver.io.schema import RANGES, SIGNED_KINDS

_NUMBER = re.compile(
    r"(?a)^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
)  # no nested repeats: linear time  # (?a): the digits 0-9 only


def parse_numbers(values, blank, col, file, rows, decimal, out) -> pd.Series:
    # Each distinct text is parsed once (a column repeats few values), then spread back.
    codes, distinct = pd.factorize(values.to_numpy(object))
    text = pd.Series(distinct, dtype=object)
    number, ok, huge, bad = (a[codes] for a in _numbers(text, text == "", col, decimal))
    for i in np.flatnonzero(~ok):
        out.error(file, rows.iloc[i], col.name, values.iat[i], _expected(col) + _digits_hint(values.iat[i]))
    lo, hi, what = RANGES.get(col.kind, (-np.inf, np.inf, ""))
    outside = ok & ~huge & ~bad & ((number > hi) | (number < lo))
    for i in np.flatnonzero(outside):
        side = f"at most {hi:g}" if number[i] > hi else f"at least {lo:g}"
        out.error(
            file,
            rows.iloc[i],
            col.name,
            values.iat[i],
            f"is out of range: {what.split(':')[0]} must be {side} (see docs/input-reference.md, Ranges of numbers)",
        )
    for i in np.flatnonzero(huge):
        out.error(file, rows.iloc[i], col.name, values.iat[i], "is too large (not a finite number)")
    for i in np.flatnonzero(bad):
        out.error(file, rows.iloc[i], col.name, values.iat[i], _expected(col))
    if col.kind == "rate":
        # 10 is 1000%, as written; above 100% is rare enough that 10% without its % is likelier
        high = ok & ~bad & (number > 1) & ~values.str.endswith("%").to_numpy(bool)
        for i in np.flatnonzero(high):
            out.warn(file, rows.iloc[i], col.name, values.iat[i], rate_above_one(number[i], decimal))
    return pd.Series(number, index=values.index, dtype=float)


def rate_above_one(rate: float, decimal: str) -> str:
    """The warning for a duty rate above 1 written without a % sign (``10`` = 1000%)."""

    def show(x: float) -> str:
        return f"{x:g}".replace(".", decimal)

    return (
        f"is read as a rate of {show(rate * 100)}% (a rate without a % sign is a fraction: 1 = 100%); "
        f"if {show(rate)}% is meant, write it as {show(rate / 100)} or {show(rate)}%"
    )


_PLAIN = re.compile(r"(?a)\d{1,15}")  # digits only: what most cells of most files hold
_PLAIN_POINT = re.compile(r"(?a)\d{1,15}\.\d{1,15}")  # with a decimal point (when "." is the mark)


def _plain(values: list, decimal: str) -> bool:
    """Every text blank or a plain number (at most 15 digits each side, no sign, group, % or exponent):
    float() reads each exactly as the general path would."""
    return all(t == "" or _PLAIN.fullmatch(t) or (decimal == "." and _PLAIN_POINT.fullmatch(t)) for t in values)


def _numbers(text: pd.Series, blank: pd.Series, col, decimal: str):
    """(number, well formed, too large, out of range) per cell text, as arrays."""
    values = text.tolist()
    if len(values) <= 50_000 and _plain(values, decimal):
        plain = pd.Series([float(t) if t else np.nan for t in values], index=text.index, dtype=float)
        return _checked(plain, col, np.ones(len(values), bool), np.zeros(len(values), bool))
    percent = pd.Series(False, index=text.index)
    if col.kind in ("rate", "share"):
        percent = text.str.endswith("%")
        text = text.str.rstrip("%").str.strip()
    thousands = "." if decimal == "," else ","
    # A thousands separator is accepted only in groups of three digits (1,126.8; 300,000),
    # after a first group that does not start with 0 (0.920 is never 920).
    grouped = text.str.fullmatch(
        r"[+-]?[1-9]\d{0,2}(" + re.escape(thousands) + r"\d{3})+(" + re.escape(decimal) + r"\d*)?"
    )
    text = text.where(~grouped.astype(bool), text.str.replace(thousands, "", regex=False))
    stray = text.str.contains(thousands, regex=False)  # a thousands mark outside a group of three
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    ok = ((text.str.fullmatch(_NUMBER.pattern) & ~stray) | blank).astype(bool)
    number = pd.to_numeric(text.where(ok & ~blank, None), errors="coerce").astype(float)
    # 1e999 is a well-formed number, but not a usable one; nor are 5,000 digits (past Python's limit for
    # converting text to an integer, to_numeric gives up and leaves NaN)
    huge = np.isinf(number.to_numpy()) | (ok & ~blank & number.isna()).to_numpy(bool)
    number = number.where(~huge, np.nan)
    number = number.where(~percent.astype(bool), number / 100.0)
    return _checked(number, col, ok.to_numpy(bool), huge)


def _checked(number: pd.Series, col, ok: np.ndarray, huge: np.ndarray):
    """The arrays of ``_numbers``, with which numbers the column's kind does not allow."""
    bad = (number <= 0) if col.kind == "positive" else (number < 0) & (col.kind not in SIGNED_KINDS)
    if col.kind == "share":
        bad |= number > 1
    elif col.kind == "count":
        bad |= number.notna() & ((number < 1) | (number != np.floor(number)))
    return number.to_numpy(float), ok, huge, bad.fillna(False).to_numpy(bool)


def _digits_hint(text: str) -> str:
    """A hint for digits other than 0-9 (full-width, Arabic-Indic, ...), which look like numbers."""
    odd = sorted({ch for ch in str(text) if ch.isdigit() and not ch.isascii()})
    if not odd:
        return ""
    return f" (it has the digits {''.join(odd)}, which are not 0-9: type the number with the digits 0-9)"


def _expected(col) -> str:
    if col.kind == "positive":
        return "must be a number greater than 0"
    if col.kind == "rate":
        return "must be a rate >= 0, like 0.025 or 2.5%"
    if col.kind == "share":
        return "must be a share between 0 and 1, like 0.3 or 30%"
    if col.kind == "count":
        return "must be a whole number >= 1"
    if col.kind in SIGNED_KINDS:
        return f"must be a number of degrees, like 35.1 or -86.5 (the {col.kind})"
    return "must be a number >= 0"
