"""Two `stochastic` output folders side by side (``plantsplit compare``).

What a stochastic run decides and what it costs, B against A, as rows of comparison.csv
(the columns of a solve's comparison: section, item, period, unit, value_a, value_b,
change = value_b - value_a; period is ``all``):

    section        item                                          unit
    figure         objective, expected_cost, cvar, mean_value_cost,  <CUR>
                   expected_cost_of_mean_value_decision,
                   wait_and_see_cost, vss, evpi (summary.json)
    scenario_cost  mean, min, p05, p25, median, p75, p95, max        <CUR>
                   of the recommended decision's cost per scenario
                   (scenario_costs.csv), probability-weighted
    build          option built differently by the recommendation    built (1 = yes)
    setting        risk_weight, cvar_alpha, scenarios                 as named

A q-quantile is the smallest scenario cost c with P(cost <= c) >= q (the step of the
cost CDF that ``plantsplit plot`` draws); a figure that is not finite is a blank cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

FIGURES = (
    "objective",
    "expected_cost",
    "cvar",
    "mean_value_cost",
    "expected_cost_of_mean_value_decision",
    "wait_and_see_cost",
    "vss",
    "evpi",
)
QUANTILES = (("p05", 0.05), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p95", 0.95))
SETTINGS = (("risk_weight", "weight of CVaR"), ("cvar_alpha", "CVaR level"), ("scenarios", "scenarios"))


@dataclass
class StochasticTables:
    """What a stochastic run says, in the shape comparison needs."""

    kind: str
    case: str
    currency: str
    objective: float
    figures: dict  # summary.json's money figures (None = not finite)
    settings: dict  # risk_weight, cvar_alpha, scenarios, method
    builds: pd.DataFrame  # option, built
    costs: np.ndarray  # the recommended decision's cost per scenario
    probability: np.ndarray
    discounted: bool = False


def stochastic_tables(folder: Path, info: dict) -> StochasticTables:
    from solver.io.readback import need

    return tables_from(
        need(folder, "decision.csv", "stochastic"), need(folder, "scenario_costs.csv", "stochastic"), info, folder.name
    )


def run_tables(run) -> StochasticTables:
    """Tables of a stochastic decision held in memory (a ``StochasticRun`` of the Python API)."""
    where = f"run of {run.case.name}"
    return tables_from((run.decision, where), (run.scenario_costs, where), run.summary, run.case.name)


def tables_from(decision, scenario_costs, info: dict, name: str) -> StochasticTables:
    """From (DataFrame, where) pairs of decision.csv and scenario_costs.csv, and summary.json's dict."""
    from solver.io.readback import column

    (dec, dp), (sc, sp) = decision, scenario_costs
    cost = column(sc, "cost_recommended", sp)
    currency = str(info.get("currency") or cost.rpartition("_")[2])
    builds = pd.DataFrame({"option": dec["option"].astype(str), "built": dec[column(dec, "built", dp)].astype(float)})
    objective = info.get("objective")
    return StochasticTables(
        "stochastic",
        str(info.get("case", name)),
        currency,
        float(objective) if objective is not None else math.nan,
        {k: info.get(k) for k in FIGURES},
        {k: info.get(k) for k, _ in SETTINGS} | {"method": info.get("method")},
        builds,
        sc[cost].to_numpy(float),
        sc["probability"].to_numpy(float),
        bool(info.get("discount_rate") or 0),
    )


def distribution(costs: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Mean, min, quantiles and max of costs with probabilities p (NaN if a cost is missing)."""
    names = ["mean", "min", *(n for n, _ in QUANTILES), "max"]
    if not len(costs) or not np.isfinite(costs).all():
        return dict.fromkeys(names, math.nan)
    order = np.argsort(costs, kind="stable")
    c, cum = costs[order], np.cumsum(p[order])
    out = {"mean": float(p @ costs) / float(p.sum()), "min": float(c[0])}
    for name, q in QUANTILES:
        out[name] = float(c[min(np.searchsorted(cum, q * cum[-1] - 1e-12), len(c) - 1)])
    out["max"] = float(c[-1])
    return out


def _num(v) -> float:
    return math.nan if v is None else float(v)


def stochastic_rows(a: StochasticTables, b: StochasticTables, tol: float) -> list[dict]:
    cur = a.currency
    rows = [
        {
            "section": "figure",
            "item": k,
            "period": "all",
            "unit": cur,
            "value_a": _num(a.figures[k]),
            "value_b": _num(b.figures[k]),
        }
        for k in FIGURES
    ]
    da, db = distribution(a.costs, a.probability), distribution(b.costs, b.probability)
    rows += [
        {"section": "scenario_cost", "item": k, "period": "all", "unit": cur, "value_a": da[k], "value_b": db[k]}
        for k in da
    ]
    ba, bb = (t.builds.set_index("option")["built"] for t in (a, b))
    for opt in dict.fromkeys(list(ba.index) + list(bb.index)):
        va, vb = float(ba.get(opt, 0.0)), float(bb.get(opt, 0.0))
        if abs(va - vb) > tol:
            rows.append(
                {
                    "section": "build",
                    "item": opt,
                    "period": "all",
                    "unit": "built (1 = yes)",
                    "value_a": va,
                    "value_b": vb,
                }
            )
    rows += [
        {
            "section": "setting",
            "item": k,
            "period": "all",
            "unit": unit,
            "value_a": _num(a.settings[k]),
            "value_b": _num(b.settings[k]),
        }
        for k, unit in SETTINGS
    ]
    return rows


def render_stochastic(
    table: pd.DataFrame, a_name: str, b_name: str, a: StochasticTables, b: StochasticTables, block, tol: float
) -> list[str]:
    """The terminal summary: key figures, the cost distribution, builds and settings that differ."""
    cur = a.currency

    def head(name, t: StochasticTables) -> str:
        s = t.settings
        return (
            f"{name} (case {t.case}, {s['scenarios']:,} scenarios, risk weight {s['risk_weight']:g}, "
            f"objective {t.objective:,.0f} {cur})"
            if s["scenarios"] is not None
            else f"{name} (case {t.case})"
        )

    lines = [f"A: {head(a_name, a)}", f"B: {head(b_name, b)}", ""]
    pv = ", present value" if a.discounted or b.discounted else ""
    block(lines, f"Key figures ({cur}{pv}):", table[table["section"] == "figure"])
    block(
        lines,
        f"Cost of the recommended decision across the scenarios ({cur}{pv}):",
        table[table["section"] == "scenario_cost"],
    )
    builds = table[table["section"] == "build"]
    if len(builds):
        lines.append("Builds that differ (the recommended decision):")
        say = lambda v: "built" if v > 1 - tol else "not built" if v < tol else f"{v:.3f} built"  # noqa: E731
        lines += [f"  {r['item']}: {say(r['value_a'])} in A, {say(r['value_b'])} in B" for _, r in builds.iterrows()]
    else:
        lines.append("Builds: the same in both.")
    settings = table[(table["section"] == "setting") & (table["change"].abs() > tol)]
    methods = a.settings["method"], b.settings["method"]
    if len(settings) or methods[0] != methods[1]:
        lines.append(
            "Settings that differ: "
            + "; ".join(
                [f"{r['item']} {r['value_a']:,.6g} in A, {r['value_b']:,.6g} in B" for _, r in settings.iterrows()]
                + ([f"method {methods[0]} in A, {methods[1]} in B"] if methods[0] != methods[1] else [])
            )
        )
    return lines
