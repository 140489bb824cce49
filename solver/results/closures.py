"""Plants and hubs that may close, and fixed costs: ``closures.csv`` and the ``fixed`` and ``closing``
components of ``cost_breakdown.csv`` (model/closing.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.sites import sites
from solver.model.closing import KIND, per_period


def closing_starts(co, lp, sol) -> pd.DataFrame:
    """The closing options with ``chosen`` (0/1) from the solution."""
    e = co.expansions
    if "kind" not in e:
        return pd.DataFrame({"plant": [], "first_period": [], "chosen": []})
    x = np.rint(sol.x[lp.family_cols("build")] + 0.0) if lp.is_mip else sol.x[lp.family_cols("build")] + 0.0
    close = (e["kind"] == KIND).to_numpy()
    return e[close][["plant", "first_period"]].assign(chosen=x[close]).reset_index(drop=True)


def has_fixed_costs(case) -> bool:
    """plants.csv or nodes.csv gives a fixed cost, a closing period or a closing cost: cost_breakdown shows
    fixed and closing."""
    table = sites(case)
    cols = ("fixed_cost", "close_from", "closing_cost")
    return any(bool((table[c].notna() & (table[c].astype(str) != "")).any()) for c in cols)


def open_share(case, starts: pd.DataFrame) -> dict:
    """{(plant, period): 1 - closed}: how much of each plant is open in each period (1 unless it closed)."""
    order = case.period_order()
    shut: dict = {}
    for p, s, v in starts[["plant", "first_period", "chosen"]].itertuples(index=False):
        for t in case.periods[order[s] :]:
            shut[(p, t)] = shut.get((p, t), 0.0) + float(v)
    return {(p, t): 1.0 - shut.get((p, t), 0.0) for p in sites(case)["plant"] for t in case.periods}


def cost_parts(case, co, lp, sol) -> list[pd.DataFrame]:
    """(period, component, amount) of the fixed costs paid and the closing costs charged."""
    starts = closing_starts(co, lp, sol)
    share = open_share(case, starts)
    fixed = per_period(case, "fixed_cost")
    paid = fixed["amount"] * [share[(p, t)] for p, t in zip(fixed["plant"], fixed["period"], strict=True)]
    closing = per_period(case, "closing_cost").merge(
        starts.rename(columns={"first_period": "period"}), on=["plant", "period"]
    )
    return [
        pd.DataFrame({"period": fixed["period"], "component": "fixed", "amount": paid.to_numpy(float)}),
        pd.DataFrame(
            {
                "period": closing["period"],
                "component": "closing",
                "amount": (closing["amount"] * closing["chosen"]).to_numpy(float),
            }
        ),  # fmt: skip
    ]


def closures(case, co, lp, sol) -> pd.DataFrame | None:
    """``closures.csv``: one row per plant or hub that may close: whether and from when, what it cost and
    saved."""
    starts = closing_starts(co, lp, sol)
    if not len(starts):
        return None
    d = case.discount_factors()
    fixed = per_period(case, "fixed_cost").set_index(["plant", "period"])["amount"].to_dict()
    closing = per_period(case, "closing_cost").set_index(["plant", "period"])["amount"].to_dict()
    order, rows = case.period_order(), []
    kinds = dict(zip(sites(case)["plant"], sites(case)["kind"], strict=True))
    for p, g in starts.groupby("plant", sort=False):
        chosen = g[g["chosen"] > 0.5]
        s = chosen["first_period"].iat[0] if len(chosen) else ""
        after = case.periods[order[s] :] if s else ()
        saved = sum(fixed.get((p, t), 0.0) for t in after)
        cost = closing.get((p, s), 0.0) if s else 0.0
        pv = (cost * d[s] - sum(fixed.get((p, t), 0.0) * d[t] for t in after)) if s else 0.0
        rows.append(
            dict(site=p, kind=kinds.get(p, "plant"), close_from=g["first_period"].iat[0], closed=int(bool(s)),
                 closed_from=s, closing_cost=cost, fixed_cost_saved=saved, present_value=pv)
        )  # fmt: skip
    return pd.DataFrame(rows)
