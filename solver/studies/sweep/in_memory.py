"""A sweep held in memory (the Python API): the same engine and rows as ``runner``, no files
until ``write``, which produces the files an uninterrupted ``plantsplit sweep`` writes."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from solver.case.load import Case
from solver.io.display import Displayed, money
from solver.io.folders import check_out_dir, write_outputs
from solver.studies.sweep.params import Scenarios
from solver.studies.sweep.runner import (
    META,
    PLANS,
    RESULTS,
    _execute,
    _header,
    _line,
    _plan_lines,
    _result_line,
    sweep_meta,
)
from solver.studies.sweep.scenario import ScenarioModel, build_scenario_model
from solver.studies.sweep.worker import solve_chunk

PLAN_COLUMNS = ["scenario", "period", "product", "plant", "market", "units"]


@dataclass(repr=False)
class SweepRun(Displayed):
    """Every scenario's result. ``results``: one row per scenario, the columns of results.csv
    (parameter values as numbers); ``plans``: the non-zero flows per scenario, when asked for."""

    case: Case
    scenarios: Scenarios
    model: ScenarioModel
    rows: list  # raw rows from the workers, in scenario order
    with_plans: bool

    def _card(self):
        status = [r[1] for r in self.rows]
        objective = [r[2] for r in self.rows if r[1] == "optimal"]
        cur = self.case.currency
        rows = [
            ("parameters", ", ".join(p.name for p in self.scenarios.params)),
            ("scenarios", f"{len(status):,} ({status.count('optimal'):,} optimal)"),
        ]
        if objective:
            rows.append(("cost", f"{money(min(objective), cur)} .. {money(max(objective), cur)}"))
        rows.append(("tables", "results" + (", plans" if self.with_plans else "")))
        if self.warnings:
            rows.append(("warnings", f"{len(self.warnings)} (see .warnings)"))
        return f"Sweep of {self.case.name}", rows

    @property
    def warnings(self) -> list[str]:
        """What a parameter replaces beyond what its name says (a duty rate replaces every tier and every
        product- or period-specific row of its origin and market): what ``plantsplit sweep`` prints first."""
        from solver.case.params import reach_warnings

        return reach_warnings(self.scenarios.params, self.case)

    @property
    def results(self) -> pd.DataFrame:
        header = _header(self.model, self.scenarios, self.case.currency)
        data = []
        for index, status, objective, units, built, unmet, costs, _ in self.rows:
            data.append(
                [
                    self.scenarios.names[index],
                    *self.scenarios.values[index],
                    status,
                    objective,
                    *units,
                    *built,
                    *unmet,
                    *costs,
                ]
            )
        return pd.DataFrame(data, columns=header)

    @property
    def plans(self) -> pd.DataFrame | None:
        if not self.with_plans:
            return None
        data = []
        for r in self.rows:
            if r[7] is None:
                continue
            nz, vals = r[7]
            keys = self.model.arcs_key.iloc[nz].assign(units=vals)
            agg = (
                keys.groupby(["period", "product", "plant", "market"], sort=False, observed=True)["units"]
                .sum()
                .reset_index()
            )
            data.append(agg.assign(scenario=self.scenarios.names[r[0]]))
        if not data:
            return pd.DataFrame(columns=PLAN_COLUMNS)
        return pd.concat(data, ignore_index=True)[PLAN_COLUMNS]

    def plot(
        self, png: str | Path, x: str | None = None, where: tuple[str, ...] = (), distributions: bool = False
    ) -> Path:
        """Write a PNG of the results, as ``plantsplit plot`` draws results.csv."""
        from solver.report.plot import plot_table

        return plot_table(self.results, x, list(where), self.case.name, self.case.currency, Path(png), distributions)

    def write(self, out_dir: str | Path) -> Path:
        """Write results.csv (and plans.csv) and sweep.json, as ``plantsplit sweep`` does."""
        out = Path(out_dir)
        check_out_dir(self.case.folder, out, "sweep")
        files = {
            RESULTS: (
                _line(_header(self.model, self.scenarios, self.case.currency))
                + "".join(_result_line(self.scenarios, *r[:7]) for r in self.rows)
            ).encode("utf-8")
        }
        if self.with_plans:
            files[PLANS] = (
                _line(PLAN_COLUMNS) + "".join(_plan_lines(self.model, self.scenarios, r[0], r[7]) for r in self.rows)
            ).encode("utf-8")
        files[META] = (json.dumps(sweep_meta(self.case, self.scenarios, self.with_plans), indent=2) + "\n").encode(
            "utf-8"
        )
        write_outputs(out, "sweep", files, self.case.folder)
        return out


def sweep_in_memory(
    case: Case,
    scenarios: Scenarios,
    jobs: int = 1,
    plans: bool = False,
    chunk: int | None = None,
    threads: int = 1,
    decompose: bool = True,
    solver: str = "highs",
) -> SweepRun:
    sm = build_scenario_model(case, scenarios, threads, decompose=decompose, solver=solver)
    todo = list(enumerate(scenarios.values))
    jobs = jobs or os.cpu_count() or 1
    size = chunk or max(8, min(256, len(todo) // (jobs * 4) or 8))
    chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
    if jobs == 1:
        sm.start()
        rows = [r for c in chunks for r in solve_chunk(sm, c, plans)]
    else:
        payload = pickle.dumps(sm)
        key = hashlib.sha256(payload).hexdigest()
        rows = [r for batch in _execute(chunks, key, payload, jobs, None, plans) for r in batch]
    rows.sort(key=lambda r: r[0])
    return SweepRun(case, scenarios, sm, rows, plans)
