"""PNG charts of sweep results and breakpoints (matplotlib, no screen needed)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import UsageError

UNIT_LABELS = {
    "fx": "{a} per 1 {cur}", "tariff": "duty rate", "freight": "freight per unit (lane currency)",
    "freight_scale": "freight multiplier", "demand": "units", "demand_scale": "demand multiplier",
    "capacity": "max units", "cost_scale": "production cost multiplier",
}


def axis_label(name: str, currency: str) -> str:
    kind, _, rest = name.partition(":")
    a = rest.split(":")[0].split("/")[0].split("@")[0]
    unit = UNIT_LABELS.get(kind, "").format(a=a, cur=currency)
    return f"{name} ({unit})" if unit else name


def plot_results(path: Path, x: str | None, where: list[str], out: Path | None) -> Path:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError("plantsplit plot needs matplotlib: pip install 'plantsplit[plot]'") from None
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    df = pd.read_csv(path, dtype={"scenario": str})
    meta_path = path.with_name("sweep.json")
    currency = json.loads(meta_path.read_text()).get("currency", "USD") if meta_path.exists() else "USD"
    from .plot_stochastic import is_scenario_costs, plot_scenario_costs

    if is_scenario_costs(df):
        return plot_scenario_costs(path, df, out)
    df, currency = _plain_money_names(df, currency)
    fixed_cols = {"scenario", "status", "objective"}
    cols = list(df.columns)
    # parameters sit between the scenario and status columns of results.csv
    params = cols[cols.index("scenario") + 1:cols.index("status")] if fixed_cols <= set(cols) else []
    if "breakpoint" in path.name or "value_from" in df.columns:
        return plot_breakpoints(path, df, out, currency)
    if not params or not fixed_cols <= set(df.columns):
        raise UsageError(f"{path} is not a plantsplit sweep results.csv (it needs scenario, status, objective "
                         "and parameter columns) nor a breakeven breakpoints.csv")
    x = x or params[0]
    if x not in params:
        raise UsageError(f"--x {x!r} is not a parameter of {path.name} (its parameters: {', '.join(params)})")
    for w in where:
        name, _, value = w.partition("=")
        if name not in params:
            raise UsageError(f"--where {w!r}: {name!r} is not a parameter of {path.name}")
        df = df[(df[name] - float(value)).abs() < 1e-12]
    for other in params:
        if other != x and df[other].nunique() > 1:
            raise UsageError(f"the results vary {other} too; pick one value with --where {other}=VALUE "
                             f"(values: {', '.join(f'{v:g}' for v in sorted(df[other].unique())[:8])})")
    if df.empty:
        raise UsageError("no scenario left to plot after --where")
    df = df.sort_values(x)
    plants = [c for c in df.columns if c.startswith("units:") and "@" not in c]

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=[3, 2])
    ok = df["status"] == "optimal"
    xs = df.loc[ok, x]
    top.stackplot(xs, *[df.loc[ok, c] for c in plants], labels=[c.split(":", 1)[1] for c in plants], alpha=0.85)
    top.set_ylabel("units produced over the horizon")
    top.legend(loc="upper left", fontsize=9, title="plant")
    top.set_title(f"{path.parent.name}: production split against {x}")
    top.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    bottom.plot(xs, df.loc[ok, "objective"] / 1e6, color="black")
    bottom.set_ylabel(f"total cost (million {currency})")
    bottom.set_xlabel(axis_label(x, currency))
    for b in [c for c in df.columns if c.startswith("built:")]:
        flips = df.loc[ok, b].diff().fillna(0) != 0
        for xv, now in zip(xs[flips], df.loc[ok, b][flips]):
            for ax in (top, bottom):
                ax.axvline(xv, color="red", linestyle="--", linewidth=1)
            top.annotate(f"{b.split(':', 1)[1]} {'built' if now > 0.5 else 'not built'} from here",
                         (xv, top.get_ylim()[1] * 0.95), xytext=(4, 0), textcoords="offset points",
                         color="red", fontsize=8, ha="left")
    if (~ok).any():
        for xv in df.loc[~ok, x]:
            bottom.axvline(xv, color="grey", alpha=0.3)
        bottom.annotate("grey: infeasible scenarios", (0.01, 0.9), xycoords="axes fraction", fontsize=8)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, out or path.with_suffix(".png"))


def _plain_money_names(df: pd.DataFrame, currency: str) -> tuple[pd.DataFrame, str]:
    """objective_USD -> objective (and the currency it names), as the tables are in memory."""
    names = {}
    for col in df.columns:
        for base in ("objective", "objective_from", "objective_to"):
            suffix = col[len(base) + 1:]
            if col.startswith(base + "_") and suffix.isalpha() and suffix.isupper():
                names[col], currency = base, suffix
    return df.rename(columns=names), currency


def plot_breakpoints(path: Path, df: pd.DataFrame, out: Path | None, currency: str) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    name = df["parameter"].iat[0]
    plants = [c for c in df.columns if c.startswith("units:") and "@" not in c]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True, height_ratios=[3, 2])
    xs, ys = [], {c: [] for c in plants}
    for _, r in df.iterrows():
        xs += [r["value_from"], r["value_to"]]
        for c in plants:
            ys[c] += [r[c], r[c]]
    top.stackplot(xs, *[ys[c] for c in plants], labels=[c.split(":", 1)[1] for c in plants], alpha=0.85)
    top.set_ylabel("units produced over the horizon")
    top.legend(loc="upper left", fontsize=9, title="plant")
    top.set_title(f"{path.parent.name}: exact breakpoints in {name}")
    top.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    import numpy as np

    # Within an interval the objective is linear in the search variable: 1/rate for an
    # exchange rate of another currency than the reporting one, else the value itself.
    inverse = name.startswith("fx:") and name[3:].split("@")[0] != currency
    f = (lambda v: 1.0 / v) if inverse else (lambda v: v)
    for _, r in df[df["status"] == "optimal"].iterrows():
        v = np.linspace(r["value_from"], r["value_to"], 50)
        w = (f(v) - f(r["value_from"])) / (f(r["value_to"]) - f(r["value_from"]))
        bottom.plot(v, (r["objective_from"] + w * (r["objective_to"] - r["objective_from"])) / 1e6, color="black")
    builds = [c for c in df.columns if c.startswith("built:")]
    for i in range(1, len(df)):
        v = df["value_from"].iat[i]
        for ax in (top, bottom):
            ax.axvline(v, color="red", linestyle="--", linewidth=1)
        for b in builds:
            if df[b].iat[i] != df[b].iat[i - 1]:
                top.annotate(f"{b[6:]} {'built' if df[b].iat[i] > 0.5 else 'not built'} from {v:.6g}",
                             (v, top.get_ylim()[1] * 0.97), xytext=(4, 0), textcoords="offset points",
                             color="red", fontsize=8, ha="left", va="top")
    bottom.set_ylabel(f"total cost (million {currency})")
    bottom.set_xlabel(axis_label(name, currency) + "; red: breakpoints")
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return _save(fig, out or path.with_suffix(".png"))


def _save(fig, out: Path) -> Path:
    import matplotlib.pyplot as plt

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    os.replace(tmp, out)
    return out
