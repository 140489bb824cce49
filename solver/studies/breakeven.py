"""Exact breakeven: every value of one parameter in [A, B] at which the optimal plan changes.

The parameter moves either costs (COST_KINDS: fx, tariff, freight, freight_scale, cost_scale, fixed_cost,
handling, tariff_in_quota, tariff_over_quota) or right-hand sides (RHS_KINDS: demand, demand_scale, capacity,
hub, lane, tariff_quota, min_production). In a
variable t where those move affinely, the optimal cost z(t) of an LP is piecewise linear: concave in t for costs,
convex for right-hand sides. An exchange rate r enters every converted cost as 1/r
(or as r for the reporting currency), so for fx the search runs in t = 1/r, where costs
are affine, and maps the breakpoints back exactly.

For each combination of build decisions (one live LP each, as in sweeps) the breakpoints
are found by tangent intersection (Eisner & Severance): solve at both ends, take the
tangents (slope = dc/dt . x for costs, duals . db/dt for right-hand sides), solve where
they cross; if z there equals the tangents, that is a breakpoint, otherwise split and
recurse. This is exact (two solves at the ends, about two per breakpoint), not a sampled grid.
The optimal plan of the case is the lower envelope of those piecewise-linear functions;
the points where the cheapest combination changes are where a build decision flips,
computed exactly from the crossing of two linear pieces. Where a right-hand side makes a
combination infeasible, the edge of its feasible range is found by bisection to
1e-9 of the range (the one place with a tolerance).
"""

from __future__ import annotations

import itertools

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from solver.case.load import Case
from solver.case.params import Param, parse_name
from solver.errors import UsageError
from solver.studies.sweep.params import Scenarios
from solver.studies.sweep.scenario import MAX_ENUMERATED, build_scenario_model
from solver.studies.sweep.tiers import check_tier_order

REL = 1e-9
RHS_KINDS = ("demand", "demand_scale", "capacity", "hub", "lane", "tariff_quota", "min_production")
COST_KINDS = (
    "fx",
    "tariff",
    "freight",
    "freight_scale",
    "cost_scale",
    "fixed_cost",
    "handling",
    "tariff_in_quota",
    "tariff_over_quota",
)


@dataclass
class Piece:
    t0: float
    t1: float
    a: float  # z = a + b * t
    b: float
    combo: int


class Search:
    def __init__(
        self, case: Case, param: Param, lo: float, hi: float, min_block: int | None = None, solver: str = "highs"
    ):
        self.param = param
        scenarios = Scenarios((param,), ("x",), ((lo,),), (("",),))
        self.sm = build_scenario_model(case, scenarios, min_block=min_block, solver=solver, check_tiers=False)
        self.sm.enumerate = True  # one LP per combination of builds, whatever the solver
        check_tier_order(self.sm, [f"{param.name} --from {lo:g}", f"{param.name} --to {hi:g}"], ((lo,), (hi,)))
        self.sm.start()
        if self.sm.combos[0][1] is None and self.sm.lp.is_mip and param.kind in RHS_KINDS:
            raise UsageError(
                f"breakeven on {param.name} needs at most {MAX_ENUMERATED} expansion options "
                f"(the case has {len(self.sm.options)}): beyond that the cost is not piecewise "
                "linear in a demand or capacity, so no exact search exists; use a sweep"
            )
        self.inverse = param.kind == "fx" and param.a != case.currency
        self.rhs = param.kind in RHS_KINDS
        self.t_lo, self.t_hi = sorted((self.to_t(lo), self.to_t(hi)))
        self.solves = 0

    def to_t(self, v: float) -> float:
        return 1.0 / v if self.inverse else v

    def to_value(self, t: float) -> float:
        return 1.0 / t if self.inverse else t

    def evaluate(self, k: int, t: float):
        """(z, slope dz/dt, x) of combination k at t, or None if infeasible."""
        live = self.sm.combos[k][0]
        cost, units, cap = self.sm.coefficients((self.to_value(t),))
        live.apply(self.sm.as_change(cost, units, cap))
        ok, z = live.run()
        self.solves += 1
        if not ok:
            return None
        x = live.x()
        # derivatives: everything is affine in t, so a unit step gives them exactly
        c1, u1, k1 = self.sm.coefficients((self.to_value(t + 1.0),))
        if not self.rhs:
            slope = float((c1 - cost) @ x)
        else:
            y, dj = live.duals()
            slope = float(y[self.sm.dem_rows] @ (u1 - units))
            if len(self.sm.cap_rows):
                slope += float(y[self.sm.cap_rows] @ (k1 - cap))
            if len(self.sm.unmet_cols):
                du = (u1 - units)[self.sm.unmet_row]
                cols = self.sm.unmet_cols
                at_upper = x[cols] >= units[self.sm.unmet_row] - 1e-9
                slope += float((dj[cols] * du * at_upper).sum())
        return z, slope, x

    # -------------------------------------------------------------- one combination
    def pieces(self, k: int) -> list[Piece]:
        lo, hi, a, b = self.feasible_range(k)
        if lo is None:
            return []
        out: list[Piece] = []
        self._split(k, lo, a, hi, b, out)
        out.sort(key=lambda p: p.t0)
        return out

    def _split(self, k, t0, e0, t1, e1, out, depth=0):
        z0, s0, _ = e0
        z1, s1, _ = e1
        scale = max(1.0, abs(z0), abs(z1))
        if abs(s0 - s1) <= REL * max(1.0, abs(s0), abs(s1)) or t1 - t0 <= REL * max(1.0, abs(t1)) or depth > 60:
            out.append(Piece(t0, t1, z0 - s0 * t0, s0, k))
            return
        tc = (z1 - z0 + s0 * t0 - s1 * t1) / (s0 - s1)
        tc = min(max(tc, t0), t1)
        ec = self.evaluate(k, tc)
        line = z0 + s0 * (tc - t0)
        if ec is not None and abs(ec[0] - line) <= REL * scale:
            if tc > t0:
                out.append(Piece(t0, tc, z0 - s0 * t0, s0, k))
            if t1 > tc:
                out.append(Piece(tc, t1, z1 - s1 * t1, s1, k))
            return
        self._split(k, t0, e0, tc, ec, out, depth + 1)
        self._split(k, tc, ec, t1, e1, out, depth + 1)

    def feasible_range(self, k: int):
        """(lo, hi, evaluation at lo, evaluation at hi) of combination k's feasible stretch."""
        lo, hi = self.t_lo, self.t_hi
        e_lo, e_hi = self.evaluate(k, lo), self.evaluate(k, hi)
        ok_lo, ok_hi = e_lo is not None, e_hi is not None
        if ok_lo and ok_hi:
            return lo, hi, e_lo, e_hi
        if not self.rhs:
            return None, None, None, None  # costs do not change feasibility
        grid = np.linspace(lo, hi, 65)
        feasible = [t for t in grid if self.evaluate(k, t) is not None]
        if not feasible:
            return None, None, None, None
        f_lo, f_hi = feasible[0], feasible[-1]
        tol = 1e-9 * (hi - lo)
        if not ok_lo:
            bad = grid[max(0, list(grid).index(f_lo) - 1)]
            f_lo = self._edge(k, bad, f_lo, tol)
        if not ok_hi:
            bad = grid[min(len(grid) - 1, list(grid).index(f_hi) + 1)]
            f_hi = self._edge(k, f_hi, bad, tol, feasible_left=True)
        return f_lo, f_hi, self.evaluate(k, f_lo), self.evaluate(k, f_hi)

    def _edge(self, k, a, b, tol, feasible_left=False):
        """Bisect between an infeasible and a feasible point; returns the feasible end."""
        while b - a > tol:
            m = (a + b) / 2
            if (self.evaluate(k, m) is not None) == feasible_left:
                a = m
            else:
                b = m
        return a if feasible_left else b


def envelope(pieces: list[Piece]) -> list[Piece]:
    """Lower envelope of linear pieces, with exact crossing points."""
    cuts = sorted({p.t0 for p in pieces} | {p.t1 for p in pieces})
    out: list[Piece] = []
    for t0, t1 in itertools.pairwise(cuts):
        if t1 <= t0:
            continue
        live = [p for p in pieces if p.t0 <= t0 + 1e-15 and p.t1 >= t1 - 1e-15]
        if not live:
            continue
        t = t0
        while t < t1:
            val = lambda p, at: p.a + p.b * at  # noqa: E731
            # Ties within rounding (relative, as z may be 1e10): the piece that falls fastest
            # (smallest slope) is the one below just after t.
            low = min(val(p, t) for p in live)
            tied = [p for p in live if val(p, t) <= low + REL * max(1.0, abs(low))]
            best = min(tied, key=lambda p: (p.b, p.combo))
            nxt = t1
            for p in live:
                if p.b < best.b - 1e-12:
                    x = (p.a - best.a) / (best.b - p.b)
                    if t + 1e-12 * max(1.0, abs(t)) < x < nxt:
                        nxt = x
            out.append(Piece(t, nxt, best.a, best.b, best.combo))
            t = nxt
    merged: list[Piece] = []
    for p in out:
        q = merged[-1] if merged else None
        if (
            q
            and q.combo == p.combo
            and abs(q.b - p.b) <= REL * max(1.0, abs(p.b))
            and abs(q.a - p.a) <= REL * max(1.0, abs(p.a))
            and abs(q.t1 - p.t0) < 1e-12 * max(1.0, abs(p.t0))
        ):
            q.t1 = p.t1
        else:
            merged.append(Piece(p.t0, p.t1, p.a, p.b, p.combo))
    return merged


def breakeven(
    case: Case, name: str, lo: float, hi: float, min_block: int | None = None, solver: str = "highs"
) -> tuple[pd.DataFrame, int]:
    param = parse_name(name, case)
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        raise UsageError(f"--from {lo:g} --to {hi:g}: --to must be greater than --from")
    for v in (lo, hi):
        why = param.check_value(v)
        if why:
            raise UsageError(f"{name} = {v:g}: {why}")
    if solver != "highs":
        from solver.solve.backends import in_process

        if not in_process(solver):
            raise UsageError(
                f"breakeven --solver {solver}: the search compares costs to 9 digits, and {solver} is run as a "
                "program whose answers come back through a text file, rounded, which makes breakpoints that are "
                "not there; use highs (the default) or a solver PuLP calls in-process (gurobi, cplex_py, "
                "xpress_py, copt)"
            )
    s = Search(case, param, lo, hi, min_block, solver)
    pieces = [p for k in range(len(s.sm.combos)) for p in s.pieces(k)]
    env = envelope(pieces)
    rows = []
    # stretches of [A, B] where no combination is feasible (right-hand-side parameters)
    edges = [s.t_lo] + [x for p in env for x in (p.t0, p.t1)] + [s.t_hi]
    for g0, g1 in zip(edges[0::2], edges[1::2], strict=False):
        if g1 - g0 > 1e-9 * max(1.0, s.t_hi - s.t_lo):
            v0, v1 = sorted((s.to_value(g0), s.to_value(g1)))
            rows.append(
                {
                    "parameter": name,
                    "value_from": v0,
                    "value_to": v1,
                    "status": "infeasible",
                    "objective_from": np.nan,
                    "objective_to": np.nan,
                }
            )
    for p in env:
        mid = (p.t0 + p.t1) / 2
        ev = s.evaluate(p.combo, mid)
        x = ev[2]
        flows = x[s.sm.flow]
        units = np.zeros(s.sm.n_results)
        for g in s.sm.groups:
            units += np.bincount(g, weights=flows, minlength=s.sm.n_results)
        built = np.round(x[s.sm.build], 6) if s.sm.options else None
        v0, v1 = s.to_value(p.t0), s.to_value(p.t1)
        z0, z1 = p.a + p.b * p.t0, p.a + p.b * p.t1
        if v0 > v1:
            v0, v1, z0, z1 = v1, v0, z1, z0
        row = {
            "parameter": name,
            "value_from": v0,
            "value_to": v1,
            "status": "optimal",
            "objective_from": z0,
            "objective_to": z1,
        }
        row.update({c: u for c, u in zip(s.sm.result_columns, units, strict=True)})
        if built is not None:
            row.update({f"built:{o}": b for o, b in zip(s.sm.options, built, strict=True)})
        rows.append(row)
    df = pd.DataFrame(rows).sort_values("value_from", kind="stable").reset_index(drop=True)
    df.insert(0, "interval", np.arange(1, len(df) + 1))
    return df, s.solves
