"""Scenarios a user can make: log-normal random walks of exchange rates and demand.

For each series (an exchange rate ``--fx CUR:vol=10%[,drift=0%]`` or a demand
``--demand MARKET[/PRODUCT]:vol=15%[,drift=0%]``) and each period after the first:

    level[t] = level[t-1] * exp(drift + sigma * e[t] - sigma^2 / 2),   e[t] ~ N(0, 1)

so E[level[t]] = level[t-1] * exp(drift): with drift 0 the mean stays where it was.
Shocks of different series in the same period are correlated as ``--corr A,B=rho``
says (Cholesky factor of the correlation matrix); periods are independent.

An exchange rate starts from the case's rate in its first period and is written as
``fx:CUR@PERIOD``. A demand is written as ``demand_scale:MARKET[/PRODUCT]@PERIOD``,
starting at 1 in the first period: the walk multiplies the case's own demand of each
period, so its growth path is kept. Same seed, same file, byte for byte.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from solver.case.load import Case
from solver.case.params import parse_name
from solver.errors import UsageError
from solver.io.outdir import check_replace
from solver.io.temporary import stage
from solver.model.money import fx_rate


def _rate(text: str, what: str) -> float:
    t = text.strip()
    try:
        v = float(Decimal(t.rstrip("%")))
    except (InvalidOperation, ValueError):
        raise UsageError(f"{what}: {text!r} is not a number (write 10% or 0.1)") from None
    return v / 100 if t.endswith("%") else v


def parse_series(spec: str, option: str) -> tuple[str, float, float]:
    """``NAME:vol=10%[,drift=0%]`` -> (NAME, sigma, drift)."""
    name, sep, opts = spec.partition(":")
    if not sep or not name.strip():
        raise UsageError(f"{option} {spec!r}: expected NAME:vol=10%[,drift=0%]")
    values = {}
    for part in opts.split(","):
        key, eq, val = part.partition("=")
        key = key.strip()
        if not eq or key not in ("vol", "drift"):
            raise UsageError(f"{option} {spec!r}: {part.strip()!r} is not vol=... or drift=...")
        values[key] = _rate(val, f"{option} {spec}, {key}")
    if "vol" not in values:
        raise UsageError(f"{option} {spec!r}: give vol=..., e.g. vol=10%")
    if not math.isfinite(values["vol"]) or values["vol"] < 0:
        raise UsageError(f"{option} {spec!r}: vol must be >= 0")
    return name.strip(), values["vol"], values.get("drift", 0.0)


def _correlation(keys: list[str], specs: list[str]) -> np.ndarray:
    c = np.eye(len(keys))
    for spec in specs:
        pair, eq, val = spec.partition("=")
        names = [x.strip() for x in pair.split(",")]
        if not eq or len(names) != 2:
            raise UsageError(f"--corr {spec!r}: expected A,B=RHO (e.g. KRW,usa/rogue=-0.3)")
        for x in names:
            if x not in keys:
                raise UsageError(
                    f"--corr {spec!r}: {x!r} is not one of the series given with --fx/--demand ({', '.join(keys)})"
                )
        rho = _rate(val, f"--corr {spec}")
        if not -1 <= rho <= 1 or names[0] == names[1]:
            raise UsageError(f"--corr {spec!r}: a correlation of two different series, between -1 and 1")
        i, j = keys.index(names[0]), keys.index(names[1])
        c[i, j] = c[j, i] = rho
    try:
        return np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        raise UsageError(
            "--corr: these correlations are not possible together (the matrix is not positive definite)"
        ) from None


def generate(case: Case, fx: list[str], demand: list[str], corr: list[str], n: int, seed: int, out_file: Path) -> int:
    """Write the scenarios file; returns the number of parameter columns."""
    series = []  # (key, column prefix, start level, sigma, drift)
    first = case.periods[0]
    for spec in fx:
        cur, sigma, drift = parse_series(spec, "--fx")
        parse_name(f"fx:{cur}", case)
        if cur == case.currency:
            raise UsageError(f"--fx {spec!r}: {cur} is the reporting currency (its rate is 1)")
        start = float(fx_rate(case, pd.Series([cur]), pd.Series([first]))[0])
        series.append((cur, f"fx:{cur}", start, sigma, drift))
    for spec in demand:
        scope, sigma, drift = parse_series(spec, "--demand")
        parse_name(f"demand_scale:{scope}", case)
        series.append((scope, f"demand_scale:{scope}", 1.0, sigma, drift))
    if not series:
        raise UsageError("give at least one --fx or --demand series")
    keys = [s[0] for s in series]
    if len(set(keys)) != len(keys):
        raise UsageError("a series is given twice")
    chol = _correlation(keys, corr)
    rng = np.random.default_rng(seed)
    periods = list(case.periods)
    shocks = rng.standard_normal((n, len(periods) - 1, len(series))) @ chol.T
    columns = {"scenario": [f"s{i + 1:0{len(str(n))}d}" for i in range(n)]}
    for k, (_, prefix, start, sigma, drift) in enumerate(series):
        steps = np.exp(drift + sigma * shocks[:, :, k] - sigma**2 / 2)
        levels = start * np.concatenate([np.ones((n, 1)), np.cumprod(steps, axis=1)], axis=1)
        for t, period in enumerate(periods):
            columns[f"{prefix}@{period}"] = [f"{v:.10g}" for v in levels[:, t]]
    text = pd.DataFrame(columns).to_csv(index=False, lineterminator="\n")
    out_file = Path(out_file)
    check_replace(out_file, "--out", "a scenarios file plantsplit generated (ids s1, s2, ...)", _generated)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    os.replace(stage(out_file.parent, out_file.name, text.encode("utf-8")), out_file)
    return len(columns) - 1


def _generated(head: bytes) -> bool:
    """Does a file start as `plantsplit scenarios` writes one (a scenario column of ids s1, s2, ... in
    order, then PARAMETER@PERIOD columns)? A scenarios file written by hand is never replaced."""
    import re

    lines = head.lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace").split("\n")
    cols = lines[0].rstrip("\r").split(",")
    if cols[0] != "scenario" or len(cols) < 2 or not all("@" in c for c in cols[1:]):
        return False
    ids = [line.split(",", 1)[0] for line in lines[1:-1] if line]  # the last line may be cut by the head
    return bool(ids) and all(re.fullmatch(rf"s0*{k + 1}", x) for k, x in enumerate(ids))
