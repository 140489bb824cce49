"""Why is a case infeasible? An elastic re-solve, in the words of the inputs.

Every demand row may be under- or over-supplied (slack cost 1 per unit) and every
capacity, minimum, lane and quota limit may be exceeded (cost 2 per unit, so the
re-solve prefers to report missing supply over broken limits). The slacks it needs are
the smallest set of changes that make the case feasible; for each short demand, the
limits that bind in the elastic model (non-zero dual) on the flows that could reach it
are what stands in the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.model.lp import LinearProgram
from solver.solve.highs import free_in, load_highs
from solver.solve.status import Status

WEIGHTS = {
    "demand": 1.0,
    "capacity": 2.0,
    "min_production": 2.0,
    "lane": 2.0,
    "tariff_quota": 2.0,
    "hub": 2.0,
    "share_min": 2.0,
    "share_max": 2.0,
}
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


def explain_infeasible(lp: LinearProgram, lanes=None) -> list[str]:
    """Plain-language reasons, one per line; empty if the elastic model finds none.

    With the case's ``lanes`` table, a demand no lane reaches in its period says so
    (``checks.closed_lanes``): its lanes are open only in other periods.
    """
    import highspy

    h = load_highs(lp, relax=True)
    h.changeColsCost(lp.num_col, np.arange(lp.num_col, dtype=np.int32), np.zeros(lp.num_col))
    free_in(h, lp)  # the linking rows: valid for integer builds only, never a reason
    slacks = _slack_columns(lp)
    n = len(slacks)
    if n == 0:
        return []
    h.addCols(
        n,
        np.array([s[2] for s in slacks]),
        np.zeros(n),
        np.full(n, highspy.kHighsInf),
        n,
        np.arange(n, dtype=np.int32),
        np.array([s[0] for s in slacks], dtype=np.int32),
        np.array([s[1] for s in slacks]),
    )
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return []
    sol = h.getSolution()
    values = np.asarray(sol.col_value)
    e = Elastic(lp, values[: lp.num_col], values[lp.num_col :], np.asarray(sol.row_dual), slacks)
    if lanes is not None and "demand" in lp.row_meta:
        from solver.case.checks import closed_lanes

        e.closed = closed_lanes(lanes, lp.row_meta["demand"])
    lines = shortages(e)
    for (i, sign, _), s in zip(slacks, e.amount, strict=True):
        if s > TOL and not (sign > 0 and _family(lp, i)[0] == "demand"):
            lines.append(_describe(e, i, sign, s))
    return lines


@dataclass
class Elastic:
    """The elastic re-solve: flows ``x``, slack ``amount`` per slack column, row duals."""

    lp: LinearProgram
    x: np.ndarray
    amount: np.ndarray
    duals: np.ndarray
    slacks: list
    closed: dict = field(default_factory=dict)  # demand.csv row -> why no lane reaches it

    def cols(self, i: int) -> np.ndarray:
        return self.lp.index[self.lp.start[i] : self.lp.start[i + 1]]

    def binding(self, families=("capacity", "lane", "min_production", "tariff_quota", "hub") + SHARES) -> set[int]:
        return {
            i
            for fam in families
            for i in range(self.lp.family_rows(fam).start, self.lp.family_rows(fam).stop)
            if abs(self.duals[i]) > TOL
        }


def shortages(e: Elastic) -> list[str]:
    """One line per group of demand rows that cannot all be met together.

    A demand row whose shortage would grow with its demand (dual 1 in the elastic model)
    shares the bottleneck; rows that share a binding upper limit are one group, because
    which of them goes short is the re-solve's arbitrary choice. The group's demand
    minus its total shortage is what can reach it, and is the sum of its binding limits
    (built options included) whenever each flow crosses one of them.
    """
    lp = e.lp
    short = {
        i: s
        for (i, sign, _), s in zip(e.slacks, e.amount, strict=True)
        if sign > 0 and s > TOL and _family(lp, i)[0] == "demand"
    }
    if not short:
        return []
    dem = lp.family_rows("demand")
    upper = {k for k in e.binding() if lp.row_upper[k] < np.inf or _family(lp, k)[0] in SHARES}
    tight = [i for i in range(dem.start, dem.stop) if i in short or e.duals[i] > 1 - 1e-7]
    limits_of = {i: _rows_touching(lp, set(e.cols(i).tolist()), upper) for i in tight}
    group = {i: i for i in tight}

    def root(i):
        while group[i] != i:
            i = group[i]
        return i

    by_limit: dict[int, int] = {}
    for i in tight:
        for k in limits_of[i]:
            if k in by_limit:
                group[root(i)] = root(by_limit[k])
            else:
                by_limit[k] = i
    members: dict[int, list[int]] = {}
    for i in tight:
        members.setdefault(root(i), []).append(i)
    lines = []
    for rows in sorted(members.values()):
        if not any(i in short for i in rows):
            continue
        limits = sorted({k for i in rows for k in limits_of[i]})
        lines.append(_short_group(e, rows, sum(short.get(i, 0.0) for i in rows), limits))
    return lines


def _short_group(e: Elastic, rows: list[int], missing: float, limits: list[int]) -> str:
    meta = [_family(e.lp, i)[1] for i in rows]
    units = sum(float(e.lp.row_lower[i]) for i in rows)  # right-hand sides (a scenario may change them)
    periods = sorted({str(r["period"]) for r in meta})
    if len(periods) == 1:
        where = ", ".join(f"{r['market']}/{r['product']}" for r in meta) + f" in {periods[0]}"
    else:
        where = ", ".join(f"{r['market']}/{r['product']} in {r['period']}" for r in meta)
    reach = units - missing
    if len(rows) == 1:
        head = (
            f"demand of {where} is {_fmt(units)} but at most {_fmt(reach)} can reach it "
            f"(demand.csv row {meta[0]['row']})"
        )
    else:
        head = (
            f"demand of {where} is {_fmt(units)} together but at most {_fmt(reach)} can reach them "
            f"(demand.csv rows {', '.join(str(r['row']) for r in meta)})"
        )
    phrases = [_limit_phrase(e, k) for k in limits]
    if not phrases:
        cause = e.closed.get(int(meta[0]["row"])) if len(rows) == 1 else None
        return head + (f": {cause}" if cause else "")
    shares = any(_family(e.lp, k)[0] in SHARES for k in limits)  # a share is no count of units
    if not shares and abs(sum(v for _, v in phrases) - reach) < 1e-6 * max(1.0, units):
        return head + ": " + " + ".join(p for p, _ in phrases)
    return head + "; limited by " + "; ".join(p for p, _ in phrases)


def _family(lp: LinearProgram, i: int) -> tuple[str, Any]:
    """(the family of row i, its row of meta: a Series, None in a family without meta)"""
    for family, rs in lp.row_family.items():
        if rs.start <= i < rs.stop:
            meta = lp.row_meta.get(family)
            return family, (meta.iloc[i - rs.start] if meta is not None else None)
    raise KeyError(i)


def _options(e: Elastic, i: int) -> tuple[str, float]:
    """' + 61,000 from option us-line' for the build columns in row i, and the units they add."""
    lp, build = e.lp, e.lp.family_cols("build")
    lo, hi = lp.start[i], lp.start[i + 1]
    text, added = "", 0.0
    for col, coef in zip(lp.index[lo:hi], lp.value[lo:hi], strict=True):
        if build.start <= col < build.stop and e.x[col] > TOL:
            units = -float(coef) * float(e.x[col])
            added += units
            text += f" + {_fmt(units)} from option {str(lp.col_names[col])[len('build[') : -1]}"
    return text, added


def _limit_phrase(e: Elastic, i: int) -> tuple[str, float]:
    lp = e.lp
    family, r = _family(lp, i)
    limit = lp.row_upper[i] if lp.row_upper[i] < np.inf else lp.row_lower[i]
    if family == "capacity":
        scope = r["product"] or "total"
        extra, added = _options(e, i)
        return (
            f"{r['plant']} {scope} capacity {_fmt(limit)}{extra} in {r['period']} ({_capacity_rows(r['max_rows'])})",
            limit + added,
        )
    if family == "lane":
        scope = f" {r['product']}" if r["product"] else ""
        return (
            f"{r['plant']}→{r['market']}{scope} lane limit {_fmt(limit)} in {r['period']} (lanes.csv row {r['row']})",
            limit,
        )
    if family == "hub":
        return f"hub {r['hub']} throughput {_fmt(limit)} in {r['period']} (nodes.csv row {r['row']})", limit
    if family == "min_production":
        scope = r["product"] or "total"
        return f"{r['plant']} {scope} min_units {_fmt(limit)} in {r['period']} ({_capacity_rows(r['min_rows'])})", limit
    if family in SHARES:
        return _share_phrase(r, family), 0.0
    return f"{lp.row_names[i]} {_fmt(limit)}", limit


def _capacity_rows(rows: str) -> str:
    """'capacity.csv row 32', or 'capacity.csv rows 2, 32' when two rows set the same limit."""
    return f"capacity.csv row{'s' if ',' in rows else ''} {rows}"


def _share_phrase(r, family: str) -> str:
    share = r["min_share"] if family == "share_min" else r["max_share"]
    bound = "at least" if family == "share_min" else "at most"
    source = r["plant"] or f"plants in {r['country']}"
    scope = f"{r['market']}/{r['product']}" if r["product"] else f"{r['market']} (all products)"
    return (
        f"the rule that {bound} {share:.0%} of {scope} in {r['period']} comes from {source} (shares.csv row {r['row']})"
    )


def _rows_touching(lp: LinearProgram, cols: set[int], candidates: set[int]) -> list[int]:
    found = []
    for i in sorted(candidates):
        if cols & set(lp.index[lp.start[i] : lp.start[i + 1]].tolist()):
            found.append(i)
    return found


def _describe(e: Elastic, i: int, sign: float, amount: float) -> str:
    lp = e.lp
    family, r = _family(lp, i)
    if family == "demand":  # over-supply: minimums force more in than the market takes
        units = float(lp.row_lower[i])  # the row's right-hand side (a scenario may change it)
        head = (
            f"demand of {r['market']}/{r['product']} in {r['period']} is {_fmt(units)} but minimum production "
            f"forces {_fmt(units + amount)} into it (demand.csv row {r['row']})"
        )
        lower = [k for k in _rows_touching(lp, set(e.cols(i).tolist()), e.binding()) if lp.row_upper[k] == np.inf]
        if not lower:
            return head
        return head + "; limited by " + "; ".join(_limit_phrase(e, k)[0] for k in lower)
    phrase, limit = _limit_phrase(e, i)
    if family in SHARES:
        need = (
            f"it would need {_fmt(amount)} more units from that source"
            if family == "share_min"
            else f"it would have to allow {_fmt(amount)} more units from that source"
        )
        # the other rules that hold it back: share rows on the same flows binding in the re-solve
        others = [k for k in _rows_touching(lp, set(e.cols(i).tolist()), e.binding(SHARES)) if k != i]
        beside = "".join(f"; it conflicts with {_limit_phrase(e, k)[0]}" for k in others)
        return f"{phrase} cannot hold: {need}{beside}"
    if family == "min_production":
        return f"{phrase} cannot be reached: at most {_fmt(limit - amount)} units can be made and sold"
    return f"{phrase} would have to rise by {_fmt(amount)}"


def headline(case_name: str, status: Status, time_limit: float | None = None, detail: str = "") -> str:
    """The first line of the message for a run that found no plan."""
    if status == Status.INFEASIBLE:
        return f"case {case_name} is infeasible: no plan satisfies the case."
    if status == Status.UNBOUNDED:
        return (
            f"case {case_name} is unbounded: the cost can fall without limit "
            "(check for a negative cost with no capacity limit)."
        )
    if status == Status.NO_SOLUTION:
        return f"case {case_name}: no plan was found within the time limit of {time_limit:g} s; raise --time-limit."
    return f"case {case_name}: the solver failed ({detail or status.value})."
