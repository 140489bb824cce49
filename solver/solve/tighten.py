"""Which linking rows (model/linking.py) a MILP needs, and a plan to start its search from.

All the linking rows of a large facility-location model make its LP relaxation strong but
slow: OR-Library's capa (100 warehouses x 1,000 customers) gets 100,000 of them and HiGHS
spent its whole 300 s on the root LP and its cuts. Most of them never bind. So the LP
relaxation is solved with none of them, the rows its solution violates are added, and it is
solved again (warm, dual simplex) until none is violated (a cutting-plane loop, Kelley
1960). Its bound is then that of the model with every row (the rows left out hold at its
optimum), with about a tenth of them on capa (8,164 rows, 27 rounds). The MILP is given only
those rows: every linking row is valid, so any subset leaves its optimum unchanged.

The loop's last LP relaxation also gives the warm start (highs.mip_start): its builds
rounded at 1/2, or every fractional one rounded up when that is infeasible, and the flows of
the LP with those builds fixed.
"""

from __future__ import annotations

import time

import numpy as np
from solver.model.linking import FAMILY
from solver.model.lp import LinearProgram
from solver.model.sparse import Csr

VIOLATED = 1e-6  # units: a flow above its linking bound by more is a violated row


def needed_rows(lp: LinearProgram, time_limit: float | None = None) -> tuple[np.ndarray, np.ndarray | None, float]:
    """(mask over the linking rows of ``lp``: those the LP relaxation needs, the relaxation's
    build values (None if it did not solve), seconds spent). Stops adding rows when
    ``time_limit`` is spent (the rows found so far are kept)."""
    import highspy

    from solver.solve.backends import without_rows
    from solver.solve.highs import load_highs

    t0 = time.perf_counter()
    rs = lp.family_rows(FAMILY)
    link = np.arange(rs.start, rs.stop)
    keep = np.zeros(len(link), bool)
    if not len(link):
        return keep, None, 0.0
    base, _ = without_rows(lp, link)
    h = load_highs(base, relax=True)
    lo, hi = lp.start[rs.start], lp.start[rs.stop]
    A = Csr.from_arrays(
        lp.value[lo:hi], lp.index[lo:hi], lp.start[rs.start : rs.stop + 1] - lo, (len(link), lp.num_col)
    )
    ints = np.flatnonzero(lp.integer)
    y = None
    while True:
        if time_limit:
            left = time_limit - (time.perf_counter() - t0)
            if left <= 0:
                break
            h.setOptionValue("time_limit", left)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        x = np.asarray(h.getSolution().col_value)
        y = x[ints]
        new = np.flatnonzero((A @ x > VIOLATED) & ~keep)
        if not len(new):
            break
        sub = A.rows(new)
        h.addRows(
            len(new),
            np.full(len(new), -highspy.kHighsInf),
            np.zeros(len(new)),
            sub.nnz,
            sub.indptr[:-1].astype(np.int32),
            sub.indices.astype(np.int32),
            sub.data,
        )
        keep[new] = True
    return keep, y, time.perf_counter() - t0
