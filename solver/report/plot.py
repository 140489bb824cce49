"""PNG charts a manager can read (matplotlib, Agg: no screen needed).

Every chart: a title in words (the case and what varies), axes with units and thousands
separators, the legend outside the data. Build flips are drawn as solid red lines
labelled with the option; other breakpoints as grey dotted lines.

- a sweep's results.csv along one parameter: units per plant (stacked) and total cost;
- a sweep varying several parameters at once (a Monte-Carlo scenarios file): the
  distributions, a histogram of total cost and a fan chart of units per plant by period;
- breakeven's breakpoints.csv: the same as a sweep, with the exact breakpoints;
- ``solve --plot``: plan.png, units by plant and period (stacked, one panel per product
  where there are several) and the cost components by period.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from solver.case.palette import plant_colours
from solver.case.params import parse_value
from solver.errors import UsageError
from solver.io.outdir import COMMAND_OUTPUTS, OutputFolder, interrupted, read_record
from solver.io.output import read_dialect
from solver.report.charts import (
    BREAK,
    FLIP,
    ChartWarning,
    _flip_label,
    _legend,
    _line_legend,
    _pyplot,
    _save,
    _thousands,
    _two_panels,
    _x_format,
    axis_label,
    case_title,
    describe,
    money_scale,
)


def plot_results(path: Path, x: str | None, where: list[str], out: Path | None, distributions: bool = False) -> Path:
    _pyplot()
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    if (broken := interrupted(path.parent)) is not None:
        raise UsageError(broken)
    target = Path(out) if out else path.with_suffix(".png")
    rec = read_record(path.parent)
    if rec and rec.get("state") == "running":
        import warnings

        warnings.warn(
            f"{path} is from a plantsplit {rec.get('command', 'run')} that has not finished (still "
            "running, or stopped: --resume continues it): the chart shows the scenarios done so far",
            ChartWarning,
            stacklevel=2,
        )
    owner = rec if target.parent == path.parent else read_record(target.parent)
    if (
        owner is None
        or owner.get("command") not in COMMAND_OUTPUTS
        or target.name not in COMMAND_OUTPUTS[owner["command"]]
    ):
        return _plot_results(path, x, where, target, distributions)
    # a chart beside its run's outputs: written under that folder's lock and recorded as the run's,
    # so the next run there replaces or removes it with the rest (never a stale chart)
    with OutputFolder(target.parent, owner["command"]) as folder:
        png = _plot_results(path, x, where, target, distributions)
        folder.add(target.name)
    return png


def _plot_results(path: Path, x: str | None, where: list[str], out: Path, distributions: bool) -> Path:
    df = pd.read_csv(path, dtype={"scenario": str}, **read_dialect(path))  # any --csv-style we write
    meta_path = path.with_name("sweep.json")
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    currency = meta.get("currency", "USD")
    case = meta.get("case", path.parent.name)
    from solver.report.plot_stochastic import is_scenario_costs, plot_scenario_costs

    if is_scenario_costs(df):
        return plot_scenario_costs(path, df, out)
    df, currency = _plain_money_names(df, currency)
    if "breakpoint" in path.name or "value_from" in df.columns:
        meta = path.with_name("breakeven.json")
        name = json.loads(meta.read_text()).get("case", path.parent.name) if meta.is_file() else path.parent.name
        return plot_breakpoints(df, name, currency, out)
    return plot_table(df, x, where, case, currency, out, distributions, path.name)


def plot_table(
    df: pd.DataFrame,
    x: str | None,
    where: list[str],
    case: str,
    currency: str,
    out: Path,
    distributions: bool = False,
    source: str = "the results",
) -> Path:
    """A sweep's results (results.csv's columns) along one parameter, or as distributions."""
    df, currency = _plain_money_names(df, currency)
    case = case_title(case)
    fixed_cols = {"scenario", "status", "objective"}
    cols = list(df.columns)
    # parameters sit between the scenario and status columns of results.csv
    params = cols[cols.index("scenario") + 1 : cols.index("status")] if fixed_cols <= set(cols) else []
    if not params:
        raise UsageError(
            f"{source} is not a plantsplit sweep results.csv (it needs scenario, status, objective "
            "and parameter columns) nor a breakeven breakpoints.csv"
        )
    if x is not None and x not in params:
        raise UsageError(f"--x {x!r} is not a parameter of {source} (its parameters: {', '.join(params)})")
    df = df.assign(**{p: _numbers(df[p], p, source) for p in params})  # "2.5%" in files of older versions
    picked: list[str] = []
    for w in where:
        name, eq, value = w.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name or not value:
            raise UsageError(
                f"--where {w!r}: expected NAME=VALUE, e.g. --where {params[-1]}={_shown(df[params[-1]].iloc[0])}"
            )
        if name not in params:
            raise UsageError(
                f"--where {w!r}: {name!r} is not a parameter of {source} (its parameters: {', '.join(params)})"
            )
        try:
            v = parse_value(name, value)
        except UsageError:
            raise UsageError(f"--where {w!r}: {value!r} is not a number (e.g. 0.025 or 2.5% for a rate)") from None
        keep = (df[name] - v).abs() <= 1e-9 * max(1.0, abs(v))
        if not keep.any():
            raise UsageError(
                f"--where {w!r}: no scenario {'left ' if picked else ''}has {name} = {value} "
                f"(values: {_values(df[name])})"
            )
        df = df[keep]
        picked.append(f"{name} = {value}")
    # a slice of the results says so in its title, or the picture passes for all of them
    only = f"only the scenarios with {' and '.join(picked)}" if picked else ""
    if df.empty:
        raise UsageError("no scenario left to plot after --where")
    varying = [p for p in params if df[p].nunique() > 1]
    if distributions or (x is None and len(varying) > 1):
        return plot_distributions(df, varying or params, case, currency, out, only)
    x = x or params[0]
    for other in params:
        if other != x and df[other].nunique() > 1:
            raise UsageError(
                f"the results vary {other} too; pick one value with --where {other}=VALUE "
                f"(values: {_values(df[other])}), "
                "or plot the distributions with --distributions"
            )
    return plot_sweep(df.sort_values(x), x, case, currency, out, only)


def _numbers(col: pd.Series, name: str, source: str) -> pd.Series:
    """A parameter column as numbers (a rate written 2.5% is 0.025)."""
    if pd.api.types.is_numeric_dtype(col):
        return col
    out = []
    for k, t in enumerate(col):
        try:
            out.append(parse_value(name, t))
        except UsageError:
            raise UsageError(f"{source}, row {k + 2}, column {name}: {str(t)!r} is not a number") from None
    return pd.Series(out, index=col.index, dtype=float)


def _shown(v: float) -> str:
    return f"{v:.10g}"


def _values(col: pd.Series, shown: int = 12) -> str:
    vals = sorted(col.dropna().unique())
    more = f", ... ({len(vals)} in all)" if len(vals) > shown else ""
    return ", ".join(_shown(v) for v in vals[:shown]) + more


def _colours(plants: list[str]) -> list[str]:
    """The plants' colours of every chart (``case.palette``), in the order given."""
    colours = plant_colours(plants)
    return [colours[p] for p in plants]


def _plants(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c.startswith("units:") and "@" not in c]


def plot_sweep(df: pd.DataFrame, x: str, case: str, currency: str, out: Path, only: str = "") -> Path:
    plt = _pyplot()
    plants = _plants(df)
    fig, top, bottom = _two_panels(plt)
    ok = df["status"] == "optimal"
    xs = df.loc[ok, x]
    names = [c.split(":", 1)[1] for c in plants]
    top.stackplot(xs, *[df.loc[ok, c] for c in plants], labels=names, colors=_colours(names), alpha=0.85)
    top.set_ylabel("units produced over the horizon")
    _legend(top, "plant")
    top.set_title(f"{case}: production split against {describe(x, currency)}" + (f"\n{only}" if only else ""))
    _thousands(top)
    div, word = money_scale(df.loc[ok, "objective"])
    bottom.plot(xs, df.loc[ok, "objective"] / div, color="black")
    bottom.set_ylabel(f"total cost ({word}{currency})")
    _thousands(bottom)
    bottom.set_xlabel(axis_label(x, currency))
    _x_format(bottom, x)
    flips = False
    for b in [c for c in df.columns if c.startswith("built:")]:
        changed = df.loc[ok, b].diff().fillna(0) != 0
        for xv, now in zip(xs[changed], df.loc[ok, b][changed], strict=True):
            flips = True
            for ax in (top, bottom):
                ax.axvline(xv, **FLIP)
            _flip_label(top, xv, f"{b.split(':', 1)[1]} {'built' if now > 0.5 else 'not built'} from {xv:,.6g}")
    if (~ok).any():
        for xv in df.loc[~ok, x]:
            bottom.axvline(xv, color="grey", alpha=0.3)
        bottom.annotate("grey: infeasible scenarios", (0.01, 0.9), xycoords="axes fraction", fontsize=8)
    _line_legend(bottom, flips, False)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return _save(fig, out)


def plot_distributions(
    df: pd.DataFrame, params: list[str], case: str, currency: str, out: Path, only: str = ""
) -> Path:
    """Monte-Carlo view: histogram of total cost, fan chart (5-95% band, median) of units by period."""
    plt = _pyplot()
    ok = df[df["status"] == "optimal"]
    if ok.empty:
        raise UsageError("no feasible scenario to plot")
    plants = [c.split(":", 1)[1] for c in _plants(df)]
    by_period = {p: [c for c in df.columns if c.startswith(f"units:{p}@")] for p in plants}
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8), height_ratios=[2, 3])
    div, word = money_scale(ok["objective"])
    cost = ok["objective"] / div
    top.hist(cost, bins=min(40, max(5, len(ok) // 10)), color="steelblue", alpha=0.85, label="scenarios")
    for q, style in ((0.05, ":"), (0.5, "-"), (0.95, ":")):
        v = float(np.quantile(cost, q))
        top.axvline(
            v,
            color="black",
            linestyle=style,
            linewidth=1.2,
            label=f"{'median' if q == 0.5 else f'{q:.0%} quantile'}: {v:,.0f}",
        )
    top.set_xlabel(f"total cost ({word}{currency})")
    top.set_ylabel("scenarios")
    _thousands(top, "x")
    notes = [f"{len(ok):,} of {len(df):,} scenarios feasible"]
    for b in [c for c in df.columns if c.startswith("built:")]:
        notes.append(f"{b.split(':', 1)[1]} built in {(ok[b] > 0.5).mean():.0%}")
    top.annotate("\n".join(notes), (1.01, 0.0), xycoords="axes fraction", fontsize=9, va="bottom")
    _legend(top)
    words = [describe(p, currency) for p in params] if len(params) <= 3 else params[:4]
    varying = "; ".join(words) + (f" and {len(params) - 4} more" if len(params) > 4 else "")
    top.set_title(
        f"{case}: cost and production over {len(df):,} scenarios\nvarying {varying}" + (f"\n{only}" if only else "")
    )
    colours = plant_colours(plants)
    if all(by_period.values()):
        periods = [c.split("@", 1)[1] for c in by_period[plants[0]]]
        xs = np.arange(len(periods))
        for p in plants:
            made = ok[by_period[p]].to_numpy(float)
            lo, med, hi = (np.quantile(made, q, axis=0) for q in (0.05, 0.5, 0.95))
            col = colours[p]
            bottom.fill_between(xs, lo, hi, color=col, alpha=0.25, label=f"{p}: 5-95% of scenarios")
            bottom.plot(xs, med, color=col, marker="o", label=f"{p}: median")
        bottom.set_xticks(xs, periods)
        bottom.set_xlabel("period")
        bottom.set_ylabel("units produced per period")
    else:
        bottom.boxplot([ok[f"units:{p}"] for p in plants], tick_labels=plants, whis=(5, 95))
        bottom.set_ylabel("units produced over the horizon (box: quartiles, whiskers: 5-95%)")
    _thousands(bottom)
    _legend(bottom, "plant")
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return _save(fig, out)


def _plain_money_names(df: pd.DataFrame, currency: str) -> tuple[pd.DataFrame, str]:
    """objective_USD -> objective (and the currency it names), as the tables are in memory."""
    names = {}
    for col in df.columns:
        for base in ("objective", "objective_from", "objective_to"):
            suffix = col[len(base) + 1 :]
            if col.startswith(base + "_") and suffix.isalpha() and suffix.isupper():
                names[col], currency = base, suffix
    return df.rename(columns=names), currency


def plot_breakpoints(df: pd.DataFrame, case: str, currency: str, out: Path) -> Path:
    """Breakeven's intervals (breakpoints.csv's columns): units, the exact cost curve, breakpoints."""
    plt = _pyplot()
    df, currency = _plain_money_names(df, currency)
    name = str(df["parameter"].iat[0])
    plants = _plants(df)
    fig, top, bottom = _two_panels(plt)
    xs: list[float] = []
    ys: dict[str, list[float]] = {c: [] for c in plants}
    for _, r in df.iterrows():
        xs += [r["value_from"], r["value_to"]]
        for c in plants:
            ys[c] += [r[c], r[c]]
    names = [c.split(":", 1)[1] for c in plants]
    top.stackplot(xs, *[ys[c] for c in plants], labels=names, colors=_colours(names), alpha=0.85)
    top.set_ylabel("units produced over the horizon")
    _legend(top, "plant")
    top.set_title(f"{case_title(case)}: production split against {describe(name, currency)}, exact breakpoints")
    _thousands(top)
    # Within an interval the objective is linear in the search variable: 1/rate for an
    # exchange rate of another currency than the reporting one, else the value itself.
    inverse = name.startswith("fx:") and name[3:].split("@")[0] != currency
    f = (lambda v: 1.0 / v) if inverse else (lambda v: v)
    div, word = money_scale(df[["objective_from", "objective_to"]].to_numpy().ravel())
    for _, r in df[df["status"] == "optimal"].iterrows():
        v = np.linspace(r["value_from"], r["value_to"], 50)
        w = (f(v) - f(r["value_from"])) / (f(r["value_to"]) - f(r["value_from"]))
        bottom.plot(v, (r["objective_from"] + w * (r["objective_to"] - r["objective_from"])) / div, color="black")
    builds = [c for c in df.columns if c.startswith("built:")]
    flips = breaks = False
    for i in range(1, len(df)):
        start = df["value_from"].iloc[i]
        flipped = [b for b in builds if df[b].iloc[i] != df[b].iloc[i - 1]]
        for ax in (top, bottom):
            ax.axvline(start, **(FLIP if flipped else BREAK))
        flips, breaks = flips or bool(flipped), breaks or not flipped
        for b in flipped:
            _flip_label(top, start, f"{b[6:]} {'built' if df[b].iloc[i] > 0.5 else 'not built'} from {start:,.6g}")
    bottom.set_ylabel(f"total cost ({word}{currency})")
    _thousands(bottom)
    bottom.set_xlabel(axis_label(name, currency))
    _x_format(bottom, name)
    _line_legend(bottom, flips, breaks)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return _save(fig, out)
