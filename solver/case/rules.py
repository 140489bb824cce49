"""Checks of the rules a case sets for itself: settings.csv (discounting, currency) and shares.csv
(sourcing shares). Each reports into the Collector; none raises."""

from __future__ import annotations

import re

import pandas as pd

from solver.case.names import suggest
from solver.errors import Collector

SETTINGS = {"discount_rate": "a rate >= 0 per period, like 0.08 or 8%", "currency": "an ISO currency code, like USD"}


def discount_rate_too_high(rate: float) -> str:
    """A rate above 100% per period is almost always a percentage typed without its %."""
    return (
        f"is a discount rate of {rate:.0%} per period: write {rate:g}% as {rate / 100:g} or {rate:g}% "
        "(rates above 100% per period are not accepted)"
    )


def discount_rate_value(value) -> float:
    """A discount rate given in Python or on the command line (0.08, "0.08" or "8%"), checked as settings.csv's
    is; a UsageError naming it otherwise."""
    from solver.errors import UsageError

    text = str(value).strip()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise UsageError(f"discount_rate={value!r}: a rate >= 0 per period, like 0.08 or '8%'")
    try:
        rate = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise UsageError(f"discount_rate={value!r}: a rate >= 0 per period, like 0.08 or '8%'") from None
    if not (rate >= 0 and rate < float("inf")):
        raise UsageError(f"discount_rate={value!r}: must be a rate >= 0 per period, like 0.08 or '8%'")
    if rate > 1:
        raise UsageError(f"discount_rate={value!r} {discount_rate_too_high(rate)}")
    return rate


def check_settings(df, out: Collector) -> dict:
    """settings.csv as a dict of parsed values; unknown settings and bad values are errors."""
    found: dict = {}
    seen: dict[str, int] = {}
    for _, r in df.iterrows():
        key, value = r["setting"].strip().lower(), r["value"].strip()
        if not key or not value:
            continue  # a blank required cell is reported by the reader
        if key not in SETTINGS:
            out.error(
                "settings.csv",
                r["row"],
                "setting",
                r["setting"],
                f"is not a known setting (known: {', '.join(SETTINGS)})",
            )
            continue
        if key in seen:
            out.error(
                "settings.csv", r["row"], "setting", r["setting"], f"is set twice (also row {seen[key]}); keep one"
            )
            continue
        seen[key] = r["row"]
        if key == "discount_rate":
            number = value[:-1].strip() if value.endswith("%") else value
            try:
                rate = float(number) / (100.0 if value.endswith("%") else 1.0)
            except ValueError:
                rate = float("nan")
            if not (rate >= 0 and rate < 10):  # also rejects nan and inf
                out.error("settings.csv", r["row"], "value", value, f"must be {SETTINGS[key]}")
                continue
            if rate > 1:
                out.error("settings.csv", r["row"], "value", value, discount_rate_too_high(rate))
                continue
            found[key] = rate
        elif key == "currency":
            if not re.fullmatch(r"[A-Za-z]{3}", value):
                out.error("settings.csv", r["row"], "value", value, f"must be {SETTINGS[key]}")
                continue
            found[key] = value.upper()
    return found


def check_shares(t, countries: set, out: Collector):
    sh = t["shares"]
    for _, r in sh.iterrows():
        if bool(r["plant"]) == bool(r["country"]):
            out.error(
                "shares.csv",
                r["row"],
                "plant" if r["plant"] else "country",
                r["plant"] or r["country"],
                "give exactly one source: a plant or a country, not both"
                if r["plant"]
                else "is blank: give exactly one source, a plant or a country",
            )
        if r["country"] and r["country"] not in countries:
            out.error(
                "shares.csv",
                r["row"],
                "country",
                r["country"],
                "is not the country of any plant" + suggest(r["country"], countries),
            )
        if pd.isna(r["min_share"]) and pd.isna(r["max_share"]):
            out.error("shares.csv", r["row"], "min_share", "", "and max_share are both blank: give at least one")
        elif pd.notna(r["min_share"]) and pd.notna(r["max_share"]) and r["min_share"] > r["max_share"]:
            out.error(
                "shares.csv", r["row"], "min_share", f"{r['min_share']:g}", f"is above max_share {r['max_share']:g}"
            )


def check_positions(t: dict, markets: set, out: Collector) -> dict:
    """Map positions: a plant's is ``lat`` and ``lon`` together (one alone is a slip); a markets.csv row
    of no market of demand.csv is ignored (a warning: the file is for the map only); positions for some
    places but not all are said (the report draws no map without every one)."""
    plants = t["plants"]
    for _, r in plants[plants["lat"].isna() != plants["lon"].isna()].iterrows():
        given, other = ("lat", "lon") if pd.notna(r["lat"]) else ("lon", "lat")
        out.error("plants.csv", r["row"], other, "", f"is blank but {given} is given: a map position needs lat and lon")
    mk = t["markets"]
    unknown = ~mk["market"].isin(markets)
    for _, r in mk[unknown].iterrows():
        out.warn("markets.csv", r["row"], "market", r["market"], "is not a market of demand.csv; row ignored")
    t["markets"] = mk = mk[~unknown].reset_index(drop=True)
    placed = int(plants["lat"].notna().sum()) + len(mk)
    if placed:
        missing = [p for p in plants["plant"][plants["lat"].isna()]] + sorted(markets - set(mk["market"]))
        if missing:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            out.warn(
                "markets.csv" if set(missing) & markets else "plants.csv", 0, "lat", "",
                f"no map position for {shown}: the report draws the network on a map only when every plant "
                "and market has one",
            )  # fmt: skip
    return t


def check_groups(t: dict, out: Collector) -> None:
    """groups.csv: each row's group is one of expansions.csv's, its numbers whole, min_built <= max_built, and
    min_built no more than the group has options (else no plan could meet it)."""
    exp, groups = t["expansions"], t["groups"]
    sizes = exp[exp["group"] != ""].groupby("group").size().to_dict()
    for _, r in groups.iterrows():
        if r["group"] not in sizes:
            known = ", ".join(sorted(sizes)) or "none: give options a group in expansions.csv"
            out.error("groups.csv", r["row"], "group", r["group"], f"is no group of expansions.csv (groups: {known})")
            continue
        lo = 0.0 if pd.isna(r["min_built"]) else float(r["min_built"])
        hi = 1.0 if pd.isna(r["max_built"]) else float(r["max_built"])
        for col, v in (("min_built", lo), ("max_built", hi)):
            if v != int(v):
                out.error("groups.csv", r["row"], col, f"{v:g}", "must be a whole number of options")
        if lo > hi:
            out.error("groups.csv", r["row"], "min_built", f"{lo:g}", f"is above max_built {hi:g}")
        elif lo > sizes[r["group"]]:
            out.error(
                "groups.csv", r["row"], "min_built", f"{lo:g}",
                f"is more than group {r['group']} has options ({sizes[r['group']]}): no plan could build that many",
            )  # fmt: skip


def check_windows(exp, periods: set, out: Collector) -> None:
    """expansions.csv last_period: a period of demand.csv, not before first_period."""
    from solver.case.names import period_sort_key

    for _, r in exp[exp["last_period"] != ""].iterrows():
        if r["last_period"] not in periods:
            out.error("expansions.csv", r["row"], "last_period", r["last_period"], "is not a period of demand.csv")
        elif r["first_period"] in periods and period_sort_key(r["last_period"]) < period_sort_key(r["first_period"]):
            out.error(
                "expansions.csv", r["row"], "last_period", r["last_period"],
                f"is before first_period {r['first_period']}: a window runs from first_period to last_period",
            )  # fmt: skip


def check_hubs(t: dict, plants: set, markets: set, out: Collector) -> None:
    """nodes.csv: a hub's name is no plant's or market's (a lane's end would be two places); a lane does not
    run from a hub to itself; a hub with no lane in or no lane out carries nothing (a warning)."""
    nodes, lanes = t["nodes"], t["lanes"]
    if not len(nodes):
        return
    for _, r in nodes.iterrows():
        for known, what in ((plants, "a plant of plants.csv"), (markets, "a market of demand.csv")):
            if r["hub"] in known:
                out.error("nodes.csv", r["row"], "hub", r["hub"], f"is also {what}: give the hub another name")
    loops = lanes[(lanes["plant"] == lanes["market"]) & lanes["plant"].isin(set(nodes["hub"]))]
    for _, r in loops.iterrows():
        out.error(
            "lanes.csv", r["row"], "market", r["market"], "is the hub the lane starts at: a lane joins two places"
        )
    into, out_of = set(lanes["market"]), set(lanes["plant"])
    for _, r in nodes.iterrows():
        missing = [w for w, s in (("into", into), ("out of", out_of)) if r["hub"] not in s]
        if missing:
            out.warn(
                "nodes.csv", r["row"], "hub", r["hub"],
                f"has no lane {' and no lane '.join(missing)} it in lanes.csv; nothing can pass through it",
            )  # fmt: skip


def check_closing(t: dict, out: Collector) -> None:
    """plants.csv, nodes.csv: a closing cost without a close_from never applies (a warning)."""
    for key, what in (("plants", "plant"), ("nodes", "hub")):
        sites = t[key]
        if "closing_cost" in sites and "close_from" in sites:
            idle = sites[sites["closing_cost"].notna() & (sites["close_from"].fillna("") == "")]
            for _, r in idle.iterrows():
                out.warn(f"{key}.csv", r["row"], "closing_cost", f"{r['closing_cost']:g}",
                         f"has no close_from: the {what} cannot close, so the closing cost never applies")  # fmt: skip


def check_expansions(t, out: Collector):
    cap = t["capacity"]
    if any(p.file == "capacity.csv" and p.column == "max_units" for p in out.problems):
        return  # an unreadable max_units would make every option look unattached
    nodes = t["nodes"].set_index("hub")
    lanes = t["lanes"]
    for _, r in t["expansions"].iterrows():
        if r.get("market", ""):  # an option on a lane: it adds to the lane's max_units
            on = lanes[(lanes["plant"] == r["plant"]) & (lanes["market"] == r["market"]) & lanes["max_units"].notna()]
            if not len(on) and r["plant"] in set(lanes["plant"]) | set(t["plants"]["plant"]) | set(nodes.index):
                out.error(
                    "expansions.csv", r["row"], "market", r["market"],
                    f"option {r['option']} adds to the lane {r['plant']} > {r['market']}, which has no lanes.csv row "
                    "with max_units (0 for a lane that opens only when built)",
                )  # fmt: skip
            continue
        if r["plant"] in nodes.index:  # an option that adds to a hub's throughput (every product)
            if pd.isna(nodes.loc[r["plant"], "max_units"]) or r["product"]:
                out.error(
                    "expansions.csv", r["row"], "plant", r["plant"],
                    f"is a hub: option {r['option']} adds to its throughput, which needs a max_units in nodes.csv "
                    "(0 for a hub that opens only when built) and a blank product",
                )  # fmt: skip
            continue
        match = cap[(cap["plant"] == r["plant"]) & (cap["product"] == r["product"]) & cap["max_units"].notna()]
        if len(match) == 0 and r["plant"] in set(t["plants"]["plant"]):
            scope = f"product {r['product']}" if r["product"] else "its total (blank product)"
            out.error(
                "expansions.csv",
                r["row"],
                "plant",
                r["plant"],
                f"has no capacity.csv row with max_units for {scope}, so option {r['option']} has nothing to add to",
            )
