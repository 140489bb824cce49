"""plantsplit from Python, on the Rogue 2012 case (run: python examples/rogue_api.py [OUT_DIR]).

Everything stays in memory (pandas DataFrames) unless you ask for files.
"""
# %% Load and solve
import sys
from pathlib import Path

import pandas as pd

import solver

pd.options.display.float_format = "{:,.2f}".format

case_dir = Path(__file__).resolve().parents[1] / "inputs" / "rogue-2012"
case = solver.load_case(case_dir)
run = solver.solve_case(case)
print(f"{case.name}: {run.status}, total cost {run.objective:,.0f} {case.currency}")

# %% Units by plant and period, as a pivot table
split = run.plan.pivot_table(index="plant", columns="period", values="units", aggfunc="sum", fill_value=0)
print(split.round(0).astype(int).to_string())

# %% Cost components over the horizon, and what was built
print(run.costs.groupby("component", sort=False)["amount"].sum().round(0).to_string())
print(run.builds[["option", "built"]].to_string(index=False))

# %% What if the won moves? A sweep, in memory
sw = solver.sweep_case(case, vary={"fx:KRW": "900:1400:100"})
print(sw.results[["fx:KRW", "objective_USD", "units:busan", "built:busan-rogue-line"]].to_string(index=False))

# %% Where exactly does the plan change?
be = solver.breakeven_case(case, "fx:KRW", 900, 1400)
print(be.table[["value_from", "value_to", "built:busan-rogue-line"]].to_string(index=False))

# %% Errors carry the located problems
try:
    solver.load_case(case_dir.parent / "no-such-case")
except solver.CaseError as exc:
    for p in exc.problems:
        print(f"problem: file {p.file}, row {p.row}, column {p.column or '-'}: {p.message}")

# %% Files only when asked: the CSVs, summary.json and plan.png (a picture of the plan)
if len(sys.argv) > 1:
    print("wrote", run.write(sys.argv[1], plot=True))
    # the same run side by side with its own files: every change is 0 (up to the files' rounding)
    same = solver.compare_runs(run, sys.argv[1])
    print("largest change:", round(same.table["change"].abs().max(), 1))
