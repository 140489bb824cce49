"""What a worker does with a two-stage problem: scenario after scenario on live HiGHS LPs.

Three tasks, each over a chunk of scenario indices, each warm-starting one live model
from the previous scenario's basis (as sweeps do):

- ``fixed_chunk``: costs f_s(x) with the first stage held at x; with ``cuts`` also the
  reduced costs of the fixed columns (a Benders optimality cut), or, where s is
  infeasible at x, the phase-1 value and its reduced costs (a feasibility cut).
- ``free_chunk``: min_x f_s(x) (wait-and-see: the cheapest of the enumerated combinations,
  or one MILP per scenario).
- ``enum_chunk``: f_s(x) for every x of a list of first-stage combinations (one live
  LP per combination).

Where the second stage (first stage fixed) splits into independent blocks, e.g. by
period, a live LP is one live model per block (live_blocks.py; ``problem.threads``
threads, default 1 inside worker processes); the phase-1 model stays whole.
"""

from __future__ import annotations

import numpy as np

from solver.solve.live import LiveLP
from solver.solve.live_blocks import BlockLiveLP, block_labels, live_lp
from solver.studies.stochastic.problem import TwoStageProblem
from solver.studies.sweep.worker import _model


class Worker:
    def __init__(self, problem: TwoStageProblem, combos: np.ndarray | None = None):
        self.problem = problem
        self.combos = combos
        self.fixed: LiveLP | BlockLiveLP | None = None
        self.free: LiveLP | BlockLiveLP | None = None
        self.elastic: LiveLP | None = None
        self.per_combo: list[LiveLP | BlockLiveLP] | None = None
        self._labels: np.ndarray | bool | None = None  # False: the LP does not split; None: not known yet

    def start(self) -> None:
        self.problem.start()

    # live models are made on first use, in the worker
    def _live(self, first: bool = True, integer: bool = False):
        """A live model of the problem's LP (first stage fixed), in blocks where it splits."""
        p = self.problem
        if not first:
            return live_lp(p.lp, integer=integer, threads=p.threads, min_block=p.min_block, solver=p.solver)
        if self._labels is None:  # the same blocks for every model with the first stage fixed
            self._labels = p.solver == "highs" and (block_labels(p.lp, p.first, p.min_block) or False)
        return live_lp(p.lp, p.first, threads=p.threads, labels=self._labels, solver=p.solver, fold=True)

    def _fixed(self):
        if self.fixed is None:
            self.fixed = self._live()
        return self.fixed

    def _elastic(self) -> LiveLP:
        if self.elastic is None:
            self.elastic = LiveLP(self.problem.lp, self.problem.first, elastic=True)
        return self.elastic

    def _free(self):
        if self.free is None:
            self.free = self._live(first=False, integer=self.problem.integer_first)
        return self.free

    def fixed_costs(self, x: np.ndarray, chunk: list[int], cuts: bool) -> list:
        live, first = self._fixed(), self.problem.first
        live.fix(x)
        out = []
        for s in chunk:
            live.apply(self.problem.change(s))
            ok, obj = live.run()
            if ok:
                out.append((s, True, obj, live.reduced_costs(first) if cuts else None))
                continue
            if not cuts:
                out.append((s, False, float("inf"), None))
                continue
            el = self._elastic()
            el.fix(x)
            el.apply(self.problem.change(s))
            ok_el, w = el.run()
            if not ok_el:
                raise RuntimeError(f"phase-1 model of scenario {self.problem.names[s]} did not solve")
            out.append((s, False, w, el.reduced_costs(first)))
        return out

    def free_costs(self, chunk: list[int]) -> list:
        """(s, min_x f_s(x)): the cheapest combination when they are enumerable, else a MILP."""
        if self.combos is not None:
            return [(s, float(row.min())) for s, row in self.enum_costs(chunk)]
        live = self._free()
        out = []
        for s in chunk:
            live.apply(self.problem.change(s))
            ok, obj = live.run()
            out.append((s, obj if ok else float("inf")))
        return out

    def enum_costs(self, chunk: list[int]) -> list:
        assert self.combos is not None  # enumerated only where the combinations are given
        if self.per_combo is None:
            self.per_combo = []
            for x in self.combos:
                live = self._live()
                live.fix(x)
                self.per_combo.append(live)
        out = []
        for s in chunk:
            ch = self.problem.change(s)
            row = np.empty(len(self.per_combo))
            for j, live in enumerate(self.per_combo):
                live.apply(ch)
                ok, obj = live.run()
                row[j] = obj if ok else np.inf
            out.append((s, row))
        return out


def fixed_chunk(key, payload, chunk, x, cuts):
    worker: Worker = _model(key, payload)
    return worker.fixed_costs(x, chunk, cuts)


def free_chunk(key, payload, chunk):
    worker: Worker = _model(key, payload)
    return worker.free_costs(chunk)


def enum_chunk(key, payload, chunk):
    worker: Worker = _model(key, payload)
    return worker.enum_costs(chunk)
