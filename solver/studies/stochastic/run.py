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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from solver.case.load import Case, load_case
from solver.errors import UsageError
from solver.io.display import Displayed, money
from solver.io.folders import check_out_dir, default_out_dir, write_outputs
from solver.io.output import CSV_STYLES, csv_bytes, json_bytes, with_currency
from solver.studies.stochastic import sampling
from solver.studies.stochastic.case_problem import CaseProblem, load_scenarios
from solver.studies.stochastic.decide import Decision, decide, evaluate
from solver.studies.stochastic.outputs import MONEY, decision_table, decisions_table, scenario_costs, summary, words
from solver.studies.stochastic.student_t import t_quantile

if TYPE_CHECKING:  # imported when the bar is first shown
    from tqdm import tqdm


@dataclass(repr=False)
class StochasticRun(Displayed):
    """A stochastic decision in memory; nothing is written until ``write``.

    ``decision``, ``scenario_costs`` (and ``decisions`` with ``enumerate``, ``evaluation``
    with an evaluation file) are the tables of the CSV files of that name, money columns
    named with the currency; ``summary`` is summary.json's dict; ``text`` what the command
    prints; ``result`` the solver-side ``Decision`` (numpy arrays)."""

    case: Case
    problem: CaseProblem
    result: Decision
    summary: dict
    tables: dict[str, pd.DataFrame]
    lines: list[str]
    out_dir: Path | None = None
    written: tuple[str, ...] = ()

    def _card(self):
        s, cur = self.summary, self.case.currency
        d = self.decision
        built = d[d["built"] > 0.5]["option"].astype(str).tolist() if "built" in d else []
        rows = [
            ("method", f"{s.get('method')} ({s.get('solver', 'highs')}), {s.get('seconds', 0):.2f} s"),
            ("scenarios", f"{s.get('scenarios', 0):,}"),
            ("decision", "build " + ", ".join(built) if built else "build nothing"),
            ("expected cost", money(s.get("expected_cost"), cur)),
            (f"CVaR {s.get('cvar_alpha', 0.95):g}", money(s.get("cvar"), cur)),
            ("VSS, EVPI", f"{money(s.get('vss'), cur)}, {money(s.get('evpi'), cur)}"),
        ]
        return f"Stochastic decision for {self.case.name}", rows

    @property
    def warnings(self) -> list[str]:
        """What a scenario parameter replaces beyond what its name says (as ``SweepRun.warnings``)."""
        from solver.case.params import reach_warnings

        return reach_warnings(self.problem.scenarios.params, self.case)

    @property
    def decision(self) -> pd.DataFrame:
        return self.tables["decision.csv"]

    @property
    def scenario_costs(self) -> pd.DataFrame:
        return self.tables["scenario_costs.csv"]

    @property
    def decisions(self) -> pd.DataFrame | None:
        return self.tables.get("decisions.csv")

    @property
    def evaluation(self) -> pd.DataFrame | None:
        return self.tables.get("evaluation.csv")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def files(self, xlsx: bool = False, csv_style: str = "plain") -> dict[str, bytes]:
        """Every output file, by name, as the bytes that would be written."""
        files = {"summary.json": json_bytes(self.summary)}
        files.update({name: csv_bytes(t, CSV_STYLES[csv_style]) for name, t in self.tables.items()})
        if xlsx:
            from solver.report.workbook import workbook_bytes

            facts = {k: v for k, v in self.summary.items() if "seconds" not in k}  # a timing differs per run
            files["stochastic.xlsx"] = workbook_bytes(self.tables, facts, f"plantsplit stochastic: {self.case.name}")
        return files

    def write(self, out_dir: str | Path, xlsx: bool = False, csv_style: str = "plain") -> Path:
        """Write summary.json and the CSVs (and stochastic.xlsx with ``xlsx``), all or none,
        as ``plantsplit stochastic`` does; returns the folder."""
        out = Path(out_dir)
        check_out_dir(self.case.folder, out, "stochastic")
        files = self.files(xlsx, csv_style)
        write_outputs(out, "stochastic", files, self.case.folder)
        self.out_dir, self.written = out, tuple(files)
        return out

    def plot(self, png: str | Path) -> Path:
        """The cost distribution (a CDF per decision), as ``plantsplit plot`` draws scenario_costs.csv."""
        from solver.report.plot_stochastic import plot_costs

        return plot_costs(self.scenario_costs, self.case.name, self.summary["cvar_alpha"], Path(png))


class _Bar:
    """The progress bar, shown from the first scenario solve: an error before any (a case too
    large, a bad scenarios file) is then the only thing on the terminal."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: tqdm | None = None

    def update(self, n: int = 1) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(
                total=None,
                unit=" scenario solves",
                file=sys.stderr,
                disable=self.quiet,
                mininterval=0.2,
                dynamic_ncols=True,
            )
        self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def decide_case(
    case: Case,
    scenarios,
    method="auto",
    weight=0.0,
    alpha=0.95,
    gap=1e-6,
    jobs=None,
    dask=None,
    evaluate_with=None,
    progress=None,
    threads: int = 1,
    solver: str = "highs",
    wait_and_see: bool = True,
    sample_size: int | None = None,
    replications: int = 0,
    seed: int = 0,
) -> StochasticRun:
    """The decision for a loaded case in memory: ``scenarios`` and ``evaluate_with`` are a
    scenarios file or a DataFrame of its columns. The one engine of the command and the API.
    ``threads``: per worker, for a second stage that splits into blocks (worker.py); ``solver``:
    another PuLP solver solves every LP and the extensive form cold (benders stays HiGHS's).
    ``sample_size``, ``replications``, ``seed``: the decision from a sample of the scenarios, and the
    Mak-Morton-Wood bounds on how good it is (sampling.py)."""
    population = CaseProblem(case, *load_scenarios(scenarios, case))
    other = CaseProblem(case, *load_scenarios(evaluate_with, case)) if evaluate_with is not None else None
    for pr in (population, other):
        if pr is not None:
            pr.threads, pr.solver = threads, solver
    sampling.check_options(sample_size, replications, weight, population.n)
    rng = np.random.default_rng(seed)
    problem = sampling.draw(population, sample_size, rng) if sample_size else population
    try:
        d = decide(problem, method, weight, alpha, gap, jobs, dask, progress=progress, wait_and_see=wait_and_see)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    cur = case.currency
    tables = {"decision.csv": decision_table(d, problem), "scenario_costs.csv": scenario_costs(d, problem, cur)}
    if d.matrix is not None:
        tables["decisions.csv"] = decisions_table(d, problem, weight, alpha, cur)
    lines = words(d, problem, weight, alpha, cur)
    if other is not None:
        table = evaluation(other, d, jobs, dask, cur)
        tables["evaluation.csv"] = table
        name = evaluate_with.name if isinstance(evaluate_with, Path) else "the evaluation scenarios"
        lines.append(f"On {name} ({other.n} scenarios), mean cost with 95% confidence interval:")
        for _, r in table.iterrows():
            mean = r[f"mean_cost_{cur}"]
            if isinstance(mean, float) and math.isfinite(mean):
                lines.append(
                    f"  {r['decision']}: {mean:,.0f} {cur} [{r[f'ci95_low_{cur}']:,.0f}, {r[f'ci95_high_{cur}']:,.0f}]"
                )
            else:
                lines.append(f"  {r['decision']}: infeasible in {r['infeasible_scenarios']} scenarios")
    info = summary(d, problem, weight, alpha)
    if sample_size:
        sampled = {"sample_size": sample_size, "population_scenarios": population.n, "seed": seed}
        if replications:
            sampled, table = _bounds(population, other, d, sampled, replications, rng, (method, alpha, gap),
                                     (jobs, dask, progress))  # fmt: skip
            tables["replications.csv"] = with_currency(table, cur, also=("expected_cost",))
            lines += sampling.words(sampled, cur)
        else:
            lines.append(
                f"Sampled: the decision from {sample_size:,} scenarios drawn from {population.n:,} (seed {seed}); "
                "--replications M says how good it is"
            )
        info["sampling"] = sampled
    return StochasticRun(case, problem, d, info, tables, lines)


def _bounds(population, other, d: Decision, info: dict, m: int, rng, how, where) -> tuple[dict, pd.DataFrame]:
    """Mak-Morton-Wood: m more samples of the same size for the lower bound; the decision evaluated on the
    population (exactly) or on ``other`` (an independent file) for the upper bound."""
    (method, alpha, gap), (jobs, dask, progress) = how, where
    values, built, distinct = [], [], []
    names = list(population.expansions["option"]) if population.expansions is not None else []
    for _ in range(m):
        sample = sampling.draw(population, info["sample_size"], rng)
        dm = decide(sample, method, 0.0, alpha, gap, jobs, dask, progress=progress, wait_and_see=False)
        values.append(dm.expected_cost)
        built.append([o for o, v in zip(names, dm.x, strict=True) if v > 0.5])
        distinct.append(sample.n)
    target = other if other is not None else population
    costs = evaluate(target, d.x, jobs, dask, progress=progress)
    lo = sampling.lower_bound(np.asarray(values, float))
    up = sampling.upper_bound(costs, target.probability, exact=other is None)
    gap_bound = up["bound"] - lo["bound"]
    info = {
        **info,
        "replications": m,
        "lower_bound": lo,
        "upper_bound": up,
        "upper_exact": other is None,
        "evaluated_on": "the scenarios file" if other is None else f"{other.n:,} independent scenarios",
        "unserved_scenarios": [target.names[i] for i in np.flatnonzero(~np.isfinite(costs))],
        "gap_bound": gap_bound,
        "gap_bound_relative": gap_bound / max(1.0, abs(up["bound"])) if math.isfinite(gap_bound) else math.nan,
        "confidence": "each bound one-sided 95%; the gap bound at least 90%",
    }
    return info, sampling.table(np.asarray(values), built, distinct, info["sample_size"])


def run_stochastic(
    case_dir,
    scenarios_file,
    out_dir,
    method="auto",
    weight=0.0,
    alpha=0.95,
    gap=1e-6,
    jobs=None,
    dask=None,
    quiet=False,
    evaluate_file=None,
    currency=None,
    csv=None,
    discount_rate=None,
    csv_style="plain",
    xlsx=False,
    threads: int = 1,
    solver: str = "highs",
    wait_and_see: bool = True,
    sample_size: int | None = None,
    replications: int = 0,
    seed: int = 0,
) -> StochasticRun:
    """Load, decide and write (the command line's ``stochastic``)."""
    case_dir = Path(case_dir)
    case = load_case(case_dir, currency=currency, opts=csv, discount_rate=discount_rate)
    out_dir = Path(out_dir) if out_dir else default_out_dir(case.name, "stochastic")
    check_out_dir(case_dir, out_dir, "stochastic")
    bar = _Bar(quiet)
    try:
        run = decide_case(
            case,
            Path(scenarios_file),
            method,
            weight,
            alpha,
            gap,
            jobs,
            dask,
            Path(evaluate_file) if evaluate_file else None,
            progress=bar.update,
            threads=threads,
            solver=solver,
            wait_and_see=wait_and_see,
            sample_size=sample_size,
            replications=replications,
            seed=seed,
        )
    finally:
        bar.close()
    run.write(out_dir, xlsx=xlsx, csv_style=csv_style)
    run.lines.append(f"wrote {', '.join(str(out_dir / f) for f in run.written)}")
    return run


def mean_ci(costs: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    mean = float(p @ costs)
    n = len(costs)
    if n < 2:
        return mean, float("nan"), float("nan")
    se = math.sqrt(n / (n - 1) * float((p**2) @ (costs - mean) ** 2))
    q = t_quantile(0.975, n - 1)  # Student's t: a few evaluation scenarios give a wider interval than 1.96
    return mean, mean - q * se, mean + q * se


def evaluation(other: CaseProblem, d: Decision, jobs, dask, cur: str) -> pd.DataFrame:
    rows = []
    for label, x in (("recommended", d.x), ("mean_value", d.x_ev)):
        costs = evaluate(other, x, jobs, dask) if x is not None else np.full(other.n, np.inf)
        bad = int((~np.isfinite(costs)).sum())
        mean, lo, hi = mean_ci(costs, other.probability) if not bad else (np.nan, np.nan, np.nan)
        rows.append(
            {
                "decision": label,
                "scenarios": other.n,
                "mean_cost": mean,
                "ci95_low": lo,
                "ci95_high": hi,
                "infeasible_scenarios": bad,
            }
        )
    return with_currency(pd.DataFrame(rows, columns=list(rows[0])), cur, also=MONEY)
