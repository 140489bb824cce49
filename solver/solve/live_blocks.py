"""Live HiGHS models of an LP that splits into independent blocks, re-solved change after change.

``BlockLiveLP`` has the interface of ``live.LiveLP`` (``apply``, ``fix``, ``run``,
``x``, ``duals``, ``reduced_costs``) and gives the same answers, with one live model per
block of the LP (decompose.py) instead of one for the whole LP. The columns held fixed
(``fix``: build decisions) leave the matrix; row i of block k holds

    L_i - s_i <= A_k x_k <= U_i - s_i,   s_i = sum_{j fixed} a_ij x_j

and a Change maps entry by entry: a cost, a column's bounds or a coefficient a_ij of a
column j in a block go to j's block; a row's bounds to the row's block, less s_i; a
coefficient a_ij of a fixed column j changes s_i by (a_ij' - a_ij) x_j, which moves row
i's bounds in its block, as does ``fix`` (a fixed column's own bounds are ``fix``'s, as in
LiveLP). Entries an earlier Change touched and this one does not go back to the base
model's values. The blocks share no row or column, so

    objective = sum_k z_k + sum_{j fixed} c_j x_j,   optimal iff every block is,

an infeasible block makes the whole LP infeasible, and a fixed column's reduced cost is
``c_j - sum_i a_ij y_i`` with the blocks' row duals y. ``live_lp`` picks: blocks when the
LP (its fixed columns moved out) splits into >= 2 tasks of ``min_block`` (decompose.
task_labels), else one LiveLP. Blocks run one after another, or on ``threads`` threads
(highspy releases the GIL while HiGHS runs; inside a sweep's worker processes the cores
are already busy, so serial is the default there).
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from solver.model.changes import Change, coef_positions
from solver.model.lp import LinearProgram
from solver.model.sparse import Csr
from solver.solve.decompose import MIN_BLOCK, WarmChain, patterns, split, split_labels, task_labels
from solver.solve.live import LiveLP

_EMPTY_I = np.zeros(0, np.int32)


def block_labels(lp: LinearProgram, fixed=_EMPTY_I, min_block: int = MIN_BLOCK):
    """decompose.split_labels with the columns ``fixed`` moved to the right-hand side."""
    mask = np.zeros(lp.num_col, bool)
    mask[np.asarray(fixed, np.int64)] = True
    return split_labels(lp, min_block, fixed=mask)


def live_lp(
    lp: LinearProgram,
    fixed=_EMPTY_I,
    elastic: bool = False,
    integer: bool = False,
    *,
    threads: int = 1,
    min_block: int = MIN_BLOCK,
    labels=None,
    exact_mip: bool = True,
    solver: str = "highs",
    fold: bool = False,
):
    """A BlockLiveLP when the LP splits (an LP, not the phase-1 model), else a LiveLP.
    ``labels``: block_labels already computed for this LP and ``fixed`` (False: none).
    ``fold``: a BlockLiveLP even of one block when columns are fixed: their coefficients a Change sets
    then move row bounds, in numpy, instead of one changeCoeff each (Benders' scenario LPs, whose strong
    linking rows take each scenario's demand).
    ``solver``: another PuLP solver than HiGHS gives a SolverLP (every run a cold solve)."""
    if solver != "highs":
        from solver.solve.other_live import SolverLP

        if elastic:
            raise ValueError("the phase-1 (elastic) model is HiGHS's only")
        return SolverLP(lp, solver, fixed, integer)
    if not elastic and not (integer and lp.is_mip):
        if labels is None:
            labels = block_labels(lp, fixed, min_block)
        if labels:
            return BlockLiveLP(lp, fixed, labels, threads)
        if fold and len(fixed):
            mask = np.zeros(lp.num_col, bool)
            mask[np.asarray(fixed, np.int64)] = True
            return BlockLiveLP(lp, fixed, task_labels(lp, sys.maxsize, mask), threads)
    return LiveLP(lp, fixed, elastic, integer, exact_mip)


def _by_block(task: np.ndarray, *arrays):
    """(block, positions of its entries) for the entries of each block present."""
    order = np.argsort(task, kind="stable")
    t = task[order]
    cuts = np.flatnonzero(np.diff(t)) + 1
    for part in np.split(order, cuts):
        if len(part):
            yield int(task[part[0]]), part


class BlockLiveLP:
    def __init__(self, lp: LinearProgram, fixed, labels, threads: int = 1):
        from solver.solve.highs import load_highs

        ntask, col_task, row_task = labels
        self.lp = lp
        self.fixed = np.asarray(fixed, np.int32)
        self.col_task, self.row_task = col_task, row_task
        parts = split(lp, np.zeros(lp.num_col), col_task, row_task, ntask)  # shifts set by fix()
        self.blocks = [b for b, _ in parts]
        self.models = [load_highs(part, relax=True) for _, part in parts]
        # a block's first solve starts from the basis of a like block solved before it on
        # the same thread (decompose.WarmChain); later solves start from its own last basis
        self._keys = patterns([part for _, part in parts])
        self._cold = [True] * len(parts)
        self._chain = WarmChain()
        self.col_local = np.zeros(lp.num_col, np.int32)
        self.row_local = np.zeros(lp.num_row, np.int32)
        for b in self.blocks:
            self.col_local[b.cols] = np.arange(len(b.cols))
            self.row_local[b.rows] = np.arange(len(b.rows))
        # the fixed columns' part of the matrix (rows x fixed columns), base values
        self.F = Csr.from_arrays(lp.value, lp.index, lp.start, (lp.num_row, lp.num_col)).cols(self.fixed)
        self.fixed_pos = np.full(lp.num_col, -1, np.int64)
        self.fixed_pos[self.fixed] = np.arange(len(self.fixed))
        # a Change's coefficients of fixed columns, as arrays (row, fixed k, base value, value now): they move
        # row bounds (the shift), never the blocks' matrices; every apply() sets them anew
        self.over_row = self.over_k = np.zeros(0, np.int64)
        self.over_base = self.over_value = np.zeros(0)
        self.cost = lp.cost.copy()
        self.row_lower, self.row_upper = lp.row_lower.copy(), lp.row_upper.copy()
        self.shift = np.zeros(lp.num_row)
        self.fixed_at: np.ndarray | None = (
            lp.col_lower[self.fixed].copy()
            if np.array_equal(lp.col_lower[self.fixed], lp.col_upper[self.fixed])
            else None
        )
        self._stale_shift = True
        self._dirty = [np.arange(lp.num_row)]
        self._last = Change()
        self.threads = max(1, int(threads or 1))
        self._pool: ThreadPoolExecutor | None = None
        self._ok = None

    # ------------------------------------------------------------ changes
    def apply(self, ch: Change) -> None:
        lp, last = self.lp, self._last
        cost = np.asarray(ch.cost, float) if ch.cost is not None else (lp.cost if last.cost is not None else None)
        if cost is not None:
            self.cost = cost.copy()
            for b, h in zip(self.blocks, self.models, strict=True):
                h.changeColsCost(len(b.cols), np.arange(len(b.cols), dtype=np.int32), self.cost[b.cols])
        gone = _gone(last.col_index, ch.col_index)
        idx = np.concatenate([gone, np.asarray(ch.col_index, np.int64)])
        if len(idx):
            lo = np.concatenate([lp.col_lower[gone], ch.col_lower])
            up = np.concatenate([lp.col_upper[gone], ch.col_upper])
            inside = self.col_task[idx] >= 0  # fixed columns keep fix()'s value
            idx, lo, up = idx[inside], lo[inside], up[inside]
            for k, pos in _by_block(self.col_task[idx]):
                self.models[k].changeColsBounds(len(pos), self.col_local[idx[pos]], lo[pos], up[pos])
        gone = _gone(last.row_index, ch.row_index)
        if len(gone):
            self.row_lower[gone], self.row_upper[gone] = lp.row_lower[gone], lp.row_upper[gone]
            self._dirty.append(gone)
        if len(ch.row_index):
            rows = np.asarray(ch.row_index, np.int64)
            self.row_lower[rows], self.row_upper[rows] = ch.row_lower, ch.row_upper
            self._dirty.append(rows)
        same = _same(last.coef_row, ch.coef_row) and _same(last.coef_col, ch.coef_col)
        if len(last.coef_row) and not same:  # entries of blocks the last Change set, back to base
            r, c = np.asarray(last.coef_row, np.int64), np.asarray(last.coef_col, np.int64)
            inside = self.col_task[c] >= 0
            if inside.any():
                self._in_blocks(r[inside], c[inside], lp.value[coef_positions(lp, r[inside], c[inside])])
        if len(ch.coef_row) or len(self.over_row):
            self._coefficients(ch, same)
        self._last = ch

    def _coefficients(self, ch: Change, same: bool) -> None:
        """A Change's coefficients: those of columns in a block into its model, those of fixed columns into
        the overrides (vectorised: a scenario sets thousands, e.g. the strong linking rows)."""
        rows, cols = np.asarray(ch.coef_row, np.int64), np.asarray(ch.coef_col, np.int64)
        values = np.asarray(ch.coef_value, float)
        inside = self.col_task[cols] >= 0
        if inside.any():
            self._in_blocks(rows[inside], cols[inside], values[inside])
        out = ~inside
        if not (same and len(self.over_row) == int(out.sum())):  # the fixed entries' base values, once per set
            self.over_row, self.over_k = rows[out], self.fixed_pos[cols[out]]
            self.over_base = self.lp.value[coef_positions(self.lp, rows[out], cols[out])] if out.any() else np.zeros(0)
        self.over_value = values[out]
        self._stale_shift = True

    def _in_blocks(self, rows, cols, values) -> None:
        for r, c, v in zip(rows, cols, values, strict=True):
            k = self.col_task[int(c)]
            self.models[k].changeCoeff(int(self.row_local[int(r)]), int(self.col_local[int(c)]), float(v))

    def fix(self, x: np.ndarray) -> None:
        """Hold the fixed columns at ``x`` (one value per fixed column)."""
        self.fixed_at = np.asarray(x, float).copy()
        self._stale_shift = True

    def _flush(self) -> None:
        """Push row bounds moved by a Change, a fixed value or a fixed column's coefficient."""
        if self._stale_shift and len(self.fixed):
            if self.fixed_at is None:
                raise ValueError("the fixed columns need values: call fix() first")
            shift = self.F @ self.fixed_at
            if len(self.over_row):
                delta = (self.over_value - self.over_base) * self.fixed_at[self.over_k]
                shift += np.bincount(self.over_row, weights=delta, minlength=len(shift))
            self._dirty.append(np.flatnonzero(shift != self.shift))
            self.shift = shift
        self._stale_shift = False
        if not self._dirty:
            return
        rows = np.unique(np.concatenate(self._dirty))
        self._dirty = []
        lo, up = self.row_lower[rows] - self.shift[rows], self.row_upper[rows] - self.shift[rows]
        for k, pos in _by_block(self.row_task[rows]):
            self.models[k].changeRowsBounds(len(pos), self.row_local[rows[pos]], lo[pos], up[pos])

    # ------------------------------------------------------------ solving
    def run(self) -> tuple[bool, float]:
        """(optimal?, objective) of the current model: every block optimal, objectives summed."""
        import highspy

        self._flush()
        ok = highspy.HighsModelStatus.kOptimal

        def one(k) -> bool:
            h = self.models[k]
            if self._cold[k]:
                basis = self._chain.start(self._keys[k])
                if basis is not None:
                    h.setBasis(basis)
            h.run()
            good = h.getModelStatus() == ok
            if self._cold[k]:
                self._cold[k] = False
                self._chain.done(self._keys[k], h.getBasis() if good else None)
            return good

        blocks = range(len(self.models))
        if self.threads > 1:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.threads)
            good = all(list(self._pool.map(one, blocks)))
        else:
            good = all(one(k) for k in blocks)  # stops at the first block that is not optimal
        if not good:
            return False, float("nan")
        obj = sum(float(h.getInfo().objective_function_value) for h in self.models)
        if len(self.fixed):
            obj += float(self.cost[self.fixed] @ self.fixed_at)
        return True, obj

    def x(self) -> np.ndarray:
        x = np.empty(self.lp.num_col)
        for b, h in zip(self.blocks, self.models, strict=True):
            x[b.cols] = h.getSolution().col_value
        if len(self.fixed):
            x[self.fixed] = self.fixed_at
        return x

    def duals(self) -> tuple[np.ndarray, np.ndarray]:
        """(row duals, column duals) stitched from the blocks; a fixed column's is c_j - a_j'y."""
        y, d = np.zeros(self.lp.num_row), np.zeros(self.lp.num_col)
        for b, h in zip(self.blocks, self.models, strict=True):
            sol = h.getSolution()
            y[b.rows] = sol.row_dual
            d[b.cols] = sol.col_dual
        if len(self.fixed):
            at = self.F.rmatvec(y)
            if len(self.over_row):
                at += np.bincount(self.over_k, weights=(self.over_value - self.over_base) * y[self.over_row],
                                  minlength=len(at))  # fmt: skip
            d[self.fixed] = self.cost[self.fixed] - at
        return y, d

    def reduced_costs(self, cols: np.ndarray) -> np.ndarray:
        """d(objective)/d(value) of columns held fixed: their reduced costs."""
        return self.duals()[1][cols]

    def __del__(self):
        pool = getattr(self, "_pool", None)  # absent if __init__ failed
        if pool is not None:
            pool.shutdown(wait=False)


def _gone(old, new) -> np.ndarray:
    """Entries the last Change named and this one does not."""
    if not len(old) or _same(old, new):
        return np.zeros(0, np.int64)
    return np.setdiff1d(old, new).astype(np.int64)


def _same(a, b) -> bool:
    return a is b or (len(a) == len(b) and bool(np.array_equal(a, b)))
