"""Will the solve fit in memory? An estimate made before the solver starts.

A case too large for this machine stops with a clear message (exit code 3, nothing
written) instead of being killed by the operating system half-way through a solve.

    needed = per_column * columns + per_nonzero * non-zeros + per_row * rows

with the factors measured on bench/run.py's synthetic cases (HiGHS: the model's copy in
HiGHS, its factorisation and solution, and for a decomposed solve the blocks' copies;
PuLP solvers: PuLP's Python objects and the solver process). The memory available is
the operating system's estimate (``MemAvailable`` in /proc/meminfo, or the control
group's limit if lower), or the ``PLANTSPLIT_MEMORY_MB`` environment variable when set
(for a machine shared with other work).
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import PlantsplitError, UsageError
from .model.lp import LinearProgram

MB = 2**20
FACTORS = {  # bytes per column, per non-zero, per row
    "highs": (380, 30, 1_000),  # measured at 1M columns: 364 MB; at 100k: 45 MB
    "highs-blocks": (550, 80, 1_000),  # measured at 1M columns: 535 MB; at 100k: 71 MB
    "pulp": (2_000, 400, 2_000),
}


class TooLargeError(PlantsplitError):
    """The case needs more memory than is available (exit code 3; nothing is written)."""


def available_bytes() -> int | None:
    """Memory this process may still use, or None if unknown."""
    env = os.environ.get("PLANTSPLIT_MEMORY_MB", "").strip()
    if env:
        try:
            return int(float(env) * MB)
        except ValueError:
            raise UsageError(f"PLANTSPLIT_MEMORY_MB={env!r} is not a number of megabytes") from None
    found = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
        if limit.isdigit() and used.isdigit():
            found.append(int(limit) - int(used))
    except OSError:
        pass
    return min(found) if found else None


def needed_bytes(lp: LinearProgram, solver: str = "highs", decompose: bool = True) -> int:
    key = "pulp" if solver.strip().lower() != "highs" else ("highs-blocks" if decompose else "highs")
    per_col, per_nz, per_row = FACTORS[key]
    return per_col * lp.num_col + per_nz * len(lp.value) + per_row * lp.num_row


def check(case_name: str, lp: LinearProgram, solver: str = "highs", decompose: bool = True) -> None:
    need, have = needed_bytes(lp, solver, decompose), available_bytes()
    if have is not None and need > have:
        raise TooLargeError(
            f"case {case_name} is too large for the memory available: solving its "
            f"{lp.num_col:,} variables and {lp.num_row:,} constraints ({len(lp.value):,} non-zeros) needs "
            f"about {need / MB:,.0f} MB, and {max(have, 0) / MB:,.0f} MB are available. "
            "Free memory, use a larger machine, or split the case (fewer periods or markets per case).")
