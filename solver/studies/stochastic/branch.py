"""The integer phase as one search tree over the master's LP relaxation (branch-and-Benders-cut).

Instead of solving the master MILP again after every round of cuts (each MILP started from scratch, and
slower as the cuts pile up), one branch-and-bound tree runs over the master's LP relaxation, and the cuts
go into that one LP as the search finds plans (the lazy constraints of a branch-and-cut; Bodur, Dash,
Günlük & Luedtke 2017 run their strengthened method this way, with a MILP solver's callbacks, which HiGHS
does not offer from Python). A node is the master LP with bounds on the first-stage columns:

- its LP solved (warm, dual simplex from the last node's basis); a node whose LP bound is at or above the
  best plan's cost less the gap is pruned (nothing below it can beat the best plan by more than the gap);
- an integer solution x not evaluated yet: x is evaluated on every scenario (a candidate plan, and a cut on
  every theta_s, or feasibility cuts) and the node solved again; once evaluated, the LP's thetas at x are
  tight, so its value is x's true cost and the node is done (pruned or a new best);
- a fractional solution: branch on the most fractional integer column, diving first into the child its
  value rounds to (plans early), the other child kept by its bound (best first when a dive ends).

Every cut is valid for every x (benders.py), so a node's bound is a lower bound over its region, and the
least bound of the open nodes is a lower bound of the problem: the search stops when it is within the gap
of the best plan, or when no node is left (proven optimal).
"""

from __future__ import annotations

import heapq
import itertools
import os
import sys

import numpy as np

INT_TOL = 1e-6  # a column this close to an integer is that integer
MAX_RESOLVES = 50  # LP solves of one node as cuts come in (a guard: one evaluation makes x's thetas tight)


def branch_and_cut(run, max_evaluations: int) -> bool:
    """The integer phase of ``run`` (benders._Run) by one search tree; True when the tree closed (the bounds
    within the gap, or every node explored) within ``max_evaluations`` plans evaluated."""
    m = run.master
    m.integer(False)
    lo0, up0 = m.bounds()
    ints = m.ints
    evaluated: set[tuple] = set()
    order = itertools.count()
    heap: list[tuple[float, int, np.ndarray, np.ndarray]] = []
    node: tuple[np.ndarray, np.ndarray] | None = (lo0.copy(), up0.copy())
    bound_of_node, pruned_least, nodes = run.lower, np.inf, 0
    while node is not None or heap:
        if node is None:
            bound_of_node, _, lo, up = heapq.heappop(heap)
            node = (lo, up)
        run.lower = max(run.lower, min([bound_of_node, pruned_least, run.best_ub] + ([heap[0][0]] if heap else [])))
        if run.closed():
            return True
        if len(evaluated) >= max_evaluations:
            return False
        lo, up = node
        node = None
        if bound_of_node >= _cutoff(run):  # a bound from before the best plan improved
            pruned_least = min(pruned_least, bound_of_node)
            continue
        nodes += 1
        z, x = _solve_node(run, lo, up, ints, evaluated)
        if x is None:  # pruned: infeasible (z inf), or no better than the best plan less the gap
            pruned_least = min(pruned_least, z)
            continue
        frac = np.abs(x[ints] - np.round(x[ints]))
        j = int(ints[int(np.argmax(frac))])
        v = x[j]
        down = (lo, np.where(np.arange(len(up)) == j, np.floor(v), up))
        upper = (np.where(np.arange(len(lo)) == j, np.ceil(v), lo), up)
        first, second = (upper, down) if v - np.floor(v) >= 0.5 else (down, upper)
        heapq.heappush(heap, (z, next(order), second[0], second[1]))
        node, bound_of_node = first, z
    # every node explored: each was pruned at a bound of at least pruned_least (or held the best plan)
    run.lower = max(run.lower, min(pruned_least, run.best_ub))
    if os.environ.get("PLANTSPLIT_DEBUG_BENDERS"):
        print(f"  branch and cut: {nodes} nodes, {len(evaluated)} plans evaluated", file=sys.stderr)
    return run.best_x is not None


def _solve_node(run, lo: np.ndarray, up: np.ndarray, ints: np.ndarray, evaluated: set) -> tuple:
    """The node's LP with its bounds, cut until its integer solution (if any) is evaluated: (bound, x) of a
    fractional solution to branch on, or (bound, None) when the node is done (inf: infeasible)."""
    import highspy

    m = run.master
    k = len(lo)
    m.h.changeColsBounds(k, np.arange(k, dtype=np.int32), lo, np.where(np.isinf(up), m.inf, up))
    for _ in range(MAX_RESOLVES):
        ok, x, z = m.solve()
        if not ok:  # infeasible: nothing in the node; another failure: a bound of nothing (-inf), not proven
            infeasible = m.h.getModelStatus() == highspy.HighsModelStatus.kInfeasible
            return (np.inf if infeasible else -np.inf), None
        if z >= _cutoff(run):
            return z, None
        frac = np.abs(x[ints] - np.round(x[ints]))
        if len(ints) and frac.max() > INT_TOL:
            return z, x
        xi = x.copy()
        xi[ints] = np.round(x[ints])
        key = tuple(np.round(xi, 9))
        if key in evaluated:
            return z, None  # its thetas are tight at x: z is x's cost, which the best plan already counts
        evaluated.add(key)
        run.iterations += 1
        run.evaluate(xi)
    return z, None


def _cutoff(run) -> float:
    """A node whose bound reaches this cannot hold a plan better than the best by more than the gap."""
    if run.best_x is None:
        return np.inf
    return run.best_ub - run.gap * max(1.0, abs(run.best_ub))
