"""Cover rows: in each period, the capacity built must cover the demand the existing
capacity cannot (a MILP with build options only, like the linking rows).

They are sums of the model's own rows, so they cut off no plan. For period t, add every
demand row of t (``sum_{p,j} x + u = d``) and subtract every capacity row of t
(``sum x - sum_e a_e b_e <= M``):

    sum_j g_j z_j >= R_t = sum_{demand rows of t} d - sum_{capacity rows of t} M

over every column z (flows x, unmet u, builds b) with g_j its coefficient in that sum. A
flow counted once in demand and once in a capacity row has g = 0; one in two capacity rows
(a plant-total and a product row) has g = -1 and, being >= 0, may be dropped (the left side
only grows). What is left is, in a network where every plant that serves t has a capacity
row,

    cover[t]:          sum_e a_e' b_e + sum_u u >= R_t      (a_e' = a_e summed over t's rows)

A period where some flow has g > 0 (a plant with no capacity row: unlimited) gets no row:
that flow alone could meet R_t, and the row would cut nothing. Nor does a period with
R_t <= 0 (the existing capacity covers it) or with no build.

The row is an aggregate of constraints the LP relaxation already holds, so it does not move
the relaxation's bound by itself; it gives HiGHS's cut separators a knapsack row (covers,
MIR) they do not find in the model. When the row has builds only (no unmet units; every
b_e integer >= 0), its Chvatal-Gomory rounding (divide by the smallest a_e', round up;
Chvatal 1973) does move the bound:

    cover[t,rounded]:  sum_e ceil(a_e' / a_min) b_e >= ceil(R_t / a_min)

e.g. OR-Library's capa (100 warehouses of 8,000 units, 50,886 units of demand):
sum_e b_e >= 7 where the relaxation opened 6.36 warehouses; its bound moves from 2.1%
below the optimum to 0.1%, and HiGHS proves the optimum at its root node.

Like the linking rows, they are left out of sweeps, breakeven and stochastic models (their
demands and capacities change after the build) and free in the LP of the duals (solve.
free_rows), so shadow prices, the sensitivity report and infeasibility explanations are
those of the model without them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from solver.model.lp import INF, Cols, Rows, names
from solver.model.sparse import Csr

FAMILY = "cover"
TOL = 1e-9


def define_cover_constraints(demand: Rows, capacity: Rows, cols: list[Cols]) -> Rows:
    """The rows above from the demand and capacity rows (``meta`` with a ``period``)."""
    empty = Rows(
        FAMILY, np.zeros(0, object), np.zeros(0), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    )
    lower = np.concatenate([c.lower for c in cols])
    upper = np.concatenate([c.upper for c in cols])
    integer = np.concatenate([c.integer if c.integer is not None else np.zeros(len(c.cost), bool) for c in cols])
    if not integer.any() or not len(capacity.names) or demand.meta is None or capacity.meta is None:
        return empty
    dem_period = demand.meta["period"].astype(str).to_numpy()
    cap_period = capacity.meta["period"].astype(str).to_numpy()
    codes, periods = pd.factorize(np.concatenate([dem_period, cap_period]), sort=False)
    dt, ct = codes[: len(dem_period)], codes[len(dem_period) :]
    T = len(periods)
    if not (np.isfinite(demand.lower).all() and np.isfinite(capacity.upper).all()):
        return empty
    G = Csr.from_coo(
        np.concatenate([dt[demand.row], ct[capacity.row]]),
        np.concatenate([demand.col, capacity.col]),
        np.concatenate([demand.coef, -capacity.coef]),
        (T, len(lower)),
    )
    R = np.bincount(dt, demand.lower, minlength=T) - np.bincount(ct, capacity.upper, minlength=T)
    out_row, out_col, out_coef, meta = [], [], [], []
    rhs: list[float] = []
    for t in range(T):
        idx, g = G.indices[G.indptr[t] : G.indptr[t + 1]], G.data[G.indptr[t] : G.indptr[t + 1]]
        scale = max(1.0, float(np.abs(g).max(initial=0.0)))
        pos, neg = g > TOL * scale, g < -TOL * scale
        if R[t] <= TOL * max(1.0, abs(R[t])) or (lower[idx[neg]] < 0).any():
            continue  # nothing to cover, or a column that may not be dropped
        keep_i, keep_g = idx[pos], g[pos]
        if (~integer[keep_i] & np.isinf(upper[keep_i])).any() or not integer[keep_i].any():
            continue  # an unlimited column meets R_t alone, or no build to cover it
        rows = [(keep_i, keep_g, R[t], "")]
        if integer[keep_i].all() and (lower[keep_i] >= 0).all():
            a_min = keep_g.min()
            rounded_g = np.ceil(keep_g / a_min - TOL)
            rounded_r = np.ceil(R[t] / a_min - TOL * max(1.0, R[t] / a_min))
            rows.append((keep_i, rounded_g, rounded_r, "rounded"))
        for i, c, r, kind in rows:
            out_row.append(np.full(len(i), len(rhs), np.int64))
            out_col.append(i.astype(np.int64))
            out_coef.append(c.astype(float))
            rhs.append(float(r))
            meta.append((periods[t], kind))
    if not rhs:
        return empty
    labels = pd.DataFrame(meta, columns=["period", "kind"])
    return Rows(
        family=FAMILY,
        names=names(FAMILY, labels["period"], labels["kind"]),
        lower=np.asarray(rhs),
        upper=np.full(len(rhs), INF),
        row=np.concatenate(out_row),
        col=np.concatenate(out_col),
        coef=np.concatenate(out_coef),
        meta=labels[["period"]],
    )
