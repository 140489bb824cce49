"""A plantsplit case under a scenarios file, as a two-stage problem.

First stage: the build decisions of expansions.csv. Each scenario is the sweep's
``ScenarioModel.change`` of the case's LP at that scenario's parameter values (costs,
demand and capacity right-hand sides, unmet bounds), so sweeps and the stochastic
decision share one engine. The mean-value scenario sets every parameter to its
probability-weighted mean (an exchange rate's mean rate, a demand scale's mean).

The LP carries the strong linking rows of model/linking.py (flow <= demand x build, where
a site has capacity only when built), set per scenario by strong.py: the same f_s(x) at
every integer decision, tighter scenario LPs and Benders cuts at fractional ones.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from solver.case.load import Case
from solver.errors import Collector, UsageError
from solver.model.changes import Change, materialize
from solver.studies.stochastic.problem import PROBABILITY_TOL, TwoStageProblem
from solver.studies.stochastic.strong import StrongRows
from solver.studies.sweep.params import Scenarios, from_file, from_text
from solver.studies.sweep.tiers import check_tier_order
from solver.studies.sweep.scenario import ScenarioModel

PROBABILITY = "probability"


class CaseProblem(TwoStageProblem):
    def __init__(self, case: Case, scenarios: Scenarios, probability: np.ndarray):
        self.case = case
        self.scenarios = scenarios
        from solver.model import coefficients
        from solver.model.create import create_model
        from solver.solve import memory

        memory.check_case(case)
        co = coefficients.build(case)
        lp = create_model(case, co, tighten=bool(len(co.expansions)), cover=False)
        self.sm = ScenarioModel(case, co, lp, scenarios.params)
        check_tier_order(self.sm, [f"scenario {n}" for n in scenarios.names], scenarios.values)
        self.strong = StrongRows(lp)
        self.expansions = (
            co.expansions[["option", "plant", "product"]].reset_index(drop=True) if len(co.expansions) else None
        )
        self.lp = self.sm.lp
        self.first = np.arange(self.sm.build.start, self.sm.build.stop)
        self.names = scenarios.names
        self.probability = probability
        self.values = np.array(scenarios.values, float).reshape(len(scenarios.names), len(scenarios.params))

    def change(self, s: int) -> Change:
        return self._change(self.values[s])

    def _change(self, values: np.ndarray) -> Change:
        cost, units, cap = self.sm.coefficients(values)
        return self.strong.extend(self.sm.as_change(cost, units, cap), units, cap)

    def redundant_coef_rows(self) -> np.ndarray:
        return self.strong.rows

    def mean_values(self) -> np.ndarray:
        return self.probability @ self.values

    def mean_change(self, weights: np.ndarray | None = None) -> Change:
        return self._change(self.mean_values() if weights is None else weights @ self.values)

    def order(self) -> np.ndarray | None:
        """By the sum of the scenario's values, each parameter scaled by its spread (total demand, on
        demand-only scenarios)."""
        v = self.values
        spread = v.std(axis=0)
        z = (v - v.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
        return np.argsort(z.sum(axis=1), kind="stable")

    def why_infeasible(self, s: int) -> list[str]:
        from solver.results.explain import explain_infeasible

        lp = materialize(self.lp, self.change(s))
        lp.col_lower[self.first] = lp.col_upper[self.first]  # every option built: the most any decision can do
        lp.row_upper[self.strong.rows] = np.inf  # the linking rows hold at every plan: never a reason
        why = [self.case.cite(r) for r in explain_infeasible(lp, self.case.lanes)]
        sc = self.scenarios
        if why and sc.params:
            # the numbers above are the scenario's; the rows cited hold the case's own values
            where = f" (scenarios file row {sc.rows[s]})" if sc.rows else ""
            why.append(
                f"the scenario sets {', '.join(f'{q.name} = {t}' for q, t in zip(sc.params, sc.texts[s], strict=True))}"
                f"{where}, in place of the values in the rows cited"
            )
        return why


def load_scenarios(source: Path | pd.DataFrame, case: Case) -> tuple[Scenarios, np.ndarray]:
    """The scenarios and their probabilities (blank column or none = equal weights), from
    a scenarios file or a DataFrame of the same columns (named ``scenarios`` in messages)."""
    if isinstance(source, pd.DataFrame):
        path = Path("scenarios")
        sc = from_text(source.to_csv(index=False), path.name, case, extra=(PROBABILITY,))
    else:
        path = Path(source)
        sc = from_file(path, case, extra=(PROBABILITY,))
    cells = [e[0] for e in sc.extra]
    n = len(cells)
    if all(c == "" for c in cells):
        return sc, np.full(n, 1.0 / n)
    out = Collector()
    p = np.zeros(n)
    for k, (cell, row) in enumerate(zip(cells, sc.rows, strict=True)):
        if cell == "":
            out.error(
                path.name,
                row,
                PROBABILITY,
                "",
                "is blank but other rows give a probability "
                "(give every row one, or leave the column blank for equal weights)",
            )
            continue
        try:
            v = float(Decimal(cell))
        except (InvalidOperation, ValueError):
            out.error(path.name, row, PROBABILITY, cell, "is not a number")
            continue
        if not np.isfinite(v) or v < 0:
            out.error(path.name, row, PROBABILITY, cell, "must be a number >= 0")
            continue
        p[k] = v
    if not out.problems and abs(p.sum() - 1.0) > PROBABILITY_TOL:
        out.error(
            path.name,
            0,
            PROBABILITY,
            "",
            f"the probabilities of rows {sc.rows[0]}-{sc.rows[-1]} sum to "
            f"{p.sum():.10g}, not 1 (within {PROBABILITY_TOL:g})",
        )
    if out.problems:
        raise UsageError("problems in the scenarios file:\n" + "\n".join(f"  - {q}" for q in out.problems))
    return sc, p
