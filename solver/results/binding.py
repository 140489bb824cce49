"""Every binding limit of a plan with its value per unit, in words, largest first.

One table for the terminal, the Summary sheet and any report: a row per limit the plan sits on
(a capacity, a minimum output, a lane limit, a tariff-rate quota, a sourcing share) whose one
unit more or one unit less changes the cost, taken from the output tables (``utilization``,
``lane_limits``, ``quotas``, ``sourcing``), so the words and the files always agree. Money is
per unit, in the money of the limit's own period, as in those files.
"""

from __future__ import annotations

import math
import re

import pandas as pd
from solver.io.rows import rows_of

TOL = 1e-6
COLUMNS = ["family", "file", "period", "limit_units", "value_per_unit", "text"]
# where each family's figures are, for "... and N more (see ...)"
FILES = {
    "capacity": "utilization.csv",
    "minimum output": "utilization.csv",
    "lane limit": "lane_limits.csv",
    "tariff-rate quota": "quotas.csv",
    "hub throughput": "hubs.csv",
    "minimum share": "sourcing.csv",
    "maximum share": "sourcing.csv",
}

# every family but the capacities (which the terminal and the Summary sheet list on their own)
OTHER = ("minimum output", "lane limit", "tariff-rate quota", "hub throughput", "minimum share", "maximum share")


def other_title(limits: pd.DataFrame) -> str:
    """The heading of the OTHER limits listed: hubs named only where one binds (a case without hubs as before)."""
    hubs = ", hubs" if (limits["family"] == "hub throughput").any() else ""
    return f"Binding minimums, lane limits, quotas{hubs} and shares, largest first"


MOST = 20  # lines listed before "... and N more (see ...)"


def binding_limits(results, currency: str, several_products: bool, families=None) -> pd.DataFrame:
    """``results``: a ``tables.Results``. ``families``: the kinds to list (default all of FILES).
    Rows sorted by ``value_per_unit`` as shown (2 decimals), largest first, ties in the files' order."""
    wanted = set(FILES if families is None else families)
    rows: list[dict] = []
    util = results.utilization
    if "capacity" in wanted:
        rows += _capacities(util, currency, several_products)
    if "minimum output" in wanted:
        rows += _minimums(util, currency, several_products)
    if "lane limit" in wanted and results.lane_limits is not None:
        rows += lane_rows(results.lane_limits, currency)
    if "tariff-rate quota" in wanted and results.quotas is not None:
        rows += quota_rows(results.quotas, currency, several_products)
    if "hub throughput" in wanted and getattr(results, "hubs", None) is not None:
        rows += hub_rows(results.hubs, currency)
    if results.sourcing is not None:
        rows += _shares(results.sourcing, currency, wanted)
    df = pd.DataFrame(rows, columns=COLUMNS)
    # as shown (2 decimals), so that equal values stay in the files' order (periods in order)
    shown = df["value_per_unit"].astype(float).round(2)
    return df.iloc[(-shown).argsort(kind="stable")].reset_index(drop=True)


def _num(v) -> float:
    """The number, or NaN for a blank; -0.0 is 0.0 (it would print as -0.00)."""
    return (
        float(v) + 0.0 if v is not None and not (isinstance(v, float) and math.isnan(v)) and pd.notna(v) else math.nan
    )


def _binding(more: float, less: float) -> bool:
    return (not math.isnan(more) and abs(more) > TOL) or (not math.isnan(less) and abs(less) > TOL)


def _value(more: float, less: float) -> float:
    """The value the sentence leads with: one unit more, or one unit less where one more changes nothing."""
    return abs(more) if not math.isnan(more) and abs(more) > TOL else abs(less)


def _other_side(first: float, second: float, verb: str, cur: str) -> str:
    """'; one unit less would save 3.00 USD' where the second side differs from the first."""
    if math.isnan(second) or (not math.isnan(first) and abs(second - first) <= 0.005):
        return ""
    return f"; one unit less would {verb} {second:,.2f} {cur}"


def _scope(plant: str, product: str, several: bool) -> str:
    if product:
        return f"{plant}/{product}"
    return f"{plant} (all products)" if several else plant


def _capacities(util: pd.DataFrame, cur: str, several: bool) -> list[dict]:
    out = []
    for u in rows_of(util):
        more, less = _num(u.shadow_price), _num(u.shadow_price_one_less)
        if not _binding(more, less):
            continue
        scope, cap = _scope(u.plant, u.product, several), _num(u.max_units)
        if cap < TOL:  # a limit of 0: capacity the plant does not have (a line not built)
            text = f"a unit of capacity for {scope} in {u.period} (none today) would save {more:,.2f} {cur}"
        else:
            text = f"the capacity of {scope} in {u.period} ({cap:,.0f}) is worth {more:,.2f} {cur} per unit"
            text += _other_side(more, less, "cost", cur)
        out.append(_row("capacity", u.period, cap, _value(more, less), text))
    return out


def _minimums(util: pd.DataFrame, cur: str, several: bool) -> list[dict]:
    out = []
    for u in rows_of(util):
        more, less = _num(u.min_shadow_price), _num(u.min_shadow_price_one_less)
        if not _binding(more, less):
            continue
        low = _num(u.min_units)
        text = (
            f"the minimum output of {_scope(u.plant, u.product, several)} in {u.period} ({low:,.0f}) "
            + (f"costs {more:,.2f} {cur} per unit" if not math.isnan(more) else "cannot rise by a unit")
            + _other_side(more, less, "save", cur)
        )
        out.append(_row("minimum output", u.period, low, _value(more, less), text))
    return out


def lane_rows(lanes: pd.DataFrame, cur: str) -> list[dict]:
    out = []
    for r in rows_of(lanes):
        more, less = _num(r.shadow_price), _num(r.shadow_price_one_less)
        if not _binding(more, less):
            continue
        what = f"{r.plant} to {r.market}" + (f" ({r.product})" if r.product else "")
        text = (
            f"the lane limit {what} in {r.period} ({r.max_units:,.0f}) is worth {more:,.2f} {cur} per unit"
            + _other_side(more, less, "cost", cur)
        )
        out.append(_row("lane limit", r.period, float(r.max_units), _value(more, less), text))
    return out


def hub_rows(hubs: pd.DataFrame, cur: str) -> list[dict]:
    out = []
    for h in rows_of(hubs):
        more, less = _num(h.shadow_price), _num(h.shadow_price_one_less)
        if not _binding(more, less):
            continue
        text = (
            f"the throughput of hub {h.hub} in {h.period} ({h.max_units:,.0f}) is worth {more:,.2f} {cur} per unit"
            + _other_side(more, less, "cost", cur)
        )
        out.append(_row("hub throughput", h.period, float(h.max_units), _value(more, less), text))
    return out


def quota_rows(quotas: pd.DataFrame, cur: str, several: bool) -> list[dict]:
    out = []
    for q in rows_of(quotas):
        more, less = _num(q.shadow_price), _num(q.shadow_price_one_less)
        if not _binding(more, less):
            continue
        name = f"{q.agreement} quota" if q.agreement else "quota"
        what = f"{q.origin} to {q.market}" + (f" ({q.product})" if several else "")  # a quota counts per product
        text = (
            f"the {name} of {what} in {q.period} (tier {_whole(q.tier)}: {q.quota_units:,.0f} units at "
            f"{q.duty_rate * 100:g}%) is worth {more:,.2f} {cur} per unit" + _other_side(more, less, "cost", cur)
        )
        out.append(_row("tariff-rate quota", q.period, float(q.quota_units), _value(more, less), text))
    return out


def _shares(sourcing: pd.DataFrame, cur: str, wanted: set[str]) -> list[dict]:
    out = []
    for s in rows_of(sourcing):
        source = s.plant or s.country
        scope = s.market + (f"/{s.product}" if s.product else "")
        for family, share, price, verb in (
            ("minimum share", s.min_share, s.min_shadow_price, "costs"),
            ("maximum share", s.max_share, s.max_shadow_price, "is worth"),
        ):
            value = _num(price)
            if family not in wanted or math.isnan(value) or abs(value) <= TOL:
                continue
            text = (
                f"the {family} of {source} in {scope} in {s.period} ({share * 100:g}%, shares.csv row {s.row}) "
                f"{verb} {value:,.2f} {cur} per unit"
            )
            out.append(_row(family, s.period, math.nan, abs(value), text))
    return out


def _whole(v) -> str:
    """1 for 1 and 1.0 (a number read back from a CSV file), else as given."""
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _row(family: str, period, limit: float, value: float, text: str) -> dict:
    # a limit that binds only one way: "is worth nothing per unit; one unit less would cost 2,165.22 USD"
    text = re.sub(r"(is worth|costs) -?0\.00 [A-Z]{3} per unit(?=;)", r"\1 nothing per unit", text)
    return {
        "family": family,
        "file": FILES[family],
        "period": period,
        "limit_units": limit,
        "value_per_unit": value,
        "text": text,
    }


def listed(limits: pd.DataFrame, most: int = MOST) -> tuple[list[str], str | None]:
    """The first ``most`` sentences, and the line that says how many more there are and where."""
    more = None
    if len(limits) > most:
        files = ", ".join(dict.fromkeys(limits["file"].iloc[most:]))
        more = f"... and {len(limits) - most} more (see {files})"
    return limits["text"].head(most).tolist(), more
