"""Benchmark (issue 19): the stochastic decision at facility-location scale, proven optimal.

    python bench/stochastic_scale.py [--cases published,25-loose,25-tight,50-loose,50-tight,25-1000]
                                     [--time-limit 600] [--jobs 2] [--no-extensive] [--no-highs]

Cases (bench/stochastic_cases.py): the four published instances of Bodur, Dash, Günlük & Luedtke
(2017), cap101 (25 sites) and cap111/121/131 (50 sites) x 50 customers x 250 scenarios, and generated ones: 25 and
50 candidate sites x 50 markets, capacity / total mean demand about 3 (loose) and 1.3 (tight),
normal demands truncated at 0, 250 scenarios (and 1,000 for 25 sites and the loose 50-site case), fixed seeds.

Side by side, each the whole command or program with the same gap (1e-6) and time limit:
1. `plantsplit stochastic --method benders` (the decomposition; --no-wait-and-see: the decision only);
2. `plantsplit stochastic --method extensive` (one MILP to HiGHS, through plantsplit);
3. HiGHS alone on the extensive form written as an MPS file (highspy reads and solves the file:
   HiGHS's own presolve, cuts and heuristics, nothing from plantsplit); rc 4: stopped at the time limit.
Every decision found is re-evaluated independently (each scenario's transport LP solved by HiGHS
directly, stochastic_cases.Instance.costs), and the benders decision's objective is checked against it.
Results go to bench/results/stochastic_scale.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stochastic_cases import Instance, generate, published  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GAP = 1e-6

CASES = {
    "published": lambda: [published(n) for n in ("cap101", "cap111", "cap121", "cap131")],
    "25-loose": lambda: [generate(25, 50, 3.0, 250, s) for s in (1, 2)],
    "25-tight": lambda: [generate(25, 50, 1.3, 250, s) for s in (1, 2)],
    "50-loose": lambda: [generate(50, 50, 3.0, 250, 1)],
    "50-tight": lambda: [generate(50, 50, 1.3, 250, 1)],
    "25-1000": lambda: [generate(25, 50, 3.0, 1000, 1), generate(25, 50, 1.3, 1000, 1)],
    "50-1000": lambda: [generate(50, 50, 3.0, 1000, 1)],
}


def timed(cmd: list[str], limit: float) -> tuple[float, float, int, str, str]:
    """(wall s, peak MB, return code, stderr tail, stdout tail); rc -9 on the time limit. Peak: the largest sum of the
    resident sets of the command and every process under it (its worker pool), sampled every 0.1 s by psutil."""
    import psutil

    t0 = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile("w+") as err_file, tempfile.TemporaryFile("w+") as out_file:
        p = subprocess.Popen(cmd, stdout=out_file, stderr=err_file, text=True, cwd=ROOT)
        proc = psutil.Process(p.pid)
        rc = None
        while rc is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(_rss(q) for q in tree))
            except psutil.NoSuchProcess:
                pass
            try:
                rc = p.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                if time.perf_counter() - t0 > limit:
                    for q in [proc, *proc.children(recursive=True)]:
                        q.kill()
                    p.wait()
                    rc = -9
        err_file.seek(0)
        out_file.seek(0)
        err = "time limit" if rc == -9 else err_file.read()[-400:]
        out = out_file.read()[-400:]
    return time.perf_counter() - t0, peak / 2**20, rc, err, out


def _rss(q) -> int:
    import psutil

    try:
        return q.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def decision_of(out: Path, inst: Instance) -> tuple[np.ndarray, dict]:
    summary = json.loads((out / "summary.json").read_text())
    built = {r["option"]: r for r in csv.DictReader((out / "decision.csv").open())}
    x = np.array(
        [
            1.0 if str(built[f"open-s{i + 1}"]["built"]).lower() in ("1", "true", "yes", "built") else 0.0
            for i in range(inst.sites)
        ]
    )
    return x, summary


def plantsplit(inst, case, scen, method, tmp, limit, jobs, extra=()) -> dict:
    out = tmp / f"{inst.name}-{method}"
    cmd = [
        sys.executable,
        "-m",
        "solver",
        "stochastic",
        str(case),
        "--scenarios",
        str(scen),
        "--out",
        str(out),
        "--method",
        method,
        "--gap",
        str(GAP),
        "--jobs",
        str(jobs),
        "--quiet",
        *extra,
    ]
    wall, peak, rc, err, _ = timed(cmd, limit)
    row: dict[str, object] = {"seconds": round(wall, 1), "rc": rc}
    if rc != 0:
        row["error"] = err.strip().splitlines()[-1] if err.strip() else ""
        return row
    x, summary = decision_of(out, inst)
    check = inst.objective(x)
    row.update(
        objective=summary.get("objective"),
        lower=summary.get("lower_bound"),
        upper=summary.get("upper_bound"),
        iterations=summary.get("iterations"),
        cuts=summary.get("cuts"),
        built=int(x.sum()),
        independent=check,
        peak_mb=round(peak),
    )
    return row


def highs_alone(inst, case, scen, tmp, limit) -> dict:
    """The extensive form written by plantsplit as MPS (not timed), solved by HiGHS alone (highspy)."""
    mps = tmp / f"{inst.name}.mps"
    code = (
        "import sys; from pathlib import Path; from solver.case.load import load_case; "
        "from solver.studies.stochastic.case_problem import CaseProblem, load_scenarios; "
        "from solver.studies.stochastic.extensive import write_extensive_mps; "
        f"c = load_case(Path({str(case)!r})); p = CaseProblem(c, *load_scenarios(Path({str(scen)!r}), c)); "
        f"write_extensive_mps(p, Path({str(mps)!r}))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    # HiGHS alone: the library reads the MPS file and solves it with its own presolve, cuts and heuristics
    # (highspy's wheel has no `highs` program; the few lines below import nothing of plantsplit)
    solve = (
        "import sys, highspy; h = highspy.Highs(); h.setOptionValue('output_flag', False); h.readModel(sys.argv[1]); "
        f"h.setOptionValue('mip_rel_gap', {GAP}); h.setOptionValue('time_limit', {float(limit)}); "
        "h.setOptionValue('threads', 2); h.run(); s = h.getModelStatus(); "
        "i = h.getInfo(); print(h.modelStatusToString(s).replace(' ', '_'), "
        "i.objective_function_value, i.mip_dual_bound); "
        "sys.exit(0 if s == highspy.HighsModelStatus.kOptimal else 4)"
    )
    wall, peak, rc, _, out = timed([sys.executable, "-c", solve, str(mps)], limit + 60)
    words = out.split()  # status, objective, dual bound
    row: dict[str, object] = {"seconds": round(wall, 1), "rc": rc, "peak_mb": round(peak)}
    if len(words) >= 3:
        row.update(status=words[-3], objective=float(words[-2]), bound=float(words[-1]))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="published,25-loose,25-tight,50-loose,50-tight,25-1000")
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-extensive", action="store_true")
    ap.add_argument("--no-highs", action="store_true")
    a = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for group in a.cases.split(","):
            for inst in CASES[group]():
                case, scen = inst.write(tmp)
                row = {"case": inst.name, "group": group, "sites": inst.sites, "scenarios": inst.scenarios}
                row["benders"] = plantsplit(
                    inst, case, scen, "benders", tmp, a.time_limit, a.jobs, ["--no-wait-and-see"]
                )
                if not a.no_extensive:
                    row["extensive"] = plantsplit(
                        inst, case, scen, "extensive", tmp, a.time_limit, a.jobs, ["--no-wait-and-see"]
                    )
                if not a.no_highs:
                    row["highs_alone"] = highs_alone(inst, case, scen, tmp, a.time_limit)
                print(json.dumps(row), flush=True)
                results.append(row)
    out = ROOT / "bench" / "results" / "stochastic_scale.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    print("\n| case | scenarios | benders s | objective | independent check | extensive s | HiGHS alone s |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        b, e, h = r["benders"], r.get("extensive", {}), r.get("highs_alone", {})
        fmt = lambda d: "—" if not d else (f"{d['seconds']}" if d["rc"] == 0 else f">{d['seconds']} ({d['rc']})")  # noqa: E731
        print(
            f"| {r['case']} | {r['scenarios']} | {fmt(b)} | {b.get('objective', '—')} | "
            f"{b.get('independent', '—')} | {fmt(e)} | {fmt(h)} |"
        )


if __name__ == "__main__":
    main()
