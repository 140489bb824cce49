"""plan.png: units by plant and period, cost components by period."""

from __future__ import annotations

import io

import numpy as np

from solver.case.names import natural_sorted
from solver.case.palette import plant_colours
from solver.report.charts import _legend, _pyplot, _render, _thousands, case_title, money_scale


def plan_png(case, results) -> bytes:
    """plan.png of a solve: units by plant and period (stacked; a panel per product when
    there are several) and the cost components by period."""
    plt = _pyplot()
    plan, cur = results.plan, case.currency
    products = [p for p in case.products if (plan["product"] == p).any()] or list(case.products)
    panels = products if len(products) > 1 else [None]
    fig, axes = plt.subplots(len(panels) + 1, 1, figsize=(10, 3.2 * (len(panels) + 1)), sharex=True)
    periods = list(case.periods)
    xs = np.arange(len(periods))
    plants = natural_sorted(case.plants["plant"])
    colours = plant_colours(plants)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, product in zip(axes, panels, strict=False):
        rows = plan if product is None else plan[plan["product"] == product]
        table = rows.pivot_table(index="period", columns="plant", values="units", aggfunc="sum", fill_value=0.0)
        table = table.reindex(index=periods, columns=plants, fill_value=0.0)
        base = np.zeros(len(periods))
        for p in plants:
            ax.bar(xs, table[p], bottom=base, color=colours[p], label=p, width=0.7)
            base += table[p].to_numpy()
        ax.set_ylabel("units" if product is None else f"{product} units")
        _thousands(ax)
        if ax is axes[0]:
            _legend(ax, "plant")
    built = ""
    if results.builds is not None:
        done = results.builds[results.builds["built"] > 0.5]
        built = "; built: " + (", ".join(done["option"]) if len(done) else "nothing")
    discounted = abs(results.objective - getattr(results, "undiscounted_cost", results.objective)) > 0.5
    pv = " in present value" if discounted else ""
    axes[0].set_title(
        f"{case_title(case.name)}: production by plant and period "
        f"(total cost {results.objective:,.0f} {cur}{pv}{built})"
    )
    cb = results.cost_breakdown
    table = cb.pivot_table(index="period", columns="component", values="amount", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=periods, fill_value=0.0)
    comps = [
        c
        for c in ("production", "freight", "duty", "unmet", "expansion")
        if c in table.columns and table[c].abs().sum() > 0.5
    ]
    comps += [
        c
        for c in table.columns
        if c not in comps
        and table[c].abs().sum() > 0.5
        and c not in ("production", "freight", "duty", "unmet", "expansion")
    ]
    ax = axes[-1]
    div, word = money_scale(table[comps].sum(axis=1) if comps else [])
    base = np.zeros(len(periods))
    for i, c in enumerate(comps):
        ax.bar(xs, table[c] / div, bottom=base, color=colors[(i + 3) % len(colors)], label=c, width=0.7)
        base += table[c].to_numpy() / div
    ax.set_ylabel(f"cost ({word}{cur}{', face value' if discounted else ''})")
    ax.set_xticks(xs, periods)
    ax.set_xlabel("period")
    _thousands(ax)
    _legend(ax, "cost component")
    for a in axes:
        a.grid(alpha=0.3, axis="y")
    buf = io.BytesIO()
    _render(fig, buf)
    return buf.getvalue()
