"""Invariants re-checked from the written CSVs alone (PyPSA style), on several cases."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from solver.pipeline import run_solve

from conftest import ROGUE, read
from test_rules import EXPANSION_CASE, PLANTS_AB

TOL = 1e-3


def check_outputs(case_dir, out):
    plan = read(out, "plan.csv")
    supply = read(out, "supply.csv")
    util = read(out, "utilization.csv")
    cb = read(out, "cost_breakdown.csv")
    summary = json.loads((out / "summary.json").read_text())
    lanes = pd.read_csv(case_dir / "lanes.csv", dtype=str, keep_default_na=False)
    if "product" not in lanes:
        lanes["product"] = ""
    cap = pd.read_csv(case_dir / "capacity.csv", dtype=str, keep_default_na=False)
    for col in ("period", "product", "max_units"):
        if col not in cap:
            cap[col] = ""

    # every flow uses a lane that exists
    for r in plan.itertuples():
        ok = ((lanes["plant"] == r.plant) & (lanes["market"] == r.market)
              & lanes["product"].isin([r.product, ""])).any()
        assert ok, f"no lane for {r.plant}->{r.market} {r.product}"

    # demand met: flows add up to supplied = demand - unmet
    flows = plan.groupby(["market", "product", "period"])["units"].sum()
    for r in supply.itertuples():
        assert r.supplied == pytest.approx(r.demand - r.unmet, abs=TOL)
        assert flows.get((r.market, r.product, r.period), 0.0) == pytest.approx(r.supplied, abs=TOL)

    # capacity held: every capacity.csv row, recomputed from plan.csv (+ built options)
    added = {}
    if (out / "builds.csv").exists():
        builds = read(out, "builds.csv")
        exp = pd.read_csv(case_dir / "expansions.csv", dtype=str, keep_default_na=False)
        periods = sorted(plan["period"].unique().tolist() + supply["period"].unique().tolist(), key=float)
        for b, e in zip(builds.itertuples(), exp.itertuples()):
            for t in periods:
                if float(t) >= float(e.first_period):
                    key = (b.plant, b.product, t)
                    added[key] = added.get(key, 0.0) + b.built * b.added_units
    for r in cap.itertuples():
        if r.max_units == "":
            continue
        rows = plan[plan["plant"] == r.plant]
        if r.product:
            rows = rows[rows["product"] == r.product]
        for t, units in rows.groupby("period")["units"].sum().items():
            if r.period and t != r.period:
                continue
            limit = float(r.max_units) + added.get((r.plant, r.product, t), 0.0)
            assert units <= limit + TOL, f"{r.plant} {r.product} {t}: {units} > {limit}"
    assert (util["units"] <= util["max_units"].fillna(float("inf")) + TOL).all()

    # costs add up: plan + unmet + expansion = breakdown at face value = undiscounted_cost,
    # and the breakdown's present values = objective
    landed = plan["landed_cost_USD"].sum()
    other = cb[cb["component"].isin(["unmet", "expansion"])]["amount_USD"].sum()
    assert cb["amount_USD"].sum() == pytest.approx(summary["undiscounted_cost"], abs=0.05 * max(1, len(cb)))
    assert cb["present_value_USD"].sum() == pytest.approx(summary["objective"], abs=0.05 * max(1, len(cb)))
    assert landed + other == pytest.approx(summary["undiscounted_cost"], rel=1e-9, abs=0.01 * len(plan) + 0.05)
    if len(plan):
        parts = plan["unit_production_cost_USD"] + plan["unit_freight_USD"] + plan["unit_duty_USD"]
        assert (parts - plan["unit_landed_cost_USD"]).abs().max() < 1e-3


def test_rogue_outputs_hold_every_constraint(tmp_path):
    run = run_solve(ROGUE, tmp_path / "out")
    check_outputs(ROGUE, run.out_dir)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_tiny_cases_hold_every_constraint(tmp_path, solver):
    from conftest import write_case

    cases = {
        "expansion": dict(EXPANSION_CASE, expansions="option,plant,added_units,fixed_cost,first_period\nbig,A,50,200,2"),
        "unmet": dict(plants=PLANTS_AB, demand="market,product,period,units,unmet_penalty\nm,p,1,100,30\nn,p,1,50,",
                      capacity="plant,max_units\nA,60\nB,60",
                      lanes="plant,market,freight_cost\nA,m,1\nB,m,3\nA,n,2\nB,n,1",
                      costs="plant,unit_cost\nA,10\nB,12"),
    }
    for name, files in cases.items():
        case = write_case(tmp_path / name, **files)
        run = run_solve(case, tmp_path / f"out-{name}", solver=solver)
        check_outputs(case, run.out_dir)
