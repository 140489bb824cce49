"""Freight per flow arc in one scenario, from terms in their own currencies.

Without hubs a term is an arc's lane (one per arc); in a case with hubs a term is a leg of the arc's
route or a hub it passes (its handling cost), and an arc's freight is the sum of its terms
(model/routes.py):

    freight[a] = sum over terms i of a:  local_i * freight_scale_i * r(reporting, t) / r(currency_i, t)

``freight:A:B`` sets ``local`` of the lane terms from A to B (A or B may be hubs), ``freight_scale:A[:B]``
scales them, ``handling:H[@T]`` sets a hub's handling (in the hub's currency), ``fx:C`` sets the rate of every
term in C (and of the reporting currency).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from solver.model.money import fx_rate


@dataclass
class FreightTerms:
    local: np.ndarray  # per term, in its own currency
    r_cur: np.ndarray  # rate of the term's currency in its period
    r_rep: np.ndarray  # rate of the reporting currency in the term's period
    currency: np.ndarray
    period: np.ndarray
    start: np.ndarray  # where the term's lane starts (a plant or hub)
    end: np.ndarray  # where it ends (a market or hub)
    lane: np.ndarray  # a lane (not a hub's handling)
    arc: np.ndarray | None  # the arc of each term; None: term i is arc i
    n_arcs: int

    @classmethod
    def of(cls, case, co) -> FreightTerms:
        arcs, legs = co.arcs, co.legs
        if legs is None:
            t = pd.DataFrame(
                {
                    "local": arcs["freight_local"].to_numpy(float),
                    "currency": arcs["lane_currency"].astype(object).to_numpy(object),
                    "period": arcs["period"].astype(object).to_numpy(object),
                    "start": arcs["plant"].astype(object).to_numpy(object),
                    "end": arcs["market"].astype(object).to_numpy(object),
                    "lane": True,
                }
            )
            arc = None
        else:
            t = pd.DataFrame(
                {
                    "local": legs["local_cost"].to_numpy(float),
                    "currency": legs["currency"].to_numpy(object),
                    "period": legs["period"].to_numpy(object),
                    "start": legs["start"].to_numpy(object),
                    "end": legs["end"].to_numpy(object),
                    "lane": (legs["kind"] == "lane").to_numpy(),
                }
            )
            arc = legs["arc"].to_numpy(np.int64)
        return cls(
            local=t["local"].to_numpy(float),
            r_cur=fx_rate(case, t["currency"], t["period"]),
            r_rep=fx_rate(case, pd.Series([case.currency] * len(t)), t["period"]),
            currency=t["currency"].to_numpy(object),
            period=t["period"].to_numpy(object),
            start=t["start"].to_numpy(object),
            end=t["end"].to_numpy(object),
            lane=t["lane"].to_numpy(bool),
            arc=arc,
            n_arcs=len(arcs),
        )

    def mask(self, p, reporting: str):
        """The terms a parameter sets: for ``fx``, {"cur": terms in its currency, "rep": every term
        when it is the reporting currency}, both within its period."""
        if p.kind == "fx":
            period = self.period == p.period if p.period else np.ones(len(self.local), bool)
            return {"cur": (self.currency == p.a) & period, "rep": period & (p.a == reporting)}
        if p.kind == "handling":  # a hub's handling terms (in a period)
            m = ~self.lane & (self.start == p.a)
            return m & (self.period == p.period) if p.period else m
        m = self.lane & (self.start == p.a)
        return m & (self.end == p.b) if p.b else m

    def freight(self, params, masks, values, order) -> np.ndarray:
        """Freight per arc, reporting currency, for one scenario's parameter values."""
        local, r_cur, r_rep, scale = self.local, self.r_cur, self.r_rep, None
        for i in order:
            k, m, v = params[i].kind, masks[i], values[i]
            if k == "fx":
                r_cur = np.where(m["freight"]["cur"], v, r_cur)
                r_rep = np.where(m["freight"]["rep"], v, r_rep)
            elif k in ("freight", "handling"):
                local = np.where(m, v, local)
            elif k == "freight_scale":
                scale = np.where(m, v, 1.0 if scale is None else scale)
        f = local * r_rep / r_cur
        if scale is not None:
            f = f * scale
        return f if self.arc is None else np.bincount(self.arc, f, minlength=self.n_arcs)
