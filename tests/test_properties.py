"""Property tests: random valid cases that use every rule, checked against an independent
formulation of the same (MI)LP written here with scipy, straight from the README's rules;
random broken cases always get exit 2 and a message, never a traceback.

The reference below shares no code with plantsplit: it reads the generated dicts, not the
CSVs, resolves "most specific row wins" with plain loops, keeps every capacity row as its
own constraint (plantsplit merges rows with the same key), and solves with scipy.optimize.milp.
"""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from solver.cli import cli

from conftest import write_case
from test_invariants import check_outputs

PLANTS = ["A", "B", "C"]
MARKETS = ["m", "n"]
PRODUCTS = ["p", "q"]
PERIODS = ["1", "2", "3"]
SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# ----------------------------------------------------------------- generating cases

@st.composite
def cases(draw):
    n_plants = draw(st.integers(1, 3))
    plants = [dict(plant=p, country=draw(st.sampled_from(["X", "Y"])), currency=draw(st.sampled_from(["USD", "EUR"])))
              for p in PLANTS[:n_plants]]
    markets = MARKETS[:draw(st.integers(1, 2))]
    products = PRODUCTS[:draw(st.integers(1, 2))]
    periods = PERIODS[:draw(st.integers(1, 3))]
    demand = []
    for m, k, t in itertools.product(markets, products, periods):
        penalty = draw(st.sampled_from([None, 50, 120, 400]))
        demand.append(dict(market=m, product=k, period=t, units=draw(st.integers(0, 100)), unmet_penalty=penalty))
    ks, ts = ["", *products], ["", *periods]
    capacity = []
    for pl in plants:
        for _ in range(draw(st.integers(0, 3))):
            mx = draw(st.one_of(st.none(), st.integers(0, 300)))
            mn = draw(st.one_of(st.none(), st.integers(0, 30)))
            if mx is not None and mn is not None and mn > mx:
                mn = mx
            capacity.append(dict(plant=pl["plant"], period=draw(st.sampled_from(ts)), product=draw(st.sampled_from(ks)),
                                 max_units=mx, min_units=mn))
    lanes, seen = [], set()
    for pl in plants:
        for m in markets:
            for k in ks:
                if draw(st.booleans()) and (pl["plant"], m, k) not in seen:
                    seen.add((pl["plant"], m, k))
                    lanes.append(dict(plant=pl["plant"], market=m, product=k, freight_cost=draw(st.integers(0, 40)),
                                      currency=draw(st.sampled_from(["", "USD", "EUR"])),
                                      max_units=draw(st.one_of(st.none(), st.none(), st.integers(0, 200)))))
    if not lanes:
        lanes.append(dict(plant=plants[0]["plant"], market=markets[0], product="", freight_cost=1, currency="", max_units=None))
    costs, seen = [], set()
    for pl in plants:
        for k, t in itertools.product(ks, ts):
            if draw(st.integers(0, 2)) == 0 and (pl["plant"], k, t) not in seen:
                seen.add((pl["plant"], k, t))
                costs.append(dict(plant=pl["plant"], product=k, period=t, unit_cost=draw(st.integers(0, 200))))
    fx = [dict(currency="EUR", period="", rate=draw(st.sampled_from([0.8, 0.9, 1.1])))]
    for t in periods:
        if draw(st.booleans()):
            fx.append(dict(currency="EUR", period=t, rate=draw(st.sampled_from([0.75, 0.95, 1.25]))))
    tariffs = []
    for origin, m in itertools.product(["X", "Y"], markets):
        for k, t in ((k, t) for k in ks for t in ts):
            if draw(st.integers(0, 4)) != 0:
                continue
            basis = draw(st.sampled_from(["fob", "cif", ""]))
            agreement = draw(st.sampled_from(["", "FTA"]))
            if draw(st.booleans()):  # tariff-rate quota: two tiers, rates not falling
                low = draw(st.sampled_from([0.0, 0.02, 0.05]))
                high = low + draw(st.sampled_from([0.0, 0.03, 0.1]))
                up = draw(st.integers(1, 80))
                tariffs += [dict(origin=origin, market=m, product=k, period=t, rate=low, basis=basis, up_to_units=up, agreement=agreement),
                            dict(origin=origin, market=m, product=k, period=t, rate=high, basis=basis, up_to_units=None, agreement=agreement)]
            else:
                tariffs.append(dict(origin=origin, market=m, product=k, period=t, rate=draw(st.sampled_from([0.0, 0.025, 0.1])),
                                    basis=basis, up_to_units=None, agreement=agreement))
    expansions = []
    limited = [c for c in capacity if c["max_units"] is not None]
    if limited and draw(st.booleans()):
        c = draw(st.sampled_from(limited))
        expansions.append(dict(option="opt", plant=c["plant"], product=c["product"], added_units=draw(st.integers(10, 100)),
                               fixed_cost=draw(st.integers(0, 3000)), first_period=draw(st.sampled_from(periods)),
                               currency=draw(st.sampled_from(["", "EUR"]))))
    return dict(plants=plants, demand=demand, capacity=capacity, lanes=lanes, costs=costs, fx=fx, tariffs=tariffs,
                expansions=expansions)


def to_csv(rows, columns):
    def cell(v):
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return ",".join(columns) + "\n" + "".join(",".join(cell(r[c]) for c in columns) + "\n" for r in rows)


COLUMNS = dict(
    plants=["plant", "country", "currency"],
    demand=["market", "product", "period", "units", "unmet_penalty"],
    capacity=["plant", "period", "product", "max_units", "min_units"],
    lanes=["plant", "market", "product", "freight_cost", "currency", "max_units"],
    costs=["plant", "product", "period", "unit_cost"],
    fx=["currency", "period", "rate"],
    tariffs=["origin", "market", "product", "period", "rate", "basis", "up_to_units", "agreement"],
    expansions=["option", "plant", "product", "added_units", "fixed_cost", "first_period", "currency"],
)


def write(folder, case):
    files = {name: to_csv(case[name], cols) for name, cols in COLUMNS.items() if case[name] or name in
             ("plants", "demand", "capacity", "lanes")}
    return write_case(folder, **files)


# ----------------------------------------------------------------- the reference model

def most_specific(rows, match, product, period):
    """Rows matching `match`, most specific first: (product, period) > product > period > neither."""
    for want_k, want_t in ((product, period), (product, ""), ("", period), ("", "")):
        hit = [r for r in rows if all(r[c] == v for c, v in match.items())
               and r.get("product", "") == want_k and r.get("period", "") == want_t]
        if hit:
            return hit
    return []


def rate(case, currency, period):
    if currency in ("", "USD"):
        return 1.0
    return most_specific(case["fx"], {"currency": currency}, "", period)[0]["rate"]


def reference_objective(case):
    """Solve the case's (MI)LP with scipy; None if infeasible."""
    periods = sorted({d["period"] for d in case["demand"]}, key=float)
    country = {p["plant"]: p["country"] for p in case["plants"]}
    plant_cur = {p["plant"]: p["currency"] for p in case["plants"]}
    cols, cost = [], []  # cols: dict(kind, ...)

    def add(kind, c, **kw):
        cols.append(dict(kind=kind, **kw))
        cost.append(c)
        return len(cols) - 1

    for d in case["demand"]:
        m, k, t = d["market"], d["product"], d["period"]
        for pl in case["plants"]:
            p = pl["plant"]
            lane = [r for r in case["lanes"] if r["plant"] == p and r["market"] == m and r["product"] == k] or \
                   [r for r in case["lanes"] if r["plant"] == p and r["market"] == m and r["product"] == ""]
            if not lane:
                continue
            lane = lane[0]
            crow = most_specific(case["costs"], {"plant": p}, k, t)
            prod = crow[0]["unit_cost"] / rate(case, plant_cur[p], t) if crow else 0.0
            freight = lane["freight_cost"] / rate(case, lane["currency"], t)
            tiers = sorted(most_specific(case["tariffs"], {"origin": country[p], "market": m}, k, t),
                           key=lambda r: (r["up_to_units"] is None, r["up_to_units"] or 0))
            if not tiers:
                add("x", prod + freight, plant=p, market=m, product=k, period=t, lane=id(lane), tier=None)
            for j, tr in enumerate(tiers):
                value = prod + (freight if tr["basis"] == "cif" else 0.0)
                add("x", prod + freight + tr["rate"] * value, plant=p, market=m, product=k, period=t, lane=id(lane),
                    tier=(country[p], m, k, t, j, tr["up_to_units"], tiers[j - 1]["up_to_units"] if j else 0))
        if d["unmet_penalty"] is not None:
            add("u", d["unmet_penalty"], market=m, product=k, period=t, units=d["units"])
    for e in case["expansions"]:
        add("b", e["fixed_cost"] / rate(case, e["currency"], e["first_period"]), **e)

    A_rows, lo, hi = [], [], []

    def row(coefs, low, high):
        A_rows.append(coefs)
        lo.append(low)
        hi.append(high)

    xs = [(i, c) for i, c in enumerate(cols) if c["kind"] == "x"]
    for d in case["demand"]:
        key = (d["market"], d["product"], d["period"])
        coefs = {i: 1.0 for i, c in xs if (c["market"], c["product"], c["period"]) == key}
        coefs.update({i: 1.0 for i, c in enumerate(cols) if c["kind"] == "u" and (c["market"], c["product"], c["period"]) == key})
        row(coefs, d["units"], d["units"])
    for r in case["capacity"]:
        for t in ([r["period"]] if r["period"] else periods):
            coefs = {i: 1.0 for i, c in xs if c["plant"] == r["plant"] and c["period"] == t
                     and (r["product"] == "" or c["product"] == r["product"])}
            if r["max_units"] is not None:
                c2 = dict(coefs)
                for i, c in enumerate(cols):
                    if c["kind"] == "b" and c["plant"] == r["plant"] and c["product"] == r["product"] \
                            and float(t) >= float(c["first_period"]):
                        c2[i] = -c["added_units"]
                row(c2, -np.inf, r["max_units"])
            if r["min_units"]:
                row(coefs, r["min_units"], np.inf)
    for lane in case["lanes"]:
        if lane["max_units"] is None:
            continue
        for t in periods:
            row({i: 1.0 for i, c in xs if c["lane"] == id(lane) and c["period"] == t}, -np.inf, lane["max_units"])
    quotas = {}
    for i, c in xs:
        if c["tier"] is not None and c["tier"][5] is not None:
            quotas.setdefault(c["tier"], []).append(i)
    for tier, idx in quotas.items():
        row({i: 1.0 for i in idx}, -np.inf, tier[5] - tier[6])

    n = len(cols)
    A = lil_matrix((max(1, len(A_rows)), n))
    for r, coefs in enumerate(A_rows):
        for j, v in coefs.items():
            A[r, j] = v
    upper = np.array([c["units"] if c["kind"] == "u" else (1.0 if c["kind"] == "b" else np.inf) for c in cols])
    integrality = np.array([1 if c["kind"] == "b" else 0 for c in cols])
    constraints = [LinearConstraint(A.tocsr(), np.array(lo or [-np.inf]), np.array(hi or [np.inf]))]
    res = milp(np.array(cost), constraints=constraints, integrality=integrality, bounds=Bounds(np.zeros(n), upper))
    return res.fun if res.status == 0 else None


# ----------------------------------------------------------------- the properties

@SETTINGS
@given(case=cases())
def test_random_valid_cases_match_the_reference(tmp_path_factory, case):
    folder = write(tmp_path_factory.mktemp("case"), case)
    out = tmp_path_factory.mktemp("out") / "plan"
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(out)])
    assert "Traceback" not in r.output
    event(f"exit {r.exit_code}")
    event(f"expansions: {len(case['expansions'])}, tiered: {any(t['up_to_units'] for t in case['tariffs'])}")
    if r.exit_code == 2:
        # Our generator can make a case the rules reject (e.g. a market no lane serves without
        # an unmet_penalty): the reference must agree it is unusable, i.e. such a demand exists.
        unserved = [d for d in case["demand"] if d["units"] > 0 and d["unmet_penalty"] is None
                    and not any(l["market"] == d["market"] and l["product"] in ("", d["product"]) for l in case["lanes"])]
        assert unserved, r.output
        return
    expected = reference_objective(case)
    if expected is None:
        assert r.exit_code == 3, r.output
        return
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective"] == pytest.approx(expected, rel=1e-6, abs=0.01)
    check_outputs(folder, out)


DEFECTS = [
    ("demand.csv", "units", "-1"), ("demand.csv", "units", "abc"), ("demand.csv", "period", ""),
    ("capacity.csv", "plant", "ghost"), ("lanes.csv", "freight_cost", "nan"), ("lanes.csv", "market", "zz"),
    ("plants.csv", "currency", ""), ("lanes.csv", "freight_cost", "1e999"), ("demand.csv", "units", "=1+1"),
]


@SETTINGS
@given(case=cases(), defect=st.sampled_from(DEFECTS), row=st.integers(0, 5))
def test_random_broken_cases_exit_2_with_a_message(tmp_path_factory, case, defect, row):
    file, column, value = defect
    table = file[:-4]
    if not case[table]:
        return
    rows = [dict(r) for r in case[table]]
    rows[row % len(rows)][column] = value
    case = dict(case, **{table: rows})
    folder = write(tmp_path_factory.mktemp("broken"), case)
    out = tmp_path_factory.mktemp("out") / "plan"
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert f"{file}, row {row % len(rows) + 2}, column {column}" in r.stderr
    assert not out.exists()
