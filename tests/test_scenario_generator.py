"""plantsplit scenarios: log-normal walks that keep the mean, correlated as asked, reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE


def gen(out, *args):
    return CliRunner().invoke(cli, ["scenarios", str(ROGUE), "--out", str(out), *map(str, args)])


def test_same_seed_same_bytes_and_the_walk_keeps_its_mean(tmp_path):
    args = ("--fx", "KRW:vol=10%", "--demand", "usa/rogue:vol=15%", "--corr", "KRW,usa/rogue=-0.3", "--n", 20000)
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert gen(a, *args, "--seed", 7).exit_code == 0
    assert gen(b, *args, "--seed", 7).exit_code == 0
    assert gen(c, *args, "--seed", 8).exit_code == 0
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    df = pd.read_csv(a)
    periods = ["2012", "2013", "2014", "2015", "2016"]
    assert list(df.columns) == ["scenario"] + [f"fx:KRW@{p}" for p in periods] + [
        f"demand_scale:usa/rogue@{p}" for p in periods
    ]
    assert (df["fx:KRW@2012"] == 1126.8).all() and (df["demand_scale:usa/rogue@2012"] == 1).all()
    # E[level_t] = level_0: after 4 steps of sigma 10%, sd of the level ~ 1126.8 * sqrt(e^0.04 - 1)
    # = 227; the sample mean of 20,000 is within 4 standard errors (4 * 1.6 = 6.4).
    assert abs(df["fx:KRW@2016"].mean() - 1126.8) < 4 * 1126.8 * np.sqrt(np.exp(0.04) - 1) / np.sqrt(20000)
    assert abs(df["demand_scale:usa/rogue@2016"].mean() - 1) < 4 * np.sqrt(np.exp(4 * 0.0225) - 1) / np.sqrt(20000)
    # one period's log-steps: sd sigma, correlation -0.3 (sampling error ~ 0.007)
    fx_step = np.log(df["fx:KRW@2013"] / df["fx:KRW@2012"])
    dem_step = np.log(df["demand_scale:usa/rogue@2013"])
    assert fx_step.std() == pytest.approx(0.10, rel=0.03) and dem_step.std() == pytest.approx(0.15, rel=0.03)
    assert np.corrcoef(fx_step, dem_step)[0, 1] == pytest.approx(-0.3, abs=0.03)


def test_generated_file_is_a_valid_stochastic_input(tmp_path):
    sc = tmp_path / "sc.csv"
    assert gen(sc, "--fx", "KRW:vol=5%,drift=-1%", "--n", 20, "--seed", 1).exit_code == 0
    r = CliRunner().invoke(
        cli, ["stochastic", str(ROGUE), "--scenarios", str(sc), "--out", str(tmp_path / "o"), "--quiet", "--jobs", "1"]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "scenario_costs.csv").read_text().count("\n") == 21


@pytest.mark.parametrize(
    "args, message",
    [
        (("--fx", "KRW:vol=abc"), "--fx KRW:vol=abc, vol: 'abc' is not a number"),
        (("--fx", "KRW"), "--fx 'KRW': expected NAME:vol=10%[,drift=0%]"),
        (("--fx", "EUR:vol=5%"), "parameter 'fx:EUR': currency 'EUR' is not in the case"),
        (("--demand", "mars:vol=5%"), "parameter 'demand_scale:mars': market 'mars' is not in the case"),
        (("--fx", "KRW:vol=5%", "--corr", "KRW,JPY=0.5"), "'JPY' is not one of the series given with --fx/--demand"),
        (
            (
                "--fx",
                "KRW:vol=5%",
                "--fx",
                "JPY:vol=5%",
                "--demand",
                "usa:vol=5%",
                "--corr",
                "KRW,JPY=0.9",
                "--corr",
                "KRW,usa=0.9",
                "--corr",
                "JPY,usa=-0.9",
            ),
            "the matrix is not positive definite",
        ),
        ((), "give at least one --fx or --demand series"),
    ],
)
def test_bad_options_exit_2(tmp_path, args, message):
    out = tmp_path / "sc.csv"
    r = gen(out, *args)
    assert r.exit_code == 2, r.output
    assert message in r.output and not out.exists()
