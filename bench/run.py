"""Benchmark: time each stage of `plantsplit solve` on synthetic cases of growing size.

    python bench/run.py [--sizes 10000,100000,1000000] [--solver highs]

A case of P plants x M markets x K products x T periods has P*M*K*T flow variables.
Prints a Markdown table (paste it into the README). Not part of the test suite.
"""
from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solver import __version__, coefficients  # noqa: E402
from solver.case import load_case  # noqa: E402
from solver.model import create_model  # noqa: E402
from solver.output import csv_bytes, write_all  # noqa: E402
from solver.results import tabulate  # noqa: E402
from solver.solve import solve  # noqa: E402

SHAPES = {  # variables: (plants, markets, products, periods)
    10_000: (10, 50, 2, 10),
    100_000: (20, 100, 5, 10),
    1_000_000: (50, 400, 5, 10),
}


def make_case(folder: Path, plants: int, markets: int, products: int, periods: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    P = [f"p{i}" for i in range(plants)]
    M = [f"m{j}" for j in range(markets)]
    K = [f"k{k}" for k in range(products)]
    T = [str(2020 + t) for t in range(periods)]
    cur = ["USD", "EUR", "KRW"]
    (folder / "plants.csv").write_text("plant,country,currency\n" + "".join(
        f"{p},C{i % 5},{cur[i % 3]}\n" for i, p in enumerate(P)))
    demand = rng.integers(100, 1000, size=(markets, products, periods))
    (folder / "demand.csv").write_text("market,product,period,units\n" + "".join(
        f"{m},{k},{t},{demand[j, kk, tt]}\n" for j, m in enumerate(M) for kk, k in enumerate(K) for tt, t in enumerate(T)))
    per_plant = int(demand.sum(axis=(0, 1)).max() * 1.3 / plants) + 1
    (folder / "capacity.csv").write_text("plant,max_units\n" + "".join(f"{p},{per_plant}\n" for p in P))
    freight = rng.uniform(50, 900, size=(plants, markets))
    (folder / "lanes.csv").write_text("plant,market,freight_cost\n" + "".join(
        f"{p},{m},{freight[i, j]:.2f}\n" for i, p in enumerate(P) for j, m in enumerate(M)))
    rate = {"USD": 1.0, "EUR": 0.9, "KRW": 1100.0}
    (folder / "costs.csv").write_text("plant,product,unit_cost\n" + "".join(
        f"{p},{k},{rng.uniform(9000, 12000) * rate[cur[i % 3]]:.2f}\n" for i, p in enumerate(P) for k in K))
    (folder / "fx.csv").write_text("currency,rate\nEUR,0.9\nKRW,1100\n")
    (folder / "tariffs.csv").write_text("origin,market,rate\n" + "".join(
        f"C{c},{m},{(c * 7 + j) % 10}%\n" for c in range(5) for j, m in enumerate(M)))


def bench(size: int, solver: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        case_dir = Path(tmp) / f"synthetic-{size}"
        make_case(case_dir, *SHAPES[size])
        t = {}
        t0 = time.perf_counter()
        case = load_case(case_dir)
        t["read + check"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        co = coefficients.build(case)
        t["coefficients"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        lp = create_model(case, co)
        t["model"] = time.perf_counter() - t0
        sol = solve(lp, solver=solver)
        t["solve (load + solve + read back)"] = sol.seconds
        t0 = time.perf_counter()
        res = tabulate(case, co, lp, sol)
        write_all(Path(tmp) / "out", {"plan.csv": csv_bytes(res.plan), "utilization.csv": csv_bytes(res.utilization),
                                      "supply.csv": csv_bytes(res.supply)})
        t["results + write"] = time.perf_counter() - t0
        return {"size": size, "vars": lp.num_col, "rows": lp.num_row, "status": sol.status.value,
                "times": t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--solver", default="highs")
    args = ap.parse_args()
    print(f"plantsplit {__version__}, Python {platform.python_version()}, {platform.machine()}, solver {args.solver}\n")
    rows = [bench(int(s), args.solver) for s in args.sizes.split(",")]
    stages = list(rows[0]["times"])
    print("| flow variables | rows | " + " | ".join(stages) + " | total | peak RSS MB | status |")
    print("|---" * (len(stages) + 5) + "|")
    for r in rows:
        cells = [f"{r['times'][s]:.2f} s" for s in stages]
        print(f"| {r['vars']:,} | {r['rows']:,} | " + " | ".join(cells)
              + f" | {sum(r['times'].values()):.2f} s | {r['peak_mb']:.0f} | {r['status']} |")


if __name__ == "__main__":
    main()
