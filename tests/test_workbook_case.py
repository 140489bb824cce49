"""A case as one workbook: reading, located errors, and `plantsplit convert` round trips."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from solver.case.load import load_case
from solver.cli import cli
from solver.io.schema import FILES, LATER_COLUMNS

from conftest import ROGUE, read, write_case

TINY = dict(  # A lands at 10 + 1 = 11, B at 12 + 0; A holds 60 of the 100: 60*11 + 40*12 = 1140
    plants="plant,country,currency\nA,X,USD\nB,Y,USD",
    demand="market,product,period,units\nm,p,2012,100",
    capacity="plant,max_units\nA,60",
    lanes="plant,market,freight_cost\nA,m,1\nB,m,0",
    costs="plant,unit_cost\nA,10\nB,12",
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def rows_of(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def book(path, sheets: dict, hidden=(), merge=None, formula_cells=None):
    """A workbook as a user would type it: numbers as numbers, text as text."""
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, dt.date):
                    ws.write_datetime(i, j, v, wb.add_format({"num_format": "yyyy-mm-dd"}))
                elif v is not None:
                    ws.write(i, j, v)
        if name in hidden:
            ws.hide()
        if merge and name == merge[0]:
            ws.merge_range(*merge[1:], "A")
        for (sheet, i, j), (f, value) in (formula_cells or {}).items():
            if sheet == name:
                ws.write_formula(i, j, f, None, value)
    wb.close()
    return path


def tiny_sheets():
    return {
        "plants": [["plant", "country", "currency"], ["A", "X", "USD"], ["B", "Y", "USD"]],
        "demand": [["market", "product", "period", "units"], ["m", "p", 2012, 100]],
        "capacity": [["plant", "max_units"], ["A", 60]],
        "lanes": [["plant", "market", "freight_cost"], ["A", "m", 1], ["B", "m", 0]],
        "costs": [["plant", "unit_cost"], ["A", 10], ["B", 12]],
    }


# about 5 s: make test-slow (the other workbook-case tests run in make test)
@pytest.mark.slow
def test_rogue_round_trip_keeps_content_digest_and_plan(tmp_path):
    r = invoke("convert", ROGUE, tmp_path / "rogue.xlsx")
    assert r.exit_code == 0, r.output
    r = invoke("convert", tmp_path / "rogue.xlsx", tmp_path / "back")
    assert r.exit_code == 0, r.output
    digests = {load_case(p).digest for p in (ROGUE, tmp_path / "rogue.xlsx", tmp_path / "back")}
    assert len(digests) == 1
    plans = []
    for k, source in enumerate((ROGUE, tmp_path / "rogue.xlsx", tmp_path / "back")):
        assert invoke("solve", source, "--out", tmp_path / f"o{k}").exit_code == 0
        plans.append({f: (tmp_path / f"o{k}" / f).read_bytes() for f in ("plan.csv", "utilization.csv", "builds.csv")})
    assert plans[0] == plans[1] == plans[2]
    # Every sheet, opened as a reader would: named like its file, schema header, the file's
    # rows, numbers as number cells.
    wb = openpyxl.load_workbook(tmp_path / "rogue.xlsx")
    assert wb.sheetnames == [f.name[:-4] for f in FILES if (ROGUE / f.name).exists()]
    for name in wb.sheetnames:
        ws = wb[name]
        spec = next(f for f in FILES if f.name == f"{name}.csv")
        got = list(ws.iter_rows(values_only=True))
        # columns added later (map positions, an option's group) only where the case gives them (Rogue: none)
        assert list(got[0]) == [c.name for c in spec.columns if c.name not in LATER_COLUMNS.get(spec.name, ())]
        assert len(got) == len(rows_of(ROGUE / spec.name))  # header + the same data rows
    fx = list(wb["fx"].iter_rows(values_only=True))
    assert fx[1] == ("KRW", "2012", 1126.8)  # period text stays text, the rate a number
    korus = [r for r in wb["tariffs"].iter_rows(min_row=2) if r[0].value == "KR" and r[3].value is None][0]
    assert korus[4].value == 0.025 and korus[4].number_format.endswith("%")


def test_convert_is_byte_identical_and_refuses_to_overwrite(tmp_path):
    for k in (1, 2):
        assert invoke("convert", ROGUE, tmp_path / f"c{k}.xlsx").exit_code == 0
    assert (tmp_path / "c1.xlsx").read_bytes() == (tmp_path / "c2.xlsx").read_bytes()
    r = invoke("convert", ROGUE, tmp_path / "c1.xlsx")
    assert r.exit_code == 2 and "already exists" in r.stderr
    r = invoke("convert", ROGUE, tmp_path / "folder")
    assert r.exit_code == 2 and "both folders" in r.stderr


def test_workbook_typed_by_hand_solves_like_the_folder(tmp_path):
    # max_units as a formula with its saved value (60), period typed as the number 2012
    sheets = tiny_sheets()
    sheets["capacity"] = [["plant", "max_units"], ["A", None]]
    path = book(tmp_path / "tiny.xlsx", sheets, formula_cells={("capacity", 1, 1): ("=30*2", 60)})
    r = invoke("solve", path, "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    assert "Total cost: 1,140 USD" in r.output
    assert read(tmp_path / "o", "plan.csv")["period"].tolist() == ["2012", "2012"]
    folder = write_case(tmp_path / "tiny", **TINY)
    assert load_case(path).digest == load_case(folder).digest
    assert load_case(path).name == "tiny"


def formula_without_value(path):
    wb = openpyxl.load_workbook(path)  # openpyxl saves formulas without values, as programs do
    wb["capacity"]["B2"] = "=30*2"
    wb.save(path)
    return path


def formula_in_required_column(path):
    wb = openpyxl.load_workbook(path)
    wb["lanes"]["C2"] = "=1+0"
    wb.save(path)
    return path


def broken(tmp_path, **kw):
    return book(tmp_path / "case.xlsx", kw.pop("sheets", tiny_sheets()), **kw)


@pytest.mark.parametrize(
    "make, lines",
    [
        (
            lambda t: formula_without_value(broken(t)),
            [
                "  - case.xlsx, sheet capacity, row 2, column max_units: is a formula with no saved value (the "
                "workbook was "
                "written by a program and never recalculated): open it in Excel and save it, or type the value"
            ],
        ),
        # a date where a period (required) or a number (required) belongs: each cell reported
        # once, shown as Excel shows it (the date alone, minutes when it has a time of day),
        # not again as "is blank but required"
        (
            lambda t: broken(
                t,
                sheets=dict(
                    tiny_sheets(),
                    demand=[
                        ["market", "product", "period", "units"],
                        ["m", "p", dt.date(2012, 1, 1), dt.datetime(2012, 3, 4, 13, 30)],
                    ],
                ),
            ),
            [
                '  - case.xlsx, sheet demand, row 2, column period: "2012-01-01" is a date; plantsplit expects a '
                "period as "
                "text or a number (2012, or 2012-01 typed as text) here: format the cell as Text (Home > Number > "
                "Text) "
                "and type the value again",
                '  - case.xlsx, sheet demand, row 2, column units: "2012-03-04 13:30" is a date; plantsplit expects '
                "a number "
                "here: format the cell as Text (Home > Number > Text) and type the value again",
            ],
        ),
        # a date as a period and a blank market, in a case whose MXN rate is given per period:
        # each cell reported once, not also as a period "" with no MXN rate nor as a market no lane serves
        (
            lambda t: broken(
                t,
                sheets=dict(
                    tiny_sheets(),
                    plants=[["plant", "country", "currency"], ["A", "X", "USD"], ["B", "Y", "MXN"]],
                    fx=[["currency", "period", "rate"], ["MXN", "2012", 20]],
                    demand=[
                        ["market", "product", "period", "units"],
                        ["m", "p", 2012, 100],
                        ["m", "p", dt.date(2013, 1, 1), 100],
                        [None, "p", 2012, 50],
                    ],
                ),
            ),
            [
                '  - case.xlsx, sheet demand, row 3, column period: "2013-01-01" is a date; plantsplit expects a '
                "period as "
                "text or a number (2012, or 2012-01 typed as text) here: format the cell as Text (Home > Number > "
                "Text) "
                "and type the value again",
                "  - case.xlsx, sheet demand, row 4, column market: is blank but required",
            ],
        ),
        # a formula with no saved value in a required column (a lane.s freight): once, not also blank
        (
            lambda t: formula_in_required_column(broken(t)),
            [
                "  - case.xlsx, sheet lanes, row 2, column freight_cost: is a formula with no saved value (the "
                "workbook was "
                "written by a program and never recalculated): open it in Excel and save it, or type the value"
            ],
        ),
        (
            lambda t: broken(t, merge=("lanes", 1, 0, 2, 0)),
            [
                "  - case.xlsx, sheet lanes, row 2, column plant: cells A2:A3 are merged: unmerge them and type the "
                "value "
                "in every cell"
            ],
        ),
        (
            lambda t: broken(t, hidden=("costs",)),
            [
                "  - case.xlsx, sheet costs: is a hidden sheet: unhide it (right-click a sheet tab > Unhide) or "
                "delete it; "
                "plantsplit does not read data you cannot see"
            ],
        ),
        (
            lambda t: broken(t, sheets={k: v for k, v in tiny_sheets().items() if k != "lanes"}),
            [
                "  - case.xlsx, sheet lanes: is missing: the workbook has no sheet of that name (it is required; its "
                "sheets: plants, demand, capacity, costs)"
            ],
        ),
        (
            lambda t: broken(t, sheets=dict(tiny_sheets(), capacity=[["plant", "max_units"], ["A", "lots"], ["Z", 5]])),
            [
                '  - case.xlsx, sheet capacity, row 2, column max_units: "lots" must be a number >= 0',
                '  - case.xlsx, sheet capacity, row 3, column plant: "Z" is not a known plant of sheet plants '
                "(known: A, B)",
            ],
        ),
    ],
)
def test_broken_workbook_names_book_sheet_row_column(tmp_path, make, lines):
    path = make(tmp_path)
    for command in ("solve", "validate"):
        r = invoke(command, path, *(("--out", tmp_path / "o") if command == "solve" else ()))
        assert r.exit_code == 2, r.output
        got = [line for line in r.stderr.splitlines() if not line.startswith("Warning: ")]
        assert got[0].startswith("Error: ") and got[1:] == lines + (
            ["No output was written."] if command == "solve" else []
        )
    assert not (tmp_path / "o").exists()


def test_not_a_workbook(tmp_path):
    (tmp_path / "case.xlsx").write_bytes(b"plant,country\n")
    r = invoke("solve", tmp_path / "case.xlsx", "--out", tmp_path / "o")
    assert r.exit_code == 2
    assert "case.xlsx: cannot be read as an Excel workbook (.xlsx)" in r.stderr and "Traceback" not in r.output


def test_formula_like_names_stay_text_through_convert(tmp_path):
    case = write_case(
        tmp_path / "c",
        **dict(
            TINY,
            plants="plant,country,currency\n=1+1,X,USD\nB,Y,USD",
            lanes="plant,market,freight_cost\n=1+1,m,1\nB,m,0",
            capacity="plant,max_units\n=1+1,60",
            costs="plant,unit_cost\n=1+1,10\nB,12",
        ),
    )
    assert invoke("convert", case, tmp_path / "c.xlsx").exit_code == 0
    cell = openpyxl.load_workbook(tmp_path / "c.xlsx")["plants"]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"
    assert invoke("convert", tmp_path / "c.xlsx", tmp_path / "back").exit_code == 0
    assert rows_of(tmp_path / "back" / "plants.csv")[1] == ["'=1+1", "X", "USD"]  # guarded, as every CSV output
    assert load_case(tmp_path / "back").digest == load_case(case).digest


@pytest.mark.parametrize("style, sep, bom", [("excel-eu", ";", True), ("excel", ",", True), ("plain", ",", False)])
def test_formula_like_names_are_guarded_in_csv_and_read_back(tmp_path, style, sep, bom):
    # names a spreadsheet would run as formulas (=, +, -, @) are written with a leading
    # quote (OWASP), and read back as the name that was typed; a name that itself starts
    # with a quote before '=' keeps it (written with two)
    names = ["=1+1", "+x", "-x", "@x", "'=q"]
    sheets = dict(
        tiny_sheets(),
        plants=[["plant", "country", "currency"], *[[n, "X", "USD"] for n in names], ["B", "Y", "USD"]],
        lanes=[["plant", "market", "freight_cost"], *[[n, "m", 1] for n in names], ["B", "m", 0]],
        costs=[["plant", "unit_cost"], *[[n, 10] for n in names], ["B", 12]],
        capacity=[["plant", "max_units"], ["=1+1", 60]],
    )
    book_path = tmp_path / "c.xlsx"
    wb = xlsxwriter.Workbook(str(book_path))  # names typed as text cells, as Excel keeps '=1+1
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                (ws.write_string if isinstance(v, str) else ws.write_number)(i, j, v)
    wb.close()
    assert invoke("convert", book_path, tmp_path / style, "--csv-style", style).exit_code == 0
    raw = (tmp_path / style / "plants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    assert raw.decode("utf-8-sig").splitlines()[1:] == [
        f"'=1+1{sep}X{sep}USD",
        f"'+x{sep}X{sep}USD",
        f"'-x{sep}X{sep}USD",
        f"'@x{sep}X{sep}USD",
        f"''=q{sep}X{sep}USD",
        f"B{sep}Y{sep}USD",
    ]
    back = load_case(tmp_path / style)
    assert list(back.plants["plant"]) == names + ["B"]
    assert set(back.lanes["plant"]) == set(names) | {"B"}
    assert back.digest == load_case(book_path).digest


def test_unused_sheet_is_a_warning(tmp_path):
    path = broken(tmp_path, sheets=dict(tiny_sheets(), notes=[["anything"]]))
    r = invoke("validate", path)
    assert r.exit_code == 0, r.output
    assert "Warning: case.xlsx: sheet notes is not used by plantsplit and is ignored" in r.output


def test_sweep_and_breakeven_take_a_workbook(tmp_path):
    assert invoke("convert", ROGUE, tmp_path / "rogue.xlsx").exit_code == 0
    r = invoke(
        "breakeven",
        tmp_path / "rogue.xlsx",
        "--param",
        "fx:KRW",
        "--from",
        "900",
        "--to",
        "1400",
        "--out",
        tmp_path / "b",
    )
    assert r.exit_code == 0, r.output
    r2 = invoke("breakeven", ROGUE, "--param", "fx:KRW", "--from", "900", "--to", "1400", "--out", tmp_path / "b2")
    assert (tmp_path / "b" / "breakpoints.csv").read_bytes() == (tmp_path / "b2" / "breakpoints.csv").read_bytes()
    assert r.output.splitlines()[:-1] == r2.output.splitlines()[:-1]
    r = invoke("sweep", tmp_path / "rogue.xlsx", "--out", tmp_path / "s", "--vary", "fx:KRW=1000,1100", "--quiet")
    assert r.exit_code == 0, r.output


def test_infeasible_workbook_case_cites_its_sheets(tmp_path):
    # Demand 100, but A (60) and B (30) can make 90 together: infeasible. The explanation
    # names the workbook's sheets and rows (Excel's numbers) where the CSV case names its files.
    sheets = dict(tiny_sheets(), capacity=[["plant", "max_units"], ["A", 60], ["B", 30]])
    sheets["Capacity"] = sheets.pop("capacity")  # a sheet named with a capital, as users do
    path = book(tmp_path / "short.xlsx", sheets)
    r = invoke("solve", path, "--out", tmp_path / "o")
    assert r.exit_code == 3, r.output
    assert r.stderr.splitlines()[1] == (
        "  - demand of m/p in 2012 is 100 but at most 90 can reach it (short.xlsx, sheet demand, row 2): "
        "A total capacity 60 in 2012 (short.xlsx, sheet Capacity, row 2) + "
        "B total capacity 30 in 2012 (short.xlsx, sheet Capacity, row 3)"
    )
    assert ".csv" not in r.stderr
    # the same case as a folder of CSV files keeps citing its files
    folder = write_case(tmp_path / "short", **dict(TINY, capacity="plant,max_units\nA,60\nB,30"))
    r = invoke("solve", folder, "--out", tmp_path / "o")
    assert r.exit_code == 3
    assert r.stderr.splitlines()[1] == (
        "  - demand of m/p in 2012 is 100 but at most 90 can reach it (demand.csv row 2): "
        "A total capacity 60 in 2012 (capacity.csv row 2) + B total capacity 30 in 2012 (capacity.csv row 3)"
    )
    # and the API's NoPlanError, and a stochastic decision no scenario of which can be served
    import solver

    with pytest.raises(solver.NoPlanError) as exc:
        solver.solve_case(path)
    assert "(short.xlsx, sheet demand, row 2)" in exc.value.reasons[0]
    (tmp_path / "sc.csv").write_text("scenario,demand:m/p@2012\nbig,120\n")
    r = invoke("stochastic", path, "--scenarios", tmp_path / "sc.csv", "--out", tmp_path / "st", "--quiet")
    assert r.exit_code == 3, r.output
    assert "is 120 but at most 90 can reach it (short.xlsx, sheet demand, row 2)" in r.stderr
    assert ".csv row" not in r.stderr
