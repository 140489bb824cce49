"""The report's sections on a plan (a solve's output folder): the recommendation and what decides it,
the plan (units, landed cost by lane, cost by component) and the network's flows."""

from __future__ import annotations

import math

import pandas as pd

from solver.case.names import natural_key, natural_sorted, period_sort_key
from solver.report.folders import Folder, money, rows_of
from solver.report.html_stochastic import stochastic_sentence, study_sentence
from solver.report.html_parts import cell, figure, section, table
from solver.report.limits import binding_limits, when
from solver.report.geomap import map_chart
from solver.report.network import flow_chart
from solver.report.svg import Series, bar_chart, esc, money_scale

COMPONENTS = {"production": "#4e79a7", "freight": "#f28e2b", "duty": "#9c755f", "unmet": "#bab0ac",
              "expansion": "#59a14f"}  # fmt: skip
SHOWN = 12  # binding limits listed in words; the table below has them all


def periods_of(df: pd.DataFrame) -> list[str]:
    return sorted(set(df["period"]), key=period_sort_key)


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def totals(f: Folder) -> tuple[float, float]:
    """Total cost (present value, face value): the sums of cost_breakdown.csv, which add up to the objective."""
    cb = f.tables["cost_breakdown.csv"]
    face, pv = money(cb, "amount"), money(cb, "present_value")
    return float(cb[pv or face].sum()), float(cb[face].sum())


def solve_sentence(f: Folder) -> str:
    """The plan in one sentence: where each product is made, what is built, what demand is left unmet."""
    plan, periods = f.tables["plan.csv"], periods_of(f.tables["cost_breakdown.csv"])
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    parts = []
    for product in natural_sorted(plan["product"]):
        by = plan[plan["product"] == product].groupby("plant")["units"].sum().sort_values(ascending=False)
        by = by[by > 0.5]
        shown = [f"{p} ({u:,.0f} units)" for p, u in by.head(5).items()]
        if len(by) > 5:
            shown.append(f"{len(by) - 5} more plants ({by.iloc[5:].sum():,.0f})")
        parts.append(f"{product} at {_names(shown)}")
    text = f"Make {'; '.join(parts) or 'nothing'} over {when(span) if len(periods) == 1 else span}"
    if "builds.csv" in f.tables:
        b = f.tables["builds.csv"]
        built = list(b.loc[b["built"] > 0.5, "option"])
        text += (
            f"; build {_names(built)}"
            if built
            else (
                f"; build none of the {len(b)} expansion options"
                if len(b) > 1
                else "; do not build the expansion option"
            )
        )
        if built and len(built) < len(b):
            text += f" (not {_names([o for o in b['option'] if o not in built])})"
    if "closures.csv" in f.tables:  # plants that may close: whether and from when
        c = f.tables["closures.csv"].fillna("")
        shut = [r for r in c.to_dict("records") if float(r["closed"] or 0) > 0.5]
        closing = [f"{r['site']} from {r['closed_from']}" for r in shut]
        staying = [str(r["site"]) for r in c.to_dict("records") if r not in shut]
        if closing:
            text += f"; close {_names(closing)}"
        if staying:
            text += f"; keep {_names(staying)} open"
    if "supply.csv" in f.tables and (unmet := float(f.tables["supply.csv"]["unmet"].sum())) > 0.5:
        text += f"; leave {unmet:,.0f} units of demand unmet"
    return text + "."


def _cost_lines(f: Folder) -> str:
    pv, face = totals(f)
    cur, rate = f.currency, f.info.get("discount_rate") or 0
    first = periods_of(f.tables["cost_breakdown.csv"])[0]
    if rate:
        pv_line = f"{pv:,.0f} {cur} in present value at {first} (discount rate {rate:.4g} per period)"
    else:
        pv_line = f"{pv:,.0f} {cur} (no discounting: present value and face value are the same)"
    rows = [("Total cost", pv_line), ("At face value", f"{face:,.0f} {cur}")]
    rows.append(("Status", f"{f.info.get('status', '?')} ({f.info.get('solver', '?')})"))
    return '<dl class="figures">' + "".join(f"<dt>{esc(a)}</dt><dd>{esc(b)}</dd>" for a, b in rows) + "</dl>"


def _limits(f: Folder) -> list[str]:
    rows = binding_limits(f.tables, f.currency)
    out = [f"<h3>What decides it: {len(rows)} binding limit{'s' if len(rows) != 1 else ''}, largest value first</h3>"]
    if not rows:
        out.append("<p>No limit binds: every capacity, minimum, lane and share has room.</p>")
    else:
        items = "".join(f"<li>{esc(r['text'])}</li>" for r in rows[:SHOWN])
        more = f"<p class=note>... and {len(rows) - SHOWN} more in the table.</p>" if len(rows) > SHOWN else ""
        out.append(f'<ul class="limits">{items}</ul>{more}')
        out.append(
            table(
                ["kind", "limit", f"value per unit ({f.currency})", "in words"],
                [[cell(r["kind"]), cell(r["limit"]), cell(r["value"], "money"), cell(r["text"])] for r in rows],
            )
        )
    out.append(
        "<p class=note>Values per unit are in the money of their period: what one more unit of the limit "
        "would save (a capacity, a quota, a lane, a maximum share) or cost (a minimum output or share).</p>"
    )
    if not {"sensitivity_constraints.csv", "lane_limits.csv", "quotas.csv"} & set(f.tables):
        out.append(
            "<p class=note>No lane limits or tariff-rate quotas are valued here: this folder has no "
            "lane_limits.csv, quotas.csv or sensitivity_constraints.csv (a solve writes the first two when the "
            "case has such limits).</p>"
        )
    return out


def recommendation_section(folders: list[Folder]) -> str:
    parts = []
    deciders = [f for f in folders if f.kind in ("solve", "stochastic")]
    for f in deciders:
        if len(deciders) > 1:
            parts.append(f"<h3>{esc(f.case)}: {esc(f.kind)} ({esc(f.path)})</h3>")
        if f.kind == "solve":
            parts += [f'<p class="recommendation">{esc(solve_sentence(f))}</p>', _cost_lines(f), *_limits(f)]
        else:
            parts.append(f'<p class="recommendation">{esc(stochastic_sentence(f))}</p>')
    if not deciders:
        parts += [f'<p class="recommendation">{esc(study_sentence(f))}</p>' for f in folders]
    kinds = {f.kind for f in deciders}
    if kinds == {"solve", "stochastic"}:
        parts.append(
            '<p class="note">Which to follow: a solve plans for one set of inputs (its exchange rates, demands '
            "and tariffs as given); the stochastic decision is the one to take before the future is known, "
            "best across its scenarios. Where they differ, the solve's plan is right only if its inputs come true.</p>"
        )
    return section("recommendation", "Recommendation", parts)


def plan_section(f: Folder, colours: dict[str, str]) -> str:
    plan, cur = f.tables["plan.csv"], f.currency
    periods = periods_of(f.tables["cost_breakdown.csv"])
    parts = []
    products = natural_sorted(plan["product"])
    for product in products:
        rows = plan[plan["product"] == product]
        pivot = rows.pivot_table(index="plant", columns="period", values="units", aggfunc="sum", fill_value=0.0)
        plants = natural_sorted(pivot.index)
        series = [Series(p, [float(pivot.at[p, t]) if t in pivot.columns else 0.0 for t in periods], colours[p])
                  for p in plants]  # fmt: skip
        title = f"{f.case}: units of {product} by plant and period"
        parts.append(figure(bar_chart(title, periods, series, "period", "units produced (units)", "plant", " units")))
    pivot = plan.pivot_table(index=["plant", "product"], columns="period", values="units", aggfunc="sum")
    pivot = pivot.reindex(columns=periods).fillna(0.0)
    rows = [
        [
            cell(p),
            cell(q),
            *[cell(pivot.at[(p, q), t], "units") for t in periods],
            cell(pivot.loc[(p, q)].sum(), "units"),
        ]
        for p, q in sorted(pivot.index, key=lambda k: (natural_key(k[0]), natural_key(k[1])))
    ]
    parts.append(table(["plant", "product", *periods, "all periods"], rows, "Units by plant, product and period"))
    parts += _lanes(f, plan, cur)
    parts += _components(f, periods, cur)
    return section(f"plan-{f.n}", f"The plan: {f.case}", parts)


def _lanes(f: Folder, plan: pd.DataFrame, cur: str) -> list[str]:
    """Landed cost by lane over the horizon: units, average unit costs (production, freight, duty)."""
    cols = {k: money(plan, k) for k in ("unit_production_cost", "unit_freight", "unit_duty", "landed_cost")}
    routes = "via" in plan.columns  # a case with hubs: one row per route
    if routes:
        plan = plan.assign(via=plan["via"].fillna("").astype(str))
    keys = ["plant", "via", "market", "product"] if routes else ["plant", "market", "product"]
    g = plan.assign(**{f"w_{k}": plan[c] * plan["units"] for k, c in cols.items() if k != "landed_cost"}).groupby(
        keys, sort=False
    )
    agg = g.agg(units=("units", "sum"), landed=(cols["landed_cost"], "sum"),
                **{f"w_{k}": (f"w_{k}", "sum") for k in cols if k != "landed_cost"}).reset_index()  # fmt: skip
    agg = agg[agg["units"] > 0]
    for k in ("unit_production_cost", "unit_freight", "unit_duty"):
        agg[k] = agg[f"w_{k}"] / agg["units"]
    agg = agg.sort_values("landed", ascending=False)
    lanes = [f"{r.plant} to {r.market}" + (f" via {r.via}" if routes and r.via else "")
             + (f" ({r.product})" if plan["product"].nunique() > 1 else "") for r in rows_of(agg)]  # fmt: skip
    series = [
        Series(name, list(agg[k]), COMPONENTS[c])
        for name, k, c in (("production", "unit_production_cost", "production"), ("freight", "unit_freight", "freight"),
                           ("duty", "unit_duty", "duty"))
    ]  # fmt: skip
    top = 30
    svg = bar_chart(
        f"{f.case}: landed cost per unit by lane (average over the periods)",
        lanes[:top], [Series(s.name, s.values[:top], s.colour) for s in series], "lane (plant to market)",
        f"landed cost per unit ({cur})", "cost per unit", f" {cur} per unit",
        [f"the {top} lanes of largest landed cost of {len(lanes)}"] if len(lanes) > top else None,
    )  # fmt: skip
    rows = [
        [cell(r.plant), *([cell(r.via)] if routes else []), cell(r.market), cell(r.product), cell(r.units, "units"),
         cell(r.unit_production_cost, "money"),
         cell(r.unit_freight, "money"), cell(r.unit_duty, "money"),
         cell(r.landed / r.units if r.units else math.nan, "money"), cell(r.landed, "money")]
        for r in rows_of(agg)
    ]  # fmt: skip
    heads = ["plant", *(["via (hubs)"] if routes else []), "market", "product", "units",
             f"production per unit ({cur})", f"freight per unit ({cur})",
             f"duty per unit ({cur})", f"landed cost per unit ({cur})", f"landed cost ({cur})"]  # fmt: skip
    out = ["<h3>Landed cost by lane</h3>", figure(svg), table(heads, rows, "Lanes over the horizon (face value)")]
    return out + (_hubs(f, cur) if "hubs.csv" in f.tables else [])


def _hubs(f: Folder, cur: str) -> list[str]:
    """hubs.csv: the units through each hub per period, its limit and what one more unit of it is worth."""
    hubs = f.tables["hubs.csv"]
    sp = money(hubs, "shadow_price")
    rows = [
        [cell(r["hub"]), cell(r["period"]), cell(r["units"], "units"), cell(r["max_units"], "units"),
         cell(r["utilization"], "rate"),
         cell(r[sp] if sp else math.nan, "money")]
        for r in hubs.to_dict("records")
    ]  # fmt: skip
    heads = ["hub", "period", "units through it", "limit (units)", "utilization", f"one more unit worth ({cur})"]
    return ["<h3>Hubs</h3>", table(heads, rows, "Units through each hub (freight and handling are in the lanes)")]


def _components(f: Folder, periods: list[str], cur: str) -> list[str]:
    cb = f.tables["cost_breakdown.csv"]
    amount, pv = money(cb, "amount"), money(cb, "present_value")
    by = cb.pivot_table(index="component", columns="period", values=amount, aggfunc="sum").reindex(columns=periods)
    comps = [c for c in by.index if by.loc[c].abs().sum() > 0.5]
    comps.sort(key=lambda c: list(COMPONENTS).index(c) if c in COMPONENTS else 99)
    div, word = money_scale(by.loc[comps].sum().to_list() if comps else [0])
    values = by.loc[comps].to_numpy(float)  # rows: comps, columns: periods
    series = [Series(c, [v / div for v in values[i]], COMPONENTS.get(c, "#777")) for i, c in enumerate(comps)]
    svg = bar_chart(
        f"{f.case}: cost by component and period (face value)", periods, series, "period",
        f"cost ({word}{cur}, face value)", "component", f" {word}{cur}",
    )  # fmt: skip
    tot = cb.groupby("component", sort=False)[[amount, pv] if pv else [amount]].sum()
    rows = [[cell(c), cell(tot.at[c, amount], "money"), *([cell(tot.at[c, pv], "money")] if pv else [])]
            for c in tot.index]  # fmt: skip
    total = [cell("total"), cell(tot[amount].sum(), "money"), *([cell(tot[pv].sum(), "money")] if pv else [])]
    heads = ["component", f"face value ({cur})", *([f"present value ({cur})"] if pv else [])]
    return [
        "<h3>Cost by component</h3>",
        figure(svg),
        table(heads, rows, "Cost by component over the horizon", foot=total),
    ]


def network_section(f: Folder, colours: dict[str, str]) -> str:
    plan = f.tables["plan.csv"]
    flows = plan.groupby(["plant", "market"], sort=False)["units"].sum().reset_index()
    flows = flows.assign(order=flows["plant"].map(lambda p: natural_sorted(colours).index(p) if p in colours else 0))
    flows = flows.sort_values(["order", "units"], ascending=[True, False])
    data = [(r.plant, r.market, float(r.units)) for r in rows_of(flows)]
    svg = flow_chart(f"{f.case}: units shipped from plants to markets over the horizon", data, colours)
    note = (
        "<p class=note>Band widths are proportional to the units each lane carries over the horizon (all "
        f"products). {map_note(f, data)}</p>"
    )
    parts = [figure(svg), note]
    if "places.csv" in f.tables and not missing_places(f, data):
        pl = f.tables["places.csv"]
        places = [(r.place, r.kind, float(r.lat_deg), float(r.lon_deg)) for r in rows_of(pl)]
        title = f"{f.case}: the network on a map (units over the horizon)"
        parts.insert(1, figure(map_chart(title, places, data, colours)))
    return section(f"network-{f.n}", f"The network: {f.case}", parts)


def missing_places(f: Folder, flows: list[tuple[str, str, float]]) -> list[str]:
    """The plants and markets of the plan without a position in places.csv."""
    known = set(f.tables["places.csv"]["place"]) if "places.csv" in f.tables else set()
    names = list(dict.fromkeys([p for p, _, _ in flows] + [m for _, m, _ in flows]))
    return [n for n in names if n not in known]


def map_note(f: Folder, flows) -> str:
    missing = missing_places(f, flows)
    if not missing:
        return (
            "On the map, curve widths are proportional to the same units (the widest is the largest flow); "
            "country outlines: Natural Earth, 1:110m."
        )
    if "places.csv" not in f.tables:
        return (
            "A geographic map needs every plant's and market's position: give lat and lon in plants.csv and "
            "a markets.csv (market, lat, lon), and solve again."
        )
    return f"No geographic map: no position for {esc(', '.join(missing))} (lat and lon in plants.csv or markets.csv)."
