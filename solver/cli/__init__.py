"""The command line: a thin click shell around the library, one module per group of commands.

Room: the top floor. It may import every room below (through lazy imports inside each command, so that
``plantsplit --help`` stays fast); nothing imports it but ``solver.__main__`` and the console script.

- ``common``: exit codes, shared options, the guard that turns errors into messages;
- ``solving``: solve, validate, convert, init; ``sweeping``: sweep, breakeven;
  ``deciding``: stochastic, scenarios; ``reading``: plot, compare, report.

Exit codes: 0 solved; 1 unexpected internal error; 2 bad input or usage;
3 infeasible, unbounded, or no plan (time limit, solver failure).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from solver._version import __version__
from solver.cli.common import echo
from solver.cli.deciding import scenarios, stochastic
from solver.cli.reading import compare, plot, report
from solver.cli.solving import convert, init, solve, validate
from solver.cli.sweeping import breakeven, sweep


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="plantsplit")
@click.option("--debug", is_flag=True, help="Show a traceback when something goes wrong.")
@click.option(
    "--problems-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every problem and warning of a case to this file (the terminal shows the first 50).",
)
@click.pass_context
def cli(ctx, debug, problems_file):
    """plantsplit: split production of a product across plants (an LP/MILP on CSV inputs)."""
    ctx.obj = {"debug": debug, "problems_file": problems_file}


for _command in (solve, validate, convert, init, sweep, breakeven, stochastic, scenarios, plot, compare, report):
    cli.add_command(_command)


def main():
    import warnings

    from solver.io.outdir import set_command_line

    set_command_line(["plantsplit", *sys.argv[1:]])

    def show(message, category, *args, **kwargs):
        if category.__name__ == "ChartWarning":
            echo(f"Warning: {message}", err=True)
        else:
            _show(message, category, *args, **kwargs)

    _show = warnings.showwarning
    warnings.showwarning = show
    cli(prog_name="plantsplit")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
