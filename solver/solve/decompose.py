"""Independent blocks of an LP, solved in a thread pool and stitched back together.

Columns fixed at one value (``lower == upper``: the build decisions once a MILP's builds
are fixed) move to the right-hand side: row i's bounds become
``[L_i - s_i, U_i - s_i]`` with ``s_i = sum_{j fixed} a_ij x_j``. What remains of the
matrix is a bipartite graph of rows and columns (an edge per non-zero); its connected
components are LPs with no row or column in common:

    min sum_k c_k x_k   s.t.  L_k - s_k <= A_k x_k <= U_k - s_k,  l_k <= x_k <= u_k   (each k)

The objective and every constraint are sums over blocks, so optimal x, row duals y and
column duals of the blocks are together optimal for the whole LP (the KKT conditions hold
block by block). A fixed column's reduced cost is ``c_j - sum_i a_ij y_i``; its cost can
change without limit without changing the optimal basis. Components smaller than
``min_block`` (rows + columns + non-zeros) are bundled: a bundle is still block diagonal,
and one HiGHS model per tiny component would cost more than it saves. highspy releases the
GIL while HiGHS runs, so blocks solve in parallel threads.

Blocks alike in shape (the periods of a network: the same rows and columns, other costs and
right-hand sides) have alike optimal bases. Each thread starts a block's dual simplex from
the optimal basis of the last block it solved when the two have the same sparsity pattern
(``patterns``): on the 1M-flow benchmark a period then takes ~200-350 simplex iterations
instead of ~4,400 (0.1 s instead of 1 s). A starting basis changes only the path: the LP's
optimum is the same (and HiGHS starts cold from a basis it rejects).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from solver.model.lp import LinearProgram
from solver.model.sparse import Csr, components

MIN_BLOCK = 20_000  # rows + columns + non-zeros of the smallest block solved on its own


@dataclass
class Block:
    cols: np.ndarray  # global column indices, ascending
    rows: np.ndarray  # global row indices, ascending
    shift: np.ndarray  # s_i of the block's rows (fixed columns' contribution)
    highs: object = None  # the block's live HiGHS model, kept for ranging only


def default_threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _matrix(lp: LinearProgram) -> Csr:
    return Csr.from_arrays(lp.value, lp.index, lp.start, (lp.num_row, lp.num_col))


def lp_labels(lp: LinearProgram, solver: str = "highs", decompose: bool = True, min_block: int | None = None):
    """split_labels for a solve of ``lp`` as ``solve.solve`` runs it, computed once for the memory
    check and the solve: False when it is solved as one model (not HiGHS, ``decompose`` off, a
    MILP, or an LP that does not split)."""
    if not decompose or solver.strip().lower() != "highs" or lp.is_mip:
        return False
    return split_labels(lp, MIN_BLOCK if min_block is None else min_block) or False


def split_labels(lp: LinearProgram, min_block: int = MIN_BLOCK, fixed: np.ndarray | None = None):
    """task_labels when the LP splits into at least two tasks, else None (a model too small
    for two blocks of ``min_block`` is not worth labelling and splitting)."""
    if lp.num_col + lp.num_row + len(lp.value) < 2 * min_block:
        return None
    labels = task_labels(lp, min_block, fixed)
    return labels if labels[0] >= 2 else None


def task_labels(
    lp: LinearProgram, min_block: int = MIN_BLOCK, fixed: np.ndarray | None = None
) -> tuple[int, np.ndarray, np.ndarray]:
    """(number of tasks, task of each column (-1: fixed), task of each row). ``fixed``: a
    mask of the columns that move to the right-hand side (default: lower == upper)."""
    n, m = lp.num_col, lp.num_row
    if fixed is None:
        fixed = lp.col_lower == lp.col_upper
    rows = np.repeat(np.arange(m), np.diff(lp.start))
    keep = ~fixed[lp.index]
    ncomp, label = components(n + m, rows[keep] + n, lp.index[keep])
    col_comp, row_comp = label[:n], label[n:]
    size = (
        np.bincount(col_comp[~fixed], minlength=ncomp)
        + np.bincount(row_comp, minlength=ncomp)
        + np.bincount(row_comp[rows[keep]], minlength=ncomp)
    )
    has_col = np.bincount(col_comp[~fixed], minlength=ncomp) > 0
    has_row = np.bincount(row_comp, minlength=ncomp) > 0
    task = np.empty(ncomp, np.int64)
    ntask, bundle, bundle_size = 0, -1, 0
    for comp in np.argsort(-size, kind="stable"):
        if size[comp] >= min_block and has_col[comp] and has_row[comp]:
            task[comp] = ntask
            ntask += 1
            continue
        if bundle < 0 or bundle_size >= min_block:
            bundle, bundle_size = ntask, 0
            ntask += 1
        task[comp] = bundle
        bundle_size += size[comp]
    # HiGHS cannot range a model without rows, nor solve one without columns: such a
    # task joins the first (largest) one, which stays block diagonal.
    t_cols = np.bincount(task[col_comp[~fixed]], minlength=ntask)
    t_rows = np.bincount(task[row_comp], minlength=ntask)
    degenerate = (t_cols == 0) | (t_rows == 0)
    if degenerate.any() and not degenerate.all():
        first = int(np.flatnonzero(~degenerate)[0])
        remap = np.where(degenerate, first, np.arange(ntask))
        _, remap = np.unique(remap, return_inverse=True)
        task, ntask = remap[task], int(remap.max()) + 1
    elif degenerate.all():
        task[:], ntask = 0, 1
    col_task = np.where(fixed, -1, task[col_comp])
    return ntask, col_task, task[row_comp]


def split(lp: LinearProgram, x_fixed: np.ndarray, col_task, row_task, ntask: int) -> list[tuple[Block, LinearProgram]]:
    """One sub-LP per task, fixed columns moved to the right-hand side."""
    A = _matrix(lp)
    shift = A @ np.where(col_task < 0, x_fixed, 0.0)
    corder = np.argsort(np.where(col_task < 0, ntask, col_task), kind="stable")
    rorder = np.argsort(row_task, kind="stable")
    P = A.rows(rorder).cols(corder)
    cb = np.searchsorted(np.where(col_task < 0, ntask, col_task)[corder], np.arange(ntask + 1))
    rb = np.searchsorted(row_task[rorder], np.arange(ntask + 1))
    out = []
    for t in range(ntask):
        cols, rows = corder[cb[t] : cb[t + 1]], rorder[rb[t] : rb[t + 1]]
        sub = P.row_range(rb[t], rb[t + 1]).col_range(cb[t], cb[t + 1]).sorted()
        s = shift[rows]
        part = LinearProgram(
            col_names=np.zeros(0, object),
            cost=lp.cost[cols],
            col_lower=lp.col_lower[cols],
            col_upper=lp.col_upper[cols],
            integer=np.zeros(len(cols), bool),
            row_names=np.zeros(0, object),
            row_lower=lp.row_lower[rows] - s,
            row_upper=lp.row_upper[rows] - s,
            start=sub.indptr,
            index=sub.indices,
            value=sub.data,
        )
        out.append((Block(cols, rows, s), part))
    return out


def patterns(parts: list[LinearProgram]) -> list[bytes]:
    """A key per sub-LP, equal for sub-LPs of the same size and sparsity pattern (a basis
    of one is a basis of the other)."""
    keys = []
    for p in parts:
        h = hashlib.blake2b(np.array([p.num_col, p.num_row], np.int64).tobytes(), digest_size=16)
        h.update(np.ascontiguousarray(p.start, np.int64).tobytes())
        h.update(np.ascontiguousarray(p.index, np.int64).tobytes())
        keys.append(h.digest())
    return keys


class WarmChain:
    """Per thread, the pattern and optimal basis of the last block it solved: the start for
    the thread's next block when their patterns match (see the module's docstring)."""

    def __init__(self):
        self._local = threading.local()

    def start(self, key: bytes):
        last = getattr(self._local, "last", None)
        return last[1] if last is not None and last[0] == key else None

    def done(self, key: bytes, basis) -> None:
        self._local.last = (key, basis) if basis is not None else None


def solve_blocks(
    lp: LinearProgram,
    time_limit: float | None = None,
    threads: int | None = None,
    min_block: int = MIN_BLOCK,
    ranging: bool = True,
    labels=None,
):
    """The LP (integrality ignored) solved block by block; None if it does not split.
    ``ranging``: keep each block's live HiGHS model (``Block.highs``); without it a block's
    model is freed in its thread as soon as its solution is read. ``labels``: split_labels of
    this LP already computed (False: it does not split)."""
    from solver.solve.highs import _solve_highs
    from solver.solve.status import Solution, Status, _empty, activity

    t0 = time.perf_counter()
    if labels is None:
        labels = split_labels(lp, min_block)
    if not labels:
        return None
    ntask, col_task, row_task = labels
    x = np.where(col_task < 0, lp.col_lower, 0.0)
    parts = split(lp, x, col_task, row_task, ntask)
    keys = patterns([p for _, p in parts])
    chain = WarmChain()

    def run(k):
        left = None if not time_limit else max(1e-3, time_limit - (time.perf_counter() - t0))
        sol = _solve_highs(parts[k][1], left, keep=ranging, basis=chain.start(keys[k]), want_basis=True)
        chain.done(keys[k], sol.basis)
        sol.basis = None
        return sol

    with ThreadPoolExecutor(max_workers=max(1, threads or default_threads())) as pool:
        sols = list(pool.map(run, range(len(parts))))
    order = [Status.INFEASIBLE, Status.UNBOUNDED, Status.ERROR, Status.NO_SOLUTION, Status.FEASIBLE]
    worst = min((s.status for s in sols), key=lambda s: order.index(s) if s in order else len(order))
    if not worst.has_plan:
        bad = next(s for s in sols if s.status == worst)
        return _empty(lp, worst, "highs", bad.message)
    row_dual, col_dual = np.zeros(lp.num_row), np.zeros(lp.num_col)
    blocks = []
    for (block, _), s in zip(parts, sols, strict=True):
        x[block.cols] = s.x
        row_dual[block.rows] = s.row_dual
        col_dual[block.cols] = s.col_dual
        block.highs = s.highs
        blocks.append(block)
    fixed = np.flatnonzero(col_task < 0)
    if len(fixed):
        col_dual[fixed] = lp.cost[fixed] - _matrix(lp).cols(fixed).rmatvec(row_dual)
    sol = Solution(worst, float(lp.cost @ x), x, activity(lp, x), row_dual, col_dual, "highs", 0.0, "lp", blocks=blocks)
    return sol
