"""The cost distribution of a stochastic decision: scenario_costs.csv as a CDF (PNG).

One step curve per decision (recommended, mean-value; perfect information in grey):
P(cost <= c) with the scenarios' probabilities, with E[cost] (solid) and CVaR (dashed)
marked; alpha comes from summary.json beside the file (default 0.95).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from solver.errors import UsageError
from solver.results.risk import expected, var_cvar

CURVES = (
    ("cost_recommended", "recommended decision", "tab:blue"),
    ("cost_mean_value_decision", "mean-value decision", "tab:orange"),
    ("cost_perfect_information", "perfect information", "grey"),
)


def is_scenario_costs(df: pd.DataFrame) -> bool:
    return any(c.startswith("cost_recommended_") for c in df.columns) and "probability" in df.columns


def plot_scenario_costs(path: Path, df: pd.DataFrame, out: Path | None) -> Path:
    """scenario_costs.csv's picture; alpha and the case's name come from summary.json beside it."""
    summary = path.with_name("summary.json")
    info = json.loads(summary.read_text()) if summary.exists() else {}
    # folders written before summary.json named the case: the folder's name
    return plot_costs(
        df, info.get("case") or path.parent.name, info.get("cvar_alpha", 0.95), out or path.with_suffix(".png")
    )


def plot_costs(df: pd.DataFrame, case: str, alpha: float, out: Path) -> Path:
    """scenario_costs.csv's columns (money columns named with the currency) as a PNG."""
    from solver.report.charts import _pyplot, _save, _thousands, case_title, money_scale

    plt = _pyplot()  # a usage error naming the plot extra when matplotlib is missing

    case = case_title(case)
    currency = next(c for c in df.columns if c.startswith("cost_recommended_")).rpartition("_")[2]
    p = df["probability"].to_numpy(float)
    money = [c for c in (f"{b}_{currency}" for b, _, _ in CURVES) if c in df.columns]
    div, word = money_scale(df[money].to_numpy(float).ravel()[~np.isnan(df[money].to_numpy(float).ravel())])
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for base, label, color in CURVES:
        col = f"{base}_{currency}"
        if col not in df.columns:
            continue
        c = df[col].to_numpy(float)
        if np.isnan(c).any():
            n = int(np.isnan(c).sum())
            label += f" (infeasible in {n} scenario{'s' if n != 1 else ''}, left out)"
        keep = ~np.isnan(c)
        order = np.argsort(c[keep], kind="stable")
        xs, ws = c[keep][order] / div, np.cumsum(p[keep][order])
        ax.step(xs, ws, where="post", color=color, label=label, linewidth=1.6 if color != "grey" else 1)
        if keep.all() and color != "grey":
            e, cvar = expected(c, p), var_cvar(c, p, alpha)[1]
            ax.axvline(e / div, color=color, linewidth=1)
            ax.axvline(cvar / div, color=color, linestyle="--", linewidth=1)
            ax.annotate(f"E {e / div:,.0f}", (e / div, 0.03), color=color, fontsize=8, rotation=90, ha="right")
            ax.annotate(
                f"CVaR {alpha:g}: {cvar / div:,.0f}",
                (cvar / div, 0.03),
                color=color,
                fontsize=8,
                rotation=90,
                ha="right",
            )
    _thousands(ax, "x")
    ax.set_xlabel(f"cost of the scenario ({word}{currency}); solid: expected cost, dashed: CVaR {alpha:g}")
    ax.set_ylabel("probability that the cost is at most this")
    ax.set_title(
        f"{case}: cost of each scenario, recommended decision against the mean-value one ({len(df):,} scenarios)",
        fontsize=10,
    )
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    if not np.isfinite(p).all():
        raise UsageError("scenario_costs: the probability column is not numeric")
    return _save(fig, out)
