"""The mean-value scenario in the Benders master (solver/studies/stochastic/jensen.py), checked against the
independent transport LPs of bench/stochastic_cases.py: with the block, the master at a plan x costs what the
mean-demand scenario costs at x, which is at most the expected cost over the scenarios (Jensen); scenarios
that change a cost leave the block out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from solver.studies.stochastic.jensen import mean_value_blocks, mean_value_lp
from solver.studies.stochastic.master import Master

from test_decomposition import _cases, problem_of


@pytest.mark.parametrize("groups", [1, 3])
def test_the_master_with_the_blocks_costs_the_group_means_at_every_plan(tmp_path, groups):
    """With one block per group G of scenarios, the master at plan x costs sum_G P_G f_G(x), f_G the transport
    LP at G's mean demand (solved independently); that is at most E f(x) and, with groups, at least the
    single mean's bound (a finer Jensen bound)."""
    mod = _cases()
    inst = mod.generate(5, 6, 1.3, 6, 4)
    demand = np.maximum(inst.demand, 0)

    def mean_of(members):
        return mod.Instance("mean", inst.c, inst.u, inst.q, demand[members].mean(axis=0, keepdims=True))

    problem = problem_of(inst, tmp_path)
    blocks = mean_value_blocks(problem, groups)
    assert len(blocks) == groups and sorted(np.concatenate([m for m, _ in blocks])) == list(range(problem.n))
    master = Master(problem, np.full(problem.n, np.nan), 0.0, 0.9, 1e-6, blocks)
    master.integer(False)
    strict = unserved = 0
    for bits in itertools.product((0.0, 1.0), repeat=5):
        x = np.array(bits)
        master.h.changeColsBounds(5, np.arange(5, dtype=np.int32), x, x)
        ok, _, value = master.solve()
        bound = sum(len(m) / problem.n * mean_of(m).costs(x)[0] for m, _ in blocks)
        single = mean_of(np.arange(problem.n)).costs(x)[0]
        expected = inst.costs(x).mean()
        if not np.isfinite(bound):
            assert not ok and not np.isfinite(expected)
            unserved += 1
            continue
        assert ok and value == pytest.approx(bound, rel=1e-7)
        assert single <= bound + 1e-7 * abs(bound)
        assert bound <= expected + 1e-6 * abs(expected)  # (inf where some scenario is unserved)
        strict += bool(np.isfinite(expected) and bound < expected - 1e-6 * abs(expected))
    assert unserved and strict  # plans the means cannot be served by, and plans where Jensen is strict


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
