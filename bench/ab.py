"""Before and after in one run: the same `plantsplit solve` under two source trees, alternated.

    python bench/ab.py --base REF [--size 1000000] [--rounds 3] [--extra "--sensitivity"]

REF (a commit, tag or branch) is checked out into a temporary git worktree; every round solves the
same generated case (bench/run.py's ``make_case``) once with REF's code and once with the working
tree's, in fresh processes, alternating which goes first. Prints the wall time of each run, the
median of each side and their ratio, and checks that every output file is byte-identical (in
summary.json, only ``solve_seconds`` may differ). Not part of the test suite: a refactoring that
promises "same outputs, same speed" records its numbers from here in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import SHAPES, make_case  # noqa: E402

TIMING_KEYS = {"solve_seconds"}


def solve(src: Path, case: Path, out: Path, extra: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(src))  # this tree's solver/ comes first on the path
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "solver", "solve", str(case), "--out", str(out), *extra],
        env=env,
        cwd=out.parent,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{src}: exit {p.returncode}\n{p.stderr[-2000:]}")
    return seconds


def same_outputs(a: Path, b: Path) -> list[str]:
    diffs = []
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    for name in names:
        fa, fb = a / name, b / name
        if not (fa.is_file() and fb.is_file()):
            diffs.append(f"{name}: only in one")
        elif name == "summary.json":
            ja, jb = (json.loads(f.read_text()) for f in (fa, fb))
            if {k: v for k, v in ja.items() if k not in TIMING_KEYS} != {
                k: v for k, v in jb.items() if k not in TIMING_KEYS
            }:
                diffs.append(name)
        elif fa.read_bytes() != fb.read_bytes():
            diffs.append(name)
    return diffs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True, help="git ref of the code to compare against")
    ap.add_argument("--size", type=int, default=1_000_000, choices=sorted(SHAPES))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--extra", default="", help="more solve options, e.g. '--sensitivity --xlsx'")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="plantsplit-ab-") as tmp_name:
        tmp = Path(tmp_name)
        base = tmp / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True, capture_output=True
        )
        try:
            case = tmp / "case"
            make_case(case, *SHAPES[args.size])
            times: dict[str, list[float]] = {"base": [], "work": []}
            trees = {"base": base, "work": ROOT}
            for r in range(args.rounds):
                order = ["base", "work"] if r % 2 == 0 else ["work", "base"]
                for side in order:
                    out = tmp / f"out-{side}-{r}"
                    times[side].append(solve(trees[side], case, out, args.extra.split()))
                    print(f"round {r + 1} {side:4}: {times[side][-1]:.2f} s", flush=True)
                diffs = same_outputs(tmp / f"out-base-{r}", tmp / f"out-work-{r}")
                print(f"round {r + 1}: outputs {'byte-identical' if not diffs else 'DIFFER: ' + ', '.join(diffs)}")
            mb, mw = statistics.median(times["base"]), statistics.median(times["work"])
            print(
                f"\n| {args.size:,} flows, `solve {args.extra}`".rstrip()
                + f" | base {args.base} | working tree | ratio |"
            )
            print("|---|---|---|---|")
            print(f"| median of {args.rounds} (s) | {mb:.2f} | {mw:.2f} | {mw / mb:.3f} |")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
