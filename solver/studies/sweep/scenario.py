"""One model, many scenarios: coefficients recomputed with numpy, re-solved warm in HiGHS.

``ScenarioModel`` holds plain numpy arrays (picklable: it is what worker processes and
Dask workers receive). ``start()`` builds the live HiGHS models in the worker. With k
build options and k <= MAX_ENUMERATED, it keeps one live LP per combination of build
decisions (each warm-started scenario after scenario) and takes the cheapest: exact, and
far faster than re-solving the MILP (measured ~13,000 warm LP re-solves/s vs ~375 MILP
solves/s on the Rogue case). Beyond that it re-solves the MILP. Each live LP whose
matrix (builds fixed) splits into independent blocks, e.g. one per period, is one live
model per block (live_blocks.py), solved on ``threads`` threads (default 1: the sweep's
worker processes already use the cores).

Costs per flow arc, as in coefficients.py, with r = fx rate of the arc's period:

    production = local_cost * cost_scale * r(reporting) / r(plant currency)
    freight    = freight_local * freight_scale * r(reporting) / r(lane currency)   (freight.py; with hubs,
                 summed over the legs and hubs of the arc's route)
    duty       = rate * (production + [cif] * freight)
    column cost = d(t) * (production + freight + duty); a build costs F * pv_factor
    (its charges' present value, see coefficients.py)
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from solver.case.load import Case
from solver.case.names import natural_sorted
from solver.case.param_names import RATE_KINDS, TIER_KINDS
from solver.case.params import Param
from solver.model.changes import Change
from solver.model.coefficients import Coefficients
from solver.model.lp import LinearProgram
from solver.model.money import fx_rate
from solver.solve.decompose import MIN_BLOCK
from solver.solve.live_blocks import block_labels, live_lp
from solver.studies.sweep.freight import FreightTerms
from solver.studies.sweep.limits import FLOORS, LIMITS, limit_mask, limits
from solver.studies.sweep.params import Scenarios
from solver.studies.sweep.tiers import check_tier_order


def application_order(params) -> list[int]:
    """The order in which a scenario's parameters are applied: the broadest first, so where two
    cover the same costs or rows the more specific one wins whatever the column order, as the
    most specific input row does (a market before a plant-wide one, then product and period,
    then product, then period, then neither: ``tariff:X:m@2`` over ``tariff:X:m``). A
    ``demand_scale`` multiplies, after every ``demand`` has set its units."""
    return sorted(
        range(len(params)),
        key=lambda i: (
            params[i].kind == "demand_scale",
            bool(params[i].b),
            bool(params[i].product),
            bool(params[i].period),
        ),
    )


MAX_ENUMERATED = 6
TOL = 1e-9
COMPONENTS = ("production", "freight", "duty", "unmet", "expansion")  # as in cost_breakdown.csv


@dataclass
class Result:
    status: str
    objective: float
    units: np.ndarray  # per result column (plant totals, then plant x period)
    built: np.ndarray
    flows: np.ndarray | None  # flow values, when plans are wanted
    unmet: np.ndarray  # unmet units per market (unmet_columns)
    costs: np.ndarray  # cost components, reporting currency (COMPONENTS)


class ScenarioModel:
    def __init__(
        self,
        case: Case,
        co: Coefficients,
        lp: LinearProgram,
        params: tuple[Param, ...],
        threads: int = 1,
        min_block: int = MIN_BLOCK,
        solver: str = "highs",
    ):
        self.threads, self.min_block = threads, min_block
        # another solver than HiGHS solves each scenario cold (other_live.SolverLP): one MILP per
        # scenario rather than one LP per combination of builds, unless ``enumerate`` (breakeven)
        self.solver, self.enumerate = solver, solver == "highs"
        arcs = co.arcs
        # plans.csv: units per plant and market (a case with hubs: summed over the routes between them)
        self.arcs_key = arcs[["period", "product", "plant", "market"]].reset_index(drop=True)
        self.lp = lp
        self.params = params
        self.flow = lp.family_cols("flow")
        self.build = lp.family_cols("build")
        self.unmet = lp.family_cols("unmet")
        n = len(arcs)
        per = arcs["period"]
        self.local_cost = arcs["local_cost"].to_numpy(float)
        self.duty_rate = arcs["duty_rate"].to_numpy(float)
        # the arcs' tiers, for tiers.check_tier_order (only where a parameter sets one tier's rate)
        tier_param = any(p.kind in TIER_KINDS for p in params)
        self.tier_arcs = arcs[["country", "market", "product", "period", "tier"]].iloc[: n if tier_param else 0]
        self.cif = arcs["cif"].to_numpy(bool)
        self.discount = arcs["discount"].to_numpy(float)
        self.r_rep = fx_rate(case, pd.Series([case.currency] * n), per)
        self.r_plant = fx_rate(case, arcs["plant_currency"], per)
        self.freight_terms = FreightTerms.of(case, co)  # lanes, or a route's legs and hubs (freight.py)
        self._options(case, co, lp)

        # masks each parameter touches, computed once
        self.masks = [self._mask(case, co, arcs, p) for p in params]
        self.order = application_order(params)
        dem = lp.row_meta["demand"]
        self.demand_units = dem["units"].to_numpy(float)
        soft = case.demand[case.demand["unmet_penalty"].notna()][["market", "product", "period"]]
        self.unmet_row = soft.merge(
            dem.reset_index()[["index", "market", "product", "period"]], on=["market", "product", "period"], how="left"
        )["index"].to_numpy(np.int64)
        # the limits a scenario may change: capacity rows, then hub throughput rows, then lane limits
        self.cap_upper = np.concatenate([limits(lp, f) for f in LIMITS])
        # result columns: units per plant (all periods), then per plant and period
        plants = natural_sorted(case.plants["plant"])  # as every output lists them (w2 before w10)
        self.result_columns = [f"units:{p}" for p in plants]
        plant_idx = pd.Index(plants).get_indexer(pd.Index(arcs["plant"].astype(object))).astype(np.int64)
        groups = [plant_idx]
        if len(case.periods) > 1:
            period_idx = (
                pd.Index(list(case.periods)).get_indexer(pd.Index(arcs["period"].astype(object))).astype(np.int64)
            )
            self.result_columns += [f"units:{p}@{t}" for p in plants for t in case.periods]
            groups.append(len(plants) + plant_idx * len(case.periods) + period_idx)
        self.groups = groups
        self.n_results = len(self.result_columns)
        # unmet units per market: every market, so a market left unserved shows in the results
        markets = natural_sorted(dem["market"])
        self.unmet_columns = [f"unmet:{m}" for m in markets]
        self.unmet_market = (
            pd.Series(range(len(markets)), index=markets)[dem["market"].to_numpy()[self.unmet_row]].to_numpy(np.int64)
            if len(self.unmet_row)
            else np.zeros(0, np.int64)
        )
        self.currency = case.currency
        self.dem_rows = np.arange(lp.family_rows("demand").start, lp.family_rows("demand").stop, dtype=np.int32)
        self.cap_rows = np.concatenate([np.arange(lp.family_rows(f).start, lp.family_rows(f).stop, dtype=np.int32)
                                        for f in LIMITS])  # fmt: skip
        self.floor = np.concatenate([np.full(len(limits(lp, f)), f in FLOORS) for f in LIMITS]).astype(bool)
        self.unmet_cols = np.arange(self.unmet.start, self.unmet.stop, dtype=np.int32)
        self.live: bool | None = None

    def _options(self, case, co, lp) -> None:
        """The build options' costs (fixed_cost parameters, fx) and the components a result reports."""
        exp = co.expansions
        self.fixed_local = exp["fixed_cost"].to_numpy(float) if len(exp) else np.zeros(0)
        exp_cur = exp["currency"].where(exp["currency"] != "", case.currency) if len(exp) else pd.Series(dtype=object)
        self.fixed_r_rep = (
            fx_rate(case, pd.Series([case.currency] * len(exp)), exp["first_period"]) if len(exp) else np.zeros(0)
        )
        self.fixed_r_cur = fx_rate(case, exp_cur, exp["first_period"]) if len(exp) else np.zeros(0)
        self.options = exp["option"].tolist() if len(exp) else []
        self.pv_factor = exp["pv_factor"].to_numpy(float) if len(exp) else np.zeros(0)
        # closing options are build columns too; their cost and the open plants' (closing.py) is "fixed"
        self.is_build = (exp["kind"] == "build").to_numpy() if "kind" in exp else np.ones(len(exp), bool)
        self.open = lp.family_cols("open")
        fixed = not self.is_build.all() or self.open.stop > self.open.start
        self.components = COMPONENTS + (("fixed",) if fixed else ())

    # -------------------------------------------------------------- parameters
    def _mask(self, case, co, arcs, p: Param):
        n = len(arcs)
        period = (arcs["period"] == p.period).to_numpy() if p.period else np.ones(n, bool)
        product = (arcs["product"] == p.product).to_numpy() if p.product else np.ones(n, bool)
        if p.kind == "fx":
            exp = co.expansions
            exp_cur = (
                exp["currency"].where(exp["currency"] != "", case.currency) if len(exp) else pd.Series(dtype=object)
            )
            exp_period = (
                (exp["first_period"] == p.period).to_numpy() if p.period and len(exp) else np.ones(len(exp), bool)
            )
            return dict(
                plant=(arcs["plant_currency"] == p.a).to_numpy() & period,
                rep=period if p.a == case.currency else np.zeros(n, bool),
                freight=self.freight_terms.mask(p, case.currency),
                exp=(exp_cur == p.a).to_numpy() & exp_period if len(exp) else np.zeros(0, bool),
                exp_rep=exp_period if p.a == case.currency else np.zeros(len(exp), bool),
            )
        if p.kind in RATE_KINDS:  # every tier's rate, or one tier's of a two-tier quota (its first or last)
            m = (arcs["country"] == p.a).to_numpy() & (arcs["market"] == p.b).to_numpy() & product & period
            if p.kind in TIER_KINDS:
                tier, n_tiers = arcs["tier"].to_numpy(np.int64), arcs["n_tiers"].to_numpy(np.int64)
                m = m & (n_tiers > 1) & (tier == (0 if p.kind == "tariff_in_quota" else n_tiers - 1))
            return m
        if p.kind in ("freight", "freight_scale"):
            return self.freight_terms.mask(p, case.currency)
        if p.kind == "cost_scale":
            return (arcs["plant"] == p.a).to_numpy() & product
        if p.kind == "fixed_cost":  # the option, or every start of its window (option@period)
            exp = co.expansions
            return ((exp["option"] == p.a) | (exp["window_of"] == p.a)).to_numpy() if len(exp) else np.zeros(0, bool)
        if p.kind == "handling":
            return self.freight_terms.mask(p, case.currency)
        if p.kind in LIMITS:  # over the limit rows: capacity, hubs, lanes, quotas
            return limit_mask(self.lp, p)
        meta = self.lp.row_meta["demand"]
        m = (meta["market"] == p.a).to_numpy()
        if p.product:
            m = m & (meta["product"] == p.product).to_numpy()
        if p.period:
            m = m & (meta["period"] == p.period).to_numpy()
        return m

    def coefficients(self, values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(column costs, demand units, capacity upper bounds) for one scenario."""
        return self._coefficients(values)[:3]

    def _coefficients(self, values):
        """As ``coefficients``, plus the per-arc production, freight and duty costs."""
        r_rep, r_plant = self.r_rep, self.r_plant
        fixed_rep, fixed_cur, fixed_local = self.fixed_r_rep, self.fixed_r_cur, self.fixed_local
        cost_scale = None
        duty_rate = self.duty_rate
        units, cap = self.demand_units, self.cap_upper
        for i in self.order:
            p, m, v = self.params[i], self.masks[i], values[i]
            k = p.kind
            if k == "fx":
                r_plant = np.where(m["plant"], v, r_plant)
                r_rep = np.where(m["rep"], v, r_rep)
                fixed_cur = np.where(m["exp"], v, fixed_cur)
                fixed_rep = np.where(m["exp_rep"], v, fixed_rep)
            elif k in RATE_KINDS:
                duty_rate = np.where(m, v, duty_rate)
            elif k == "cost_scale":
                cost_scale = np.where(m, v, 1.0 if cost_scale is None else cost_scale)
            elif k == "demand":
                units = np.where(m, v, units)
            elif k == "demand_scale":
                units = np.where(m, units * v, units)
            elif k in LIMITS:
                cap = np.where(m, v, cap)
            elif k == "fixed_cost":
                fixed_local = np.where(m, v, fixed_local)
        production = self.local_cost * r_rep / r_plant
        if cost_scale is not None:
            production = production * cost_scale
        freight = self.freight_terms.freight(self.params, self.masks, values, self.order)
        duty = duty_rate * (production + np.where(self.cif, freight, 0.0))
        cost = self.lp.cost.copy()
        cost[self.flow] = (production + freight + duty) * self.discount
        if len(self.fixed_local):
            cost[self.build] = fixed_local * fixed_rep / fixed_cur * self.pv_factor
        return cost, units, cap, (production * self.discount, freight * self.discount, duty * self.discount)

    # -------------------------------------------------------------- solving
    def start(self):
        """Create the live HiGHS models (in the process that will solve)."""
        lp = self.lp
        ints = np.flatnonzero(lp.integer).astype(np.int32)
        self.combos: list[tuple[Any, np.ndarray | None]] = []  # (live LP or BlockLiveLP, builds or None: the MILP)
        if 0 < len(ints) <= MAX_ENUMERATED and self.enumerate:
            labels = self.solver == "highs" and (block_labels(lp, ints, self.min_block) or False)  # same for all
            for bits in itertools.product((0.0, 1.0), repeat=len(ints)):
                live = live_lp(lp, ints, threads=self.threads, labels=labels, solver=self.solver)
                b = np.array(bits)
                live.fix(b)
                self.combos.append((live, b))
        else:
            self.combos.append(
                (
                    live_lp(
                        lp,
                        integer=True,
                        exact_mip=False,
                        threads=self.threads,
                        min_block=self.min_block,
                        solver=self.solver,
                    ),
                    None,
                )
            )
        self.live = True

    def as_change(self, cost, units, cap) -> Change:
        """One scenario's costs and right-hand sides as a change of the LP."""
        rows = np.concatenate([self.dem_rows, self.cap_rows])
        return Change(
            cost=cost,
            col_index=self.unmet_cols,
            col_lower=np.zeros(len(self.unmet_cols)),
            col_upper=units[self.unmet_row],
            row_index=rows,
            row_lower=np.concatenate([units, np.where(self.floor, cap, -np.inf)]),
            row_upper=np.concatenate([units, np.where(self.floor, np.inf, cap)]),
        )

    def change(self, values) -> Change:
        return self.as_change(*self.coefficients(values))

    def solve(self, values, want_flows: bool = False) -> Result:
        if self.live is None:
            self.start()
        *coefs, parts = self._coefficients(values)
        change = self.as_change(*coefs)
        best = None
        for live, _ in self.combos:
            live.apply(change)
            ok, obj = live.run()
            if not ok:
                continue
            if best is None or obj < best[0] - TOL:
                best = (obj, live.x())
        if best is None:
            nan = np.full
            return Result(
                "infeasible",
                float("nan"),
                nan(self.n_results, np.nan),
                nan(len(self.options), np.nan),
                None,
                nan(len(self.unmet_columns), np.nan),
                nan(len(self.components), np.nan),
            )
        obj, x = best
        flows = x[self.flow]
        units_out = np.zeros(self.n_results)
        for g in self.groups:
            units_out += np.bincount(g, weights=flows, minlength=self.n_results)
        built = np.round(x[self.build], 6)
        unmet_x = x[self.unmet]
        unmet = np.bincount(self.unmet_market, weights=unmet_x, minlength=len(self.unmet_columns)).astype(float)
        cost = coefs[0]
        costs = np.array(
            [
                parts[0] @ flows,
                parts[1] @ flows,
                parts[2] @ flows,
                cost[self.unmet] @ unmet_x,
                cost[self.build][self.is_build] @ x[self.build][self.is_build],
            ]
            # plants' fixed costs and closings (closing.py), where the case has them
            + ([cost[self.build][~self.is_build] @ x[self.build][~self.is_build] + cost[self.open] @ x[self.open]]
               if len(self.components) > len(COMPONENTS) else [])
        )  # fmt: skip
        return Result("optimal", obj, units_out, built, flows.copy() if want_flows else None, unmet, costs)


def build_scenario_model(
    case: Case,
    scenarios: Scenarios,
    threads: int = 1,
    min_block: int | None = None,
    decompose: bool = True,
    solver: str = "highs",
    check_tiers: bool = True,
) -> ScenarioModel:
    """``check_tiers``: refuse a scenario whose quota tier rates fall (tiers.py; breakeven checks its range
    itself). ``threads``, ``min_block``: how LPs that split into blocks are solved (live_blocks.py);
    ``decompose=False``: one live model of the whole LP, never blocks; ``solver``: a PuLP solver
    other than HiGHS solves each scenario cold (other_live.py)."""
    from solver.model import coefficients
    from solver.model.create import create_model
    from solver.solve import memory

    memory.check_case(case)
    co = coefficients.build(case)
    lp = create_model(case, co)
    if not decompose:
        min_block = sys.maxsize  # no block is that large: one model of the whole LP
    sm = ScenarioModel(case, co, lp, scenarios.params, threads, MIN_BLOCK if min_block is None else min_block, solver)
    if check_tiers:
        check_tier_order(sm, [f"scenario {n}" for n in scenarios.names], scenarios.values)
    return sm
