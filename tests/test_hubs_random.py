"""Random cases with hubs against an independent model written here with scipy.

plantsplit enumerates routes (plant > hubs > market) and makes one flow per route. The reference
below is the other textbook form of the same network: one flow per (plant of origin, lane, product,
period) and a balance row per (hub, plant of origin, product, period), written from the rules of
docs/input-reference.md (nodes.csv, lanes.csv, tariffs.csv: duty on entry into the market by the
plant's country, fob; a tariff-rate quota counted over every route into the market). It shares no code
with plantsplit. The networks are layered (plants > export hubs > import hubs > markets, and some
direct lanes), so every route has at most two hubs and both forms describe the same plans.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.optimize import linprog

from solver.cli import cli

from conftest import write_case

PLANTS = {"A": ("X", "USD"), "B": ("Y", "EUR"), "C": ("X", "USD")}
EXPORT, IMPORT, MARKETS = ["e1", "e2"], ["i1", "i2"], ["m", "n", "o"]
PRODUCTS, PERIODS = ["p", "q"], ["1", "2"]
EUR = 0.9  # EUR per USD


def random_case(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    lanes = []  # (from, to, freight, currency)

    def maybe(a, b, lo, hi, p=0.7):
        if rng.random() < p:
            lanes.append((a, b, float(rng.integers(lo, hi)), "USD" if rng.random() < 0.7 else "EUR"))

    for pl in PLANTS:
        for e in EXPORT:
            maybe(pl, e, 10, 100)
        for m in MARKETS:
            maybe(pl, m, 200, 700, p=0.3)
    for e in EXPORT:
        for i in IMPORT:
            maybe(e, i, 50, 300)
    for i in IMPORT:
        for m in MARKETS:
            maybe(i, m, 10, 150)
    hubs = {}  # hub: (handling cost, its currency, max_units or None)
    for h in EXPORT + IMPORT:
        limit = float(rng.integers(20, 120)) if rng.random() < 0.5 else None
        hubs[h] = (float(rng.integers(0, 40)), "USD" if rng.random() < 0.5 else "EUR", limit)
    cost = {pl: float(rng.integers(800, 1200)) for pl in PLANTS}
    cap = {pl: float(rng.integers(60, 200)) for pl in PLANTS}
    demand = {(m, k, t): float(rng.integers(5, 60)) for m in MARKETS for k in PRODUCTS for t in PERIODS}
    rate = {(c, m): float(rng.choice([0.0, 0.025, 0.1, 0.25])) for c in ("X", "Y") for m in MARKETS}
    quota = {(c, m): float(rng.integers(5, 40)) for c in ("X", "Y") for m in MARKETS if rng.random() < 0.3}
    return dict(lanes=lanes, hubs=hubs, cost=cost, cap=cap, demand=demand, rate=rate, quota=quota)


def files(c: dict) -> dict:
    tariffs = ["origin,market,rate,basis,up_to_units"]
    for (o, m), r in c["rate"].items():
        if (o, m) in c["quota"]:
            tariffs += [f"{o},{m},0,fob,{c['quota'][o, m]}", f"{o},{m},{r},fob,"]
        else:
            tariffs.append(f"{o},{m},{r},fob,")
    return dict(
        plants="plant,country,currency\n" + "\n".join(f"{p},{c_},{cur}" for p, (c_, cur) in PLANTS.items()),
        nodes="hub,currency,handling_cost,max_units\n"
        + "\n".join(f"{h},{cur},{hc},{'' if mx is None else mx}" for h, (hc, cur, mx) in c["hubs"].items()),
        lanes="plant,market,freight_cost,currency\n" + "\n".join(f"{a},{b},{f},{cur}" for a, b, f, cur in c["lanes"]),
        demand="market,product,period,units,unmet_penalty\n"
        + "\n".join(f"{m},{k},{t},{u},5000" for (m, k, t), u in c["demand"].items()),
        costs="plant,unit_cost\n" + "\n".join(f"{p},{v}" for p, v in c["cost"].items()),
        capacity="plant,max_units\n" + "\n".join(f"{p},{v}" for p, v in c["cap"].items()),
        fx="currency,rate\nEUR,0.9",
        tariffs="\n".join(tariffs),
    )


def _columns(c: dict) -> tuple[list, list]:
    """("f", plant, lane, k, t): origin plant's units on a lane (into a market with a quota: those in quota);
    ("over", ...): into a market with a quota, those over it; ("u", m, k, t): unmet units. And their costs."""
    usd = {"USD": 1.0, "EUR": 1.0 / EUR}
    cols, cost = [], []
    for p, (country, cur) in PLANTS.items():
        prod = c["cost"][p] * usd[cur]
        for li, (a, b, f, lcur) in enumerate(c["lanes"]):
            if a in PLANTS and a != p:
                continue
            unit = f * usd[lcur] + (prod if a == p else 0.0)
            if b in c["hubs"]:
                unit += c["hubs"][b][0] * usd[c["hubs"][b][1]]
            quota = (country, b) in c["quota"]
            duty = c["rate"][country, b] * prod if b in MARKETS else 0.0
            for k in PRODUCTS:
                for t in PERIODS:
                    cols.append(("f", p, li, k, t))
                    cost.append(unit + (0.0 if quota else duty))
                    if quota:
                        cols.append(("over", p, li, k, t))
                        cost.append(unit + duty)
    for m, k, t in c["demand"]:
        cols.append(("u", m, k, t))
        cost.append(5000.0)
    return cols, cost


def _matrix(rows, n: int):
    a = np.zeros((len(rows), n))
    for i, (pairs, _) in enumerate(rows):
        for j, v in pairs:
            a[i, j] += v
    return a, [rhs for _, rhs in rows]


def reference_cost(c: dict) -> float:
    """The minimum cost by the arc form, solved with scipy's linprog."""
    cols, cost = _columns(c)
    index = {col: j for j, col in enumerate(cols)}
    lanes = c["lanes"]

    def on(p, li, k, t, kinds=("f", "over")):  # the columns carrying origin p's units on lane li
        return [j for kind in kinds if (j := index.get((kind, p, li, k, t))) is not None]

    def through(end: int, node: str, plants, products, t, kinds=("f", "over")):
        """Columns of the units of ``plants`` on lanes whose start (end=0) or end (end=1) is ``node``."""
        return [j for p in plants for li, ln in enumerate(lanes) if ln[end] == node for k in products
                for j in on(p, li, k, t, kinds)]  # fmt: skip

    eq, ub = [], []  # (columns with coefficients, right-hand side)
    for k in PRODUCTS:
        for t in PERIODS:
            for h in c["hubs"]:
                for p in PLANTS:  # what enters h from p leaves it
                    eq.append(([(j, 1.0) for j in through(1, h, [p], [k], t)]
                               + [(j, -1.0) for j in through(0, h, [p], [k], t)], 0.0))  # fmt: skip
            for m in MARKETS:
                eq.append(([(j, 1.0) for j in through(1, m, PLANTS, [k], t)] + [(index["u", m, k, t], 1.0)],
                           c["demand"][m, k, t]))  # fmt: skip
    for t in PERIODS:
        for p in PLANTS:
            ub.append(([(j, 1.0) for j in through(0, p, [p], PRODUCTS, t)], c["cap"][p]))
        for h, (_, _, mx) in c["hubs"].items():
            if mx is not None:
                ub.append(([(j, 1.0) for j in through(1, h, PLANTS, PRODUCTS, t)], mx))
        for (country, m), q in c["quota"].items():
            origin = [p for p in PLANTS if PLANTS[p][0] == country]
            for k in PRODUCTS:
                ub.append(([(j, 1.0) for j in through(1, m, origin, [k], t, kinds=("f",))], q))

    (a_eq, b_eq), (a_ub, b_ub) = _matrix(eq, len(cols)), _matrix(ub, len(cols))
    bounds = [(0, c["demand"][col[1:]] if col[0] == "u" else None) for col in cols]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return float(res.fun)


@pytest.mark.parametrize("seed", [*range(4), *(pytest.param(s, marks=pytest.mark.slow) for s in range(4, 12))])
def test_random_hub_networks_cost_what_the_arc_form_costs(tmp_path, seed):
    c = random_case(seed)
    case = write_case(tmp_path / "c", **files(c))
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output + r.stderr
    import json

    got = json.loads((tmp_path / "o" / "summary.json").read_text())["objective"]
    assert got == pytest.approx(reference_cost(c), rel=1e-7, abs=1e-4)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_interior_point_method_costs_what_the_arc_form_costs(tmp_path, seed):
    # --lp-method ipm: the whole LP as one model (--no-decompose) by HiGHS's interior-point method and crossover
    c = random_case(seed)
    case = write_case(tmp_path / "c", **files(c))
    args = ["solve", str(case), "--out", str(tmp_path / "o"), "--no-decompose", "--lp-method", "ipm"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output + r.stderr
    import json

    got = json.loads((tmp_path / "o" / "summary.json").read_text())["objective"]
    assert got == pytest.approx(reference_cost(c), rel=1e-7, abs=1e-4)
