"""The production-split model: ``create_model`` calls one function per family, in order."""
from __future__ import annotations

from ..case import Case
from ..coefficients import Coefficients
from .capacity import define_capacity_constraints, define_min_production_constraints
from .demand import define_demand_constraints, define_unmet_variables
from .expansions import define_build_variables
from .flows import define_flow_variables
from .lanes import define_lane_constraints
from .lp import Builder, LinearProgram, to_pulp
from .tariffs import define_tariff_quota_constraints


def create_model(case: Case, co: Coefficients, relax: bool = False) -> LinearProgram:
    """Minimise production + freight + duty + unmet penalties + expansion costs."""
    b = Builder()
    flow = b.add_cols(define_flow_variables(co.arcs))
    unmet_cols, soft = define_unmet_variables(case.demand)
    unmet = b.add_cols(unmet_cols)
    build = b.add_cols(define_build_variables(co.expansions, relax))
    b.add_rows(define_demand_constraints(case.demand, co.arcs, flow, soft, unmet))
    b.add_rows(define_capacity_constraints(co.capacity, co.arcs, flow, build, co.expansions, case.period_order()))
    b.add_rows(define_min_production_constraints(co.capacity, co.arcs, flow))
    b.add_rows(define_lane_constraints(co.lane_limits, co.arcs, flow))
    b.add_rows(define_tariff_quota_constraints(co.tiers, co.arcs, flow))
    return b.finish()


__all__ = ["create_model", "LinearProgram", "to_pulp"]
