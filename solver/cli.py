"""The command line: a thin click shell around the library.

Exit codes: 0 solved; 1 unexpected internal error; 2 bad input or usage;
3 infeasible, unbounded, or no plan (time limit, solver failure).
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .sweep.names import table as names_table

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_NO_PLAN = 0, 1, 2, 3


class Fail(click.ClickException):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None):
        click.echo(f"Error: {self.format_message()}", err=True)


def csv_options(f):
    f = click.option("--encoding", default="utf-8-sig", show_default=True,
                     help="Encoding of the case's CSV files (e.g. cp1252 for old Excel files).")(f)
    f = click.option("--delimiter", default=None,
                     help="CSV delimiter; default: detected from each header row (, ; or tab).")(f)
    f = click.option("--decimal", type=click.Choice([".", ","]), default=None,
                     help="Decimal mark of every file; default: decided per file from its numbers "
                          "(an ambiguous value stops the case).")(f)
    return f


class DiscountRate(click.ParamType):
    """0.08 or 8%; >= 0 and at most 100% per period (8 is refused: it means 800%)."""

    name = "R"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        from .solve import parse_fraction

        try:
            rate = parse_fraction(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a rate: write it like 0.08 or 8%", param, ctx)
        if not (rate >= 0 and rate < float("inf")):
            self.fail(f"{value!r} must be a rate >= 0, like 0.08 or 8%", param, ctx)
        if rate > 1:
            from .checks import discount_rate_too_high

            self.fail(f"{value!r} {discount_rate_too_high(rate)}", param, ctx)
        return rate


RATE = DiscountRate()


class Gap(click.ParamType):
    """A relative MIP gap: 0.01 or 1%, in [0, 1] (2 would stop at any plan: refused); see solve.parse_gap."""

    name = "G"

    def __init__(self, positive: bool = False):
        self.positive = positive

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        from .solve import parse_gap

        try:
            return parse_gap(str(value), self.positive)
        except ValueError as exc:
            self.fail(f"{value!r} {exc}", param, ctx)


def money_options(f):
    """--currency and --discount-rate: every command that reads a case takes both."""
    f = click.option("--discount-rate", "discount_rate", type=RATE, default=None,
                     metavar="R", help="Discount rate per period (0.08 = 8%); overrides settings.csv "
                     "(default there: 0). Costs are summed as present values at the first period.")(f)
    f = click.option("--currency", default=None,
                     help="Reporting currency; overrides settings.csv (default there: USD).")(f)
    return f


def csv_style_option(f):
    return click.option("--csv-style", type=click.Choice(["plain", "excel", "excel-eu"]), default="plain",
                        show_default=True,
                        help="CSV files written: plain (, and .), excel (the same with a UTF-8 BOM), "
                             "excel-eu (; and decimal comma, BOM) for Excel in a German/French/... locale.")(f)


def _opts(encoding, delimiter, decimal):
    from .readcsv import CsvOptions

    return CsvOptions(encoding=encoding, delimiter=delimiter, decimal=decimal)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="plantsplit")
@click.option("--debug", is_flag=True, help="Show a traceback when something goes wrong.")
@click.pass_context
def cli(ctx, debug):
    """plantsplit: split production of a product across plants (an LP/MILP on CSV inputs)."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("case", required=False, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Output folder (default: outputs/<case folder name>/solve/).")
@click.option("--solver", default="highs", show_default=True,
              help="highs (in-process), cbc, or any PuLP solver available here.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Stop the solver after this many seconds; a plan found by then is written with its status.")
@money_options
@click.option("--relax", is_flag=True, help="Solve the LP relaxation of the build decisions.")
@click.option("--write-lp", type=click.Path(path_type=Path), default=None,
              help="Also write the model in LP format to this file.")
@click.option("--sensitivity", is_flag=True,
              help="Also write sensitivity_flows.csv and sensitivity_constraints.csv (ranging, as Excel's Sensitivity Report).")
@click.option("--plot", "plot", is_flag=True,
              help="Also write plan.png: units by plant and period, cost components by period.")
@click.option("--write-model", type=click.Path(path_type=Path), default=None,
              help="Also write the model exactly as HiGHS is given it, by HiGHS (.mps or .lp, by extension).")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="Threads for the independent blocks of the LP (default: all cores).")
@click.option("--no-decompose", is_flag=True, help="Give HiGHS the whole LP as one model (no blocks).")
@click.option("--gap", type=Gap(), default=None,
              help="Relative MIP gap at which a plan with build options counts as optimal (default 1e-6).")
@click.option("--no-tighten", is_flag=True,
              help="Leave out the rows that tighten a model with build options (linking rows: flow <= demand x "
                   "builds; cover rows: builds cover what existing capacity cannot) and the warm start.")
@click.option("--xlsx", is_flag=True, help="Also write plan.xlsx: a Summary sheet with a chart, and a sheet per table.")
@csv_style_option
@csv_options
@click.pass_context
def solve(ctx, case, out_dir, solver, time_limit, currency, discount_rate, relax, write_lp, sensitivity, plot,
          write_model, threads, no_decompose, gap, no_tighten, xlsx, csv_style, encoding, delimiter, decimal):
    """Solve CASE (a folder of CSV files or an .xlsx workbook; default: the Rogue 2012 case) and write the plan."""
    from .pipeline import default_case_dir, run_solve
    from .terminal import render

    case = case or _guard(ctx, default_case_dir)
    run = _guard(ctx, lambda: run_solve(case, out_dir, solver, time_limit, currency, relax, write_lp,
                                        _opts(encoding, delimiter, decimal), sensitivity=sensitivity,
                                        discount_rate=discount_rate, threads=threads,
                                        decompose=not no_decompose, write_model=write_model,
                                        gap=gap, tighten=not no_tighten, csv_style=csv_style, xlsx=xlsx, plot=plot))
    _warn(run.case)
    if not run.solution.status.has_plan:
        from .explain import headline

        msg = headline(run.case.name, run.solution.status, time_limit, run.solution.message)
        if run.reasons:
            msg += "\n" + "\n".join(f"  - {r}" for r in run.reasons)
        models = [str(f) for f in (write_model, write_lp) if f]
        msg += ("\nNo output was written." if not models else
                f"\nNo plan was written; the model is in {' and '.join(models)} (written before the solve).")
        raise Fail(msg, EXIT_NO_PLAN)
    click.echo(render(run))


@cli.command()
@click.argument("case", type=click.Path(path_type=Path))
@money_options
@csv_options
@click.pass_context
def validate(ctx, case, currency, discount_rate, encoding, delimiter, decimal):
    """Check CASE and list every problem and warning; exit 2 if there are errors."""
    from .case import load_case
    from .errors import CaseError

    try:
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
    except CaseError as exc:
        for w in exc.warnings:
            click.echo(f"Warning: {w}", err=True)
        raise Fail(exc.render(), EXIT_INPUT) from None
    except Exception as exc:  # noqa: BLE001
        _unexpected(ctx, exc)
    for w in c.warnings:
        click.echo(f"Warning: {w}")
    for n in c.notes:
        click.echo(f"Note: {n}")
    from . import coefficients

    for file, row in coefficients.unused_rows(c, coefficients.build(c).arcs):
        click.echo(f"Note: {file}, row {row}: applies to no flow (a more specific row always wins, "
                   "or no demand it could serve); it has no effect")
    from .errors import plural

    counts = ((len(c.plants), "plant"), (c.demand["market"].nunique(), "market"), (len(c.products), "product"),
              (len(c.periods), "period"), (len(c.warnings), "warning"))
    click.echo(f"{c.name}: OK ({', '.join(plural(n, w) for n, w in counts)})")


SWEEP_HELP = f"""Solve CASE for many scenarios (a grid of --vary values or a --scenarios file).

Parameter names ([...] optional; ':' separates origin and destination):

\b
{names_table()}

\b
Examples:
  plantsplit sweep inputs/rogue-2012 --out outputs/krw --vary fx:KRW=900:1400:5
  plantsplit sweep inputs/rogue-2012 --out outputs/mc --scenarios what-if.csv
"""


@cli.command(help=SWEEP_HELP)
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for results.csv (and plans.csv); default: outputs/<case folder name>/sweep/.")
@click.option("--vary", multiple=True, metavar="NAME=START:STOP:STEP|NAME=V1,V2,...",
              help="A parameter and its values; repeat for the cartesian product.")
@click.option("--scenarios", "scenarios_file", type=click.Path(path_type=Path), default=None,
              help="CSV with a 'scenario' column and one column per parameter name.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--plans", is_flag=True, help="Also write every scenario's flows to plans.csv.")
@click.option("--resume", is_flag=True, help="Continue a sweep in --out: skip the scenarios already in results.csv.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--dask", metavar="ADDRESS", default=None,
              help="Run on a Dask cluster: scheduler address (tcp://host:8786), or 'local' for a LocalCluster.")
@click.option("--chunk", type=click.IntRange(min=1), default=None, help="Scenarios per task (default: automatic).")
@click.option("--threads", type=click.IntRange(min=1), default=1,
              help="Threads per worker for the blocks of an LP that splits (e.g. by period; default 1).")
@click.option("--no-decompose", is_flag=True, help="One live model of the whole LP per worker (no blocks).")
@money_options
@click.option("--xlsx", is_flag=True, help="Also write results.xlsx (a Summary sheet, results and plans as sheets).")
@csv_style_option
@csv_options
@click.pass_context
def sweep(ctx, case, out_dir, vary, scenarios_file, jobs, plans, resume, quiet, dask, chunk, threads, no_decompose,
          currency, discount_rate, xlsx, csv_style, encoding, delimiter, decimal):
    """Solve CASE for many scenarios (a grid of --vary values or a --scenarios file)."""
    from .case import load_case
    from .sweep.params import from_file, grid
    from .output import CSV_STYLES
    from .sweep.runner import run_sweep

    def work():
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
        _warn(c)
        if bool(vary) == bool(scenarios_file):
            from .errors import UsageError

            raise UsageError("give either --vary (one or more) or --scenarios FILE")
        sc = grid(list(vary), c) if vary else from_file(scenarios_file, c)
        from .pipeline import default_out_dir

        return run_sweep(c, sc, out_dir or default_out_dir(c.name, "sweep"), jobs=jobs, plans=plans,
                         resume=resume, quiet=quiet, dask=dask, chunk=chunk,
                         style=CSV_STYLES[csv_style], xlsx=xlsx, threads=threads, decompose=not no_decompose)

    rep = _guard(ctx, work)
    rate = rep.ran / rep.seconds if rep.seconds > 0 else float("inf")
    from .errors import plural

    click.echo(f"{plural(rep.total, 'scenario')} ({rep.ran} run, {rep.skipped} already done, {rep.infeasible} infeasible) "
               f"in {rep.seconds:.2f} s ({rate:,.0f}/s); wrote {rep.out_dir / 'results.csv'}"
               + (f" and {rep.out_dir / 'plans.csv'}" if plans else "")
               + (f" and {rep.out_dir / 'results.xlsx'}" if xlsx else ""))


@cli.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--param", "name", required=True, help="Parameter name, as for sweep (e.g. fx:KRW).")
@click.option("--from", "lo_text", metavar="A", required=True,
              help="Lower end of the range (a number; 2.5% or 0.025 for a tariff).")
@click.option("--to", "hi_text", metavar="B", required=True,
              help="Upper end of the range (a number; 30% or 0.3 for a tariff).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for breakpoints.csv (default: outputs/<case folder name>/breakeven/).")
@money_options
@csv_style_option
@csv_options
@click.pass_context
def breakeven(ctx, case, name, lo_text, hi_text, out_dir, currency, discount_rate, csv_style, encoding, delimiter,
              decimal):
    """Find every value of a parameter in [--from, --to] where the optimal plan changes, exactly."""
    from .api import breakeven_case
    from .case import load_case
    from .pipeline import check_out_dir, default_out_dir

    lo = _guard(ctx, lambda: _range_end(name, "--from", lo_text))
    hi = _guard(ctx, lambda: _range_end(name, "--to", hi_text))

    def work():
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
        _warn(c)
        out = Path(out_dir) if out_dir else default_out_dir(c.name, "breakeven")
        check_out_dir(case, out, "breakeven")
        be = breakeven_case(c, name, lo, hi)
        be.write(out, csv_style=csv_style)
        return c, be.table, be.solves, out

    c, table, solves, out = _guard(ctx, work)
    points = table["value_from"].iloc[1:].tolist()
    table = table.fillna({c: 0.0 for c in table.columns if c.startswith(("units:", "built:"))})
    click.echo(f"{name} in [{lo:g}, {hi:g}]: {len(points)} breakpoint{'s' if len(points) != 1 else ''} "
               f"({solves} LP solves)")
    plants = [col for col in table.columns if col.startswith("units:") and "@" not in col]
    builds = [col for col in table.columns if col.startswith("built:")]
    from .terminal import MOST

    for k, (_, r) in enumerate(table.iterrows()):
        if k == MOST:
            click.echo(f"  ... and {len(table) - MOST:,} more intervals (see breakpoints.csv)")
            break
        if r["status"] != "optimal":
            click.echo(f"  {r['value_from']:.6g} .. {r['value_to']:.6g}: infeasible")
            continue
        split = ", ".join(f"{col[6:]} {r[col]:,.0f}" for col in plants)
        built = "".join(f"; {b[6:]} {'built' if r[b] > 0.5 else 'not built'}" for b in builds)
        click.echo(f"  {r['value_from']:.6g} .. {r['value_to']:.6g}: cost {r['objective_from']:,.0f} .. "
                   f"{r['objective_to']:,.0f} {c.currency}; {split}{built}")
    click.echo(f"wrote {out / 'breakpoints.csv'}")


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("dest", type=click.Path(path_type=Path))
@csv_style_option
@csv_options
@click.pass_context
def convert(ctx, source, dest, csv_style, encoding, delimiter, decimal):
    """Convert a case folder of CSV files to one .xlsx workbook (DEST ends in .xlsx), or back."""
    from .convert import convert as run
    from .output import CSV_STYLES

    digest, parts = _guard(ctx, lambda: run(source, dest, _opts(encoding, delimiter, decimal), CSV_STYLES[csv_style]))
    click.echo(f"wrote {dest} ({', '.join(parts)}); content digest {digest}")


@cli.command()
@click.argument("results", type=click.Path(path_type=Path))
@click.option("--x", "x", default=None, help="Parameter on the x axis (default: the first in the file).")
@click.option("--where", multiple=True, metavar="NAME=VALUE",
              help="Keep only scenarios with this value of another parameter, as --vary takes it "
                   "(0.025 or 2.5% for a rate; repeatable).")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="PNG file to write (default: next to RESULTS, same name, .png).")
@click.option("--distributions", is_flag=True,
              help="Plot the spread over all scenarios (cost histogram, fan chart of units by period); "
                   "the default when several parameters vary and no --x is given.")
@click.pass_context
def plot(ctx, results, x, where, out_file, distributions):
    """Chart a sweep's results.csv (or breakeven's breakpoints.csv) as a PNG."""
    from .plot import plot_results

    png = _guard(ctx, lambda: plot_results(results, x, list(where), out_file, distributions))
    click.echo(f"wrote {png}")


@cli.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder for comparison.csv.")
@click.option("--xlsx", is_flag=True, help="Also write comparison.xlsx (a Summary sheet, then the table).")
@csv_style_option
@click.pass_context
def compare(ctx, a, b, out_dir, xlsx, csv_style):
    """Put two output folders side by side: two of solve (units, costs, builds, binding
    capacities) or two of stochastic (key figures, cost quantiles, builds, settings)."""
    from .api import compare_runs

    def work():
        c = compare_runs(a, b)
        c.write(out_dir, xlsx=xlsx, csv_style=csv_style)
        return c

    click.echo(_guard(ctx, work).text)
    click.echo(f"\nwrote {out_dir / 'comparison.csv'}" + (f", {out_dir / 'comparison.xlsx'}" if xlsx else ""))


def _warn(case) -> None:
    """A case's warnings, on stderr, before the command's own output."""
    for w in case.warnings:
        click.echo(f"Warning: {w}", err=True)


def _range_end(name: str, option: str, text: str) -> float:
    """An end of breakeven's range, in the forms --vary takes (30% or 0.3 for a tariff)."""
    from .errors import UsageError
    from .sweep.params import parse_value

    try:
        return parse_value(name, text)
    except UsageError:
        raise UsageError(f"{option} {text!r} is not a number (write it like 0.3, or 30% for a tariff)") from None


def _guard(ctx, work):
    from .errors import CaseError, UsageError
    from .memory import TooLargeError
    from .solve import SolverUnavailable

    debug = bool(ctx.obj and ctx.obj.get("debug"))
    try:
        return work()
    except CaseError as exc:
        if debug:
            traceback.print_exc()
        for w in exc.warnings:
            click.echo(f"Warning: {w}", err=True)
        raise Fail(exc.render() + "\nNo output was written.", EXIT_INPUT) from None
    except (UsageError, SolverUnavailable) as exc:
        if debug:
            traceback.print_exc()
        raise Fail(str(exc), EXIT_INPUT) from None
    except TooLargeError as exc:
        if debug:
            traceback.print_exc()
        raise Fail(f"{exc}\nNo output was written.", EXIT_NO_PLAN) from None
    except click.ClickException:
        raise
    except Exception as exc:  # noqa: BLE001
        _unexpected(ctx, exc)


def _unexpected(ctx, exc):
    if ctx.obj and ctx.obj.get("debug"):
        traceback.print_exc()
    else:
        click.echo("(run with --debug for a traceback)", err=True)
    raise Fail(f"internal error: {type(exc).__name__}: {exc}", EXIT_INTERNAL)


def _register() -> None:
    from .cli_stochastic import scenarios, stochastic

    cli.add_command(stochastic)
    cli.add_command(scenarios)


_register()


def main():
    cli(prog_name="plantsplit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
