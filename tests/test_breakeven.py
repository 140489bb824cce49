"""Exact breakeven: breakpoints by hand on tiny cases, and against fine grid sweeps on Rogue."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from click.testing import CliRunner

from solver.studies.breakeven import breakeven
from solver.case.load import load_case
from solver.cli import cli

from conftest import ROGUE, write_case

TWO = dict(
    plants="plant,country,currency\nA,US,USD\nB,KR,KRW",
    demand="market,product,period,units\nm,p,1,10",
    capacity="plant,max_units\nA,10",
    lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
    costs="plant,unit_cost\nA,100\nB,110000",
    fx="currency,rate\nKRW,1000",
)


def test_exchange_rate_breakpoint_by_hand(tmp_path):
    # B costs 110,000 KRW = 110,000 / r USD; A costs 100. B is cheaper once r > 1,100.
    # Objective: 10 * 100 = 1,000 up to 1,100, then 10 * 110,000 / r: 916.67 at 1,200.
    table, _ = breakeven(load_case(write_case(tmp_path / "c", **TWO)), "fx:KRW", 1000, 1200)
    assert table["value_from"].tolist() == pytest.approx([1000, 1100], rel=1e-12)
    assert table["value_to"].tolist() == pytest.approx([1100, 1200], rel=1e-12)
    assert table["objective_from"].tolist() == pytest.approx([1000, 1000])
    assert table["objective_to"].tolist() == pytest.approx([1000, 1100000 / 1200])
    assert table[["units:A", "units:B"]].values.tolist() == [[10, 0], [0, 10]]


def test_demand_breakpoint_and_infeasible_end_by_hand(tmp_path):
    # A: 11/unit up to 60, B: 12/unit up to 1,000. z(d) = 11 d to 60, 660 + 12 (d - 60) to 1,060,
    # infeasible beyond (edge found by bisection to 1e-9 of the range).
    case = write_case(
        tmp_path / "c",
        **dict(
            TWO,
            plants="plant,country,currency\nA,US,USD\nB,KR,USD",
            capacity="plant,max_units\nA,60\nB,1000",
            costs="plant,unit_cost\nA,11\nB,12",
        ),
    )
    table, _ = breakeven(load_case(case), "demand:m/p", 0, 2000)
    assert table["status"].tolist() == ["optimal", "optimal", "infeasible"]
    assert table["value_from"].tolist() == pytest.approx([0, 60, 1060], abs=2000 * 1e-9)
    assert table["objective_to"].tolist()[:2] == pytest.approx([660, 660 + 12 * 1000], rel=1e-6)


def test_build_flip_by_hand(tmp_path):
    # Period 2 needs 75 at A (cost 10, capacity 50) or B (cost 20): building the option saves
    # 25 * 10 = 250 USD and costs 275,000 KRW = 275,000 / r USD: worth it once r > 1,100.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,100\nm,p,2,75",
        capacity="plant,max_units\nA,50\nB,1000",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,10\nB,20",
        fx="currency,rate\nKRW,1000",
        expansions="option,plant,added_units,fixed_cost,first_period,currency\nbig,A,50,275000,2,KRW",
    )
    table, _ = breakeven(load_case(case), "fx:KRW", 1000, 1300)
    assert table["value_from"].tolist() == pytest.approx([1000, 1100], rel=1e-12)
    assert table["built:big"].tolist() == [0, 1]
    # at the flip both plans cost 1,500 + 1,000 = 2,500
    assert table["objective_to"].iloc[0] == pytest.approx(2500)
    assert table["objective_from"].iloc[1] == pytest.approx(2500)


def grid(tmp_path, name, spec):
    out = tmp_path / "grid"
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(out), "--vary", f"{name}={spec}", "--quiet"])
    assert r.exit_code == 0, r.output
    return list(csv.DictReader(io.StringIO((out / "results.csv").read_text())))


@pytest.mark.parametrize(
    "name, lo, hi, step, inverse",
    [
        ("fx:KRW", 900, 1400, 0.5, True),
        ("tariff:KR:usa", 0, 0.3, 0.0005, False),
        pytest.param("demand_scale:usa", 0.5, 1.3, 0.001, False, marks=pytest.mark.slow),
        pytest.param("cost_scale:kyushu", 0.6, 1.2, 0.001, False, marks=pytest.mark.slow),
    ],
)
def test_rogue_breakpoints_agree_with_a_fine_grid(tmp_path, name, lo, hi, step, inverse):
    table, _ = breakeven(load_case(ROGUE), name, lo, hi)
    rows = grid(tmp_path, name, f"{lo}:{hi}:{step}")
    plants = [c for c in table.columns if c.startswith("units:")]
    breaks = table["value_from"].iloc[1:].to_numpy()
    values = np.array([float(r[name]) for r in rows])
    f = (lambda v: 1.0 / v) if inverse else (lambda v: v)
    ok = [r["status"] == "optimal" for r in rows]
    z = np.array([float(r["objective_USD"]) if r["status"] == "optimal" else np.nan for r in rows])
    # 1a. for cost parameters the plan is constant between breakpoints: where neighbours differ,
    #     a breakpoint lies between them
    if name.split(":")[0] not in ("demand", "demand_scale", "capacity"):
        for r0, r1, v0, v1 in zip(rows, rows[1:], values, values[1:], strict=False):
            if any(abs(float(r0[c]) - float(r1[c])) > 1e-6 for c in plants if c in r0):
                assert ((breaks > v0 - 1e-9) & (breaks < v1 + 1e-9)).any(), (v0, v1)
    # 1b. for every parameter: where the slope of the objective changes across three
    #     neighbouring grid points, a breakpoint lies between the outer two
    for i in range(1, len(rows) - 1):
        if not (ok[i - 1] and ok[i] and ok[i + 1]):
            continue
        s0 = (z[i] - z[i - 1]) / (f(values[i]) - f(values[i - 1]))
        s1 = (z[i + 1] - z[i]) / (f(values[i + 1]) - f(values[i]))
        if abs(s0 - s1) > 1e-6 * max(1.0, abs(s0), abs(s1)):
            assert ((breaks > values[i - 1] - 1e-9) & (breaks < values[i + 1] + 1e-9)).any(), values[i]
    # 2. each grid objective lies on its interval's line (linear in 1/rate for fx)
    for r, v in zip(rows, values, strict=True):
        if r["status"] != "optimal":
            continue
        k = int(np.searchsorted(table["value_to"].to_numpy(), v - 1e-12))
        iv = table.iloc[min(k, len(table) - 1)]
        w = (f(v) - f(iv["value_from"])) / (f(iv["value_to"]) - f(iv["value_from"]))
        expected = iv["objective_from"] + w * (iv["objective_to"] - iv["objective_from"])
        assert float(r["objective_USD"]) == pytest.approx(expected, rel=1e-9), v
    # 3. each breakpoint is real: the slope of the objective (in 1/rate for fx) differs either side
    for b in breaks:
        left = [
            (f(v), float(r["objective_USD"]))
            for r, v in zip(rows, values, strict=True)
            if v < b - 1e-9 and r["status"] == "optimal"
        ]
        right = [
            (f(v), float(r["objective_USD"]))
            for r, v in zip(rows, values, strict=True)
            if v > b + 1e-9 and r["status"] == "optimal"
        ]
        if len(left) < 2 or len(right) < 2:
            continue
        (x0, z0), (x1, z1) = sorted(left)[-2:] if not inverse else sorted(left)[:2]
        (x2, z2), (x3, z3) = sorted(right)[:2] if not inverse else sorted(right)[-2:]
        s_left, s_right = (z1 - z0) / (x1 - x0), (z3 - z2) / (x3 - x2)
        assert abs(s_left - s_right) > 1e-6 * max(1.0, abs(s_left)), (b, s_left, s_right)


def test_cli_breakeven_writes_breakpoints(tmp_path):
    r = CliRunner().invoke(
        cli, ["breakeven", str(ROGUE), "--param", "fx:KRW", "--from", "900", "--to", "1400", "--out", str(tmp_path)]
    )
    assert r.exit_code == 0, r.output
    assert "busan-rogue-line not built" in r.output and "busan-rogue-line built" in r.output
    header = (tmp_path / "breakpoints.csv").read_text().splitlines()[0]
    assert header.startswith(
        "interval,parameter,value_from,value_to,status,objective_from_USD,objective_to_USD,units:busan,units:kyushu,units:smyrna,"
    )
    r = CliRunner().invoke(cli, ["plot", str(tmp_path / "breakpoints.csv")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "breakpoints.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--param", "fx:KRW", "--from", "1200", "--to", "1000"], "--to must be greater than --from"),
        (["--param", "fx:KRW", "--from", "0", "--to", "1000"], "fx:KRW = 0: an exchange rate must be greater than 0"),
        (["--param", "fx:EUR", "--from", "1", "--to", "2"], "currency 'EUR' is not in the case"),
    ],
)
def test_breakeven_bad_arguments(tmp_path, args, message):
    r = CliRunner().invoke(cli, ["breakeven", str(ROGUE), *args, "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert message in r.stderr


def test_envelope_switches_at_a_crossing_of_large_objectives():
    # Two lines z = a + b t of about 3e10 (the size of the Rogue objective) cross at
    # t* = (a1 - a0) / (b0 - b1). Below t* line 0 is lower, above it line 1. At t* the two
    # values differ only by floating-point noise; the envelope must still switch there
    # (it once kept line 0 to the end of the interval when the noise exceeded 1e-6).
    from solver.studies.breakeven import Piece, envelope

    a0, b0 = 26080374366.91239, 6318544538.246014
    a1, b1 = 28003547245.7333, 4159553406.116576
    t_star = (a1 - a0) / (b0 - b1)
    env = envelope([Piece(0.88, 0.91, a0, b0, 0), Piece(0.88, 0.91, a1, b1, 1)])
    assert [p.combo for p in env] == [0, 1]
    assert env[0].t1 == pytest.approx(t_star, rel=1e-12)
    assert env[1].t0 == pytest.approx(t_star, rel=1e-12)


def test_tariff_range_given_as_percentages(tmp_path):
    # A (US) costs 110 a unit, B (KR) 100 plus the duty on its goods (no freight, so FOB and
    # CIF agree): B is cheaper while 100 (1 + r) < 110, i.e. below r = 10%. 10 units: 1,000
    # at 0, 1,100 from 10% on.
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,US,USD\nB,KR,USD",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\nA,10\nB,10",
        lanes="plant,market,freight_cost\nA,m,0\nB,m,0",
        costs="plant,unit_cost\nA,110\nB,100",
        tariffs="origin,market,rate\nKR,m,0",
    )
    outs = []
    for lo, hi in (("0%", "30%"), ("0", "0.3")):
        out = tmp_path / f"be{len(outs)}"
        r = CliRunner().invoke(
            cli, ["breakeven", str(case), "--param", "tariff:KR:m", "--from", lo, "--to", hi, "--out", str(out)]
        )
        assert r.exit_code == 0, r.output
        assert r.output.startswith("tariff:KR:m in [0, 0.3]: 1 breakpoint")
        outs.append((out / "breakpoints.csv").read_bytes())
    assert outs[0] == outs[1]
    rows = list(csv.DictReader(io.StringIO(outs[0].decode())))
    assert [float(r["value_from"]) for r in rows] == pytest.approx([0, 0.1], rel=1e-9)
    assert float(rows[0]["objective_from_USD"]) == pytest.approx(1000)
    assert float(rows[1]["objective_to_USD"]) == pytest.approx(1100)
    r = CliRunner().invoke(
        cli,
        [
            "breakeven",
            str(case),
            "--param",
            "tariff:KR:m",
            "--from",
            "0",
            "--to",
            "lots",
            "--out",
            str(tmp_path / "bad"),
        ],
    )
    assert r.exit_code == 2
    assert r.stderr.strip() == "Error: --to 'lots' is not a number (write it like 0.3, or 30% for a tariff)"
    assert not (tmp_path / "bad").exists()


def test_a_long_list_of_intervals_stops_at_20_lines(tmp_path):
    # 25 plants of 10 units each, plant k making at k: as demand rises from 1 to 249 the
    # plants fill in cost order, a breakpoint at every 10 units: 24 breakpoints, 25 intervals.
    plants = [f"p{k}" for k in range(1, 26)]
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\n" + "\n".join(f"{p},X,USD" for p in plants),
        demand="market,product,period,units\nm,q,1,5",
        capacity="plant,max_units\n" + "\n".join(f"{p},10" for p in plants),
        lanes="plant,market,freight_cost\n" + "\n".join(f"{p},m,0" for p in plants),
        costs="plant,unit_cost\n" + "\n".join(f"{p},{k}" for k, p in enumerate(plants, 1)),
    )
    r = CliRunner().invoke(
        cli,
        ["breakeven", str(case), "--param", "demand:m/q", "--from", "1", "--to", "249", "--out", str(tmp_path / "o")],
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("demand:m/q in [1, 249]: 24 breakpoints")
    assert lines[1].startswith("  1 .. 10: cost 1 .. 10 USD")  # all from p1 at 1
    assert lines[21] == "  ... and 5 more intervals (see breakpoints.csv)"
    assert lines[22].startswith("wrote ") and len(lines) == 23
    rows = list(csv.DictReader(io.StringIO((tmp_path / "o" / "breakpoints.csv").read_text())))
    assert [float(r["value_from"]) for r in rows] == pytest.approx([1] + [10 * k for k in range(1, 25)])


def test_the_fixed_cost_at_which_a_build_stops_paying(tmp_path):
    """fixed_cost:OPTION, against two solves: the Rogue case without the option (z0), and with it at 160M
    (z1, the line built; builds.csv's present value PV of its 160M). With the line built the plan does not
    depend on its fixed cost, so the cost is z1 + (F - 160M) PV / 160M, and the line stops paying at
    F* = 160M + (z0 - z1) 160M / PV."""
    import json
    import shutil

    import pandas as pd

    no_option = tmp_path / "no-option"
    shutil.copytree(ROGUE, no_option)
    (no_option / "expansions.csv").unlink()
    for case, out in ((no_option, "z0"), (ROGUE, "z1")):
        assert CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / out)]).exit_code == 0
    z0 = json.loads((tmp_path / "z0" / "summary.json").read_text())["objective"]
    z1 = json.loads((tmp_path / "z1" / "summary.json").read_text())["objective"]
    pv = pd.read_csv(tmp_path / "z1" / "builds.csv")["present_value_USD"].iat[0]
    f_star = 160e6 + (z0 - z1) * 160e6 / pv
    args = ["--param", "fixed_cost:busan-rogue-line", "--from", "0", "--to", "1e9", "--out", str(tmp_path / "b")]
    assert CliRunner().invoke(cli, ["breakeven", str(ROGUE), *args]).exit_code == 0
    bp = pd.read_csv(tmp_path / "b" / "breakpoints.csv")
    assert len(bp) == 2 and list(bp["built:busan-rogue-line"]) == [1, 0]
    assert bp["value_from"].iat[1] == pytest.approx(f_star, rel=1e-9)  # 647.2M (objectives are rounded to cents)
    assert bp["objective_from_USD"].iat[0] == pytest.approx(z1 - pv, abs=0.02)  # the line for free
    assert bp["objective_from_USD"].iat[1] == pytest.approx(z0, abs=0.02)  # not built: no option at all
