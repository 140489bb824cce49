"""The commands on one case: `solve`, `validate`, `convert` (thin shells)."""

from __future__ import annotations

from pathlib import Path

import click

from solver.cli.common import (
    solver_option,
    EXIT_NO_PLAN,
    Fail,
    Gap,
    _guard,
    _opts,
    _unexpected,
    _warn,
    case_failure,
    csv_options,
    csv_style_option,
    echo,
    failure,
    money_options,
    warn_all,
)


@click.command()
@click.argument("case", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder (default: outputs/<case folder name>/solve/).",
)
@solver_option
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop the solver after this many seconds; a plan found by then is written with its status.",
)
@money_options
@click.option("--relax", is_flag=True, help="Solve the LP relaxation of the build decisions.")
@click.option(
    "--write-lp", type=click.Path(path_type=Path), default=None, help="Also write the model in LP format to this file."
)
@click.option(
    "--sensitivity",
    is_flag=True,
    help="Also write sensitivity_flows.csv and sensitivity_constraints.csv (ranging, as Excel's Sensitivity Report).",
)
@click.option(
    "--plot", "plot", is_flag=True, help="Also write plan.png: units by plant and period, cost components by period."
)
@click.option(
    "--write-model",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the model exactly as HiGHS is given it, by HiGHS (.mps or .lp, by extension).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Threads for the independent blocks of the LP (default: all cores).",
)
@click.option("--no-decompose", is_flag=True, help="Give HiGHS the whole LP as one model (no blocks).")
@click.option(
    "--lp-method",
    type=click.Choice(["simplex", "ipm"]),
    default="simplex",
    show_default=True,
    help="How HiGHS solves an LP that is one model (one block, or --no-decompose): simplex, or ipm (interior "
    "point with crossover: faster on some large networks with hubs, slower on plain transport LPs; "
    "docs/benchmarks.md).",
)
@click.option(
    "--gap",
    type=Gap(),
    default=None,
    help="Relative MIP gap at which a plan with build options counts as optimal (default 1e-6).",
)
@click.option(
    "--no-tighten",
    is_flag=True,
    help="Leave out the rows that tighten a model with build options (linking rows: flow <= demand x "
    "builds; cover rows: builds cover what existing capacity cannot) and the warm start.",
)
@click.option(
    "--marginals",
    type=click.Choice(["exact", "dual"]),
    default="exact",
    show_default=True,
    help="exact: the cost of one unit more and the saving of one unit less of every demand, capacity "
    "and minimum, re-priced where the plan sits on a limit; dual: the LP dual for both (faster).",
)
@click.option("--xlsx", is_flag=True, help="Also write plan.xlsx: a Summary sheet with a chart, and a sheet per table.")
@csv_style_option
@csv_options
@click.pass_context
def solve(
    ctx,
    case,
    out_dir,
    solver,
    time_limit,
    currency,
    discount_rate,
    relax,
    write_lp,
    sensitivity,
    plot,
    write_model,
    threads,
    no_decompose,
    lp_method,
    gap,
    no_tighten,
    marginals,
    xlsx,
    csv_style,
    encoding,
    delimiter,
    decimal,
):
    """Solve CASE (a folder of CSV files or an .xlsx workbook; default: the Rogue 2012 case) and write the plan."""
    from solver.io.casefiles import default_case_dir
    from solver.pipeline.run import run_solve
    from solver.report.terminal import render

    case = case or _guard(ctx, default_case_dir)
    run = _guard(
        ctx,
        lambda: run_solve(
            case,
            out_dir,
            solver,
            time_limit,
            currency,
            relax,
            write_lp,
            _opts(encoding, delimiter, decimal),
            sensitivity=sensitivity,
            discount_rate=discount_rate,
            threads=threads,
            decompose=not no_decompose,
            lp_method=lp_method,
            write_model=write_model,
            gap=gap,
            tighten=not no_tighten,
            marginals=marginals,
            csv_style=csv_style,
            xlsx=xlsx,
            plot=plot,
        ),
    )
    _warn(run.case)
    if not run.solution.status.has_plan:
        from solver.results.explain import headline

        msg = headline(run.case.name, run.solution.status, time_limit, run.solution.message)
        if run.reasons:
            msg += "\n" + "\n".join(f"  - {r}" for r in run.reasons)
        models = [str(f) for f in (write_model, write_lp) if f]
        msg += (
            "\nNo output was written."
            if not models
            else f"\nNo plan was written; the model is in {' and '.join(models)} (written before the solve)."
        )
        raise Fail(msg, EXIT_NO_PLAN)
    if run.recovered:  # an interrupted earlier write there, completed before this one
        echo(f"Note: {run.recovered}", err=True)
    echo(render(run))


@click.command()
@click.argument("case", type=click.Path(path_type=Path))
@money_options
@csv_options
@click.pass_context
def validate(ctx, case, currency, discount_rate, encoding, delimiter, decimal):
    """Check CASE and list every problem and warning; exit 2 if there are errors."""
    from solver.case.load import load_case
    from solver.errors import CaseError
    from solver.io.resources import TooLargeError

    try:
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
    except CaseError as exc:
        raise case_failure(ctx, exc) from None
    except TooLargeError as exc:  # the case's rows cannot be read in the memory available
        fail = failure(exc)
        assert fail is not None  # a TooLargeError always is one
        raise fail from None
    except Exception as exc:  # noqa: BLE001
        _unexpected(ctx, exc)
    warn_all(c.warnings, ctx, err=False)
    warn_all(c.notes, ctx, err=False, label="Note")
    from solver.model import coefficients

    co = coefficients.build(c)
    for file, row in coefficients.unused_rows(c, co.arcs, co.legs):
        why = "a more specific row always wins, or no demand it could serve"
        if c.has_hubs and file == "lanes.csv":  # routes pass at most MAX_HUBS hubs (model/routes.py)
            why = "a more specific row always wins, no demand it could serve, or it is on no route from a plant to a "
            why += "market through at most 3 hubs"
        echo(f"Note: {file}, row {row}: applies to no flow ({why}); it has no effect")
    from solver.errors import plural

    counts = (
        (len(c.plants), "plant"),
        (c.demand["market"].nunique(), "market"),
        (len(c.products), "product"),
        (len(c.periods), "period"),
        (len(c.warnings), "warning"),
    )
    echo(f"{c.name}: OK ({', '.join(plural(n, w) for n, w in counts)})")


@click.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("dest", type=click.Path(path_type=Path))
@csv_style_option
@csv_options
@click.pass_context
def convert(ctx, source, dest, csv_style, encoding, delimiter, decimal):
    """Convert a case folder of CSV files to one .xlsx workbook (DEST ends in .xlsx), or back."""
    from solver.io.convert import convert as run
    from solver.io.output import CSV_STYLES

    digest, parts = _guard(ctx, lambda: run(source, dest, _opts(encoding, delimiter, decimal), CSV_STYLES[csv_style]))
    echo(f"wrote {dest} ({', '.join(parts)}); content digest {digest}")


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--example",
    type=click.Choice(["rogue", "blank", "network"]),
    default="blank",
    show_default=True,
    help="rogue: a copy of the shipped Rogue 2012 case; blank: every file with its header, a note and a "
    "commented example row (one placeholder plant, market and product to replace); network: an invented "
    "3-plant, 4-market case with lanes, exchange rates, tariffs, a quota and an expansion option.",
)
@click.option(
    "--xlsx", is_flag=True, help="Write the case as one workbook, FOLDER/<FOLDER name>.xlsx, a sheet per file."
)
@click.pass_context
def init(ctx, folder, example, xlsx):
    """Write a case to start from into FOLDER (new or empty), with a README.md; validate accepts it as is."""
    from solver.io.starter import init_case

    names = _guard(ctx, lambda: init_case(folder, example, xlsx))
    case = folder / next(n for n in names if n.endswith(".xlsx")) if xlsx else folder
    echo(f"wrote {folder} ({', '.join(names)})")
    echo(f"next: plantsplit validate {case}, then plantsplit solve {case}")
