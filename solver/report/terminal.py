"""The short readable summary shown after a solve."""

from __future__ import annotations

import pandas as pd

from solver.case.names import natural_key

TOL = 1e-6
MOST = 20  # lines of a list shown before "... and N more" (a large case's lists live in the CSVs)


def render(run) -> str:
    """``run``: a solved ``pipeline.run.Run`` (read for its case, solution, results and the files it wrote)."""
    case, res, sol = run.case, run.results, run.solution
    cur = case.currency
    lines = [f"plantsplit: case {case.name}, {sol.status.value} ({sol.solver}, {sol.seconds:.2f} s)", ""]
    plan = res.plan
    if len(plan):
        # Units of different products are not added up: each product is its own row.
        several = len(case.products) > 1
        rows = plan.assign(row=plan["plant"] + "/" + plan["product"]) if several else plan.assign(row=plan["plant"])
        table = rows.pivot_table(index="row", columns="period", values="units", aggfunc="sum", fill_value=0.0)
        table = table.reindex(columns=[p for p in case.periods if p in table.columns])
        table = table.reindex(sorted(table.index, key=natural_key))
        lines.append("Units by plant/product and period:" if several else "Units by plant and period:")
        lines.append(_table(table.head(MOST)))
        if len(table) > MOST:
            lines.append(f"  ... and {len(table) - MOST} more rows (see plan.csv)")
        lines.append("")
    cb = res.cost_breakdown.groupby("component", sort=False)["amount"].sum()
    parts = ", ".join(f"{c} {v:,.0f}" for c, v in cb.items() if abs(v) > 0.5)
    if case.discount_rate:
        lines.append(
            f"Total cost: {res.objective:,.0f} {cur}, present value at {case.periods[0]} "
            f"(discount rate {case.discount_rate:.4g} per period)"
        )
        lines.append(f"  at face value {res.undiscounted_cost:,.0f}: {parts}")
    else:
        lines.append(f"Total cost: {res.objective:,.0f} {cur}")
        lines.append("  " + parts)
    lines += _unmet(res.supply)
    if res.builds is not None:
        builds = res.builds
        if len(builds) > MOST:
            built = builds[builds["built"] > TOL]
            lines.append(f"Options: {len(built)} of {len(builds)} built (see builds.csv)" + (":" if len(built) else ""))
            builds = built
        for _, b in builds.head(MOST).iterrows():
            what = (
                "built"
                if b["built"] > 1 - TOL
                else ("not built" if b["built"] < TOL else f"{b['built']:.3f} built (relaxed)")
            )
            lines.append(f"Option {b['option']} ({b['plant']}, +{b['added_units']:,.0f} units): {what}")
        if len(builds) > MOST:
            lines.append(f"  ... and {len(builds) - MOST} more built (see builds.csv)")
    lines += _closures(res.closures, cur)
    lines += _binding_capacities(case, res.utilization, cur)
    lines += _other_limits(res, cur, len(case.products) > 1)
    if sol.duals == "none":
        lines.append(f"(no shadow prices: {sol.message or 'the solver returned no duals'})")
    elif sol.duals != "lp":
        lines.append(f"(shadow prices from the {sol.duals})")
    lines.append("")
    lines.append(f"Wrote {', '.join(run.written)} to {run.out_dir}")
    return "\n".join(lines)


def _closures(closures: pd.DataFrame | None, cur: str) -> list[str]:
    """One line per plant or hub that may close: whether and from when, what closing cost and what it saves."""
    lines = []
    for r in [] if closures is None else closures.head(MOST).to_dict("records"):
        if r["closed"]:
            lines.append(
                f"{r['kind'].capitalize()} {r['site']} closes from {r['closed_from']} "
                f"(closing {r['closing_cost']:,.0f} {cur}; "
                f"saves fixed costs of {r['fixed_cost_saved']:,.0f} {cur})"
            )
        else:
            lines.append(f"{r['kind'].capitalize()} {r['site']} stays open (it may close from {r['close_from']})")
    return lines


def _money(v: float) -> str:
    """Money per unit to the cent, never -0.00 (a solver's -1e-9 is 0)."""
    return f"{(v if abs(v) >= 0.005 else 0.0):,.2f}"


def _binding_capacities(case, util: pd.DataFrame, cur: str) -> list[str]:
    """Capacities the plan is at, with what one unit more saves (and one unit less costs)."""
    lines: list[str] = []
    # at capacity: one more unit saves something, or one unit less costs something
    binding = util[(util["shadow_price"].abs() > TOL) | (util["shadow_price_one_less"] > TOL)]
    if len(binding):
        lines.append(f"Binding capacities (shadow price = {cur} saved per extra unit):")
        for _, u in binding.head(MOST).iterrows():
            scope = f"{u['plant']}/{u['product']}" if u["product"] else f"{u['plant']} (total)"
            if u["max_units"] < TOL:  # a limit of 0 is a plant without that line, not a full plant
                opts = _unbuilt_options(case, u)
                what = (
                    f"not built (option{'s' * (len(opts) > 1)} {', '.join(opts)})" if opts else "no line (max_units 0)"
                )
                lines.append(
                    f"  {scope} {u['period']}: {what}; one unit of capacity would save {u['shadow_price']:,.2f}"
                )
            else:
                one_less = u["shadow_price_one_less"]
                lines.append(
                    f"  {scope} {u['period']}: {u['units']:,.0f} of {u['max_units']:,.0f}, "
                    f"shadow price {_money(u['shadow_price'])}"
                    + (
                        f"; one unit less would cost {one_less:,.2f}"
                        if pd.notna(one_less) and abs(one_less - u["shadow_price"]) > 0.005
                        else ""
                    )
                )
        if len(binding) > MOST:
            lines.append(f"  ... and {len(binding) - MOST} more (see utilization.csv)")
    return lines


def _other_limits(res, cur: str, several: bool) -> list[str]:
    """The binding minimum outputs, lane limits, quotas and shares with their value per unit, in
    words, largest first (results.binding; the Summary sheet lists the same)."""
    from solver.results.binding import OTHER, binding_limits, listed, other_title

    limits = binding_limits(res, cur, several, OTHER)
    if limits.empty:
        return []
    texts, more = listed(limits)
    return [f"{other_title(limits)} ({cur} per unit):"] + ["  " + t for t in texts + ([more] if more else [])]


def _unbuilt_options(case, u) -> list[str]:
    """Options that would add capacity to utilization row ``u`` (same plant and product
    scope, first period not after its period), in expansions.csv order: a limit of 0 with
    such an option is capacity not built, not a missing line. None of them is built, or
    the limit would not be 0."""
    exp = case.expansions
    if not len(exp):
        return []
    order = case.period_order()
    here = (
        (exp["plant"] == u["plant"])
        & (exp["product"] == u["product"])
        & (exp["added_units"] > 0)
        & (exp["first_period"].map(order) <= order[u["period"]])
    )
    return exp.loc[here, "option"].tolist()


def _unmet(supply: pd.DataFrame, most: int = MOST) -> list[str]:
    """Unmet demand, always said: 'none', or each market/product and period that goes short."""
    short = supply[supply["unmet"] > TOL]
    if short.empty:
        return ["Unmet demand: none"]
    lines = [f"Unmet demand: {short['unmet'].sum():,.0f} units (see supply.csv):"]
    for _, r in short.head(most).iterrows():
        lines.append(f"  {r['market']}/{r['product']} {r['period']}: {r['unmet']:,.0f} of {r['demand']:,.0f}")
    if len(short) > most:
        lines.append(f"  ... and {len(short) - most} more")
    return lines


def _table(t: pd.DataFrame) -> str:
    cols = [str(c) for c in t.columns]
    width = max([len(str(i)) for i in t.index] + [5])
    cw = max([len(c) for c in cols] + [9])
    out = [" " * width + "".join(c.rjust(cw + 2) for c in cols)]
    for plant, row in t.iterrows():
        out.append(str(plant).ljust(width) + "".join(f"{v:,.0f}".rjust(cw + 2) for v in row))
    return "\n".join("  " + line for line in out)
