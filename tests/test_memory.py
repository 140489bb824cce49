"""A case too large for the memory available stops before the solver starts: exit 3,
a clear message, nothing written. The memory available is lowered with
PLANTSPLIT_MEMORY_MB (a real setting), never by exhausting the machine's memory."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.cli import cli

from test_decompose import _bench_make_case


def test_too_large_case_fails_clearly_before_solving(tmp_path, monkeypatch):
    # 10 plants x 50 markets x 2 products x 10 periods = 10,000 flows; rows: demand
    # 50 x 2 x 10 = 1,000 + capacity 10 x 10 = 100; 2 non-zeros per flow = 20,000. Too
    # small to split into blocks (31,100 < 2 x 20,000), so one HiGHS model: 480 B x 10,000
    # + 40 B x 20,000 + 1,000 B x 1,100 = 6,700,000 B = 6.4 MB, above the 5 MB allowed.
    # The first check (500 lane pairs x 20 demand rows each x 360 B = 3.4 MB) passes.
    _bench_make_case()(tmp_path / "c", 10, 50, 2, 10)
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "5")
    out, model = tmp_path / "out", tmp_path / "m.mps"
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "c"), "--out", str(out), "--write-model", str(model)])
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [
        "Error: case c is too large for the memory available: solving its 10,000 variables and "
        "1,100 constraints (20,000 non-zeros) needs about 6.4 MB, and 5.0 MB are available. Free memory, "
        "use a larger machine, or split the case (fewer periods or markets per case).",
        "No output was written.",
    ]
    assert "Traceback" not in r.output
    assert not out.exists() and not model.exists()
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "6.5")  # just enough
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "c"), "--out", str(out)])
    assert r.exit_code == 0, r.output


def test_a_case_far_too_large_stops_before_its_model_is_built(tmp_path, monkeypatch):
    # the case above: up to 10,000 flows (500 lane pairs x 20 demand rows of each market),
    # x 360 B = 3,600,000 B = 3.4 MB > 3 MB: stopped right after reading, in every command
    # that builds the model.
    _bench_make_case()(tmp_path / "c", 10, 50, 2, 10)
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "3")
    message = (
        "Error: case c is too large for the memory available: its lanes and demand rows give up to "
        "10,000 flows, and building their model needs about 3.4 MB before the solver starts; 3.0 MB are "
        "available. Free memory, use a larger machine, or split the case (fewer periods or markets per case)."
    )
    scen = tmp_path / "scen.csv"
    scen.write_text("scenario,demand_scale:m0\nlow,0.9\nhigh,1.1\n")
    for args in (
        ["solve", str(tmp_path / "c"), "--out", str(tmp_path / "solve")],
        ["sweep", str(tmp_path / "c"), "--vary", "demand_scale:m0=0.9,1.1", "--out", str(tmp_path / "sweep")],
        ["stochastic", str(tmp_path / "c"), "--scenarios", str(scen), "--out", str(tmp_path / "st")],
    ):
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 3, (args, r.output)
        assert r.stderr.splitlines() == [message, "No output was written."], args
        assert "Traceback" not in r.output
    assert not any(tmp_path.glob("solve*")) and not (tmp_path / "sweep").exists() and not (tmp_path / "st").exists()


def test_estimate_counts_the_blocks_alive_at_once(tmp_path):
    # 20 plants x 100 markets x 5 products x 10 periods = 100,000 flows, 200,000 non-zeros,
    # 5,000 demand + 200 capacity rows; ten period blocks. By hand:
    #   one model:                 480 x 100,000 + 40 x 200,000 + 1,000 x 5,200 = 61,200,000
    #   blocks, 2 threads, freed:  180 x 100,000 + 20 x 200,000 + 1,000 x 5,200 = 27,200,000
    #   blocks kept (ranging, or more than 2 threads):
    #                              400 x 100,000 + 20 x 200,000 + 1,000 x 5,200 = 49,200,000
    from solver.model import coefficients
    from solver.solve import memory
    from solver.case.load import load_case
    from solver.model.create import create_model

    _bench_make_case()(tmp_path / "c", 20, 100, 5, 10)
    case = load_case(tmp_path / "c")
    assert memory.candidate_flows(case) == 100_000
    lp = create_model(case, coefficients.build(case))
    assert memory.needed_bytes(lp, decompose=False) == 61_200_000
    assert memory.needed_bytes(lp, threads=2) == 27_200_000
    assert memory.needed_bytes(lp, threads=1) == 27_200_000
    assert memory.needed_bytes(lp, threads=2, keep_blocks=True) == 49_200_000
    assert memory.needed_bytes(lp, threads=8) == 49_200_000


@pytest.mark.parametrize(
    "value, message",
    [
        ("lots", "Error: PLANTSPLIT_MEMORY_MB='lots' is not a number of megabytes"),
        ("-5", "Error: PLANTSPLIT_MEMORY_MB='-5' must be a finite number of megabytes greater than 0"),
        ("0", "Error: PLANTSPLIT_MEMORY_MB='0' must be a finite number of megabytes greater than 0"),
        ("inf", "Error: PLANTSPLIT_MEMORY_MB='inf' must be a finite number of megabytes greater than 0"),
    ],
)
def test_unreadable_memory_setting_is_a_usage_error(tmp_path, monkeypatch, value, message):
    _bench_make_case()(tmp_path / "c", 2, 2, 1, 1)
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", value)
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "c"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2
    assert r.stderr.strip() == message
    assert not (tmp_path / "out").exists()


def test_an_extensive_form_too_large_stops_before_any_solve(tmp_path, monkeypatch):
    # test_decompose.LINKED: 4 flows + 1 build = 5 columns, 2 demand + 4 capacity rows = 6.
    # 100 scenarios in one MILP: 100 x (3,000 x 5 + 1,000 x 6) = 2,100,000 B = 2.0 MB > 1 MB.
    # The first check passes (2 lane pairs x 2 demand rows x 360 B = 1,440 B), and
    # enumerate (one scenario's model at a time) runs within the same 1 MB.
    from test_decompose import LINKED

    from conftest import write_case

    case = write_case(tmp_path / "c", **LINKED)
    sc = tmp_path / "sc.csv"
    sc.write_text("scenario,demand_scale:m\n" + "".join(f"s{i},{0.5 + i / 200}\n" for i in range(100)))
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "1")
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(case),
            "--scenarios",
            str(sc),
            "--method",
            "extensive",
            "--out",
            str(tmp_path / "ext"),
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 3, r.output
    assert r.stderr.splitlines() == [
        "Error: case c is too large for the memory available with --method extensive: one MILP of its 100 "
        "scenarios (100 x 5 variables and 6 constraints) needs about 2.0 MB, and 1.0 MB are available. Use "
        "--method benders or enumerate (one scenario's model at a time), or fewer scenarios.",
        "No output was written.",
    ]
    assert not (tmp_path / "ext").exists()
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(case),
            "--scenarios",
            str(sc),
            "--method",
            "enumerate",
            "--out",
            str(tmp_path / "enum"),
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 0, r.output


def test_the_extensive_message_offers_only_the_methods_that_can_run(tmp_path, monkeypatch):
    # 7 warehouses of 10 units once built (7 options: more than enumerate's 6), one market of
    # 30: 7 flows + 7 builds = 14 columns, 1 demand + 7 capacity + 7 linking rows (flow <= min(d, 10) x build,
    # the stochastic models' strong rows) = 15. 40 scenarios:
    # 40 x (3,000 x 14 + 1,000 x 15) = 2,280,000 B = 2.2 MB > 1 MB.
    from conftest import write_case

    w = [f"w{i}" for i in range(1, 8)]
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\n" + "\n".join(f"{x},X,USD" for x in w),
        demand="market,product,period,units\nm,p,1,30",
        capacity="plant,max_units\n" + "\n".join(f"{x},0" for x in w),
        lanes="plant,market,freight_cost\n" + "\n".join(f"{x},m,{i}" for i, x in enumerate(w, 1)),
        expansions="option,plant,added_units,fixed_cost,first_period\n"
        + "\n".join(f"open-{x},{x},10,100,1" for x in w),
    )
    sc = tmp_path / "sc.csv"
    sc.write_text("scenario,demand_scale:m\n" + "".join(f"s{i},{0.5 + i / 100}\n" for i in range(40)))
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "1")
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(case),
            "--scenarios",
            str(sc),
            "--method",
            "extensive",
            "--out",
            str(tmp_path / "ext"),
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 3, r.output
    assert r.stderr.splitlines()[0].endswith(
        "one MILP of its 40 scenarios (40 x 14 variables and 15 constraints) needs about 2.2 MB, and 1.0 MB are "
        "available. Use --method benders (one scenario's model at a time), or fewer scenarios."
    )


def test_the_memory_available_is_known_without_proc_too():
    """macOS and Windows have no /proc/meminfo: psutil's figure is used there. On Linux both read the
    kernel's MemAvailable, so they agree (within what other processes change between the two reads)."""
    from pathlib import Path

    from solver.io.resources import os_available_bytes

    proc = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemAvailable:")
    )
    assert abs(os_available_bytes() - proc) <= 0.05 * proc
