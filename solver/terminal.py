"""The short readable summary shown after a solve."""
from __future__ import annotations

import pandas as pd

from .pipeline import Run

TOL = 1e-6


def render(run: Run) -> str:
    case, res, sol = run.case, run.results, run.solution
    cur = case.currency
    lines = [f"plantsplit: case {case.name}, {sol.status.value} ({sol.solver}, {sol.seconds:.2f} s)", ""]
    plan = res.plan
    if len(plan):
        table = plan.pivot_table(index="plant", columns="period", values="units", aggfunc="sum", fill_value=0.0)
        table = table.reindex(columns=[p for p in case.periods if p in table.columns])
        lines.append("Units by plant and period:")
        lines.append(_table(table))
        lines.append("")
    cb = res.cost_breakdown.groupby("component", sort=False)["amount"].sum()
    parts = ", ".join(f"{c} {v:,.0f}" for c, v in cb.items() if abs(v) > 0.5)
    if case.discount_rate:
        lines.append(f"Total cost: {res.objective:,.0f} {cur}, present value at {case.periods[0]} "
                     f"(discount rate {case.discount_rate:.4g} per period)")
        lines.append(f"  at face value {res.undiscounted_cost:,.0f}: {parts}")
    else:
        lines.append(f"Total cost: {res.objective:,.0f} {cur}")
        lines.append("  " + parts)
    unmet = res.supply["unmet"].sum()
    if unmet > TOL:
        lines.append(f"  unmet demand: {unmet:,.0f} units (see supply.csv)")
    if res.builds is not None:
        for _, b in res.builds.iterrows():
            what = "built" if b["built"] > 1 - TOL else ("not built" if b["built"] < TOL else f"{b['built']:.3f} built (relaxed)")
            lines.append(f"Option {b['option']} ({b['plant']}, +{b['added_units']:,.0f} units): {what}")
    util = res.utilization
    binding = util[util["shadow_price"].abs() > TOL]
    if len(binding):
        lines.append(f"Binding capacities (shadow price = {cur} saved per extra unit):")
        for _, u in binding.iterrows():
            scope = f"{u['plant']}/{u['product']}" if u["product"] else f"{u['plant']} (total)"
            lines.append(f"  {scope} {u['period']}: {u['units']:,.0f} of {u['max_units']:,.0f}, "
                         f"shadow price {u['shadow_price']:,.2f}")
    if sol.duals == "none":
        lines.append(f"(no shadow prices: {sol.message or 'the solver returned no duals'})")
    elif sol.duals != "lp":
        lines.append(f"(shadow prices from the {sol.duals})")
    lines.append("")
    lines.append(f"Wrote {', '.join(run.written)} to {run.out_dir}")
    return "\n".join(lines)


def _table(t: pd.DataFrame) -> str:
    cols = [str(c) for c in t.columns]
    width = max([len(str(i)) for i in t.index] + [5])
    cw = max([len(c) for c in cols] + [9])
    out = [" " * width + "".join(c.rjust(cw + 2) for c in cols)]
    for plant, row in t.iterrows():
        out.append(str(plant).ljust(width) + "".join(f"{v:,.0f}".rjust(cw + 2) for v in row))
    return "\n".join("  " + line for line in out)
