"""What every command shares: exit codes, the options for reading CSV files and money, and the guard
that turns the library's errors into a message and an exit code (never a traceback unless --debug).

Exit codes: 0 solved; 1 unexpected internal error; 2 bad input or usage;
3 infeasible, unbounded, or no plan (time limit, solver failure); 4 the outputs could not be written
(disk full, read-only folder, no permission: nothing changed in the folder)."""

from __future__ import annotations

import errno
import os
import traceback
import unicodedata
from pathlib import Path
from typing import NoReturn

import click

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_NO_PLAN, EXIT_WRITE = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
SHOWN = 50  # problems (and warnings) printed before "... and N more"


def shown(text: str) -> str:
    """Text safe to print on a terminal: control characters (a name holding terminal escapes would
    recolour the terminal or set its title) as \\x1b, invisible ones (a stray BOM, zero-width spaces,
    direction overrides) as <U+FEFF>; line breaks and tabs stay."""
    out = []
    for ch in str(text):
        cat = unicodedata.category(ch)
        if ch in "\n\t" or cat[0] not in "CZ" or ch == " ":
            out.append(ch)
        elif cat == "Cc":
            out.append(repr(ch)[1:-1] if ord(ch) < 0x100 else f"<U+{ord(ch):04X}>")
        else:  # format characters (Cf), other separators (Zl, Zp, odd spaces), unassigned
            out.append(f"<U+{ord(ch):04X}>")
    return "".join(out)


def echo(text: str = "", err: bool = False) -> None:
    """click.echo of text made safe for a terminal (see ``shown``)."""
    click.echo(shown(text), err=err)


def warn_all(warnings, ctx=None, err: bool = True, label: str = "Warning") -> None:
    """Warnings on stderr, the first SHOWN of them, then a count (and every one in --problems-file)."""
    warnings = list(warnings)
    for w in warnings[:SHOWN]:
        echo(f"{label}: {w}", err=err)
    if len(warnings) > SHOWN:
        echo(f"{label}: ... and {len(warnings) - SHOWN:,} more" + _all_in_file(ctx), err=err)


def _all_in_file(ctx) -> str:
    file = _problems_file(ctx)
    return f" (every one is in {file})" if file else " (plantsplit --problems-file FILE ... writes every one to FILE)"


def _problems_file(ctx):
    ctx = ctx or click.get_current_context(silent=True)
    return (ctx.find_root().obj or {}).get("problems_file") if ctx else None


class Fail(click.ClickException):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        # click types exit_code as a class variable, but reads it from the instance (its own Exit sets one)
        self.exit_code = code  # type: ignore[misc]

    def show(self, file=None):
        echo(f"Error: {self.format_message()}", err=True)


def csv_options(f):
    f = click.option(
        "--encoding",
        default="utf-8-sig",
        show_default=True,
        help="Encoding of the case's CSV files (e.g. cp1252 for old Excel files).",
    )(f)
    f = click.option(
        "--delimiter", default=None, help="CSV delimiter; default: detected from each header row (, ; or tab)."
    )(f)
    f = click.option(
        "--decimal",
        type=click.Choice([".", ","]),
        default=None,
        help="Decimal mark of every file; default: decided per file from its numbers "
        "(an ambiguous value stops the case).",
    )(f)
    return f


class DiscountRate(click.ParamType):
    """0.08 or 8%; >= 0 and at most 100% per period (8 is refused: it means 800%)."""

    name = "R"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        from solver.solve.options import parse_fraction

        try:
            rate = parse_fraction(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a rate: write it like 0.08 or 8%", param, ctx)
        if not (rate >= 0 and rate < float("inf")):
            self.fail(f"{value!r} must be a rate >= 0, like 0.08 or 8%", param, ctx)
        if rate > 1:
            from solver.case.rules import discount_rate_too_high

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
        from solver.solve.options import parse_gap

        try:
            return parse_gap(str(value), self.positive)
        except ValueError as exc:
            self.fail(f"{value!r} {exc}", param, ctx)


def money_options(f):
    """--currency and --discount-rate: every command that reads a case takes both."""
    f = click.option(
        "--discount-rate",
        "discount_rate",
        type=RATE,
        default=None,
        metavar="R",
        help="Discount rate per period (0.08 = 8%); overrides settings.csv "
        "(default there: 0). Costs are summed as present values at the first period.",
    )(f)
    f = click.option(
        "--currency", default=None, help="Reporting currency; overrides settings.csv (default there: USD)."
    )(f)
    return f


def solver_option(f):
    """--solver: every command that solves takes it (docs: the solvers, and what each supports)."""
    return click.option(
        "--solver",
        default="highs",
        show_default=True,
        help="highs (in-process, warm re-solves), cbc, gurobi, or any PuLP solver available here.",
    )(f)


def csv_style_option(f):
    return click.option(
        "--csv-style",
        type=click.Choice(["plain", "excel", "excel-eu"]),
        default="plain",
        show_default=True,
        help="CSV files written: plain (, and .), excel (the same with a UTF-8 BOM), "
        "excel-eu (; and decimal comma, BOM) for Excel in a German/French/... locale.",
    )(f)


def _opts(encoding, delimiter, decimal):
    from solver.io.readcsv import CsvOptions

    return CsvOptions(encoding=encoding, delimiter=delimiter, decimal=decimal)


def _warn(case) -> None:
    """A case's warnings, on stderr, before the command's own output."""
    warn_all(case.warnings)


def _range_end(name: str, option: str, text: str) -> float:
    """An end of breakeven's range, in the forms --vary takes (30% or 0.3 for a tariff)."""
    from solver.case.params import parse_value
    from solver.errors import UsageError

    try:
        return parse_value(name, text)
    except UsageError:
        raise UsageError(f"{option} {text!r} is not a number (write it like 0.3, or 30% for a tariff)") from None


def failure(exc) -> Fail | None:
    """The message and exit code of an error plantsplit raises on purpose (None for any other)."""
    from solver.errors import UsageError, WorkerLost, WriteError
    from solver.io.resources import TooLargeError

    # (error, exit code, what follows the message); UsageError covers SolverUnavailable
    for kind, code, after in (
        (UsageError, EXIT_INPUT, ""),
        (WriteError, EXIT_WRITE, ""),
        (WorkerLost, EXIT_INTERNAL, ""),
        (TooLargeError, EXIT_NO_PLAN, "\nNo output was written."),
    ):
        if isinstance(exc, kind):
            return Fail(f"{exc}{after}", code)
    return None


def _guard(ctx, work):
    from solver.errors import CaseError, PlantsplitError
    from solver.io.outdir import WRITE_ERRNOS, write_failure

    debug = bool(ctx.obj and ctx.obj.get("debug"))
    try:
        return work()
    except CaseError as exc:
        if debug:
            traceback.print_exc()
        raise case_failure(ctx, exc, "\nNo output was written.") from None
    except PlantsplitError as exc:
        if (fail := failure(exc)) is None:
            _unexpected(ctx, exc)
        if debug:
            traceback.print_exc()
        raise fail from None
    except click.ClickException:
        raise
    except KeyboardInterrupt:  # Ctrl-C: said in words, with the code shells use for it
        echo(
            "Interrupted: earlier outputs are intact (a sweep keeps its results so far: --resume continues).", err=True
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise Fail(
                f"{exc.filename}: the name is too long for the file system; choose a shorter one", EXIT_INPUT
            ) from None
        if exc.errno not in WRITE_ERRNOS:
            _unexpected(ctx, exc)
        if debug:
            traceback.print_exc()
        where = Path(exc.filename).parent if exc.filename else Path(".")
        raise Fail(str(write_failure(exc, where, after="")).rstrip(". ") + ".", EXIT_WRITE) from None
    except Exception as exc:  # noqa: BLE001
        _unexpected(ctx, exc)


def case_failure(ctx, exc, after: str = "") -> Fail:
    """A CaseError as printed: its warnings, then its first SHOWN problems and a count (exit 2); every
    problem in --problems-file when asked."""
    _write_problems(ctx, exc)
    warn_all(exc.warnings, ctx)
    text = exc.render(SHOWN)
    if len(exc.problems) > SHOWN:
        text += f"\n  ... and {len(exc.problems) - SHOWN:,} more problems" + _all_in_file(ctx)
    return Fail(text + after, EXIT_INPUT)


def _write_problems(ctx, exc) -> None:
    """Every problem and warning of a case, one per line, into the --problems-file the user asked for."""
    file = _problems_file(ctx)
    if file:
        lines = [f"Error: {p}" for p in exc.problems] + [f"Warning: {w}" for w in exc.warnings]
        from solver.io.outdir import write_failure
        from solver.io.temporary import stage

        try:  # all or nothing, names shown as on the terminal (no escape sequence reaches a file viewer)
            data = (shown("\n".join(lines)) + "\n").encode("utf-8")
            os.replace(stage(Path(file).parent, Path(file).name, data), file)
        except OSError as exc2:
            echo(
                f"Warning: --problems-file {file}: {write_failure(exc2, Path(file).parent, 'write the problems')}",
                err=True,
            )


def _unexpected(ctx, exc) -> NoReturn:
    if ctx.obj and ctx.obj.get("debug"):
        traceback.print_exc()
    else:
        echo("(run with --debug for a traceback)", err=True)
    raise Fail(f"internal error: {type(exc).__name__}: {exc}", EXIT_INTERNAL)
