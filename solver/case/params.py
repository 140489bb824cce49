"""The parameters a study may change in a case: their names (fx:KRW, tariff:KR:usa, ...), checked
against the case, and their values as a user writes them (2.5% or 0.025 for a rate).

Forms: see studies/sweep/names.FORMS ([...] optional)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pandas as pd

from solver.case.load import Case
from solver.case.names import suggest
from solver.case.param_names import FORMS, RATE_KINDS, TIER_KINDS
from solver.errors import UsageError

KINDS = (
    "fx",
    "tariff",
    "freight",
    "freight_scale",
    "demand",
    "demand_scale",
    "capacity",
    "cost_scale",
    "fixed_cost",
    "hub",
    "handling",
    "lane",
    "tariff_quota",
    "min_production",
    "tariff_in_quota",
    "tariff_over_quota",
)


# kind:A[:B][/PRODUCT][@PERIOD]; ':' between origin and destination is safe in every shell.
_NAME = re.compile(r"^(?P<kind>[a-z_]+):(?P<a>[^:/@]+)(:(?P<b>[^:/@]+))?(/(?P<product>[^@]+))?(@(?P<period>.+))?$")


@dataclass(frozen=True)
class Param:
    name: str  # as the user wrote it (the results.csv column)
    kind: str
    a: str  # currency, origin, plant or market
    b: str = ""  # market (after >)
    product: str = ""
    period: str = ""

    def check_value(self, v: float) -> str | None:
        if not math.isfinite(v):
            return "must be a finite number"
        if self.kind == "fx" and v <= 0:
            return "an exchange rate must be greater than 0"
        if v < 0:
            return "must be >= 0"
        return None


def examples(case: Case) -> list[str]:
    """One name of each kind, made from the case's own currencies, plants, markets and periods."""
    plants = list(case.plants["plant"])
    lanes = case.lanes if len(case.lanes) else pd.DataFrame({"plant": plants[:1], "market": [""]})
    plant, market = str(lanes["plant"].iat[0]), str(lanes["market"].iat[0])
    origin = str(case.plants.loc[case.plants["plant"] == plant, "country"].iat[0])
    others = sorted(set(case.plants["currency"]) - {case.currency})
    cur = others[0] if others else case.currency
    dm = case.demand.iloc[0]
    out = [
        f"fx:{cur}",
        f"tariff:{origin}:{market}",
        f"freight:{plant}:{market}",
        f"freight_scale:{plant}",
        f"demand:{dm['market']}/{dm['product']}@{case.periods[-1]}",
        f"demand_scale:{dm['market']}",
    ]
    cap = case.capacity[case.capacity["max_units"].notna()]
    if len(cap):
        r = cap.iloc[0]
        out.append(f"capacity:{r['plant']}" + (f"/{r['product']}" if r["product"] else ""))
    out.append(f"cost_scale:{plant}")
    out += [f"fixed_cost:{case.expansions['option'].iat[0]}"] if len(case.expansions) else []
    return out + ([f"handling:{case.nodes['hub'].iat[0]}"] if len(case.nodes) else [])


def parse_name(name: str, case: Case) -> Param:
    m = _NAME.match(name.strip())
    if not m or m["kind"] not in KINDS:
        raise UsageError(
            f"unknown parameter name {name!r}; in this case, names look like "
            f"{', '.join(examples(case))} (see plantsplit sweep --help)"
        )
    p = Param(
        name.strip(),
        m["kind"],
        m["a"].strip(),
        (m["b"] or "").strip(),
        (m["product"] or "").strip(),
        (m["period"] or "").strip(),
    )
    plants = set(case.plants["plant"])
    markets = set(case.demand["market"])
    currencies = set(case.plants["currency"]) | set(case.lanes["currency"]) | set(case.fx["currency"]) | {case.currency}
    problems = []

    def need(value, known, what):
        known = {k for k in known if k}  # a blank currency cell (the reporting currency) is no name
        if value and value not in known:
            if known:
                problems.append(f"{what} {value!r} is not in the case{suggest(value, known)}")
            elif what == "currency":
                problems.append(
                    f"{what} {value!r} is not in the case (it has no currency but the reporting "
                    f"currency {case.currency}, whose rate is 1)"
                )
            else:
                problems.append(f"{what} {value!r} is not in the case (it has none)")

    shape_ok = {
        "fx": not p.b and not p.product,
        "tariff": bool(p.b),
        "freight": bool(p.b) and not p.product and not p.period,
        "freight_scale": not p.product and not p.period,
        "demand": bool(p.product) and not p.b,
        "demand_scale": not p.b,
        "capacity": not p.b,
        "cost_scale": not p.b and not p.period,
        "fixed_cost": not p.b and not p.product and not p.period,
        "hub": not p.b and not p.product,
        "handling": not p.b and not p.product,
        "lane": bool(p.b),
        "tariff_quota": bool(p.b),
        "min_production": not p.b,
        "tariff_in_quota": bool(p.b),
        "tariff_over_quota": bool(p.b),
    }[p.kind]
    if not shape_ok:
        form = next((f for f, _ in FORMS if f.split(":")[0] == p.kind), p.kind)
        raise UsageError(f"parameter {name!r} does not fit the form {form} (see docs/commands/sweep.md)")
    _names(p, case, need, problems, (plants, markets, currencies))
    need(p.product, set(case.products), "product")
    need(p.period, set(case.periods), "period")
    if p.kind == "min_production" and not problems:
        cap = case.capacity
        rows = cap[(cap["plant"] == p.a) & (cap["product"] == p.product) & cap["min_units"].fillna(0).gt(0)]
        if rows.empty:
            scope = f"product {p.product}" if p.product else "its total"
            problems.append(f"plant {p.a} has no capacity.csv row with a min_units above 0 for {scope} to vary")
        elif "close_from" in case.plants and (case.plants.set_index("plant")["close_from"].fillna("") != "").get(p.a):
            problems.append(f"plant {p.a} may close: its minimum falls away when closed, so it is not varied")
    if p.kind == "capacity" and not problems:
        cap = case.capacity
        rows = cap[(cap["plant"] == p.a) & (cap["product"] == p.product) & cap["max_units"].notna()]
        if p.period:
            rows = rows[rows["period"].isin([p.period, ""])]
        if rows.empty:
            scope = f"product {p.product}" if p.product else "its total"
            problems.append(f"plant {p.a} has no capacity.csv row with max_units for {scope} to vary")
    if problems:
        raise UsageError(f"parameter {name!r}: " + "; ".join(problems))
    return p


def _names(p: Param, case: Case, need, problems: list[str], known) -> None:
    """The names in a parameter (its currency, origin, plant, market or option) are the case's."""
    plants, markets, currencies = known
    if p.kind == "fx":
        need(p.a, currencies - {case.currency} if p.a != case.currency else currencies, "currency")
    elif p.kind == "tariff":
        need(p.a, set(case.plants["country"]), "origin country")
        need(p.b, markets, "market")
    elif p.kind in ("freight", "freight_scale") and len(case.nodes):  # a lane may start or end at a hub
        hubs = set(case.nodes["hub"])
        need(p.a, plants | hubs, "plant or hub")
        need(p.b, markets | hubs, "market or hub")
        if (
            p.kind == "freight"
            and not problems
            and not ((case.lanes["plant"] == p.a) & (case.lanes["market"] == p.b)).any()
        ):
            problems.append(f"there is no lane {p.a}:{p.b} in lanes.csv")
    elif p.kind in ("freight", "freight_scale", "capacity", "cost_scale", "min_production"):
        need(p.a, plants, "plant")
        need(p.b, markets, "market")
        if (
            p.kind == "freight"
            and not problems
            and not ((case.lanes["plant"] == p.a) & (case.lanes["market"] == p.b)).any()
        ):
            problems.append(f"there is no lane {p.a}:{p.b} in lanes.csv")
    elif p.kind == "fixed_cost":
        need(p.a, set(case.expansions["option"]), "build option")
    elif p.kind in ("lane", "tariff_quota") + TIER_KINDS:
        _limit_names(p, case, problems)
    elif p.kind in ("hub", "handling"):
        need(p.a, set(case.nodes["hub"]), "hub")
        if p.kind == "hub" and not problems and case.nodes.set_index("hub")["max_units"].isna()[p.a]:
            problems.append(f"hub {p.a} has no max_units in nodes.csv to vary")
    else:
        need(p.a, markets, "market")


def _limit_names(p: Param, case: Case, problems: list[str]) -> None:
    """A lane or quota parameter names a limit the case has: a lanes.csv row with max_units, a two-tier quota."""
    if p.kind == "lane":  # a lanes.csv row with max_units from a to b (plants, hubs or markets)
        lanes = case.lanes
        on = lanes[(lanes["plant"] == p.a) & (lanes["market"] == p.b) & (lanes["product"] == p.product)]
        if p.period:
            on = on[on["period"].isin([p.period, ""])]
        if not on["max_units"].notna().any():
            scope = f" for product {p.product}" if p.product else ""
            problems.append(f"there is no lanes.csv row {p.a} > {p.b}{scope} with max_units to vary")
    else:  # a quota of two tiers: its volume (the lowest tier's up_to_units) or one tier's rate
        t = case.tariffs
        rows = t[(t["origin"] == p.a) & (t["market"] == p.b) & t["up_to_units"].notna()]
        if p.product:
            rows = rows[rows["product"].isin(["", p.product])]
        if rows.empty:
            problems.append(f"there is no tariff-rate quota (a tariffs.csv row with up_to_units) of {p.a} into {p.b}")
        elif rows.groupby(["product", "period"]).size().max() > 1:
            problems.append(f"{p.a} into {p.b} has more than two tiers: {p.kind} is a parameter of a two-tier quota")


def parse_number(text: str, param: Param) -> float:
    t = text.strip()
    pct = param.kind in RATE_KINDS and t.endswith("%")
    try:
        d = Decimal(t.rstrip("%").strip())
        v = float(d / 100 if pct else d)  # 2.5% is exactly 0.025
    except (InvalidOperation, ValueError):
        raise UsageError(f"{param.name}: {text!r} is not a number") from None
    return v


def parse_value(name: str, text: str) -> float:
    """A value of the parameter ``name`` in the forms ``--vary`` takes (``2.5%`` or ``0.025``
    for a rate), without a case: for files that sweeps wrote."""
    m = _NAME.match(name.strip())
    return parse_number(str(text), Param(name.strip(), m["kind"] if m else "", ""))


def _fixed_cost_warnings(params, case: Case) -> list[str]:
    from solver.case.sites import sites

    table = sites(case)
    money = pd.Series(False, index=table.index)
    for col in ("fixed_cost", "closing_cost"):
        money |= pd.to_numeric(table[col], errors="coerce").fillna(0).gt(0)
    out = []
    for p in params:
        if p.kind != "fx":
            continue
        hit = table[money & ((table["currency"] == p.a) | (p.a == case.currency))]
        if len(hit):
            out.append(
                f"parameter {p.name} does not move the fixed and closing costs of {', '.join(hit['plant'])}: "
                "they stay converted at fx.csv's rates in every scenario"
            )
    return out


def reach_warnings(params, case: Case) -> list[str]:
    """What a parameter replaces beyond what its name says: a duty rate ``tariff:X:m`` replaces every tier
    (a tariff-rate quota's over-quota rate too) and every product- or period-specific row of X into m. Said
    before the run, naming the rows, so a 'base' scenario is not silently off. And what it does not move:
    an exchange rate leaves plants' and hubs' fixed and closing costs at the case's own rates."""
    out = _fixed_cost_warnings(params, case)
    for p in params:
        if p.kind != "tariff":
            continue
        t = case.tariffs
        rows = t[(t["origin"] == p.a) & (t["market"] == p.b)]
        if p.product:
            rows = rows[rows["product"].isin(["", p.product])]
        if p.period:
            rows = rows[rows["period"].isin(["", p.period])]
        tiers = rows[rows["up_to_units"].notna()] if "up_to_units" in rows else rows.iloc[:0]
        narrower = rows[((rows["product"] != "") & (p.product == "")) | ((rows["period"] != "") & (p.period == ""))]
        if len(rows) <= 1 or (tiers.empty and narrower.empty):
            continue
        listed = ", ".join(str(int(r)) for r in rows["row"])
        what = []
        if not tiers.empty:
            what.append("the tiers of a tariff-rate quota (over-quota rate included)")
        if not narrower.empty:
            what.append("rows for a product or period it does not name")
        out.append(
            f"parameter {p.name} sets the rate of {len(rows)} tariffs.csv rows ({listed}): "
            f"{' and '.join(what)}, all to the one value; name a product or period "
            f"(tariff:{p.a}:{p.b}/PRODUCT@PERIOD) to change fewer"
        )
    return out
