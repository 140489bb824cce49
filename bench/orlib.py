"""OR-Library's capacitated warehouse location instances capa, capb, capc as plantsplit cases,
and a benchmark: plantsplit against HiGHS alone on the same model, to the published optimum.

    python bench/orlib.py [--instances capa:8000,capb:5000,capc:5000] [--time-limit 300] [--options '--no-tighten']
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
        cost.append([float(t) for t in tokens[pos + 1 : pos + 1 + m]])
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
    (folder / "expansions.csv").write_text(
        "option,plant,added_units,fixed_cost,first_period\n"
        + "".join(f"open-{w},{w},{capacity:g},{f!r},1\n" for w, f in zip(W, fixed, strict=True))
    )
    (folder / "demand.csv").write_text(
        "market,product,period,units\n" + "".join(f"{c},goods,1,{d:g}\n" for c, d in zip(C, demand, strict=True))
    )
    (folder / "lanes.csv").write_text(
        "plant,market,freight_cost\n"
        + "".join(f"{w},{c},{cost[j][i] / demand[j]!r}\n" for j, c in enumerate(C) for i, w in enumerate(W))
    )
    return folder


HIGHS_ALONE = """
import json, sys, time
import highspy
t0 = time.perf_counter()
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("time_limit", float(sys.argv[2]))
h.setOptionValue("mip_rel_gap", float(sys.argv[4]))
h.readModel(sys.argv[1])
t1 = time.perf_counter()
target, reached = float(sys.argv[3]), []

def improved(e):
    if not reached and e.data_out.objective_function_value <= target * (1 + REACHED):
        reached.append(time.perf_counter() - t1)

h.cbMipImprovingSolution.subscribe(improved)
h.run()
t2 = time.perf_counter()
info = h.getInfo()
print(json.dumps({"objective": info.objective_function_value, "gap": info.mip_gap, "read": t1 - t0,
                  "solve": t2 - t1, "reached": reached[0] if reached else None,
                  "status": h.modelStatusToString(h.getModelStatus())}))
"""
REACHED = 1e-7  # a plan within this relative distance of the published optimum has reached it (they have 3 decimals)
GAP = 1e-6  # plantsplit's default --gap, given to HiGHS alone too


def bench(name: str, capacity: int, time_limit: float, extra: list[str]) -> dict:
    best = OPTIMA[name][capacity]
    with tempfile.TemporaryDirectory() as tmp:
        case = write_case(name, capacity, Path(tmp) / f"{name}-{capacity}")
        model = Path(tmp) / "model.mps"
        t0 = time.perf_counter()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "solver",
                "solve",
                str(case),
                "--out",
                str(Path(tmp) / "out"),
                "--write-model",
                str(model),
                "--time-limit",
                str(time_limit),
                *extra,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        ours = time.perf_counter() - t0
        summary = json.loads((Path(tmp) / "out" / "summary.json").read_text()) if run.returncode == 0 else {}
        t0 = time.perf_counter()
        alone = subprocess.run(
            [
                sys.executable,
                "-c",
                HIGHS_ALONE.replace("REACHED", repr(REACHED)),
                str(model),
                str(time_limit),
                str(best),
                str(GAP),
            ],
            capture_output=True,
            text=True,
        )
        alone_wall = time.perf_counter() - t0
        h = json.loads(alone.stdout.strip().splitlines()[-1]) if alone.returncode == 0 else {}
    return {
        "instance": f"{name} ({capacity})",
        "published": best,
        "options": " ".join(extra) or "default",
        "plantsplit": summary.get("objective"),
        "plantsplit_status": summary.get("status", run.stderr.strip()),
        "plantsplit_gap": summary.get("mip_gap"),
        "plantsplit_s": ours,
        "highs": h.get("objective"),
        "highs_status": h.get("status"),
        "highs_gap": h.get("gap"),
        "highs_reached": h.get("reached"),
        "highs_s": alone_wall,
        "highs_solve_s": h.get("solve"),
    }


def _above(value, best) -> str:
    """How far a plan is above the published optimum: 'optimum' within REACHED, else +x.xx%."""
    if value is None:
        return "no plan"
    return "at the optimum" if value <= best * (1 + REACHED) else f"+{(value - best) / best:.2%}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", default="capa:8000,capb:5000,capc:5000")
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--options", default="", help="extra options for plantsplit solve, e.g. '--no-tighten'")
    ap.add_argument("--write", nargs=2, metavar=("NAME:CAPACITY", "FOLDER"))
    args = ap.parse_args()
    if args.write:
        name, cap = args.write[0].split(":")
        print(write_case(name, int(cap), Path(args.write[1])))
        return
    print(
        "| instance | published optimum | plantsplit solve (options) | its plan | status, gap | whole command "
        "| HiGHS alone on the written MPS: its plan | status, gap | reached the optimum after | read + solve |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for item in args.instances.split(","):
        name, cap = item.split(":")
        r = bench(name, int(cap), args.time_limit, args.options.split())
        best = r["published"]
        gap = lambda g: "" if g is None else f", gap {g:.2%}"  # noqa: E731
        reached = f"{r['highs_reached']:.1f} s" if r["highs_reached"] is not None else "not reached"
        print(
            f"| {r['instance']} | {best:,.3f} | {r['options']} | "
            f"{r['plantsplit'] or 0:,.2f} ({_above(r['plantsplit'], best)}) | {r['plantsplit_status']}"
            f"{gap(r['plantsplit_gap'])} | {r['plantsplit_s']:.1f} s | {r['highs'] or 0:,.2f} "
            f"({_above(r['highs'], best)}) | {r['highs_status']}{gap(r['highs_gap'])} | {reached} | "
            f"{r['highs_s']:.1f} s ({r['highs_solve_s'] or 0:.1f} s) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
