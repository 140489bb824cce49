"""The Python API: results in memory, nothing written unless asked, typed errors, the example runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

import solver
from solver.cli import cli

from conftest import ROGUE, ROOT, write_case

# One plant A (cost 100, capacity 100) and two markets of 60 each with a penalty for unmet
# units: x 150, y 120. Freight 10. At cost_scale 1 a unit costs 110 < both penalties, so A
# runs full and the cheaper-to-drop market y is short by 20:
#   production 100 * 100 = 10,000, freight 100 * 10 = 1,000, unmet 20 * 120 = 2,400 -> 13,400.
# At cost_scale 1.2 a unit costs 130 > y's 120: y is dropped (60 unmet), x still served:
#   production 60 * 120 = 7,200, freight 600, unmet 60 * 120 = 7,200 -> 15,000.
TWO_MARKETS = dict(
    plants="plant,country,currency\nA,X,USD",
    demand="market,product,period,units,unmet_penalty\nx,p,1,60,150\ny,p,1,60,120",
    capacity="plant,max_units\nA,100",
    lanes="plant,market,freight_cost\nA,x,10\nA,y,10",
    costs="plant,unit_cost\nA,100",
)


def test_solve_in_memory_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = solver.solve_case(ROGUE)
    assert list(tmp_path.iterdir()) == []
    # hand figures (tests/test_rogue.py): Kyushu builds all 181,000 Rogues of 2012 at
    # 21,600 USD landed in the US; the Busan line is built.
    y2012 = run.plan[(run.plan["period"] == "2012") & (run.plan["product"] == "rogue")]
    assert set(y2012["plant"]) == {"kyushu"} and y2012["units"].sum() == pytest.approx(181000)
    assert y2012.set_index("market").loc["usa", "unit_landed_cost"] == pytest.approx(21600)
    assert run.builds["built"].tolist() == [1]
    assert run.costs["present_value"].sum() == pytest.approx(run.objective, rel=1e-12)
    assert {"plant", "period", "units", "max_units", "shadow_price"} <= set(run.utilization.columns)
    assert {"market", "demand", "supplied", "unmet"} <= set(run.supply.columns)


def test_run_write_gives_the_files_of_the_command_line(tmp_path):
    run = solver.solve_case(solver.load_case(ROGUE))
    run.write(tmp_path / "api")
    r = CliRunner().invoke(cli, ["solve", str(ROGUE), "--out", str(tmp_path / "cli")])
    assert r.exit_code == 0
    for name in ("plan.csv", "utilization.csv", "supply.csv", "cost_breakdown.csv", "builds.csv"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name


def test_typed_errors_carry_located_problems(tmp_path):
    bad = write_case(
        tmp_path / "bad",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,-5",
        lanes="plant,market,freight_cost\nA,m,0",
        capacity="plant,max_units\nA,60",
    )
    with pytest.raises(solver.CaseError) as exc:
        solver.load_case(bad)
    [p] = exc.value.problems
    assert (p.file, p.row, p.column, p.value) == ("demand.csv", 2, "units", "-5")
    assert isinstance(exc.value, solver.PlantsplitError)
    # demand 100 against capacity 60, no penalty: infeasible, with the reason
    short = write_case(
        tmp_path / "short",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,60",
        lanes="plant,market,freight_cost\nA,m,0",
    )
    with pytest.raises(solver.NoPlanError) as exc:
        solver.solve_case(short)
    assert exc.value.status.value == "infeasible" and exc.value.reasons
    assert "is 100 but at most 60 can reach it" in exc.value.reasons[0]
    with pytest.raises(solver.UsageError, match="unknown parameter name"):
        solver.sweep_case(ROGUE, vary={"fx_rate:KRW": [1000]})


def test_sweep_in_memory_shows_a_dropped_market(tmp_path, monkeypatch):
    case = solver.load_case(write_case(tmp_path / "two", **TWO_MARKETS))
    monkeypatch.chdir(tmp_path)
    sw = solver.sweep_case(case, vary={"cost_scale:A": [1, 1.2]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["two"]
    r = sw.results.set_index("scenario")
    assert r["objective_USD"].tolist() == pytest.approx([13400, 15000])
    assert r["unmet:x"].tolist() == pytest.approx([0, 0])
    assert r["unmet:y"].tolist() == pytest.approx([20, 60])
    assert r["production_cost_USD"].tolist() == pytest.approx([10000, 7200])
    assert r["freight_cost_USD"].tolist() == pytest.approx([1000, 600])
    assert r["unmet_cost_USD"].tolist() == pytest.approx([2400, 7200])
    assert r["duty_cost_USD"].tolist() == pytest.approx([0, 0])
    # the same numbers through the command line, and write() gives the same file
    r = CliRunner().invoke(
        cli,
        [
            "sweep",
            str(tmp_path / "two"),
            "--out",
            str(tmp_path / "cli"),
            "--vary",
            "cost_scale:A=1,1.2",
            "--jobs",
            "1",
            "--quiet",
        ],
    )
    assert r.exit_code == 0, r.output
    sw.write(tmp_path / "api")
    assert (tmp_path / "api" / "results.csv").read_bytes() == (tmp_path / "cli" / "results.csv").read_bytes()
    assert (tmp_path / "api" / "sweep.json").read_bytes() == (tmp_path / "cli" / "sweep.json").read_bytes()


def test_sweep_from_a_dataframe_and_breakeven(tmp_path):
    import pandas as pd

    case = solver.load_case(write_case(tmp_path / "two", **TWO_MARKETS))
    sw = solver.sweep_case(
        case, scenarios=pd.DataFrame({"scenario": ["cheap", "dear"], "cost_scale:A": [1, 1.2]}), plans=True
    )
    assert sw.results["scenario"].tolist() == ["cheap", "dear"]
    plans = sw.plans.groupby(["scenario", "market"])["units"].sum()
    assert plans.to_dict() == pytest.approx({("cheap", "x"): 60, ("cheap", "y"): 40, ("dear", "x"): 60})
    # y is served while 100 * s + 10 <= 120, i.e. up to s = 1.1; x while 100 * s + 10 <= 150 (s = 1.4)
    be = solver.breakeven_case(case, "cost_scale:A", 1, 1.5)
    assert be.table["value_from"].tolist()[1:] == pytest.approx([1.1, 1.4])
    be.write(tmp_path / "be")
    assert (tmp_path / "be" / "breakpoints.csv").is_file()
    for png in (be.plot(tmp_path / "be.png"), sw.plot(tmp_path / "sw.png")):
        assert png.read_bytes().startswith(b"\x89PNG")


def test_the_example_script_runs(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "rogue_api.py"), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("rogue-2012: optimal, total cost ")
    # 2012: every Rogue from Kyushu (181,000) + 180,000 SM from Busan
    assert any(ln.split() == ["kyushu", "181000", "0", "0", "0", "10600"] for ln in lines), r.stdout
    missing = ROOT / "inputs" / "no-such-case"  # a folder: no row, no column claimed
    assert f"problem at {missing}: is not a case folder (no such directory) nor an .xlsx workbook" in lines
    assert (out / "plan.csv").is_file() and (out / "plan.png").is_file()
    assert (out / "stochastic" / "decision.csv").is_file()
    assert lines[-1] == "largest change: 0.0"
    # the total is labelled a present value, and the components' present values add up to it;
    # the face values (money of each year) are labelled as such
    total = lines[0].split("total cost ")[1].split(" USD")[0]
    assert "(present value at 2012, discount rate 0.08 a year)" in lines[0]
    head = next(i for i, ln in enumerate(lines) if "face value (USD)" in ln)
    assert lines[head].split() == ["face", "value", "(USD)", "present", "value", "(USD)"]
    assert lines[head + 7].split()[0] == "total" and lines[head + 7].split()[2] == total
    parts = [int(ln.split()[2].replace(",", "")) for ln in lines[head + 2 : head + 7]]
    assert abs(sum(parts) - int(total.replace(",", ""))) <= 3  # each rounded to the unit
    # counts are whole numbers: built 1, not 1.00
    assert ["busan-rogue-line", "1"] in [ln.split() for ln in lines]
    assert ["busan-rogue-line", "1", "1"] in [ln.split() for ln in lines]  # stochastic: built, and by the mean plan
    # below 936.27 KRW/USD the line does not pay (docs/getting-started.md): only the 900 future regrets building it
    futures = ("w900", "w1000", "w1100", "w1200", "w1300")
    regrets = {ln.split()[0]: ln.split()[2] for ln in lines if ln.split()[:1] and ln.split()[0] in futures}
    assert set(regrets) == set(futures)
    assert regrets["w900"] != "0" and all(regrets[k] == "0" for k in ("w1000", "w1100", "w1200", "w1300"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_sweep_in_memory_with_worker_processes_matches_one_process():
    grid = {"fx:KRW": "900:1400:50"}
    one = solver.sweep_case(ROGUE, vary=grid, jobs=1).results
    two = solver.sweep_case(ROGUE, vary=grid, jobs=2).results
    assert one.equals(two) and one["fx:KRW"].tolist() == [900.0 + 50 * k for k in range(11)]


def test_stochastic_in_memory_and_written(tmp_path, monkeypatch):
    # The hand case of tests/test_stochastic.py (its docstring): with two equally likely
    # won rates, do not build (RP 20,000); the mean-value plan builds (EV 18,000, EEV 22,500).
    import pandas as pd

    from test_stochastic import CASE, TWO

    case = solver.load_case(write_case(tmp_path / "c", **CASE))
    (tmp_path / "sc.csv").write_text(TWO)
    monkeypatch.chdir(tmp_path)
    st = solver.stochastic_case(case, "sc.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "sc.csv"]  # nothing written
    assert st.decision[["option", "built", "built_mean_value"]].values.tolist() == [["line", 0, 1]]
    costs = st.scenario_costs.set_index("scenario")
    assert costs["cost_recommended_USD"].to_dict() == pytest.approx({"weak": 20_000, "strong": 20_000})
    assert costs["cost_mean_value_decision_USD"].to_dict() == pytest.approx({"weak": 30_000, "strong": 15_000})
    assert (st.summary["expected_cost"], st.summary["mean_value_cost"], st.summary["vss"]) == (20_000, 18_000, 2_500)
    assert st.decisions is not None and st.evaluation is None
    assert "Recommendation: do not build line" in st.text
    # write() gives the files of the command line, byte for byte (summary.json but its timing)
    st.write(tmp_path / "api", xlsx=True)
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(tmp_path / "c"),
            "--scenarios",
            "sc.csv",
            "--out",
            str(tmp_path / "cli"),
            "--quiet",
            "--xlsx",
        ],
    )
    assert r.exit_code == 0, r.output
    for name in ("decision.csv", "scenario_costs.csv", "decisions.csv", "stochastic.xlsx"):
        assert (tmp_path / "api" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert st.plot(tmp_path / "st.png").read_bytes().startswith(b"\x89PNG")
    # scenarios as a DataFrame with probabilities: strong at 0.8 makes building pay
    # (0.2 x 30,000 + 0.8 x 15,000 = 18,000 < 20,000)
    frame = pd.DataFrame({"scenario": ["weak", "strong"], "probability": [0.2, 0.8], "fx:KRW": [500, 2000]})
    st2 = solver.stochastic_case(case, frame, method="benders")
    assert st2.decision["built"].tolist() == [1] and st2.summary["expected_cost"] == pytest.approx(18_000)
    # two decisions in memory side by side, and one against its own files (no change)
    t = solver.compare_runs(st, st2).table.set_index(["section", "item"])
    assert t.loc[("build", "line"), ["value_a", "value_b"]].tolist() == [0, 1]
    assert t.loc[("figure", "expected_cost"), "change"] == pytest.approx(-2_000)
    assert t.loc[("scenario_cost", "median"), "value_b"] == pytest.approx(15_000)
    assert solver.compare_runs(st, tmp_path / "cli").table["change"].abs().max() < 0.01
    # typed errors: demand 300 cannot be met even with the line (100 + 100): NoPlanError
    with pytest.raises(solver.NoPlanError) as exc:
        solver.stochastic_case(case, pd.DataFrame({"scenario": ["big"], "demand:m/p": [300]}))
    assert exc.value.status.value == "infeasible" and exc.value.reasons and "big" in str(exc.value)
    with pytest.raises(solver.UsageError, match="method 'fast'"):
        solver.stochastic_case(case, frame, method="fast")
    with pytest.raises(solver.UsageError, match="sum to"):
        solver.stochastic_case(case, frame.assign(probability=[0.5, 0.6]))


def test_stochastic_decision_is_whole_numbers_as_in_decision_csv(tmp_path):
    # The hand case of tests/test_stochastic.py: the recommendation does not build the line
    # (0), the mean-value plan does (1); decision.csv writes 0 and 1, the table holds integers.
    from test_stochastic import CASE, TWO

    case = solver.load_case(write_case(tmp_path / "c", **CASE))
    (tmp_path / "sc.csv").write_text(TWO)
    d = solver.stochastic_case(case, tmp_path / "sc.csv").decision
    assert d["built"].tolist() == [0] and d["built_mean_value"].tolist() == [1]
    assert all(type(v) is int for v in d["built"].tolist() + d["built_mean_value"].tolist())
    assert d["built"].dtype.kind == "i"


def test_dir_lists_the_api_without_loading_it():
    code = (
        "import sys, solver; names = dir(solver); "
        "print(sorted(set(solver.__all__) - set(names))); "
        "print(sorted(m for m in ('pandas', 'numpy', 'solver.api', 'solver.errors') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["[]", "[]"]  # every API name listed; nothing heavy imported
    for name in ("load_case", "solve_case", "stochastic_case", "compare_runs", "CaseError", "PlantsplitError"):
        assert name in dir(solver)


def test_a_missing_case_folder_names_no_row_or_column(tmp_path):
    missing = tmp_path / "no-such-case"
    with pytest.raises(solver.CaseError) as exc:
        solver.load_case(missing)
    [p] = exc.value.problems
    assert (p.file, p.row, p.column) == (str(missing), 0, "")
    assert p.where == str(missing)  # the whole folder: no row, no column
    assert str(p) == f"{missing}: is not a case folder (no such directory) nor an .xlsx workbook"
    # a located problem names file, row and column
    bad = write_case(
        tmp_path / "bad",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,-5",
        lanes="plant,market,freight_cost\nA,m,0",
        capacity="plant,max_units\nA,60",
    )
    with pytest.raises(solver.CaseError) as exc:
        solver.load_case(bad)
    assert exc.value.problems[0].where == "demand.csv, row 2, column units"
    # the command line says the same, once, and no row 0
    r = CliRunner().invoke(cli, ["solve", str(missing), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert r.stderr.splitlines()[:2] == [
        "Error: 1 problem in the case:",
        f"  - {missing}: is not a case folder (no such directory) nor an .xlsx workbook",
    ]
    assert "row" not in r.stderr and not (tmp_path / "o").exists()


def test_solve_case_takes_the_block_and_mip_options(tmp_path):
    # test_decompose.TWO_PERIODS by hand: 205 (period 1: 180, period 2: 25); A's capacity in
    # period 1 is worth 2. As blocks on 2 threads, as one model, and written for any solver.
    from test_decompose import LINKED, TWO_PERIODS

    case = solver.load_case(write_case(tmp_path / "two", **TWO_PERIODS))
    model = tmp_path / "two.mps"
    runs = [solver.solve_case(case, threads=2, write_model=model), solver.solve_case(case, decompose=False)]
    for run in runs:
        assert run.objective == pytest.approx(205)
        cap = run.utilization.set_index(["plant", "period"])["shadow_price"]
        assert cap.loc[("A", "1")] == pytest.approx(2)  # saved per more unit of capacity
    assert model.read_text().startswith("NAME")
    # LINKED by hand: built 2,150, not built 2,700; the optimum is the same with or without
    # the tightening rows and with a loose gap (the plan is whole either way).
    linked = solver.load_case(write_case(tmp_path / "linked", **LINKED))
    for opts in (dict(), dict(tighten=False), dict(gap=0.5)):
        run = solver.solve_case(linked, **opts)
        assert run.objective == pytest.approx(2150), opts
        assert run.builds["built"].tolist() == [1]


def test_sweep_case_on_blocks_and_as_one_model(tmp_path):
    # test_decompose.TWO_PERIODS with demand scaled x1 and x0.5. x1: 205 (above). x0.5:
    # period 1 needs 30 of A's 40: A serves all (5 + 20 + 45 = 70), period 2 12.5 at 1; 82.5.
    from test_decompose import TWO_PERIODS

    case = solver.load_case(write_case(tmp_path / "two", **TWO_PERIODS))
    scale = pd.DataFrame({"scenario": ["x1", "x0.5"], **{f"demand_scale:{m}": [1, 0.5] for m in ("m1", "m2", "m3")}})
    for opts in (dict(threads=2), dict(decompose=False)):
        res = solver.sweep_case(case, scenarios=scale, **opts).results
        cost = [c for c in res.columns if c.startswith("objective")]
        assert res[cost[0]].tolist() == pytest.approx([205, 82.5]), opts


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda c: solver.solve_case(c, gap=-1), "gap=-1 must be a relative gap from 0 to 1 (100%), like 0.01 or 1%"),
        (lambda c: solver.solve_case(c, gap=2), "gap=2 must be a relative gap from 0 to 1 (100%), like 0.01 or 1%"),
        (lambda c: solver.solve_case(c, gap="lots"), "gap='lots' is not a gap: write it like 0.01 or 1%"),
        (
            lambda c: solver.stochastic_case(c, "krw.csv", gap=0),
            "gap=0 must be a relative gap above 0 to 1 (100%), like 0.01 or 1%",
        ),
        (lambda c: solver.stochastic_case(c, "krw.csv", cvar_alpha=1), "cvar_alpha=1: a number from 0 up to"),
        (lambda c: solver.solve_case(c, threads=0), "threads=0: a whole number >= 1"),
        (lambda c: solver.solve_case(c, threads=1.5), "threads=1.5: a whole number >= 1"),
        (lambda c: solver.solve_case(c, time_limit=0), "time_limit=0: a number > 0"),
        (lambda c: solver.sweep_case(c, {"fx:KRW": [900]}, jobs=0), "jobs=0: a whole number >= 1"),
        (lambda c: solver.stochastic_case(c, "krw.csv", threads=-2), "threads=-2: a whole number >= 1"),
    ],
)
def test_api_options_are_checked_as_the_command_line_does(call, message):
    import re

    with pytest.raises(solver.UsageError, match=re.escape(message)):
        call(ROGUE)


def test_sweep_values_as_text_and_builds_as_whole_numbers(tmp_path):
    # a tariff given as "2.5%" in a list is 0.025, as on the command line
    sw = solver.sweep_case(ROGUE, {"tariff:KR:usa": [0, "2.5%"]})
    assert sw.results["tariff:KR:usa"].tolist() == [0.0, 0.025]
    # test_decompose.LINKED without the tightening rows: the build is 1 (2,150 by hand), an int
    from test_decompose import LINKED

    run = solver.solve_case(write_case(tmp_path / "c", **LINKED), tighten=False)
    assert run.builds["built"].tolist() == [1] and run.builds["built"].dtype.kind == "i"
    relaxed = solver.solve_case(write_case(tmp_path / "c", **LINKED), relax=True)
    assert relaxed.builds["built"].dtype.kind == "f"  # a relaxed build may be fractional


def test_stochastic_case_takes_threads(tmp_path):
    # test_live_blocks: LINKED with two equally likely demand scales, x1 and x0.5: built
    # 2,150 / 1,125, not built 2,700 / 975; E[built] 1,637.5 < 1,837.5: build.
    from test_decompose import LINKED

    case = write_case(tmp_path / "c", **LINKED)
    sc = pd.DataFrame({"scenario": ["full", "half"], "demand_scale:m": [1, 0.5]})
    for threads in (1, 2):
        st = solver.stochastic_case(case, sc, threads=threads)
        assert st.summary["expected_cost"] == pytest.approx(1637.5)
        assert st.decision["built"].tolist() == [1]


def test_solve_case_takes_a_gap_in_percent(tmp_path):
    # test_decompose.LINKED: the optimum 2,150 (built) with a gap of "1%" as with 0.01
    from test_decompose import LINKED

    case = write_case(tmp_path / "c", **LINKED)
    assert [solver.solve_case(case, gap=g).objective for g in ("1%", 0.01)] == pytest.approx([2150, 2150])


def test_a_sweep_from_python_has_the_warnings_the_command_prints(tmp_path):
    """tariff:KR:usa replaces both KORUS rows of the Rogue case (2.5%, and 0% from 2016): the command warns
    before it runs; in Python the run carries the same words in .warnings."""
    from click.testing import CliRunner

    from solver.cli import cli

    run = solver.sweep_case(ROGUE, vary={"tariff:KR:usa": [0, 0.025]})
    assert len(run.warnings) == 1 and "sets the rate of 2 tariffs.csv rows (2, 3)" in run.warnings[0]
    r = CliRunner().invoke(
        cli, ["sweep", str(ROGUE), "--vary", "tariff:KR:usa=0,0.025", "--out", str(tmp_path / "o"), "--quiet"]
    )
    assert f"Warning: {run.warnings[0]}" in r.output + r.stderr
    assert "warnings: 1 (see .warnings)" in repr(run)
    assert solver.sweep_case(ROGUE, vary={"fx:KRW": [1000]}).warnings == []
