"""Which decimal mark does a file use? Decided per file from all its numbers, never per cell.

A number is read one way or the case stops. The evidence a cell gives:

- ``0.92``, ``1126.8``, ``0.920``, ``1,126.8``, ``1.5e3``: ``.`` is the decimal mark (a
  thousands group has exactly three digits after the mark and 1-3 digits, not starting
  with 0, before it; and after a ``,`` group the last mark is the decimal one);
- ``18.500.000``, ``1.126,8``, ``0,92``: ``,`` is the decimal mark;
- ``18.500`` or ``18,500``: no evidence (18500 or 18.5): ambiguous on its own; so is ``15,0000``
  (a thousands comma one digit off more often than a decimal comma with four zeros);
- ``240000``: no separator, reads the same either way.

A file whose cells show one mark uses it everywhere. A file with evidence for both is an
error. A file with no evidence takes the mark the case's other files of the same delimiter
agree on (a `,` file's `2.5` says nothing about a `;` file's `1.000`); if there
is none and it holds an ambiguous cell, that cell is an error that says how to write it
and which ``--decimal`` to pass. An explicit ``--decimal`` decides for every file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.errors import Collector

_SIDE = {".": ",", ",": "."}


def _evidence(mantissa: pd.Series, mark: str) -> tuple[pd.Series, pd.Series]:
    """(cells that prove ``mark`` is the decimal mark, cells ambiguous about ``mark``)."""
    m, o = "\\" + mark, "\\" + _SIDE[mark]
    only = mantissa.str.fullmatch(rf"\d*{m}\d*") & mantissa.str.contains(r"\d")
    group = mantissa.str.fullmatch(rf"[1-9]\d{{0,2}}{m}\d{{3}}")
    after_groups = mantissa.str.fullmatch(rf"\d+({o}\d+)+{m}\d*")  # 1,126.8 proves "."
    if mark == ",":  # 15,0000: a thousands comma put one digit off (15,000? 150,000?) more often than
        # a decimal comma with four zeros: no evidence on its own, so it is read only as the other files say
        slip = mantissa.str.fullmatch(r"\d+,0{4,}")
        return ((only & ~group & ~slip) | after_groups), group | slip
    return (only & ~group) | after_groups, group


def _marks(text: pd.Series) -> tuple[pd.Series, ...]:
    """Per cell: (proves ".", ambiguous about ".", proves ",", ambiguous about ",", has an exponent)."""
    if len(text) == 0:
        empty = pd.Series([], dtype=bool)
        return empty, empty, empty, empty, empty
    text = text.astype(str)
    mantissa = text.str.rstrip("%").str.strip().str.lstrip("+-").str.split(r"[eE]", n=1, regex=True).str[0]
    exp = text.str.contains(r"\d[eE][+-]?\d")
    dot, dot_amb = _evidence(mantissa, ".")
    comma, comma_amb = _evidence(mantissa, ",")
    dot |= exp & dot_amb  # 1.500e3: grouping and an exponent do not mix
    comma |= mantissa.str.fullmatch(r"\d+(\.\d+){2,}")  # 18.500.000: "." groups, so "," is decimal
    dot |= mantissa.str.fullmatch(r"\d+(,\d+){2,}")
    return dot, dot_amb, comma, comma_amb, exp


def _cells(table: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Long form of a file's numeric cells: (text, row, column), blanks dropped."""
    cols = sorted(c for c in table.columns if c != "row")  # by row, then column name (as sorted before)
    order = np.argsort(table["row"].to_numpy(), kind="stable")
    cells = table[cols].to_numpy(dtype=object)[order].astype(str) if cols else np.zeros((len(table), 0), str)
    text = cells.ravel()
    rows = np.repeat(table["row"].to_numpy()[order], len(cols))
    names = np.tile(np.asarray(cols, dtype=object), len(table))
    filled = text != ""
    return (pd.Series(text[filled], dtype=object), pd.Series(rows[filled]), pd.Series(names[filled], dtype=object))


def decide(
    files: dict[str, pd.DataFrame], given: str | None, out: Collector, groups: dict[str, str] | None = None
) -> dict[str, str | None]:
    """Decimal mark per file (None: the file shows both, reported). ``files``: file name ->
    its numeric cells as text and a ``row`` column; ``groups``: file name -> its delimiter
    (only files of the same delimiter lend a file without evidence their mark)."""
    groups = groups or {}
    if given:
        return {name: given for name in files}
    found: dict[str, str | None] = {}
    pending: dict[str, tuple] = {}
    conflicted: set[str] = set()
    for name, table in files.items():
        text, rows, cols = _cells(table)
        # Only a cell with a "." or "," says anything; each distinct text is looked at once.
        marked = (text.str.contains(".", regex=False) | text.str.contains(",", regex=False)).to_numpy(bool)
        text, rows, cols = (s[marked].reset_index(drop=True) for s in (text, rows, cols))
        inverse, distinct = pd.factorize(text)
        dot, dot_amb, comma, comma_amb, exp = (
            pd.Series(v.to_numpy(bool)[inverse], dtype=bool) for v in _marks(pd.Series(distinct, dtype=object))
        )
        if dot.any() and comma.any():
            i, j = int(dot.to_numpy().argmax()), int(comma.to_numpy().argmax())  # the first cell of each
            first, second = (i, j) if i > j else (j, i)
            out.error(
                name,
                rows.iloc[first],
                cols.iloc[first],
                text.iat[first],
                f'uses "{"." if dot.iat[first] else ","}" as decimal mark, but row {rows.iat[second]} '
                f'("{text.iat[second]}") uses "{"." if dot.iat[second] else ","}": write every number '
                "of a file with one decimal mark",
            )
            conflicted.add(name)
            found[name] = "."
        elif dot.any() or comma.any():
            found[name] = "." if dot.any() else ","
        else:
            found[name] = None
            ambiguous = (dot_amb | comma_amb) & ~exp
            pending[name] = (text[ambiguous], rows[ambiguous], cols[ambiguous])
    # Only a file's own evidence lends its mark: a file decided by fallback (one with no
    # number at all, like a plants.csv, included) is no evidence for another.
    evidence = {n: m for n, m in found.items() if m and n not in conflicted}
    for name, (text, rows, cols) in pending.items():
        agreed = {m for n, m in evidence.items() if groups.get(n) == groups.get(name)}
        fallback = agreed.pop() if len(agreed) == 1 else None
        if fallback is None:
            for t, r, c in zip(text, rows, cols, strict=True):
                out.unreadable_cell(name, r, c, t, _ambiguous(t))  # reported once, nothing more there
        found[name] = fallback or "."
    return {name: (None if name in conflicted else mark or ".") for name, mark in found.items()}


def _ambiguous(cell: str) -> str:
    mark = "." if "." in cell else ","
    pct = "%" if cell.endswith("%") else ""
    digits = cell.rstrip("%").strip()
    as_group = digits.replace(mark, "") + pct
    as_decimal = f"{float(digits.replace(mark, '.')):.15g}" + pct
    other = _SIDE[mark]
    return (
        f'is ambiguous: {as_group} if "{mark}" groups thousands, {as_decimal} if "{mark}" is the decimal '
        f"mark, and no other number of the case tells which; write it as {as_group} or {as_decimal}, "
        f'or pass --decimal {other} ("{mark}" groups thousands) or --decimal {mark} ("{mark}" is the decimal mark)'
    )
