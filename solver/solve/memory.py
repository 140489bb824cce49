"""Will the solve fit in memory? Two estimates, both made before the solver starts.

A case too large for this machine stops with a clear message (exit code 3, nothing
written) instead of being killed by the operating system half-way through a solve.

First, right after the case is read (``check_case``), from the flows it can have: every
(plant, market) pair of lanes.csv times the demand rows of its market, an upper bound on
the flow columns (a lane open for only some products or periods has fewer):

    needed = PER_FLOW * candidate flows

the memory the coefficient and model stages take per flow, so a case far too large stops
in a second rather than after minutes of building. Then, with the model built (``check``):

    needed = per_column * columns + per_nonzero * non-zeros + per_row * rows

with the factors measured on bench/run.py's synthetic cases (HiGHS: the model's copy in
HiGHS, its factorisation and solution, and for a decomposed solve the copies of the blocks
alive at once; PuLP solvers: PuLP's Python objects and the solver process). The memory available is
the operating system's estimate (``MemAvailable`` in /proc/meminfo, or the control
group's limit if lower), or the ``PLANTSPLIT_MEMORY_MB`` environment variable when set
(for a machine shared with other work).
"""

from __future__ import annotations

from solver.io.resources import TooLargeError, _mb, available_bytes
from solver.model.lp import LinearProgram

FACTORS = {  # bytes per column, per non-zero, per row: how far the solve raises peak RSS above the
    # resident memory when the check is made (bench/run.py's case, 2026-12-01)
    # one model: measured 547-565 MB at 1M columns (2M non-zeros, 20,500 rows), 1,489 MB at 3M
    "highs": (480, 40, 1_000),
    # blocks on at most 2 threads, each block's model freed once its solution is read:
    # measured 199-226 MB at 1M columns, 440-455 MB at 3M, 1,460 MB at 10M (101,000 rows)
    "highs-blocks": (180, 20, 1_000),
    # every block's model kept (ranging asked, or more threads than 2 solving at once):
    # measured 439 MB at 1M columns
    "highs-blocks-kept": (400, 20, 1_000),
    "pulp": (2_000, 400, 2_000),
}


PER_FLOW = 360  # bytes: coefficients + model stages per flow (bench/run.py, 1M-10M flows)


def needed_bytes(
    lp: LinearProgram,
    solver: str = "highs",
    decompose: bool = True,
    keep_blocks: bool = False,
    threads: int | None = None,
    labels=None,
) -> int:
    """``keep_blocks``: a decomposed solve keeps every block's HiGHS model (for ranging);
    without it a block's model is freed as soon as its solution is read, so at most
    ``threads`` of them live at once (counted as all of them above 2 threads). ``labels``:
    decompose.lp_labels of ``lp``, when already computed (the solve takes the same)."""
    from solver.solve.decompose import default_threads, lp_labels

    if labels is None:
        labels = lp_labels(lp, solver, decompose)
    if solver.strip().lower() != "highs":
        key = "pulp"
    elif not labels:
        key = "highs"  # one model: a MILP is searched whole, and an LP that does not split is one block
    else:
        many = (threads or default_threads()) > 2
        key = "highs-blocks-kept" if keep_blocks or many else "highs-blocks"
    per_col, per_nz, per_row = FACTORS[key]
    return per_col * lp.num_col + per_nz * len(lp.value) + per_row * lp.num_row


def candidate_flows(case) -> int:
    """Every (plant, market) pair of lanes.csv times its market's demand rows."""
    pairs = case.lanes[["plant", "market"]].drop_duplicates()
    per_market = case.demand["market"].value_counts()
    return int(pairs["market"].map(per_market).fillna(0).sum())


def check_case(case) -> None:
    """Stop a case whose flows alone would not fit, before its coefficients are built."""
    have = available_bytes()
    if have is None:
        return
    flows = candidate_flows(case)
    need = PER_FLOW * flows
    if need > have:
        raise TooLargeError(
            f"case {case.name} is too large for the memory available: its lanes and demand rows give up to "
            f"{flows:,} flows, and building their model needs about {_mb(need)} before the solver starts; "
            f"{_mb(max(have, 0))} are available. "
            "Free memory, use a larger machine, or split the case (fewer periods or markets per case)."
        )


EXTENSIVE = (3_000, 1_000)  # bytes per column and per row of each scenario's copy in one MILP (search included):
# measured 2,000-2,700 B a column on a 17,552-column, 1,530-row case with 3, 10 and 20 scenarios


def check_extensive(case_name: str, lp: LinearProgram, scenarios: int, enumerable: bool = True) -> None:
    """``stochastic --method extensive``: one MILP holds a copy of the model per scenario (its
    build columns included). ``enumerable``: --method enumerate can run this case."""
    have = available_bytes()
    if have is None:
        return
    per_col, per_row = EXTENSIVE
    need = scenarios * (per_col * lp.num_col + per_row * lp.num_row)
    if need > have:
        raise TooLargeError(
            f"case {case_name} is too large for the memory available with --method extensive: one MILP of its "
            f"{scenarios:,} scenarios ({scenarios:,} x {lp.num_col:,} variables and {lp.num_row:,} constraints) needs "
            f"about {_mb(need)}, and {_mb(max(have, 0))} are available. Use --method "
            + ("benders or enumerate" if enumerable else "benders")
            + " (one scenario's model at a time), or fewer "
            "scenarios."
        )


def check(
    case_name: str,
    lp: LinearProgram,
    solver: str = "highs",
    decompose: bool = True,
    keep_blocks: bool = False,
    threads: int | None = None,
    labels=None,
) -> None:
    need, have = needed_bytes(lp, solver, decompose, keep_blocks, threads, labels), available_bytes()
    if have is not None and need > have:
        raise TooLargeError(
            f"case {case_name} is too large for the memory available: solving its "
            f"{lp.num_col:,} variables and {lp.num_row:,} constraints ({len(lp.value):,} non-zeros) needs "
            f"about {_mb(need)}, and {_mb(max(have, 0))} are available. "
            "Free memory, use a larger machine, or split the case (fewer periods or markets per case)."
        )
