"""Write output tables as one Excel workbook (XlsxWriter): a Summary sheet, then a sheet per table.

Takes the same tables as ``io.output.csv_bytes`` (money columns already named with their
currency, e.g. ``landed_cost_USD``), keyed by the CSV name they are also written to:
``{"plan.csv": plan, "utilization.csv": ...}`` gives sheets ``plan``, ``utilization``, ...

- Summary first: the run's facts (``summary`` dict: status, total cost, solver,
  settings), cost by component, what was built, binding capacities, and a native stacked
  column chart of units by plant and period (from the ``plan`` table) with its data.
- Every table sheet: bold frozen header, autofilter, widths that fit, number formats
  (thousands separators for units, two decimals for money, % for rates); numbers are
  rounded as in the CSVs. A table of mixed figures (comparison.csv) names each row's
  unit in a ``unit`` column: its numbers take that unit's format (money where the unit
  is the currency, ``USD`` or ``USD per unit ...``; units where it is ``units``).
- Text is always written as text (``strings_to_formulas`` off): a plant named ``=1+1``
  stays that text. Same tables in, same bytes out (fixed document properties and
  creation date; XlsxWriter stores fixed zip timestamps).
- A table over Excel's 1,048,576 rows is refused before anything is written.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from solver.case.names import natural_sorted
from solver.case.palette import plant_colours
from solver.case.param_names import RATE_KINDS
from solver.errors import UsageError
from solver.io.output import MONEY, XLSX_DATE, XLSX_MAX_ROWS, decimals_of, is_parameter
from solver.io.temporary import scratch_dir

RATES = {"duty_rate", "utilization"}
# money figures of summary.json files (solve, stochastic) besides the MONEY columns
SUMMARY_MONEY = {
    "undiscounted_cost",
    "expected_cost",
    "cvar",
    "mean_value_cost",
    "expected_cost_of_mean_value_decision",
    "wait_and_see_cost",
    "vss",
    "evpi",
    "objective_a",
    "objective_b",
}  # the last two: compare's runs A and B
TOL = 1e-6


def _base(col: str) -> str:
    base = col.rpartition("_")[0]
    return base if base in MONEY or base in ("allowable_increase", "allowable_decrease") else col


def find(df: pd.DataFrame, base: str) -> str | None:
    """The column named ``base`` or ``base_<CUR>``."""
    return next((c for c in df.columns if c == base or (c.startswith(base + "_") and _base(c) == base)), None)


def workbook_bytes(
    tables: dict[str, pd.DataFrame], summary: dict, title: str, limits: pd.DataFrame | None = None
) -> bytes:
    """The workbook as bytes; raises UsageError naming the CSV to use if a table is too long.
    ``limits``: binding limits besides capacities (``results.binding``), listed on the Summary."""
    for name, df in tables.items():
        if len(df) + 1 > XLSX_MAX_ROWS:
            raise UsageError(
                f"{name[:-4]} has {len(df):,} rows, more than an Excel sheet holds "
                f"({XLSX_MAX_ROWS:,} with the header): use {name} instead (run without --xlsx)"
            )
    with scratch_dir("xlsx") as tmp:
        try:
            return _write_book(tmp, tables, summary, title, limits)
        except Exception as exc:  # the scratch sheets' folder is full or cannot be written
            from solver.io.outdir import scratch_failure

            failure = scratch_failure(exc, Path(tmp))
            if failure is None:
                raise
            raise failure from None


def _write_book(tmp: str, tables: dict[str, pd.DataFrame], summary: dict, title: str, limits) -> bytes:
    import xlsxwriter

    path = os.path.join(tmp, "book.xlsx")
    wb = xlsxwriter.Workbook(
        path,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "constant_memory": True,
            "tmpdir": tmp,
        },
    )
    wb.set_properties(
        {
            "title": title,
            "author": "plantsplit",
            "company": "",
            "created": XLSX_DATE,
            "comments": "written by plantsplit",
        }
    )
    fmt = _formats(wb)
    _summary_sheet(wb, fmt, tables, summary, title, limits)
    for name, df in tables.items():
        _table_sheet(wb, fmt, name[:-4], df, summary.get("currency", ""))
    wb.close()
    with open(path, "rb") as fh:
        return fh.read()


def _formats(wb) -> dict:
    return {
        "head": wb.add_format({"bold": True, "bottom": 1}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "section": wb.add_format({"bold": True, "font_size": 12}),
        "units": wb.add_format({"num_format": "#,##0"}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "rate": wb.add_format({"num_format": "0.00%"}),
        "plain": None,
        # a study's parameters, formatted as what they are and showing every digit they were given
        "param rate": wb.add_format({"num_format": "0.0########%"}),
        "param units": wb.add_format({"num_format": "#,##0.#########"}),
        "param multiplier": wb.add_format({"num_format": "0.0##########"}),
        "param price": wb.add_format({"num_format": "#,##0.0#########"}),
    }


def _parameter_kind(col: str) -> str:
    """A parameter column's kind: a duty rate, units (demand, capacity), a multiplier (*_scale), a price
    (an exchange rate, freight per unit)."""
    kind = col.partition(":")[0]
    if kind in RATE_KINDS:
        return "param rate"
    if kind in ("demand", "capacity"):
        return "param units"
    return "param multiplier" if kind.endswith("_scale") else "param price"


def _kind(col: str) -> str:
    if is_parameter(col):
        return _parameter_kind(col)
    base = _base(col)
    if base in MONEY or base != col:
        return "money"
    if col in RATES:
        return "rate"
    if decimals_of(col) == 3:
        return "units"
    return "plain"


def _write(ws, row: int, col: int, value, kind: str, fmt: dict, decimals: int | None) -> None:
    """One cell: a number rounded as in the CSVs (Excel's 1E+30 for infinity), or text as text."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return  # a blank cell, as in the CSV
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        v = float(value) if decimals is None else round(float(value), decimals) + 0.0
        ws.write_number(row, col, min(max(v, -1e30), 1e30), fmt[kind])
    else:
        ws.write_string(row, col, str(value))


def _column_cells(s: pd.Series, decimals: int | None) -> tuple[list, bool]:
    """A column as the values to write (None = blank cell), and whether all are numbers."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        values = s.to_numpy(dtype=float, na_value=np.nan).tolist()  # pandas' <NA> (Int64): a blank
        if decimals is not None:
            values = [min(max(round(v, decimals) + 0.0, -1e30), 1e30) if v == v else None for v in values]
        else:
            values = [v if v == v else None for v in values]
        return values, True
    return [None if v is None or v == "" or (isinstance(v, float) and math.isnan(v)) else v for v in s.tolist()], False


def _row_kinds(df: pd.DataFrame, currency: str) -> list[str] | None:
    """The kind of each row's numbers, from its ``unit`` cell (tables of mixed figures)."""
    if "unit" not in df.columns or not currency:
        return None
    return [
        "money" if u == currency or str(u).startswith(currency + " ") else "units" if u == "units" else "plain"
        for u in df["unit"]
    ]


def _table_sheet(wb, fmt, name: str, df: pd.DataFrame, currency: str = "") -> None:
    ws = wb.add_worksheet(name)
    cols = list(df.columns)
    kinds = [_kind(c) for c in cols]
    by_row = _row_kinds(df, currency)
    decimals = [decimals_of(c) for c in cols]
    cells = [_column_cells(df[c], decimals[j]) for j, c in enumerate(cols)]
    # constant_memory: widths must be set before rows are written, so measure first
    for j, (values, numeric) in enumerate(cells):
        present = [v for v in values if v is not None]
        if not present:
            width = 0
        elif numeric:
            width = len(f"{max(abs(v) for v in present):,.2f}") + 1
        else:
            width = max(len(str(v)) for v in present)
        ws.set_column(j, j, min(max(width, len(cols[j])) + 2, 60))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(df), 1), max(len(cols) - 1, 0))
    for j, c in enumerate(cols):
        ws.write_string(0, j, c, fmt["head"])
    for i in range(len(df)):
        for j, (values, numeric) in enumerate(cells):
            v = values[i]
            if v is None:
                continue
            if numeric:
                kind = by_row[i] if by_row is not None and kinds[j] == "plain" else kinds[j]
                ws.write_number(i + 1, j, v, fmt[kind])
            else:
                _write(ws, i + 1, j, v, kinds[j], fmt, decimals[j])


def _summary_sheet(wb, fmt, tables: dict[str, pd.DataFrame], summary: dict, title: str, limits=None) -> None:
    ws = wb.add_worksheet("Summary")
    cur = summary.get("currency", "")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 6, 18)
    ws.write_string(0, 0, title, fmt["title"])
    r = 2
    ws.write_string(r, 0, "Run", fmt["section"])
    r += 1
    for key, value in summary.items():
        money = key in MONEY or key in SUMMARY_MONEY
        label = f"{key} ({cur})" if money and cur else key
        ws.write_string(r, 0, label)
        if value is None or value == "" or (isinstance(value, (list, tuple)) and not value):
            pass  # nothing to say (no time limit, no warnings): a blank cell, not an empty text
        elif isinstance(value, bool):
            ws.write_string(r, 1, str(value).lower())
        elif isinstance(value, (int, float)):
            ws.write_number(r, 1, value, fmt["money"] if money else None)
        elif isinstance(value, (list, tuple)):
            ws.write_string(r, 1, "; ".join(str(v) for v in value))
        else:
            ws.write_string(r, 1, str(value))
        r += 1
    cb = tables.get("cost_breakdown.csv")
    if cb is not None and (amount := find(cb, "amount")):
        cols = [amount] + [c for c in [find(cb, "present_value")] if c]  # face value, and discounted if any
        r = _block(
            ws,
            fmt,
            r + 1,
            "Total cost by component",
            ["component", *cols],
            cb.groupby("component", sort=False)[cols].sum().reset_index(),
        )
    builds = tables.get("builds.csv")
    if builds is not None:
        r = _block(ws, fmt, r + 1, "Build options", list(builds.columns), builds)
    util = tables.get("utilization.csv")
    if util is not None and (sp := find(util, "shadow_price")):
        binding = util[util[sp].abs() > TOL]
        cols = ["plant", "period", "product", "units", "max_units", sp]
        r = _block(ws, fmt, r + 1, "Binding capacities (shadow price = saving per extra unit)", cols, binding[cols])
    if limits is not None and len(limits):
        r = _limits_block(ws, fmt, r + 1, limits, cur)
    plan = tables.get("plan.csv")
    if plan is not None and {"plant", "period", "units"} <= set(plan.columns) and len(plan):
        right = max([6] + [len(builds.columns) if builds is not None else 0]) + 1  # right of every block
        everyone = list(plan["plant"]) + (list(util["plant"]) if util is not None and "plant" in util else [])
        _chart(wb, ws, fmt, r + 1, plan, right, plant_colours(everyone))


def _limits_block(ws, fmt, r: int, limits: pd.DataFrame, cur: str) -> int:
    """The binding limits besides capacities, in words, largest value first, as the terminal lists them."""
    from solver.results.binding import listed, other_title

    ws.write_string(r, 0, f"{other_title(limits)} ({cur} per unit)", fmt["section"])
    r += 1
    for j, c in enumerate(["limit", "period", "limit_units", f"value_per_unit_{cur}", "in words"]):
        ws.write_string(r, j, c, fmt["head"])
    texts, more = listed(limits)
    for rec in limits.head(len(texts)).itertuples(index=False):
        r += 1
        ws.write_string(r, 0, rec.family)
        ws.write_string(r, 1, str(rec.period))
        _write(ws, r, 2, rec.limit_units, "units", fmt, 3)
        _write(ws, r, 3, rec.value_per_unit, "money", fmt, 4)
        ws.write_string(r, 4, rec.text)
    if more:
        r += 1
        ws.write_string(r, 0, more)
    return r + 1


def _block(ws, fmt, r: int, heading: str, cols: list[str], df: pd.DataFrame) -> int:
    ws.write_string(r, 0, heading, fmt["section"])
    r += 1
    for j, c in enumerate(cols):
        ws.write_string(r, j, c, fmt["head"])
    for rec in df[cols].itertuples(index=False, name=None):
        r += 1
        for j, (c, v) in enumerate(zip(cols, rec, strict=True)):
            _write(ws, r, j, v, _kind(c), fmt, decimals_of(c))
    if df.empty:
        r += 1
        ws.write_string(r, 0, "(none)")
    return r + 1


def _chart(wb, ws, fmt, r: int, plan: pd.DataFrame, col: int, colours: dict[str, str]) -> None:
    """Units by plant (columns of the data block) and period (its rows), and a stacked column chart
    (each plant in its colour of every chart, ``case.palette``)."""
    periods = list(dict.fromkeys(plan["period"]))  # the plan is sorted by period already
    plants = natural_sorted(plan["plant"])  # as plan.csv lists them (w2 before w10)
    pivot = plan.pivot_table(index="period", columns="plant", values="units", aggfunc="sum", fill_value=0.0)
    pivot = pivot.reindex(index=periods, columns=plants, fill_value=0.0)
    units = pivot.to_numpy(float)
    ws.write_string(r, 0, "Units by plant and period", fmt["section"])
    top = r + 1
    ws.write_string(top, 0, "period", fmt["head"])
    for j, p in enumerate(plants, start=1):
        ws.write_string(top, j, p, fmt["head"])
    for i, t in enumerate(periods, start=1):
        ws.write_string(top + i, 0, str(t))
        for j, cell in enumerate(units[i - 1], start=1):
            ws.write_number(top + i, j, round(float(cell), 3), fmt["units"])
    chart = wb.add_chart({"type": "column", "subtype": "stacked"})
    for j, plant in enumerate(plants, start=1):
        chart.add_series(
            {
                "name": ["Summary", top, j],
                "categories": ["Summary", top + 1, 0, top + len(periods), 0],
                "values": ["Summary", top + 1, j, top + len(periods), j],
                "fill": {"color": colours[plant]},
                "border": {"none": True},
            }
        )
    chart.set_title({"name": "Units by plant and period"})
    chart.set_x_axis({"name": "period"})
    chart.set_y_axis({"name": "units", "num_format": "#,##0"})
    chart.set_legend({"position": "right"})
    chart.set_size({"width": 640, "height": 360})
    ws.insert_chart(2, col, chart)
