"""The report's sections on studies: sweeps (bars per named scenario, a line over a grid's parameter),
breakeven (every breakpoint, each labelled with all the decisions that change there), stochastic
decisions (the decision, its cost distribution with CVaR marked, RP/EEV/WS/VSS/EVPI) and comparisons."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from solver.report.charts import axis_label, describe
from solver.report.folders import Folder, money_column, records
from solver.report.html_parts import cell, figure, section, table
from solver.report.svg import BREAK_COLOUR, FLIP_COLOUR, Mark, Series, bar_chart, esc, line_chart, money_scale

MANY = 60  # named scenarios drawn as bars up to this many; beyond, their cost distribution


def _cols(df: pd.DataFrame, prefix: str) -> list[str]:
    """The columns of a prefix: plants' totals (not ``units:plant@period``), every decision (``built:``, with
    a window's starts ``option@period`` and closings ``close:plant@period``)."""
    return [c for c in df.columns if str(c).startswith(prefix) and (prefix == "built:" or "@" not in str(c))]


def _state(row, builds: list[str]) -> dict[str, bool]:
    return {b[6:]: float(row[b]) > 0.5 for b in builds}


def decision_words(option: str, now: bool) -> str:
    """``busan-line built``, ``busan-line@2015 built`` (a window's start), ``kyushu closes from 2013``
    (a closing option, ``close:kyushu@2013``) or their negations."""
    if option.startswith("close:"):
        plant, _, period = option[6:].partition("@")
        return f"{plant} closes from {period}" if now else f"{plant} does not close from {period}"
    return f"{option} {'built' if now else 'not built'}"


def _flips(before: dict[str, bool], after: dict[str, bool]) -> list[str]:
    return [decision_words(o, now) for o, now in after.items() if before.get(o) != now]


def _v(x: float) -> str:
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


def params_of(df: pd.DataFrame) -> list[str]:
    cols = list(df.columns)
    return cols[cols.index("scenario") + 1 : cols.index("status")]


def sweep_section(f: Folder, colours: dict[str, str]) -> str:
    df, cur = f.tables["results.csv"], f.currency
    obj, params = money_column(df, "objective"), params_of(df)
    plants, builds = _cols(df, "units:"), _cols(df, "built:")
    ok = df[df["status"] == "optimal"]
    varying = [p for p in params if df[p].nunique() > 1]
    grid = len(varying) == 1 and all(re.fullmatch(r"s\d+", str(s)) for s in df["scenario"])
    parts = [f"<p>{len(df):,} scenarios varying {esc(', '.join(varying or params))}; "
             f"{len(df) - len(ok):,} infeasible.</p>"]  # fmt: skip
    if ok.empty:
        parts.append("<p>No scenario has a plan.</p>")
    elif grid:
        parts += _sweep_line(f, ok.sort_values(varying[0]), varying[0], obj, plants, builds, colours)
    elif len(ok) <= MANY:
        parts += _sweep_bars(f, ok, obj, plants, builds, colours, varying)
    else:
        parts += _sweep_spread(f, ok, obj, builds)
    heads = ["scenario", *params, "status", f"total cost ({cur})", *[c[6:] + " units" for c in plants],
             *[c[6:] for c in builds]]  # fmt: skip
    rows = [
        [cell(r["scenario"]), *[_param_cell(p, r[p]) for p in params], cell(r["status"]), cell(r[obj], "money"),
         *[cell(r[c], "units") for c in plants], *[cell("built" if r[b] > 0.5 else "not built") for b in builds]]
        for r in records(df)
    ]  # fmt: skip
    parts.append(table(heads, rows, "Every scenario (results.csv)", "results.csv"))
    return section(f"sweep-{f.n}", f"Sweep: {f.case}", parts)


def _sweep_line(f, ok, x, obj, plants, builds, colours) -> list[str]:
    xs = [float(v) for v in ok[x]]
    marks, before, last = [], None, None
    for xv, r in zip(xs, records(ok), strict=True):
        now = _state(r, builds)
        if before is not None and last is not None and (changed := _flips(before, now)):
            # drawn halfway: the flip is somewhere between the two values run (breakeven finds where)
            marks.append(Mark((last + xv) / 2, f"between {_v(last)} and {_v(xv)}: {', '.join(changed)}"))
        before, last = now, xv
    div, word = money_scale(ok[obj])
    words, label = describe(x, f.currency), _x_label(x, f.currency)
    cost = line_chart(
        f"{f.case}: total cost against {words}", [Series("total cost", list(ok[obj] / div), "#111", xs)], label,
        f"total cost ({word}{f.currency}, present value)", marks,
    )  # fmt: skip
    units = line_chart(
        f"{f.case}: units by plant against {words}",
        [Series(c[6:], list(ok[c]), colours.get(c[6:], "#777"), xs) for c in plants], label,
        "units produced over the horizon (units)", marks, "plant", from_zero=True,
    )  # fmt: skip
    note = (
        "Red lines: a build decision flips between the two values run either side (halfway drawn; every option "
        "that flips is named; plantsplit breakeven finds the exact value)."
        if marks
        else ""
    )
    return [figure(cost, note), figure(units)]


def _param_cell(name: str, value) -> str:
    """A parameter's value in the scenario table: a duty rate as a percentage (0.25 is 25.00%)."""
    return cell(value, "rate" if name.startswith("tariff:") else "num")


def _x_label(name: str, currency: str) -> str:
    """A parameter as an axis label: in words, then as written with its unit (the KRW/USD rate: fx:KRW (KRW
    per 1 USD))."""
    return f"{describe(name, currency)}: {axis_label(name, currency)}"


def _sweep_bars(f, ok, obj, plants, builds, colours, varying: list[str]) -> list[str]:
    names = [str(s) for s in ok["scenario"]]
    axis = "scenario"
    if varying and all(re.fullmatch(r"s\d+", n) for n in names):  # a grid over several parameters: its values
        names = [" / ".join(_v(float(r[p])) for p in varying) for r in records(ok)]
        axis = f"scenario (values of {' / '.join(varying)})"
    div, word = money_scale(ok[obj])
    cost = bar_chart(
        f"{f.case}: total cost by scenario", names, [Series("total cost", list(ok[obj] / div), "#4e79a7")],
        axis, f"total cost ({word}{f.currency}, present value)", unit=f" {word}{f.currency}",
    )  # fmt: skip
    units = bar_chart(
        f"{f.case}: units by plant and scenario", names,
        [Series(c[6:], list(ok[c]), colours.get(c[6:], "#777")) for c in plants], axis,
        "units produced over the horizon (units)", "plant", " units",
    )  # fmt: skip
    # scenarios are alternatives, not a sequence: for each option, where it is built and where not
    notes = []
    for b in builds:
        yes = [n for n, r in zip(names, records(ok), strict=True) if float(r[b]) > 0.5]
        no = [n for n in names if n not in yes]
        where = [f"built in {', '.join(yes)}" if yes else "", f"not built in {', '.join(no)}" if no else ""]
        notes.append(f"{b[6:]}: {'; '.join(w for w in where if w)}")
    told = "".join(f"<li>{esc(n)}</li>" for n in notes)
    return [figure(cost), figure(units), f"<h3>Build decisions by scenario</h3><ul>{told}</ul>" if builds else ""]


def _sweep_spread(f, ok, obj, builds) -> list[str]:
    """Many scenarios (a Monte-Carlo file): their cost as a distribution, and how often each option is built."""
    div, word = money_scale(ok[obj])
    cost = np.sort(ok[obj].to_numpy(float)) / div
    share = list(np.arange(1, len(cost) + 1) / len(cost))
    marks = [Mark(float(np.quantile(cost, q)), f"{q:.0%}: {np.quantile(cost, q):,.0f}", "#555", "4 3")
             for q in (0.05, 0.5, 0.95)]  # fmt: skip
    svg = line_chart(
        f"{f.case}: cost over {len(ok):,} scenarios", [Series("scenarios", share, "#4e79a7", list(cost))],
        f"total cost ({word}{f.currency}, present value)", "share of scenarios costing at most this", marks,
        step=True, y_range=(0.0, 1.0),
    )  # fmt: skip
    built = "".join(f"<li>{esc(b[6:])} built in {(ok[b] > 0.5).mean():.0%} of the scenarios</li>" for b in builds)
    return [figure(svg, "Dashed: the 5%, 50% and 95% quantiles."), f"<ul>{built}</ul>" if built else ""]


def _cost_curve(df: pd.DataFrame, name: str, cur: str, lo: str, hi: str) -> tuple[list[float], list[float]]:
    """The exact cost over the range: linear within each interval in 1/rate for an exchange rate, else in
    the value itself (as plantsplit plot draws it)."""
    inverse = name.startswith("fx:") and name[3:].split("@")[0] != cur
    xs, ys = [], []
    for r in records(df[df["status"] == "optimal"]):
        a, b = float(r["value_from"]), float(r["value_to"])
        f = (lambda v: 1.0 / v) if inverse and a > 0 else (lambda v: v)
        for v in np.linspace(a, b, 24):
            w = (f(v) - f(a)) / (f(b) - f(a)) if f(b) != f(a) else 0.0
            xs.append(float(v))
            ys.append(float(r[lo] + w * (r[hi] - r[lo])))
        xs.append(b)
        ys.append(math.nan)  # no line across an infeasible stretch or a jump
    return xs, ys


def breakeven_section(f: Folder, colours: dict[str, str]) -> str:
    df, cur = f.tables["breakpoints.csv"], f.currency
    name = str(df["parameter"].iat[0]) if len(df) else f.info.get("parameter", "?")
    lo, hi = money_column(df, "objective_from"), money_column(df, "objective_to")
    plants, builds = _cols(df, "units:"), _cols(df, "built:")
    marks, rows = [], []
    for i in range(1, len(df)):
        v, a, b = float(df["value_from"].to_numpy()[i]), df.iloc[i - 1], df.iloc[i]
        flipped = _flips(_state(a, builds), _state(b, builds))
        moves = [f"{c[6:]} {float(b[c]) - float(a[c]):+,.0f}" for c in plants if abs(float(b[c]) - float(a[c])) > 0.5]
        status = f"{a['status']} to {b['status']}" if a["status"] != b["status"] else ""
        what = ", ".join(flipped) or status or "the plan changes"
        marks.append(Mark(v, f"{_v(v)}: {what}", FLIP_COLOUR if flipped else BREAK_COLOUR, "" if flipped else "3 3"))
        rows.append([cell(v, "num"), cell(", ".join(flipped) or "none"), cell(", ".join(moves) or "none"),
                     cell(status or "unchanged")])  # fmt: skip
    xs, ys = _cost_curve(df, name, cur, lo, hi)
    div, word = money_scale([y for y in ys if math.isfinite(y)] or [0])
    words, label = describe(name, cur), _x_label(name, cur)
    cost = line_chart(
        f"{f.case}: total cost against {words}, exact breakpoints", [Series("total cost", [y / div for y in ys],
        "#111", xs)], label, f"total cost ({word}{cur}, present value)", marks,
    )  # fmt: skip
    steps = [float(v) for v in df["value_from"]] + [float(df["value_to"].to_numpy()[-1])]
    units = line_chart(
        f"{f.case}: units by plant against {words}",
        [Series(c[6:], [float(v) for v in df[c]] + [float(df[c].to_numpy()[-1])], colours.get(c[6:], "#777"), steps)
         for c in plants], label, "units produced over the horizon (units)", marks, "plant", step=True,
        from_zero=True,
    )  # fmt: skip
    intro = (
        f"<p>{len(df) - 1} breakpoint{'s' if len(df) != 2 else ''} of {esc(name)} in "
        f"[{_v(float(df['value_from'].min()))}, {_v(float(df['value_to'].max()))}]. Red lines: build decisions "
        "flip there, each line labelled with every decision that changes; grey dotted: the plan's units change.</p>"
    )
    heads = ["value", "build decisions that change", "units by plant (change over the horizon)", "status change"]
    return section(
        f"breakeven-{f.n}",
        f"Breakeven: {f.case}",
        [intro, figure(cost), figure(units), table(heads, rows, "Every breakpoint")],
    )
