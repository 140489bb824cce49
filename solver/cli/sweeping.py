"""The commands over many variants of one case: `sweep` and `breakeven` (thin shells)."""

from __future__ import annotations

from pathlib import Path

import click

from solver.case.param_names import table as names_table
from solver.cli.common import (
    _guard,
    _opts,
    _range_end,
    _warn,
    csv_options,
    csv_style_option,
    echo,
    money_options,
    solver_option,
    warn_all,
)

SWEEP_HELP = f"""Solve CASE for many scenarios (a grid of --vary values or a --scenarios file).

Parameter names ([...] optional; ':' separates origin and destination):

\b
{names_table()}

\b
Examples:
  plantsplit sweep inputs/rogue-2012 --out outputs/krw --vary fx:KRW=900:1400:5
  plantsplit sweep inputs/rogue-2012 --out outputs/mc --scenarios what-if.csv
"""


@click.command(help=SWEEP_HELP)
@click.argument("case", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for results.csv (and plans.csv); default: outputs/<case folder name>/sweep/.",
)
@click.option(
    "--vary",
    multiple=True,
    metavar="NAME=START:STOP:STEP|NAME=V1,V2,...",
    help="A parameter and its values; repeat for the cartesian product.",
)
@click.option(
    "--scenarios",
    "scenarios_file",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV with a 'scenario' column and one column per parameter name.",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--plans", is_flag=True, help="Also write every scenario's flows to plans.csv.")
@click.option("--resume", is_flag=True, help="Continue a sweep in --out: skip the scenarios already in results.csv.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--dask",
    metavar="ADDRESS",
    default=None,
    help="Run on a Dask cluster: scheduler address (tcp://host:8786), or 'local' for a LocalCluster.",
)
@click.option("--chunk", type=click.IntRange(min=1), default=None, help="Scenarios per task (default: automatic).")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    help="Threads per worker for the blocks of an LP that splits (e.g. by period; default 1).",
)
@click.option("--no-decompose", is_flag=True, help="One live model of the whole LP per worker (no blocks).")
@solver_option
@money_options
@click.option("--xlsx", is_flag=True, help="Also write results.xlsx (a Summary sheet, results and plans as sheets).")
@csv_style_option
@csv_options
@click.pass_context
def sweep(
    ctx,
    case,
    out_dir,
    vary,
    scenarios_file,
    jobs,
    plans,
    resume,
    quiet,
    dask,
    chunk,
    threads,
    no_decompose,
    solver,
    currency,
    discount_rate,
    xlsx,
    csv_style,
    encoding,
    delimiter,
    decimal,
):
    """Solve CASE for many scenarios (a grid of --vary values or a --scenarios file)."""
    from solver.case.load import load_case
    from solver.case.params import reach_warnings
    from solver.io.output import CSV_STYLES
    from solver.studies.sweep.params import from_file, grid
    from solver.studies.sweep.runner import run_sweep

    def work():
        from solver.api import solver_key

        key = solver_key(solver)
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
        _warn(c)
        if bool(vary) == bool(scenarios_file):
            from solver.errors import UsageError

            raise UsageError("give either --vary (one or more) or --scenarios FILE")
        sc = grid(list(vary), c) if vary else from_file(scenarios_file, c)
        warn_all(reach_warnings(sc.params, c))
        from solver.io.folders import default_out_dir

        return run_sweep(
            c,
            sc,
            out_dir or default_out_dir(c.name, "sweep"),
            jobs=jobs,
            plans=plans,
            resume=resume,
            quiet=quiet,
            dask=dask,
            chunk=chunk,
            style=CSV_STYLES[csv_style],
            xlsx=xlsx,
            threads=threads,
            decompose=not no_decompose,
            solver=key,
        )

    rep = _guard(ctx, work)
    rate = rep.ran / rep.seconds if rep.seconds > 0 else float("inf")
    from solver.errors import plural

    echo(
        f"{plural(rep.total, 'scenario')} ({rep.ran} run, {rep.skipped} already done, {rep.infeasible} infeasible) "
        f"in {rep.seconds:.2f} s ({rate:,.0f}/s); wrote {rep.out_dir / 'results.csv'}"
        + (f" and {rep.out_dir / 'plans.csv'}" if plans else "")
        + (f" and {rep.out_dir / 'results.xlsx'}" if xlsx else "")
    )


@click.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--param", "name", required=True, help="Parameter name, as for sweep (e.g. fx:KRW).")
@click.option(
    "--from",
    "lo_text",
    metavar="A",
    required=True,
    help="Lower end of the range (a number; 2.5% or 0.025 for a tariff).",
)
@click.option(
    "--to", "hi_text", metavar="B", required=True, help="Upper end of the range (a number; 30% or 0.3 for a tariff)."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for breakpoints.csv (default: outputs/<case folder name>/breakeven/).",
)
@solver_option
@money_options
@csv_style_option
@csv_options
@click.pass_context
def breakeven(
    ctx, case, name, lo_text, hi_text, out_dir, solver, currency, discount_rate, csv_style, encoding, delimiter, decimal
):
    """Find every value of a parameter in [--from, --to] where the optimal plan changes, exactly."""
    from solver.api import breakeven_case
    from solver.case.load import load_case
    from solver.case.params import parse_name, reach_warnings
    from solver.io.folders import check_out_dir, default_out_dir

    lo = _guard(ctx, lambda: _range_end(name, "--from", lo_text))
    hi = _guard(ctx, lambda: _range_end(name, "--to", hi_text))

    def work():
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
        _warn(c)
        warn_all(reach_warnings([parse_name(name, c)], c))
        out = Path(out_dir) if out_dir else default_out_dir(c.name, "breakeven")
        check_out_dir(case, out, "breakeven")
        be = breakeven_case(c, name, lo, hi, solver=solver)
        be.write(out, csv_style=csv_style)
        return c, be.table, be.solves, out

    c, table, solves, out = _guard(ctx, work)
    points = table["value_from"].iloc[1:].tolist()
    table = table.fillna({c: 0.0 for c in table.columns if c.startswith(("units:", "built:"))})
    echo(f"{name} in [{lo:g}, {hi:g}]: {len(points)} breakpoint{'s' if len(points) != 1 else ''} ({solves} LP solves)")
    plants = [col for col in table.columns if col.startswith("units:") and "@" not in col]
    builds = [col for col in table.columns if col.startswith("built:")]
    from solver.report.terminal import MOST

    for k, (_, r) in enumerate(table.iterrows()):
        if k == MOST:
            echo(f"  ... and {len(table) - MOST:,} more intervals (see breakpoints.csv)")
            break
        if r["status"] != "optimal":
            echo(f"  {r['value_from']:.6g} .. {r['value_to']:.6g}: infeasible")
            continue
        split = ", ".join(f"{col[6:]} {r[col]:,.0f}" for col in plants)
        built = "".join(f"; {b[6:]} {'built' if r[b] > 0.5 else 'not built'}" for b in builds)
        echo(
            f"  {r['value_from']:.6g} .. {r['value_to']:.6g}: cost {r['objective_from']:,.0f} .. "
            f"{r['objective_to']:,.0f} {c.currency}; {split}{built}"
        )
    echo(f"wrote {out / 'breakpoints.csv'}")
