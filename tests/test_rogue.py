"""The default case: figures of the solved plan worked out by hand from the inputs."""

from __future__ import annotations

import pytest

from solver.pipeline.run import run_solve

from conftest import ROGUE, read


@pytest.fixture(scope="module")
def rogue(tmp_path_factory):
    return run_solve(ROGUE, tmp_path_factory.mktemp("rogue"))


def test_2012_every_rogue_comes_from_kyushu(rogue):
    # Smyrna has no Rogue line in 2012 (max 0) and Busan's line exists only from 2014,
    # so Kyushu builds all 181,000. Kyushu at 1,600,000 JPY / 80 = 20,000 USD:
    #   usa    20,000 + 1,100 + 2.5% fob (500)              = 21,600
    #   canada 20,000 + 1,200 + 6.1% fob (1,220)            = 22,420
    #   asia   20,000 +   500 + 10% cif (2,050 on 20,500)   = 22,550
    #   korea  20,000 +   500 + 8% cif (1,640 on 20,500)    = 22,140
    plan = read(rogue.out_dir, "plan.csv")
    y = plan[(plan["period"] == "2012") & (plan["product"] == "rogue")]
    assert set(y["plant"]) == {"kyushu"}
    landed = dict(zip(y["market"], y["unit_landed_cost_USD"], strict=True))
    assert landed == pytest.approx({"usa": 21600, "canada": 22420, "asia": 22550, "korea": 22140})
    assert y["units"].sum() == 150000 + 15000 + 12000 + 4000


def test_busan_line_is_built_and_full_in_2016(rogue):
    # 2016 Rogue demand 286,000 + 28,600 + 12,000 + 4,000 = 330,600 against Smyrna's
    # 240,000: Busan's 80,000 line runs full and Kyushu ships the last 10,600.
    builds = read(rogue.out_dir, "builds.csv")
    assert builds["built"].tolist() == [1]
    plan = read(rogue.out_dir, "plan.csv")
    y = plan[(plan["period"] == "2016") & (plan["product"] == "rogue")]
    by_plant = y.groupby("plant")["units"].sum().to_dict()
    assert by_plant == pytest.approx({"smyrna": 240000, "busan": 80000, "kyushu": 10600})


def test_korus_duty_on_busan_cars_ends_in_2016(rogue):
    # KR->usa: 2.5% fob until 2015, 0% in 2016 (the period row beats the blank one).
    # Busan's Rogue at 18,500,000 KRW / 1,053 = 17,568.85 USD in 2015 and 2016.
    plan = read(rogue.out_dir, "plan.csv")
    busan_usa = plan[(plan["plant"] == "busan") & (plan["market"] == "usa")].set_index("period")
    assert busan_usa.loc["2016", "unit_duty_USD"] == 0
    if "2015" in busan_usa.index:
        assert busan_usa.loc["2015", "unit_duty_USD"] == pytest.approx(0.025 * 18_500_000 / 1053, abs=1e-3)
    assert busan_usa.loc["2016", "unit_production_cost_USD"] == pytest.approx(18_500_000 / 1053, abs=1e-3)


def test_sm_lineup_is_busan_only(rogue):
    # 180,000 SM units a year, costed at 17,000,000 KRW: 2012 at 1,126.8 KRW/USD.
    plan = read(rogue.out_dir, "plan.csv")
    sm = plan[plan["product"] == "sm-lineup"]
    assert set(sm["plant"]) == {"busan"} and (sm["units"] == 180000).all()
    assert sm[sm["period"] == "2012"]["unit_production_cost_USD"].iloc[0] == pytest.approx(
        17_000_000 / 1126.8, abs=1e-3
    )
