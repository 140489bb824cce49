"""What decides a plan: every binding limit of a solve's output folder with its value per unit, in words.

Read from the folder's files: ``utilization.csv`` (maximum capacities and minimum outputs),
``sourcing.csv`` (sourcing shares), ``sensitivity_constraints.csv`` when the solve ran with
``--sensitivity`` (lane limits, tariff-rate quotas, hub throughputs and any other limit it names). A limit
binds when its value per unit is not zero; the list is ordered by that value, largest first.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from solver.report.folders import money, rows_of

TOL = 1e-6


def _v(x) -> float:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return math.nan
    return x if math.isfinite(x) else math.nan


def _u(x) -> str:
    return f"{_v(x):,.0f}" if math.isfinite(_v(x)) else "?"


def when(period: str) -> str:
    """A period in words: 2016 stays 2016 (a year), 3 is period 3."""
    return period if re.fullmatch(r"\d{4}", str(period)) else f"period {period}"


def _scope(product: str, period: str) -> str:
    parts = [p for p in (product, period) if p]
    return f" ({', '.join(parts)})" if parts else ""


def capacity_limits(util: pd.DataFrame, cur: str) -> list[dict]:
    rows = []
    sp, mn = money(util, "shadow_price"), money(util, "min_shadow_price")
    for r in rows_of(util):
        plant, product, period = r.plant, r.product, r.period
        what = f"{product} at {plant}" if product else f"{plant} (all products)"
        if sp and (v := _v(getattr(r, sp))) > TOL:
            if _v(r.max_units) == 0:
                text = (
                    f"{what} in {when(period)} cannot be made (capacity 0 in the case); were there capacity, "
                    f"each unit would save {v:,.2f} {cur}"
                )
            else:
                text = (
                    f"capacity of {what} in {when(period)}: {_u(r.units)} of {_u(r.max_units)} units used; "
                    f"one more unit of capacity would save {v:,.2f} {cur}"
                )
            rows.append(dict(kind="capacity", limit=f"{plant}{_scope(product, period)}", value=v, text=text))
        if mn and (v := _v(getattr(r, mn))) > TOL:
            text = (
                f"minimum output of {what} in {when(period)}: {_u(r.min_units)} units required; "
                f"each more unit required costs {v:,.2f} {cur}"
            )
            rows.append(dict(kind="minimum output", limit=f"{plant}{_scope(product, period)}", value=v, text=text))
    return rows


def share_limits(src: pd.DataFrame, cur: str) -> list[dict]:
    rows = []
    lo, hi = money(src, "min_shadow_price"), money(src, "max_shadow_price")
    for r in src.to_dict("records"):
        source = r.get("plant") or f"plants in {r.get('country')}"
        where = f"{r['market']}" + (f" ({r['product']})" if r.get("product") else "")
        share = f"{_v(r['share']):.1%}" if math.isfinite(_v(r["share"])) else "none"
        name = f"{source} in {where}{_scope('', r['period'])}"
        if lo and (v := _v(r[lo])) > TOL:
            text = (
                f"minimum share of {source} in {where} in {when(r['period'])}: at least {_v(r['min_share']):.1%} "
                f"(it supplies {share}); each more unit it would require costs {v:,.2f} {cur}"
            )
            rows.append(dict(kind="minimum share", limit=name, value=v, text=text))
        if hi and (v := _v(r[hi])) > TOL:
            text = (
                f"maximum share of {source} in {where} in {when(r['period'])}: at most {_v(r['max_share']):.1%} "
                f"(it supplies {share}); each more unit it would allow saves {v:,.2f} {cur}"
            )
            rows.append(dict(kind="maximum share", limit=name, value=v, text=text))
    return rows


# families of sensitivity_constraints.csv valued here (capacities, minimums and shares come from the
# files above, demand is not a limit): family -> (kind, words for its name's parts)
FAMILIES = {
    "lane": "lane limit",
    "tariff_quota": "tariff-rate quota",
    "hub": "hub throughput",
    "throughput": "hub throughput",
}
SKIP = ("demand", "capacity", "min_production", "share_min", "share_max", "cover", "link")


def other_limits(cons: pd.DataFrame, cur: str) -> list[dict]:
    """Lane limits, tariff-rate quotas and any limit not in the files above, from the ranging report
    (Excel's sign: d cost / d limit; the value per unit is its size)."""
    rows: list[dict] = []
    sp = money(cons, "shadow_price")
    if sp is None:
        return rows
    for r in cons.to_dict("records"):
        name = str(r["constraint"])
        family = name.split("[", 1)[0]
        v = _v(r[sp])
        if family.startswith(SKIP) or not abs(v) > TOL:
            continue
        inside = re.sub(r"^[^\[]*\[|\]$", "", name).split(",")
        more = "would save" if v < 0 else "would cost"
        if family == "lane":
            what = f"lane {r['plant']} to {r['market']}" + _scope(r.get("product", ""), r.get("period", ""))
            text = f"{what}: limit of {_u(r['rhs'])} units; one more unit allowed {more} {abs(v):,.2f} {cur}"
        elif family == "tariff_quota":
            tier = inside[-1][4:] if inside and inside[-1].startswith("tier") else ""
            tier = f"tier {int(tier) + 1}" if tier.isdigit() else "its lower tier"
            origin = inside[0] if inside else "?"
            what = f"tariff-rate quota from {origin} into {r['market']}" + _scope(r.get("product", ""), r["period"])
            text = (
                f"{what}: the lower duty rate up to {_u(r['rhs'])} units ({tier}); "
                f"one more unit of quota {more} {abs(v):,.2f} {cur}"
            )
        elif family == "hub":
            what = f"hub {inside[0]}" + _scope("", inside[1] if len(inside) > 1 else "")
            text = f"{what}: throughput of {_u(r['rhs'])} units; one more unit {more} {abs(v):,.2f} {cur}"
        else:
            what = name
            text = f"{name}: limit {_u(r['rhs'])}; one more unit {more} {abs(v):,.2f} {cur}"
        rows.append(dict(kind=FAMILIES.get(family, family.replace("_", " ")), limit=what, value=abs(v), text=text))
    return rows


def binding_limits(tables: dict[str, pd.DataFrame], cur: str) -> list[dict]:
    """Every binding limit of a solve folder: kind, limit, value (money per unit, of its period), text;
    largest value first (ties in the files' order)."""
    rows = capacity_limits(tables["utilization.csv"], cur)
    if "sourcing.csv" in tables:
        rows += share_limits(tables["sourcing.csv"], cur)
    if "sensitivity_constraints.csv" in tables:
        rows += other_limits(tables["sensitivity_constraints.csv"], cur)
    else:  # lane limits, quotas and hubs from their own files, in the words of the terminal and the Summary sheet
        rows += lane_quota_limits(tables, cur)
    return sorted(rows, key=lambda r: -r["value"])


def lane_quota_limits(tables: dict[str, pd.DataFrame], cur: str) -> list[dict]:
    """lane_limits.csv and quotas.csv (every solve with such limits writes them) as the report's rows."""
    from solver.results.binding import hub_rows, lane_rows, quota_rows

    def plain(df: pd.DataFrame) -> pd.DataFrame:  # shadow_price_USD -> shadow_price, as the tables in memory
        return df.rename(columns=lambda c: c[: -len(cur) - 1] if str(c).endswith(f"_{cur}") else c)

    found: list[dict] = []
    if "lane_limits.csv" in tables:
        found += lane_rows(plain(tables["lane_limits.csv"]), cur)
    if "quotas.csv" in tables:
        quotas = plain(tables["quotas.csv"])
        found += quota_rows(quotas, cur, quotas["product"].nunique() > 1)
    if "hubs.csv" in tables:
        found += hub_rows(plain(tables["hubs.csv"]), cur)
    return [
        dict(
            kind=r["family"],
            limit=r["text"].split(" is worth ")[0].removeprefix("the "),
            value=r["value_per_unit"],
            text=r["text"],
        )
        for r in found
    ]
