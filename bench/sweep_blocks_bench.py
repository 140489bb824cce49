"""Benchmark: a sweep on a multi-period case, one live model of the whole LP against blocks.

    python bench/sweep_blocks_bench.py [--plants 20 --markets 100 --products 5 --periods 10] [--n 50]

The case is bench/run.py's synthetic one (every plant serves every market, three
currencies, tariffs), 100,000 flows over 10 periods by default: no build option links the
periods, so the LP splits into one block per period. The scenarios move the EUR rate and
the demand of a few markets. Each mode is a whole `plantsplit sweep` command in a fresh
process (reading the case, building the model and the live HiGHS models included):

- one-model:        --no-decompose (one live model of the whole LP per worker, as before)
- blocks:           the default (one live model per period in each worker, solved serially)
- one-model, 1 job: --jobs 1 --no-decompose
- blocks, 2 threads: --jobs 1 --threads 2 (one process, the blocks on two threads)

results.csv objectives are compared across modes (largest relative difference).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODES = {
    "one-model": ["--no-decompose"],
    "blocks": [],
    "one-model, 1 job": ["--jobs", "1", "--no-decompose"],
    "blocks, 1 job, 2 threads": ["--jobs", "1", "--threads", "2"],
}


def make_case():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.make_case


def scenarios(path: Path, n: int, markets: int) -> None:
    rng = np.random.default_rng(7)
    names = [f"demand_scale:m{j}" for j in range(0, markets, max(1, markets // 5))][:5]
    lines = ["scenario,fx:EUR," + ",".join(names)]
    for i in range(n):
        fx = 0.8 + 0.2 * i / max(1, n - 1)
        lines.append(f"s{i + 1},{fx:.6f}," + ",".join(f"{v:.4f}" for v in rng.uniform(0.9, 1.1, len(names))))
    path.write_text("\n".join(lines) + "\n")


def run(case: Path, sc: Path, out: Path, flags: list[str]) -> float:
    cmd = [
        sys.executable,
        "-m",
        "solver",
        "sweep",
        str(case),
        "--scenarios",
        str(sc),
        "--out",
        str(out),
        "--quiet",
        *flags,
    ]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0


def main() -> None:
    import pandas as pd

    ap = argparse.ArgumentParser()
    ap.add_argument("--plants", type=int, default=20)
    ap.add_argument("--markets", type=int, default=100)
    ap.add_argument("--products", type=int, default=5)
    ap.add_argument("--periods", type=int, default=10)
    ap.add_argument("--n", type=int, default=50, help="scenarios")
    a = ap.parse_args()
    flows = a.plants * a.markets * a.products * a.periods
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; {flows:,} flows, {a.periods} periods, {a.n} scenarios\n"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        make_case()(tmp / "case", a.plants, a.markets, a.products, a.periods)
        scenarios(tmp / "sc.csv", a.n, a.markets)
        objectives, rows = {}, []
        for k, (mode, flags) in enumerate(MODES.items()):
            secs = run(tmp / "case", tmp / "sc.csv", tmp / f"out{k}", flags)
            res = pd.read_csv(tmp / f"out{k}" / "results.csv")
            objectives[mode] = res["objective_USD"].to_numpy(float)
            rows.append(
                (mode, " ".join(flags) or "(default)", secs, a.n / secs, int((res["status"] != "optimal").sum()))
            )
        ref = objectives["one-model"]
        print("| mode | flags | whole command | scenarios/s | infeasible | largest objective difference |")
        print("|---|---|---|---|---|---|")
        for mode, shown, secs, rate, bad in rows:
            diff = float(np.nanmax(np.abs(objectives[mode] - ref) / np.abs(ref)))
            print(f"| {mode} | `{shown}` | {secs:.1f} s | {rate:.2f} | {bad} | {diff:.1e} |")


if __name__ == "__main__":
    main()
