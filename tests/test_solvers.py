"""HiGHS in-process, CBC and PuLP's own HiGHS interface agree, duals included."""

from __future__ import annotations

import numpy as np
import pytest

from solver.pipeline.run import run_solve
from solver.solve.backends import available_solvers

from conftest import ROGUE


@pytest.fixture(scope="module")
def rogue_highs(tmp_path_factory):
    return run_solve(ROGUE, tmp_path_factory.mktemp("h"))


@pytest.mark.parametrize("solver", ["cbc", "HiGHS"])
def test_same_optimum_and_duals_on_rogue(tmp_path, rogue_highs, solver):
    assert solver.lower() in [s.lower() for s in available_solvers()]
    other = run_solve(ROGUE, tmp_path / "o", solver=solver)
    assert other.solution.objective == pytest.approx(rogue_highs.solution.objective, rel=1e-9)
    # With the build decision fixed, demand duals (marginal costs) must agree in sign and size
    # wherever they are unique; compare the demand rows, which are non-degenerate here.
    rs = rogue_highs.lp.family_rows("demand")
    np.testing.assert_allclose(other.solution.row_dual[rs], rogue_highs.solution.row_dual[rs], rtol=1e-6, atol=1e-6)


def test_capacity_dual_sign_is_the_same_for_cbc_and_highs(tmp_path):
    from conftest import write_case

    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\nA,X,USD\nB,Y,USD",
        demand="market,product,period,units\nm,p,1,100",
        capacity="plant,max_units\nA,60",
        lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
        costs="plant,unit_cost\nA,10\nB,12",
    )
    for solver in ("highs", "cbc", "HiGHS"):
        run = run_solve(case, tmp_path / solver, solver=solver)
        # d(cost)/d(capacity of A) = 11 - 12 = -1 ; d(cost)/d(demand) = 12
        assert run.solution.row_dual[run.lp.family_rows("capacity")] == pytest.approx([-1.0]), solver
        assert run.solution.row_dual[run.lp.family_rows("demand")] == pytest.approx([12.0]), solver


def test_pulp_v4_deprecations_are_errors_here():
    """Proof the guard works: constructing LpVariable directly warns in PuLP 3.3 and must fail."""
    import warnings

    import pulp

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        if hasattr(pulp, "PULP_CBC_CMD"):
            with pytest.raises(DeprecationWarning):
                pulp.PULP_CBC_CMD(msg=False)


def test_inconsistent_duals_are_detected():
    # min 11a + 12b, a + b = 100, a <= 60: at a=60, b=40 the only consistent duals are
    # (12, -1); (11, 0) leaves basic b with reduced cost 1.
    from solver.model.lp import Builder, Cols, Rows
    from solver.solve.backends import _duals_consistent

    b = Builder()
    b.add_cols(Cols("flow", np.array(["a", "b"], object), np.array([11.0, 12.0]), np.zeros(2), np.full(2, np.inf)))
    b.add_rows(
        Rows(
            "demand",
            np.array(["d"], object),
            np.array([100.0]),
            np.array([100.0]),
            np.array([0, 0]),
            np.array([0, 1]),
            np.ones(2),
        )
    )
    b.add_rows(
        Rows(
            "capacity",
            np.array(["c"], object),
            np.array([-np.inf]),
            np.array([60.0]),
            np.array([0]),
            np.array([0]),
            np.ones(1),
        )
    )
    lp = b.finish()
    x = np.array([60.0, 40.0])
    assert _duals_consistent(lp, x, np.array([12.0, -1.0]))
    assert not _duals_consistent(lp, x, np.array([11.0, 0.0]))
