"""The mean-value scenario in the Benders master (solver/studies/stochastic/jensen.py), checked against the
independent transport LPs of bench/stochastic_cases.py: with the block, the master at a plan x costs what the
mean-demand scenario costs at x, which is at most the expected cost over the scenarios (Jensen); scenarios
that change a cost leave the block out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solver.studies.stochastic.jensen import mean_value_lp
from solver.studies.stochastic.master import Master

from test_decomposition import _cases, problem_of


def test_the_master_with_the_block_costs_the_mean_scenario_at_every_plan(tmp_path):
    mod = _cases()
    inst = mod.generate(5, 6, 1.3, 6, 4)
    mean = mod.Instance("mean", inst.c, inst.u, inst.q, np.maximum(inst.demand, 0).mean(axis=0, keepdims=True))
    problem = problem_of(inst, tmp_path)
    block = mean_value_lp(problem)
    assert block is not None
    master = Master(problem, np.full(problem.n, np.nan), 0.0, 0.9, 1e-6, block)
    master.integer(False)
    strict = unserved = 0
    for bits in itertools.product((0.0, 1.0), repeat=5):
        x = np.array(bits)
        master.h.changeColsBounds(5, np.arange(5, dtype=np.int32), x, x)
        ok, _, value = master.solve()
        f_mean = mean.costs(x)[0]
        expected = inst.costs(x).mean()
        if not np.isfinite(f_mean):
            assert not ok and not np.isfinite(expected)
            unserved += 1
            continue
        assert ok and value == pytest.approx(f_mean, rel=1e-7)
        assert f_mean <= expected + 1e-6 * abs(expected)  # (inf where some scenario is unserved)
        strict += bool(np.isfinite(expected) and f_mean < expected - 1e-6 * abs(expected))
    assert unserved and strict  # plans the mean demand cannot be served by, and plans where Jensen is strict


def _with_column(scen, name: str, values, alone: bool) -> None:
    lines = scen.read_text().splitlines()
    if alone:  # the parameter in place of the demand columns
        lines = [line.split(",")[0] for line in lines]
    lines = [lines[0] + "," + name] + [f"{row},{v}" for row, v in zip(lines[1:], values, strict=True)]
    scen.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "column, values, alone, block",
    [
        (None, None, False, True),
        ("demand_scale:m1/goods", [0.9, 1.1, 1.0, 1.2], True, True),  # a right-hand side, affine in the value
        ("demand_scale:m1/goods", [0.9, 1.1, 1.0, 1.2], False, False),  # demand x scale: not affine
        ("freight:s1:m1", [1.0, 2.0, 3.0, 4.0], False, False),  # a cost: f is concave in it, no Jensen
        ("capacity:s2", [0, 5, 0, 5], False, False),  # a linking row freed in some scenarios only
    ],
    ids=["demand", "demand-scale", "demand-times-scale", "freight", "capacity"],
)
def test_the_block_only_where_scenarios_change_right_hand_sides(tmp_path, column, values, alone, block):
    from solver.case.load import load_case
    from solver.studies.stochastic.case_problem import CaseProblem, load_scenarios

    inst = _cases().generate(3, 4, 3.0, 4, 1)
    case_dir, scen = inst.write(tmp_path)
    if column:
        _with_column(scen, column, values, alone)
    case = load_case(case_dir)
    problem = CaseProblem(case, *load_scenarios(scen, case))
    assert (mean_value_lp(problem) is not None) == block
