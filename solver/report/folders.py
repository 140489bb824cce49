"""Output folders read back for the report: what wrote each (its record ``.plantsplit.json``, else its
``summary.json`` kind, else its files) and its CSV and JSON outputs, in any ``--csv-style``.

Text cells come back as they were before the CSV guard (``'=1+1`` is read as ``=1+1``); money columns
keep their currency suffix (``objective_USD``), found with ``money``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from solver.errors import UsageError
from solver.io.outdir import BadRecord, interrupted, read_record
from solver.io.output import read_dialect, unguard_text
from solver.io.rows import records, rows_of

KINDS = ("solve", "sweep", "breakeven", "stochastic", "compare")
# the files each kind needs (first) and may have
FILES = {
    "solve": (
        ("summary.json", "plan.csv", "utilization.csv", "cost_breakdown.csv"),
        (
            "builds.csv",
            "sourcing.csv",
            "supply.csv",
            "sensitivity_constraints.csv",
            "lane_limits.csv",
            "quotas.csv",
            "hubs.csv",
            "closures.csv",
            "places.csv",
        ),
    ),
    "sweep": (("results.csv",), ("sweep.json",)),
    "breakeven": (("breakpoints.csv",), ("breakeven.json",)),
    "stochastic": (("summary.json", "decision.csv", "scenario_costs.csv"), ("decisions.csv", "evaluation.csv")),
    "compare": (("comparison.csv",), ()),
}
TEXT = (
    "via",
    "hub",
    "close_from",
    "closed_from",
    "site",
    "kind",
    "period",
    "plant",
    "product",
    "market",
    "option",
    "component",
    "scenario",
    "section",
    "item",
    "unit",
    "decision",
    "parameter",
    "status",
    "agreement",
    "origin",
    "country",
    "constraint",
    "variable",
    "eligible",
    "why_not_eligible",
)


@dataclass
class Folder:
    path: Path
    kind: str
    info: dict  # summary.json, sweep.json or breakeven.json (empty when there is none)
    record: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the reader should know (a sweep still running)
    n: int = 0  # its place among the report's folders (the page's anchors)
    label: str = ""  # the name its sections go by, when the case's name alone is not enough

    @property
    def currency(self) -> str:
        if self.info.get("currency"):
            return str(self.info["currency"])
        for df in self.tables.values():
            for c in df.columns:
                base, _, cur = str(c).rpartition("_")
                if base and len(cur) == 3 and cur.isalpha() and cur.isupper():
                    return cur
        return ""

    @property
    def case(self) -> str:
        return self.label or self.case_name

    @property
    def case_name(self) -> str:
        return str(self.info.get("case") or self.path.name)


def read_table(path: Path) -> pd.DataFrame:
    """An output CSV in any style plantsplit writes, its text cells unguarded."""
    head = pd.read_csv(path, nrows=0, **read_dialect(path))
    text = {c: str for c in head.columns if c in TEXT}
    df = pd.read_csv(path, **read_dialect(path), dtype=text, keep_default_na=False, na_values=[""])
    for c in text:
        df[c] = df[c].map(lambda v: unguard_text(v) if isinstance(v, str) else "")
    whole = [c for c in df.columns if pd.api.types.is_integer_dtype(df[c])]  # units written without decimals
    return df.astype({c: float for c in whole})


def money_column(df: pd.DataFrame, base: str) -> str:
    """``money`` for a column every such table has (``objective`` of results.csv, ...)."""
    col = money(df, base)
    if col is None:
        raise UsageError(f"the table has no {base}_<currency> column: is it plantsplit's output?")
    return col


def money(df: pd.DataFrame, base: str) -> str | None:
    """The column ``base`` or ``base_<CUR>``; None if there is none."""
    for c in df.columns:
        suffix = str(c)[len(base) + 1 :]
        if c == base or (str(c).startswith(base + "_") and suffix.isalpha() and suffix.isupper()):
            return c
    return None


def _kind(folder: Path, record: dict | None, info: dict) -> str:
    if record and record.get("command") in KINDS:
        return record["command"]
    if info.get("kind") in KINDS:
        return info["kind"]
    for kind in ("stochastic", "sweep", "breakeven", "compare", "solve"):
        if all((folder / n).is_file() for n in FILES[kind][0] if n != "summary.json"):
            return kind
    raise UsageError(
        f"{folder} is not a plantsplit output folder of solve, sweep, breakeven, stochastic or compare "
        "(none of their files is there)"
    )


def _json(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid JSON ({exc})") from None
    return data if isinstance(data, dict) else {}


def read_folder(folder: Path) -> Folder:
    """One output folder, read whole; a folder that is not one, or half-written, is a usage error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder (give output folders of plantsplit commands)")
    try:
        record = read_record(folder)
        if (broken := interrupted(folder)) is not None:
            raise UsageError(broken)
    except BadRecord as exc:
        raise UsageError(str(exc)) from None
    meta = {"sweep.json", "breakeven.json", "summary.json"}
    info = next(
        (_json(folder / n) for n in ("summary.json", "sweep.json", "breakeven.json") if (folder / n).is_file()), {}
    )
    kind = _kind(folder, record, info)
    need, may = FILES[kind]
    missing = [n for n in need if not (folder / n).is_file()]
    if missing:
        raise UsageError(f"{folder}: {', '.join(missing)} missing (is this a complete {kind} output folder?)")
    out = Folder(folder, kind, info, record or {})
    for name in [*need, *may]:
        p = folder / name
        if name in meta:
            out.info = {**_json(p), **out.info} if name != "summary.json" else out.info
            continue
        if p.is_file():
            try:
                out.tables[name] = read_table(p)
            except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise UsageError(f"{p}: not a CSV plantsplit wrote ({exc})") from None
    if (record or {}).get("state") == "running":
        out.notes.append(
            f"{folder}: the plantsplit {kind} that writes this folder has not finished (still running, or "
            "stopped: --resume continues it); this report shows what it had written"
        )
    return out


def read_folders(folders: list[Path]) -> list[Folder]:
    if not folders:
        raise UsageError("give at least one output folder (of solve, sweep, breakeven, stochastic or compare)")
    seen, out = set(), []
    for f in folders:
        key = Path(f).resolve()
        if key not in seen:
            seen.add(key)
            out.append(read_folder(Path(f)))
            out[-1].n = len(out)
    # two folders of one case and kind (a solve at two wons): each section names its folder too
    kinds = [(x.case, x.kind) for x in out]
    for x, kind in zip(out, kinds, strict=True):
        if kinds.count(kind) > 1:
            x.label = f"{x.case} ({x.path.name})"
    return out


def plants_of(folders: list[Folder]) -> list[str]:
    """Every plant named in the folders (for one colour per plant, ``case.palette``)."""
    names: list[str] = []
    for f in folders:
        for name, df in f.tables.items():
            if "plant" in df.columns and name not in ("sensitivity_constraints.csv", "sourcing.csv"):
                names += [p for p in df["plant"] if p]
            names += [str(c)[6:] for c in df.columns if str(c).startswith("units:") and "@" not in str(c)]
        if f.kind == "compare":
            df = f.tables["comparison.csv"]
            names += [i.split("/")[0] for i in df.loc[df["section"] == "units", "item"]]
    return list(dict.fromkeys(names))


__all__ = [
    "Folder",
    "money",
    "money_column",
    "plants_of",
    "read_folder",
    "read_folders",
    "read_table",
    "records",
    "rows_of",
]
