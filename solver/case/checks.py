"""Input rules that span rows and files, one ``check_*`` function each (PyPSA style).

Each function reports into the Collector; none raises. ``check_all`` runs them in
order and returns the tables with rows that only earn a warning (a period no demand
has, a tariff for an origin no plant is in) removed.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from solver.case.fx_checks import check_fx_coverage
from solver.case.names import suggest
from solver.case.rules import (
    check_closing,
    check_expansions,
    check_groups,
    check_hubs,
    check_positions,
    check_shares,
    check_windows,
)
from solver.errors import Collector
from solver.io.schema import FILES

# file -> the columns that identify a row, including the optional ones that set its specificity
SPECIFIC_KEYS = {
    "costs": ("plant", "product", "period"),
    "lanes": ("plant", "market", "product", "period"),
    "fx": ("currency", "period"),
}


def check_all(
    t: dict[str, pd.DataFrame], products, periods, currency: str, out: Collector, case_currency: str | None = None
):
    """``currency`` is the reporting currency; ``case_currency`` the case's own (settings.csv
    or USD), the quote base of fx.csv, when ``currency`` overrides it."""
    check_unique(t["plants"], "plants.csv", ["plant"], out)
    check_unique(t["demand"], "demand.csv", ["market", "product", "period"], out)
    check_unique(t["expansions"], "expansions.csv", ["option"], out)
    check_unique(t["markets"], "markets.csv", ["market"], out)
    check_unique(t["groups"], "groups.csv", ["group"], out)
    check_unique(t["nodes"], "nodes.csv", ["hub"], out)
    t = drop_unknown_periods(t, set(periods), out)
    plants = set(t["plants"]["plant"])
    markets = set(t["demand"]["market"])
    check_references(t, plants, markets, set(products), set(periods), out)
    check_hubs(t, plants, markets, out)
    check_closing(t, out)
    t = drop_unused_tariffs(t, set(t["plants"]["country"]), markets, set(products), out)
    check_min_max(t["capacity"], out)
    for key, cols in SPECIFIC_KEYS.items():
        check_unique(t[key], f"{key}.csv", list(cols), out, equal_specificity=True)
    check_tariff_tiers(t["tariffs"], out)
    check_fx_coverage(t, periods, currency, out, case_currency or currency)
    check_expansions(t, out)
    check_shares(t, set(t["plants"]["country"]), out)
    t = check_positions(t, markets, out)
    check_groups(t, out)
    check_servable(t, out)
    warn_unlimited(t, periods, out)
    return t


def check_period_spellings(t: dict[str, pd.DataFrame], out: Collector) -> None:
    """Two labels that are one period written two ways (2012.0 beside 2012) would be two periods, and
    switch discounting from years to positions: an error at every row of the rarer spelling."""
    cells = []  # (label, file, row, column)
    for spec in FILES:
        df = t.get(spec.name[:-4])
        for col in (c.name for c in spec.columns if c.kind == "period"):
            if df is not None and col in df.columns and len(df):
                cells += [
                    (str(v), spec.name, int(r), col) for v, r in zip(df[col], df["row"], strict=True) if str(v).strip()
                ]
    by_value: dict[float, dict[str, list]] = {}
    for label, file, row, col in cells:
        try:
            value = float(label)
        except ValueError:
            continue
        by_value.setdefault(value, {}).setdefault(label, []).append((file, row, col))
    for spellings in by_value.values():
        if len(spellings) < 2:
            continue
        usual = max(spellings, key=lambda s: (len(spellings[s]), -len(s)))
        file0, row0, _ = spellings[usual][0]
        for label, places in spellings.items():
            for file, row, col in places if label != usual else ():
                out.error(
                    file,
                    row,
                    col,
                    label,
                    f'is the period "{usual}" ({file0} row {row0}) written another '
                    f"way; write it as {usual} everywhere, or it would be a period of its own",
                )


def check_unique(df, file, cols, out: Collector, equal_specificity=False):
    dup = df[df.duplicated(cols, keep=False)]
    for _, group in dup.groupby(cols, sort=False):
        rows = group["row"].tolist()
        key = ", ".join(f"{c}={group[c].iat[0] or '(blank)'}" for c in cols)
        why = "two rows of equal specificity for the same key" if equal_specificity else "duplicate key"
        for r in rows[1:]:
            out.error(file, r, "", key, f"{why} (also row {rows[0]}); keep one")


def drop_unknown_periods(t, periods: set, out: Collector):
    for key in ("capacity", "lanes", "costs", "fx", "tariffs", "shares"):
        df = t[key]
        unknown = (df["period"] != "") & ~df["period"].isin(periods)
        for _, r in df[unknown].iterrows():
            out.warn(f"{key}.csv", r["row"], "period", r["period"], "is not a period of demand.csv; row ignored")
        t[key] = df[~unknown].reset_index(drop=True)
    return t


def check_references(t, plants, markets, products, periods, out: Collector):
    def need(key, col, known, what):
        df = t[key]
        bad = (df[col] != "") & ~df[col].isin(known)
        for _, r in df[bad].iterrows():
            out.error(f"{key}.csv", r["row"], col, r[col], f"is not a known {what}" + suggest(r[col], known))

    hubs = set(t["nodes"]["hub"])
    for key in ("capacity", "lanes", "costs", "expansions"):
        if key in ("lanes", "expansions") and hubs:  # a lane may start at a hub; an option may add to one
            need(key, "plant", plants | hubs, "plant of plants.csv or hub of nodes.csv")
        else:
            need(key, "plant", plants, "plant of plants.csv")
        need(key, "product", products, "product of demand.csv")
    for key in ("lanes", "expansions"):  # a lane's end; an option's lane end (expansions.csv market)
        if key == "expansions" and "market" not in t[key]:
            continue
        if hubs:
            need(key, "market", markets | hubs, "market of demand.csv or hub of nodes.csv")
        else:
            need(key, "market", markets, "market of demand.csv")
    need("shares", "market", markets, "market of demand.csv")
    need("shares", "product", products, "product of demand.csv")
    need("shares", "plant", plants, "plant of plants.csv")
    for key in ("plants", "nodes"):
        sites = t[key]
        if "close_from" in sites:
            bad = (sites["close_from"] != "") & ~sites["close_from"].isin(periods)
            for _, r in sites[bad].iterrows():
                out.error(f"{key}.csv", r["row"], "close_from", r["close_from"],
                          "is not a period of demand.csv" + suggest(r["close_from"], periods))  # fmt: skip
    exp = t["expansions"]
    check_windows(exp, periods, out)
    bad = ~exp["first_period"].isin(periods)
    for _, r in exp[bad & (exp["first_period"] != "")].iterrows():
        out.error(
            "expansions.csv",
            r["row"],
            "first_period",
            r["first_period"],
            "is not a period of demand.csv" + suggest(r["first_period"], periods),
        )


def drop_unused_tariffs(t, countries, markets, products, out: Collector):
    df = t["tariffs"]
    keep = pd.Series(True, index=df.index)
    for col, known, what in (
        ("origin", countries, "country of any plant"),
        ("market", markets, "market of demand.csv"),
        ("product", products, "product of demand.csv"),
    ):
        bad = (df[col] != "") & ~df[col].isin(known) & keep
        for _, r in df[bad].iterrows():
            hint = suggest(r[col], known)
            out.warn(
                "tariffs.csv",
                r["row"],
                col,
                r[col],
                f"is not a {what}; row unused" + (hint if "did you mean" in hint else ""),
            )
        keep &= ~bad
    t["tariffs"] = df[keep].reset_index(drop=True)
    return t


def check_min_max(cap, out: Collector):
    bad = cap["min_units"].notna() & cap["max_units"].notna() & (cap["min_units"] > cap["max_units"])
    for _, r in cap[bad].iterrows():
        out.error(
            "capacity.csv", r["row"], "min_units", f"{r['min_units']:g}", f"is above max_units {r['max_units']:g}"
        )


def check_tariff_tiers(tar, out: Collector):
    key = ["origin", "market", "product", "period"]
    single = ~tar.duplicated(key, keep=False)
    for _, r in tar[single & tar["up_to_units"].notna()].iterrows():
        out.error(
            "tariffs.csv",
            r["row"],
            "up_to_units",
            f"{r['up_to_units']:g}",
            "is set on the only tier of this tariff: leave it blank, or add a row for the volume above it",
        )
    for _, g in tar[~single].groupby(key, sort=False):
        open_rows = g[g["up_to_units"].isna()]
        rows = ", ".join(str(r) for r in g["row"])
        if len(open_rows) > 1:
            for r in open_rows["row"].iloc[1:]:
                out.error(
                    "tariffs.csv",
                    r,
                    "up_to_units",
                    "",
                    f"is blank on more than one tier of this tariff (rows {rows}): only the last tier may "
                    "leave it blank; give the other tiers their up_to_units",
                )
            continue
        if len(open_rows) == 0:
            r = g.sort_values("up_to_units").iloc[-1]
            out.error(
                "tariffs.csv",
                r["row"],
                "up_to_units",
                f"{r['up_to_units']:g}",
                f"every tier of this tariff (rows {rows}) has a limit: leave it blank on the last tier",
            )
            continue
        tiers = g.sort_values("up_to_units", na_position="last")
        ups = tiers["up_to_units"].iloc[:-1]
        for (_, a), (_, b) in zip(tiers.iloc[:-1].iterrows(), tiers.iloc[1:].iterrows(), strict=True):
            if pd.notna(b["up_to_units"]) and b["up_to_units"] == a["up_to_units"]:
                out.error(
                    "tariffs.csv",
                    b["row"],
                    "up_to_units",
                    f"{b['up_to_units']:g}",
                    f"repeats the tier limit of row {a['row']}",
                )
            if b["rate"] < a["rate"]:
                out.error(
                    "tariffs.csv",
                    b["row"],
                    "rate",
                    f"{b['rate']:g}",
                    f"is below the rate {a['rate']:g} of the lower tier in row {a['row']}: "
                    "tier rates must not fall as volume rises",
                )
        if (ups <= 0).any():
            r = tiers[tiers["up_to_units"] <= 0].iloc[0]
            out.error("tariffs.csv", r["row"], "up_to_units", f"{r['up_to_units']:g}", "must be greater than 0")
        if tiers["basis"].isin(["fob", "cif"]).all() and tiers["basis"].nunique() > 1:
            r = tiers.iloc[1]
            out.error("tariffs.csv", r["row"], "basis", r["basis"], "tiers of one tariff must share one basis")


def check_servable(t, out: Collector):
    lanes, dem = t["lanes"], t["demand"]
    served = pd.MultiIndex.from_arrays([lanes["market"], lanes["product"]])
    d = dem[(dem["units"] > 0) & (dem["market"] != "") & (dem["product"] != "")]  # blanks are reported already
    ok = pd.MultiIndex.from_arrays([d["market"], d["product"]]).isin(served) | pd.MultiIndex.from_arrays(
        [d["market"], pd.Series([""] * len(d), dtype=object)]
    ).isin(served)
    for _, r in d[~ok].iterrows():
        msg = f"has demand for product {r['product']} but no lanes.csv row serves this market"
        if pd.isna(r["unmet_penalty"]):
            out.error("demand.csv", r["row"], "market", r["market"], msg + " (add a lane, or an unmet_penalty)")
        else:
            out.warn("demand.csv", r["row"], "market", r["market"], msg + "; it will go unmet")
    closed = closed_lanes(lanes, d[ok])
    for _, r in d[ok & d["row"].isin(set(closed))].iterrows():
        msg = f"has demand for {r['market']}/{r['product']} but {closed[r['row']]}"
        if pd.isna(r["unmet_penalty"]):
            out.warn(
                "demand.csv",
                r["row"],
                "period",
                r["period"],
                msg + f"; with no unmet_penalty the case has no plan (add a lanes.csv row for "
                f"{r['period']}, or with a blank period, or an unmet_penalty)",
            )
        else:
            out.warn("demand.csv", r["row"], "period", r["period"], msg + "; it will go unmet")
    idle = t["plants"][~t["plants"]["plant"].isin(set(lanes["plant"]))]
    for _, r in idle.iterrows():
        out.warn("plants.csv", r["row"], "plant", r["plant"], "has no lane in lanes.csv; it cannot supply anything")


def closed_lanes(lanes: pd.DataFrame, demand: pd.DataFrame) -> dict[int, str]:
    """Why no lane reaches a demand row, for the rows of ``demand`` (market, product, period,
    row) that no lanes.csv row serves in their period although some serve the market:
    {demand.csv row: 'no lanes.csv row serves m5 in 2026 (its lanes are open only in 2025:
    rows 12-26)'}. A lane row applies to its product (blank: every product) and period
    (blank: every period), so a demand row has a flow exactly when one of its market's rows
    matches both."""
    if len(demand) == 0 or len(lanes) == 0:
        return {}
    served = pd.MultiIndex.from_arrays([lanes["market"], lanes["product"], lanes["period"]])
    blank = pd.Series([""] * len(demand), index=demand.index, dtype=object)
    open_ = np.zeros(len(demand), dtype=bool)
    for product in (demand["product"], blank):
        for period in (demand["period"], blank):
            open_ |= pd.MultiIndex.from_arrays([demand["market"], product, period]).isin(served)
    from solver.case.names import period_sort_key

    closed = demand[~open_]
    by_market = dict(tuple(lanes[lanes["market"].isin(set(closed["market"]))].groupby("market", sort=False)))
    found = {}
    for _, r in closed.iterrows():
        rows = by_market.get(r["market"])
        if rows is None:
            continue  # no lane at all: check_servable says so
        scope, what = r["market"], "its lanes"
        if (rows["period"].isin([r["period"], ""])).any():  # open in the period, for other products only
            rows = rows[rows["product"].isin([r["product"], ""])]
            scope, what = f"{r['market']}/{r['product']}", f"its lanes for {r['product']}"
        if len(rows) == 0:
            continue
        periods = ", ".join(sorted(set(rows["period"]), key=period_sort_key))
        if len(rows) == 1:
            what = what.replace("lanes", "lane") + " is"
        else:
            what += " are"
        found[int(r["row"])] = (
            f"no lanes.csv row serves {scope} in {r['period']} "
            f"({what} open only in {periods}: {row_span(rows['row'].tolist())})"
        )
    return found


def row_span(rows: list[int], shown: int = 8) -> str:
    """'row 12', 'rows 12-26', 'rows 2, 5, 7-9': runs of three or more rows as a range."""
    rows = sorted(set(int(r) for r in rows))
    parts, i = [], 0  # (text, rows in it)
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts += [(f"{rows[i]}-{rows[j]}", j - i + 1)] if j - i >= 2 else [(str(r), 1) for r in rows[i : j + 1]]
        i = j + 1
    more = sum(n for _, n in parts[shown:])
    text = ", ".join(p for p, _ in parts[:shown]) + (f" and {more} more" if more else "")
    return f"row{'s' if len(rows) > 1 else ''} {text}"


def warn_unlimited(t, periods, out: Collector):
    cap = t["capacity"]
    limited = cap[cap["max_units"].notna()]
    mentioned = set(cap["plant"])
    for _, r in t["plants"].iterrows():
        rows = limited[limited["plant"] == r["plant"]]
        if (rows["period"] == "").any():
            continue
        free = [p for p in periods if p not in set(rows["period"])]
        # a plant capacity.csv never names while it names others: a slip more often than a plant meant to
        # have no limit, so every command warns
        if free and r["plant"] not in mentioned and mentioned:
            out.warn(
                "capacity.csv",
                0,
                "plant",
                r["plant"],
                "is never named in capacity.csv: its production is unlimited in every period (add a row "
                "plant,max_units if that is not meant)",
            )
        elif free:
            out.note(
                "capacity.csv",
                0,
                "plant",
                r["plant"],
                f"has no max_units limit in period {', '.join(free)}: unlimited there",
            )
