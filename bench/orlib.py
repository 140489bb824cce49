"""OR-Library's capacitated warehouse location instances capa, capb, capc as plantsplit cases,
and a benchmark: plantsplit against HiGHS alone on the same model, to the published optimum.

    python bench/orlib.py [--instances capa:8000,capb:5000,capc:5000] [--time-limit 600]
    python bench/orlib.py --write capa:8000 FOLDER     # just write the case

Data: J.E. Beasley, "An algorithm for solving large capacitated warehouse location
problems", European Journal of Operational Research 33 (1988) 314-325; files from
OR-Library (capa, capb, capc: 100 warehouses x 1,000 customers; MIT licence, see
bench/orlib/COPYRIGHT), as distributed in aimms/examples (Practical Examples/Location/
CFLP/Input). Each file serves four instances that differ only in the capacity of every
warehouse (Beasley's Table 1); the optima are OR-Library's capopt list.

The case: a warehouse is a plant with no capacity of its own (capacity.csv max_units 0)
and one build option adding its capacity for its fixed cost; a customer is a market
whose demand is d_j; serving all of customer j from warehouse i costs c_ij, so the lane's
freight is c_ij / d_j per unit. Customers may be served from several warehouses, as in
Beasley's problems. The objective is then sum_i f_i y_i + sum_ij (c_ij / d_j) x_ij, the
published one.
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "orlib"

OPTIMA = {  # OR-Library capopt: instance -> {capacity: optimal cost}
    "capa": {8000: 19240822.449, 10000: 18438046.543, 12000: 17765201.949, 14000: 17160439.012},
    "capb": {5000: 13656379.578, 6000: 13361927.449, 7000: 13198556.434, 8000: 13082516.496},
    "capc": {5000: 11646596.974, 5750: 11570340.289, 6500: 11518743.744, 7250: 11505767.394},
}


def read_instance(name: str):
    """(fixed costs [m], demands [n], costs [n][m]) of OR-Library file ``name``."""
    tokens = gzip.open(DATA / f"{name}.txt.gz", "rt").read().split()
    m, n = int(tokens[0]), int(tokens[1])
    pos = 2
    fixed = []
    for _ in range(m):
        fixed.append(float(tokens[pos + 1]))  # tokens[pos] is the capacity (or the word "capacity")
        pos += 2
    demand, cost = [], []
    for _ in range(n):
        demand.append(float(tokens[pos]))
        cost.append([float(t) for t in tokens[pos + 1:pos + 1 + m]])
        pos += 1 + m
    assert pos == len(tokens), f"{name}: {len(tokens) - pos} numbers left over"
    return fixed, demand, cost


def write_case(name: str, capacity: float, folder: Path) -> Path:
    fixed, demand, cost = read_instance(name)
    folder.mkdir(parents=True, exist_ok=True)
    W = [f"w{i + 1}" for i in range(len(fixed))]
    C = [f"c{j + 1}" for j in range(len(demand))]
    (folder / "plants.csv").write_text("plant,country,currency\n" + "".join(f"{w},X,USD\n" for w in W))
    (folder / "capacity.csv").write_text("plant,max_units\n" + "".join(f"{w},0\n" for w in W))
    (folder / "expansions.csv").write_text("option,plant,added_units,fixed_cost,first_period\n" + "".join(
        f"open-{w},{w},{capacity:g},{f!r},1\n" for w, f in zip(W, fixed)))
    (folder / "demand.csv").write_text("market,product,period,units\n" + "".join(
        f"{c},goods,1,{d:g}\n" for c, d in zip(C, demand)))
    (folder / "lanes.csv").write_text("plant,market,freight_cost\n" + "".join(
        f"{w},{c},{cost[j][i] / demand[j]!r}\n" for j, c in enumerate(C) for i, w in enumerate(W)))
    return folder


HIGHS_ALONE = """
import json, sys, time
import highspy
t0 = time.perf_counter()
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("time_limit", float(sys.argv[2]))
h.readModel(sys.argv[1])
t1 = time.perf_counter()
h.run()
t2 = time.perf_counter()
print(json.dumps({"objective": h.getInfo().objective_function_value, "read": t1 - t0, "solve": t2 - t1,
                  "status": h.modelStatusToString(h.getModelStatus())}))
"""


def bench(name: str, capacity: int, time_limit: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        case = write_case(name, capacity, Path(tmp) / f"{name}-{capacity}")
        model = Path(tmp) / "model.mps"
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "solver", "solve", str(case), "--out", str(Path(tmp) / "out"),
                              "--write-model", str(model), "--time-limit", str(time_limit)],
                             capture_output=True, text=True, cwd=ROOT)
        ours = time.perf_counter() - t0
        summary = json.loads((Path(tmp) / "out" / "summary.json").read_text()) if run.returncode == 0 else {}
        t0 = time.perf_counter()
        alone = subprocess.run([sys.executable, "-c", HIGHS_ALONE, str(model), str(time_limit)],
                               capture_output=True, text=True)
        alone_wall = time.perf_counter() - t0
        h = json.loads(alone.stdout.strip().splitlines()[-1]) if alone.returncode == 0 else {}
    best = OPTIMA[name][capacity]
    return {"instance": f"{name} ({capacity})", "published": best,
            "plantsplit": summary.get("objective"), "plantsplit_status": summary.get("status", run.stderr.strip()),
            "plantsplit_s": ours, "highs": h.get("objective"), "highs_status": h.get("status"),
            "highs_s": alone_wall, "highs_solve_s": h.get("solve")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", default="capa:8000,capb:5000,capc:5000")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--write", nargs=2, metavar=("NAME:CAPACITY", "FOLDER"))
    args = ap.parse_args()
    if args.write:
        name, cap = args.write[0].split(":")
        print(write_case(name, int(cap), Path(args.write[1])))
        return
    print("| instance | published optimum | plantsplit (whole command) | time | HiGHS alone on the written MPS | time (solve) |")
    print("|---|---|---|---|---|---|")
    for item in args.instances.split(","):
        name, cap = item.split(":")
        r = bench(name, int(cap), args.time_limit)
        ours = f"{r['plantsplit']:,.2f} ({r['plantsplit_status']})" if r["plantsplit"] is not None else r["plantsplit_status"]
        alone = f"{r['highs']:,.2f} ({r['highs_status']})" if r["highs"] is not None else "failed"
        print(f"| {r['instance']} | {r['published']:,.3f} | {ours} | {r['plantsplit_s']:.1f} s | {alone} | "
              f"{r['highs_s']:.1f} s ({r['highs_solve_s'] or 0:.1f} s) |", flush=True)


if __name__ == "__main__":
    main()
