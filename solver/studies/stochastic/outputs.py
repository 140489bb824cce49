"""The stochastic decision as files and plain words.

summary.json (exactly the keys of SUMMARY_KEYS), decision.csv, scenario_costs.csv and,
when build combinations were enumerated, decisions.csv. Money columns carry the
currency in their names (``expected_cost_USD``). A cost that is infinite (a decision
that leaves some scenario infeasible) is written as a blank cell, and null in JSON.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from solver.errors import plural
from solver.io.output import with_currency
from solver.results.risk import var_cvar
from solver.studies.stochastic.case_problem import CaseProblem
from solver.studies.stochastic.decide import Decision

MONEY = (
    "cost_recommended",
    "cost_mean_value_decision",
    "cost_perfect_information",
    "regret",
    "expected_cost",
    "cvar",
    "mean_cost",
    "ci95_low",
    "ci95_high",
)
SUMMARY_KEYS = (
    "kind",
    "case",
    "currency",
    "discount_rate",
    "objective",
    "expected_cost",
    "cvar",
    "cvar_alpha",
    "risk_weight",
    "mean_value_cost",
    "expected_cost_of_mean_value_decision",
    "wait_and_see_cost",
    "vss",
    "evpi",
    "method",
    "scenarios",
    "seconds",
    "lower_bound",
    "upper_bound",
    "iterations",
    "cuts",
)


def _money(v: float) -> float | None:
    return round(float(v), 2) if v is not None and math.isfinite(v) else None


def summary(d: Decision, problem: CaseProblem, weight: float, alpha: float) -> dict:
    return {
        "kind": "stochastic",  # what wrote the folder (plantsplit compare reads it)
        "case": problem.case.name,
        "inputs_digest": problem.case.digest,
        "currency": problem.case.currency,
        "discount_rate": problem.case.discount_rate,
        "objective": _money(d.objective),
        "expected_cost": _money(d.expected_cost),
        "cvar": _money(d.cvar),
        "cvar_alpha": alpha,
        "risk_weight": weight,
        "mean_value_cost": _money(d.ev),
        "expected_cost_of_mean_value_decision": _money(d.eev),
        "wait_and_see_cost": _money(d.ws) if d.wait_and_see else None,
        "vss": _money(d.vss),
        "evpi": _money(d.evpi) if d.wait_and_see else None,
        "method": d.method,
        "solver": problem.solver,
        "scenarios": problem.n,
        "seconds": round(d.seconds, 3),
        "wait_and_see_seconds": round(d.ws_seconds, 3),
        "lower_bound": _money(d.lower),
        "upper_bound": _money(d.upper),
        "iterations": d.iterations,
        "cuts": d.cuts,
    }


def decision_table(d: Decision, problem: CaseProblem) -> pd.DataFrame:
    exp = problem.sm.options
    co = problem.expansions
    plants = list(co["plant"]) if co is not None else []
    products = list(co["product"]) if co is not None else []
    # 1 built, 0 not, as decision.csv writes them; built_mean_value is <NA> (a blank cell)
    # when the mean-value problem has no plan
    ev = (
        pd.array(np.round(d.x_ev).astype(np.int64), dtype="Int64")
        if d.x_ev is not None
        else pd.array([pd.NA] * len(exp), dtype="Int64")
    )
    return pd.DataFrame(
        {
            "option": exp,
            "plant": plants,
            "product": products,
            "built": np.round(d.x).astype(np.int64),
            "built_mean_value": ev,
        },
        columns=["option", "plant", "product", "built", "built_mean_value"],
    )


def _blank_inf(a: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(a), a, np.nan)


def scenario_costs(d: Decision, problem: CaseProblem, currency: str) -> pd.DataFrame:
    sc = problem.scenarios
    data = {"scenario": list(sc.names), "probability": problem.probability}
    for k, p in enumerate(sc.params):
        data[p.name] = np.array([v[k] for v in sc.values], dtype=float)  # numbers: 2.5% is 0.025
    data["cost_recommended"] = _blank_inf(d.costs)
    data["cost_mean_value_decision"] = _blank_inf(d.costs_ev)
    data["cost_perfect_information"] = d.ws_costs
    data["regret"] = _blank_inf(d.costs - d.ws_costs)
    return with_currency(pd.DataFrame(data, columns=list(data)), currency, also=MONEY)


def decisions_table(d: Decision, problem: CaseProblem, weight: float, alpha: float, currency: str) -> pd.DataFrame:
    m, p = d.matrix, problem.probability
    assert m is not None and d.combos is not None  # a decision by enumeration (the caller checks)
    best = m.min(axis=1, keepdims=True)
    is_best = m <= best + 1e-9 * np.maximum(1.0, np.abs(best))
    rows = []
    for j, combo in enumerate(d.combos):
        col = m[:, j]
        bad = np.flatnonzero(~np.isfinite(col))
        e = float(p @ col) if not len(bad) else np.nan
        cvar = var_cvar(col, p, alpha)[1] if not len(bad) else np.nan
        why = ""
        if len(bad):
            names = ", ".join(problem.names[s] for s in bad[:3])
            more = ", ..." if len(bad) > 3 else ""
            why = f"infeasible in {len(bad)} scenario{'s' if len(bad) != 1 else ''} ({names}{more})"
        label = (
            "; ".join(
                f"{o}={'built' if v > 0.5 else 'not built'}" for o, v in zip(problem.sm.options, combo, strict=True)
            )
            or "(no options)"
        )
        rows.append(
            {
                "decision": label,
                **{f"built:{o}": v for o, v in zip(problem.sm.options, combo, strict=True)},
                "eligible": "no" if len(bad) else "yes",
                "expected_cost": e,
                "cvar": cvar,
                "objective": e + weight * cvar if not len(bad) else np.nan,
                "best_share": float(p[is_best[:, j]].sum()),
                "why_not_eligible": why,
            }
        )
    return with_currency(pd.DataFrame(rows, columns=list(rows[0])), currency, also=MONEY)


def words(d: Decision, problem: CaseProblem, weight: float, alpha: float, currency: str) -> list[str]:
    def m(v, ws: bool = False):
        if ws and not d.wait_and_see:
            return "not computed (--no-wait-and-see)"
        return f"{v:,.0f} {currency}" if v is not None and math.isfinite(v) else "not finite (some scenario infeasible)"

    opts = problem.sm.options
    built = [o for o, v in zip(opts, d.x, strict=True) if v > 0.5]
    not_built = [o for o, v in zip(opts, d.x, strict=True) if v <= 0.5]
    lines = [f"{problem.case.name}: {plural(problem.n, 'scenario')}, method {d.method} ({d.why}), {d.seconds:.2f} s"]
    if opts:
        lines.append(
            "Recommendation: " + "; ".join([f"build {o}" for o in built] + [f"do not build {o}" for o in not_built])
            if len(opts) <= 6
            else f"Recommendation: build {', '.join(built) or 'none'} ({len(built)} of {len(opts)} options; "
            "the others not: decision.csv lists each)"
        )
        ev_built = [o for o, v in zip(opts, d.x_ev if d.x_ev is not None else [], strict=False) if v > 0.5]
        same = d.x_ev is not None and np.allclose(d.x, d.x_ev)
        lines.append(
            "The mean-value plan "
            + (
                "makes the same build decision."
                if same
                else f"would build: {', '.join(ev_built) or 'nothing'} (a different decision)."
            )
        )
    else:
        lines.append("The case has no build options: nothing to decide before the scenarios are known.")
    risk = f" + {weight:g} x CVaR" if weight else ""
    lines += [
        f"Objective (E{risk}): {m(d.objective)}",
        f"Expected cost of the recommendation (RP): {m(d.expected_cost)}",
        f"CVaR {alpha:g} (mean cost of the worst {1 - alpha:.0%} of probability): {m(d.cvar)}",
        f"Mean-value problem (EV): {m(d.ev)}; its decision costs on average (EEV) {m(d.eev)}",
        f"Wait-and-see (WS, perfect information): {m(d.ws, ws=True)}"
        + (f" ({plural(problem.n, 'MILP')}, one per scenario, {d.ws_seconds:,.1f} s)" if d.ws_seconds else ""),
        *(
            [
                f"Value of the stochastic solution (VSS = EEV - RP): {m(d.vss)}",
                f"Expected value of perfect information (EVPI = RP - WS): {m(d.evpi, ws=True)}",
            ]
            if not d.weight
            else [
                f"Value of the stochastic solution on the objective minimised, E + {d.weight:g} x CVaR "
                f"(VSS = objective of the mean-value decision - objective of the recommended one): {m(d.vss)}",
                f"Expected value of perfect information on that objective (EVPI = objective of the recommended "
                f"decision - objective of the wait-and-see costs): {m(d.evpi, ws=True)}",
            ]
        ),
    ]
    if d.method == "benders":
        lines.append(
            f"Bounds: lower {d.lower:,.2f}, upper {d.upper:,.2f} after {d.iterations} iterations "
            f"({d.lp_iterations} of them on the LP relaxation) and {d.cuts:,} cuts, in {d.seconds:,.1f} s"
        )
        if not d.proven:
            lines.append(
                "NOT PROVEN OPTIMAL: the decomposition stopped at its iteration limit before the bounds met the gap; "
                "the recommendation is the best plan found, at most (upper - lower) from the optimum"
            )
    elif d.method == "extensive":
        lines.append(f"Bounds: lower {d.lower:,.2f}, upper {d.upper:,.2f} (MILP)")
    return lines
