"""A scenario's duty rates must keep a quota's tiers in order: one tier's rate (tariff_in_quota,
tariff_over_quota) may not rise above the next tier's. The LP fills the cheaper tier first, which is
the tiered duty only while rates never fall as volume rises (as tariffs.csv is checked on input); a
scenario that breaks that order would be priced wrong, so it is refused before any solve."""

from __future__ import annotations

import numpy as np

from solver.case.param_names import RATE_KINDS, TIER_KINDS
from solver.errors import UsageError


def check_tier_order(sm, labels, values) -> None:
    """Raise a UsageError naming the first scenario (``labels[i]``, like "scenario s2", ``values[i]``) whose
    duty rates would fall from one tier of a quota to the next. ``sm``: the ScenarioModel."""
    if not any(p.kind in TIER_KINDS for p in sm.params):
        return
    arcs = sm.tier_arcs  # country, market, product, period, tier of every arc
    tier = arcs["tier"].to_numpy(np.int64)
    later = np.flatnonzero(tier > 0)  # an arc's tier j follows its tier j - 1 (coefficients._order)
    for label, vals in zip(labels, values, strict=True):
        rate = sm.duty_rate
        for i in sm.order:
            if sm.params[i].kind in RATE_KINDS:
                rate = np.where(sm.masks[i], vals[i], rate)
        bad = later[rate[later] < rate[later - 1] - 1e-12]
        if len(bad):
            a = arcs.iloc[int(bad[0])]
            scope = "".join(f", {a[k]}" for k in ("product", "period") if str(a[k]))
            raise UsageError(
                f"{label}: the duty rate of {a['country']} into {a['market']}{scope} would fall from "
                f"{rate[bad[0] - 1]:.6g} (tier {int(a['tier'])}) to {rate[bad[0]]:.6g} (tier {int(a['tier']) + 1}); "
                "a quota's tier rates may not fall as volume rises (the in-quota rate at most the over-quota rate)"
            )
