"""Benchmark: `plantsplit solve` on networks with hubs (nodes.csv): plants > export ports > import ports
> markets, timed end to end as a user runs it (a fresh process; wall time and peak memory).

    python bench/hubs_bench.py [--shapes small,medium]

Each plant ships through its one nearest export port; every export port reaches every import port;
each market is served from its two nearest import ports; so every plant reaches every market by two
routes and a case has 2 x plants x markets x products x periods route flows. Export ports have a
throughput limit that binds. Prints a Markdown table (paste it into docs/benchmarks.md). Not part
of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHAPES = {  # (plants, export ports, import ports, markets, products, periods)
    "small": (10, 3, 3, 100, 5, 10),
    "medium": (50, 10, 10, 1000, 10, 1),
    "large": (50, 10, 10, 1000, 10, 5),
    "issue": (50, 10, 10, 1000, 10, 10),  # the size issue 18 names
}


def make_case(folder: Path, plants: int, exports: int, imports: int, markets: int, products: int, periods: int):
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True)
    pl = [f"p{i}" for i in range(plants)]
    ex = [f"x{i}" for i in range(exports)]
    im = [f"i{i}" for i in range(imports)]
    mk = [f"m{i}" for i in range(markets)]
    ks = [f"k{i}" for i in range(products)]
    ts = [str(2030 + t) for t in range(periods)]
    pd.DataFrame({"plant": pl, "country": [f"C{i % 5}" for i in range(plants)], "currency": "USD"}).to_csv(
        folder / "plants.csv", index=False
    )
    demand = pd.DataFrame([(m, k, t) for m in mk for k in ks for t in ts], columns=["market", "product", "period"])
    demand["units"] = rng.integers(10, 100, len(demand))
    demand["unmet_penalty"] = 5000
    demand.to_csv(folder / "demand.csv", index=False)
    total = demand.groupby("period")["units"].sum().max()
    pd.DataFrame({"plant": pl, "max_units": int(1.5 * total / plants)}).to_csv(folder / "capacity.csv", index=False)
    pd.DataFrame({"plant": pl, "unit_cost": rng.integers(800, 1200, plants)}).to_csv(folder / "costs.csv", index=False)
    hubs = pd.DataFrame({"hub": ex + im, "handling_cost": rng.integers(5, 40, exports + imports)})
    hubs["max_units"] = [int(0.8 * total / exports * (1 + 0.5 * rng.random())) for _ in ex] + [None] * imports
    hubs.to_csv(folder / "nodes.csv", index=False)
    lanes = [(p, ex[i % exports], rng.integers(10, 80)) for i, p in enumerate(pl)]
    lanes += [(x, i, rng.integers(200, 900)) for x in ex for i in im]
    lanes += [(im[(j + d) % imports], m, rng.integers(20, 200)) for j, m in enumerate(mk) for d in (0, 1)]
    pd.DataFrame(lanes, columns=["plant", "market", "freight_cost"]).to_csv(folder / "lanes.csv", index=False)
    taxed = mk[:: max(1, markets // 50)]
    rates = [(f"C{c}", m, rng.choice([0.0, 0.025, 0.1])) for c in range(5) for m in taxed]
    tariffs = pd.DataFrame(rates, columns=["origin", "market", "rate"]).assign(basis="fob")
    tariffs.to_csv(folder / "tariffs.csv", index=False)
    return 2 * plants * markets * products * periods


def run(shape: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / f"hubs-{shape}"
        flows = make_case(case, *SHAPES[shape])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        r = subprocess.run(
            [sys.executable, "-m", "solver", "solve", str(case), "--out", str(Path(tmp) / "out")],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        wall = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        status = r.stdout.splitlines()[0] if r.returncode == 0 else f"exit {r.returncode}: {r.stderr.strip()[-200:]}"
        return dict(shape=shape, dims=SHAPES[shape], flows=flows, wall=wall, peak_mb=max(peak, before) / 1024,
                    status=status)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", default="small,medium")
    args = ap.parse_args()
    print("| shape | plants > export > import ports > markets x products x periods | route flows | "
          "`plantsplit solve` wall | peak RSS MB | status |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        r = run(shape)
        p, e, i, m, k, t = r["dims"]
        print(f"| {shape} | {p} > {e} > {i} > {m} x {k} x {t} | {r['flows']:,} | {r['wall']:.1f} s | "
              f"{r['peak_mb']:.0f} | {r['status']} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
