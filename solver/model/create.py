"""The production-split model: ``create_model`` calls one function per constraint family, in order."""

from __future__ import annotations

from solver.case.load import Case
from solver.model.closing import define_closed_constraints, define_open_columns
from solver.model.capacity import define_capacity_constraints, define_min_production_constraints
from solver.model.coefficients import Coefficients
from solver.model.cover import define_cover_constraints
from solver.model.demand import define_demand_constraints, define_unmet_variables
from solver.model.expansions import define_build_variables
from solver.model.flows import define_flow_variables
from solver.model.hubs import define_hub_constraints
from solver.model.lanes import define_lane_constraints
from solver.model.linking import define_linking_constraints
from solver.model.groups import define_group_constraints
from solver.model.lp import Builder, LinearProgram
from solver.model.shares import define_share_constraints
from solver.model.tariffs import define_tariff_quota_constraints


def create_model(case: Case, co: Coefficients, relax: bool = False, tighten=False, cover: bool = True) -> LinearProgram:
    """Minimise the present value of production + freight + duty + unmet penalties + expansion charges.
    ``tighten``: add the strong linking rows of linking.py and the cover rows of cover.py (a
    MILP only, not with ``relax``); a mask over the linking rows: only those (tighten.needed_rows).
    ``cover=False``: the linking rows without the cover rows (the stochastic decision's scenario models,
    whose linking coefficients follow each scenario's demand: studies/stochastic/strong.py)."""
    b = Builder()
    flow = b.add_cols(define_flow_variables(co.arcs))
    unmet_cols, soft = define_unmet_variables(case.demand, case.discount_factors())
    unmet = b.add_cols(unmet_cols)
    build = b.add_cols(define_build_variables(co.expansions, relax))
    opened = define_open_columns(case)
    if opened is not None:  # plants with a fixed cost per period (closing.py)
        b.add_cols(opened)
    demand = define_demand_constraints(case.demand, co.arcs, flow, soft, unmet)
    capacity = define_capacity_constraints(co.capacity, co.arcs, flow, build, co.expansions, case.period_order())
    b.add_rows(demand)
    b.add_rows(capacity)
    b.add_rows(define_min_production_constraints(co.capacity, co.arcs, flow, co.expansions, build, case.period_order()))
    closed = define_closed_constraints(case, co.expansions, co.arcs, flow, build, co.legs)
    if closed is not None:  # plants that may close (closing.py)
        b.add_rows(closed)
    b.add_rows(
        define_lane_constraints(co.lane_limits, co.arcs, flow, co.legs, co.expansions, build, case.period_order())
    )
    hubs = define_hub_constraints(co.hubs, co.legs, flow, co.expansions, build, case.period_order())
    if hubs is not None:  # a case with hubs: their throughput (hubs.py)
        b.add_rows(hubs)
    b.add_rows(define_tariff_quota_constraints(co.tiers, co.arcs, flow))
    for rows in define_share_constraints(co.shares, co.arcs, flow):
        b.add_rows(rows)
    groups = define_group_constraints(co.expansions, case.groups, build)
    if groups is not None:  # a case without groups: the model it had before they existed
        b.add_rows(groups)
    if (tighten is not False) and not relax:
        keep = None if tighten is True else tighten
        b.add_rows(
            define_linking_constraints(
                co.capacity, co.arcs, case.demand, flow, build, co.expansions, case.period_order(), keep
            )
        )
        if cover:
            b.add_rows(define_cover_constraints(demand, capacity, b.cols))
    lp = b.finish()
    _set_discounts(lp, case, co)
    return lp


def _set_discounts(lp: LinearProgram, case: Case, co: Coefficients) -> None:
    """d(t) per column and row, from the period each traces to (builds: 1, they are present values)."""
    import numpy as np

    d = case.discount_factors()
    col = np.ones(lp.num_col)
    col[lp.family_cols("flow")] = co.arcs["discount"].to_numpy(float)
    soft = case.demand[case.demand["unmet_penalty"].notna()]
    col[lp.family_cols("unmet")] = soft["period"].map(d).to_numpy(float)
    row = np.ones(lp.num_row)
    for family, rs in lp.row_family.items():
        meta = lp.row_meta.get(family)
        if meta is not None and "period" in meta:
            row[rs] = meta["period"].map(d).to_numpy(float)
    lp.col_discount, lp.row_discount = col, row
