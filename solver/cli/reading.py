"""The commands on output folders: `plot` and `compare` (thin shells)."""

from __future__ import annotations

from pathlib import Path

import click

from solver.cli.common import _guard, csv_style_option, echo


@click.command()
@click.argument("results", type=click.Path(path_type=Path))
@click.option("--x", "x", default=None, help="Parameter on the x axis (default: the first in the file).")
@click.option(
    "--where",
    multiple=True,
    metavar="NAME=VALUE",
    help="Keep only scenarios with this value of another parameter, as --vary takes it "
    "(0.025 or 2.5% for a rate; repeatable).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    default=None,
    help="PNG file to write (default: next to RESULTS, same name, .png).",
)
@click.option(
    "--distributions",
    is_flag=True,
    help="Plot the spread over all scenarios (cost histogram, fan chart of units by period); "
    "the default when several parameters vary and no --x is given.",
)
@click.pass_context
def plot(ctx, results, x, where, out_file, distributions):
    """Chart a sweep's results.csv (or breakeven's breakpoints.csv) as a PNG."""
    from solver.report.plot import plot_results

    png = _guard(ctx, lambda: plot_results(results, x, list(where), out_file, distributions))
    echo(f"wrote {png}")


@click.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for comparison.csv.")
@click.option("--xlsx", is_flag=True, help="Also write comparison.xlsx (a Summary sheet, then the table).")
@csv_style_option
@click.pass_context
def compare(ctx, a, b, out_dir, xlsx, csv_style):
    """Put two output folders side by side: two of solve (units, costs, builds, binding
    capacities) or two of stochastic (key figures, cost quantiles, builds, settings)."""
    from solver.api import compare_runs

    def work():
        c = compare_runs(a, b)
        c.write(out_dir, xlsx=xlsx, csv_style=csv_style)
        return c

    echo(_guard(ctx, work).text)
    echo(f"\nwrote {out_dir / 'comparison.csv'}" + (f", {out_dir / 'comparison.xlsx'}" if xlsx else ""))


@click.command()
@click.argument("out_dirs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="OUT_DIR...")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="HTML file to write (replaces only a report plantsplit wrote).",
)
@click.pass_context
def report(ctx, out_dirs, out_file):
    """One self-contained HTML report (opens offline in any browser) from output folders of solve, sweep,
    breakeven, stochastic and compare: the recommendation and what decides it, the plan, the network, the
    studies, and how to make it again."""
    from solver.report.html import write_report

    path = _guard(ctx, lambda: write_report(list(out_dirs), out_file))
    echo(f"wrote {path}")
