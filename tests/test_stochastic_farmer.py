"""The Birge & Louveaux farmer problem, written directly as a two-stage LinearProgram.

Birge & Louveaux, Introduction to Stochastic Programming (2nd ed., 2011), section 1.1:
500 acres of wheat, corn and sugar beets (first stage), then buy or sell after the
yield is known (second stage); three equally likely yields (above average, average,
below average). Published figures, as costs (negative = profit): RP -108,390,
EV -118,600, EEV -107,240, WS -115,405.56, VSS 1,150, EVPI 7,015.56.

The CVaR variant is mpi-sppy's risk-management example (doc/src/risk_management.rst):
objective lambda_m * E[cost] + beta * CVaR_0.8[cost] with lambda_m = 1 (its default
--cvar-mean-weight) and beta = 2 (--cvar-weight 2.0), optimum -220,700. Ours is
E + lambda * CVaR, so lambda = beta / lambda_m = 2 gives the same objective.
"""

from __future__ import annotations

import numpy as np
import pytest

from solver.model.changes import Change
from solver.model.lp import Builder, Cols, Rows
from solver.studies.stochastic.decide import decide
from solver.studies.stochastic.problem import ExplicitProblem

INF = np.inf
YIELDS = {"above": (3.0, 3.6, 24.0), "average": (2.5, 3.0, 20.0), "below": (2.0, 2.4, 16.0)}


def farmer() -> ExplicitProblem:
    b = Builder()
    names = [
        "acres_wheat",
        "acres_corn",
        "acres_beets",
        "buy_wheat",
        "buy_corn",
        "sell_wheat",
        "sell_corn",
        "sell_beets_quota",
        "sell_beets_extra",
    ]
    cost = [150, 230, 260, 238, 210, -170, -150, -36, -10]
    upper = [INF] * 7 + [6000, INF]
    b.add_cols(Cols("all", np.array(names, object), np.array(cost, float), np.zeros(9), np.array(upper)))
    yw, yc, yb = YIELDS["average"]
    # rows: land <= 500; wheat yw*x1 + buy - sell >= 200; corn yc*x2 + buy - sell >= 240;
    # beets yb*x3 - sold >= 0
    r = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    c = [0, 1, 2, 0, 3, 5, 1, 4, 6, 2, 7, 8]
    v = [1, 1, 1, yw, 1, -1, yc, 1, -1, yb, -1, -1]
    b.add_rows(
        Rows(
            "rows",
            np.array(["land", "wheat", "corn", "beets"], object),
            np.array([-INF, 200, 240, 0.0]),
            np.array([500, INF, INF, INF]),
            np.array(r),
            np.array(c),
            np.array(v, float),
        )
    )
    lp = b.finish()
    changes = [
        Change(coef_row=np.array([1, 2, 3]), coef_col=np.array([0, 1, 2]), coef_value=np.array(y))
        for y in YIELDS.values()
    ]
    return ExplicitProblem(lp, np.array([0, 1, 2]), tuple(YIELDS), np.full(3, 1 / 3), changes)


@pytest.mark.parametrize("method", ["extensive", "benders"])
def test_farmer_published_figures(method):
    d = decide(farmer(), method=method, jobs=1)
    assert d.expected_cost == pytest.approx(-108_390, abs=0.01)
    assert d.objective == pytest.approx(-108_390, abs=0.01)
    # the published plan: 170 acres wheat, 80 corn, 250 beets
    assert d.x == pytest.approx([170, 80, 250], abs=1e-6)
    assert d.ev == pytest.approx(-118_600, abs=0.01)
    assert d.x_ev == pytest.approx([120, 80, 300], abs=1e-6)
    assert d.eev == pytest.approx(-107_240, abs=0.01)
    assert d.ws == pytest.approx(-115_405.56, abs=0.01)
    assert d.vss == pytest.approx(1_150, abs=0.01)
    assert d.evpi == pytest.approx(7_015.56, abs=0.01)
    assert d.upper - d.lower <= 1e-6 * abs(d.upper) + 1e-9


@pytest.mark.parametrize("method", ["extensive", "benders"])
def test_farmer_cvar_matches_mpi_sppy(method):
    # mpi-sppy: 1 * E + 2.0 * CVaR_0.8 = -220,700 at the optimum
    d = decide(farmer(), method=method, weight=2.0, alpha=0.8, jobs=1)
    assert d.objective == pytest.approx(-220_700, abs=0.01)
    # with three scenarios of 1/3 each, CVaR_0.8 is the worst scenario's cost
    assert d.cvar == pytest.approx(d.costs.max(), abs=1e-6)
    assert d.objective == pytest.approx(d.expected_cost + 2.0 * d.costs.max(), abs=1e-6)
