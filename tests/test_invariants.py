"""Invariants re-checked from the written CSVs alone (PyPSA style), on several cases."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from solver.pipeline.run import run_solve

from conftest import ROGUE, read
from test_rules import EXPANSION_CASE, PLANTS_AB

TOL = 1e-3


def natural_order(labels):
    """Periods in natural order (numbers as numbers: "m9" < "m10", "2" < "10")."""
    return sorted(labels, key=lambda t: [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", t)])


def discount_factors(periods, rate):
    """d(t) = (1 + R)^-(t - t0) when every label is an integer, else (1 + R)^-position."""
    if all(re.fullmatch(r"\d+", t) for t in periods):
        return {t: (1 + rate) ** -(int(t) - int(periods[0])) for t in periods}
    return {t: (1 + rate) ** -i for i, t in enumerate(periods)}


def check_outputs(case_dir, out):
    plan = read(out, "plan.csv")
    supply = read(out, "supply.csv")
    summary = json.loads((out / "summary.json").read_text())
    periods = natural_order(supply["period"].unique().tolist())
    check_lanes(case_dir, plan)
    check_demand(plan, supply)
    check_capacity(case_dir, out, plan, periods)
    check_costs(out, plan, summary, periods)
    if (case_dir / "shares.csv").exists():
        check_shares(case_dir, out, plan, periods)


def _case_table(case_dir, name, optional_columns):
    table = pd.read_csv(case_dir / name, dtype=str, keep_default_na=False)
    for col in optional_columns:
        if col not in table:
            table[col] = ""
    return table


def check_lanes(case_dir, plan):
    """Every flow uses a lane open in its period."""
    lanes = _case_table(case_dir, "lanes.csv", ("product", "period"))
    for r in plan.itertuples():
        ok = (
            (lanes["plant"] == r.plant)
            & (lanes["market"] == r.market)
            & lanes["product"].isin([r.product, ""])
            & lanes["period"].isin([r.period, ""])
        ).any()
        assert ok, f"no lane for {r.plant}->{r.market} {r.product} in {r.period}"


def check_demand(plan, supply):
    """Demand met: flows add up to supplied = demand - unmet."""
    flows = plan.groupby(["market", "product", "period"])["units"].sum()
    for r in supply.itertuples():
        assert r.supplied == pytest.approx(r.demand - r.unmet, abs=TOL)
        assert flows.get((r.market, r.product, r.period), 0.0) == pytest.approx(r.supplied, abs=TOL)


def _added_capacity(case_dir, out, periods):
    """(plant, product, period) -> units the built options add from their first period on."""
    added = {}
    if not (out / "builds.csv").exists():
        return added
    position = {t: i for i, t in enumerate(periods)}
    builds = read(out, "builds.csv")
    exp = pd.read_csv(case_dir / "expansions.csv", dtype=str, keep_default_na=False)
    for b, e in zip(builds.itertuples(), exp.itertuples(), strict=True):
        for t in periods:
            if position[t] >= position[e.first_period]:
                key = (b.plant, b.product, t)
                added[key] = added.get(key, 0.0) + b.built * b.added_units
    return added


def check_capacity(case_dir, out, plan, periods):
    """Capacity held: every capacity.csv row, recomputed from plan.csv (+ built options)."""
    cap = _case_table(case_dir, "capacity.csv", ("period", "product", "max_units"))
    added = _added_capacity(case_dir, out, periods)
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
    util = read(out, "utilization.csv")
    assert (util["units"] <= util["max_units"].fillna(float("inf")) + TOL).all()


def check_costs(out, plan, summary, periods):
    """Costs add up: nominal amounts to undiscounted_cost, present values (amount x d(t), d from
    summary.json's discount_rate) to the objective; plan + unmet + expansion = breakdown."""
    cb = read(out, "cost_breakdown.csv")
    cur = summary["currency"]
    amount, pv = cb[f"amount_{cur}"], cb[f"present_value_{cur}"]
    d = cb["period"].map(discount_factors(periods, summary["discount_rate"]))
    assert (pv - amount * d).abs().max() < 0.01
    assert amount.sum() == pytest.approx(summary["undiscounted_cost"], abs=0.05 * max(1, len(cb)))
    assert pv.sum() == pytest.approx(summary["objective"], abs=0.05 * max(1, len(cb)))
    landed = plan[f"landed_cost_{cur}"]
    other = cb["component"].isin(["unmet", "expansion"])
    slack = 0.01 * len(plan) + 0.05
    assert landed.sum() + amount[other].sum() == pytest.approx(summary["undiscounted_cost"], rel=1e-9, abs=slack)
    # as floats: an empty plan's periods map to an empty column of text (pyarrow's, where pandas uses it)
    factors = plan["period"].map(discount_factors(periods, summary["discount_rate"])).astype(float)
    landed_pv = (landed * factors).sum()
    assert landed_pv + pv[other].sum() == pytest.approx(summary["objective"], rel=1e-9, abs=slack)
    if len(plan):
        parts = plan[f"unit_production_cost_{cur}"] + plan[f"unit_freight_{cur}"] + plan[f"unit_duty_{cur}"]
        assert (parts - plan[f"unit_landed_cost_{cur}"]).abs().max() < 1e-3


def check_shares(case_dir, out, plan, periods):
    """Every shares.csv row, in every period it covers, recomputed from plan.csv: units from
    the source (a plant, or every plant of a country) within [min_share, max_share] x all units
    supplied to the market (its product, or all its products); sourcing.csv says the same."""
    rules = pd.read_csv(case_dir / "shares.csv", dtype=str, keep_default_na=False)
    plants = pd.read_csv(case_dir / "plants.csv", dtype=str, keep_default_na=False)
    sourcing = read(out, "sourcing.csv")
    for col in ("product", "period", "plant", "country", "min_share", "max_share"):
        if col not in rules:
            rules[col] = ""
    n_plan = max(1, len(plan))
    for r in rules.itertuples():
        i = r.Index
        source = {r.plant} if r.plant else set(plants.loc[plants["country"] == r.country, "plant"])
        share = {
            k: (float(v[:-1]) / 100 if v.endswith("%") else float(v)) if v else None
            for k, v in (("min", r.min_share), ("max", r.max_share))
        }
        for t in [r.period] if r.period else periods:
            flows = plan[(plan["market"] == r.market) & (plan["period"] == t)]
            if r.product:
                flows = flows[flows["product"] == r.product]
            total = flows["units"].sum()
            from_source = flows.loc[flows["plant"].isin(source), "units"].sum()
            if share["min"] is not None:
                assert from_source >= share["min"] * total - TOL * n_plan, f"shares.csv row {i + 2}, {t}: min"
            if share["max"] is not None:
                assert from_source <= share["max"] * total + TOL * n_plan, f"shares.csv row {i + 2}, {t}: max"
            got = sourcing[(sourcing["row"] == i + 2) & (sourcing["period"] == t)]
            assert len(got) == 1, f"sourcing.csv has {len(got)} lines for shares.csv row {i + 2}, period {t}"
            assert got["units_from_source"].iloc[0] == pytest.approx(from_source, abs=TOL * n_plan)
            assert got["units_supplied"].iloc[0] == pytest.approx(total, abs=TOL * n_plan)


def test_rogue_outputs_hold_every_constraint(tmp_path):
    run = run_solve(ROGUE, tmp_path / "out")
    check_outputs(ROGUE, run.out_dir)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_tiny_cases_hold_every_constraint(tmp_path, solver):
    from conftest import write_case

    cases = {
        "expansion": dict(
            EXPANSION_CASE, expansions="option,plant,added_units,fixed_cost,first_period\nbig,A,50,200,2"
        ),
        "unmet": dict(
            plants=PLANTS_AB,
            demand="market,product,period,units,unmet_penalty\nm,p,1,100,30\nn,p,1,50,",
            capacity="plant,max_units\nA,60\nB,60",
            lanes="plant,market,freight_cost\nA,m,1\nB,m,3\nA,n,2\nB,n,1",
            costs="plant,unit_cost\nA,10\nB,12",
        ),
    }
    for name, files in cases.items():
        case = write_case(tmp_path / name, **files)
        run = run_solve(case, tmp_path / f"out-{name}", solver=solver)
        check_outputs(case, run.out_dir)
