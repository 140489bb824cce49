"""The master problem of the L-shaped method (benders.py): the first-stage columns, one theta_s per
scenario (with a risk weight also eta and z_s), the LP's rows on first-stage columns only, the cuts,
and, where Jensen's inequality holds, the mean-value scenario's own second stage (jensen.py)."""

from __future__ import annotations

import os
import time

import numpy as np

from solver.model.lp import LinearProgram
from solver.studies.stochastic.problem import TwoStageProblem


class Master:
    def __init__(
        self,
        problem: TwoStageProblem,
        ws: np.ndarray,
        weight: float,
        alpha: float,
        gap: float,
        blocks: list[tuple[np.ndarray, LinearProgram]] | None = None,
    ):
        import highspy

        from solver.solve.highs import new_highs

        lp, first, p, n = problem.lp, problem.first, problem.probability, problem.n
        self.k, self.n = len(first), n
        h = self.h = new_highs()
        inf = highspy.kHighsInf
        h.setOptionValue("mip_rel_gap", gap * 0.5)
        h.setOptionValue("mip_improving_solution_save", True)  # found(): the plans a MILP passed on its way
        h.setOptionValue("mip_abs_gap", 0.0)
        lo = lp.col_lower[first]
        up = np.where(np.isinf(lp.col_upper[first]), inf, lp.col_upper[first])
        h.addVars(self.k, lo, up)
        ws = np.where(np.isnan(ws), -inf, ws)  # not computed (--no-wait-and-see): no bound but the cuts
        h.addVars(n, ws, np.full(n, inf))  # theta
        cost = np.concatenate([np.zeros(self.k), p])
        if weight > 0:
            h.addVars(1, np.array([ws.min()]), np.array([inf]))  # eta
            h.addVars(n, np.zeros(n), np.full(n, inf))  # z
            cost = np.concatenate([cost, [weight], weight * p / (1.0 - alpha)])
            eta = self.k + n
            for s in range(n):  # theta_s - eta - z_s <= 0
                h.addRow(-inf, 0.0, 3, np.array([self.k + s, eta, eta + 1 + s], np.int32), np.array([1.0, -1.0, -1.0]))
        h.changeColsCost(len(cost), np.arange(len(cost), dtype=np.int32), cost)
        if lp.integer[first].any():
            ints = np.flatnonzero(lp.integer[first]).astype(np.int32)
            h.changeColsIntegrality(len(ints), ints, np.array([highspy.HighsVarType.kInteger] * len(ints)))
        only_first = np.isin(np.arange(lp.num_col), first)
        pos = np.full(lp.num_col, -1)
        pos[first] = np.arange(self.k)
        for i in range(lp.num_row):
            cols = lp.index[lp.start[i] : lp.start[i + 1]]
            if len(cols) and only_first[cols].all():
                h.addRow(
                    _inf(lp.row_lower[i], inf),
                    _inf(lp.row_upper[i], inf),
                    len(cols),
                    pos[cols].astype(np.int32),
                    lp.value[lp.start[i] : lp.start[i + 1]],
                )
        self.inf = inf
        self.jensen = bool(blocks)
        for members, block in blocks or []:
            self._mean_block(block, first, p, members)
        self.ints = np.flatnonzero(lp.integer[first]).astype(np.int32)
        self.has_ints = self.mip = bool(len(self.ints))
        self.lo, self.up = lo.astype(float), np.where(np.isinf(lp.col_upper[first]), np.inf, lp.col_upper[first])
        self.weight, self.alpha, self.p = weight, alpha, p
        self.seconds: dict[bool, float] = {}  # master solve time: LP (False), MILP (True)
        self.base_rows = h.getNumRow()  # rows from here on are cuts
        self.evaluated: set[tuple] = set()  # integer plans evaluated (their cuts are in)

    def _mean_block(self, m: LinearProgram, first: np.ndarray, p: np.ndarray, members: np.ndarray) -> None:
        """The mean-value scenario of ``members``: its second-stage columns and rows (first-stage columns: the
        master's own), and sum_{s in members} p_s theta_s - P (c x + q y_mean) >= 0, P their probability
        (jensen.py)."""
        h, inf = self.h, self.inf
        second = np.setdiff1d(np.arange(m.num_col), first)
        pos = np.full(m.num_col, -1, np.int64)
        pos[first] = np.arange(self.k)
        pos[second] = h.getNumCol() + np.arange(len(second))
        h.addVars(len(second), np.maximum(m.col_lower[second], -inf), np.minimum(m.col_upper[second], inf))
        has_second = np.zeros(m.num_col, bool)
        has_second[second] = True
        rows = [i for i in range(m.num_row) if has_second[m.index[m.start[i] : m.start[i + 1]]].any()]
        starts: list[int] = []
        index: list[np.ndarray] = []
        value: list[np.ndarray] = []
        nnz = 0
        for i in rows:
            starts.append(nnz)
            index.append(pos[m.index[m.start[i] : m.start[i + 1]]])
            value.append(m.value[m.start[i] : m.start[i + 1]])
            nnz += len(index[-1])
        r = np.array(rows, np.int64)
        if len(r):
            h.addRows(
                len(r),
                np.maximum(m.row_lower[r], -inf),
                np.minimum(m.row_upper[r], inf),
                nnz,
                np.array(starts, np.int32),
                np.concatenate(index).astype(np.int32),
                np.concatenate(value).astype(float),
            )
        cols = np.concatenate([self.k + members, pos[first], pos[second]])
        P = p[members].sum()
        vals = np.concatenate([p[members], -P * m.cost[first], -P * m.cost[second]])
        keep = vals != 0
        h.addRow(0.0, inf, int(keep.sum()), cols[keep].astype(np.int32), vals[keep])

    def purge(self) -> int:
        """Drop the cuts slack at the last solution (the LP relaxation's optimum, before the integer phase):
        they are valid but do not shape the relaxation there, and the MILP is faster without them. Returns
        how many were dropped."""
        n = self.h.getNumRow()
        if n <= self.base_rows:
            return 0
        act = np.asarray(self.h.getSolution().row_value)[self.base_rows :]
        lp = self.h.getLp()
        lower = np.asarray(lp.row_lower_)[self.base_rows :]
        upper = np.asarray(lp.row_upper_)[self.base_rows :]
        bound = np.where(np.isfinite(lower) & (lower > -self.inf), lower, upper)
        slack = np.where(np.isfinite(lower) & (lower > -self.inf), act - lower, upper - act)
        drop = np.flatnonzero(slack > 1e-6 * (1.0 + np.abs(bound))) + self.base_rows
        if len(drop):
            self.h.deleteRows(len(drop), drop.astype(np.int32))
        return len(drop)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.lo, self.up

    def integer(self, on: bool) -> None:
        """Integrality of the first-stage columns on (the master MILP) or off (its LP relaxation)."""
        import highspy

        if not self.has_ints:
            return
        kind = highspy.HighsVarType.kInteger if on else highspy.HighsVarType.kContinuous
        self.h.changeColsIntegrality(len(self.ints), self.ints, np.array([kind] * len(self.ints)))
        self.mip = on

    def start_from(self, x: np.ndarray, costs: np.ndarray | None) -> None:
        """The best plan so far as the MILP's starting solution (theta at its scenario costs)."""
        import highspy

        if costs is None:
            return
        vals = [x, costs]
        if self.weight > 0:
            from solver.results.risk import var_cvar

            eta = var_cvar(costs, self.p, self.alpha)[0]
            vals += [np.array([eta]), np.maximum(costs - eta, 0.0)]
        col = np.concatenate(vals)
        if self.jensen:  # the mean-value block's columns left to HiGHS (it solves the LP at these values)
            self.h.setSolution(len(col), np.arange(len(col), dtype=np.int32), col)
            return
        sol = highspy.HighsSolution()
        sol.col_value = list(col)
        sol.value_valid = True
        self.h.setSolution(sol)

    def found(self, xk: np.ndarray, cutoff: float | None) -> list[np.ndarray]:
        """The integer solutions the last MILP found on its way to ``xk`` (improving ones, below ``cutoff``),
        each once, not ``xk`` itself."""
        if not self.mip:
            return []
        out: list[np.ndarray] = []
        seen = {tuple(np.round(xk, 9))}
        for sol in self.h.getSavedMipSolutions():
            if cutoff is not None and sol.objective >= cutoff:
                continue
            x = np.round(np.asarray(sol.col_value)[: self.k])
            key = tuple(np.round(x, 9))
            if key not in seen and key not in self.evaluated:
                seen.add(key)
                out.append(x)
        return out

    def add_cuts(self, results: list[tuple[int, bool, float, np.ndarray]], xk: np.ndarray) -> int:
        """The cuts at xk from every scenario's (s, served, value, reduced costs g); returns the rows added.
        Served: theta_s - g x >= value - g xk; unserved (value: the phase-1 violation w): g x <= g xk - w."""
        k, inf = self.k, self.inf
        for s, ok, value, g in results:
            if ok:
                idx = np.append(np.arange(k), k + s).astype(np.int32)
                self.h.addRow(float(value - g @ xk), inf, k + 1, idx, np.append(-g, 1.0))
            else:
                self.h.addRow(-inf, float(g @ xk - value), k, np.arange(k, dtype=np.int32), g)
        return len(results)

    def solve(self, rel_gap: float | None = None, cutoff: float | None = None) -> tuple[bool, np.ndarray, float]:
        """The master's solution and its lower bound; ``rel_gap``: the MILP's relative gap this time (looser
        while the bounds are far apart: its dual bound is a lower bound whatever the gap). ``cutoff``: the MILP
        looks only for solutions below it (the best plan's cost less the gap); when it proves there are none,
        ``cutoff`` itself is the lower bound (returned with ok and x None)."""
        import highspy

        if self.mip and rel_gap is not None:
            self.h.setOptionValue("mip_rel_gap", rel_gap)
        if self.mip:
            self.h.setOptionValue("objective_bound", cutoff if cutoff is not None else self.inf)
        dump = os.environ.get("PLANTSPLIT_DEBUG_MASTER_MPS")
        if dump and self.mip:
            self.h.writeModel(f"{dump}/master{len(self.seconds)}-{self.h.getNumRow()}.mps")
        t0 = time.perf_counter()
        self.h.run()
        self.seconds[self.mip] = self.seconds.get(self.mip, 0.0) + time.perf_counter() - t0
        status = self.h.getModelStatus()
        S = highspy.HighsModelStatus
        if self.mip and cutoff is not None:
            # no master solution below the cutoff: HiGHS says infeasible, reaches the bound, or (with the best plan
            # given as its start) returns that start as optimal, its dual bound left where the search was cut
            none_below = status in (S.kInfeasible, S.kObjectiveBound) or (
                status == S.kOptimal and self.h.getInfo().objective_function_value >= cutoff
            )
            if none_below:
                return True, None, float(cutoff)  # type: ignore[return-value]
        if status != S.kOptimal:
            return False, np.zeros(self.k), float("nan")
        info = self.h.getInfo()
        x = np.asarray(self.h.getSolution().col_value)[: self.k]
        bound = info.mip_dual_bound if self.mip else info.objective_function_value
        if self.mip:
            x = np.round(x)
        return True, x, float(bound)


def _inf(v: float, inf: float) -> float:
    return inf if v == np.inf else -inf if v == -np.inf else float(v)
