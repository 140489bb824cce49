"""plantsplit from Python, on the Rogue 2012 case (run: python examples/rogue_api.py [OUT_DIR]).

Everything stays in memory (pandas DataFrames) unless you ask for files. The case
discounts at 8% a year: a total cost is a present value at 2012, while the amounts of a
single year are at face value (the money of that year); each print says which.
"""

# %% Load and solve
import sys
from pathlib import Path

import pandas as pd

import solver

case_dir = Path(__file__).resolve().parents[1] / "inputs" / "rogue-2012"
case = solver.load_case(case_dir)
cur = case.currency
run = solver.solve_case(case)
pv = f"present value at {case.periods[0]}, discount rate {case.discount_rate:g} a year"
print(f"{case.name}: {run.status}, total cost {run.objective:,.0f} {cur} ({pv})")

money = "{:,.0f}".format
count = "{:d}".format

# %% Units by plant and period, as a pivot table (whole units)
split = run.plan.pivot_table(index="plant", columns="period", values="units", aggfunc="sum", fill_value=0)
print(split.round(0).astype(int).to_string())

# %% Cost components over the horizon: at face value, and in present value (these add up to the total)
costs = run.costs.groupby("component", sort=False)[["amount", "present_value"]].sum()
costs.columns = [f"face value ({cur})", f"present value ({cur})"]
costs.loc["total"] = [run.costs["amount"].sum(), run.objective]
print(costs.to_string(formatters=[money, money]))

# %% What was built (1 = built, 0 = not)
print(run.builds[["option", "built"]].astype({"built": int}).to_string(index=False))

# %% What if the won moves? A sweep, in memory (total cost in present value)
sw = solver.sweep_case(case, vary={"fx:KRW": "900:1400:100"})
table = sw.results[["fx:KRW", f"objective_{cur}", "units:busan", "built:busan-rogue-line"]].copy()
table = table.astype({"units:busan": int, "built:busan-rogue-line": int})
table.columns = ["KRW per USD", f"total cost, present value ({cur})", "busan units", "line built"]
print(table.to_string(index=False, formatters=[money, money, "{:,d}".format, count]))

# %% Where exactly does the plan change? (the exact breakpoints of the won)
be = solver.breakeven_case(case, "fx:KRW", 900, 1400)
points = be.table[["value_from", "value_to", "built:busan-rogue-line"]].astype({"built:busan-rogue-line": int})
print(points.to_string(index=False, formatters=["{:,.2f}".format, "{:,.2f}".format, count]))

# %% Build the line before the won is known? Five equally likely rates (two-stage decision)
futures = pd.DataFrame(
    {"scenario": ["w900", "w1000", "w1100", "w1200", "w1300"], "fx:KRW": [900, 1000, 1100, 1200, 1300]}
)
st = solver.stochastic_case(case, futures)
print(st.decision[["option", "built", "built_mean_value"]].to_string(index=False))  # 1 built, 0 not
print(
    f"expected cost of the decision: {st.summary['expected_cost']:,.0f} {cur} ({pv}); "
    f"value of perfect information: {st.summary['evpi']:,.0f} {cur}"
)
regret = st.scenario_costs[["scenario", f"cost_recommended_{cur}", f"regret_{cur}"]].copy()
regret.columns = ["scenario", f"cost, present value ({cur})", f"regret, present value ({cur})"]
print(regret.to_string(index=False, formatters=[str, money, money]))

# %% Errors carry the located problems: p.file, p.row (the spreadsheet's row; 0 = the whole
# file or folder), p.column ("" = none), p.value, p.message; p.where names the place in words
try:
    solver.load_case(case_dir.parent / "no-such-case")
except solver.CaseError as exc:
    for p in exc.problems:
        print(f"problem at {p.where}: {p.message}")

# %% Files only when asked: the CSVs, summary.json and plan.png (a picture of the plan)
if len(sys.argv) > 1:
    out = Path(sys.argv[1])
    print("wrote", run.write(out, plot=True))
    print("wrote", st.write(out / "stochastic"))
    # the same run side by side with its own files: every change is 0 (up to the files' rounding)
    same = solver.compare_runs(run, out)
    print("largest change:", round(same.table["change"].abs().max(), 1))
