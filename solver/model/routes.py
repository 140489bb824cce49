"""Routes through hubs (nodes.csv): the ways a unit can travel from a plant to a market.

A route is a plant, then up to ``MAX_HUBS`` hubs (none twice), then a market, each step a lane of
lanes.csv (a lane's ``plant`` may name a hub, where it starts, and its ``market`` a hub, where it
ends). In a case with hubs a flow variable is one route's units of a product in a period (and
tariff tier):

    x[p,r,m,k,t,j] >= 0,   r = (h_1, ..., h_n), n = 0..3: p > h_1 > ... > h_n > m

Flow is conserved at every hub by construction: what enters a hub on a route leaves it on the same
route, in the same period, so no balance row is needed and every family that sums a plant's or a
market's flows (capacity, demand, tariff-rate quotas, sourcing shares) means what it means without
hubs. A unit keeps its plant, and so its country of origin, on every leg: duty is charged once, on
entry into the market, at the rate for that origin (coefficients.py). The unit cost of a route:

    freight[p,r,m,k,t] = sum over its legs l of freight_l (each leg's most specific lanes.csv row
                         for (k, t), converted from its own currency)
                       + sum over its hubs h of handling_h (nodes.csv, converted from the hub's currency)

A route is open for (k, t) only where every leg has a lanes.csv row; a leg's ``max_units`` limits the
units of every route that uses that row (lanes.py), a hub's ``max_units`` the units of every route
through it (hubs.py).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from solver.case.codes import categorical, code32, pairs_by_key
from solver.case.names import natural_key
from solver.errors import UsageError
from solver.model.specific import LEVELS_PRODUCT_PERIOD, resolve

MAX_HUBS = 3  # hubs on one route
MAX_ROUTES = 2_000_000  # plant-to-market routes a case may open (each times its market's demand rows)
SEPARATOR = " > "  # between the hubs of a route, in outputs (``via``)


def enumerate_routes(case) -> pd.DataFrame:
    """One row per route: ``plant``, ``market``, ``via`` (the hubs joined by " > ", blank: a direct
    lane) and ``hubs`` (the tuple), sorted by plant, market, then via in natural order."""
    hubs = set(case.nodes["hub"])
    markets = set(case.demand["market"])
    nxt: dict[str, list[str]] = defaultdict(list)
    for a, b in case.lanes[["plant", "market"]].drop_duplicates().itertuples(index=False):
        nxt[a].append(b)
    found: list[tuple[str, str, tuple[str, ...]]] = []
    for plant in case.plants["plant"]:
        stack: list[tuple[str, tuple[str, ...]]] = [(plant, ())]
        while stack:
            node, via = stack.pop()
            for to in nxt.get(node, ()):
                if to in hubs:
                    if to not in via and len(via) < MAX_HUBS:
                        stack.append((to, via + (to,)))
                elif to in markets:
                    found.append((plant, to, via))
            if len(found) > MAX_ROUTES:
                raise UsageError(
                    f"the lanes through hubs open more than {MAX_ROUTES:,} routes from plants to markets; "
                    "route fewer lanes through hubs (each route is a flow per product and period)"
                )
    found.sort(key=lambda r: (natural_key(r[0]), natural_key(r[1]), len(r[2]), [natural_key(h) for h in r[2]]))
    return pd.DataFrame(
        {
            "plant": [r[0] for r in found],
            "market": [r[1] for r in found],
            "via": [SEPARATOR.join(r[2]) for r in found],
            "hubs": [r[2] for r in found],
        }
    )


def route_legs(routes: pd.DataFrame) -> pd.DataFrame:
    """One row per leg of each route: ``route`` (its position), ``position`` (0 first), ``start``, ``end``."""
    rows = []
    for r, (plant, market, hubs) in enumerate(routes[["plant", "market", "hubs"]].itertuples(index=False)):
        stops = (plant, *hubs, market)
        rows += [(r, i, stops[i], stops[i + 1]) for i in range(len(stops) - 1)]
    return pd.DataFrame(rows, columns=["route", "position", "start", "end"])


def resolve_legs(
    case, legs: pd.DataFrame, arc_route: np.ndarray, product: pd.Categorical, period: pd.Categorical
) -> tuple[np.ndarray, pd.DataFrame]:
    """Which arcs (route x demand row) have a lanes.csv row on every leg: (mask over the arcs, and one
    row per (kept arc, leg): ``arc`` (position among the kept arcs), ``lane_row``, ``start``, ``end``)."""
    n = len(arc_route)
    per_route = np.bincount(legs["route"].to_numpy(np.int64), minlength=int(arc_route.max(initial=-1)) + 1)
    first = np.concatenate([[0], np.cumsum(per_route)[:-1]])
    count = per_route[arc_route]
    arc = np.repeat(np.arange(n), count)
    leg = np.repeat(first[arc_route], count) + (np.arange(len(arc)) - np.repeat(np.cumsum(count) - count, count))
    start, end = legs["start"].to_numpy(object)[leg], legs["end"].to_numpy(object)[leg]
    targets = pd.DataFrame(
        {
            "plant": pd.Categorical(start),
            "market": pd.Categorical(end),
            "product": np.asarray(product)[arc],
            "period": np.asarray(period)[arc],
        }
    )
    lane_row = resolve(targets, case.lanes, ["plant", "market"], LEVELS_PRODUCT_PERIOD)
    closed = np.zeros(n, bool)
    closed[arc[lane_row < 0]] = True
    keep = ~closed
    new_index = np.cumsum(keep) - 1
    on = keep[arc]
    rows = pd.DataFrame({"arc": new_index[arc[on]], "lane_row": lane_row[on], "start": start[on], "end": end[on]})
    return keep, rows


def route_costs(case, legs: pd.DataFrame, c: dict, dims: dict) -> pd.DataFrame:
    """The legs (``resolve_legs``) with a row more per hub each route passes (``kind`` hub, its handling
    cost), each with ``currency``, ``local_cost`` (in it), ``period`` and ``amount`` (reporting currency):
    the terms of ``freight`` in this module's docstring, sorted by arc."""
    from solver.model.money import _to_reporting

    lanes, nodes = case.lanes, case.nodes.set_index("hub")
    lane_row = legs["lane_row"].to_numpy(np.int64)
    lane_part = legs.assign(
        kind="lane",
        hub="",
        currency=lanes["currency"].to_numpy(object)[lane_row],
        local_cost=lanes["freight_cost"].to_numpy(float)[lane_row],
    )
    through = legs[legs["end"].isin(nodes.index)]
    hub_part = pd.DataFrame(
        {
            "arc": through["arc"].to_numpy(np.int64),
            "lane_row": -1,
            "start": through["end"].to_numpy(object),
            "end": through["end"].to_numpy(object),
            "kind": "hub",
            "hub": through["end"].to_numpy(object),
            "currency": nodes["currency"].reindex(through["end"]).to_numpy(object),
            "local_cost": nodes["handling_cost"].reindex(through["end"]).fillna(0.0).to_numpy(float),
        }
    )
    out = pd.concat([lane_part, hub_part], ignore_index=True).sort_values("arc", kind="stable", ignore_index=True)
    arc = out["arc"].to_numpy(np.int64)
    period_code = c["period"][arc]
    currency = out["currency"].where(out["currency"] != "", case.currency).to_numpy(object)
    cur_code = dims["currency"].get_indexer(pd.Index(currency, dtype=object))
    out["currency"] = currency
    out["period"] = dims["period"].to_numpy(object)[period_code]
    out["amount"] = _to_reporting(case, out["local_cost"].to_numpy(float), cur_code, dims["currency"], period_code,
                                  dims["period"])  # fmt: skip
    return out


def route_arcs(case, dims: dict, dem_code: dict):
    """As ``_direct_arcs`` for a case with hubs: one arc per route (routes.py) and demand row of its
    market where every leg has a lanes.csv row; ``c["route"]`` the route, the lane row that of the
    first leg; and the legs (arc, lane_row, start, end)."""
    routes = enumerate_routes(case)
    dims["route"] = pd.Index(routes["via"].to_numpy(object), dtype=object)  # labels, one per route (not unique)
    dims["routes"] = routes
    pair_plant, pair_market = code32(dims["plant"], routes["plant"]), code32(dims["market"], routes["market"])
    pair, dem_row = pairs_by_key(pair_market, dem_code["market"], len(dims["market"]))
    c = {"plant": pair_plant[pair], "route": pair.astype(np.int32)}
    c.update({d: dem_code[d][dem_row] for d in ("market", "product", "period")})
    keep, legs = resolve_legs(
        case,
        route_legs(routes),
        pair,
        categorical(c["product"], dims["product"]),
        categorical(c["period"], dims["period"]),
    )
    c = {d: v[keep] for d, v in c.items()}
    arc = legs["arc"].to_numpy(np.int64)
    first = np.flatnonzero(np.r_[True, arc[1:] != arc[:-1]]) if len(arc) else np.zeros(0, np.int64)
    return c, legs["lane_row"].to_numpy(np.int64)[first], dem_row[keep], legs


def final_legs(legs: pd.DataFrame, at: np.ndarray) -> pd.DataFrame:
    """The legs of each final arc (an arc tier, in the final order: row f is arc ``at[f]``)."""
    arc = legs["arc"].to_numpy(np.int64)
    count = np.bincount(arc, minlength=int(at.max(initial=-1)) + 1)
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    n = count[at]
    take = np.repeat(first[at], n) + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))
    out = legs.iloc[take].reset_index(drop=True)
    out["arc"] = np.repeat(np.arange(len(at)), n)
    return out


def lane_uses(arcs: pd.DataFrame, legs: pd.DataFrame | None) -> pd.DataFrame:
    """(arc, lane_row, period): which lanes.csv row each arc uses, once per leg of its route in a case
    with hubs (a route may use several rows, each its own leg)."""
    if legs is None:
        return pd.DataFrame(
            {"arc": np.arange(len(arcs)), "lane_row": arcs["lane_row"].to_numpy(), "period": arcs["period"]}
        )
    lane = legs[legs["kind"] == "lane"]
    arc = lane["arc"].to_numpy(np.int64)
    return pd.DataFrame(
        {"arc": arc, "lane_row": lane["lane_row"].to_numpy(np.int64), "period": arcs["period"].to_numpy()[arc]}
    )
