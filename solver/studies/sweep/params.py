"""Sweep parameter names, values and scenario tables; every check runs before any solve.

Names: see ``names.FORMS`` (``[...]`` optional).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from solver.case.load import Case
from solver.case.params import RATE_KINDS, Param, parse_name, parse_number
from solver.errors import Collector, UsageError
from solver.io.decimalmark import decide
from solver.io.output import safe_text
from solver.io.readcsv import detect_delimiter
from solver.io.readxlsx import number_text


def parse_vary(spec: str, case: Case) -> tuple[Param, list[float]]:
    """``NAME=START:STOP:STEP`` (stop included) or ``NAME=V1,V2,...``."""
    if "=" not in spec:
        raise UsageError(f"--vary {spec!r}: expected NAME=START:STOP:STEP or NAME=V1,V2,...")
    name, _, values = spec.partition("=")
    p = parse_name(name, case)
    values = values.strip()
    if not values:
        raise UsageError(f"--vary {spec!r}: no values after '='")
    if ":" in values:
        parts = values.split(":")
        if len(parts) != 3:
            raise UsageError(f"--vary {spec!r}: a range is START:STOP:STEP")
        start, stop, step = (parse_number(x, p) for x in parts)
        if step <= 0:
            raise UsageError(f"--vary {spec!r}: STEP must be greater than 0")
        if stop < start:
            raise UsageError(f"--vary {spec!r}: STOP is below START")
        n = int(math.floor((stop - start) / step + 1e-9)) + 1
        if n > 10_000_000:
            raise UsageError(f"--vary {spec!r}: {n:,} values is too many")
        # Decimal steps so 0.1 increments land on round numbers.
        d0, ds = Decimal(parts[0].strip().rstrip("%")), Decimal(parts[2].strip().rstrip("%"))
        scale = 100.0 if p.kind in RATE_KINDS and parts[0].strip().endswith("%") else 1.0
        vals = [float(d0 + ds * i) / scale for i in range(n)]
    else:
        vals = [parse_number(x, p) for x in values.split(",") if x.strip() != ""]
    for v in vals:
        why = p.check_value(v)
        if why:
            raise UsageError(f"--vary {spec!r}: value {v:g} {why}")
    return p, vals


@dataclass(frozen=True)
class Scenarios:
    params: tuple[Param, ...]
    names: tuple[str, ...]  # scenario ids, in order
    values: tuple[tuple[float, ...], ...]  # one tuple per scenario, one value per param
    texts: tuple[tuple[str, ...], ...]  # values as given, for results.csv
    rows: tuple[int, ...] = ()  # the spreadsheet row of each scenario (files only)
    extra: tuple[tuple[str, ...], ...] = ()  # cells of the ``extra`` columns, as given


def grid(specs: list[str], case: Case) -> Scenarios:
    parsed = [parse_vary(s, case) for s in specs]
    names = [p.name for p, _ in parsed]
    if len(set(names)) != len(names):
        raise UsageError("--vary names the same parameter twice")
    combos = list(itertools.product(*[vals for _, vals in parsed]))
    width = len(str(len(combos)))
    return Scenarios(
        params=tuple(p for p, _ in parsed),
        names=tuple(f"s{i + 1:0{width}d}" for i in range(len(combos))),
        values=tuple(combos),
        texts=tuple(tuple(f"{v:.10g}" for v in c) for c in combos),
    )


def from_file(path: Path, case: Case, extra: tuple[str, ...] = ()) -> Scenarios:
    """A scenarios file; ``extra`` columns (e.g. probability) are kept as text, not parameters."""
    from solver.io.casefiles import not_a_file

    if (what := not_a_file(Path(path))) is not None:  # a FIFO or /dev/zero would never end
        raise UsageError(f"{path}: is {what}, not a scenarios file plantsplit can read (give a CSV file)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--scenarios {path}: cannot be read ({exc})") from None
    return from_text(text, path.name, case, extra)


def _decimal_mark(rows, header: list[str], params, file: str, delimiter: str, out: Collector) -> str:
    """The file's decimal mark, decided from all its parameter cells as for a case file (io/decimalmark.py)."""
    cols = [header.index(p.name) for p in params]
    table = pd.DataFrame(
        {
            "row": [n for n, _ in rows[1:]],
            **{header[c]: [(r[c] if c < len(r) else "").strip().rstrip("%") for _, r in rows[1:]] for c in cols},
        }
    )
    return decide({file: table}, None, out, {file: delimiter})[file] or "."


def plain_number(cell: str, mark: str) -> str:
    """A cell written with ``mark`` as decimal mark (and the other as thousands separator) as 1234.5."""
    other = "," if mark == "." else "."
    text = cell.strip().replace(other, "")
    return text.replace(",", ".") if mark == "," else text


def from_text(text: str, file: str, case: Case, extra: tuple[str, ...] = ()) -> Scenarios:
    """Scenarios from the text of a scenarios CSV; ``file`` names it in messages."""
    out = Collector()
    # as a case file is read: the delimiter from the header row (, ; or tab), the decimal mark per file
    delimiter = detect_delimiter(text) if text.strip() else ","
    # (spreadsheet row, cells); blank rows are skipped but keep their place in the numbering
    rows = [
        (n, r)
        for n, r in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
        if any(c.strip() for c in r)
    ]
    if not rows:
        raise UsageError(f"--scenarios {file}: the file is empty")
    header = [h.strip() for h in rows[0][1]]
    if "scenario" not in header:
        raise UsageError(f"{file}, row {rows[0][0]}: needs a 'scenario' column (the header has: {', '.join(header)})")
    params = []
    for h in header:
        if h != "scenario" and h not in extra:
            try:
                params.append(parse_name(h, case))
            except UsageError as exc:  # located: the header cell of that column
                raise UsageError(f"{file}, row {rows[0][0]}, column {h}: {exc}") from None
    si = header.index("scenario")
    mark = _decimal_mark(rows, header, params, file, delimiter, out)
    names, values, texts, row_numbers, extras = [], [], [], [], []
    seen: dict[str, int] = {}
    for i, r in rows[1:]:
        r = [c.strip() for c in r] + [""] * (len(header) - len(r))
        sid = r[si]
        if not sid:
            out.error(file, i, "scenario", "", "is blank but required")
        elif safe_text(sid) in seen:  # compared as written to results.csv ("=x" and "'=x" look alike)
            out.error(file, i, "scenario", sid, f"repeats the scenario of row {seen[safe_text(sid)]}")
        seen.setdefault(safe_text(sid), i)
        vals = []
        for p in params:
            cell = r[header.index(p.name)]
            try:
                v = parse_number(plain_number(cell, mark), p)
                why = p.check_value(v)
                if why:
                    out.error(file, i, p.name, cell, why)
            except UsageError:
                out.error(file, i, p.name, cell, "is not a number")
                v = float("nan")
            vals.append(v)
        names.append(sid)
        values.append(tuple(vals))
        texts.append(tuple(number_text(v) for v in vals))  # numbers, as results.csv holds them (2.5% -> 0.025)
        row_numbers.append(i)
        extras.append(tuple(r[header.index(x)] if x in header else "" for x in extra))
    if out.problems:
        raise UsageError("problems in the scenarios file:\n" + "\n".join(f"  - {p}" for p in out.problems))
    if not names:
        raise UsageError(f"{file}: has a header but no scenarios")
    return Scenarios(tuple(params), tuple(names), tuple(values), tuple(texts), tuple(row_numbers), tuple(extras))
