"""From a Case to vectorised coefficient tables: one row per flow arc (and tariff tier).

An arc is (plant, market, product, period) where a lane row applies and the market
has a demand row for that product and period. Money is converted to the reporting
currency here, once:

    amount_reporting = amount_in_C * rate(reporting, t) / rate(C, t)

where ``rate(C, t)`` is fx.csv's rate (units of C per 1 unit of the quote base,
normally the reporting currency, whose implicit rate is 1).

Duty per unit of an arc in tier j = rate_j * customs value, customs value =
production cost (fob) or production + freight (cif).

Money over time: every cost that falls in period t enters the objective times the
discount factor d(t) (``Case.discount_factors``); ``arcs.discount`` carries it. An
expansion's fixed cost F (reporting currency, at ``first_period``'s rate) is charged once
in ``first_period`` or, with ``lifetime_periods`` n, as n equal charges
A = F R / (1 - (1 + R)^-n) (F / n when R = 0) from ``first_period`` on, cut at the
case's last period; ``charges`` lists them and ``expansions.pv_factor`` is
sum(A d(t)) / F, so the build column costs F * pv_factor.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .case import Case

LEVELS_PRODUCT_PERIOD = (("product", "period"), ("product",), ("period",), ())


def resolve(targets: pd.DataFrame, rows: pd.DataFrame, keys: list[str], levels) -> np.ndarray:
    """Position in ``rows`` of the most specific row that applies to each target, or -1.

    ``levels`` lists, most specific first, which optional columns a row has set;
    the optional columns not in a level must be blank in the row.
    """
    optional = sorted({c for lv in levels for c in lv})
    found = np.full(len(targets), -1, dtype=np.int64)
    if len(rows) == 0 or len(targets) == 0:
        return found
    rows = rows.assign(_pos=np.arange(len(rows)))
    left = targets[keys + optional].assign(_t=np.arange(len(targets)))
    for level in levels:
        mask = np.ones(len(rows), dtype=bool)
        for c in optional:
            mask &= (rows[c] != "").to_numpy() if c in level else (rows[c] == "").to_numpy()
        sub = rows.loc[mask, keys + list(level) + ["_pos"]]
        if sub.empty:
            continue
        m = left.merge(sub, on=keys + list(level), how="inner")
        todo = found[m["_t"].to_numpy()] < 0
        found[m["_t"].to_numpy()[todo]] = m["_pos"].to_numpy()[todo]
    return found


def fx_rate(case: Case, currency: pd.Series, period: pd.Series) -> np.ndarray:
    """Rate (units of currency per quote-base unit) for each (currency, period)."""
    fx = case.fx
    targets = pd.DataFrame({"currency": currency.to_numpy(), "period": period.to_numpy()})
    pos = resolve(targets, fx, ["currency"], (("period",), ()))
    rate = np.where(pos >= 0, fx["rate"].to_numpy()[np.maximum(pos, 0)] if len(fx) else 1.0, np.nan)
    # The reporting currency needs no row: it is the quote base.
    rate = np.where((pos < 0) & (targets["currency"] == case.currency).to_numpy(), 1.0, rate)
    if np.isnan(rate).any():  # checks.check_fx_coverage reports these as input errors first
        bad = targets[np.isnan(rate)].iloc[0]
        raise ValueError(f"no exchange rate for {bad['currency']} in period {bad['period']}")
    return rate


def to_reporting(case: Case, amount, currency: pd.Series, period: pd.Series) -> np.ndarray:
    cur = currency.where(currency != "", case.currency)
    reporting = pd.Series([case.currency] * len(cur))
    return np.asarray(amount, dtype=float) * fx_rate(case, reporting, period) / fx_rate(case, cur, period)


@dataclass(frozen=True)
class Coefficients:
    arcs: pd.DataFrame  # one row per flow variable
    capacity: pd.DataFrame  # capacity keys (plant, product, period) with limits
    lane_limits: pd.DataFrame  # lane row x period with max_units
    tiers: pd.DataFrame  # (origin, market, product, period, tier) with width
    expansions: pd.DataFrame  # option with fixed cost in reporting currency and pv_factor
    charges: pd.DataFrame  # (option position, period, amount, discount): each expansion charge
    shares: pd.DataFrame  # one row per shares.csv row and period it covers


def build(case: Case) -> Coefficients:
    arcs = _arcs(case)
    expansions, charges = _expansions(case)
    return Coefficients(
        arcs=arcs,
        capacity=_capacity_keys(case),
        lane_limits=_lane_limits(case, arcs),
        tiers=_tier_widths(case),
        expansions=expansions,
        charges=charges,
        shares=_share_keys(case),
    )


def _arcs(case: Case) -> pd.DataFrame:
    lanes = case.lanes
    dem = case.demand[["market", "product", "period"]]
    pairs = lanes[["plant", "market"]].drop_duplicates()
    arcs = pairs.merge(dem, on="market", how="inner")
    pos = resolve(arcs, lanes, ["plant", "market"], LEVELS_PRODUCT_PERIOD)
    arcs = arcs[pos >= 0].reset_index(drop=True)
    pos = pos[pos >= 0]
    lane = lanes.iloc[pos].reset_index(drop=True)
    arcs["lane_row"] = pos
    plants = case.plants.set_index("plant")
    arcs["country"] = plants.loc[arcs["plant"], "country"].to_numpy()
    arcs["plant_currency"] = plants.loc[arcs["plant"], "currency"].to_numpy()

    cpos = resolve(arcs, case.costs, ["plant"], LEVELS_PRODUCT_PERIOD)
    arcs["cost_row"] = cpos
    local_cost = np.where(cpos >= 0, case.costs["unit_cost"].to_numpy()[np.maximum(cpos, 0)] if len(case.costs) else 0.0, 0.0)
    # Convert only where there is a cost: a plant with no cost rows needs no exchange rate.
    has = local_cost != 0
    production = np.zeros(len(arcs))
    production[has] = to_reporting(case, local_cost[has], arcs["plant_currency"][has], arcs["period"][has])
    arcs["unit_production_cost"] = production
    arcs["unit_freight"] = to_reporting(case, lane["freight_cost"].to_numpy(), lane["currency"], arcs["period"])
    # Inputs in their own currencies, kept so a sweep can recompute costs without re-reading.
    arcs["local_cost"] = local_cost
    arcs["freight_local"] = lane["freight_cost"].to_numpy(dtype=float)
    arcs["lane_currency"] = lane["currency"].where(lane["currency"] != "", case.currency).to_numpy()

    arcs = _apply_tariffs(case, arcs)
    arcs["unit_cost"] = arcs["unit_production_cost"] + arcs["unit_freight"] + arcs["unit_duty"]
    arcs["discount"] = arcs["period"].map(case.discount_factors()).to_numpy(float)
    order = case.period_order()
    arcs["_p"] = arcs["period"].map(order)
    arcs = arcs.sort_values(["_p", "product", "plant", "market", "tier"], kind="stable").drop(columns="_p")
    return arcs.reset_index(drop=True)


def _tariff_groups(case: Case) -> tuple[pd.DataFrame, np.ndarray]:
    key = ["origin", "market", "product", "period"]
    tar = case.tariffs
    groups = tar[key].drop_duplicates().reset_index(drop=True)
    gid = groups.reset_index().merge(tar[key], on=key, how="right")["index"].to_numpy()
    return groups, gid


def _apply_tariffs(case: Case, arcs: pd.DataFrame) -> pd.DataFrame:
    tar = case.tariffs
    groups, gid = _tariff_groups(case)
    targets = arcs.rename(columns={"country": "origin"})
    gpos = resolve(targets, groups, ["origin", "market"], LEVELS_PRODUCT_PERIOD)
    arcs = arcs.assign(tariff_group=gpos)
    tiers = tar.assign(tariff_group=gid)
    tiers = tiers.sort_values(["tariff_group", "up_to_units"], na_position="last", kind="stable")
    tiers["tier"] = tiers.groupby("tariff_group").cumcount()
    tiers["n_tiers"] = tiers.groupby("tariff_group")["tier"].transform("size")
    tiers = tiers[["tariff_group", "tier", "n_tiers", "rate", "basis", "agreement"]]
    arcs = arcs.merge(tiers, on="tariff_group", how="left")
    none = arcs["tariff_group"] < 0
    arcs["tier"] = arcs["tier"].fillna(0).astype(np.int64)
    arcs["n_tiers"] = arcs["n_tiers"].fillna(1).astype(np.int64)
    arcs["duty_rate"] = arcs["rate"].where(~none, 0.0).fillna(0.0)
    arcs["agreement"] = arcs["agreement"].where(~none, "").fillna("")
    cif = (arcs["basis"] == "cif").to_numpy()
    customs = arcs["unit_production_cost"].to_numpy() + np.where(cif, arcs["unit_freight"].to_numpy(), 0.0)
    arcs["unit_duty"] = arcs["duty_rate"].to_numpy() * customs
    arcs["cif"] = cif
    return arcs.drop(columns=["rate", "basis"])


def _tier_widths(case: Case) -> pd.DataFrame:
    """Width of each tariff-rate-quota tier (only groups with several tiers)."""
    tar = case.tariffs
    groups, gid = _tariff_groups(case)
    t = tar.assign(tariff_group=gid).sort_values(["tariff_group", "up_to_units"], na_position="last", kind="stable")
    t["tier"] = t.groupby("tariff_group").cumcount()
    prev = t.groupby("tariff_group")["up_to_units"].shift(1).fillna(0.0)
    t["width"] = t["up_to_units"] - prev
    multi = t.groupby("tariff_group")["tier"].transform("size") > 1
    t = t[multi & t["up_to_units"].notna()]
    return t[["tariff_group", "tier", "origin", "market", "product", "period", "width", "up_to_units", "row"]].reset_index(drop=True)


def _capacity_keys(case: Case) -> pd.DataFrame:
    """One row per (plant, product scope, period): the tightest limits of all rows that hold there."""
    cap = case.capacity
    per = pd.DataFrame({"period_all": list(case.periods)})
    blank = cap[cap["period"] == ""].merge(per, how="cross")
    blank["period"] = blank["period_all"]
    rows = pd.concat([cap[cap["period"] != ""], blank.drop(columns="period_all")], ignore_index=True)
    keys = ["plant", "product", "period"]
    agg = rows.groupby(keys, sort=False).agg(
        max_units=("max_units", "min"), min_units=("min_units", "max"),
        rows=("row", lambda r: ",".join(str(x) for x in sorted(set(r)))),
    ).reset_index()
    order = case.period_order()
    agg["_p"] = agg["period"].map(order)
    agg = agg.sort_values(["plant", "_p", "product"], kind="stable").drop(columns="_p")
    return agg.reset_index(drop=True)


def _lane_limits(case: Case, arcs: pd.DataFrame) -> pd.DataFrame:
    limited = case.lanes["max_units"].notna().to_numpy()
    used = arcs[limited[arcs["lane_row"].to_numpy()]][["lane_row", "period"]].drop_duplicates()
    lanes = case.lanes.reset_index(drop=True)
    out = used.assign(
        plant=lanes["plant"].to_numpy()[used["lane_row"]],
        market=lanes["market"].to_numpy()[used["lane_row"]],
        product=lanes["product"].to_numpy()[used["lane_row"]],
        max_units=lanes["max_units"].to_numpy()[used["lane_row"]],
        row=lanes["row"].to_numpy()[used["lane_row"]],
    )
    return out.reset_index(drop=True)


def unused_rows(case: Case, arcs: pd.DataFrame) -> list[tuple[str, int]]:
    """(file, spreadsheet row) of costs, lanes and tariffs rows that apply to no flow:
    a more specific row always wins, or no demand reaches them."""
    unused = []
    for file, table, used in (
        ("costs.csv", case.costs, set(arcs["cost_row"])),
        ("lanes.csv", case.lanes, set(arcs["lane_row"])),
    ):
        unused += [(file, int(r)) for pos, r in enumerate(table["row"]) if pos not in used]
    _, gid = _tariff_groups(case)
    used_groups = set(arcs["tariff_group"])
    unused += [("tariffs.csv", int(r)) for g, r in zip(gid, case.tariffs["row"]) if g not in used_groups]
    return unused


def annuity(fixed: np.ndarray, rate: float, lifetime: np.ndarray) -> np.ndarray:
    """Equal charge per period that repays ``fixed`` over ``lifetime`` periods at ``rate``."""
    n = np.asarray(lifetime, dtype=float)
    if rate == 0:
        return np.asarray(fixed, dtype=float) / n
    return np.asarray(fixed, dtype=float) * rate / (1.0 - (1.0 + rate) ** -n)


def _expansions(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    exp = case.expansions.reset_index(drop=True)
    empty = pd.DataFrame({"option": pd.Series(dtype=np.int64), "period": pd.Series(dtype=object),
                          "amount": pd.Series(dtype=float), "discount": pd.Series(dtype=float)})
    if exp.empty:
        return exp.assign(fixed_cost_reporting=pd.Series(dtype=float), charge_per_period=pd.Series(dtype=float),
                          charges=pd.Series(dtype=np.int64), pv_factor=pd.Series(dtype=float)), empty
    fixed = to_reporting(case, exp["fixed_cost"].to_numpy(), exp["currency"], exp["first_period"])
    spread = exp["lifetime_periods"].notna().to_numpy()
    n = exp["lifetime_periods"].fillna(1).to_numpy(dtype=float)
    charge = np.where(spread, annuity(fixed, case.discount_rate, n), fixed)
    d = case.discount_factors()
    order = case.period_order()
    rows = []
    for i, (first, k) in enumerate(zip(exp["first_period"], n.astype(int))):
        for t in case.periods[order[first]:order[first] + k]:
            rows.append((i, t, charge[i], d[t]))
    charges = pd.DataFrame(rows, columns=["option", "period", "amount", "discount"]) if rows else empty
    count = np.bincount(charges["option"].to_numpy(np.int64), minlength=len(exp))
    pv = np.bincount(charges["option"].to_numpy(np.int64),
                     weights=(charges["amount"] * charges["discount"]).to_numpy(float), minlength=len(exp))
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(fixed != 0, pv / np.where(fixed != 0, fixed, 1.0), 0.0)
    return exp.assign(fixed_cost_reporting=fixed, charge_per_period=charge, charges=count,
                      pv_factor=factor), charges


def _share_keys(case: Case) -> pd.DataFrame:
    """shares.csv rows, one per period they cover where the market has demand in their scope."""
    sh = case.shares.reset_index(drop=True).reset_index(names="share_row")
    per = pd.DataFrame({"period_all": list(case.periods)})
    blank = sh[sh["period"] == ""].merge(per, how="cross")
    blank["period"] = blank["period_all"]
    keys = pd.concat([sh[sh["period"] != ""], blank.drop(columns="period_all")], ignore_index=True)
    dem = case.demand[["market", "product", "period"]]
    any_product = dem[["market", "period"]].drop_duplicates().assign(product="")
    scopes = pd.concat([dem, any_product], ignore_index=True)
    keys = keys.merge(scopes, on=["market", "product", "period"], how="inner")
    keys["source"] = keys["plant"].where(keys["plant"] != "", keys["country"])
    order = case.period_order()
    keys["_p"] = keys["period"].map(order)
    keys = keys.sort_values(["share_row", "_p"], kind="stable").drop(columns="_p")
    return keys.reset_index(drop=True)
