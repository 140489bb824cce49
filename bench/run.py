"""Benchmark: time and peak memory of each stage of `plantsplit solve` on synthetic cases of
growing size, monolithic vs decomposed (2 threads and serial), against HiGHS alone on the
same monolithic model (the `--write-model` MPS, read and solved in a fresh process) and
linopy building and loading the same LP structure (an anchor, if linopy is installed).

    python bench/run.py [--sizes 10000,100000,1000000] [--modes monolithic,threads-2,serial]

A case of P plants x M markets x K products x T periods has P*M*K*T flow variables. Every
measurement runs in a fresh process (peak memory is per process). Prints Markdown tables
(paste them into docs/benchmarks.md). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solver import __version__  # noqa: E402
from solver.model import coefficients  # noqa: E402
from solver.solve import memory  # noqa: E402
from solver.case.load import load_case  # noqa: E402
from solver.solve.decompose import lp_labels  # noqa: E402
from solver.model.create import create_model  # noqa: E402
from solver.io.output import csv_bytes  # noqa: E402
from solver.io.temporary import write_all  # noqa: E402
from solver.results.tables import tabulate  # noqa: E402
from solver.solve.solve import solve  # noqa: E402
from solver.solve.marginal import limit_marginals  # noqa: E402
from solver.solve.highs import write_model  # noqa: E402

SHAPES = {  # variables: (plants, markets, products, periods)
    10_000: (10, 50, 2, 10),
    100_000: (20, 100, 5, 10),
    1_000_000: (50, 400, 5, 10),
    3_000_000: (150, 400, 5, 10),
    10_000_000: (100, 1000, 10, 10),
}
MODES: dict[str, dict[str, Any]] = {
    "monolithic": dict(decompose=False),
    "threads-2": dict(threads=2),
    "serial": dict(threads=1),
    "threads-2-cold": dict(threads=2),
}  # as threads-2, each block started cold (no basis handed on)


def make_case(
    folder: Path, plants: int, markets: int, products: int, periods: int, seed: int = 1, drift: bool = False
) -> None:
    """``drift``: the EUR and KRW rates move from period to period (a random walk, 10% a
    period), so the periods' costs differ, not only their demands (a block's optimal basis is
    then not dual feasible for the next period)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    P = [f"p{i}" for i in range(plants)]
    M = [f"m{j}" for j in range(markets)]
    K = [f"k{k}" for k in range(products)]
    T = [str(2020 + t) for t in range(periods)]
    cur = ["USD", "EUR", "KRW"]
    (folder / "plants.csv").write_text(
        "plant,country,currency\n" + "".join(f"{p},C{i % 5},{cur[i % 3]}\n" for i, p in enumerate(P))
    )
    demand = rng.integers(100, 1000, size=(markets, products, periods))
    (folder / "demand.csv").write_text(
        "market,product,period,units\n"
        + "".join(
            f"{m},{k},{t},{demand[j, kk, tt]}\n"
            for j, m in enumerate(M)
            for kk, k in enumerate(K)
            for tt, t in enumerate(T)
        )
    )
    per_plant = int(demand.sum(axis=(0, 1)).max() * 1.3 / plants) + 1
    (folder / "capacity.csv").write_text("plant,max_units\n" + "".join(f"{p},{per_plant}\n" for p in P))
    freight = rng.uniform(50, 900, size=(plants, markets))
    (folder / "lanes.csv").write_text(
        "plant,market,freight_cost\n"
        + "".join(f"{p},{m},{freight[i, j]:.2f}\n" for i, p in enumerate(P) for j, m in enumerate(M))
    )
    rate = {"USD": 1.0, "EUR": 0.9, "KRW": 1100.0}
    (folder / "costs.csv").write_text(
        "plant,product,unit_cost\n"
        + "".join(f"{p},{k},{rng.uniform(9000, 12000) * rate[cur[i % 3]]:.2f}\n" for i, p in enumerate(P) for k in K)
    )
    if drift:
        walk = np.exp(np.cumsum(rng.normal(0, 0.1, size=(2, periods)), axis=1))
        (folder / "fx.csv").write_text(
            "currency,period,rate\n"
            + "".join(
                f"{c},{t},{base * walk[i, tt]:.6f}\n"
                for i, (c, base) in enumerate([("EUR", 0.9), ("KRW", 1100)])
                for tt, t in enumerate(T)
            )
        )
    else:
        (folder / "fx.csv").write_text("currency,rate\nEUR,0.9\nKRW,1100\n")
    (folder / "tariffs.csv").write_text(
        "origin,market,rate\n" + "".join(f"C{c},{m},{(c * 7 + j) % 10}%\n" for c in range(5) for j, m in enumerate(M))
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(size: int, mode: str, case_dir: Path, out: Path) -> dict:
    """One `plantsplit solve` in this process, stage by stage (time, peak RSS after it)."""
    t, mem = {}, {}
    if mode.endswith("-cold"):
        from solver.solve import decompose

        # every block started cold: the warm start replaced on purpose, in this process only
        decompose.WarmChain.start = lambda self, key: None  # type: ignore[method-assign]

    def stage(name, t0):
        t[name], mem[name] = time.perf_counter() - t0, peak_mb()

    t0 = time.perf_counter()
    case = load_case(case_dir)
    memory.check_case(case)  # as solve_loaded: the memory checks are part of the command's time
    stage("read + check", t0)
    t0 = time.perf_counter()
    co = coefficients.build(case)
    stage("coefficients", t0)
    t0 = time.perf_counter()
    lp = create_model(case, co)
    opts = MODES[mode]
    labels = lp_labels(lp, decompose=opts.get("decompose", True))  # once, for the check and the solve
    memory.check(case.name, lp, decompose=opts.get("decompose", True), threads=opts.get("threads"), labels=labels)
    stage("model", t0)
    t0 = time.perf_counter()
    sol = solve(lp, ranging=False, labels=labels, **opts)  # as `plantsplit solve` without --sensitivity
    stage("solve", t0)
    t0 = time.perf_counter()
    steps = limit_marginals(lp, sol, opts.get("threads"))  # as `plantsplit solve` (--marginals exact)
    stage("marginals", t0)
    t0 = time.perf_counter()
    res = tabulate(case, co, lp, sol, steps)
    write_all(
        out,
        {
            "plan.csv": csv_bytes(res.plan),
            "utilization.csv": csv_bytes(res.utilization),
            "supply.csv": csv_bytes(res.supply),
        },
    )
    stage("results + write", t0)
    return {
        "vars": lp.num_col,
        "rows": lp.num_row,
        "status": sol.status.value,
        "objective": sol.objective,
        "blocks": len(sol.blocks) if sol.blocks else 1,
        "times": t,
        "peak_mb": mem,
    }


HIGHS_ALONE = """
import json, resource, sys, time
t0 = time.perf_counter()
import highspy
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.readModel(sys.argv[1])
t1 = time.perf_counter()
h.run()
t2 = time.perf_counter()
print(json.dumps({"read": t1 - t0, "solve": t2 - t1, "objective": h.getInfo().objective_function_value,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

LINOPY = """
import json, sys, time
import numpy as np, pandas as pd
P, M, K, T = (int(a) for a in sys.argv[1:5])
t0 = time.perf_counter()
import linopy, xarray as xr
rng = np.random.default_rng(1)
c = xr.DataArray(rng.uniform(9000, 12000, (P, M, K, T)), dims=["p", "m", "k", "t"])
d = xr.DataArray(rng.integers(100, 1000, (M, K, T)).astype(float), dims=["m", "k", "t"])
cap = xr.DataArray(np.full((P, T), float(d.sum(["m", "k"]).max()) * 1.3 / P + 1), dims=["p", "t"])
m = linopy.Model()
x = m.add_variables(lower=0, coords=[pd.RangeIndex(n, name=s) for n, s in zip((P, M, K, T), "pmkt")], name="x")
m.add_constraints(x.sum("p") == d, name="demand")
m.add_constraints(x.sum(["m", "k"]) <= cap, name="capacity")
m.add_objective((c * x).sum())
t1 = time.perf_counter()
h = m.to_highspy()
t2 = time.perf_counter()
print(json.dumps({"build": t1 - t0, "load": t2 - t1, "vars": int(h.getNumCol())}))
"""


def run_child(args: list[str]) -> dict:
    r = subprocess.run([sys.executable, *args], capture_output=True, text=True)
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        return {"error": (r.stderr.strip().splitlines() or [f"exit code {r.returncode}, no output"])[-1]}
    return json.loads(lines[-1])


def bench(size: int, modes: list[str], alone: bool = True, drift: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        case_dir = Path(tmp) / f"synthetic-{size}"
        make_case(case_dir, *SHAPES[size], drift=drift)
        runs = {m: run_child([__file__, "--one", str(size), m, str(case_dir), str(Path(tmp) / m)]) for m in modes}
        if not alone:
            return {
                "size": size,
                "runs": runs,
                "alone": {"error": "not run (--no-alone)"},
                "linopy": {"error": "not run"},
            }
        model = Path(tmp) / "model.mps"
        case = load_case(case_dir)
        write_model(create_model(case, coefficients.build(case)), model)
        del case
        highs_alone = run_child(["-c", HIGHS_ALONE, str(model)])
    try:
        import linopy  # noqa: F401

        anchor = run_child(["-c", LINOPY, *map(str, SHAPES[size])])
    except ImportError:
        anchor = {"error": "linopy not installed"}
    return {"size": size, "runs": runs, "alone": highs_alone, "linopy": anchor}


def report(rows: list[dict]) -> None:
    stages = ["read + check", "coefficients", "model", "solve", "marginals", "results + write"]
    print(
        "| flow variables | rows | mode | blocks | "
        + " | ".join(stages)
        + " | total | peak RSS MB after each stage | status |"
    )
    print("|---" * (len(stages) + 7) + "|")
    for r in rows:
        for mode, x in r["runs"].items():
            if "error" in x:
                print(f"| {r['size']:,} | | {mode} | | " + " | ".join("" for _ in stages) + f" | | | {x['error']} |")
                continue
            cells = [f"{x['times'][s]:.2f} s" for s in stages]
            peaks = " / ".join(f"{x['peak_mb'][s]:.0f}" for s in stages)
            print(
                f"| {x['vars']:,} | {x['rows']:,} | {mode} | {x['blocks']} | "
                + " | ".join(cells)
                + f" | {sum(x['times'].values()):.2f} s | {peaks} | {x['status']} |"
            )
    modes = list(dict.fromkeys(m for r in rows for m in r["runs"]))
    print(
        "\n| flow variables | HiGHS alone (read MPS + solve) | its peak MB | plantsplit end to end / HiGHS alone "
        f"({', '.join(modes)}) | peak MB ratio (same) | linopy build + load (anchor) | "
        "largest objective difference |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        a = r["alone"]
        if "error" in a:
            print(f"| {r['size']:,} | {a['error']} | | | | | |")
            continue
        base = a["read"] + a["solve"]
        ok = {m: x for m, x in r["runs"].items() if "error" not in x}
        ratios = ", ".join(f"{sum(x['times'].values()) / base:.2f}x" for x in ok.values())
        mem = ", ".join(f"{max(x['peak_mb'].values()) / a['peak_mb']:.2f}x" for x in ok.values())
        diff = max((abs(x["objective"] - a["objective"]) / abs(a["objective"]) for x in ok.values()), default=0.0)
        lin = r["linopy"]
        anchor = lin["error"] if "error" in lin else f"{lin['build']:.2f} s + {lin['load']:.2f} s"
        print(
            f"| {r['size']:,} | {base:.2f} s (solve {a['solve']:.2f} s) | {a['peak_mb']:.0f} | {ratios} | {mem} | "
            f"{anchor} | {diff:.1e} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--no-alone", action="store_true", help="skip HiGHS alone and linopy (for the largest sizes)")
    ap.add_argument("--drift", action="store_true", help="exchange rates that move from period to period")
    ap.add_argument("--one", nargs=4, metavar=("SIZE", "MODE", "CASE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        size, mode, case_dir, out = args.one
        print(json.dumps(one(int(size), mode, Path(case_dir), Path(out))))
        return
    print(f"plantsplit {__version__}, Python {platform.python_version()}, {platform.machine()}\n")
    report(
        [bench(int(s), args.modes.split(","), alone=not args.no_alone, drift=args.drift) for s in args.sizes.split(",")]
    )


if __name__ == "__main__":
    main()
