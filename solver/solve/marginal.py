"""One-sided marginal values of rows: what one unit more and one unit less of a row's limit cost, exactly.

For the LP  z(b) = min c x  s.t.  L <= A x <= U,  l <= x <= u  and a row i whose right-hand side
b_i is moved (both bounds of an equality row, the finite bound of an inequality):

    up_i   = z(b + e_i) - z(b)      the cost of one unit more
    down_i = z(b) - z(b - e_i)      the saving of one unit less

z is convex and piecewise linear in b, so down_i <= y_i <= up_i for the row's dual y_i. The two
are equal to y_i when the optimal basis stays primal feasible from b - e_i to b + e_i (HiGHS's
row ranging says how far it does). Where the plan sits exactly on a limit (a plant at its
min_units, another at capacity: a degenerate basis) it does not, and a warm re-solve at
b + e_i (or b - e_i) prices the step. ``tie``: a column whose upper bound moves with the row
(the unmet units of a demand, u <= units). A step that makes the LP infeasible is NaN.

The work is done on a reduced LP with the same optimum: the columns strictly between their
bounds and the ``k`` others of smallest |reduced cost|, every other column fixed at its value
(moved to the right-hand side). A re-solve of the reduced LP is a re-solve of the whole one when
no excluded column prices out at its duals (c_j - a_j y >= 0 at a lower bound, <= 0 at an upper
one); those that do are added and it is solved again (column generation), so every value is the
whole LP's. A HiGHS run on 100,000 columns costs ~22 ms however few its iterations; on the
reduced LP well under 1 ms.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from solver.model.lp import LinearProgram
from solver.model.sparse import Csr


def one_sided(
    lp: LinearProgram,
    x: np.ndarray,
    col_dual: np.ndarray,
    rows: np.ndarray,
    tie: np.ndarray | None = None,
    units: list[tuple[np.ndarray, np.ndarray]] | None = None,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(up, down) of the global rows ``rows`` of ``lp`` (an LP: see fixed_lp) at its optimum ``x``,
    in the objective's money. ``tie``: per row of ``rows``, a column whose upper bound moves with
    it, or -1. ``units``: (rows, columns) of independent blocks (decompose.Block), default the
    whole LP. ``col_dual``: reduced costs at ``x`` (they choose the reduced LP's columns)."""
    rows = np.asarray(rows, np.int64)
    tie = np.full(len(rows), -1, np.int64) if tie is None else np.asarray(tie, np.int64)
    up, down = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    if not len(rows):
        return up, down
    A = Csr.from_arrays(lp.value, lp.index, lp.start, (lp.num_row, lp.num_col))
    free = lp.col_lower < lp.col_upper
    if units is None:
        units = [(np.arange(lp.num_row), np.flatnonzero(free))]
    where = np.full(lp.num_row, -1, np.int64)
    where[rows] = np.arange(len(rows))

    def run(unit):
        urows, ucols = unit
        mine = where[urows]
        pos = np.flatnonzero(mine >= 0)
        if not len(pos):
            return None
        at = mine[pos]
        u, d = _Unit(lp, A, x, col_dual, urows, ucols[free[ucols]], tie[at]).price(pos)
        return at, u, d

    if (threads or 1) > 1 and len(units) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            done = list(pool.map(run, units))
    else:
        done = [run(u) for u in units]
    for got in done:
        if got is not None:
            up[got[0]], down[got[0]] = got[1], got[2]
    return up, down


class _Unit:
    """The reduced LP of one block (rows ``urows``, movable columns ``ucols``), live in HiGHS."""

    def __init__(self, lp, A, x, col_dual, urows, ucols, tie):
        from solver.solve.highs import load_highs

        self.A = A.rows(urows)  # the block's rows, every column (columns of other blocks have no entry here)
        self.x = x
        lo, hi = lp.col_lower[ucols], lp.col_upper[ucols]
        xs = x[ucols]
        scale = max(1.0, float(np.abs(lp.cost[ucols]).max(initial=0.0)))
        self.tol_x = 1e-9 * max(1.0, float(np.abs(xs).max(initial=0.0)))
        self.tol_d = 1e-9 * scale
        inside = (xs > lo + self.tol_x) & (xs < hi - self.tol_x)
        take = inside.copy()
        rest = np.flatnonzero(~inside)
        k = 200 + len(urows) // 10  # enough on the 1M-flow bench that no column had to be added
        rc = np.abs(np.nan_to_num(col_dual[ucols[rest]], nan=np.inf))
        if k < len(rest):
            rest = rest[np.argpartition(rc, k)[:k]]
        take[rest] = True
        in_s = np.zeros(lp.num_col, bool)
        in_s[ucols[take]] = True
        in_s[tie[tie >= 0]] = True
        self.cols = np.flatnonzero(in_s)  # the reduced LP's columns, global indices
        movable = np.zeros(lp.num_col, bool)
        movable[ucols] = True
        self.out = np.flatnonzero(movable & ~in_s)  # movable columns held at their values
        self.out_at_lower = x[self.out] <= lp.col_lower[self.out] + self.tol_x
        self.cost_out = lp.cost[self.out]
        self.A_out = self.A.cols(self.out)
        sub = self.A.cols(self.cols)
        shift = self.A @ x - sub @ x[self.cols]
        self.row_lo, self.row_hi = lp.row_lower[urows] - shift, lp.row_upper[urows] - shift
        part = LinearProgram(
            col_names=np.zeros(0, object),
            cost=lp.cost[self.cols],
            col_lower=lp.col_lower[self.cols],
            col_upper=lp.col_upper[self.cols],
            integer=np.zeros(len(self.cols), bool),
            row_names=np.zeros(0, object),
            row_lower=self.row_lo,
            row_upper=self.row_hi,
            start=sub.indptr,
            index=sub.indices,
            value=sub.data,
        )
        self.col_upper = lp.col_upper[self.cols].copy()
        self.delta = np.zeros(len(urows))  # the step being priced, on its row
        self.tie = tie  # per priced row (price's ``pos``): the column that moves with it, or -1
        self.lp = lp
        self.h = load_highs(part)
        self.colpos = {int(c): i for i, c in enumerate(self.cols)}

    # -- solving -------------------------------------------------------------------------------

    def solve(self) -> float | None:
        """Optimum of the whole block at the model's current bounds (None: infeasible), adding
        excluded columns that price out until none does."""
        import highspy

        while True:
            self.h.run()
            if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
            y = np.asarray(self.h.getSolution().row_dual)
            if not len(self.out):
                break
            d = self.cost_out - self.A_out.rmatvec(y)
            bad = np.where(self.out_at_lower, d < -self.tol_d, d > self.tol_d)
            if not bad.any():
                break
            self._add(np.flatnonzero(bad))
        return float(self.h.getInfo().objective_function_value)

    def _add(self, which: np.ndarray) -> None:
        import highspy

        cols = self.out[which]
        lp = self.lp
        sub = self.A.cols(cols).transpose()  # by column: the arrays addCols takes
        # their part moves back from the right-hand side into the model
        back = sub.rmatvec(self.x[cols])
        self.row_lo, self.row_hi = self.row_lo + back, self.row_hi + back
        touched = np.flatnonzero(back != 0).astype(np.int32)
        hi = np.where(np.isinf(lp.col_upper[cols]), highspy.kHighsInf, lp.col_upper[cols])
        self.h.addCols(
            len(cols),
            lp.cost[cols],
            lp.col_lower[cols],
            hi,
            sub.nnz,
            sub.indptr.astype(np.int32),
            sub.indices.astype(np.int32),
            sub.data,
        )
        if len(touched):
            self._set_rows(touched)
        self.colpos.update({int(c): len(self.cols) + i for i, c in enumerate(cols)})
        self.cols = np.concatenate([self.cols, cols])
        self.col_upper = np.append(self.col_upper, lp.col_upper[cols])
        keep = np.ones(len(self.out), bool)
        keep[which] = False
        self.out, self.out_at_lower, self.cost_out = self.out[keep], self.out_at_lower[keep], self.cost_out[keep]
        self.A_out = self.A.cols(self.out)

    def _set_rows(self, r: np.ndarray) -> None:
        """Rows ``r`` at their bounds in the reduced LP, moved by the step being priced."""
        import highspy

        d = self.delta[r]
        lo = np.where(np.isinf(self.row_lo[r]), -highspy.kHighsInf, self.row_lo[r] + d)
        hi = np.where(np.isinf(self.row_hi[r]), highspy.kHighsInf, self.row_hi[r] + d)
        self.h.changeRowsBounds(len(r), np.asarray(r, np.int32), lo, hi)

    def _set_tie(self, col: int, delta: float) -> None:
        j = self.colpos[col]
        lo = float(self.lp.col_lower[col])
        self.h.changeColBounds(j, lo, max(lo, float(self.col_upper[j]) + delta))

    # -- pricing -------------------------------------------------------------------------------

    def price(self, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(up, down) of the block's rows at positions ``pos`` (one per row of ``self.tie``)."""
        import highspy

        z0 = self.solve()
        up, down = np.full(len(pos), np.nan), np.full(len(pos), np.nan)
        if z0 is None:  # cannot happen at an optimum; leave NaN rather than guess
            return up, down
        sol = self.h.getSolution()
        y = np.asarray(sol.row_dual)[pos]
        basis = self.h.getBasis()
        row_status = basis.row_status  # a list built on each read of the attribute
        basic = np.array([row_status[int(p)] == highspy.HighsBasisStatus.kBasic for p in pos], bool)
        act = np.asarray(sol.row_value)[pos]
        lo, hi = self.row_lo[pos], self.row_hi[pos]
        _, rng = self.h.getRanging()
        b_up, b_dn = np.asarray(rng.row_bound_up.value_)[pos], np.asarray(rng.row_bound_dn.value_)[pos]
        eq = lo == hi
        rhs = np.where(np.isinf(lo), hi, lo)
        one = 1.0 - 1e-9
        # a non-binding inequality: the relaxing step changes nothing, the tightening one
        # nothing while its slack covers it
        slack_le = hi - act
        slack_ge = act - lo
        ok_up = np.where(basic, ~eq & (np.isinf(lo) | (slack_ge >= one)), b_up - rhs >= one)
        ok_dn = np.where(basic, ~eq & (np.isinf(hi) | (slack_le >= one)), rhs - b_dn >= one)
        up[ok_up], down[ok_dn] = np.where(basic, 0.0, y)[ok_up], np.where(basic, 0.0, y)[ok_dn]
        xcol = np.asarray(sol.col_value)
        col_basis = basis.col_status
        for i in range(len(pos)):
            t = int(self.tie[i])
            if t >= 0:
                j = self.colpos[t]
                status = col_basis[j]
                if status == highspy.HighsBasisStatus.kUpper:  # all unmet: a unit more or less is unmet
                    cost = float(self.lp.cost[t])
                    up[i] = cost
                    down[i] = cost if self.col_upper[j] >= one else np.nan
                    continue
                if status == highspy.HighsBasisStatus.kBasic and xcol[j] > self.col_upper[j] - one:
                    ok_dn[i] = False
            for sign, done in ((1.0, ok_up[i]), (-1.0, ok_dn[i])):
                if done:
                    continue
                value = self._step(int(pos[i]), t, sign, z0)
                if sign > 0:
                    up[i] = value
                else:
                    down[i] = value
        return up, down

    def _step(self, p: int, tie: int, sign: float, z0: float) -> float:
        """z(b + sign e_p) - z(b) (sign +1) or z(b) - z(b - e_p) (sign -1), re-solved warm."""
        r = np.array([p], np.int32)
        self.delta[p] = sign
        self._set_rows(r)
        if tie >= 0:
            self._set_tie(tie, sign)
        z = self.solve()
        value = np.nan
        if z is not None:
            value = (z - z0) * sign
            y = float(np.asarray(self.h.getSolution().row_dual)[p])
            if abs(y - value) <= max(1e-4, 1e-7 * abs(value)):
                value = y  # the step stayed on one piece: its dual is the exact slope
        self.delta[p] = 0.0
        self._set_rows(r)
        if tie >= 0:
            self._set_tie(tie, 0.0)
        return value


# the rows supply.csv, utilization.csv, lane_limits.csv, quotas.csv and hubs.csv report
PRICED = ("demand", "capacity", "min_production", "lane", "tariff_quota", "hub")


def limit_marginals(lp: LinearProgram, sol, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(up, down) per row of ``lp`` for the rows of PRICED (NaN elsewhere), in present-value money,
    at the solution ``sol`` (any solver's: HiGHS re-prices the steps). A demand row's unmet units
    (their column in the row) move with it: one more unit of demand may go unmet at its penalty."""
    from solver.solve.decompose import default_threads

    up, down = np.full(lp.num_row, np.nan), np.full(lp.num_row, np.nan)
    if sol.duals == "none":
        return up, down
    rows = np.concatenate([np.arange(lp.family_rows(f).start, lp.family_rows(f).stop) for f in PRICED])
    tie = np.full(len(rows), -1, np.int64)
    unmet = lp.family_cols("unmet")
    d = lp.family_rows("demand")
    if unmet.stop > unmet.start and d.stop > d.start:
        cnt = np.diff(lp.start)[d]
        r = np.repeat(np.arange(d.start, d.stop), cnt)
        c = lp.index[lp.start[d.start] : lp.start[d.stop]]
        hit = (c >= unmet.start) & (c < unmet.stop)
        tie[r[hit] - d.start] = c[hit]  # demand rows come first in ``rows``
    from solver.solve.highs import fixed_lp

    flp = fixed_lp(lp, sol.x)
    units = [(b.rows, b.cols) for b in sol.blocks] if sol.blocks else None
    u, dn = one_sided(flp, sol.x, np.nan_to_num(sol.col_dual, nan=0.0), rows, tie, units, threads or default_threads())
    up[rows], down[rows] = u, dn
    return up, down
