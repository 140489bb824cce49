"""Run scenarios in chunks, locally (processes) or on Dask, appending results as they finish.

results.csv is appended and flushed chunk by chunk (complete lines in one write); a
sweep killed at any moment and re-run with ``--resume`` drops a partial last line,
skips every scenario already written and runs the rest. When all are done the file is
rewritten (temporary file + rename) in scenario order, so it is byte-identical to an
uninterrupted run's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from solver.case.load import Case
from solver.errors import UsageError
from solver.io.folders import check_out_dir
from solver.io.outdir import OutputFolder, write_failure
from solver.io.output import PLAIN, CsvStyle, safe_text
from solver.io.temporary import stage
from solver.studies.sweep.params import Scenarios
from solver.studies.sweep.scenario import COMPONENTS, ScenarioModel, build_scenario_model
from solver.studies.sweep.worker import run_chunk

RESULTS = "results.csv"
PLANS = "plans.csv"
META = "sweep.json"


@dataclass
class SweepReport:
    total: int
    ran: int
    skipped: int
    seconds: float
    out_dir: Path
    infeasible: int


# ------------------------------------------------------------------ workers


# ------------------------------------------------------------------ the sweep


def cost_columns(currency: str, components=COMPONENTS) -> list[str]:
    return [f"{c}_cost_{currency}" for c in components]


def _header(sm: ScenarioModel, scenarios: Scenarios, currency: str) -> list[str]:
    return (
        ["scenario", *[p.name for p in scenarios.params], "status", f"objective_{currency}"]
        + sm.result_columns
        + [f"built:{o}" for o in sm.options]
        + sm.unmet_columns
        + cost_columns(currency, sm.components)
    )


def _line(cells: list[str], style: CsvStyle = PLAIN) -> str:
    return style.line(cells)


_NUMERIC_TEXT = re.compile(r"^[+-]?[0-9.]+([eE][+-]?[0-9]+)?%?$")


def _result_line(
    scenarios: Scenarios, index: int, status, objective, units, built, unmet, costs, *, style: CsvStyle = PLAIN
) -> str:
    texts = [t.replace(".", style.decimal) if _NUMERIC_TEXT.match(t) else t for t in scenarios.texts[index]]
    cells = [scenarios.names[index], *texts, status, style.number(objective, 2)]
    cells += [style.number(u, 3) for u in units] + [style.number(b, 6) for b in built]
    cells += [style.number(u, 3) for u in unmet] + [style.number(c, 2) for c in costs]
    return style.line(cells)


def _plan_lines(sm, scenarios, index, flows, style: CsvStyle = PLAIN) -> str:
    if flows is None:
        return ""
    nz, vals = flows
    keys = sm.arcs_key.iloc[nz]
    agg: dict[tuple, float] = {}
    for (t, k, p, m), v in zip(keys.itertuples(index=False, name=None), vals, strict=True):
        agg[(t, k, p, m)] = agg.get((t, k, p, m), 0.0) + v
    return "".join(
        style.line([scenarios.names[index], t, k, p, m, style.number(v, 3)]) for (t, k, p, m), v in agg.items()
    )


def _written_id(name: str) -> str:
    """A scenario id as results.csv and plans.csv hold it (formula-safe)."""
    return safe_text(name)


def _first_cells(lines: list[str], delimiter: str = ",") -> list[str]:
    return [next(csv.reader(io.StringIO(line), delimiter=delimiter))[0] for line in lines]


def _read_done(path: Path, header: str, delimiter: str) -> list[str]:
    """Scenario ids (as written) already in the file; a partial last line (a kill mid-write) is cut off."""
    if not path.exists():
        return []
    data = path.read_bytes()
    if not data.startswith(header.encode()):
        raise UsageError(
            f"{path} was written by a different sweep (other parameters or case); choose another --out or delete it"
        )
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with open(path, "r+b") as fh:
            fh.truncate(end)
        data = data[:end]
    return _first_cells(data.decode("utf-8").splitlines(keepends=True)[1:], delimiter)


def _check_done(path: Path, ids: list[str], known: set[str]) -> set[str]:
    """The scenarios a resumed results file holds, each once and each of this sweep (an edited file is refused:
    a resume must end with every scenario exactly once)."""
    seen: dict[str, int] = {}
    for row, sid in enumerate(ids, start=2):
        if sid not in known:
            raise UsageError(
                f"{path}, row {row}: scenario {sid!r} is not a scenario of this sweep (was the file "
                "edited?); --resume continues only the sweep that wrote it: choose another --out"
            )
        if sid in seen:
            raise UsageError(
                f"{path}, row {row}: scenario {sid!r} is there twice (also row {seen[sid]}; was the file "
                "edited?); remove one of the rows, or choose another --out"
            )
        seen[sid] = row
    return set(seen)


def _rewrite(path: Path, header: str, lines: list[str]) -> None:
    os.replace(stage(path.parent, path.name, (header + "".join(lines)).encode("utf-8")), path)


def _finalise(path: Path, header: str, order: dict[str, int], delimiter: str) -> None:
    """Rewrite a results or plans file in scenario order (stable within a scenario)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    ids = _first_cells(lines, delimiter)
    ranked = sorted(range(len(lines)), key=lambda k: (order[ids[k]], k))
    _rewrite(path, header, [lines[k] for k in ranked])


def _drop_scenarios(path: Path, header: str, ids: set[str], delimiter: str) -> None:
    """Remove plan rows of scenarios that will run again (their results line never made it)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    _rewrite(
        path,
        header,
        [ln for ln, i in zip(lines, _first_cells(lines, delimiter), strict=True) if ln.endswith("\n") and i not in ids],
    )


def sweep_meta(case: Case, scenarios: Scenarios, plans: bool, style: CsvStyle = PLAIN) -> dict:
    """What sweep.json records (``--resume`` refuses a folder whose record differs)."""
    return {
        "case": case.name,
        "currency": case.currency,
        "inputs_digest": case.digest,
        "parameters": [p.name for p in scenarios.params],
        "scenarios": hashlib.sha256("\n".join(scenarios.names).encode()).hexdigest(),
        "plans": plans,
        "csv_style": style.name,
    }


def run_sweep(
    case: Case,
    scenarios: Scenarios,
    out_dir: Path,
    jobs: int | None = None,
    plans: bool = False,
    resume: bool = False,
    quiet: bool = False,
    dask: str | None = None,
    chunk: int | None = None,
    style: CsvStyle = PLAIN,
    xlsx: bool = False,
    threads: int = 1,
    decompose: bool = True,
    solver: str = "highs",
) -> SweepReport:
    """Run every scenario not yet in ``out_dir``'s results.csv, appending results as they finish, holding
    the folder's lock from start to end (io/outdir.py): a second run on the folder is refused."""
    t0 = time.perf_counter()
    check_out_dir(case.folder, out_dir, "sweep")
    if xlsx:
        from solver.io.output import XLSX_MAX_ROWS

        if len(scenarios.names) + 1 > XLSX_MAX_ROWS:
            raise UsageError(
                f"{len(scenarios.names):,} scenarios are more rows than an Excel sheet holds "
                f"({XLSX_MAX_ROWS:,} with the header): use {RESULTS} instead (run without --xlsx)"
            )
    sm = build_scenario_model(case, scenarios, threads, decompose=decompose, solver=solver)
    with OutputFolder(out_dir, "sweep", check=lambda: check_out_dir(case.folder, out_dir, "sweep")) as folder:
        try:
            files = _open_files(folder, case, scenarios, sm, plans, resume, style)
            todo, infeasible = _run_scenarios(sm, scenarios, files, jobs, dask, chunk, quiet, style)
            _finalise(files.results, files.header, files.order, style.delimiter)
            if files.plans is not None:
                _finalise(files.plans, files.plan_header, files.order, style.delimiter)
            folder.finish()
        except OSError as exc:
            raise write_failure(
                exc,
                out_dir,
                "write the sweep's results",
                "The scenarios written so far are kept: run the same sweep again with --resume to continue",
            ) from None
        if xlsx:
            _write_workbook(folder, case, scenarios, out_dir, plans, style)
    return SweepReport(
        len(scenarios.names), len(todo), len(scenarios.names) - len(todo), time.perf_counter() - t0, out_dir, infeasible
    )


@dataclass
class _Files:
    results: Path
    plans: Path | None
    header: str
    plan_header: str
    order: dict[str, int]
    todo: list


def _open_files(
    folder: OutputFolder,
    case: Case,
    scenarios: Scenarios,
    sm: ScenarioModel,
    plans: bool,
    resume: bool,
    style: CsvStyle,
) -> _Files:
    """Check a resumed sweep against its record, record the files, write their headers; the scenarios to run."""
    out_dir = folder.folder
    bom, d = "\ufeff" if style.bom else "", style.delimiter
    header = bom + style.line(_header(sm, scenarios, case.currency))
    plan_header = bom + style.line(["scenario", "period", "product", "plant", "market", "units"])
    results, plans_path, meta_path = out_dir / RESULTS, out_dir / PLANS, out_dir / META
    meta = sweep_meta(case, scenarios, plans, style)
    if results.exists() and not resume:
        raise UsageError(f"{results} already exists: add --resume to continue that sweep, or choose another --out")
    if resume and meta_path.exists():
        old = json.loads(meta_path.read_text())
        if old != meta:
            raise UsageError(
                f"{out_dir} holds a sweep of other inputs or parameters ({META} differs); choose another --out"
            )
    folder.begin([RESULTS, META, *([PLANS] if plans else [])])  # recorded before any of them is written
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    # A scenario is done once its results line is written; its plan rows are written first.
    written = [_written_id(n) for n in scenarios.names]
    done = _check_done(results, _read_done(results, header, d), set(written)) if resume else set()
    if plans and resume:
        _read_done(plans_path, plan_header, d)  # checks the header, cuts a partial last line
    todo = [(i, scenarios.values[i]) for i in range(len(written)) if written[i] not in done]
    if not results.exists():
        results.write_text(header, encoding="utf-8")
    if plans and not plans_path.exists():
        plans_path.write_text(plan_header, encoding="utf-8")
    if plans and resume:
        _drop_scenarios(plans_path, plan_header, {written[i] for i, _ in todo}, d)
    return _Files(
        results, plans_path if plans else None, header, plan_header, {w: i for i, w in enumerate(written)}, todo
    )


def _run_scenarios(
    sm: ScenarioModel, scenarios: Scenarios, files: _Files, jobs, dask, chunk, quiet: bool, style: CsvStyle
) -> tuple[list, int]:
    """Solve the scenarios still to do in chunks, appending (and flushing) each chunk's lines as it finishes."""
    todo = files.todo
    jobs = jobs or os.cpu_count() or 1
    size = chunk or max(8, min(256, len(todo) // (jobs * 4) or 8))
    chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
    payload = pickle.dumps(sm)
    key = hashlib.sha256(payload).hexdigest()
    bar = _progress(len(scenarios.names), len(scenarios.names) - len(todo), quiet)
    infeasible = 0
    plans = files.plans is not None
    with (
        open(files.results, "a", encoding="utf-8") as res_fh,
        open(files.plans, "a", encoding="utf-8") if files.plans is not None else open(os.devnull, "w") as plan_fh,
    ):
        for batch in _execute(chunks, key, payload, jobs, dask, plans):
            plan_text = "".join(_plan_lines(sm, scenarios, r[0], r[7], style) for r in batch)
            if plans:
                plan_fh.write(plan_text)
                plan_fh.flush()
            res_fh.write("".join(_result_line(scenarios, *r[:7], style=style) for r in batch))
            res_fh.flush()
            infeasible += sum(1 for r in batch if r[1] != "optimal")
            bar.update(len(batch))
    bar.close()
    return todo, infeasible


def _write_workbook(
    folder: OutputFolder, case: Case, scenarios: Scenarios, out_dir: Path, plans: bool, style: CsvStyle
) -> None:
    """results.xlsx: the finished results.csv (and plans.csv) as sheets, after a Summary."""
    from solver.report.workbook import workbook_bytes

    tables = {RESULTS: read_back(out_dir / RESULTS, style)}
    if plans:
        tables[PLANS] = read_back(out_dir / PLANS, style)
    res = tables[RESULTS]
    facts = {
        "case": case.name,
        "currency": case.currency,
        "inputs_digest": case.digest,
        "parameters": [p.name for p in scenarios.params],
        "scenarios": len(res),
        "infeasible": int((res["status"] != "optimal").sum()),
    }
    folder.commit(
        {"results.xlsx": workbook_bytes(tables, facts, f"plantsplit sweep: {case.name}")}, keep=(RESULTS, PLANS, META)
    )


def read_back(path: Path, style: CsvStyle):
    """A CSV this module wrote, as a table: numbers as numbers, text as the user gave it."""
    import pandas as pd

    df = pd.read_csv(path, sep=style.delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for col in df.columns:
        s = df[col]
        number = pd.to_numeric(s.str.replace(style.decimal, ".", regex=False), errors="coerce")
        if col not in ("scenario", "period") and (number.notna() | (s == "")).all() and (s != "").any():
            df[col] = number
        else:  # undo the formula guard: in a workbook text is text
            df[col] = [v[1:] if v[:1] == "'" and v[1:2] in ("=", "+", "-", "@", "\t", "\r") else v for v in s]
    return df


def _execute(chunks, key, payload, jobs, dask, plans):
    """Chunks on this process, a process pool or Dask (pool.py), results as they finish."""
    from solver.studies.sweep.pool import Pool

    with Pool(None, jobs or os.cpu_count() or 1, dask, payload=payload, key=key) as pool:
        yield from pool.map(run_chunk, chunks, plans)


def _progress(total: int, initial: int, quiet: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="scenario",
        file=sys.stderr,
        disable=quiet,
        smoothing=0.1,
        mininterval=0.2,
        dynamic_ncols=True,
    )
