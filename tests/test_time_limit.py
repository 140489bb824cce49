"""A MILP stopped by --time-limit with a plan found: status `feasible`, a complete plan written.

The instance is a generated capacitated facility-location case: 40 plants that each
need a line (an expansion option, fixed costs within 1% of each other) before they can
make anything, 120 markets, freight by distance. HiGHS finds a plan in its first
heuristics, within a fraction of a second, but proving optimality takes tens of seconds
(measured: 40 s here, under load), because many combinations of lines cost nearly the
same. So the test does not bet on one time limit: it raises the limit from 0.05 s,
doubling, until a plan comes back; that first plan must be `feasible` (not optimal),
complete and consistent. On a machine 8x faster or slower the first plan still comes far
before the proof of optimality.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from solver.cli import cli

from test_invariants import check_outputs

LIMITS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


def make_slow_case(folder, plants=40, markets=120, seed=7):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    P = [f"w{i}" for i in range(1, plants + 1)]
    M = [f"m{j}" for j in range(1, markets + 1)]
    (folder / "plants.csv").write_text("plant,country,currency\n" + "".join(f"{p},X,USD\n" for p in P))
    d = rng.integers(50, 150, size=markets)
    (folder / "demand.csv").write_text(
        "market,product,period,units\n" + "".join(f"{m},car,1,{d[j]}\n" for j, m in enumerate(M))
    )
    size = int(d.sum() / plants * 3)  # any third of the plants could serve every market
    (folder / "capacity.csv").write_text("plant,max_units\n" + "".join(f"{p},0\n" for p in P))
    (folder / "expansions.csv").write_text(
        "option,plant,added_units,fixed_cost,first_period\n"
        + "".join(f"line-{p},{p},{size},{100000 + rng.integers(0, 1000)},1\n" for p in P)
    )
    xy, mxy = rng.uniform(0, 100, size=(plants, 2)), rng.uniform(0, 100, size=(markets, 2))
    dist = np.sqrt(((xy[:, None, :] - mxy[None, :, :]) ** 2).sum(-1))
    (folder / "lanes.csv").write_text(
        "plant,market,freight_cost\n"
        + "".join(f"{p},{m},{10 * dist[i, j]:.2f}\n" for i, p in enumerate(P) for j, m in enumerate(M))
    )
    return folder


def test_time_limit_with_a_plan_found_writes_a_feasible_plan(tmp_path):
    case = make_slow_case(tmp_path / "slow")
    for limit in LIMITS:
        out = tmp_path / f"out-{limit}"
        r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out), "--time-limit", str(limit)])
        if r.exit_code == 3:  # no plan yet at this limit: nothing written, the message says so
            assert f"no plan was found within the time limit of {limit:g} s" in r.stderr
            assert not out.exists()
            continue
        break
    else:
        pytest.fail("no plan within 3.2 s")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("plantsplit: case slow, feasible (highs, ")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "feasible" and summary["time_limit_seconds"] == limit
    check_outputs(case, out)  # demand met, capacity (with the lines built) held, costs add up
    builds = (out / "builds.csv").read_text().splitlines()
    built = [line for line in builds[1:] if line.split(",")[3] == "1"]
    # 4,000-odd units need at least 14 of the 40 lines (each 3/40 of the demand): a real plan
    assert len(built) >= 14
    relaxed = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "lp"), "--relax"])
    lower_bound = json.loads((tmp_path / "lp" / "summary.json").read_text())["objective"]
    assert summary["objective"] >= lower_bound - 1e-6, relaxed.output
