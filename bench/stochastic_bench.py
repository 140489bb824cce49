"""Benchmark: `plantsplit stochastic` on the Rogue case with many FX-and-demand scenarios.

    python bench/stochastic_bench.py [--n 10000] [--n-small 1000] [--jobs 2]

The case is inputs/rogue-2012 with one change: demand may go unserved at 30,000 USD a
unit (lost sales), so that high-demand scenarios stay feasible. Scenarios come from
`plantsplit scenarios` (KRW vol 10%, usa/rogue demand vol 5%, correlation -0.3, seed 1).

1. `plantsplit sweep` over the same scenarios (it solves every scenario for every build
   combination: one warm LP each) against `plantsplit stochastic --method enumerate`
   (the same LPs, plus the mean-value decision evaluated on every scenario): the ratio
   (target <= 2) and the whole command's time (target < 15 s for 10,000 on 2 cores).
2. `extensive` and `benders` on the first --n-small scenarios, their times, and their
   objectives against enumerate's (target: agree to 1e-6 relative).
Every time is the whole command (subprocess), start-up included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "inputs" / "rogue-2012"


CPU: dict[float, float] = {}  # wall seconds -> CPU seconds


def cli(*args) -> float:
    """Wall time of the whole command; its CPU time (all processes) goes to CPU[wall]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "solver", *map(str, args)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[wall] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall


def lost_sales_case(tmp: Path) -> Path:
    case = tmp / "rogue-lost-sales"
    shutil.copytree(CASE, case)
    lines = (case / "demand.csv").read_text().splitlines()
    (case / "demand.csv").write_text(
        "\n".join([lines[0] + ",unmet_penalty"] + [ln + ",30000" for ln in lines[1:]]) + "\n"
    )
    return case


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--n-small", type=int, default=1_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        case = lost_sales_case(tmp)
        sc = tmp / "scenarios.csv"
        cli(
            "scenarios",
            case,
            "--out",
            sc,
            "--fx",
            "KRW:vol=10%",
            "--demand",
            "usa/rogue:vol=5%",
            "--corr",
            "KRW,usa/rogue=-0.3",
            "--n",
            a.n,
            "--seed",
            1,
        )
        small = tmp / "small.csv"
        small.write_text("".join(sc.read_text().splitlines(keepends=True)[: a.n_small + 1]))
        jobs = ["--jobs", a.jobs]
        t_sweep = cli("sweep", case, "--scenarios", sc, "--out", tmp / "sweep", "--quiet", *jobs)
        t_enum = cli(
            "stochastic", case, "--scenarios", sc, "--out", tmp / "enum", "--quiet", "--method", "enumerate", *jobs
        )
        s_enum = json.loads((tmp / "enum" / "summary.json").read_text())
        rows = []
        for method in ("enumerate", "extensive", "benders"):
            out = tmp / f"small-{method}"
            sec = cli("stochastic", case, "--scenarios", small, "--out", out, "--quiet", "--method", method, *jobs)
            rows.append((method, sec, json.loads((out / "summary.json").read_text())))
    print(f"plantsplit stochastic benchmark ({platform.python_version()}, {os.cpu_count()} cores, --jobs {a.jobs})")
    print(f"{a.n:,} scenarios, Rogue + lost sales, KRW vol 10%, usa/rogue demand vol 5%, corr -0.3")
    print(f"  load average at the start: {os.getloadavg()[0]:.1f} (the cores are shared: CPU seconds are fairer)")
    print(
        f"  sweep over the same scenarios (every build combination): {t_sweep:6.2f} s wall, {CPU[t_sweep]:6.2f} s CPU"
    )
    print(
        f"  stochastic --method enumerate (whole command):            {t_enum:6.2f} s wall, {CPU[t_enum]:6.2f} s CPU "
        f"(ratio {t_enum / t_sweep:.2f} wall, {CPU[t_enum] / CPU[t_sweep]:.2f} CPU; targets <= 2 and < 15 s)"
    )
    print(
        f"  recommendation objective {s_enum['objective']:,.2f}; VSS {s_enum['vss']:,.2f}; EVPI {s_enum['evpi']:,.2f}"
    )
    ref = rows[0][2]["objective"]
    print(f"{a.n_small:,} scenarios:")
    for method, sec, s in rows:
        rel = abs(s["objective"] - ref) / abs(ref)
        print(
            f"  {method:10s} {sec:6.2f} s wall {CPU[sec]:6.2f} s CPU  objective {s['objective']:,.2f}  |diff| vs "
            f"enumerate {rel:.1e} (target <= 1e-6)"
        )


if __name__ == "__main__":
    main()
