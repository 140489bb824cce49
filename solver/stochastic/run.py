"""`plantsplit stochastic` as a library call: case + scenarios file -> decision -> files.

``--evaluate FILE2``: the recommended and the mean-value decisions, fixed, on an
independent scenario file (how a sample-average approximation is checked): the mean
cost of each with a 95% confidence interval, mean +- 1.96 * standard error, where
se^2 = n/(n-1) * sum_s p_s^2 (c_s - mean)^2 (= s^2/n for equal weights).
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..case import load_case
from ..errors import UsageError
from ..output import CSV_STYLES, csv_bytes, json_bytes, with_currency, write_all
from ..pipeline import check_out_dir, default_out_dir
from .case_problem import CaseProblem, load_scenarios
from .decide import Decision, decide, evaluate
from .report import MONEY, decision_table, decisions_table, scenario_costs, summary, words

OUTPUTS = ("summary.json", "decision.csv", "scenario_costs.csv", "decisions.csv", "evaluation.csv", "stochastic.xlsx")
Z95 = 1.959963984540054


@dataclass
class StochasticRun:
    problem: CaseProblem
    decision: Decision
    out_dir: Path
    lines: list[str]
    written: tuple[str, ...]


def _bar(quiet: bool):
    from tqdm import tqdm

    return tqdm(total=None, unit="scenario solve", file=sys.stderr, disable=quiet, mininterval=0.2,
                dynamic_ncols=True)


def run_stochastic(case_dir, scenarios_file, out_dir, method="auto", weight=0.0, alpha=0.95, gap=1e-6,
                   jobs=None, dask=None, quiet=False, evaluate_file=None, currency=None, csv=None,
                   discount_rate=None, csv_style="plain", xlsx=False) -> StochasticRun:
    case_dir = Path(case_dir)
    case = load_case(case_dir, currency=currency, opts=csv, discount_rate=discount_rate)
    out_dir = Path(out_dir) if out_dir else default_out_dir(case.name, "stochastic")
    check_out_dir(case_dir, out_dir, "stochastic")
    sc, p = load_scenarios(Path(scenarios_file), case)
    problem = CaseProblem(case, sc, p)
    other = None
    if evaluate_file:
        sc2, p2 = load_scenarios(Path(evaluate_file), case)
        other = CaseProblem(case, sc2, p2)
    bar = _bar(quiet)
    try:
        d = decide(problem, method, weight, alpha, gap, jobs, dask, progress=bar.update)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        bar.close()
    cur = case.currency
    info = summary(d, problem, weight, alpha)
    tables = {"decision.csv": decision_table(d, problem), "scenario_costs.csv": scenario_costs(d, problem, cur)}
    if d.matrix is not None:
        tables["decisions.csv"] = decisions_table(d, problem, weight, alpha, cur)
    lines = words(d, problem, weight, alpha, cur)
    if other is not None:
        table = evaluation(other, d, jobs, dask, cur)
        tables["evaluation.csv"] = table
        lines.append(f"On {Path(evaluate_file).name} ({other.n} scenarios), mean cost with 95% confidence interval:")
        for _, r in table.iterrows():
            mean = r[f"mean_cost_{cur}"]
            if isinstance(mean, float) and math.isfinite(mean):
                lines.append(f"  {r['decision']}: {mean:,.0f} {cur} "
                             f"[{r[f'ci95_low_{cur}']:,.0f}, {r[f'ci95_high_{cur}']:,.0f}]")
            else:
                lines.append(f"  {r['decision']}: infeasible in {r['infeasible_scenarios']} scenarios")
    files = {"summary.json": json_bytes(info)}
    files.update({name: csv_bytes(t, CSV_STYLES[csv_style]) for name, t in tables.items()})
    if xlsx:
        from ..writexlsx import workbook_bytes

        facts = {"case": case.name, "currency": cur,
                 **{k: v for k, v in info.items() if "seconds" not in k}}  # a timing would differ per run
        files["stochastic.xlsx"] = workbook_bytes(tables, facts, f"plantsplit stochastic: {case.name}")
    write_all(out_dir, files, owned=OUTPUTS)
    lines.append(f"wrote {', '.join(str(out_dir / f) for f in files)}")
    return StochasticRun(problem, d, out_dir, lines, tuple(files))


def mean_ci(costs: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    mean = float(p @ costs)
    n = len(costs)
    if n < 2:
        return mean, float("nan"), float("nan")
    se = math.sqrt(n / (n - 1) * float((p ** 2) @ (costs - mean) ** 2))
    return mean, mean - Z95 * se, mean + Z95 * se


def evaluation(other: CaseProblem, d: Decision, jobs, dask, cur: str) -> pd.DataFrame:
    rows = []
    for label, x in (("recommended", d.x), ("mean_value", d.x_ev)):
        costs = evaluate(other, x, jobs, dask) if x is not None else np.full(other.n, np.inf)
        bad = int((~np.isfinite(costs)).sum())
        mean, lo, hi = mean_ci(costs, other.probability) if not bad else (np.nan, np.nan, np.nan)
        rows.append({"decision": label, "scenarios": other.n, "mean_cost": mean,
                     "ci95_low": lo, "ci95_high": hi, "infeasible_scenarios": bad})
    return with_currency(pd.DataFrame(rows, columns=list(rows[0])), cur, also=MONEY)
