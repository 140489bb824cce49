"""From a Solution back to tables in the words of the inputs (no file I/O here)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from solver.case.codes import plain
from solver.case.load import Case
from solver.case.names import natural_key
from solver.model.coefficients import Coefficients
from solver.model.lp import LinearProgram
from solver.results.closures import closures, cost_parts, has_fixed_costs
from solver.results.limits import LANE_ORDER, QUOTA_ORDER, hub_throughput, lane_limits, quotas
from solver.solve.status import Solution

TOL = 1e-6


@dataclass(frozen=True)
class Results:
    plan: pd.DataFrame
    utilization: pd.DataFrame
    supply: pd.DataFrame
    cost_breakdown: pd.DataFrame
    builds: pd.DataFrame | None
    objective: float  # present value at the first period (= the sum at face value when R = 0)
    sourcing: pd.DataFrame | None = None
    undiscounted_cost: float = float("nan")
    lane_limits: pd.DataFrame | None = None  # lanes.csv rows with max_units (limits.py)
    quotas: pd.DataFrame | None = None  # tariff-rate quota tiers (limits.py)
    hubs: pd.DataFrame | None = None  # a case with hubs: throughput per hub and period (limits.py)
    closures: pd.DataFrame | None = None  # plants that may close (closures.py)


def _sort_periods(df: pd.DataFrame, case: Case, keys: list[str]) -> pd.DataFrame:
    """Sort by ``keys``: periods in the case's order, names in natural order (w2 before w10)."""
    order = case.period_order()

    def key(col: pd.Series) -> pd.Series:
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if col.name == "period":
            return col.map(order)
        if pd.api.types.is_string_dtype(col) or col.dtype == object:
            keys = {v: natural_key(v) for v in col.unique()}  # a few names, many rows
            return col.map(keys)
        return col

    return df.sort_values(keys, kind="stable", key=key).reset_index(drop=True)


def tabulate(
    case: Case, co: Coefficients, lp: LinearProgram, sol: Solution, steps: tuple[np.ndarray, np.ndarray] | None = None
) -> Results:
    """``steps``: (up, down) per row, what one unit more and one unit less of the row's limit
    changes the cost (solve.marginal.limit_marginals, present value); None: the LP duals for both
    (exact wherever the plan is not on a limit, see marginal.py)."""
    x = sol.x
    arcs = co.arcs.assign(units=x[lp.family_cols("flow")])
    own = own_period_duals(lp, sol)
    d = lp.row_discount if lp.row_discount is not None else np.ones(lp.num_row)
    up, down = (own, own) if steps is None else (steps[0] / d, steps[1] / d)
    costs = _cost_breakdown(case, co, lp, sol, arcs)
    return Results(
        plan=plain(_plan(case, arcs)),
        utilization=plain(_utilization(case, co, lp, sol, (up, down), arcs)),
        supply=_supply(case, lp, sol, (up, down)),
        cost_breakdown=costs,
        builds=_builds(co, lp, sol) if case.has_builds else None,
        objective=float(lp.cost @ x),
        sourcing=plain(_sourcing(co, lp, sol, own, arcs)) if len(co.shares) else None,
        undiscounted_cost=float(costs["amount"].sum()),
        lane_limits=_sorted_or_none(case, lane_limits(lp, sol, (up, down), case, co.expansions), LANE_ORDER),
        quotas=_sorted_or_none(case, quotas(case, lp, sol, (up, down)), QUOTA_ORDER),
        hubs=None
        if co.legs is None
        else plain(hub_throughput(case, co, lp, arcs, (up, down), x[lp.family_cols("build")])),
        closures=closures(case, co, lp, sol),
    )


def _sorted_or_none(case: Case, df: pd.DataFrame | None, keys: list[str]) -> pd.DataFrame | None:
    return None if df is None else plain(_sort_periods(df, case, keys))


def own_period_duals(lp: LinearProgram, sol: Solution) -> np.ndarray:
    """Row duals in the money of each row's own period (the present-value dual / d(t))."""
    d = lp.row_discount if lp.row_discount is not None else np.ones(lp.num_row)
    return sol.row_dual / d


def _plan(case: Case, arcs: pd.DataFrame) -> pd.DataFrame:
    arcs = arcs[arcs["units"] > TOL]  # most arcs carry nothing: aggregate only the flows
    a = arcs.assign(
        production=arcs["units"] * arcs["unit_production_cost"],
        freight=arcs["units"] * arcs["unit_freight"],
        duty=arcs["units"] * arcs["unit_duty"],
        rate_units=arcs["units"] * arcs["duty_rate"],
    )
    keys = ["period", "product", "plant", "market"] + (["via"] if "via" in arcs else [])  # hubs: one row per route
    grouped = a.groupby(keys, sort=False, observed=True)
    g = grouped.agg(
        units=("units", "sum"),
        production=("production", "sum"),
        freight=("freight", "sum"),
        duty=("duty", "sum"),
        rate_units=("rate_units", "sum"),
        any_rate=("duty_rate", "first"),
        p_unit=("unit_production_cost", "first"),
        f_unit=("unit_freight", "first"),
    ).reset_index()
    # The agreements an arc's tiers name, distinct, sorted, joined (most arcs have one tier).
    named = pd.DataFrame({"g": grouped.ngroup().to_numpy(), "agreement": a["agreement"].astype(object).to_numpy()})
    named = named[named["agreement"] != ""].drop_duplicates().sort_values(["g", "agreement"])
    joined = named.groupby("g")["agreement"].agg("; ".join)
    g["agreement"] = joined.reindex(np.arange(len(g)), fill_value="").to_numpy(object)
    g = g[g["units"] > TOL]
    units = g["units"]
    landed = g["production"] + g["freight"] + g["duty"]
    plan = pd.DataFrame(
        {
            "period": g["period"],
            "product": g["product"],
            "plant": g["plant"],
            **({"via": g["via"]} if "via" in g else {}),
            "market": g["market"],
            "units": units,
            "unit_production_cost": g["p_unit"],
            "unit_freight": g["f_unit"],
            "unit_duty": g["duty"] / units,
            "unit_landed_cost": landed / units,
            "landed_cost": landed,
            "duty_rate": g["rate_units"] / units,
            "agreement": g["agreement"],
        }
    )
    return _sort_periods(plan, case, keys)


def _scope_units(case: Case, arcs: pd.DataFrame) -> pd.DataFrame:
    by_product = arcs.groupby(["plant", "product", "period"], sort=False, observed=True)["units"].sum().reset_index()
    total = arcs.groupby(["plant", "period"], sort=False, observed=True)["units"].sum().reset_index().assign(product="")
    return pd.concat([by_product, total], ignore_index=True)


def _utilization(case, co, lp, sol, steps, arcs) -> pd.DataFrame:
    keys = co.capacity[["plant", "product", "period", "max_units", "min_units"]]
    every = pd.DataFrame(
        [(p, "", t) for p in case.plants["plant"] for t in case.periods], columns=["plant", "product", "period"]
    )
    keys = every.merge(keys, on=["plant", "product", "period"], how="left")
    keys = pd.concat([keys, co.capacity[co.capacity["product"] != ""][keys.columns]], ignore_index=True)
    keys = keys.merge(_scope_units(case, arcs), on=["plant", "product", "period"], how="left")
    keys["units"] = keys["units"].fillna(0.0)
    up, down = steps
    cap_meta = lp.row_meta.get("capacity")
    cap_cols = ["shadow_price", "shadow_price_one_less", "added_units"]
    keys[cap_cols] = np.nan
    keys["added_units"] = 0.0
    if cap_meta is not None:
        rs = lp.family_rows("capacity")
        # one more unit of max_units saves -up; one unit less costs -down
        rows = cap_meta.assign(shadow_price=-up[rs], shadow_price_one_less=-down[rs], used=sol.row_activity[rs])
        # Capacity added by built options: activity = flows - added, so added = flows - activity.
        rows = rows.merge(_scope_units(case, arcs), on=["plant", "product", "period"], how="left")
        rows["added_units"] = (rows["units"].fillna(0.0) - rows["used"]).clip(lower=0.0)
        keys = keys.drop(columns=cap_cols).merge(
            rows[["plant", "product", "period"] + cap_cols], on=["plant", "product", "period"], how="left"
        )
        keys["added_units"] = keys["added_units"].fillna(0.0)
    min_meta = lp.row_meta.get("min_production")
    min_cols = ["min_shadow_price", "min_shadow_price_one_less"]
    keys[min_cols] = np.nan
    if min_meta is not None:
        rs = lp.family_rows("min_production")
        # one more unit of min_units costs up; one unit less saves down
        m = min_meta.assign(min_shadow_price=up[rs], min_shadow_price_one_less=down[rs])
        keys = keys.drop(columns=min_cols).merge(
            m[["plant", "product", "period"] + min_cols], on=["plant", "product", "period"], how="left"
        )
    max_units = keys["max_units"] + keys["added_units"]
    out = pd.DataFrame(
        {
            "plant": keys["plant"],
            "period": keys["period"],
            "product": keys["product"],
            "units": keys["units"],
            "max_units": max_units,
            "min_units": keys["min_units"],
            "utilization": np.where(max_units > 0, keys["units"] / max_units, np.nan),
            "shadow_price": keys["shadow_price"],
            "shadow_price_one_less": keys["shadow_price_one_less"],
            "min_shadow_price": keys["min_shadow_price"],
            "min_shadow_price_one_less": keys["min_shadow_price_one_less"],
        }
    )
    out["_blank_last"] = out["product"] != ""
    out = _sort_periods(out, case, ["plant", "period", "_blank_last", "product"])
    return out.drop(columns="_blank_last")


def _supply(case, lp, sol, steps) -> pd.DataFrame:
    meta = lp.row_meta["demand"]
    rs = lp.family_rows("demand")
    unmet = np.zeros(len(meta))
    soft = case.demand[case.demand["unmet_penalty"].notna()][["market", "product", "period"]].reset_index(drop=True)
    if len(soft):
        u = soft.assign(unmet=sol.x[lp.family_cols("unmet")])
        unmet = meta.merge(u, on=["market", "product", "period"], how="left")["unmet"].fillna(0.0).to_numpy()
    demand = meta["units"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            "market": meta["market"],
            "product": meta["product"],
            "period": meta["period"],
            "demand": demand,
            "supplied": demand - unmet,
            "unmet": unmet,
            "marginal_cost": steps[0][rs],  # one more unit of the demand costs
            "marginal_saving": steps[1][rs],  # one unit less saves
        }
    )
    return _sort_periods(out, case, ["market", "product", "period"])


def _cost_breakdown(case, co, lp, sol, arcs) -> pd.DataFrame:
    """Cost per period and component: nominal ``amount`` and its ``present_value`` at the first period."""
    parts = []
    for comp, col in (("production", "unit_production_cost"), ("freight", "unit_freight"), ("duty", "unit_duty")):
        s = (arcs["units"] * arcs[col]).groupby(arcs["period"], observed=True).sum()
        parts.append(pd.DataFrame({"period": s.index, "component": comp, "amount": s.to_numpy()}))
    soft = case.demand[case.demand["unmet_penalty"].notna()].reset_index(drop=True)
    if len(soft):
        s = (sol.x[lp.family_cols("unmet")] * soft["unmet_penalty"]).groupby(soft["period"]).sum()
        parts.append(pd.DataFrame({"period": s.index, "component": "unmet", "amount": s.to_numpy()}))
    if case.has_builds and len(co.charges):
        b = sol.x[lp.family_cols("build")]
        ch = co.charges
        s = (ch["amount"] * b[ch["option"].to_numpy(np.int64)]).groupby(ch["period"]).sum()
        parts.append(pd.DataFrame({"period": s.index, "component": "expansion", "amount": s.to_numpy()}))
    comps = ["production", "freight", "duty", "unmet", "expansion"]
    if has_fixed_costs(case):  # plants.csv's fixed and closing costs (a case without them: the table it had)
        parts += cost_parts(case, co, lp, sol)
        comps += ["fixed", "closing"]
    got = pd.concat(parts, ignore_index=True).groupby(["period", "component"], sort=False)["amount"].sum()
    grid = pd.DataFrame([(t, c) for t in case.periods for c in comps], columns=["period", "component"])
    grid["amount"] = [float(got.get((t, c), 0.0)) for t, c in zip(grid["period"], grid["component"], strict=True)]
    grid["present_value"] = grid["amount"] * grid["period"].map(case.discount_factors()).to_numpy(float)
    return grid


def _builds(co, lp, sol) -> pd.DataFrame:
    e = co.expansions
    built = sol.x[lp.family_cols("build")] + 0.0  # + 0.0: a -0.0 from the solver reads 0
    if "kind" in e:  # the build options only (closing options: closures.csv)
        keep = (e["kind"] == "build").to_numpy()
        e, built = e[keep].reset_index(drop=True), built[keep]
    if lp.is_mip:  # whole builds (a relaxed model's may be fractional)
        built = np.rint(built).astype(np.int64)
    charges = e["charges"].to_numpy(float)
    return pd.DataFrame(
        {
            "option": e["option"],
            "plant": e["plant"],
            "product": e["product"],
            "built": built,
            "added_units": e["added_units"],
            "fixed_cost": e["fixed_cost_reporting"],
            "lifetime_periods": e["lifetime_periods"],
            "charge_per_period": e["charge_per_period"],
            "charges_in_horizon": charges,
            "charged_in_horizon": built * e["charge_per_period"].to_numpy(float) * charges,
            "present_value": built * (e["fixed_cost_reporting"] * e["pv_factor"]).to_numpy(float),
            # the option's group, where the case has groups (a case without keeps the columns it had)
            **({"group": e["group"]} if "group" in e and (e["group"].astype(str) != "").any() else {}),
        }
    )


def _sourcing(co, lp, sol, dual, arcs) -> pd.DataFrame:
    """Per shares.csv row and period: units from the source, all units supplied, the share reached."""
    from solver.model.shares import _members

    keys = co.shares.reset_index(drop=True)
    m = _members(keys, arcs)
    idx = m["index"].to_numpy(np.int64)
    units = arcs["units"].to_numpy(float)[m["arc"].to_numpy(np.int64)]
    total = np.bincount(idx, weights=units, minlength=len(keys))
    source = np.bincount(idx, weights=units * m["from_source"].to_numpy(float), minlength=len(keys))
    out = pd.DataFrame(
        {
            "row": keys["row"],
            "market": keys["market"],
            "product": keys["product"],
            "period": keys["period"],
            "plant": keys["plant"],
            "country": keys["country"],
            "units_from_source": source,
            "units_supplied": total,
            "share": np.where(total > TOL, source / np.where(total > TOL, total, 1.0), np.nan),
            "min_share": keys["min_share"],
            "max_share": keys["max_share"],
            "min_shadow_price": np.nan,
            "max_shadow_price": np.nan,
        }
    )
    # Signs as in utilization.csv: min = cost of one more unit required from the source,
    # max = saving from one more unit allowed from it (both >= 0).
    for family, col, sign in (("share_min", "min_shadow_price", 1.0), ("share_max", "max_shadow_price", -1.0)):
        meta = lp.row_meta.get(family)
        if meta is None:
            continue
        rs = lp.family_rows(family)
        got = meta[["share_row", "period"]].assign(v=sign * dual[rs])
        merged = keys[["share_row", "period"]].merge(got, on=["share_row", "period"], how="left")
        out[col] = merged["v"].to_numpy(float)
    return out
