"""Money in the reporting currency and over time: exchange rates per currency and period, and a build's
fixed cost spread over its lifetime as an annuity.

    amount_reporting = amount_in_C * rate(reporting, t) / rate(C, t)

where ``rate(C, t)`` is fx.csv's rate (units of C per 1 unit of the quote base, normally the reporting
currency, whose implicit rate is 1). With ``lifetime_periods`` n and discount rate R, a fixed cost F is
n equal charges A = F R / (1 - (1 + R)^-n) (F / n when R = 0)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.codes import codes, composite
from solver.case.load import Case
from solver.model.specific import resolve


def fx_rate(case: Case, currency, period) -> np.ndarray:
    """Rate (units of currency per quote-base unit) for each (currency, period)."""
    return _rate(case, *codes(currency), *codes(period))


def _rate(case: Case, cc: np.ndarray, cur_names: pd.Index, pc: np.ndarray, per_names: pd.Index) -> np.ndarray:
    """fx_rate on codes: each distinct (currency, period) pair is resolved once, then broadcast."""
    fx = case.fx
    key = composite([cc, pc], [len(cur_names), len(per_names)])
    if len(key) and (len(cur_names) + 1) * (len(per_names) + 1) < 10_000_000:
        seen = np.zeros((len(cur_names) + 1) * (len(per_names) + 1), bool)
        seen[key] = True
        pairs = np.flatnonzero(seen)
        slot = np.zeros(len(seen), np.int64)
        slot[pairs] = np.arange(len(pairs))
        inverse = slot[key]
    else:
        pairs, inverse = np.unique(key, return_inverse=True)
    first = np.zeros(len(pairs), np.int64)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]
    targets = pd.DataFrame(
        {"currency": cur_names.to_numpy(object)[cc[first]], "period": per_names.to_numpy(object)[pc[first]]}
    )
    pos = resolve(targets, fx, ["currency"], (("period",), ()))
    rate = np.where(pos >= 0, fx["rate"].to_numpy()[np.maximum(pos, 0)] if len(fx) else 1.0, np.nan)
    # The reporting currency needs no row: it is the quote base.
    rate = np.where((pos < 0) & (targets["currency"] == case.currency).to_numpy(), 1.0, rate)
    if np.isnan(rate).any():  # fx_checks.check_fx_coverage reports these as input errors first
        bad = targets[np.isnan(rate)].iloc[0]
        raise ValueError(f"no exchange rate for {bad['currency']} in period {bad['period']}")
    return rate[inverse.reshape(-1)]


def to_reporting(case: Case, amount, currency, period) -> np.ndarray:
    """Amounts in ``currency`` (blank: the reporting currency) converted to the reporting currency."""
    return _to_reporting(case, amount, *codes(currency), *codes(period))


def _to_reporting(case: Case, amount, cc, cur_names, pc, per_names) -> np.ndarray:
    cur_names = pd.Index(np.where(cur_names == "", case.currency, cur_names.to_numpy(object)), dtype=object)
    reporting = _rate(case, np.zeros(len(pc), np.int64), pd.Index([case.currency], dtype=object), pc, per_names)
    return np.asarray(amount, dtype=float) * reporting / _rate(case, cc, cur_names, pc, per_names)


def annuity(fixed: np.ndarray, rate: float, lifetime: np.ndarray) -> np.ndarray:
    """Equal charge per period that repays ``fixed`` over ``lifetime`` periods at ``rate``."""
    n = np.asarray(lifetime, dtype=float)
    if rate == 0:
        return np.asarray(fixed, dtype=float) / n
    return np.asarray(fixed, dtype=float) * rate / (1.0 - (1.0 + rate) ** -n)
