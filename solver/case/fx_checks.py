"""Exchange-rate rules: every currency a case uses has a rate in every period it is used in, and a
hint when a missing rate looks quoted against another base."""

from __future__ import annotations

import pandas as pd

from solver.errors import Collector


def fx_available(fx, currency: str, period: str, reporting: str) -> bool:
    if currency == reporting and not (fx["currency"] == currency).any():
        return True
    rows = fx[fx["currency"] == currency]
    return bool(((rows["period"] == period) | (rows["period"] == "")).any())


def _hub_needs(nodes: pd.DataFrame, reporting: str) -> pd.DataFrame:
    """nodes.csv rows with money (handling, fixed or closing cost) in another currency: a rate in every period."""
    money = nodes["handling_cost"].fillna(0).gt(0)
    for col in ("fixed_cost", "closing_cost"):
        if col in nodes:
            money |= nodes[col].fillna(0).gt(0)
    costed = nodes[money & ~nodes["currency"].isin(["", reporting])]
    return pd.DataFrame({"file": "nodes.csv", "row": costed["row"], "currency": costed["currency"], "period": ""})


def check_fx_coverage(t, periods, reporting: str, out: Collector, base: str | None = None):
    fx = t["fx"]
    plants, lanes, exp = t["plants"], t["lanes"], t["expansions"]
    # Every use of a currency that needs a rate: (file, row, column, currency, period or "" for all).
    fixed = pd.Series(False, index=plants.index)
    for col in ("fixed_cost", "closing_cost"):  # plants.csv money in the plant's currency
        if col in plants:
            fixed |= plants[col].fillna(0).gt(0)
    costed = plants[plants["plant"].isin(set(t["costs"]["plant"])) | fixed]
    foreign_lanes = lanes[~lanes["currency"].isin(["", reporting])]
    foreign_exp = exp[~exp["currency"].isin(["", reporting]) & exp["first_period"].isin(set(periods))]
    needs = pd.concat(
        [
            pd.DataFrame({"file": "plants.csv", "row": costed["row"], "currency": costed["currency"], "period": ""}),
            pd.DataFrame(
                {
                    "file": "lanes.csv",
                    "row": foreign_lanes["row"],
                    "currency": foreign_lanes["currency"],
                    "period": foreign_lanes["period"],
                }
            ),
            pd.DataFrame(
                {
                    "file": "expansions.csv",
                    "row": foreign_exp["row"],
                    "currency": foreign_exp["currency"],
                    "period": foreign_exp["first_period"],
                }
            ),
            _hub_needs(t["nodes"], reporting),
        ],
        ignore_index=True,
    )
    needs = needs[needs["currency"] != ""]  # a blank currency is reported as a blank required cell
    for cur, uses in needs.groupby("currency", sort=False):
        wanted = set(periods) if (uses["period"] == "").any() else set(uses["period"])
        missing = [p for p in periods if p in wanted and not fx_available(fx, str(cur), p, reporting)]
        if not missing:
            continue
        first = uses.iloc[0]
        also = [f"{f} row {r}" for f, r in zip(uses["file"].iloc[1:], uses["row"].iloc[1:], strict=True)]
        out.error(
            first["file"],
            first["row"],
            "currency",
            cur,
            f"has no exchange rate in fx.csv for period {', '.join(missing)}: "
            + rate_hint(fx, str(cur), reporting, missing, periods, base or reporting)
            + (f"; also used in {_also(also)}" if also else ""),
        )
    if (fx["currency"] == reporting).any():
        base_rows = fx[fx["currency"] == reporting]
        for p in periods:
            if not fx_available(fx, reporting, p, reporting):
                out.error(
                    "fx.csv",
                    base_rows["row"].iat[0],
                    "currency",
                    reporting,
                    f"the reporting currency has rates for some periods but not for {p}",
                )


def rate_hint(fx, cur: str, reporting: str, missing: list, periods, base: str | None = None) -> str:
    """How to add the missing rates of ``cur`` so that the case converts correctly.

    fx.csv's rates are per 1 unit of one quote base. When the reporting currency has no
    row it is that base, and the rate is simply cur per 1 reporting unit. When it has
    rows, the base is another currency, so the rate is cur per 1 reporting unit times the
    reporting currency's own rate in that period (which gives 1 when cur is the base).

    ``base`` is the case's own currency (settings.csv, or USD), the one fx.csv's rates are
    written against. When another reporting currency is asked for (``--currency``) and
    ``cur`` is that base with no row of its own, the rate is 1: say so plainly. If the
    reporting currency has no row either, fx.csv's other rates would be read against it,
    so it needs its own row too.
    """
    based = (fx["currency"] == reporting).any()
    if cur == base != reporting and not (fx["currency"] == cur).any() and len(fx):
        why = f"the rates in fx.csv are quoted against {cur}, the case's currency"
        if based:
            return f"add a row (currency {cur}, rate 1): {why}"
        return (
            f"add a row (currency {cur}, rate 1) and a row (currency {reporting}, rate = {reporting} "
            f"per 1 {cur}): {why}, and {reporting} needs a rate against it too"
        )
    own = {p: _rate_row(fx, reporting, p) if based else None for p in missing}
    why = f"; fx.csv quotes every rate against one base currency, and {reporting} is not it" if based else ""
    factors = {(r["rate"], r["row"]) if r is not None else None for r in own.values()}
    if len(factors) == 1 and (len(missing) == 1 or list(missing) == list(periods)):
        f = factors.pop()
        times = f" × {f[0]:g}, the rate of {reporting} in fx.csv row {f[1]}" if f else ""
        period = f"period {missing[0]}, " if list(missing) != list(periods) else ""
        return f"add a row (currency {cur}, {period}rate = {cur} per 1 {reporting}{times}){why}"
    each = ", ".join(f"{r['rate']:g} in period {p} (fx.csv row {r['row']})" for p, r in own.items() if r is not None)
    times = f" × the rate of {reporting} in P: {each}" if based else ""
    return (
        f"add a row for each period P of {', '.join(missing)} (currency {cur}, period P, "
        f"rate = {cur} per 1 {reporting} in P{times}){why}"
    )


def _rate_row(fx, currency: str, period: str):
    rows = fx[fx["currency"] == currency]
    exact, blank = rows[rows["period"] == period], rows[rows["period"] == ""]
    chosen = exact if len(exact) else blank
    return chosen.iloc[0] if len(chosen) else None


def _also(uses: list[str], shown: int = 5) -> str:
    more = len(uses) - shown
    return ", ".join(uses[:shown]) + (f" and {more} more" if more > 0 else "")
