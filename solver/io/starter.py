"""``plantsplit init FOLDER``: a case to start from, written into a new or empty folder.

- ``rogue``: the shipped default case (inputs/rogue-2012, package data ``solver.cases``), file for file;
- ``network``: the shipped 3-plant, 4-market example (inputs/network-3x4);
- ``blank``: every file of the schema with its header, a note and a commented example row
  (``#...``, see ``comments.py``), and the few real rows a case needs to be valid (one plant,
  one market, one product, one period), for a user to replace.

Each comes with a README.md. ``xlsx``: one workbook (a sheet per file, the ``convert``
machinery: the case as the reader reads it, so notes are left out) and the README. Written
through ``OutputFolder`` (all or nothing, under a lock), only into a folder that does not exist
or is empty.
"""

from __future__ import annotations

import io
from pathlib import Path

from solver.errors import Collector, UsageError
from solver.io.outdir import LOCK, OutputFolder
from solver.io.schema import FILES

EXAMPLES = ("rogue", "blank", "network")
SHIPPED = {"rogue": "rogue-2012", "network": "network-3x4"}

# blank: (note, real rows, commented example rows) per file, cells by column name
BLANK = {
    "plants.csv": (
        "one row per plant: its name; its country (the origin its tariffs name); the currency of its costs",
        [{"plant": "plant-1", "country": "US", "currency": "USD"}],
        [{"plant": "busan", "country": "KR", "currency": "KRW", "lat": "35.10", "lon": "129.04"}],
    ),
    "demand.csv": (
        "units demanded per market and product in each period; these rows define the products and periods",
        [{"market": "market-1", "product": "product-1", "period": "2025", "units": "1000"}],
        [{"market": "usa", "product": "rogue", "period": "2025", "units": "176000", "unmet_penalty": "30000"}],
    ),
    "capacity.csv": (
        "limits on what a plant makes per period (blank product = all its products; blank period = every period)",
        [{"plant": "plant-1", "max_units": "1500"}],
        [{"plant": "busan", "product": "rogue", "period": "2025", "max_units": "80000", "min_units": "20000"}],
    ),
    "lanes.csv": (
        "which plant may serve which market; freight per unit in the lane's currency; max_units limits a lane",
        [{"plant": "plant-1", "market": "market-1", "freight_cost": "100", "currency": "USD"}],
        [{"plant": "busan", "market": "usa", "product": "rogue", "freight_cost": "1000", "currency": "USD"}],
    ),
    "costs.csv": (
        "production cost per unit in the plant's currency (no row = 0)",
        [{"plant": "plant-1", "unit_cost": "20000"}],
        [{"plant": "busan", "product": "rogue", "period": "2025", "unit_cost": "18500000"}],
    ),
    "fx.csv": (
        "units of a currency per 1 unit of the reporting currency (KRW 1126.8: 1 USD = 1126.8 KRW)",
        [],
        [{"currency": "KRW", "period": "2025", "rate": "1126.8"}],
    ),
    "tariffs.csv": (
        "duty by origin country and market; several rows of one key with up_to_units are a tariff-rate quota",
        [],
        [{"origin": "KR", "market": "usa", "rate": "2.5%", "basis": "fob", "agreement": "KORUS"}],
    ),
    "expansions.csv": (
        "build-or-not options that add capacity from first_period on for a fixed cost",
        [],
        [
            {
                "option": "busan-line-2",
                "plant": "busan",
                "product": "rogue",
                "added_units": "80000",
                "fixed_cost": "160000000",
                "first_period": "2025",
                "currency": "USD",
                "lifetime_periods": "7",
                "group": "busan-lines",
            }
        ],
    ),
    "groups.csv": (
        "how many options of a group may be built (without a row here: at most one of them)",
        [],
        [{"group": "busan-lines", "min_built": "0", "max_built": "1"}],
    ),
    "shares.csv": (
        "sourcing rules: the share of a market's units from a plant (or a country) within min_share and max_share",
        [],
        [{"market": "usa", "country": "KR", "min_share": "50%"}],
    ),
    "nodes.csv": (
        "hubs (ports and DCs) lanes may pass through: a lane's plant or market may name one; handling per unit "
        "and throughput per period",
        [],
        [{"hub": "busan-port", "country": "KR", "currency": "USD", "handling_cost": "40", "max_units": "250000"}],
    ),
    "markets.csv": (
        "where each market is for the report's map only: lat and lon in degrees (plants.csv takes them too)",
        [],
        [{"market": "usa", "lat": "39.8", "lon": "-98.6"}],
    ),
    "settings.csv": (
        "settings of the case: discount_rate (per period) and currency (the reporting currency)",
        [],
        [{"setting": "discount_rate", "value": "8%"}, {"setting": "currency", "value": "USD"}],
    ),
}


def starter_files(example: str) -> dict[str, bytes]:
    """The files of ``example`` (one of EXAMPLES) by name, README.md included."""
    if example not in EXAMPLES:
        raise UsageError(f"--example {example}: use one of {', '.join(EXAMPLES)}")
    if example == "blank":
        files = {spec.name: _blank_csv(spec) for spec in FILES}
        return {**files, "README.md": _blank_readme().encode()}
    from solver.io.casefiles import shipped_case

    folder = shipped_case(SHIPPED[example])
    names = [spec.name for spec in FILES if (folder / spec.name).is_file()] + ["README.md"]
    return {name: (folder / name).read_bytes() for name in names if (folder / name).is_file()}


def _line(cells: list[str]) -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def _blank_csv(spec) -> bytes:
    note, real, examples = BLANK[spec.name]
    cols = [c.name for c in spec.columns]
    text = _line(cols) + _line([f"# {spec.name}: {note}"])
    for row in examples:  # a commented example row: delete the # to use it
        cells = [row.get(c, "") for c in cols]
        text += _line(["#" + cells[0], *cells[1:]])
    for row in real:
        text += _line([row.get(c, "") for c in cols])
    return text.encode()


def _blank_readme() -> str:
    lines = [
        "# A blank case",
        "",
        "Every file of a plantsplit case with its header, a note and a commented example row. A row",
        "whose first cell starts with `#` is a note, not data: delete the `#` of an example row to use",
        "it (and change its names to yours). The rows without a `#` (one plant, `plant-1`; one market,",
        "`market-1`; one product, `product-1`; one period, 2025) are there because a case needs a plant,",
        "a demand and a lane to be valid: replace them with yours. Then `plantsplit validate` this",
        "folder, and `plantsplit solve` it. The input reference of plantsplit's documentation",
        "(docs/input-reference.md) says what every column means and how the rows combine.",
        "",
        "| file | required | what it holds | columns |",
        "|---|---|---|---|",
    ]
    for spec in FILES:
        cols = ", ".join(f"`{c.name}`" + ("" if c.required else " (optional)") for c in spec.columns)
        lines.append(f"| `{spec.name}` | {'yes' if spec.required else 'no'} | {spec.meaning} | {cols} |")
    return "\n".join(lines) + "\n"


def _xlsx(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    """The case files as one workbook (``convert``'s), and the README beside it."""
    from solver.io.casefiles import read_case_tables
    from solver.io.convert import case_workbook_bytes
    from solver.io.readcsv import CsvOptions
    from solver.io.temporary import scratch_dir

    with scratch_dir("case") as tmp:
        for n, data in files.items():
            (Path(tmp) / n).write_bytes(data)
        out = Collector()
        tables, present = read_case_tables(Path(tmp), CsvOptions(), out)
        out.raise_if_any()
    book = case_workbook_bytes({s.name: tables[s.name[:-4]] for s in FILES if s.name in present})
    return {f"{name}.xlsx": book, "README.md": files["README.md"]}


def _refuse_non_empty(folder: Path) -> None:
    """Refuse a folder that holds anything (the lock this run took aside)."""
    if folder.is_symlink() and not folder.exists():
        raise UsageError(f"{folder} is a symbolic link to a folder that does not exist: choose a new folder")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder: choose a new folder for the case")
    entries = sorted(p.name for p in folder.iterdir() if p.name != LOCK) if folder.is_dir() else []
    if entries:
        shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5:,} more" if len(entries) > 5 else "")
        raise UsageError(
            f"{folder} is not empty ({shown}): init writes a case only into a new or empty folder, "
            "so that it never replaces a file of yours; choose another folder"
        )


def init_case(folder: str | Path, example: str = "blank", xlsx: bool = False) -> list[str]:
    """Write ``example`` into ``folder`` (new or empty); returns the names of the files written."""
    folder = Path(folder)
    if folder.suffix.lower() == ".xlsx":
        raise UsageError(f"{folder}: init writes a folder; for a workbook use init FOLDER --xlsx")
    blocked = next((p for p in folder.parents if p.exists() and not p.is_dir()), None)
    if blocked is not None:
        raise UsageError(f"{folder}: {blocked} is a file, not a folder; choose another path")
    _refuse_non_empty(folder)  # before any work, and again under the lock
    files = starter_files(example)
    if xlsx:
        files = _xlsx(files, folder.resolve().name)
    with OutputFolder(folder, "init", check=lambda: _refuse_non_empty(folder)) as out:
        out.commit(files)
    return list(files)
