"""Benchmark: the naive loop against `plantsplit sweep`, in one run, on the same scenarios.

    python bench/sweep_bench.py [--n 20001] [--naive 101]

Scenarios: fx:KRW from 900 to 1400 on the Rogue case (a MILP: one build decision).
Naive loop: for each scenario, change the exchange rate in the Case, rebuild the
coefficients, the model and the PuLP problem, and solve it with CBC (what a script
around PuLP would do). It runs on an evenly spread sample of the scenarios (it is slow);
`plantsplit sweep` runs on that same sample and on the whole grid. Objectives of the
sample are compared, so the speed-up is between equal answers.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from solver import __version__  # noqa: E402
from solver.model import coefficients  # noqa: E402
from solver.case.load import load_case  # noqa: E402
from solver.model.create import create_model  # noqa: E402
from solver.model.lp import to_pulp  # noqa: E402
from solver.solve.backends import cbc_path  # noqa: E402
from solver.solve.highs import quiet_stdout  # noqa: E402

CASE = ROOT / "inputs" / "rogue-2012"


def naive(case, rates) -> tuple[float, list[float]]:
    import pulp

    objectives = []
    t0 = time.perf_counter()
    for r in rates:
        fx = case.fx.copy()
        fx.loc[fx["currency"] == "KRW", "rate"] = r
        c2 = dataclasses.replace(case, fx=fx)
        lp = create_model(c2, coefficients.build(c2))
        prob, _, _ = to_pulp(lp)
        with quiet_stdout():
            prob.solve(pulp.COIN_CMD(path=cbc_path(), msg=False))
        objectives.append(pulp.value(prob.objective))
    return time.perf_counter() - t0, objectives


def sweep(args: list[str], out: Path) -> float:
    cmd = [sys.executable, "-m", "solver", "sweep", str(CASE), "--out", str(out), "--quiet", *args]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20001, help="scenarios in the sweep grid")
    ap.add_argument("--naive", type=int, default=101, help="scenarios in the naive loop's sample")
    a = ap.parse_args()
    step = 500 / (a.n - 1)
    grid = [900 + i * step for i in range(a.n)]
    sample = [grid[int(k)] for k in np.linspace(0, a.n - 1, a.naive)]
    case = load_case(CASE)
    print(
        f"plantsplit {__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores; Rogue case, fx:KRW 900..1400\n"
    )
    naive_s, naive_obj = naive(case, sample)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "sample.csv").write_text("scenario,fx:KRW\n" + "".join(f"k{i},{r!r}\n" for i, r in enumerate(sample)))
        sample_s = sweep(["--scenarios", str(tmp / "sample.csv")], tmp / "sample")
        import pandas as pd

        got = pd.read_csv(tmp / "sample" / "results.csv")["objective_USD"].to_numpy()
        worst = float(np.max(np.abs(got - np.array(naive_obj)) / np.abs(naive_obj)))
        full_s = sweep(["--vary", f"fx:KRW=900:1400:{step:.10g}"], tmp / "full")
        n_full = len(pd.read_csv(tmp / "full" / "results.csv"))
    rows = [
        ("naive loop (rebuild PuLP model + CBC per scenario)", len(sample), naive_s),
        ("plantsplit sweep, same sample (whole command)", len(sample), sample_s),
        ("plantsplit sweep, full grid (whole command)", n_full, full_s),
    ]
    naive_rate = len(sample) / naive_s
    print("| run | scenarios | seconds | scenarios/s | vs naive |")
    print("|---|---|---|---|---|")
    for name, n, s in rows:
        print(f"| {name} | {n:,} | {s:.2f} | {n / s:,.0f} | {n / s / naive_rate:,.0f}x |")
    print(f"\nlargest relative difference in objective, sweep vs naive, on the sample: {worst:.1e}")


if __name__ == "__main__":
    main()
