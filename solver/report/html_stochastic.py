"""The report's sections on a stochastic decision (the decision, its cost distribution with CVaR marked,
RP/EEV/WS/VSS/EVPI in a line each, the decisions compared) and on a comparison of two runs; and the
one-sentence summaries of studies for the recommendation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from solver.report.folders import Folder, money, records
from solver.results.risk import expected, var_cvar
from solver.report.html_parts import cell, figure, section, table
from solver.report.svg import Mark, Series, bar_chart, esc, line_chart, money_scale

# decisions in black and greys (no plant's colour: a plant's colour means that plant on every chart)
CURVES = (
    ("cost_recommended", "recommended decision", "#111111"),
    ("cost_mean_value_decision", "mean-value decision", "#6b6b6b"),
    ("cost_perfect_information", "perfect information", "#b0b0b0"),
)


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _num(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def stochastic_sentence(f: Folder) -> str:
    d, info, cur = f.tables["decision.csv"], f.info, f.currency
    built = list(d.loc[d["built"] > 0.5, "option"])
    mean = list(d.loc[d["built_mean_value"] > 0.5, "option"]) if d["built_mean_value"].notna().all() else None
    text = (
        f"Build {_names(built)}"
        if built
        else (f"Build none of the {len(d)} expansion options" if len(d) > 1 else "Do not build the expansion option")
    ) + (" before the future is known")
    if mean is None:
        text += " (the mean-value problem has no plan)"
    elif set(mean) == set(built):
        text += " (planning for the average future makes the same decision)"
    else:
        text += f" (planning for the average future would build {_names(mean) if mean else 'nothing'} instead)"
    text += f": expected cost {_num(info.get('expected_cost')):,.0f} {cur} over {info.get('scenarios', '?')} scenarios"
    if _num(info.get("risk_weight")) > 0:
        text += (
            f", minimising expected cost + {_num(info['risk_weight']):g} x CVaR {_num(info.get('cvar_alpha')):g} "
            f"= {_num(info.get('objective')):,.0f}"
        )
    return text + "."


def study_sentence(f: Folder) -> str:
    """A sentence for a report with no plan and no stochastic decision in it."""
    if f.kind == "breakeven":
        df = f.tables["breakpoints.csv"]
        builds = [c for c in df.columns if str(c).startswith("built:")]
        flips = []
        for i in range(1, len(df)):
            if changed := [b[6:] for b in builds if df[b].to_numpy()[i] != df[b].to_numpy()[i - 1]]:
                flips.append(f"{float(df['value_from'].to_numpy()[i]):,.6g} ({', '.join(changed)})")
        name = str(df["parameter"].to_numpy()[0]) if len(df) else "?"
        text = f"{f.case}: the plan changes at {len(df) - 1} values of {name}"
        return text + (f"; build decisions flip at {'; '.join(flips)}." if flips else "; no build decision flips.")
    if f.kind == "sweep":
        df = f.tables["results.csv"]
        obj = money(df, "objective")
        ok = df[df["status"] == "optimal"]
        if ok.empty:
            return f"{f.case}: none of the {len(df):,} scenarios has a plan."
        return (
            f"{f.case}: over {len(df):,} scenarios the total cost runs from {ok[obj].min():,.0f} to "
            f"{ok[obj].max():,.0f} {f.currency}."
        )
    return f"A comparison of two runs ({f.path}); see below."


def _figures(info: dict, cur: str) -> str:
    alpha = _num(info.get("cvar_alpha"))
    rows = [
        ("RP", "expected_cost", "expected cost of the recommended decision, every scenario re-planned once known"),
        ("EEV", "expected_cost_of_mean_value_decision", "expected cost of the decision made for the average future"),
        ("WS", "wait_and_see_cost", "expected cost if each future were known before deciding (wait and see)"),
        ("VSS", "vss", "value of the stochastic solution: what planning for the spread of futures saves (EEV - RP)"),
        ("EVPI", "evpi", "expected value of perfect information: the most a perfect forecast is worth (RP - WS)"),
        ("EV", "mean_value_cost", "cost of the average future itself (every parameter at its mean)"),
        (f"CVaR {alpha:g}", "cvar", f"expected cost of the worst {1 - alpha:.0%} of probability (recommended)"),
    ]
    items = []
    for short, key, words in rows:
        v = _num(info.get(key))
        shown = f"{v:,.0f} {cur}" if math.isfinite(v) else "none (a decision some scenario cannot live with)"
        items.append(f"<dt>{esc(short)}</dt><dd><strong>{esc(shown)}</strong>: {esc(words)}</dd>")
    return '<dl class="figures">' + "".join(items) + "</dl>"


def _distribution(f: Folder, sc: pd.DataFrame) -> str:
    cur, alpha = f.currency, _num(f.info.get("cvar_alpha", 0.95))
    p = sc["probability"].to_numpy(float)
    cols = [(money(sc, base), label, colour) for base, label, colour in CURVES if money(sc, base)]
    div, word = money_scale([v for c, _, _ in cols for v in sc[c] if math.isfinite(_num(v))] or [0])
    series, marks = [], []
    d = f.tables["decision.csv"]
    same = bool((d["built"] > 0.5).eq(d["built_mean_value"] > 0.5).all())
    if same:  # the mean-value decision is the recommended one: its curve would lie under it
        cols = [c for c in cols if c[1] != "mean-value decision"]
    for col, label, colour in cols:
        c = sc[col].to_numpy(float)
        keep = ~np.isnan(c)
        order = np.argsort(c[keep], kind="stable")
        xs, ws = list(c[keep][order] / div), list(np.cumsum(p[keep][order]))
        series.append(Series(label, [0.0, *ws], colour, [xs[0] if xs else 0.0, *xs]))
        if keep.all() and len(c) and (label == "recommended decision" or (label != "perfect information" and not same)):
            e, cvar = expected(c, p), var_cvar(c, p, alpha)[1]
            who = "both decisions" if same else label
            marks.append(Mark(e / div, f"E, {who}: {e / div:,.0f}", colour))
            marks.append(Mark(cvar / div, f"CVaR {alpha:g}, {who}: {cvar / div:,.0f}", colour, "5 3"))
    return line_chart(
        f"{f.case}: cost of each scenario, recommended decision against the mean-value one",
        series[::-1], f"cost of the scenario ({word}{cur}, present value)", "probability that the cost is at most this",
        marks, "decision", step=True, y_range=(0.0, 1.0),
    )  # fmt: skip


def stochastic_section(f: Folder) -> str:
    cur, d, sc = f.currency, f.tables["decision.csv"], f.tables["scenario_costs.csv"]
    parts = [f"<p>{esc(stochastic_sentence(f))}</p>", _figures(f.info, cur)]
    parts.append(figure(_distribution(f, sc), "Solid lines: expected cost (E); dashed: CVaR of each decision."))
    parts.append(
        table(
            ["option", "plant", "product", "recommended", "mean-value decision"],
            [[cell(r["option"]), cell(r["plant"]), cell(r["product"]),
              cell("built" if r["built"] > 0.5 else "not built"),
              cell("" if pd.isna(r["built_mean_value"]) else "built" if r["built_mean_value"] > 0.5 else "not built")]
             for r in records(d)],
            "The decision (decision.csv)",
        )
    )  # fmt: skip
    if "decisions.csv" in f.tables:
        ds = f.tables["decisions.csv"]
        money_cols = [c for c in (money(ds, "expected_cost"), money(ds, "cvar"), money(ds, "objective")) if c]
        heads = ["decision", "eligible", *[c.rpartition("_")[0].replace("_", " ") + f" ({cur})" for c in money_cols],
                 "share of scenarios where it is cheapest"]  # fmt: skip
        rows = [[cell(r["decision"]), cell(r["eligible"]), *[cell(r[c], "money") for c in money_cols],
                 cell(r["best_share"], "rate")] for r in records(ds)]  # fmt: skip
        parts += ["<h3>The decisions compared</h3>", table(heads, rows, "Every build combination (decisions.csv)")]
    money_cols = [c for c in sc.columns if money(sc[[c]], str(c).rpartition("_")[0]) == c and c != "probability"]
    other = [c for c in sc.columns if c not in money_cols and c not in ("scenario", "probability")]
    rows = [[cell(r["scenario"]), cell(r["probability"], "rate"), *[cell(r[c], "num") for c in other],
             *[cell(r[c], "money") for c in money_cols]] for r in records(sc)]  # fmt: skip
    heads = [
        "scenario",
        "probability",
        *other,
        *[c.rpartition("_")[0].replace("_", " ") + f" ({cur})" for c in money_cols],
    ]
    parts.append(table(heads, rows, "Cost of each scenario (scenario_costs.csv)", "scenario_costs.csv"))
    return section(f"stochastic-{f.n}", f"Stochastic decision: {f.case}", parts)


def compare_section(f: Folder, colours: dict[str, str]) -> str:
    df = f.tables["comparison.csv"]
    line = f.record.get("command_line") or []
    args = [a for a in line[2:] if not str(a).startswith("-")] if len(line) > 3 and line[1] == "compare" else []
    a, b = (args[0], args[1]) if len(args) >= 2 else ("A", "B")
    units = df[(df["section"] == "units") & (df["period"] == "all") & ~df["item"].str.contains("/")]
    parts = [f"<p>A: {esc(a)}; B: {esc(b)}. Change = B - A. Costs are present values (as the objective).</p>"]
    if len(units):
        series = [Series(r["item"], [float(r["value_a"]), float(r["value_b"])], colours.get(r["item"], "#777"))
                  for r in records(units)]  # fmt: skip
        parts.append(figure(bar_chart("Units by plant over the horizon, run A and run B", ["A", "B"], series, "run",
                                      "units produced over the horizon (units)", "plant", " units")))  # fmt: skip

    def unit(r) -> str:  # compare's costs are present values (cost_breakdown.csv present_value)
        return f"{r['unit']}, present value" if r["section"] in ("cost", "objective") else str(r["unit"])

    rows = [[cell(r["section"]), cell(r["item"]), cell(r["period"]), cell(unit(r)), cell(r["value_a"], "num"),
             cell(r["value_b"], "num"), cell(r["change"], "num")] for r in records(df)]  # fmt: skip
    parts.append(table(["section", "item", "period", "unit", "A", "B", "change (B - A)"], rows, "comparison.csv",
                       "comparison.csv"))  # fmt: skip
    return section(f"compare-{f.n}", "Comparison of two runs", parts)
