"""Student's t quantile (solver.studies.stochastic.student_t): the exact finite sum, bisected.

Table values: NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2 "Critical
values of the Student's t distribution" (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm),
columns 0.025, 0.05 and 0.005 (upper tail), three decimals."""

import math

import pytest
from scipy.stats import t as scipy_t

from solver.studies.stochastic.student_t import abs_below, t_quantile

TABLE = [  # (df, t_0.975, t_0.95, t_0.995)
    (1, 12.706, 6.314, 63.657),
    (2, 4.303, 2.920, 9.925),
    (5, 2.571, 2.015, 4.032),
    (10, 2.228, 1.812, 3.169),
    (30, 2.042, 1.697, 2.750),
    (100, 1.984, 1.660, 2.626),
]


@pytest.mark.parametrize("df, q975, q95, q995", TABLE)
def test_published_table(df, q975, q95, q995):
    assert round(t_quantile(0.975, df), 3) == q975
    assert round(t_quantile(0.95, df), 3) == q95
    assert round(t_quantile(0.995, df), 3) == q995
    assert t_quantile(0.025, df) == -t_quantile(0.975, df)


def test_closed_forms():
    # df 1 (Cauchy): t = tan(pi (p - 1/2)); df 2: t = (2p - 1) sqrt(2 / (4 p (1 - p)))
    # (relative 1e-12 in the far tail: there A(t) moves by 1e-16 over 1e-11 of t)
    for p in (0.6, 0.9, 0.975, 0.999):
        assert t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-12, abs=1e-11)
        assert t_quantile(p, 2) == pytest.approx((2 * p - 1) * math.sqrt(2 / (4 * p * (1 - p))), rel=1e-12, abs=1e-11)
    # A(t | 3) = 2/pi (theta + sin theta cos theta), theta = atan(t / sqrt 3): at t = sqrt 3, theta = pi/4
    assert abs_below(math.sqrt(3), 3) == pytest.approx(2 / math.pi * (math.pi / 4 + 0.5), abs=1e-15)
    assert t_quantile(0.5, 7) == pytest.approx(0.0, abs=1e-12)


def test_agrees_with_scipy():
    for df in [*range(1, 60), 99, 100, 250, 1_000, 9_999, 100_000, 1_000_000]:
        assert t_quantile(0.975, df) == pytest.approx(float(scipy_t.ppf(0.975, df)), abs=2e-12)


def test_bad_arguments():
    for p, df in ((0.0, 3), (1.0, 3), (0.9, 0), (0.9, 2.5)):
        with pytest.raises(ValueError, match="t_quantile needs"):
            t_quantile(p, df)
