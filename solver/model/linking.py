"""Strong linking rows: a flow from a plant that has no capacity unless something is built
is at most the market's demand times the builds that give it capacity (the classic
tightening of capacitated facility location; Cornuéjols, Sridharan & Thizy 1991).

For each capacity row whose ``max_units`` is 0 (capacity.py: plant p, product scope K,
period t; E = the options adding to it in t, ``added_units`` a_e >= 0) and each market m
and product k in K that p serves in t:

    link[p,m,k,t]:  sum_j x[p,m,k,t,j] - sum_{e in E} min(d[m,k,t], a_e) * b_e <= 0

(j = tariff tiers, d = demand.csv units). Valid for every integer plan (b in {0, 1}):

- no option of E built: the capacity row reads sum_{K,m,j} x[p,...] <= 0, so every such
  flow is 0;
- some built option has a_e >= d: the right-hand side is at least d, and
  sum_j x[p,m,k,t,j] <= d because the demand row sums these flows, the other plants'
  flows and the unmet units (all >= 0) to exactly d;
- every built option has a_e < d: the right-hand side is sum of the built a_e, the
  capacity row's limit, which the flows of p in scope K (these among them) respect.

So the rows cut off no plan and leave the optimum of the MILP unchanged, but they cut
off the fractional builds of its LP relaxation (b_e = flow / a_e), which is what makes
branch-and-bound slow on such models. They are added only to a MILP (not with ``--relax``:
the relaxation asked for is the model's own), only where max_units is 0 (with base
capacity M the bound would be M + ..., far weaker), and not to the models of sweeps,
breakeven or stochastic runs, which change demands and capacities after the build (a
row with the old d would then be wrong). A product-scoped and a plant-total capacity row
both at 0 give two rows for the same flow (each with its own options); the product-scoped
one is named ``link[p,m,k,t,product]``.

The rows never bind in a plan's duals: once the builds are fixed (solve.py), they are
made free before the LP of the duals is solved (and in the ranging re-solve), so shadow
prices are those of the model without them; the sensitivity report leaves them out. They
are free in the elastic re-solve of the infeasibility explanation too (explain.py), so
they never appear in its messages: they hold for every plan with integer builds, so a
MILP is infeasible with them exactly when it is without them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.model.capacity import _members, expansion_terms
from solver.model.lp import INF, Rows, names

FAMILY = "link"


def define_linking_constraints(
    keys, arcs, demand, flow_idx, build_idx, expansions, period_order, keep: np.ndarray | None = None
) -> Rows:
    """The rows above; ``keep`` (a mask over them, from tighten.needed_rows): only those."""
    empty = Rows(
        FAMILY, np.zeros(0, object), np.zeros(0), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    )
    limited = keys["max_units"].notna().to_numpy()
    zero = keys[keys["max_units"].notna() & (keys["max_units"] == 0)].reset_index(drop=True)
    # each zero key's row among the capacity rows (capacity.py: one per key with a max_units)
    capacity_row = np.flatnonzero(keys["max_units"].to_numpy(float)[limited] == 0)
    if zero.empty or expansions.empty:
        return empty
    ex = expansion_terms(zero, expansions, period_order)
    ex = ex[ex["added_units"] > 0]
    if ex.empty:
        return empty
    r, a = _members(zero, arcs)
    key = ["market", "product", "period"]
    d = arcs[key].merge(demand[key + ["units"]], on=key, how="left")["units"].to_numpy(float)
    # one row per (capacity key, plant, market, product, period): the tiers j are summed
    m = pd.DataFrame({"key": r, "arc": a})
    m = m[m["key"].isin(ex["index"].unique()) & (d[a] > 0)]
    group = ["key", "market", "product"]
    m = m.assign(market=arcs["market"].to_numpy()[m["arc"]], product=arcs["product"].to_numpy()[m["arc"]])
    m["row"] = m.groupby(group, sort=True).ngroup()
    if keep is not None:
        m = m[np.asarray(keep, bool)[m["row"].to_numpy()]]
        m["row"] = m.groupby(group, sort=True).ngroup()
    rows = m.drop_duplicates("row").sort_values("row")
    first = rows["arc"].to_numpy()
    n = len(rows)
    terms = rows[["row", "key", "arc"]].merge(ex, left_on="key", right_on="index")
    coef = np.minimum(d[terms["arc"].to_numpy()], terms["added_units"].to_numpy(float))
    scope = zero["product"].to_numpy(object)[rows["key"].to_numpy()]
    meta = pd.DataFrame(
        {
            "plant": arcs["plant"].to_numpy()[first],
            "market": rows["market"].to_numpy(),
            "product": rows["product"].to_numpy(),
            "period": arcs["period"].to_numpy()[first],
            "scope": scope,
            "capacity_row": capacity_row[rows["key"].to_numpy(np.int64)],
        }
    )
    return Rows(
        family=FAMILY,
        names=names(
            FAMILY,
            meta["plant"],
            meta["market"],
            meta["product"],
            meta["period"],
            pd.Series(np.where(scope != "", "product", "")),
        ),
        lower=np.full(n, -INF),
        upper=np.zeros(n),
        row=np.concatenate([m["row"].to_numpy(np.int64), terms["row"].to_numpy(np.int64)]),
        col=np.concatenate([flow_idx[m["arc"].to_numpy(np.int64)], build_idx[terms["option"].to_numpy(np.int64)]]),
        coef=np.concatenate([np.ones(len(m)), -coef]),
        meta=meta,
    )
