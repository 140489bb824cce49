"""The commands of decisions under uncertainty: `stochastic` and `scenarios` (thin shells)."""

from __future__ import annotations

from pathlib import Path

import click

from solver.cli.common import (
    EXIT_NO_PLAN,
    Fail,
    Gap,
    _guard,
    _opts,
    _warn,
    csv_options,
    csv_style_option,
    echo,
    money_options,
    solver_option,
    warn_all,
)


@click.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option(
    "--scenarios",
    "scenarios_file",
    type=click.Path(path_type=Path),
    required=True,
    help="CSV: a 'scenario' column, one column per parameter (as for sweep), optional 'probability'.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for summary.json, decision.csv, scenario_costs.csv (and decisions.csv); "
    "default: outputs/<case folder name>/stochastic/.",
)
@click.option(
    "--method",
    type=click.Choice(["auto", "enumerate", "extensive", "benders"]),
    default="auto",
    show_default=True,
    help="How to solve the two-stage problem (all exact).",
)
@click.option(
    "--risk-weight",
    "weight",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="lambda in E[cost] + lambda * CVaR (0 = risk-neutral).",
)
@click.option(
    "--cvar-alpha",
    "alpha",
    type=click.FloatRange(min=0, max=1, max_open=True),
    default=0.95,
    show_default=True,
    help="CVaR level: the mean cost of the worst 1 - alpha of probability.",
)
@click.option(
    "--gap",
    type=Gap(positive=True),
    default=1e-6,
    show_default=True,
    help="Relative gap at which benders (and the extensive MILP) stop.",
)
@click.option(
    "--evaluate",
    "evaluate_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Also evaluate the recommended and mean-value decisions on this independent scenarios file.",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option(
    "--dask", metavar="ADDRESS", default=None, help="Run scenario solves on a Dask cluster (address, or 'local')."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--no-wait-and-see",
    "no_wait_and_see",
    is_flag=True,
    help="The decision only: skip the wait-and-see solves (one MILP per scenario), so WS and EVPI are not computed.",
)
@click.option(
    "--sample-size",
    type=click.IntRange(min=1),
    default=None,
    help="Decide on N scenarios drawn from the scenarios file (with replacement, by probability) instead of all.",
)
@click.option(
    "--replications",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="With --sample-size: M more samples bound the decision's optimality gap (Mak, Morton and Wood 1999).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Random seed of the samples (same seed, same draws)."
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    help="Threads per worker for a second stage that splits into blocks (e.g. by period; default 1).",
)
@solver_option
@money_options
@click.option("--xlsx", is_flag=True, help="Also write stochastic.xlsx: a Summary sheet, then a sheet per table.")
@csv_style_option
@csv_options
@click.pass_context
def stochastic(
    ctx,
    case,
    scenarios_file,
    out_dir,
    method,
    weight,
    alpha,
    gap,
    evaluate_file,
    jobs,
    dask,
    quiet,
    no_wait_and_see,
    sample_size,
    replications,
    seed,
    threads,
    solver,
    currency,
    discount_rate,
    xlsx,
    csv_style,
    encoding,
    delimiter,
    decimal,
):
    """Choose the build decisions that are best across the scenarios (two-stage, E + lambda*CVaR)."""
    from solver.studies.stochastic.decide import NoDecision, SolverDisagrees
    from solver.studies.stochastic.run import run_stochastic

    def work():
        from solver.api import solver_key

        key = solver_key(solver)
        try:
            return run_stochastic(
                case,
                scenarios_file,
                out_dir,
                method,
                weight,
                alpha,
                gap,
                jobs,
                dask,
                quiet,
                evaluate_file,
                currency,
                _opts(encoding, delimiter, decimal),
                discount_rate,
                csv_style=csv_style,
                xlsx=xlsx,
                threads=threads,
                solver=key,
                wait_and_see=not no_wait_and_see,
                sample_size=sample_size,
                replications=replications,
                seed=seed,
            )
        except NoDecision as exc:
            msg = f"case {case.name}: {exc}\n" + "\n".join(f"  - {r}" for r in exc.reasons)
            raise Fail(msg + "\nNo output was written.", EXIT_NO_PLAN) from None
        except SolverDisagrees as exc:
            raise Fail(f"case {case.name}: {exc}\nNo output was written.", EXIT_NO_PLAN) from None

    run = _guard(ctx, work)
    _warn(run.case)
    from solver.case.params import reach_warnings

    warn_all(reach_warnings(run.problem.scenarios.params, run.case))
    echo("\n".join(run.lines))


@click.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True, help="Scenarios CSV to write.")
@click.option("--fx", multiple=True, metavar="CUR:vol=10%[,drift=0%]", help="A volatile exchange rate (repeatable).")
@click.option(
    "--demand", multiple=True, metavar="MARKET[/PRODUCT]:vol=15%[,drift=0%]", help="A volatile demand (repeatable)."
)
@click.option("--corr", multiple=True, metavar="A,B=RHO", help="Correlation of two shocks, e.g. KRW,usa/rogue=-0.3.")
@click.option("--n", "n", type=click.IntRange(min=1), default=1000, show_default=True, help="Number of scenarios.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same file).")
@money_options
@csv_options
@click.pass_context
def scenarios(ctx, case, out_file, fx, demand, corr, n, seed, currency, discount_rate, encoding, delimiter, decimal):
    """Write log-normal random-walk scenarios of exchange rates and demand for CASE."""
    from solver.case.load import load_case
    from solver.studies.stochastic.generate import generate

    def work():
        c = load_case(case, currency=currency, opts=_opts(encoding, delimiter, decimal), discount_rate=discount_rate)
        return generate(c, list(fx), list(demand), list(corr), n, seed, out_file)

    cols = _guard(ctx, work)
    echo(f"wrote {n} scenarios of {cols} parameters to {out_file}")
