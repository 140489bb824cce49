"""Problems found in a case, reported all at once (calliope style)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as a spreadsheet user would find it.

    ``row`` is the row number the spreadsheet shows (the header is row 1);
    0 means the whole file (or folder). ``column`` is "" when no column is meant.
    ``where`` says the place in words, naming only the parts there are.
    """

    file: str
    row: int
    column: str
    value: str
    message: str

    @property
    def where(self) -> str:
        """``demand.csv, row 2, column units``; ``lanes.csv`` for a whole file."""
        where = self.file
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return where

    def __str__(self) -> str:
        shown = f'"{self.value}" ' if self.value != "" else ""
        return f"{self.where}: {shown}{self.message}"


class PlantsplitError(Exception):
    """Base of every error plantsplit raises on purpose (bad input, bad usage, no plan)."""


class CaseError(PlantsplitError):
    """Raised once, with every problem found in a case: ``problems`` is a list of
    ``Problem`` (file, spreadsheet row, column, value, message), ``warnings`` likewise."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = sorted(set(problems), key=_order)
        self.warnings = in_file_order(warnings or [])
        super().__init__(self.render())

    def render(self, limit: int | None = None) -> str:
        """The count, then every problem (the first ``limit`` of them)."""
        n = len(self.problems)
        head = f"{plural(n, 'problem')} in the case:"
        return "\n".join([head] + [f"  - {p}" for p in self.problems[:limit]])


def plural(n: int, word: str) -> str:
    """'1 product', '2 products', '0 products': every count shown to a user goes through here."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class UsageError(PlantsplitError):
    """A bad argument or option value (a parameter name, a range, an output folder): exit code 2."""


class WriteError(PlantsplitError):
    """The outputs could not be written (disk full, read-only folder, no permission): exit code 4.
    Nothing was changed in the folder: earlier outputs are intact and no temporary file is left."""


class WorkerLost(PlantsplitError):
    """A worker process died mid-run (killed, or out of memory): exit code 1, without a traceback."""


class NoPlanError(PlantsplitError):
    """The case has no plan: infeasible (``reasons`` says why, in the words of the inputs),
    unbounded, or the time limit passed before a plan was found (exit code 3)."""

    def __init__(self, case_name: str, status, reasons: list[str], headline: str):
        self.case_name = case_name
        self.status = status
        self.reasons = list(reasons)
        self.headline = headline
        super().__init__("\n".join([headline] + [f"  - {r}" for r in self.reasons]))


def _order(p: Problem):
    return (p.file, p.row, p.column, p.message)


def in_file_order(items) -> list[Problem]:
    """Warnings or notes by file, then row (as problems are listed), each row's in the
    order they were found: checks run rule by rule, not row by row."""
    return sorted(items, key=lambda p: (p.file, p.row))


@dataclass
class Collector:
    """Accumulates problems and warnings while a case is read and checked."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # shown by `validate` only
    # Where a file's rows really are, for a case that is not a folder of CSV files:
    # {"plants.csv": ("case.xlsx, sheet plants", "sheet plants")} = (place, name in messages).
    places: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Cells already reported as unreadable (a workbook's date, a formula with no saved
    # value): their value is unknown, so any later problem at the same cell ("is blank but
    # required") would report the same cell twice. (csv name, row, column)
    unreadable: set[tuple[str, int, str]] = field(default_factory=set)

    def _problem(self, file: str, row: int, column: str, value, message: str) -> Problem:
        if self.places:
            for csv_name, (_, mention) in self.places.items():
                message = message.replace(csv_name, mention)
            file = self.places.get(file, (file,))[0]
        return Problem(file, int(row), column, _show(value), message)

    def error(self, file: str, row: int, column: str, value, message: str) -> None:
        if (file, int(row), column) not in self.unreadable:
            self.problems.append(self._problem(file, row, column, value, message))

    def unreadable_cell(self, file: str, row: int, column: str, value, message: str) -> None:
        """A cell whose value cannot be read: reported once, and nothing else at that cell."""
        self.error(file, row, column, value, message)
        self.unreadable.add((file, int(row), column))

    def warn(self, file: str, row: int, column: str, value, message: str) -> None:
        self.warnings.append(self._problem(file, row, column, value, message))

    def note(self, file: str, row: int, column: str, value, message: str) -> None:
        self.notes.append(self._problem(file, row, column, value, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise CaseError(self.problems, self.warnings)


def _show(value) -> str:
    s = "" if value is None else str(value)
    return s if len(s) <= 60 else s[:57] + "..."
