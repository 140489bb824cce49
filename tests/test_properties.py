"""Property tests: random valid cases that use every rule, checked against an independent
formulation of the same (MI)LP written here with scipy, straight from the rules of docs/input-reference.md;
random broken cases always get exit 2 and a message, never a traceback.

The reference below shares no code with plantsplit: it reads the generated dicts, not the
CSVs, resolves "most specific row wins" with plain loops, keeps every capacity row as its
own constraint (plantsplit merges rows with the same key), and solves with scipy.optimize.milp.
Money over time as docs/input-reference.md states it: every cost of period t times d(t) (integer labels:
steps between labels; otherwise positions in natural order), an option's charges by the
annuity rule, cut at the last period; one share row per shares.csv row and period covered.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from solver.cli import cli

from conftest import read, write_case
from test_invariants import check_outputs, discount_factors, natural_order

PLANTS = ["A", "B", "C"]
MARKETS = ["m", "n"]
PRODUCTS = ["p", "q"]
# Integer labels (with a gap: d(t) counts label steps), and labels that are not all
# integers (d(t) counts positions in natural order; "m9" < "m10" < "m11" as numbers).
PERIOD_LABELS = [
    ["1", "2", "3"],
    ["2012", "2014", "2015"],
    ["q1", "q2", "q3"],
    ["2025a", "2025b", "2026a"],
    ["m9", "m10", "m11"],
]
SETTINGS = settings(
    phases=[Phase.explicit, Phase.generate],
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ----------------------------------------------------------------- generating cases


@st.composite
def discounting(draw):
    """(rate, settings.csv rows, CLI arguments): the rate in the file, on the command line, both, or neither."""
    rate = draw(st.sampled_from([0.0, 0.05, 0.08, 0.10]))
    how = draw(st.sampled_from(["none", "file", "file%", "cli", "both"]))
    settings_rows = [dict(setting="currency", value="USD")] if draw(st.booleans()) else []
    if how == "none":
        return 0.0, settings_rows, []
    if how in ("file", "file%"):
        value = f"{rate * 100:g}%" if how == "file%" else str(rate)
        return rate, settings_rows + [dict(setting="discount_rate", value=value)], []
    cli_args = ["--discount-rate", str(rate)]
    if how == "both":  # the command line overrides the file
        settings_rows.append(dict(setting="discount_rate", value="20%"))
    return rate, settings_rows, cli_args


@st.composite
def shares(draw, plants, markets, ks, ts):
    rows = []
    countries = sorted({p["country"] for p in plants})
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):
        by_plant = draw(st.booleans())
        mn = draw(st.sampled_from([None, "0", "0.2", "30%", "0.5", "0.9", "1"]))
        mx = draw(st.sampled_from([None, "0.1", "40%", "0.6", "1"]))
        if mn is None and mx is None:
            mx = "0.5"
        if mn is not None and mx is not None and fraction(mn) > fraction(mx):
            mn, mx = mx, mn
        rows.append(
            dict(
                market=draw(st.sampled_from(markets)),
                product=draw(st.sampled_from(ks)),
                period=draw(st.sampled_from(ts)),
                plant=draw(st.sampled_from([p["plant"] for p in plants])) if by_plant else "",
                country="" if by_plant else draw(st.sampled_from(countries)),
                min_share=mn,
                max_share=mx,
            )
        )
    return rows


@st.composite
def cases(draw):
    n_plants = draw(st.integers(1, 3))
    plants = [
        dict(plant=p, country=draw(st.sampled_from(["X", "Y"])), currency=draw(st.sampled_from(["USD", "EUR"])))
        for p in PLANTS[:n_plants]
    ]
    markets = MARKETS[: draw(st.integers(1, 2))]
    products = PRODUCTS[: draw(st.integers(1, 2))]
    periods = draw(st.sampled_from(PERIOD_LABELS))[: draw(st.sampled_from([1, 2, 3, 3]))]
    demand = draw_demand(draw, markets, products, periods)
    ks, ts = ["", *products], ["", *periods]
    capacity = draw_capacity(draw, plants, ks, ts)
    lanes = draw_lanes(draw, plants, markets, ks, periods)
    costs = draw_costs(draw, plants, ks, ts)
    fx = [dict(currency="EUR", period="", rate=draw(st.sampled_from([0.8, 0.9, 1.1])))]
    for t in periods:
        if draw(st.booleans()):
            fx.append(dict(currency="EUR", period=t, rate=draw(st.sampled_from([0.75, 0.95, 1.25]))))
    tariffs = draw_tariffs(draw, markets, ks, ts)
    expansions = draw_expansions(draw, capacity, periods)
    rate, settings_rows, cli_args = draw(discounting())
    return dict(
        plants=plants,
        demand=demand,
        capacity=capacity,
        lanes=lanes,
        costs=costs,
        fx=fx,
        tariffs=tariffs,
        expansions=expansions,
        shares=draw(shares(plants, markets, ks, ts)),
        settings=settings_rows,
        discount_rate=rate,
        cli=cli_args,
    )


# The parts of a case, each drawn with the case's ``draw`` in the order cases() calls them
# (the same draws in the same order: the same examples as one function drew).


def draw_demand(draw, markets, products, periods):
    demand = []
    for m, k, t in itertools.product(markets, products, periods):
        penalty = draw(st.sampled_from([None, 50, 120, 120, 400, 400]))
        demand.append(dict(market=m, product=k, period=t, units=draw(st.integers(0, 100)), unmet_penalty=penalty))
    return draw(st.permutations(demand))  # file order must not matter: periods sort naturally


def draw_capacity(draw, plants, ks, ts):
    capacity = []
    for pl in plants:
        for _ in range(draw(st.integers(0, 3))):
            mx = draw(st.one_of(st.none(), st.integers(0, 300)))
            mn = draw(st.sampled_from([None, None, None, 0, 5, 20]))
            if mx is not None and mn is not None and mn > mx:
                mn = mx
            capacity.append(
                dict(
                    plant=pl["plant"],
                    period=draw(st.sampled_from(ts)),
                    product=draw(st.sampled_from(ks)),
                    max_units=mx,
                    min_units=mn,
                )
            )
    return capacity


def draw_lanes(draw, plants, markets, ks, periods):
    lanes = []
    for pl, m, k in itertools.product(plants, markets, ks):
        if not draw(st.booleans()):
            continue
        # one row for every period; rows only for some periods (closed in the others);
        # or an every-period row with some periods overridden
        style = draw(st.sampled_from(["every", "every", "some", "override"]))
        some = draw(st.lists(st.sampled_from(periods), min_size=1, max_size=len(periods), unique=True))
        for t in [""] if style == "every" else ([""] if style == "override" else []) + some:
            lanes.append(
                dict(
                    plant=pl["plant"],
                    market=m,
                    product=k,
                    period=t,
                    freight_cost=draw(st.integers(0, 40)),
                    currency=draw(st.sampled_from(["", "USD", "EUR"])),
                    max_units=draw(st.one_of(st.none(), st.none(), st.integers(0, 200))),
                )
            )
    if not lanes:
        lanes.append(
            dict(
                plant=plants[0]["plant"],
                market=markets[0],
                product="",
                period="",
                freight_cost=1,
                currency="",
                max_units=None,
            )
        )
    return lanes


def draw_costs(draw, plants, ks, ts):
    costs, seen = [], set()
    for pl in plants:
        for k, t in itertools.product(ks, ts):
            if draw(st.integers(0, 2)) == 0 and (pl["plant"], k, t) not in seen:
                seen.add((pl["plant"], k, t))
                costs.append(dict(plant=pl["plant"], product=k, period=t, unit_cost=draw(st.integers(0, 200))))
    return costs


def draw_tariffs(draw, markets, ks, ts):
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
                tariffs += [
                    dict(
                        origin=origin,
                        market=m,
                        product=k,
                        period=t,
                        rate=low,
                        basis=basis,
                        up_to_units=up,
                        agreement=agreement,
                    ),
                    dict(
                        origin=origin,
                        market=m,
                        product=k,
                        period=t,
                        rate=high,
                        basis=basis,
                        up_to_units=None,
                        agreement=agreement,
                    ),
                ]
            else:
                tariffs.append(
                    dict(
                        origin=origin,
                        market=m,
                        product=k,
                        period=t,
                        rate=draw(st.sampled_from([0.0, 0.025, 0.1])),
                        basis=basis,
                        up_to_units=None,
                        agreement=agreement,
                    )
                )
    return tariffs


def draw_expansions(draw, capacity, periods):
    expansions = []
    limited = [c for c in capacity if c["max_units"] is not None]
    for i in range(draw(st.sampled_from([0, 1, 2, 2])) if limited else 0):
        c = draw(st.sampled_from(limited))
        if draw(st.integers(0, 3)):  # mostly a tight row, so that building pays more often
            c["max_units"] = draw(st.integers(0, 40))
            c["min_units"] = c["min_units"] and min(c["min_units"], c["max_units"])
        expansions.append(
            dict(
                option=f"opt{i}",
                plant=c["plant"],
                product=c["product"],
                added_units=draw(st.integers(10, 100)),
                fixed_cost=draw(st.sampled_from([20, 100, 400, 1500])),
                first_period=draw(st.sampled_from(periods)),
                currency=draw(st.sampled_from(["", "EUR"])),
                lifetime_periods=draw(st.sampled_from([None, 1, 2, 2, 5])),
            )
        )
    return expansions


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
    lanes=["plant", "market", "product", "period", "freight_cost", "currency", "max_units"],
    costs=["plant", "product", "period", "unit_cost"],
    fx=["currency", "period", "rate"],
    tariffs=["origin", "market", "product", "period", "rate", "basis", "up_to_units", "agreement"],
    expansions=[
        "option",
        "plant",
        "product",
        "added_units",
        "fixed_cost",
        "first_period",
        "currency",
        "lifetime_periods",
    ],
    shares=["market", "product", "period", "plant", "country", "min_share", "max_share"],
    settings=["setting", "value"],
)


def write(folder, case):
    files = {
        name: to_csv(case[name], cols)
        for name, cols in COLUMNS.items()
        if case[name] or name in ("plants", "demand", "capacity", "lanes")
    }
    return write_case(folder, **files)


# ----------------------------------------------------------------- the reference model


def fraction(text):
    """A share or rate as written: "0.3" or "30%"."""
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def most_specific(rows, match, product, period):
    """Rows matching `match`, most specific first: (product, period) > product > period > neither."""
    for want_k, want_t in ((product, period), (product, ""), ("", period), ("", "")):
        hit = [
            r
            for r in rows
            if all(r[c] == v for c, v in match.items())
            and r.get("product", "") == want_k
            and r.get("period", "") == want_t
        ]
        if hit:
            return hit
    return []


def rate(case, currency, period):
    if currency in ("", "USD"):
        return 1.0
    return most_specific(case["fx"], {"currency": currency}, "", period)[0]["rate"]


def expansion_charges(case, e, periods):
    """(charge, periods charged) of an option: F once in first_period, or, with a lifetime n,
    A = F R / (1 - (1 + R)^-n) (F / n when R = 0) in first_period and the following periods
    of the case, at most n of them (charges after the last period are not part of the case)."""
    F = e["fixed_cost"] / rate(case, e["currency"], e["first_period"])
    first = periods.index(e["first_period"])
    n, R = e["lifetime_periods"], case["discount_rate"]
    if n is None:
        return F, [e["first_period"]]
    return (F / n if R == 0 else F * R / (1 - (1 + R) ** -n)), periods[first : first + n]


def expansion_cost(case, e, periods, d):
    """Present value of an option's charges, each discounted with its own period."""
    charge, charged = expansion_charges(case, e, periods)
    return charge * sum(d[t] for t in charged)


def reference_objective(case):
    """Solve the case's (MI)LP with scipy; None if infeasible. The objective: every cost of
    period t times d(t), the present value at the first period."""
    periods = natural_order({d["period"] for d in case["demand"]})
    d = discount_factors(periods, case["discount_rate"])
    cols, cost = reference_columns(case, periods, d)
    A_rows, lo, hi = [], [], []

    def row(coefs, low, high):
        A_rows.append(coefs)
        lo.append(low)
        hi.append(high)

    xs = [(i, c) for i, c in enumerate(cols) if c["kind"] == "x"]
    demand_rows(case, cols, xs, row)
    capacity_rows(case, cols, xs, periods, row)
    lane_rows(case, xs, periods, row)
    quota_rows(xs, row)
    share_rows(case, xs, periods, row)

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


def reference_columns(case, periods, d):
    """The columns (dicts: kind x for a flow on a lane and tariff tier, u for unmet demand, b for
    an option) and their present-value costs."""
    cols, cost = [], []

    def add(kind, c, **kw):
        cols.append(dict(kind=kind, **kw))
        cost.append(c)
        return len(cols) - 1

    for dm in case["demand"]:
        for pl in case["plants"]:
            flow_columns(case, dm, pl, d, add)
        if dm["unmet_penalty"] is not None:
            t = dm["period"]
            add(
                "u", dm["unmet_penalty"] * d[t], market=dm["market"], product=dm["product"], period=t, units=dm["units"]
            )
    for e in case["expansions"]:
        add("b", expansion_cost(case, e, periods, d), **e)
    return cols, cost


def flow_columns(case, dm, pl, d, add):
    """The flows from plant ``pl`` to a demand row's market: one per tariff tier (one without tariffs)."""
    m, k, t = dm["market"], dm["product"], dm["period"]
    p, country = pl["plant"], pl["country"]
    lane = most_specific(case["lanes"], {"plant": p, "market": m}, k, t)
    if not lane:
        return
    lane = lane[0]
    crow = most_specific(case["costs"], {"plant": p}, k, t)
    prod = crow[0]["unit_cost"] / rate(case, pl["currency"], t) if crow else 0.0
    freight = lane["freight_cost"] / rate(case, lane["currency"], t)
    tiers = sorted(
        most_specific(case["tariffs"], {"origin": country, "market": m}, k, t),
        key=lambda r: (r["up_to_units"] is None, r["up_to_units"] or 0),
    )
    if not tiers:
        add("x", (prod + freight) * d[t], plant=p, market=m, product=k, period=t, lane=id(lane), tier=None)
    for j, tr in enumerate(tiers):
        value = prod + (freight if tr["basis"] == "cif" else 0.0)
        add(
            "x",
            (prod + freight + tr["rate"] * value) * d[t],
            plant=p,
            market=m,
            product=k,
            period=t,
            lane=id(lane),
            tier=(country, m, k, t, j, tr["up_to_units"], tiers[j - 1]["up_to_units"] if j else 0),
        )


def demand_rows(case, cols, xs, row):
    """Flows plus unmet demand = demand, per demand row."""
    for dm in case["demand"]:
        key = (dm["market"], dm["product"], dm["period"])
        coefs = {i: 1.0 for i, c in xs if (c["market"], c["product"], c["period"]) == key}
        coefs.update(
            {i: 1.0 for i, c in enumerate(cols) if c["kind"] == "u" and (c["market"], c["product"], c["period"]) == key}
        )
        row(coefs, dm["units"], dm["units"])


def capacity_rows(case, cols, xs, periods, row):
    """Every capacity row on its own, per period it covers: at most max_units (plus the options
    built for its plant and product by then), at least min_units."""
    position = {t: i for i, t in enumerate(periods)}
    for r in case["capacity"]:
        for t in [r["period"]] if r["period"] else periods:
            coefs = {
                i: 1.0
                for i, c in xs
                if c["plant"] == r["plant"]
                and c["period"] == t
                and (r["product"] == "" or c["product"] == r["product"])
            }
            if r["max_units"] is not None:
                c2 = dict(coefs)
                for i, c in enumerate(cols):
                    if (
                        c["kind"] == "b"
                        and c["plant"] == r["plant"]
                        and c["product"] == r["product"]
                        and position[t] >= position[c["first_period"]]
                    ):
                        c2[i] = -c["added_units"]
                row(c2, -np.inf, r["max_units"])
            if r["min_units"]:
                row(coefs, r["min_units"], np.inf)


def lane_rows(case, xs, periods, row):
    """A lane's max_units, in every period."""
    for lane in case["lanes"]:
        if lane["max_units"] is None:
            continue
        for t in periods:
            row({i: 1.0 for i, c in xs if c["lane"] == id(lane) and c["period"] == t}, -np.inf, lane["max_units"])


def quota_rows(xs, row):
    """A tariff tier holds at most its quota (up_to_units less the tier below's)."""
    quotas = {}
    for i, c in xs:
        if c["tier"] is not None and c["tier"][5] is not None:
            quotas.setdefault(c["tier"], []).append(i)
    for tier, idx in quotas.items():
        row({i: 1.0 for i in idx}, -np.inf, tier[5] - tier[6])


def share_rows(case, xs, periods, row):
    """Shares: units from the source >= min_share x (<= max_share x) all units supplied to the
    market, per period covered (blank = each period), product blank = all its products together."""
    country = {p["plant"]: p["country"] for p in case["plants"]}
    for s in case["shares"]:
        source = {s["plant"]} if s["plant"] else {p for p, c in country.items() if c == s["country"]}
        for t in [s["period"]] if s["period"] else periods:
            scope = [
                (i, c)
                for i, c in xs
                if c["market"] == s["market"] and c["period"] == t and s["product"] in ("", c["product"])
            ]
            for share, low, high in ((s["min_share"], 0.0, np.inf), (s["max_share"], -np.inf, 0.0)):
                if share is not None:
                    row({i: (c["plant"] in source) - fraction(share) for i, c in scope}, low, high)


# ----------------------------------------------------------------- the properties


@pytest.mark.slow  # 80 random cases, each solved and checked against scipy: about 60 s CPU
@SETTINGS
@given(case=cases())
def test_random_valid_cases_match_the_reference(tmp_path_factory, case):
    folder = write(tmp_path_factory.mktemp("case"), case)
    out = tmp_path_factory.mktemp("out") / "plan"
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(out), *case["cli"]])
    assert "Traceback" not in r.output
    event(f"exit {r.exit_code}")
    event(f"expansions: {len(case['expansions'])}, tiered: {any(t['up_to_units'] for t in case['tariffs'])}")
    event(
        f"discount rate {case['discount_rate']}, periods from {natural_order({d['period'] for d in case['demand']})[0]}"
    )
    event(f"shares: {len(case['shares'])}, lanes by period: {any(lane['period'] for lane in case['lanes'])}")
    if r.exit_code == 2:
        # Our generator can make a case the rules reject (e.g. a market no lane serves without
        # an unmet_penalty): the reference must agree it is unusable, i.e. such a demand exists.
        unserved = [
            d
            for d in case["demand"]
            if d["units"] > 0
            and d["unmet_penalty"] is None
            and not any(ln["market"] == d["market"] and ln["product"] in ("", d["product"]) for ln in case["lanes"])
        ]
        assert unserved, r.output
        return
    expected = reference_objective(case)
    if expected is None:
        assert r.exit_code == 3, r.output
        event(
            "infeasible because of shares.csv"
            if reference_objective(dict(case, shares=[])) is not None
            else "infeasible without shares.csv too"
        )
        return
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["objective"] == pytest.approx(expected, rel=1e-6, abs=0.01)
    check_outputs(folder, out)
    if case["expansions"]:
        check_builds(case, read(out, "builds.csv"))
        built = read(out, "builds.csv")["built"].to_numpy() > 0.5
        spread = np.array([e["lifetime_periods"] is not None for e in case["expansions"]])
        event(f"built: {int(built.sum())}, of them spread over a lifetime: {int((built & spread).sum())}")


def check_builds(case, builds):
    """builds.csv per option: its charge, how many charges fall in the horizon, and what a
    built option costs within it, nominal and in present value."""
    periods = natural_order({d["period"] for d in case["demand"]})
    d = discount_factors(periods, case["discount_rate"])
    for e, b in zip(case["expansions"], builds.itertuples(), strict=True):
        charge, charged = expansion_charges(case, e, periods)
        assert b.option == e["option"]
        assert b.charge_per_period_USD == pytest.approx(charge, abs=0.005)
        assert b.charges_in_horizon == len(charged)
        assert b.charged_in_horizon_USD == pytest.approx(b.built * charge * len(charged), abs=0.01)
        assert b.present_value_USD == pytest.approx(b.built * charge * sum(d[t] for t in charged), abs=0.01)


DEFECTS = [
    ("demand.csv", "units", "-1"),
    ("demand.csv", "units", "abc"),
    ("demand.csv", "period", ""),
    ("capacity.csv", "plant", "ghost"),
    ("lanes.csv", "freight_cost", "nan"),
    ("lanes.csv", "market", "zz"),
    ("plants.csv", "currency", ""),
    ("lanes.csv", "freight_cost", "1e999"),
    ("demand.csv", "units", "=1+1"),
]


@pytest.mark.slow  # 80 random broken cases: about 30 s CPU
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
