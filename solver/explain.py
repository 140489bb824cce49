"""Why is a case infeasible? An elastic re-solve, in the words of the inputs.

Every demand row may be under- or over-supplied (slack cost 1 per unit) and every
capacity, minimum, lane and quota limit may be exceeded (cost 2 per unit, so the
re-solve prefers to report missing supply over broken limits). The slacks it needs are
the smallest set of changes that make the case feasible; for each short demand, the
limits that bind in the elastic model (non-zero dual) on the flows that could reach it
are what stands in the way.
"""
from __future__ import annotations

import numpy as np

from .model.lp import LinearProgram
from .solve import Status, load_highs

WEIGHTS = {"demand": 1.0, "capacity": 2.0, "min_production": 2.0, "lane": 2.0, "tariff_quota": 2.0,
           "share_min": 2.0, "share_max": 2.0}
SHARES = ("share_min", "share_max")
TOL = 1e-6


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-6 else f"{v:,.3f}"


def _slack_columns(lp: LinearProgram):
    """(row, sign, weight) per elastic column: + adds to the row's activity, - takes away."""
    out = []
    for family, weight in WEIGHTS.items():
        rs = lp.family_rows(family)
        for i in range(rs.start, rs.stop):
            if family == "demand":
                out += [(i, +1.0, weight), (i, -1.0, weight)]
            elif lp.row_upper[i] < np.inf:
                out.append((i, -1.0, weight))
            else:
                out.append((i, +1.0, weight))
    return out


def explain_infeasible(lp: LinearProgram) -> list[str]:
    """Plain-language reasons, one per line; empty if the elastic model finds none."""
    import highspy

    h = load_highs(lp, relax=True)
    h.changeColsCost(lp.num_col, np.arange(lp.num_col, dtype=np.int32), np.zeros(lp.num_col))
    slacks = _slack_columns(lp)
    n = len(slacks)
    if n == 0:
        return []
    h.addCols(n, np.array([s[2] for s in slacks]), np.zeros(n), np.full(n, highspy.kHighsInf), n,
              np.arange(n, dtype=np.int32), np.array([s[0] for s in slacks], dtype=np.int32),
              np.array([s[1] for s in slacks]))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return []
    sol = h.getSolution()
    amount = np.asarray(sol.col_value)[lp.num_col:]
    duals = np.asarray(sol.row_dual)
    binding = {i for fam in ("capacity", "lane", "min_production", "tariff_quota") + SHARES
               for i in range(lp.family_rows(fam).start, lp.family_rows(fam).stop) if abs(duals[i]) > TOL}
    lines = []
    for (i, sign, _), s in zip(slacks, amount):
        if s > TOL:
            lines.append(_describe(lp, i, sign, s, binding))
    return lines


def _family(lp: LinearProgram, i: int) -> tuple[str, object]:
    for family, rs in lp.row_family.items():
        if rs.start <= i < rs.stop:
            meta = lp.row_meta.get(family)
            return family, (meta.iloc[i - rs.start] if meta is not None else None)
    raise KeyError(i)


def _limit_phrase(lp: LinearProgram, i: int) -> tuple[str, float]:
    family, r = _family(lp, i)
    limit = lp.row_upper[i] if lp.row_upper[i] < np.inf else lp.row_lower[i]
    if family == "capacity":
        scope = r["product"] or "total"
        added = _built_capacity(lp, i)
        extra = "".join(f" + {_fmt(u)} of {name}" for name, u in added)
        return (f"{r['plant']} {scope} capacity {_fmt(limit)}{extra} in {r['period']} (capacity.csv row {r['rows']})",
                limit + sum(u for _, u in added))
    if family == "lane":
        scope = f" {r['product']}" if r["product"] else ""
        return f"{r['plant']}→{r['market']}{scope} lane limit {_fmt(limit)} in {r['period']} (lanes.csv row {r['row']})", limit
    if family == "min_production":
        scope = r["product"] or "total"
        return f"{r['plant']} {scope} min_units {_fmt(limit)} in {r['period']} (capacity.csv row {r['rows']})", limit
    if family in SHARES:
        return _share_phrase(r, family), 0.0
    return f"{lp.row_names[i]} {_fmt(limit)}", limit


def _share_phrase(r, family: str) -> str:
    share = r["min_share"] if family == "share_min" else r["max_share"]
    bound = "at least" if family == "share_min" else "at most"
    source = r["plant"] or f"plants in {r['country']}"
    scope = f"{r['market']}/{r['product']}" if r["product"] else f"{r['market']} (all products)"
    return (f"the rule that {bound} {share:.0%} of {scope} in {r['period']} comes from {source} "
            f"(shares.csv row {r['row']})")


def _built_capacity(lp: LinearProgram, i: int) -> list[tuple[str, float]]:
    """Expansion options held built (lower bound 1) that add to capacity row i: (name, units)."""
    b = lp.family_cols("build")
    s, e = lp.start[i], lp.start[i + 1]
    return [(str(lp.col_names[j]), -float(v)) for j, v in zip(lp.index[s:e], lp.value[s:e])
            if b.start <= j < b.stop and lp.col_lower[j] >= 1 - TOL]


def _rows_touching(lp: LinearProgram, cols: set[int], candidates: set[int]) -> list[int]:
    found = []
    for i in sorted(candidates):
        if cols & set(lp.index[lp.start[i]:lp.start[i + 1]].tolist()):
            found.append(i)
    return found


def _describe(lp: LinearProgram, i: int, sign: float, amount: float, binding: set[int]) -> str:
    family, r = _family(lp, i)
    if family == "demand":
        units = float(lp.row_lower[i])  # the row's right-hand side (a scenario may change it)
        where = f"{r['market']}/{r['product']} in {r['period']}"
        cols = set(lp.index[lp.start[i]:lp.start[i + 1]].tolist())
        if sign > 0:
            head = f"demand of {where} is {_fmt(units)} but at most {_fmt(units - amount)} can reach it"
            limits = [_limit_phrase(lp, k) for k in _rows_touching(lp, cols, binding)
                      if lp.row_upper[k] < np.inf or _family(lp, k)[0] in SHARES]
        else:
            head = f"demand of {where} is {_fmt(units)} but minimum production forces {_fmt(units + amount)} into it"
            limits = [_limit_phrase(lp, k) for k in _rows_touching(lp, cols, binding)
                      if lp.row_upper[k] == np.inf]
        head += f" (demand.csv row {r['row']})"
        if not limits:
            return head
        total = sum(v for _, v in limits)
        if sign > 0 and not any(fam in SHARES for fam in (_family(lp, k)[0] for k in _rows_touching(lp, cols, binding))) and abs(total - (units - amount)) < 1e-6 * max(1.0, units):
            return head + ": " + " + ".join(p for p, _ in limits)
        return head + "; limited by " + "; ".join(p for p, _ in limits)
    phrase, limit = _limit_phrase(lp, i)
    if family in SHARES:
        return f"{phrase} cannot hold: it would need {_fmt(amount)} more units from that source"
    if family == "min_production":
        return f"{phrase} cannot be reached: at most {_fmt(limit - amount)} units can be made and sold"
    return f"{phrase} would have to rise by {_fmt(amount)}"


def headline(case_name: str, status: Status, time_limit: float | None = None, detail: str = "") -> str:
    """The first line of the message for a run that found no plan."""
    if status == Status.INFEASIBLE:
        return f"case {case_name} is infeasible: no plan satisfies the case."
    if status == Status.UNBOUNDED:
        return (f"case {case_name} is unbounded: the cost can fall without limit "
                "(check for a negative cost with no capacity limit).")
    if status == Status.NO_SOLUTION:
        return (f"case {case_name}: no plan was found within the time limit of {time_limit:g} s; "
                "raise --time-limit.")
    return f"case {case_name}: the solver failed ({detail or status.value})."
