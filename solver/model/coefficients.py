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
from typing import Any

import numpy as np
import pandas as pd

from solver.case.codes import categorical, code32, codes, composite, pairs_by_key
from solver.case.load import Case
from solver.case.names import natural_key, natural_sorted
from solver.model.money import _to_reporting
from solver.model.hubs import hub_keys
from solver.model.options import expansions as _expansions
from solver.model.routes import final_legs, lane_uses, route_arcs, route_costs
from solver.model.specific import LEVELS_PRODUCT_PERIOD, resolve


@dataclass(frozen=True)
class Coefficients:
    arcs: pd.DataFrame  # one row per flow variable
    capacity: pd.DataFrame  # capacity keys (plant, product, period) with limits
    lane_limits: pd.DataFrame  # lane row x period with max_units
    tiers: pd.DataFrame  # (origin, market, product, period, tier) with width
    expansions: pd.DataFrame  # option with fixed cost in reporting currency and pv_factor
    charges: pd.DataFrame  # (option position, period, amount, discount): each expansion charge
    shares: pd.DataFrame  # one row per shares.csv row and period it covers
    # a case with hubs: one row per (flow arc, leg or hub of its route) with its cost (routes.route_costs)
    legs: pd.DataFrame | None = None
    hubs: pd.DataFrame | None = None  # (hub, period, max_units, row): limited throughput (hubs.py)


def build(case: Case) -> Coefficients:
    arcs, legs = _arcs(case)
    expansions, charges = _expansions(case)
    return Coefficients(
        arcs=arcs,
        capacity=_capacity_keys(case),
        lane_limits=_lane_limits(case, arcs, legs),
        tiers=_tier_widths(case),
        expansions=expansions,
        charges=charges,
        shares=_share_keys(case),
        legs=legs,
        hubs=hub_keys(case, arcs, legs),
    )


def _dims(case: Case) -> dict[str, pd.Index]:
    """The names of each dimension, in the order arcs sort by: periods and products in the
    case's order (both natural), everything else in natural order too (w2 before w10), so
    the model's columns and rows, and the tables taken from them, list names that way."""

    def sorted_index(*columns):
        return pd.Index(
            natural_sorted(set().union(*(pd.unique(pd.Series(col)) for col in columns)) - {""}), dtype=object
        )

    return {
        "plant": sorted_index(case.plants["plant"]),
        "market": sorted_index(case.demand["market"]),
        "product": pd.Index(list(case.products), dtype=object),
        "period": pd.Index(list(case.periods), dtype=object),
        "country": sorted_index(case.plants["country"]),
        "currency": sorted_index(
            case.plants["currency"], case.lanes["currency"], case.nodes["currency"], [case.currency]
        ),
    }


def _arcs(case: Case) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """One row per (plant, market, product, period, tariff tier) a lane serves, sorted by
    period, product, plant, market, tier; names as Categoricals of ``_dims``'s order.
    Built on int32 name codes, as arrays; each column is taken once at the end and its
    source freed as soon as it is taken, so the intermediates never all live beside the
    finished table (at 1M arcs they would double the stage's peak memory)."""
    dims = _dims(case)
    dem_code = {d: code32(dims[d], case.demand[d]) for d in ("market", "product", "period")}
    legs = None
    if case.has_hubs:
        c, lane_row, dem_row, legs = route_arcs(case, dims, dem_code)
    else:
        c, lane_row, dem_row = _direct_arcs(case, dims, dem_code)

    def frame(cols):
        return pd.DataFrame({d: categorical(c[d], dims[d]) for d in cols})

    cost_row, local_cost, production, freight_local, freight = _unit_costs(case, c, dims, frame, lane_row)
    if legs is not None:  # a route's freight: its legs' and its hubs' handling, each from its own currency
        legs = route_costs(case, legs, c, dims)
        freight = np.bincount(legs["arc"].to_numpy(np.int64), legs["amount"].to_numpy(float), minlength=len(lane_row))
        freight_local = np.full(len(lane_row), np.nan)  # no one currency: the legs carry theirs

    # Tariff tiers: an arc with a tariff group of n tiers becomes n arcs.
    tier = _tiers(
        case,
        frame(("market", "product", "period")).assign(origin=categorical(c["country"], dims["country"])),
        production,
        freight,
    )
    d = case.discount_factors()
    discount = np.array([d[p] for p in dims["period"]], float)
    arc = tier.pop("arc")
    order = _order(c, dims, arc, tier["tier"])
    at = arc[order]
    del arc
    out: dict[str, Any] = {}  # categorical and numeric columns
    if legs is not None:
        out["via"] = pd.Categorical(dims["route"].to_numpy(object)[c.pop("route")[at]])
        legs = final_legs(legs, at)
    for k in ("plant", "market", "product", "period"):
        code = c.pop(k)[at]
        out[k] = categorical(code, dims[k])
        if k == "period":
            period_discount = discount[code]
        del code
    names = {"country": "country", "plant_currency": "currency", "lane_currency": "currency"}
    columns = dict(
        lane_row=lane_row,
        demand_row=dem_row,
        country=None,
        plant_currency=None,
        cost_row=cost_row,
        unit_production_cost=production,
        lane_currency=None,
        unit_freight=freight,
        local_cost=local_cost,
        freight_local=freight_local,
    )
    del lane_row, dem_row, cost_row, production, freight, local_cost, freight_local
    for k in list(columns):
        values = columns.pop(k)
        out[k] = values[at] if values is not None else categorical(c.pop(k)[at], dims[names[k]])
        del values
    del at
    for k in list(tier):
        out[k] = tier.pop(k)[order]
    del order
    unit_cost = out["unit_production_cost"] + out["unit_freight"]
    unit_cost += out["unit_duty"]
    out["unit_cost"] = unit_cost
    out["discount"] = period_discount
    return pd.DataFrame(out, copy=False), legs


def _direct_arcs(case: Case, dims: dict, dem_code: dict):
    """(codes of plant, market, product, period per arc; its lanes.csv row; its demand.csv row) for
    every (plant, market) lane pair and demand row of the market the most specific lane row serves."""
    lanes = case.lanes
    pairs = lanes[["plant", "market"]].drop_duplicates()
    pair_plant, pair_market = code32(dims["plant"], pairs["plant"]), code32(dims["market"], pairs["market"])
    pair, dem_row = pairs_by_key(np.where(pair_plant >= 0, pair_market, -1), dem_code["market"], len(dims["market"]))
    c = {"plant": pair_plant[pair]}
    del pair
    c.update({d: dem_code[d][dem_row] for d in ("market", "product", "period")})
    targets = pd.DataFrame({d: categorical(c[d], dims[d]) for d in ("plant", "market", "product", "period")})
    pos = resolve(targets, lanes, ["plant", "market"], LEVELS_PRODUCT_PERIOD)
    del targets
    keep = np.flatnonzero(pos >= 0)
    c = {d: v[keep] for d, v in c.items()}
    return c, pos[keep], dem_row[keep]


def _unit_costs(case: Case, c: dict, dims: dict, frame, lane_row: np.ndarray):
    """Each arc's currencies (into ``c``), costs.csv row, production cost in its plant's currency
    and in the reporting one, freight in the lane's currency and in the reporting one."""
    lanes = case.lanes
    plants = case.plants.set_index("plant").reindex(dims["plant"])
    c["country"] = code32(dims["country"], plants["country"])[c["plant"]]
    c["plant_currency"] = code32(dims["currency"], plants["currency"].replace("", case.currency))[c["plant"]]
    c["lane_currency"] = code32(dims["currency"], lanes["currency"].replace("", case.currency))[lane_row]
    cost_row = resolve(frame(("plant", "product", "period")), case.costs, ["plant"], LEVELS_PRODUCT_PERIOD)
    local_cost = np.where(
        cost_row >= 0, case.costs["unit_cost"].to_numpy()[np.maximum(cost_row, 0)] if len(case.costs) else 0.0, 0.0
    )
    # Convert only where there is a cost: a plant with no cost rows needs no exchange rate.
    has = local_cost != 0
    production = np.zeros(len(lane_row))
    production[has] = _to_reporting(
        case, local_cost[has], c["plant_currency"][has], dims["currency"], c["period"][has], dims["period"]
    )
    del has
    freight_local = lanes["freight_cost"].to_numpy(float)[lane_row]
    freight = _to_reporting(case, freight_local, c["lane_currency"], dims["currency"], c["period"], dims["period"])
    return cost_row, local_cost, production, freight_local, freight


def _order(c: dict, dims: dict, arc: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """The order of the arc tiers: by period, product, plant, market, tier (a composite key of the
    arc's codes, built per arc and then per arc tier)."""
    sort_dims: tuple[str, ...] = ("period", "product", "plant", "market")
    if "route" in c:  # a case with hubs: each route of a plant and market (routes sort by their ends first)
        sort_dims += ("route",)
    key = composite([c[k] for k in sort_dims], [len(dims[k]) for k in sort_dims])[arc]
    key *= int(tier.max(initial=0)) + 2
    key += tier
    return np.argsort(key)


def _tariff_groups(case: Case) -> tuple[pd.DataFrame, np.ndarray]:
    key = ["origin", "market", "product", "period"]
    tar = case.tariffs
    groups = tar[key].drop_duplicates().reset_index(drop=True)
    gid = groups.reset_index().merge(tar[key], on=key, how="right")["index"].to_numpy()
    return groups, gid


def _tiers(case: Case, targets: pd.DataFrame, production: np.ndarray, freight: np.ndarray) -> dict:
    """Arrays over arc tiers: ``arc`` (the arc each comes from), tariff_group, tier, n_tiers,
    agreement, duty_rate, unit_duty, cif. An arc with no tariff keeps one row, tier 0."""
    tar = case.tariffs
    groups, gid = _tariff_groups(case)
    gpos = resolve(targets, groups, ["origin", "market"], LEVELS_PRODUCT_PERIOD)
    tiers = tar.assign(tariff_group=gid).sort_values(["tariff_group", "up_to_units"], na_position="last", kind="stable")
    per_group = np.bincount(tiers["tariff_group"].to_numpy(np.int64), minlength=len(groups))
    group_start = np.concatenate([[0], np.cumsum(per_group)[:-1]]).astype(np.int64)
    n_tiers = np.where(gpos >= 0, per_group[np.maximum(gpos, 0)] if len(groups) else 1, 1)
    arc = np.repeat(np.arange(len(targets)), n_tiers)
    tier = np.arange(len(arc)) - np.repeat(np.cumsum(n_tiers) - n_tiers, n_tiers)
    g = gpos[arc]
    none = g < 0
    # Row of the sorted tiers table per arc tier; a sentinel row past the end where there is no tariff.
    t = np.where(none, len(tiers), group_start[np.maximum(g, 0)] + tier)
    del none
    rate = np.append(tiers["rate"].to_numpy(float), 0.0)[t]
    cif = np.append((tiers["basis"] == "cif").to_numpy(bool), False)[t]
    ag_code, ag_names = codes(np.append(tiers["agreement"].fillna("").to_numpy(object), ""))
    agreement = categorical(ag_code[t], ag_names)
    del t
    duty = production[arc]  # the customs value, then times the rate: the duty per unit
    duty += np.where(cif, freight[arc], 0.0)
    duty *= rate
    return {
        "arc": arc,
        "tariff_group": g,
        "tier": tier.astype(np.int64, copy=False),
        "n_tiers": n_tiers[arc].astype(np.int64, copy=False),
        "agreement": agreement,
        "duty_rate": rate,
        "unit_duty": duty,
        "cif": cif,
    }


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
    return t[
        ["tariff_group", "tier", "origin", "market", "product", "period", "width", "up_to_units", "row"]
    ].reset_index(drop=True)


def _capacity_keys(case: Case) -> pd.DataFrame:
    """One row per (plant, product scope, period): the tightest limits of all rows that hold there.

    ``max_rows`` / ``min_rows`` are the capacity.csv rows whose value is that limit
    (``"32"``, or ``"2, 32"`` when two rows set the same value), so a message cites the row
    that binds, not every row that covers the key.
    """
    cap = case.capacity
    per = pd.DataFrame({"period_all": list(case.periods)})
    blank = cap[cap["period"] == ""].merge(per, how="cross")
    blank["period"] = blank["period_all"]
    rows = pd.concat([cap[cap["period"] != ""], blank.drop(columns="period_all")], ignore_index=True)
    keys = ["plant", "product", "period"]
    agg = (
        rows.groupby(keys, sort=False).agg(max_units=("max_units", "min"), min_units=("min_units", "max")).reset_index()
    )
    for bound, col in (("max_rows", "max_units"), ("min_rows", "min_units")):
        set_here = rows[rows[col].notna()]  # a blank cell sets no limit (and merge would pair NaN with NaN)
        tight = set_here.merge(agg[keys + [col]], on=keys + [col])
        cited = tight.groupby(keys, sort=False)["row"].agg(lambda r: ", ".join(str(x) for x in sorted(set(r))))
        agg = agg.merge(cited.rename(bound).reset_index(), on=keys, how="left")
        agg[bound] = agg[bound].astype(object).fillna("")  # all-NaN when no row sets this bound
    order = case.period_order()
    agg["_p"] = agg["period"].map(order)
    # plants and products in natural order (w2 before w10); few names, many rows
    agg["_n"] = agg["plant"].map({p: natural_key(p) for p in agg["plant"].unique()})
    agg["_k"] = agg["product"].map({k: natural_key(k) for k in agg["product"].unique()})
    agg = agg.sort_values(["_n", "plant", "_p", "_k", "product"], kind="stable").drop(columns=["_n", "_p", "_k"])
    return agg.reset_index(drop=True)


def _lane_limits(case: Case, arcs: pd.DataFrame, legs: pd.DataFrame | None = None) -> pd.DataFrame:
    limited = case.lanes["max_units"].notna().to_numpy()
    uses = lane_uses(arcs, legs)
    used = uses[limited[uses["lane_row"].to_numpy()]][["lane_row", "period"]].drop_duplicates()
    lanes = case.lanes.reset_index(drop=True)
    out = used.assign(
        plant=lanes["plant"].to_numpy()[used["lane_row"]],
        market=lanes["market"].to_numpy()[used["lane_row"]],
        product=lanes["product"].to_numpy()[used["lane_row"]],
        max_units=lanes["max_units"].to_numpy()[used["lane_row"]],
        row=lanes["row"].to_numpy()[used["lane_row"]],
    )
    return out.reset_index(drop=True)


def unused_rows(case: Case, arcs: pd.DataFrame, legs: pd.DataFrame | None = None) -> list[tuple[str, int]]:
    """(file, spreadsheet row) of costs, lanes and tariffs rows that apply to no flow:
    a more specific row always wins, or no demand reaches them."""
    unused = []
    for file, table, used in (
        ("costs.csv", case.costs, set(arcs["cost_row"])),
        ("lanes.csv", case.lanes, set(lane_uses(arcs, legs)["lane_row"])),
    ):
        unused += [(file, int(r)) for pos, r in enumerate(table["row"]) if pos not in used]
    _, gid = _tariff_groups(case)
    used_groups = set(arcs["tariff_group"])
    unused += [("tariffs.csv", int(r)) for g, r in zip(gid, case.tariffs["row"], strict=True) if g not in used_groups]
    return unused


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
