"""The build options' coefficients: each option's fixed cost in the reporting currency, its charges per
period (once, or an annuity over its life) and their present value; an option with a window (``last_period``)
as one option per first period it may take (``option@period``; model/groups.py builds at most one of them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.load import Case
from solver.model.closing import closing_options
from solver.model.money import annuity, to_reporting


def _windows(case: Case) -> pd.DataFrame:
    """expansions.csv with each option that has a window (last_period) as one option per first period it
    may take, named ``option@period``; ``window_of`` names the option (model/groups.py: at most one of them)."""
    exp = case.expansions.reset_index(drop=True)
    exp = exp.assign(window_of="")
    if "last_period" not in exp or not (exp["last_period"] != "").any():
        return exp
    order = case.period_order()
    rows = []
    for r in exp.to_dict("records"):
        last = r.get("last_period", "")
        if not last or last == r["first_period"]:
            rows.append(r)
            continue
        for t in case.periods[order[r["first_period"]] : order[last] + 1]:
            rows.append({**r, "option": f"{r['option']}@{t}", "first_period": t, "window_of": r["option"]})
    return pd.DataFrame(rows, columns=exp.columns)


def expansions(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(options, charges): expansions.csv's options, then a case's closing options (closing.py, ``kind`` close)
    after them; ``charges`` the build options' charges only."""
    exp, charges = _build_options(case)
    close = closing_options(case)
    if not len(close):
        return exp, charges
    exp = exp.assign(kind="build")
    return pd.concat([exp, close], ignore_index=True) if len(exp) else close, charges


def _build_options(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    exp = _windows(case)
    empty = pd.DataFrame(
        {
            "option": pd.Series(dtype=np.int64),
            "period": pd.Series(dtype=object),
            "amount": pd.Series(dtype=float),
            "discount": pd.Series(dtype=float),
        }
    )
    if exp.empty:
        return exp.assign(
            fixed_cost_reporting=pd.Series(dtype=float),
            charge_per_period=pd.Series(dtype=float),
            charges=pd.Series(dtype=np.int64),
            pv_factor=pd.Series(dtype=float),
        ), empty
    fixed = to_reporting(case, exp["fixed_cost"].to_numpy(), exp["currency"], exp["first_period"])
    spread = exp["lifetime_periods"].notna().to_numpy()
    n = exp["lifetime_periods"].fillna(1).to_numpy(dtype=float)
    charge = np.where(spread, annuity(fixed, case.discount_rate, n), fixed)
    d = case.discount_factors()
    order = case.period_order()
    rows = []
    for i, (first, k) in enumerate(zip(exp["first_period"], n.astype(int), strict=True)):
        for t in case.periods[order[first] : order[first] + k]:
            rows.append((i, t, charge[i], d[t]))
    charges = pd.DataFrame(rows, columns=["option", "period", "amount", "discount"]) if rows else empty
    count = np.bincount(charges["option"].to_numpy(np.int64), minlength=len(exp))
    pv = np.bincount(
        charges["option"].to_numpy(np.int64),
        weights=(charges["amount"] * charges["discount"]).to_numpy(float),
        minlength=len(exp),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(fixed != 0, pv / np.where(fixed != 0, fixed, 1.0), 0.0)
    return exp.assign(fixed_cost_reporting=fixed, charge_per_period=charge, charges=count, pv_factor=factor), charges


def option_terms(keys: pd.DataFrame, expansions, on: list[str], period_order: dict, lane: bool = False) -> pd.DataFrame:
    """(key index, option index, added_units): the build options that add to each limit row of ``keys`` (rows
    with the ``on`` columns and a ``period``) from their first period on: a plant's or hub's own limit
    (``lane`` False: options without a ``market``) or a lane's (``lane`` True: options with one). Closing
    options (``kind`` close) add nothing. One mechanism for capacity, hub and lane rows."""
    empty = pd.DataFrame({"index": [], "option": [], "added_units": []})
    if expansions is None or not len(expansions) or not len(keys):
        return empty
    e = expansions.reset_index(drop=True)
    market = e["market"].fillna("").to_numpy(object) if "market" in e else np.full(len(e), "", object)
    keep = (market != "") if lane else (market == "")
    if "kind" in e:
        keep &= (e["kind"] == "build").to_numpy()
    e = e[[*on, "first_period", "added_units"]].reset_index(names="option")[keep]  # option: its position
    k = keys[[*on, "period"]].astype(object).reset_index()
    m = k.merge(e, on=on)
    if not len(m):  # an empty merge's periods would compare as text
        return empty
    m = m[m["period"].map(period_order).to_numpy(float) >= m["first_period"].map(period_order).to_numpy(float)]
    return m[["index", "option", "added_units"]]
