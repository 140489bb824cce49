"""The whole pipeline as a library call: case folder -> Case -> coefficients -> LP -> Solution -> files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from solver._version import __version__
from solver.case.load import Case, load_case
from solver.case.names import natural_sorted
from solver.errors import NoPlanError, UsageError
from solver.io.display import Displayed, money
from solver.io.folders import check_out_dir, default_out_dir, write_outputs
from solver.io.output import CSV_STYLES, csv_bytes, json_bytes, with_currency
from solver.io.readcsv import CsvOptions
from solver.model import coefficients
from solver.model.create import create_model
from solver.model.lp import LinearProgram, to_pulp
from solver.results.explain import explain_infeasible, headline
from solver.results.places import places
from solver.results.tables import Results, tabulate
from solver.solve import memory
from solver.solve.decompose import lp_labels
from solver.solve.highs import write_model as save_model
from solver.solve.options import check_model_files, write_complete
from solver.solve.solve import solve
from solver.solve.status import Solution, Status


@dataclass(repr=False)
class Run(Displayed):
    """One solved case, in memory. Tables are pandas DataFrames with the columns of the
    output files; nothing is written until ``write``."""

    case: Case
    lp: LinearProgram
    solution: Solution
    results: Results | None
    out_dir: Path | None
    reasons: list[str]
    written: tuple[str, ...] = ()
    relaxed: bool = False
    time_limit: float | None = None
    sensitivity: tuple[pd.DataFrame, pd.DataFrame] | None = None  # (flows, constraints)
    recovered: str | None = None  # an interrupted earlier write in out_dir, completed before this one
    marginals: str = "exact"  # marginal costs: "exact" (one unit more and one less, re-priced) or "dual"

    @property
    def status(self) -> str:
        return self.solution.status.value

    def _card(self):
        cur = self.case.currency
        rows = [("solver", f"{self.solution.solver}, {self.solution.seconds:.2f} s")]
        if self.results is None:
            rows += [("why", "; ".join(self.reasons) or "no plan")]
            return f"Run of {self.case.name}: {self.status}", rows
        rows.append(("cost", money(self.objective, cur) + (" (present value)" if self.case.discount_rate else "")))
        by_plant = self.plan.groupby("plant")["units"].sum()
        units = ", ".join(f"{p} {by_plant[p]:,.0f}" for p in natural_sorted(by_plant.index))
        rows.append(("units", units or "none"))
        if self.builds is not None and len(self.builds):
            built = self.builds[self.builds["built"] > 0.5]["option"].astype(str).tolist()
            rows.append(("built", ", ".join(built) or "nothing"))
        rows.append(("tables", "plan, utilization, supply, costs" + (", builds" if self.builds is not None else "")))
        if self.out_dir is not None and self.written:
            rows.append(("written to", str(self.out_dir)))
        return f"Run of {self.case.name}: {self.status}", rows

    def _results(self) -> Results:
        """The tables; a run without a plan has none (NoPlanError, as ``solve_case`` raises)."""
        if self.results is None:
            raise no_plan_error(self)
        return self.results

    @property
    def objective(self) -> float:
        return self._results().objective

    @property
    def plan(self) -> pd.DataFrame:
        return self._results().plan

    @property
    def utilization(self) -> pd.DataFrame:
        return self._results().utilization

    @property
    def supply(self) -> pd.DataFrame:
        return self._results().supply

    @property
    def costs(self) -> pd.DataFrame:
        return self._results().cost_breakdown

    @property
    def builds(self) -> pd.DataFrame | None:
        return self._results().builds

    def tables(self) -> dict[str, pd.DataFrame]:
        """The output tables by the CSV name they are written to, money columns named with the currency."""
        res, cur = self._results(), self.case.currency
        found = {
            "plan.csv": res.plan,
            "utilization.csv": res.utilization,
            "supply.csv": res.supply,
            "cost_breakdown.csv": res.cost_breakdown,
            "builds.csv": res.builds,
            "sourcing.csv": res.sourcing,
            "lane_limits.csv": res.lane_limits,
            "quotas.csv": res.quotas,
            "hubs.csv": res.hubs,
            "closures.csv": res.closures,
            "places.csv": places(self.case),
        }
        tables = {name: with_currency(t, cur) for name, t in found.items() if t is not None}
        if self.sensitivity is not None:
            flows, constraints = self.sensitivity
            # a flow's allowable increase/decrease is a change of its cost coefficient: money
            tables["sensitivity_flows.csv"] = with_currency(
                flows, cur, also=("allowable_increase", "allowable_decrease")
            )
            tables["sensitivity_constraints.csv"] = with_currency(constraints, cur)
        return tables

    def files(self, xlsx: bool = False, csv_style: str = "plain") -> dict[str, bytes]:
        """Every output file of this run, by name, as the bytes that would be written."""
        tables = self.tables()
        files = {name: csv_bytes(t, CSV_STYLES[csv_style]) for name, t in tables.items()}
        info = summary(self.case, self.solution, self._results(), self.relaxed, self.time_limit)
        if self.sensitivity is not None:
            info["sensitivity"] = "lp with build decisions fixed" if self.lp.is_mip else "lp"
        info["marginals"] = self.marginals if self.solution.duals != "none" else "none"
        files["summary.json"] = json_bytes(info)
        if xlsx:
            from solver.report.workbook import workbook_bytes
            from solver.results.binding import OTHER, binding_limits

            facts = {k: v for k, v in info.items() if k != "solve_seconds"}  # a timing would differ per run
            limits = binding_limits(self.results, self.case.currency, len(self.case.products) > 1, OTHER)
            files["plan.xlsx"] = workbook_bytes(tables, facts, f"plantsplit plan: {self.case.name}", limits)
        return files

    def write(self, out_dir: str | Path, xlsx: bool = False, csv_style: str = "plain", plot: bool = False) -> Path:
        """Write the output files to ``out_dir`` (all or nothing); returns the folder.
        ``xlsx`` adds plan.xlsx; ``csv_style`` is plain, excel or excel-eu; ``plot`` adds
        plan.png (units by plant and period, cost components by period)."""
        out = Path(out_dir)
        check_out_dir(self.case.folder, out, "solve")  # before the work of making the files
        files = self.files(xlsx, csv_style)
        if plot:
            from solver.report.plan_chart import plan_png

            files["plan.png"] = plan_png(self.case, self._results())
        self.recovered = write_outputs(out, "solve", files, self.case.folder)
        self.out_dir, self.written = out, tuple(files)
        return out


def _check_methods(solver: str, marginals: str, lp_method: str) -> None:
    if marginals not in ("exact", "dual"):
        raise UsageError(f"marginals={marginals!r}: use 'exact' or 'dual'")
    if lp_method not in ("simplex", "ipm"):
        raise UsageError(f"lp_method={lp_method!r}: use 'simplex' or 'ipm'")
    if lp_method == "ipm" and solver.strip().lower() != "highs":
        raise UsageError(
            f"--lp-method ipm chooses HiGHS's interior-point method; it does not apply to --solver {solver}"
        )


def solve_loaded(
    case: Case,
    solver: str = "highs",
    time_limit: float | None = None,
    relax: bool = False,
    sensitivity: bool = False,
    write_lp: str | Path | None = None,
    *,
    threads: int | None = None,
    decompose: bool = True,
    min_block: int | None = None,
    write_model: str | Path | None = None,
    gap: float | None = None,
    tighten: bool = True,
    marginals: str = "exact",
    lp_method: str = "simplex",
) -> Run:
    """Solve a loaded case in memory. A run without a plan has ``results`` None and, when
    infeasible, the reasons in ``reasons``. ``threads``, ``decompose``, ``min_block``, ``gap``:
    see ``solve.solve``; ``write_model``: also write the model HiGHS is given (.mps or .lp);
    ``tighten``: add the linking rows of model/linking.py (those its LP relaxation needs) and
    the cover rows of model/cover.py to a MILP; ``marginals``: "exact" prices one unit more and
    one unit less of every demand, capacity and minimum (solve/marginal.py), "dual" reports the
    LP dual for both (faster; one-sided where the plan sits on a limit); ``lp_method``: "simplex" or
    "ipm" (HiGHS's interior-point method for an LP solved as one model, see ``solve.solve``)."""
    _check_methods(solver, marginals, lp_method)
    check_model_files(write_model, write_lp)
    memory.check_case(case)
    co = coefficients.build(case)
    lp = create_model(case, co, relax=relax, tighten=tighten)
    # before any solve (the linking-row loop solves LPs): with every linking row, the most it needs;
    # an LP's blocks are found once, for the check and the solve
    labels = lp_labels(lp, solver, decompose, min_block)
    memory.check(case.name, lp, solver, decompose, keep_blocks=sensitivity, threads=threads, labels=labels)
    limit, start = time_limit, None
    if lp.family_rows("link").stop > lp.family_rows("link").start:
        from solver.solve.tighten import needed_rows

        keep, start, spent = needed_rows(lp, time_limit)
        lp = lp.keep_rows("link", keep)
        limit, labels = (max(1e-3, time_limit - spent) if time_limit else None), None
    if write_lp:
        prob, _, _ = to_pulp(lp, relax=relax)
        write_complete(write_lp, "--write-lp", lambda tmp: prob.writeLP(str(tmp)))
    if write_model:
        save_model(lp, write_model)
    sol = solve(
        lp,
        solver=solver,
        time_limit=limit,
        threads=threads,
        decompose=decompose,
        min_block=min_block,
        ranging=sensitivity,
        gap=gap,
        start=start,
        labels=labels,
        lp_method=lp_method,
    )
    if not sol.status.has_plan:
        reasons = [case.cite(r) for r in explain_infeasible(lp, case.lanes)] if sol.status == Status.INFEASIBLE else []
        return Run(case, lp, sol, None, None, reasons, relaxed=relax, time_limit=time_limit)
    steps = None
    if marginals == "exact" and sol.duals != "none":
        from solver.solve.marginal import limit_marginals

        steps = limit_marginals(lp, sol, threads)
    res = tabulate(case, co, lp, sol, steps)
    sens = None
    if sensitivity:
        from solver.results.sensitivity import ranging, with_parts

        sens = with_parts(*ranging(lp, sol), lp, co, case)
    return Run(
        case, lp, sol, res, None, [], relaxed=relax, time_limit=time_limit, sensitivity=sens, marginals=marginals
    )


def no_plan_error(run: Run) -> NoPlanError:
    sol = run.solution
    return NoPlanError(
        run.case.name, sol.status, run.reasons, headline(run.case.name, sol.status, run.time_limit, sol.message)
    )


def run_solve(
    case_dir: str | Path,
    out_dir: str | Path | None = None,
    solver: str = "highs",
    time_limit: float | None = None,
    currency: str | None = None,
    relax: bool = False,
    write_lp: str | Path | None = None,
    csv: CsvOptions | None = None,
    sensitivity: bool = False,
    discount_rate: float | None = None,
    csv_style: str = "plain",
    xlsx: bool = False,
    plot: bool = False,
    **solve_options,
) -> Run:
    """Load, solve and write (the command line's ``solve``); a run without a plan writes nothing.
    ``solve_options``: threads, decompose, min_block, write_model, gap, tighten, marginals, lp_method (see
    ``solve_loaded``)."""
    case_dir = Path(case_dir)
    check_model_files(solve_options.get("write_model"), write_lp)  # before reading: a bad name costs nothing
    case = load_case(case_dir, currency=currency, opts=csv, discount_rate=discount_rate)
    out = Path(out_dir) if out_dir else default_out_dir(case.name, "solve")
    check_out_dir(case_dir, out, "solve")
    run = solve_loaded(case, solver, time_limit, relax, sensitivity, write_lp, **solve_options)
    if run.results is not None:
        run.write(out, xlsx=xlsx, csv_style=csv_style, plot=plot)
    return run


def summary(case: Case, sol: Solution, res: Results, relax: bool, time_limit) -> dict:
    return {
        "kind": "solve",  # what wrote the folder (plantsplit compare reads it)
        "status": sol.status.value,
        "objective": round(res.objective, 2),
        "undiscounted_cost": round(res.undiscounted_cost, 2),
        "discount_rate": case.discount_rate,
        "currency": case.currency,
        "solver": sol.solver,
        "solve_seconds": round(sol.seconds, 4),
        "plantsplit_version": __version__,
        "case": case.name,
        "inputs_digest": case.digest,
        "relaxed": relax,
        "time_limit_seconds": time_limit,
        "duals": sol.duals,
        # independent blocks the LP (a MILP: the LP of its duals) was solved in; 1 = one model
        "blocks": len(sol.blocks) if sol.blocks else 1,
        "mip_gap": None if sol.mip_gap is None else round(sol.mip_gap, 8),
        "warnings": [str(w) for w in case.warnings],
    }
