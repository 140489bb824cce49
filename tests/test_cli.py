"""The command line, driven as a user drives it (CliRunner and real subprocesses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE, ROOT, write_case

OK_CASE = dict(
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,1,100",
    capacity="plant,max_units\nA,60",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_version():
    r = invoke("--version")
    assert r.exit_code == 0 and r.output.startswith("plantsplit, version ")


def test_every_command_is_documented():
    """Each command has its page in docs/commands/ (the CLI reference is generated; these are written),
    which names the command and every long option."""
    for name, command in cli.commands.items():
        assert command.help, f"command {name} has no help text"
        page = (ROOT / "docs" / "commands" / f"{name}.md").read_text()
        assert f"plantsplit {name}" in page, f"docs/commands/{name}.md does not document `plantsplit {name}`"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in page, f"docs/commands/{name}.md does not document {name} {opt}"


def test_solve_writes_every_output(tmp_path):
    case = write_case(tmp_path / "c", **OK_CASE)
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert "Total cost: 1,140 USD" in r.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    # the outputs, and the record of the run that wrote them (see tests/test_folders.py)
    assert names == [
        ".plantsplit.json",
        "cost_breakdown.csv",
        "plan.csv",
        "summary.json",
        "supply.csv",
        "utilization.csv",
    ]


def test_output_columns_are_fixed(tmp_path):
    case = write_case(tmp_path / "c", **OK_CASE)
    invoke("solve", case, "--out", tmp_path / "out")
    head = {p.name: p.read_text().splitlines()[0] for p in (tmp_path / "out").glob("*.csv")}
    assert head == {
        "plan.csv": "period,product,plant,market,units,unit_production_cost_USD,unit_freight_USD,unit_duty_USD,"
        "unit_landed_cost_USD,landed_cost_USD,duty_rate,agreement",
        "utilization.csv": "plant,period,product,units,max_units,min_units,utilization,shadow_price_USD,"
        "shadow_price_one_less_USD,min_shadow_price_USD,min_shadow_price_one_less_USD",
        "supply.csv": "market,product,period,demand,supplied,unmet,marginal_cost_USD,marginal_saving_USD",
        "cost_breakdown.csv": "period,component,amount_USD,present_value_USD",
    }


def test_money_columns_name_the_reporting_currency(tmp_path):
    # --currency KRW: the Busan line's 160,000,000 USD convert at 2014's 1,053 KRW/USD
    # (its first_period) to 168,480,000,000 KRW, and every money header says KRW.
    case = tmp_path / "rogue"
    shutil.copytree(ROGUE, case)
    with open(case / "fx.csv", "a", encoding="utf-8") as fh:
        fh.write("USD,,1\n")  # the rates stay "per USD"; USD itself now needs a row
    r = invoke("solve", case, "--out", tmp_path / "out", "--currency", "KRW")
    assert r.exit_code == 0, r.output
    builds = (tmp_path / "out" / "builds.csv").read_text().splitlines()
    assert builds[0] == (
        "option,plant,product,built,added_units,fixed_cost_KRW,lifetime_periods,"
        "charge_per_period_KRW,charges_in_horizon,charged_in_horizon_KRW,present_value_KRW"
    )
    assert builds[1].split(",")[:6] == ["busan-rogue-line", "busan", "rogue", "1", "80000", "168480000000"]
    head = {p.name: p.read_text().splitlines()[0] for p in (tmp_path / "out").glob("*.csv")}
    assert "landed_cost_KRW" in head["plan.csv"].split(",")
    assert head["cost_breakdown.csv"] == "period,component,amount_KRW,present_value_KRW"
    assert not any("USD" in h for h in head.values())


UNLIMITED_B = (
    'Warning: capacity.csv, column plant: "B" is never named in capacity.csv: its production is '
    "unlimited in every period (add a row plant,max_units if that is not meant)"
)


def test_bad_input_exit_2_names_file_row_column_and_writes_nothing(tmp_path):
    case = write_case(tmp_path / "c", **dict(OK_CASE, capacity="plant,max_units\nA,-5\nZ,10"))
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        UNLIMITED_B,  # capacity.csv names A and Z but never B: a warning of every command
        "Error: 2 problems in the case:",
        '  - capacity.csv, row 2, column max_units: "-5" must be a number >= 0',
        '  - capacity.csv, row 3, column plant: "Z" is not a known plant of plants.csv (known: A, B)',
        "No output was written.",
    ]
    assert "Traceback" not in r.output
    assert not (tmp_path / "out").exists()


def test_missing_file_and_column(tmp_path):
    case = write_case(tmp_path / "c", **dict(OK_CASE, lanes="plant,market\nA,m"))
    (case / "capacity.csv").unlink()
    r = invoke("solve", case)
    assert r.exit_code == 2
    assert f"capacity.csv: is missing from {case} (it is required)" in r.output
    assert (
        "lanes.csv, row 1, column freight_cost: required column is missing (the header has: plant, market)" in r.output
    )


def test_infeasible_exit_3_with_reason(tmp_path):
    # Demand 100 but A can make 60 and is the only plant: 40 short.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,60",
        lanes="plant,market,freight_cost\nA,m,1",
    )
    r = invoke("solve", case, "--out", tmp_path / "out")
    assert r.exit_code == 3
    assert "case c is infeasible: no plan satisfies the case." in r.output
    assert (
        "demand of m/p in 1 is 100 but at most 60 can reach it (demand.csv row 2): "
        "A total capacity 60 in 1 (capacity.csv row 2)"
    ) in r.output
    assert not (tmp_path / "out").exists()


def test_unknown_solver_exit_2(tmp_path):
    case = write_case(tmp_path / "c", **OK_CASE)
    r = invoke("solve", case, "--solver", "nosuch")
    assert r.exit_code == 2
    assert "solver 'nosuch' is not available; available: highs, cbc" in r.output


def test_out_dir_may_not_be_the_case_folder(tmp_path):
    case = write_case(tmp_path / "c", **OK_CASE)
    r = invoke("solve", case, "--out", case)
    assert r.exit_code == 2
    assert "is the case folder itself" in r.output


def test_write_lp(tmp_path):
    case = write_case(tmp_path / "c", **OK_CASE)
    r = invoke("solve", case, "--out", tmp_path / "o", "--write-lp", tmp_path / "m.lp")
    assert r.exit_code == 0
    text = (tmp_path / "m.lp").read_text()
    assert "Minimize" in text and "capacity_A_1" in text and "demand_m_p_1" in text


def test_validate(tmp_path):
    case = write_case(tmp_path / "c", **dict(OK_CASE, capacity="plant,max_units,note\nA,60,x"))
    r = invoke("validate", case)
    assert r.exit_code == 0
    assert (
        'Warning: capacity.csv, row 1, column note: "note" column is not used by plantsplit and is ignored' in r.output
    )
    assert UNLIMITED_B in r.output  # capacity.csv names A but never B (a Note while it was only a validate matter)
    assert "c: OK (2 plants, 1 market, 1 product, 1 period, 2 warnings)" in r.output
    bad = write_case(tmp_path / "d", **dict(OK_CASE, demand="market,product,period,units\nm,p,1,abc"))
    r = invoke("validate", bad)
    assert r.exit_code == 2
    assert 'demand.csv, row 2, column units: "abc" must be a number >= 0' in r.output


def test_same_inputs_give_byte_identical_csvs(tmp_path):
    for out in ("a", "b"):
        assert invoke("solve", ROGUE, "--out", tmp_path / out).exit_code == 0
    for name in ("plan.csv", "utilization.csv", "supply.csv", "cost_breakdown.csv", "builds.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_text_cells_are_formula_safe(tmp_path):
    case = write_case(
        tmp_path / "c",
        **dict(
            OK_CASE,
            plants="plant,country,currency\n=HYPERLINK(1),X,USD\nB,Y,USD",
            capacity="plant,max_units\n=HYPERLINK(1),60",
            lanes="plant,market,freight_cost\n=HYPERLINK(1),m,1\nB,m,0",
            costs="plant,unit_cost\n=HYPERLINK(1),10\nB,12",
        ),
    )
    assert invoke("solve", case, "--out", tmp_path / "o").exit_code == 0
    plan = (tmp_path / "o" / "plan.csv").read_text()
    assert "'=HYPERLINK(1)" in plan and "\n=HYPERLINK" not in plan


def run_cli(*args, cwd):
    env = dict(os.environ, PYTHONWARNINGS="error::DeprecationWarning")
    return subprocess.run(
        [sys.executable, "-m", "solver", *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


@pytest.mark.parametrize("solver", ["highs", "cbc", "HiGHS"])
def test_no_banner_and_no_deprecation_on_a_real_run(tmp_path, solver):
    p = run_cli("solve", "--solver", solver, "--out", tmp_path / "o", cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("plantsplit: case rogue-2012, optimal")
    assert "Running HiGHS" not in p.stdout and "Running HiGHS" not in p.stderr
    assert "Deprecat" not in p.stderr


@pytest.mark.slow  # builds and installs a wheel
def test_default_case_from_an_installed_wheel(tmp_path):
    """A plain, non-editable install finds the shipped Rogue case from any folder."""
    # built from a copy of the checkout: setuptools writes build/ and *.egg-info beside the sources, which
    # must not change under the tests running at the same time (pytest -n)
    source = tmp_path / "source"
    junk = (".git", ".venv", "build", "dist", "outputs", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*junk))
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheel_dir, source],
        check=True,
        capture_output=True,
        timeout=300,
    )
    target = tmp_path / "site"
    wheel = next(wheel_dir.glob("plantsplit-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, wheel],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target))
    p = subprocess.run(
        [sys.executable, "-m", "solver", "solve"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    assert "case rogue-2012, optimal" in p.stdout
    assert (
        str(target)
        in subprocess.run(
            [sys.executable, "-c", "import solver; print(solver.__file__)"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert (elsewhere / "outputs" / "rogue-2012" / "solve" / "plan.csv").is_file()
    # init's examples come from the same package data
    for example in ("rogue", "network"):
        p = subprocess.run(
            [sys.executable, "-m", "solver", "init", example, "--example", example],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert p.returncode == 0, p.stderr
        assert (elsewhere / example / "README.md").is_file() and (elsewhere / example / "expansions.csv").is_file()


def test_default_case_from_the_checkout_where_solver_cases_is_not_mapped(tmp_path):
    """As an editable install (make run) is used from another folder: the package is the
    checkout's solver/, and no solver.cases package exists; the checkout's inputs/ is the
    default case (it once ended in a traceback: No module named 'solver.cases')."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    probe = subprocess.run(
        [sys.executable, "-c", "import importlib.util as u; print(u.find_spec('solver.cases'))"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == "None"  # the situation of the bug
    p = subprocess.run(
        [sys.executable, "-m", "solver", "solve"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    assert "case rogue-2012, optimal" in p.stdout and "Traceback" not in p.stderr
    assert (elsewhere / "outputs" / "rogue-2012" / "solve" / "plan.csv").is_file()


def test_reads_what_spreadsheets_write(tmp_path):
    """BOM, Windows line ends, column order, header case, padding, blank rows, extra column."""
    case = write_case(tmp_path / "c", **OK_CASE)
    (case / "costs.csv").write_bytes(
        "\ufeffUnit_Cost , Plant ,comment\r\n 10 , A ,x\r\n12,B,\r\n,,\r\n\r\n".encode("utf-8")
    )
    r = invoke("solve", case, "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    assert "Total cost: 1,140 USD" in r.output
    assert (
        'Warning: costs.csv, row 1, column comment: "comment" column is not used by plantsplit and is ignored'
        in r.stderr
    )


def test_time_limit_is_accepted_and_reported(tmp_path):
    case = write_case(tmp_path / "c", **OK_CASE)
    r = invoke("solve", case, "--out", tmp_path / "o", "--time-limit", "30")
    assert r.exit_code == 0
    import json

    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["time_limit_seconds"] == 30 and s["status"] == "optimal"
    assert invoke("solve", case, "--time-limit", "0").exit_code == 2


def test_validate_notes_rows_that_never_apply(tmp_path):
    # p is the only product, so B's blank-product cost row (row 4) is always beaten by B,p.
    case = write_case(tmp_path / "c", **dict(OK_CASE, costs="plant,product,unit_cost\nA,,10\nB,p,12\nB,,11"))
    r = invoke("validate", case)
    assert r.exit_code == 0
    assert (
        "Note: costs.csv, row 4: applies to no flow (a more specific row always wins, "
        "or no demand it could serve); it has no effect"
    ) in r.output.splitlines()
    assert "Note: costs.csv, row 2" not in r.output and "Note: costs.csv, row 3" not in r.output


def test_debug_shows_a_traceback_normal_runs_do_not(tmp_path):
    case = write_case(tmp_path / "c", **dict(OK_CASE, capacity="plant,max_units\nA,-5"))
    quiet = invoke("solve", case, "--out", tmp_path / "o")
    loud = invoke("--debug", "solve", case, "--out", tmp_path / "o")
    assert quiet.exit_code == loud.exit_code == 2
    assert "Traceback" not in quiet.stderr
    assert "Traceback (most recent call last)" in loud.stderr
    assert 'capacity.csv, row 2, column max_units: "-5" must be a number >= 0' in loud.stderr


def test_currency_override_warns_about_amounts_without_a_currency(tmp_path):
    # The case is in USD (no settings.csv). With --currency EUR, freight of the one lane with
    # a blank currency and the unmet penalty are read as EUR: the warning names both, counted.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD",
        demand="market,product,period,units,unmet_penalty\nm,p,1,10,500\nn,p,1,5,",
        capacity="plant,max_units\nA,100",
        lanes="plant,market,freight_cost,currency\nA,m,5,\nA,n,6,USD",
        fx="currency,rate\nUSD,1\nEUR,0.9",
    )
    r = CliRunner().invoke(cli, ["solve", str(case), "--currency", "EUR", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    assert (
        'Warning: --currency: "EUR" is not the case\'s currency USD (settings.csv, or the default USD): '
        "lanes.csv freight_cost with a blank currency (1 row); demand.csv unmet_penalty (1 row) are read "
        "as EUR, not converted from USD (write USD in those currency cells to keep them in USD)"
    ) in r.stderr
    same = CliRunner().invoke(cli, ["solve", str(case), "--currency", "USD", "--out", str(tmp_path / "u")])
    assert same.exit_code == 0 and "Warning" not in same.stderr


def test_warnings_come_in_file_then_row_order(tmp_path):
    # Found rule by rule: tariffs' unknown origins (row 3) before their unknown markets
    # (row 2), plants with no lane (plants.csv row 3) last. Shown by file, then row.
    case = write_case(
        tmp_path / "c",
        **dict(
            OK_CASE,
            lanes="plant,market,freight_cost\nA,m,1",
            capacity="plant,max_units\nA,100\nB,10",
            tariffs="origin,market,rate\nX,zz,0.1\nQ,m,0.1",
        ),
    )
    expected = [
        'plants.csv, row 3, column plant: "B" has no lane in lanes.csv; it cannot supply anything',
        'tariffs.csv, row 2, column market: "zz" is not a market of demand.csv; row unused',
        'tariffs.csv, row 3, column origin: "Q" is not a country of any plant; row unused',
    ]
    r = invoke("validate", case)
    assert r.exit_code == 0, r.output
    assert [line[len("Warning: ") :] for line in r.stdout.splitlines() if line.startswith("Warning: ")] == expected
    r = invoke("solve", case, "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == [f"Warning: {w}" for w in expected]
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["warnings"] == expected
    # with an error in the case, the warnings still come first, in the same order
    bad = write_case(
        tmp_path / "d",
        **dict(
            OK_CASE, demand="market,product,period,units\nm,p,1,abc", tariffs="origin,market,rate\nX,zz,0.1\nQ,m,0.1"
        ),
    )
    r = invoke("solve", bad, "--out", tmp_path / "o2")
    assert r.exit_code == 2
    assert [line for line in r.stderr.splitlines() if line.startswith("Warning: ")] == [UNLIMITED_B] + [
        f"Warning: {w}" for w in expected[1:]
    ]  # the bad case's capacity.csv never names B


def test_every_command_that_reads_a_case_prints_its_warnings(tmp_path):
    # an extra column in costs.csv is a warning; sweep, breakeven and stochastic print it on
    # stderr as solve does (they once printed nothing)
    from test_decompose import LINKED

    case = write_case(tmp_path / "c", **dict(LINKED, costs="plant,unit_cost,comment\nA,10,cheap\nB,20,"))
    warning = 'Warning: costs.csv, row 1, column comment: "comment" column is not used by plantsplit and is ignored'
    sc = tmp_path / "sc.csv"
    sc.write_text("scenario,demand_scale:m\nfull,1\nhalf,0.5\n")
    for args in (
        ["solve", case, "--out", tmp_path / "s"],
        ["sweep", case, "--vary", "demand_scale:m=1,0.5", "--out", tmp_path / "w", "--quiet", "--jobs", "1"],
        ["breakeven", case, "--param", "demand_scale:m", "--from", "0.5", "--to", "1", "--out", tmp_path / "b"],
        ["stochastic", case, "--scenarios", sc, "--out", tmp_path / "st", "--quiet", "--jobs", "1"],
    ):
        r = invoke(*args)
        assert r.exit_code == 0, (args[0], r.output)
        assert r.stderr.splitlines().count(warning) == 1, (args[0], r.stderr)
