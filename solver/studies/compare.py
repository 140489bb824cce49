"""Two output folders side by side: what changed between two runs.

A folder's kind comes from its summary.json (``kind``; without one, from the files
beside it: a stochastic folder's decision.csv, else a solve). Each kind that can be
compared has a reader in ``READERS``; ``solve`` (here) and ``stochastic``
(``compare_stochastic``, its rows in its docstring). Folders of different kinds are refused.

comparison.csv of two solves has one row per compared figure:

    section  units | cost | build | binding
    item     plant (or plant/product) | component (present value) or objective | option | capacity scope
    period   the period, or "all" for the whole horizon
    unit     units | <CUR> | built (1 = yes) | <CUR> per unit (shadow price)
    value_a, value_b, change (= value_b - value_a)

``units`` and ``cost`` list every plant, component and period; ``build`` only options
built differently; ``binding`` only capacities binding (non-zero shadow price) in one run
and not the other. A network case adds ``hub`` (throughput) and ``closure`` rows, and hubs
to ``binding`` (compare_network.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from solver.case.names import natural_sorted, period_sort_key
from solver.errors import UsageError
from solver.io.outdir import interrupted
from solver.io.readback import column, need
from solver.studies.compare_network import closure_rows, closure_table, hub_binding, hub_table, render_network

if TYPE_CHECKING:
    from solver.studies.compare_stochastic import StochasticTables

TOL = 1e-6
COLUMNS = ["section", "item", "period", "unit", "value_a", "value_b", "change"]


@dataclass
class Tables:
    """What a run says, in the shape comparison needs (plain column names)."""

    kind: str
    case: str
    currency: str
    objective: float
    units: pd.DataFrame  # plant, product, period, units
    costs: pd.DataFrame  # period, component, amount
    builds: pd.DataFrame  # option, built
    binding: pd.DataFrame  # scope, period, shadow_price (plants' capacities, then hubs: "hub <name>")
    discounted: bool = False  # costs are present values that differ from face values
    hubs: pd.DataFrame | None = None  # hub, period, units, shadow_price (a case with hubs)
    closures: pd.DataFrame | None = None  # site, closed_from ("" = open) (a case whose sites may close)


def _solve_tables(folder: Path, info: dict) -> Tables:
    plan, util, cb = (need(folder, n, "solve") for n in ("plan.csv", "utilization.csv", "cost_breakdown.csv"))
    builds, hubs, closures = (
        need(folder, n, "solve") if (folder / n).is_file() else (None, None)
        for n in ("builds.csv", "hubs.csv", "closures.csv")
    )
    t = solve_tables(
        plan, util, cb, builds, str(info.get("case", folder.name)), str(info.get("currency", "")), info.get("objective")
    )
    return network(t, hubs, closures)


def network(t: Tables, hubs, closures) -> Tables:
    """``t`` with the hubs and closures of a network case, from their (DataFrame, where) pairs."""
    t.hubs = hub_table(*hubs)
    t.closures = closure_table(closures[0])
    t.binding = pd.concat([t.binding, hub_binding(t.hubs)], ignore_index=True)
    return t


def solve_tables(plan, util, cb, builds, case: str, currency: str, objective: float | None) -> Tables:
    """Tables of a solve from its (DataFrame, where) pairs: read from files or held in memory."""
    (plan, pp), (util, up), (cb, cp), (b, bp) = plan, util, cb, builds
    units = plan[["plant", "product", "period"]].assign(units=plan[column(plan, "units", pp)].astype(float))
    # Present values (they add up to summary.json's objective); folders written before
    # discounting existed have only the face-value amount, which then equals it.
    try:
        money = column(cb, "present_value", cp)
    except UsageError:
        money = column(cb, "amount", cp)
    costs = pd.DataFrame({"period": cb["period"], "component": cb["component"], "amount": cb[money].astype(float)})
    face = cb[column(cb, "amount", cp)].astype(float)
    discounted = bool((face - costs["amount"]).abs().max() > 0.005) if len(cb) else False
    if b is not None:
        built = pd.DataFrame({"option": b["option"], "built": b[column(b, "built", bp)].astype(float)})
    else:
        built = pd.DataFrame({"option": pd.Series(dtype=str), "built": pd.Series(dtype=float)})
    price = util[column(util, "shadow_price", up)].astype(float).fillna(0.0)
    scope = [
        f"{p}/{k}" if k else f"{p} (total)" for p, k in zip(util["plant"], util["product"].fillna(""), strict=True)
    ]
    binding = pd.DataFrame({"scope": scope, "period": util["period"], "shadow_price": price})
    total = float(objective) if objective is not None else float(costs["amount"].sum())
    return Tables("solve", case, currency, total, units, costs, built, binding, discounted)


def run_tables(run) -> Tables:
    """Tables of a solve held in memory (a ``Run`` of the Python API)."""
    where = f"run of {run.case.name}"
    b = (run.builds, where) if run.builds is not None else (None, None)
    t = solve_tables(
        (run.plan, where),
        (run.utilization, where),
        (run.costs, where),
        b,
        run.case.name,
        run.case.currency,
        run.objective,
    )
    res = run._results()  # the two tables as held (not every table of run.tables(), renamed and copied)
    return network(t, (res.hubs, where), (res.closures, where))


def _stochastic_tables(folder: Path, info: dict) -> StochasticTables:
    from solver.studies.compare_stochastic import stochastic_tables

    return stochastic_tables(folder, info)


# kind (summary.json "kind") -> reader; add a kind here to make its folders comparable
READERS: dict[str, Callable[[Path, dict], Tables | StochasticTables]] = {
    "solve": _solve_tables,
    "stochastic": _stochastic_tables,
}


def _kind_by_files(folder: Path) -> str:
    """Kind of a folder whose summary.json names none (written before the key, or by a
    command that does not write it): stochastic writes decision.csv, solve plan.csv."""
    if (folder / "decision.csv").is_file() or (folder / "scenario_costs.csv").is_file():
        return "stochastic"
    return "solve"


def folder_kind(folder: Path) -> tuple[str, dict]:
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    if (broken := interrupted(folder)) is not None:
        raise UsageError(broken)
    summary = folder / "summary.json"
    if summary.is_file():
        try:
            info = json.loads(summary.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{summary}: not valid JSON ({exc})") from None
        return str(info.get("kind") or _kind_by_files(folder)), info
    if (folder / "sweep.json").is_file():
        return "sweep", {}
    if (folder / "breakeven.json").is_file() or (folder / "breakpoints.csv").is_file():
        return "breakeven", {}
    raise UsageError(f"{folder} is not a plantsplit output folder (no summary.json)")


def load(folder: Path, kind: str, info: dict) -> Tables | StochasticTables:
    if kind not in READERS:
        raise UsageError(
            f"{folder} holds the output of {kind!r}; compare takes folders of {' or '.join(repr(k) for k in READERS)}"
        )
    return READERS[kind](folder, info)


def _periods(*series) -> list[str]:
    return sorted({p for s in series for p in s}, key=period_sort_key)


def _side_by_side(section, unit, a: pd.DataFrame, b: pd.DataFrame, item: str, value: str, periods) -> list[dict]:
    """Rows per item and period, then per item over the horizon ('all'): plants in natural
    order (w2 before w10, as every output lists them), cost components in the order of
    cost_breakdown.csv."""
    items = list(dict.fromkeys(list(a[item]) + list(b[item])))
    if section == "units":
        items = natural_sorted(items)
    ga, gb = (d.groupby([item, "period"])[value].sum().to_dict() for d in (a, b))
    ta, tb = (d.groupby(item)[value].sum().to_dict() for d in (a, b))
    rows = []
    for it in items:
        for t in periods:
            rows.append(
                {
                    "section": section,
                    "item": it,
                    "period": t,
                    "unit": unit,
                    "value_a": float(ga.get((it, t), 0.0)),
                    "value_b": float(gb.get((it, t), 0.0)),
                }
            )
        rows.append(
            {
                "section": section,
                "item": it,
                "period": "all",
                "unit": unit,
                "value_a": float(ta.get(it, 0.0)),
                "value_b": float(tb.get(it, 0.0)),
            }
        )
    return rows


def compare(a: Tables | StochasticTables, b: Tables | StochasticTables) -> pd.DataFrame:
    if a.kind != b.kind:
        raise UsageError(
            f"cannot compare a {a.kind!r} folder with a {b.kind!r} folder: give two folders of the same kind"
        )
    if a.currency != b.currency:
        raise UsageError(
            f"the runs report money in different currencies ({a.currency} and {b.currency}); "
            "solve both with the same --currency"
        )
    if isinstance(a, Tables) and isinstance(b, Tables):
        rows = _solve_rows(a, b)
    else:
        from solver.studies.compare_stochastic import StochasticTables, stochastic_rows

        assert isinstance(a, StochasticTables) and isinstance(b, StochasticTables)  # of one kind (above)
        rows = stochastic_rows(a, b, TOL)
    out = pd.DataFrame(rows, columns=COLUMNS[:-1])
    out["change"] = out["value_b"] - out["value_a"]
    return out[COLUMNS]


def _solve_rows(a: Tables, b: Tables) -> list[dict]:
    """Comparison rows of two solves: units and costs by period and over the horizon, builds and
    binding limits that differ."""
    cur = a.currency
    periods = _periods(a.units["period"], b.units["period"], a.costs["period"], b.costs["period"])
    rows = _side_by_side("units", "units", a.units, b.units, "plant", "units", periods)
    if len(set(a.units["product"]) | set(b.units["product"])) > 1:
        ua = a.units.assign(item=a.units["plant"] + "/" + a.units["product"])
        ub = b.units.assign(item=b.units["plant"] + "/" + b.units["product"])
        rows += _side_by_side("units", "units", ua, ub, "item", "units", periods)
    rows += _side_by_side("cost", cur, a.costs, b.costs, "component", "amount", periods)
    rows.append(
        {
            "section": "cost",
            "item": "objective",
            "period": "all",
            "unit": cur,
            "value_a": a.objective,
            "value_b": b.objective,
        }
    )
    ba = a.builds.set_index("option")["built"]
    bb = b.builds.set_index("option")["built"]
    for opt in dict.fromkeys(list(ba.index) + list(bb.index)):
        va, vb = float(ba.get(opt, 0.0)), float(bb.get(opt, 0.0))
        if abs(va - vb) > TOL:
            rows.append(
                {
                    "section": "build",
                    "item": opt,
                    "period": "all",
                    "unit": "built (1 = yes)",
                    "value_a": va,
                    "value_b": vb,
                }
            )
    if a.hubs is not None or b.hubs is not None:
        none = pd.DataFrame({"hub": [], "period": [], "units": []})
        ha, hb = (none if t.hubs is None else t.hubs for t in (a, b))
        rows += _side_by_side("hub", "units", ha, hb, "hub", "units", periods)
    rows += closure_rows(a.closures, b.closures)
    ka = a.binding.set_index(["scope", "period"])["shadow_price"]
    kb = b.binding.set_index(["scope", "period"])["shadow_price"]
    for key in dict.fromkeys(list(ka.index) + list(kb.index)):
        va, vb = float(ka.get(key, 0.0)), float(kb.get(key, 0.0))
        if (abs(va) > TOL) != (abs(vb) > TOL):
            rows.append(
                {
                    "section": "binding",
                    "item": key[0],
                    "period": key[1],
                    "unit": f"{cur} per unit (shadow price)",
                    "value_a": va,
                    "value_b": vb,
                }
            )
    return rows


def tables_of(x) -> Tables | StochasticTables:
    """Tables of an output folder, or of a ``Run`` or ``StochasticRun`` held in memory."""
    if hasattr(x, "plan") and hasattr(x, "case"):
        return run_tables(x)
    if hasattr(x, "scenario_costs") and hasattr(x, "case"):
        from solver.studies.compare_stochastic import run_tables as stochastic_run_tables

        return stochastic_run_tables(x)
    kind, info = folder_kind(Path(x))
    return load(Path(x), kind, info)


def compare_folders(
    a: str | Path, b: str | Path
) -> tuple[pd.DataFrame, Tables | StochasticTables, Tables | StochasticTables]:
    a, b = Path(a), Path(b)
    (ka, ia), (kb, ib) = folder_kind(a), folder_kind(b)
    if ka != kb:
        raise UsageError(
            f"cannot compare {a} (output of {ka!r}) with {b} (output of {kb!r}): give two folders of the same kind"
        )
    ta, tb = load(a, ka, ia), load(b, kb, ib)
    return compare(ta, tb), ta, tb


def render(
    table: pd.DataFrame, a_name: str, b_name: str, ta: Tables | StochasticTables, tb: Tables | StochasticTables
) -> str:
    """A short terminal summary: horizon totals per plant and component, builds, binding."""
    cur = ta.currency
    w = max([len(str(i)) for i in table["item"]] + [12])

    def block(lines, title, rows):
        def num(v, sign=""):
            return "" if v != v else f"{v:{sign},.0f}"  # a figure that is not finite: blank

        lines.append(title)
        lines.append("  " + "".ljust(w) + "A".rjust(18) + "B".rjust(18) + "change".rjust(18))
        for _, r in rows.iterrows():
            lines.append(
                "  "
                + str(r["item"]).ljust(w)
                + num(r["value_a"]).rjust(18)
                + num(r["value_b"]).rjust(18)
                + num(r["change"], "+").rjust(18)
            )
        lines.append("")

    if not isinstance(ta, Tables) or not isinstance(tb, Tables):
        from solver.studies.compare_stochastic import StochasticTables, render_stochastic

        assert isinstance(ta, StochasticTables) and isinstance(tb, StochasticTables)  # compare() checked the kinds
        return "\n".join(render_stochastic(table, a_name, b_name, ta, tb, block, TOL))

    def cost(t: Tables) -> str:
        return f"cost {t.objective:,.0f} {cur}" + (" in present value" if t.discounted else "")

    lines = [f"A: {a_name} (case {ta.case}, {cost(ta)})", f"B: {b_name} (case {tb.case}, {cost(tb)})", ""]

    whole = table[table["period"] == "all"]
    units = whole[(whole["section"] == "units") & ~whole["item"].str.contains("/", regex=False)]
    block(lines, "Units by plant over the horizon:", units)
    costs = whole[(whole["section"] == "cost") & ((whole["value_a"].abs() > 0.5) | (whole["value_b"].abs() > 0.5))]
    pv = ", present value" if ta.discounted or tb.discounted else ""
    block(lines, f"Cost by component over the horizon ({cur}{pv}):", costs)
    render_network(table, lines, block)
    builds = table[table["section"] == "build"]
    if len(builds):
        lines.append("Builds that differ:")
        for _, r in builds.iterrows():
            say = lambda v: "built" if v > 1 - TOL else "not built" if v < TOL else f"{v:.3f} built"  # noqa: E731
            lines.append(f"  {r['item']}: {say(r['value_a'])} in A, {say(r['value_b'])} in B")
    else:
        lines.append("Builds: the same in both.")
    binding = table[table["section"] == "binding"]
    if len(binding):
        lines.append(f"Capacities binding in one run only (shadow price, {cur} per unit):")
        for _, r in binding.iterrows():
            where = "A" if abs(r["value_a"]) > TOL else "B"
            price = r["value_a"] if where == "A" else r["value_b"]
            lines.append(f"  {r['item']} {r['period']}: binding in {where} only ({price:,.2f})")
    else:
        lines.append("Binding capacities: the same in both.")
    return "\n".join(lines)
