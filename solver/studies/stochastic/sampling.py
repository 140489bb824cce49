"""A decision from sampled scenarios, and how good it is: Mak, Morton and Wood (1999).

``--sample-size N``: the decision is taken on N scenarios drawn from the scenarios file (the population):
independently, with replacement, with the file's probabilities; a scenario drawn k times weighs k/N. This
is the sample-average approximation (SAA) of the population's problem.

``--replications M``: M more independent samples of N are solved (the decision only). Their optimal
expected costs v_1..v_M are optimistic in expectation, E[v] <= z* (the population's optimum), so

    L = mean(v) - t(M-1, 0.95) s_v / sqrt(M)

is a one-sided 95% lower confidence bound on z*. The decision x is evaluated on the whole population (its
expected cost f(x) exactly: U = f(x) >= z*), or, with ``--evaluate FILE``, on an independent sample of K
scenarios: U = mean + t(K-1, 0.95) se, a one-sided 95% upper confidence bound on f(x). Then z* >= L and
f(x) <= U, each at 95%; the decision's optimality gap f(x) - z* lies in [0, U - L] at (at least) 90%
(both bounds at once). Student's t throughout (student_t.py). Only the expected cost is bounded this way:
with a risk weight the objective is no expectation, and the command refuses.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pandas as pd

from solver.errors import UsageError
from solver.studies.stochastic.student_t import t_quantile

CONFIDENCE = 0.95  # each bound one-sided


def draw(population, n: int, rng: np.random.Generator):
    """A problem over n scenarios drawn from ``population`` (a CaseProblem) with its probabilities: the
    distinct ones drawn, each weighing (times drawn) / n, in the population's order. The model, rows and
    workers' set-up are the population's (nothing is built again)."""
    idx = rng.choice(population.n, size=n, replace=True, p=population.probability / population.probability.sum())
    distinct, counts = np.unique(idx, return_counts=True)
    sample = copy.copy(population)
    sc = population.scenarios

    def pick(seq):
        return tuple(seq[i] for i in distinct) if len(seq) else seq

    sample.scenarios = dataclasses.replace(
        sc, names=pick(sc.names), values=pick(sc.values), texts=pick(sc.texts), rows=pick(sc.rows), extra=pick(sc.extra)
    )
    sample.names = sample.scenarios.names
    sample.values = population.values[distinct]
    sample.probability = counts / n
    return sample


def lower_bound(values: np.ndarray) -> dict:
    """The lower bound's estimate, its standard error and its one-sided 95% confidence bound."""
    m = len(values)
    mean = float(np.mean(values))
    se = float(np.std(values, ddof=1)) / math.sqrt(m) if m > 1 else math.nan
    return {"estimate": mean, "standard_error": se, "bound": mean - t_quantile(CONFIDENCE, m - 1) * se}


def upper_bound(costs: np.ndarray, p: np.ndarray, exact: bool) -> dict:
    """The decision's expected cost: exact on the population (``exact``), else its estimate on an
    independent sample and the one-sided 95% upper confidence bound (se as run.mean_ci's)."""
    if not np.isfinite(costs).all():  # the decision cannot serve some scenario: no finite bound
        return {"estimate": math.nan, "standard_error": math.nan, "bound": math.nan}
    mean = float(p @ costs)
    if exact:
        return {"estimate": mean, "standard_error": 0.0, "bound": mean}
    k = len(costs)
    se = math.sqrt(k / (k - 1) * float((p**2) @ (costs - mean) ** 2)) if k > 1 else math.nan
    return {"estimate": mean, "standard_error": se, "bound": mean + t_quantile(CONFIDENCE, k - 1) * se}


def check_options(sample_size, replications: int, weight: float, population_n: int) -> None:
    if replications and not sample_size:
        raise UsageError("--replications needs --sample-size N (the size of each sample drawn from the scenarios)")
    if replications == 1:
        raise UsageError("--replications 1: at least 2 are needed for a confidence interval")
    if replications and weight:
        raise UsageError(
            "--replications with --risk-weight: the Mak-Morton-Wood interval bounds the expected cost, and with a "
            "risk weight the objective is no expectation; use --risk-weight 0"
        )
    if sample_size is not None and sample_size < 1:
        raise UsageError(f"--sample-size {sample_size}: draw at least 1 scenario")
    if sample_size and population_n < 2:
        raise UsageError("--sample-size: the scenarios file has one scenario; there is nothing to sample")


def table(values: np.ndarray, decisions: list[list[str]], distinct: list[int], sample_size: int) -> pd.DataFrame:
    """replications.csv: one row per replication (money columns get the currency in run.py)."""
    return pd.DataFrame(
        {
            "replication": np.arange(1, len(values) + 1),
            "scenarios_drawn": sample_size,
            "distinct_scenarios": distinct,
            "expected_cost": values,
            "options_built": ["; ".join(d) for d in decisions],
        }
    )


def words(info: dict, cur: str) -> list[str]:
    lo, up = info["lower_bound"], info["upper_bound"]
    lines = [
        f"Sampled: the decision from {info['sample_size']:,} scenarios drawn from {info['population_scenarios']:,} "
        f"(seed {info['seed']}); {info['replications']} more samples for the bound (Mak, Morton and Wood 1999):",
        f"  optimum of the whole file >= {lo['bound']:,.0f} {cur} (95% one-sided; estimate {lo['estimate']:,.0f})",
    ]
    unserved = info.get("unserved_scenarios") or []
    if unserved:
        where = "the file's scenarios" if info["upper_exact"] else info["evaluated_on"]
        return lines + [
            f"  this decision cannot serve {len(unserved):,} of {where} (e.g. {', '.join(unserved[:5])}): its "
            "expected cost there is not finite, so no bound on how far it is from the best; draw a larger sample "
            "(--sample-size) or let demand go unmet at a price (unmet_penalty in demand.csv)"
        ]
    if info["upper_exact"]:
        upper = f"  this decision's expected cost: {up['bound']:,.0f} {cur} (exact, on every scenario of the file)"
    else:
        upper = (
            f"  this decision's expected cost <= {up['bound']:,.0f} {cur} (95% one-sided; estimate "
            f"{up['estimate']:,.0f} on {info['evaluated_on']})"
        )
    return lines + [
        upper,
        f"  so the decision is within {info['gap_bound']:,.0f} {cur} ({info['gap_bound_relative']:.2%}) of the "
        "best decision for the whole file, at 90% confidence or more",
    ]
