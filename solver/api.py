"""plantsplit as a Python library: results in memory, nothing written unless asked.

    import solver
    case = solver.load_case("inputs/rogue-2012")
    run = solver.solve_case(case)                  # -> Run
    run.plan, run.utilization, run.supply, run.costs, run.builds   # pandas DataFrames
    run.write("outputs/rogue")                      # the files `plantsplit solve` writes
    sw = solver.sweep_case(case, vary={"fx:KRW": "900:1400:50"})   # -> SweepRun
    sw.results                                      # one row per scenario
    be = solver.breakeven_case(case, "fx:KRW", 900, 1400)          # -> Breakeven
    be.table                                        # one row per interval
    st = solver.stochastic_case(case, "krw.csv")   # -> StochasticRun: st.decision, st.scenario_costs
    cmp = solver.compare_runs(run, "outputs/other")  # -> Comparison (Runs or folders)

Errors are exceptions (all subclasses of ``PlantsplitError``):
``CaseError`` (``.problems``: every problem, each with file, spreadsheet row, column,
value and message), ``UsageError`` (a bad parameter name, range or folder),
``NoPlanError`` (infeasible, unbounded or out of time; ``.reasons`` says why).
The command line is a thin shell around these same calls.

Room: the public Python surface, above every room but ``cli`` (it may import all of them; only
``cli`` imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from solver.case.load import Case
from solver.case.load import load_case as _load
from solver.errors import NoPlanError, UsageError
from solver.io.display import Displayed, money
from solver.io.folders import check_out_dir, write_outputs
from solver.io.output import CSV_STYLES, csv_bytes, json_bytes, with_currency
from solver.io.readcsv import CsvOptions
from solver.pipeline.run import Run, no_plan_error, solve_loaded
from solver.studies.stochastic.run import StochasticRun


def load_case(
    path: str | Path,
    currency: str | None = None,
    *,
    discount_rate: float | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str | None = None,
    decimal: str | None = None,
) -> Case:
    """Read and check a case; raises ``CaseError`` listing every problem found.

    ``currency`` and ``discount_rate`` override the case's settings.csv (default: USD, 0)."""
    return _load(
        Path(path),
        currency=currency,
        discount_rate=discount_rate,
        opts=CsvOptions(encoding=encoding, delimiter=delimiter, decimal=decimal),
    ).seal()


def _check_options(**values) -> None:
    """The checks the command line's options make, for the same keyword arguments."""
    for name, v in values.items():
        if v is None:
            continue
        if name in ("threads", "jobs"):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise UsageError(f"{name}={v!r}: a whole number >= 1")
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise UsageError(f"{name}={v!r}: a number > 0")


def solver_key(name) -> str:
    """A solver's name as ``--solver`` takes it (``highs``, ``cbc``, ``gurobi``, ...), checked to be
    available here (``SolverUnavailable``, a UsageError, names the ones that are)."""
    from solver.solve.backends import check_solver

    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"solver={name!r}: a solver's name, e.g. 'highs' or 'cbc'")
    return check_solver(name)


def gap_value(v, positive: bool = False) -> float:
    """A relative MIP gap as ``--gap`` takes it (solve.parse_gap), a UsageError naming ``gap``."""
    from solver.solve.options import parse_gap

    try:
        return parse_gap(v, positive)
    except ValueError as exc:
        raise UsageError(f"gap={v!r} {exc}") from None


def _case(case: Case | str | Path) -> Case:
    """A case given to the API: a Case, refused if a table was changed in place since it was checked
    (``Case.replace`` makes a checked copy), or a path loaded now."""
    if isinstance(case, Case):
        case.check_unchanged()
        return case
    return load_case(case)


def solve_case(
    case: Case | str | Path,
    solver: str = "highs",
    *,
    time_limit: float | None = None,
    relax: bool = False,
    sensitivity: bool = False,
    threads: int | None = None,
    decompose: bool = True,
    gap: float | None = None,
    tighten: bool = True,
    write_model: str | Path | None = None,
    marginals: str = "exact",
    lp_method: str = "simplex",
) -> Run:
    """Solve a case (a ``Case`` or a path) in memory; raises ``NoPlanError`` without a plan.

    The ``Run`` has ``status``, ``objective``, the tables ``plan``, ``utilization``,
    ``supply``, ``costs`` (cost_breakdown), ``builds`` (None without expansion options),
    ``sensitivity`` ((flows, constraints) with ``sensitivity=True``), and ``write(out_dir)``.
    ``threads``, ``decompose``, ``gap``, ``tighten``, ``write_model``, ``marginals``, ``lp_method``: as
    ``plantsplit solve``'s ``--threads``, ``--no-decompose``, ``--gap``, ``--no-tighten``, ``--write-model``,
    ``--marginals``, ``--lp-method``.
    """
    _check_options(threads=threads, time_limit=time_limit)
    gap = None if gap is None else gap_value(gap)
    run = solve_loaded(
        _case(case),
        solver,
        time_limit,
        relax,
        sensitivity,
        threads=threads,
        decompose=decompose,
        gap=gap,
        tighten=tighten,
        write_model=write_model,
        marginals=marginals,
        lp_method=lp_method,
    )
    if run.results is None:
        raise no_plan_error(run)
    return run


def sweep_case(
    case: Case | str | Path,
    vary: Mapping[str, str | Iterable[float | str]] | Iterable[str] | None = None,
    scenarios: str | Path | pd.DataFrame | None = None,
    *,
    jobs: int = 1,
    plans: bool = False,
    threads: int = 1,
    decompose: bool = True,
    solver: str = "highs",
):
    """Solve many scenarios of a case; returns a ``SweepRun`` (``results``, ``plans``, ``write``).

    ``vary``: a grid, as ``{"fx:KRW": "900:1400:50", "tariff:KR:usa": [0, 0.025]}`` (values
    as a START:STOP:STEP text or a list) or as ``["fx:KRW=900:1400:50", ...]``; the last
    parameter changes fastest. ``scenarios``: a scenarios CSV file or a DataFrame with a
    ``scenario`` column and one column per parameter name. Give one of the two.
    ``threads``, ``decompose``: as ``plantsplit sweep``'s ``--threads`` (threads per worker for
    an LP that splits into blocks) and ``--no-decompose``. ``solver``: as ``--solver`` (HiGHS re-solves
    each scenario warm; another solver solves each one from scratch).
    """
    from solver.studies.sweep.in_memory import sweep_in_memory
    from solver.studies.sweep.params import from_file, from_text, grid

    _check_options(jobs=jobs, threads=threads)
    solver = solver_key(solver)
    c = _case(case)
    if (vary is None) == (scenarios is None):
        raise UsageError("give either vary or scenarios")
    if vary is not None:
        specs = (
            list(vary)
            if not isinstance(vary, Mapping)
            else [
                f"{k}={v if isinstance(v, str) else ','.join(x if isinstance(x, str) else repr(float(x)) for x in v)}"
                for k, v in vary.items()
            ]
        )
        sc = grid(specs, c)
    elif isinstance(scenarios, pd.DataFrame):
        sc = from_text(scenarios.to_csv(index=False), "scenarios", c)
    else:
        assert scenarios is not None  # one of vary and scenarios is given (checked above)
        sc = from_file(Path(scenarios), c)
    return sweep_in_memory(c, sc, jobs=jobs, plans=plans, threads=threads, decompose=decompose, solver=solver)


@dataclass(repr=False)
class Breakeven(Displayed):
    """Exact breakpoints of one parameter: ``table`` has one row per interval (the
    columns of breakpoints.csv); ``solves`` counts the LP solves it took."""

    case: Case
    parameter: str
    table: pd.DataFrame
    solves: int

    def _card(self):
        t = self.table
        points = t["value_from"].iloc[1:].tolist()
        shown = ", ".join(f"{v:.6g}" for v in points[:6]) + (", ..." if len(points) > 6 else "")
        rows = [
            ("range", f"{t['value_from'].iloc[0]:.6g} .. {t['value_to'].iloc[-1]:.6g}"),
            ("breakpoints", f"{len(points)}" + (f": {shown}" if points else "")),
            ("LP solves", f"{self.solves:,}"),
        ]
        return f"Breakeven of {self.parameter} on {self.case.name}", rows

    def plot(self, png: str | Path) -> Path:
        """Write a PNG of the intervals, as ``plantsplit plot`` draws breakpoints.csv."""
        from solver.report.plot import plot_breakpoints

        return plot_breakpoints(self.table, self.case.name, self.case.currency, Path(png))

    def write(self, out_dir: str | Path, csv_style: str = "plain") -> Path:
        out = Path(out_dir)
        check_out_dir(self.case.folder, out, "breakeven")
        info = {
            "kind": "breakeven",
            "case": self.case.name,
            "inputs_digest": self.case.digest,
            "currency": self.case.currency,
            "parameter": self.parameter,
            "lp_solves": self.solves,
        }
        write_outputs(
            out,
            "breakeven",
            {
                "breakpoints.csv": csv_bytes(with_currency(self.table, self.case.currency), CSV_STYLES[csv_style]),
                "breakeven.json": json_bytes(info),
            },
            self.case.folder,
        )
        return out


def breakeven_case(case: Case | str | Path, param: str, lo: float, hi: float, *, solver: str = "highs") -> Breakeven:
    """Every value of ``param`` (a sweep parameter name) in [lo, hi] where the optimal plan changes.
    ``solver``: as ``--solver`` (each LP solved from scratch by a solver other than HiGHS)."""
    from solver.studies.breakeven import breakeven

    solver = solver_key(solver)
    c = _case(case)
    table, solves = breakeven(c, param, lo, hi, solver=solver)
    return Breakeven(c, param, table, solves)


def stochastic_case(
    case: Case | str | Path,
    scenarios: str | Path | pd.DataFrame,
    *,
    method: str = "auto",
    risk_weight: float = 0.0,
    cvar_alpha: float = 0.95,
    gap: float = 1e-6,
    evaluate: str | Path | pd.DataFrame | None = None,
    jobs: int = 1,
    threads: int = 1,
    solver: str = "highs",
    wait_and_see: bool = True,
    sample_size: int | None = None,
    replications: int = 0,
    seed: int = 0,
) -> StochasticRun:
    """The build decisions best across the scenarios (two-stage, E + risk_weight * CVaR);
    returns a ``StochasticRun`` (``decision``, ``scenario_costs``, ``decisions``,
    ``evaluation`` as DataFrames, ``summary`` dict, ``text``, ``write``, ``plot``).

    ``scenarios`` (and ``evaluate``): a scenarios CSV file or a DataFrame with a
    ``scenario`` column, one column per parameter name and an optional ``probability``.
    ``threads``: as ``stochastic --threads`` (per worker, for a second stage in blocks). ``solver``: as
    ``--solver`` (another solver than HiGHS: methods enumerate and extensive). ``wait_and_see=False``: as
    ``--no-wait-and-see`` (the decision only; WS and EVPI not computed). ``sample_size``, ``replications``,
    ``seed``: as ``--sample-size``, ``--replications``, ``--seed`` (the decision from a sample of the
    scenarios and the Mak-Morton-Wood bounds on its gap: ``summary["sampling"]``). Raises
    ``NoPlanError`` when no build decision serves every scenario (``reasons``: which and why),
    ``UsageError`` for a bad scenarios file, method or option.
    """
    from solver.solve.status import Status
    from solver.studies.stochastic.decide import NoDecision
    from solver.studies.stochastic.run import decide_case

    _check_options(jobs=jobs, threads=threads)
    solver = solver_key(solver)
    c = _case(case)
    gap = gap_value(gap, positive=True)
    if risk_weight < 0:
        raise UsageError(f"risk_weight={risk_weight!r}: a number >= 0")
    if not (0 <= cvar_alpha < 1):
        raise UsageError(f"cvar_alpha={cvar_alpha!r}: a number from 0 up to (not including) 1")
    if method not in ("auto", "enumerate", "extensive", "benders"):
        raise UsageError(f"method {method!r}: one of auto, enumerate, extensive, benders")
    path = lambda x: x if x is None or isinstance(x, pd.DataFrame) else Path(x)  # noqa: E731
    try:
        return decide_case(
            c,
            path(scenarios),
            method,
            risk_weight,
            cvar_alpha,
            gap,
            jobs,
            None,
            path(evaluate),
            threads=threads,
            solver=solver,
            wait_and_see=wait_and_see,
            sample_size=sample_size,
            replications=replications,
            seed=seed,
        )
    except NoDecision as exc:
        raise NoPlanError(c.name, Status.INFEASIBLE, exc.reasons, f"case {c.name}: {exc}") from None


@dataclass(repr=False)
class Comparison(Displayed):
    """Two runs side by side: ``table`` has the rows of comparison.csv (section, item,
    period, unit, value_a, value_b, change); ``text`` is the short summary the command prints."""

    table: pd.DataFrame
    text: str
    facts: dict

    def _card(self):
        f, cur = self.facts, self.facts.get("currency", "")
        rows = [
            ("A", f"{f.get('a')}: {money(f.get('objective_a'), cur)}"),
            ("B", f"{f.get('b')}: {money(f.get('objective_b'), cur)}"),
            ("rows", f"{len(self.table):,} (table)"),
        ]
        return "Comparison", rows

    def write(self, out_dir: str | Path, xlsx: bool = False, csv_style: str = "plain") -> Path:
        """comparison.csv (and comparison.xlsx with ``xlsx``: a Summary sheet, then the table)."""
        out = Path(out_dir)
        check_out_dir(None, out, "compare")
        files = {"comparison.csv": csv_bytes(self.table, CSV_STYLES[csv_style])}
        if xlsx:
            from solver.report.workbook import workbook_bytes

            files["comparison.xlsx"] = workbook_bytes(
                {"comparison.csv": self.table}, self.facts, "plantsplit comparison"
            )
        write_outputs(out, "compare", files)
        return out


def compare_runs(a, b) -> Comparison:
    """Compare two runs: each an output folder, a ``Run`` or a ``StochasticRun`` (two solves, or two
    stochastic decisions).
    Folders of different kinds, or runs in different currencies, raise ``UsageError``."""
    from solver.studies.compare import compare, compare_folders, render, tables_of

    if isinstance(a, (str, Path)) and isinstance(b, (str, Path)):
        table, ta, tb = compare_folders(a, b)
    else:
        ta, tb = tables_of(a), tables_of(b)
        table = compare(ta, tb)
    name = lambda x: str(x) if isinstance(x, (str, Path)) else f"run of {x.case.name}"  # noqa: E731
    facts = {
        "a": name(a),
        "case_a": ta.case,
        "objective_a": round(ta.objective, 2),
        "b": name(b),
        "case_b": tb.case,
        "objective_b": round(tb.objective, 2),
        "currency": ta.currency,
    }
    return Comparison(table, render(table, name(a), name(b), ta, tb), facts)


__all__ = [
    "load_case",
    "solve_case",
    "sweep_case",
    "breakeven_case",
    "stochastic_case",
    "compare_runs",
    "Run",
    "Breakeven",
    "StochasticRun",
    "Comparison",
    "Case",
]
