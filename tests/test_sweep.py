"""plantsplit sweep: same answers as solving an edited case, in order, resumable."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from solver.cli import cli
from solver.pipeline.run import run_solve

from conftest import ROGUE, ROOT, write_case


def sweep(*args):
    return CliRunner().invoke(cli, ["sweep", *map(str, args), "--quiet"])


def rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text())))


def edited_rogue(tmp_path, name, edit):
    case = tmp_path / name
    shutil.copytree(ROGUE, case)
    for file, (old, new) in edit.items():
        text = (case / file).read_text()
        assert old in text, (file, old)
        (case / file).write_text(text.replace(old, new))
    return run_solve(case, tmp_path / f"{name}-out").solution.objective


# (parameter, value, the same change made to the CSV files by hand)
EQUIVALENT = [
    ("fx:KRW@2014", "1000", {"fx.csv": ("KRW,2014,1053", "KRW,2014,1000")}),
    ("fx:KRW", "1200", {"fx.csv": ("KRW,2012,1126.8\nKRW,2013,1095\nKRW,2014,1053\nKRW,,1053", "KRW,,1200")}),
    ("fx:JPY", "120", {"fx.csv": ("JPY,,80", "JPY,,120")}),
    (
        "tariff:KR:usa",
        "10%",
        {"tariffs.csv": ("KR,usa,,,2.5%,fob,,KORUS\nKR,usa,,2016,0%,fob,,KORUS", "KR,usa,,,10%,fob,,KORUS")},
    ),
    ("tariff:US:korea@2016", "8%", {"tariffs.csv": ("US,korea,,2016,0%", "US,korea,,2016,8%")}),
    ("freight:busan:usa", "2500", {"lanes.csv": ("busan,usa,rogue,1000", "busan,usa,rogue,2500")}),
    (
        "freight_scale:kyushu",
        "2",
        {
            "lanes.csv": (
                "kyushu,usa,rogue,1100,USD\nkyushu,canada,rogue,1200,USD\n"
                "kyushu,korea,rogue,500,USD\nkyushu,asia,rogue,500,USD",
                "kyushu,usa,rogue,2200,USD\nkyushu,canada,rogue,2400,USD\n"
                "kyushu,korea,rogue,1000,USD\nkyushu,asia,rogue,1000,USD",
            )
        },
    ),
    ("demand:usa/rogue@2016", "200000", {"demand.csv": ("usa,rogue,2016,286000", "usa,rogue,2016,200000")}),
    # the parameter sets the limit that holds for that key (it replaces, it does not add a row)
    (
        "capacity:smyrna/rogue@2015",
        "300000",
        {
            "capacity.csv": (
                "smyrna,,rogue,240000,",
                "smyrna,2013,rogue,240000,\nsmyrna,2014,rogue,240000,\n"
                "smyrna,2015,rogue,300000,\nsmyrna,2016,rogue,240000,",
            )
        },
    ),
    ("cost_scale:busan/rogue", "0.9", {"costs.csv": ("busan,rogue,,18500000", "busan,rogue,,16650000")}),
    (
        "fixed_cost:busan-rogue-line",
        "700000000",
        {
            "expansions.csv": (
                "busan-rogue-line,busan,rogue,80000,160000000",
                "busan-rogue-line,busan,rogue,80000,700000000",
            )
        },
    ),
]


# one sweep per parameter (one scenario, the others at their base value); make test runs one exchange rate, one
# tariff, one freight scale and a fixed cost (above the 647M at which the line stops paying), make test-slow
# the others
FAST_EQUIVALENT = ("fx:KRW@2014", "tariff:KR:usa", "freight_scale:kyushu", "fixed_cost:busan-rogue-line")


@pytest.mark.parametrize(
    "name, value, edit",
    [e if e[0] in FAST_EQUIVALENT else pytest.param(*e, marks=pytest.mark.slow) for e in EQUIVALENT],
    ids=[e[0] for e in EQUIVALENT],
)
def test_each_parameter_matches_solving_the_edited_case(tmp_path, name, value, edit):
    scen = tmp_path / "scenarios.csv"
    scen.write_text(f"scenario,{name}\nx,{value}\n")
    r = sweep(ROGUE, "--out", tmp_path / "sw", "--scenarios", scen, "--jobs", "1")
    assert r.exit_code == 0, (name, r.output)
    got = float(rows(tmp_path / "sw" / "results.csv")[0]["objective_USD"])
    assert got == pytest.approx(edited_rogue(tmp_path, "e", edit), abs=0.01), name


def test_capacity_scale_changes_a_raised_base_case(tmp_path):
    # demand_scale: 2x demand everywhere cannot be met by the network -> infeasible status
    r = sweep(ROGUE, "--out", tmp_path / "o", "--vary", "demand_scale:usa=1,2", "--jobs", "1")
    assert r.exit_code == 0
    res = rows(tmp_path / "o" / "results.csv")
    assert [x["status"] for x in res] == ["optimal", "infeasible"]
    assert res[1]["objective_USD"] == ""
    assert float(res[0]["objective_USD"]) == pytest.approx(
        run_solve(ROGUE, tmp_path / "b").solution.objective, abs=0.01
    )


def test_grid_order_columns_and_jobs_agree(tmp_path):
    args = ["--vary", "fx:KRW=1000:1200:100", "--vary", "tariff:KR:usa=0,2.5%"]
    assert sweep(ROGUE, "--out", tmp_path / "a", *args, "--jobs", "1").exit_code == 0
    assert sweep(ROGUE, "--out", tmp_path / "b", *args, "--jobs", "2", "--chunk", "1").exit_code == 0
    a = (tmp_path / "a" / "results.csv").read_bytes()
    assert a == (tmp_path / "b" / "results.csv").read_bytes()
    res = rows(tmp_path / "a" / "results.csv")
    assert [(r["scenario"], r["fx:KRW"], r["tariff:KR:usa"]) for r in res] == [
        ("s1", "1000", "0"),
        ("s2", "1000", "0.025"),
        ("s3", "1100", "0"),
        ("s4", "1100", "0.025"),
        ("s5", "1200", "0"),
        ("s6", "1200", "0.025"),
    ]
    header = a.decode().splitlines()[0].split(",")
    # plants in natural order, as plan.csv lists them (plants.csv has smyrna, busan, kyushu)
    assert header[:8] == [
        "scenario",
        "fx:KRW",
        "tariff:KR:usa",
        "status",
        "objective_USD",
        "units:busan",
        "units:kyushu",
        "units:smyrna",
    ]
    assert "units:busan@2016" in header and "built:busan-rogue-line" in header
    assert header[-9:] == [
        "unmet:asia",
        "unmet:canada",
        "unmet:korea",
        "unmet:usa",
        "production_cost_USD",
        "freight_cost_USD",
        "duty_cost_USD",
        "unmet_cost_USD",
        "expansion_cost_USD",
    ]


def test_plans_csv_has_every_scenarios_flows(tmp_path):
    assert sweep(ROGUE, "--out", tmp_path / "o", "--vary", "fx:KRW=1000,1300", "--plans", "--jobs", "1").exit_code == 0
    plans = rows(tmp_path / "o" / "plans.csv")
    total = sum(float(p["units"]) for p in plans if p["scenario"] == "s1" and p["period"] == "2016")
    # 2016 demand: 286,000 + 28,600 + 12,000 + 4,000 rogue + 180,000 sm-lineup
    assert total == pytest.approx(510600)
    assert {p["scenario"] for p in plans} == {"s1", "s2"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--vary", "fx:XYZ=1,2"], "parameter 'fx:XYZ': currency 'XYZ' is not in the case"),
        (["--vary", "speed:busan=1"], "unknown parameter name 'speed:busan'"),
        (["--vary", "fx:KRW=1000:900:10"], "--vary 'fx:KRW=1000:900:10': STOP is below START"),
        (["--vary", "fx:KRW=0,1000"], "--vary 'fx:KRW=0,1000': value 0 an exchange rate must be greater than 0"),
        (["--vary", "fx:KRW=abc"], "fx:KRW: 'abc' is not a number"),
        (["--vary", "fx:KRW"], "--vary 'fx:KRW': expected NAME=START:STOP:STEP or NAME=V1,V2,..."),
        (
            ["--vary", "freight:smyrna:korea=5", "--vary", "freight:busan:nowhere=1"],
            "parameter 'freight:busan:nowhere': market 'nowhere' is not in the case",
        ),
        (
            ["--vary", "capacity:kyushu/sm-lineup=5"],
            "plant kyushu has no capacity.csv row with max_units for product sm-lineup",
        ),
        ([], "give either --vary (one or more) or --scenarios FILE"),
        (["--vary", "demand:usa=1,2"], "parameter 'demand:usa' does not fit the form demand:MARKET/PRODUCT[@PERIOD]"),
    ],
)
def test_bad_parameters_exit_2_before_anything_runs(tmp_path, args, message):
    r = sweep(ROGUE, "--out", tmp_path / "o", *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert not (tmp_path / "o").exists()


def test_scenarios_file_errors_name_row_and_column(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("scenario,fx:KRW,demand_scale:usa\nlow,1000,1\nlow,x,-1\n")
    r = sweep(ROGUE, "--out", tmp_path / "o", "--scenarios", f)
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        "Error: problems in the scenarios file:",
        '  - s.csv, row 3, column scenario: "low" repeats the scenario of row 2',
        '  - s.csv, row 3, column fx:KRW: "x" is not a number',
        '  - s.csv, row 3, column demand_scale:usa: "-1" must be >= 0',
    ]


def test_existing_results_need_resume(tmp_path):
    assert sweep(ROGUE, "--out", tmp_path / "o", "--vary", "fx:KRW=1000,1100", "--jobs", "1").exit_code == 0
    r = sweep(ROGUE, "--out", tmp_path / "o", "--vary", "fx:KRW=1000,1100")
    assert r.exit_code == 2 and "add --resume" in r.stderr
    r = sweep(ROGUE, "--out", tmp_path / "o", "--vary", "fx:JPY=80,90", "--resume")
    assert r.exit_code == 2 and "holds a sweep of other inputs or parameters" in r.stderr
    r = sweep(ROGUE, "--out", tmp_path / "o", "--vary", "fx:KRW=1000,1100", "--resume")
    assert r.exit_code == 0 and "2 scenarios (0 run, 2 already done" in r.output


def test_resume_after_a_partial_write(tmp_path):
    args = ["--vary", "fx:KRW=1000:1100:10", "--plans", "--jobs", "1"]
    assert sweep(ROGUE, "--out", tmp_path / "ref", *args).exit_code == 0
    ref = {n: (tmp_path / "ref" / n).read_bytes() for n in ("results.csv", "plans.csv")}
    # a run cut short: 4 scenarios written, the 5th line half-written, plan rows of s05 and s06
    # written but their results line never was
    out = tmp_path / "cut"
    out.mkdir()
    shutil.copy(tmp_path / "ref" / "sweep.json", out / "sweep.json")
    shutil.copy(tmp_path / "ref" / ".plantsplit.json", out / ".plantsplit.json")  # its record, as a killed run's
    lines = ref["results.csv"].decode().splitlines(keepends=True)
    (out / "results.csv").write_text("".join(lines[:5]) + lines[5][:17])
    plan_lines = ref["plans.csv"].decode().splitlines(keepends=True)
    keep = [plan_lines[0]] + [
        ln for ln in plan_lines[1:] if ln.split(",")[0] in ("s01", "s02", "s03", "s04", "s05", "s06")
    ]
    (out / "plans.csv").write_text("".join(keep))
    r = sweep(ROGUE, "--out", out, *args, "--resume")
    assert r.exit_code == 0
    assert "11 scenarios (7 run, 4 already done" in r.output
    assert {n: (out / n).read_bytes() for n in ref} == ref


@pytest.mark.slow  # a sweep killed and resumed (make test has it for Ctrl-C: tests/test_folders.py)
def test_resume_after_sigkill(tmp_path):
    """Kill a real sweep process with SIGKILL mid-run; --resume ends with the same file."""
    args = ["--vary", "fx:KRW=900:1400:0.25", "--vary", "tariff:KR:usa=0,2.5%", "--jobs", "2", "--quiet"]
    ref = tmp_path / "ref"
    assert sweep(ROGUE, "--out", ref, *args).exit_code == 0
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "solver", "sweep", str(ROGUE), "--out", str(out), *args]
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if (out / "results.csv").exists() and (out / "results.csv").stat().st_size > 20000:
            break
        time.sleep(0.01)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    partial = (out / "results.csv").read_bytes()
    assert partial != (ref / "results.csv").read_bytes(), "the sweep finished before it could be killed"
    r = sweep(ROGUE, "--out", out, *args, "--resume")
    assert r.exit_code == 0, r.output
    assert (out / "results.csv").read_bytes() == (ref / "results.csv").read_bytes()


def test_hostile_scenario_names_stay_text(tmp_path):
    """Scenario names never become paths, and formula-like names are neutralised."""
    f = tmp_path / "s.csv"
    f.write_text('scenario,fx:KRW\n../../escape,1000\n"=HYPERLINK(""x"")",1100\n-1,1200\n')
    out = tmp_path / "o"
    r = sweep(ROGUE, "--out", out, "--scenarios", f, "--plans", "--jobs", "1")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [".plantsplit.json", "plans.csv", "results.csv", "sweep.json"]
    assert not (tmp_path.parent / "escape").exists()
    res = rows(out / "results.csv")
    assert [x["scenario"] for x in res] == ["../../escape", '\'=HYPERLINK("x")', "'-1"]
    assert {p["scenario"] for p in rows(out / "plans.csv")} == {"../../escape", '\'=HYPERLINK("x")', "'-1"}
    # resume after a cut matches them to the scenarios file: nothing runs twice
    ref = {n: (out / n).read_bytes() for n in ("results.csv", "plans.csv")}
    lines = ref["results.csv"].decode().splitlines(keepends=True)
    (out / "results.csv").write_text("".join(lines[:3]))
    r = sweep(ROGUE, "--out", out, "--scenarios", f, "--plans", "--jobs", "1", "--resume")
    assert r.exit_code == 0 and "3 scenarios (1 run, 2 already done" in r.output
    assert {n: (out / n).read_bytes() for n in ref} == ref
    f.write_text("scenario,fx:KRW\n=x,1000\n'=x,1100\n")
    r = sweep(ROGUE, "--out", tmp_path / "o2", "--scenarios", f)
    assert r.exit_code == 2
    assert 's.csv, row 3, column scenario: "\'=x" repeats the scenario of row 2' in r.stderr


def test_many_build_options_fall_back_to_milp_resolves(tmp_path):
    """7 options (> 6) are re-solved as a MILP per scenario; answers match plain solves."""
    from conftest import write_case

    plants = "plant,country,currency\n" + "".join(f"P{i},X,USD\n" for i in range(7))
    files = dict(
        plants=plants,
        demand="market,product,period,units\nm,p,1,100\nm,p,2,300",
        capacity="plant,max_units\n" + "".join(f"P{i},{10 + i}\n" for i in range(7)),
        lanes="plant,market,freight_cost\n" + "".join(f"P{i},m,{i}\n" for i in range(7)),
        costs="plant,unit_cost\n" + "".join(f"P{i},{100 - 5 * i}\n" for i in range(7)),
        demand_penalty="",
        expansions="option,plant,added_units,fixed_cost,first_period\n"
        + "".join(f"o{i},P{i},40,{300 + 150 * i},2\n" for i in range(7)),
    )
    files["demand"] = "market,product,period,units,unmet_penalty\nm,p,1,100,200\nm,p,2,300,200"
    del files["demand_penalty"]
    case = write_case(tmp_path / "c", **files)
    f = tmp_path / "s.csv"
    f.write_text("scenario,demand:m/p@2\na,100\nb,250\n")
    r = sweep(case, "--out", tmp_path / "o", "--scenarios", f, "--jobs", "1")
    assert r.exit_code == 0, r.output
    got = [float(x["objective_USD"]) for x in rows(tmp_path / "o" / "results.csv")]
    for k, units in enumerate((100, 250)):
        edited = write_case(
            tmp_path / f"e{k}", **dict(files, demand=files["demand"].replace("m,p,2,300", f"m,p,2,{units}"))
        )
        assert got[k] == pytest.approx(run_solve(edited, tmp_path / f"eo{k}").solution.objective, rel=1e-9)
    r = CliRunner().invoke(
        cli,
        ["breakeven", str(case), "--param", "demand:m/p@2", "--from", "0", "--to", "300", "--out", str(tmp_path / "b")],
    )
    assert r.exit_code == 2 and "needs at most 6 expansion options (the case has 7)" in r.stderr
    # a cost parameter stays exact (a MILP's cost is concave piecewise linear in it)
    r = CliRunner().invoke(
        cli,
        [
            "breakeven",
            str(case),
            "--param",
            "cost_scale:P6",
            "--from",
            "0.5",
            "--to",
            "2",
            "--out",
            str(tmp_path / "b"),
        ],
    )
    assert r.exit_code == 0, r.output
    table = rows(tmp_path / "b" / "breakpoints.csv")
    assert "built:o6" in table[0]
    scen = tmp_path / "g.csv"
    scen.write_text("scenario,cost_scale:P6\n" + "".join(f"g{i},{0.5 + i * 0.05:.2f}\n" for i in range(31)))
    assert sweep(case, "--out", tmp_path / "g", "--scenarios", scen, "--jobs", "1").exit_code == 0
    for g in rows(tmp_path / "g" / "results.csv"):
        v = float(g["cost_scale:P6"])
        iv = next(t for t in table if float(t["value_from"]) - 1e-12 <= v <= float(t["value_to"]) + 1e-12)
        w = (v - float(iv["value_from"])) / (float(iv["value_to"]) - float(iv["value_from"]))
        line = float(iv["objective_from_USD"]) + w * (float(iv["objective_to_USD"]) - float(iv["objective_from_USD"]))
        assert float(g["objective_USD"]) == pytest.approx(line, rel=1e-9), v


def test_help_lists_parameter_names_and_unknown_names_get_examples_from_the_case(tmp_path):
    r = CliRunner().invoke(cli, ["sweep", "--help"])
    assert r.exit_code == 0
    for form in (
        "fx:CUR[@PERIOD]",
        "tariff:ORIGIN:MARKET[/PRODUCT][@PERIOD]",
        "freight:PLANT:MARKET",
        "freight_scale:PLANT[:MARKET]",
        "demand:MARKET/PRODUCT[@PERIOD]",
        "demand_scale:MARKET[/PRODUCT][@PERIOD]",
        "capacity:PLANT[/PRODUCT][@PERIOD]",
        "cost_scale:PLANT[/PRODUCT]",
    ):
        assert form in r.output, form
    case = write_case(
        tmp_path / "mill",
        plants="plant,country,currency\nlyon,FR,EUR\nturin,IT,EUR",
        demand="market,product,period,units\nparis,paper,q1,10\nparis,paper,q2,10",
        capacity="plant,product,max_units\nturin,paper,50",
        fx="currency,rate\nEUR,0.9",
        lanes="plant,market,freight_cost\nlyon,paris,1\nturin,paris,2",
    )
    r = sweep(case, "--out", tmp_path / "o", "--vary", "rate:EUR=1")
    assert r.exit_code == 2
    assert (
        "unknown parameter name 'rate:EUR'; in this case, names look like fx:EUR, tariff:FR:paris, "
        "freight:lyon:paris, freight_scale:lyon, demand:paris/paper@q2, demand_scale:paris, "
        "capacity:turin/paper, cost_scale:lyon (see plantsplit sweep --help)"
    ) in r.stderr


# A (country X) makes at 100, B (country Y) at 110; m wants 10 in periods 1 and 2; no freight.
# With X's duty into m at 0 everywhere but 50% in period 2: period 1 from A (1,000), period 2
# from B (A would cost 150 > 110): 1,100. Total 2,100. The period-2 rate is the more specific
# parameter and must win in either column order (it once lost when it came first: 2,000).
TWO_PERIOD_DUTY = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,10\nm,p,2,10",
    capacity="plant,max_units\nA,100\nB,100",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,100\nB,110",
    tariffs="origin,market,rate\nX,m,0",
)


@pytest.mark.parametrize("first, second", [("tariff:X:m=0", "tariff:X:m@2=0.5"), ("tariff:X:m@2=0.5", "tariff:X:m=0")])
def test_the_more_specific_parameter_wins_whatever_the_order(tmp_path, first, second):
    case = write_case(tmp_path / "c", **TWO_PERIOD_DUTY)
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["sweep", str(case), "--vary", first, "--vary", second, "--out", str(out), "--quiet"])
    assert r.exit_code == 0, r.output
    (row,) = list(csv.DictReader(io.StringIO((out / "results.csv").read_text())))
    assert float(row["objective_USD"]) == pytest.approx(2100)
    assert float(row["units:A@1"]) == 10 and float(row["units:B@2"]) == 10
    # the same from a scenarios file, columns in this order
    names = [first.split("=")[0], second.split("=")[0]]
    sc = tmp_path / "sc.csv"
    sc.write_text(f"scenario,{names[0]},{names[1]}\ns1,{first.split('=')[1]},{second.split('=')[1]}\n")
    out2 = tmp_path / "out2"
    r = CliRunner().invoke(cli, ["sweep", str(case), "--scenarios", str(sc), "--out", str(out2), "--quiet"])
    assert r.exit_code == 0, r.output
    (row,) = list(csv.DictReader(io.StringIO((out2 / "results.csv").read_text())))
    assert float(row["objective_USD"]) == pytest.approx(2100)


def test_a_demand_scale_multiplies_a_demand_set_in_the_same_scenario(tmp_path):
    # TWO_PERIOD_DUTY at 0 duty: A serves everything at 100. demand:m/p@2 = 20 and
    # demand_scale:m = 1.5, in either order: period 1 15 units, period 2 30: 45 x 100 = 4,500.
    case = write_case(tmp_path / "c", **TWO_PERIOD_DUTY)
    for k, order in enumerate((["demand:m/p@2=20", "demand_scale:m=1.5"], ["demand_scale:m=1.5", "demand:m/p@2=20"])):
        out = tmp_path / f"out{k}"
        r = CliRunner().invoke(
            cli, ["sweep", str(case), "--vary", order[0], "--vary", order[1], "--out", str(out), "--quiet"]
        )
        assert r.exit_code == 0, r.output
        (row,) = list(csv.DictReader(io.StringIO((out / "results.csv").read_text())))
        assert float(row["objective_USD"]) == pytest.approx(4500), order


def test_a_currency_in_a_case_of_one_currency_is_explained(tmp_path):
    # TWO_PERIOD_DUTY has only USD: fx:EUR names a currency the case does not have, and there
    # is no other to list
    case = write_case(tmp_path / "c", **TWO_PERIOD_DUTY)
    r = CliRunner().invoke(cli, ["sweep", str(case), "--vary", "fx:EUR=0.9", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert (
        "parameter 'fx:EUR': currency 'EUR' is not in the case (it has no currency but the reporting "
        "currency USD, whose rate is 1)"
    ) in r.stderr


def test_a_long_list_of_known_names_says_it_is_cut_short(tmp_path):
    """14 markets: the message names the first 12 in natural order and says there are more."""
    from solver.case.load import load_case
    from solver.case.params import parse_name
    from solver.errors import UsageError

    from test_decomposition import _cases

    case_dir, _ = _cases().generate(3, 14, 3.0, 4, 1).write(tmp_path)
    with pytest.raises(UsageError) as e:
        parse_name("demand:nowhere/goods", load_case(case_dir))
    known = ", ".join(f"m{i}" for i in range(1, 13))
    assert f"market 'nowhere' is not in the case (known: {known}, ... (14 in all))" in str(e.value)
