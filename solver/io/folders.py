"""Output folders: where each command writes, and which folders it refuses (the case folder, another command's outputs)."""
from __future__ import annotations

from pathlib import Path

from solver.errors import UsageError
from solver.io.casefiles import case_name

OUTPUT_NAMES = ("plan.csv", "utilization.csv", "supply.csv", "cost_breakdown.csv", "builds.csv", "sourcing.csv",
                "sensitivity_flows.csv", "sensitivity_constraints.csv", "summary.json", "plan.xlsx", "plan.png")


# What each command writes into its output folder. A folder holds the outputs of one
# command: without --out each command writes to its own default_out_dir, and a command
# refuses an --out that holds another command's files. A new command adds its entry here
# and calls check_out_dir(case_dir, out, "<command>").
COMMAND_OUTPUTS: dict[str, tuple[str, ...]] = {
    "solve": OUTPUT_NAMES,
    "breakeven": ("breakpoints.csv", "breakeven.json"),
    "sweep": ("results.csv", "plans.csv", "sweep.json", "results.xlsx"),
    "stochastic": ("summary.json", "decision.csv", "scenario_costs.csv", "decisions.csv", "evaluation.csv",
                   "stochastic.xlsx"),
    "compare": ("comparison.csv", "comparison.xlsx"),
}


def default_out_dir(case_name: str, command: str) -> Path:
    """``outputs/<case folder name>/<command>/``: where a command writes without --out."""
    return Path("outputs") / case_name / command


def check_out_dir(case_dir: Path | None, out_dir: Path, command: str | None = None) -> None:
    """Refuse the case folder itself (when there is one), and a folder that holds another
    command's outputs."""
    if case_dir is not None and Path(out_dir).resolve() == Path(case_dir).resolve():
        raise UsageError(f"--out {out_dir} is the case folder itself; choose another folder for outputs")
    if command is None:
        return
    for other, names in COMMAND_OUTPUTS.items():
        # a file names its command only if no other command writes a file of that name
        shared = {n for c, o in COMMAND_OUTPUTS.items() if c != other for n in o}
        found = [n for n in names if other != command and n not in shared and (Path(out_dir) / n).exists()]
        if found:
            # a command of no case (compare) has no default folder to offer
            default = (f", or leave it out to write to {default_out_dir(case_name(Path(case_dir)), command)}/"
                       if case_dir is not None else "")
            raise UsageError(
                f"{out_dir} holds the outputs of plantsplit {other} ({', '.join(found)}); a folder holds the "
                f"outputs of one command: choose another --out{default}")
