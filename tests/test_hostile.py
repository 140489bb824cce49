"""Hostile inputs that once passed silently or crashed (issue 17, sections B and C): each is an input
error now, exit 2, naming file, row and column, with nothing written."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE

TINY = {
    "plants.csv": "plant,country,currency\nA,X,USD\n",
    "demand.csv": "market,product,period,units\nm,p,2020,10\n",
    "capacity.csv": "plant,max_units\nA,50\n",
    "lanes.csv": "plant,market,freight_cost\nA,m,1\n",
}


def case(tmp_path, **changes):
    """The tiny case (one plant, one market: optimum 10 units at cost 10) with files replaced or added."""
    folder = tmp_path / "case"
    folder.mkdir()
    for name, text in {**TINY, **changes}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def solve(folder, *args):
    out = folder.parent / "out"
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(out), *args])
    return r, out


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"tariffs.csv": "origin,market,rate\nX,m,1e308%\n"},
            'tariffs.csv, row 2, column rate: "1e308%" is out of range: a duty rate must be at most 100',
        ),
        (
            {"demand.csv": "market,product,period,units\nm,p,2020,1e308\n"},
            'demand.csv, row 2, column units: "1e308" is out of range: units must be at most 1e+12',
        ),
        (
            {"capacity.csv": "plant,max_units\nA,1e308\n"},
            'capacity.csv, row 2, column max_units: "1e308" is out of range: units must be at most 1e+12',
        ),
        (
            {"plants.csv": "plant,country,currency\nA,X,EUR\n", "fx.csv": "currency,rate\nEUR,1e-308\n"},
            'fx.csv, row 2, column rate: "1e-308" is out of range: an exchange rate must be at least 1e-06',
        ),
        (
            {
                "expansions.csv": "option,plant,added_units,fixed_cost,first_period,lifetime_periods\n"
                "o,A,10,100,2020,9223372036854775808\n"
            },
            'expansions.csv, row 2, column lifetime_periods: "9223372036854775808" is out of range: a number of '
            "periods must be at most 1000",
        ),
        (
            {"costs.csv": "plant,product,unit_cost\nA,p,1e14\n"},
            'costs.csv, row 2, column unit_cost: "1e14" is out of range: an amount of money must be at most 1e+13',
        ),
        (
            {"demand.csv": "market,product,period,units\nm,p,2020,１０\n"},
            'demand.csv, row 2, column units: "１０" must be a number >= 0 (it has the digits ０１, which are not 0-9',
        ),
        (
            {"demand.csv": "market,product,period,units\nm,p,2020,١٠\n"},
            'demand.csv, row 2, column units: "١٠" must be a number >= 0 (it has the digits ٠١, which are not 0-9',
        ),
    ],
)
def test_numbers_out_of_range_or_in_other_digits_are_input_errors(tmp_path, files, message):
    r, out = solve(case(tmp_path, **files))
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert not out.exists()


def test_numbers_at_the_ends_of_their_ranges_solve(tmp_path):
    """1e12 units of capacity and a 100 (10,000%) duty rate are allowed: 10 units at freight 1 + duty 0 (fob,
    production cost 0) = 10."""
    r, out = solve(
        case(tmp_path, **{"capacity.csv": "plant,max_units\nA,1e12\n", "tariffs.csv": "origin,market,rate\nX,m,100\n"})
    )
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text())["objective"] == 10.0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_input_that_is_not_a_regular_file_is_never_absent(tmp_path):
    folder = case(tmp_path)
    os.symlink(tmp_path / "nowhere.csv", folder / "costs.csv")
    (folder / "tariffs.csv").mkdir()
    os.mkfifo(folder / "fx.csv")
    os.symlink("/dev/null", folder / "shares.csv")
    (folder / "capacity.csv").unlink()
    (folder / "capacity.csv").mkdir()  # a required file
    r, out = solve(folder)
    assert r.exit_code == 2, r.output
    assert (
        f"costs.csv: exists in {folder} but is a symbolic link to {tmp_path / 'nowhere.csv'}, which does not "
        "exist, not a file plantsplit can read: replace it with the CSV file, or remove it (the file is "
        "optional)" in r.stderr
    )
    assert f"tariffs.csv: exists in {folder} but is a folder" in r.stderr
    assert f"fx.csv: exists in {folder} but is a named pipe (FIFO)" in r.stderr
    assert f"shares.csv: exists in {folder} but is a device" in r.stderr
    assert (
        f"capacity.csv: exists in {folder} but is a folder, not a file plantsplit can read: replace it with "
        "the CSV file\n" in r.stderr
    )
    assert "missing" not in r.stderr
    assert not out.exists()


def test_two_sheets_whose_names_fold_together_are_an_error(tmp_path):
    import openpyxl

    book = tmp_path / "case.xlsx"
    assert CliRunner().invoke(cli, ["convert", str(ROGUE), str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    wb.copy_worksheet(wb["costs"]).title = "COSTS "
    wb.save(book)
    r = CliRunner().invoke(cli, ["validate", str(book)])
    assert r.exit_code == 2
    assert (
        "case.xlsx: has sheets 'costs' and 'COSTS ' that both read as sheet costs (case and blanks around a "
        "name do not count): rename or delete all but one"
    ) in r.stderr


def test_json_never_holds_nan_or_infinity():
    from solver.io.output import json_bytes

    text = json_bytes({"a": float("nan"), "b": [1.5, float("inf")], "c": {"d": -float("inf")}}).decode()
    assert json.loads(text) == {"a": None, "b": [1.5, None], "c": {"d": None}}
    assert "NaN" not in text and "Infinity" not in text


def test_a_long_error_list_is_capped_and_every_problem_goes_to_the_file_asked_for(tmp_path):
    rows = "".join(f"m,p,{2000 + k},x\n" for k in range(120))  # 120 units that are no number
    folder = case(tmp_path, **{"demand.csv": "market,product,period,units\n" + rows})
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    lines = r.stderr.splitlines()
    assert lines[0] == "Error: 120 problems in the case:"
    assert sum(line.startswith("  - ") for line in lines) == 50
    assert "  ... and 70 more problems (plantsplit --problems-file FILE ... writes every one to FILE)" in lines
    every = tmp_path / "problems.txt"
    r = CliRunner().invoke(cli, ["--problems-file", str(every), "solve", str(folder), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and f"  ... and 70 more problems (every one is in {every})" in r.stderr
    written = every.read_text(encoding="utf-8").splitlines()
    assert len(written) == 120 and written[119] == 'Error: demand.csv, row 121, column units: "x" must be a number >= 0'


def test_names_are_printed_with_control_and_invisible_characters_shown(tmp_path):
    folder = case(tmp_path, **{"costs.csv": "plant,product,unit_cost\n\x1b]0;pwned\x07B,p,1\n\ufeffA,p,1\n"})
    r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert '"\\x1b]0;pwned\\x07B" is not a known plant of plants.csv' in r.stderr
    assert '"<U+FEFF>A" is not a known plant of plants.csv' in r.stderr
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr and "\ufeff" not in r.stderr


def test_utf16_is_recognised_by_its_byte_order_mark_and_named_without_one(tmp_path):
    folder = case(tmp_path)
    (folder / "demand.csv").write_bytes(TINY["demand.csv"].encode("utf-16"))  # with a BOM: Excel's Unicode Text
    r, out = solve(folder)
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text())["objective"] == 10.0
    (folder / "demand.csv").write_bytes(TINY["demand.csv"].encode("utf-16-le"))  # no BOM
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2
    assert (
        "demand.csv: looks like UTF-16 text without a byte-order mark (every other byte is 0): save it as "
        "'CSV UTF-8' from your spreadsheet (UTF-16 or UTF-32 with a byte-order mark is read too)"
    ) in r.stderr
    (folder / "demand.csv").write_bytes(TINY["demand.csv"].encode("utf-32-le"))  # UTF-32, no BOM: not "UTF-16"
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2
    assert "demand.csv: looks like UTF-32 text without a byte-order mark (three bytes in four are 0)" in r.stderr


def test_a_cell_over_the_csv_limit_names_the_row_where_its_quote_opens(tmp_path):
    folder = case(tmp_path, **{"lanes.csv": 'plant,market,freight_cost\nA,m,1\nA,"m2,' + "x" * 140_000 + "\n"})
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2
    assert (
        'lanes.csv, row 3: cannot be read from this row on (field larger than field limit (131072)): a quote (") '
        "opened here is probably never closed"
    ) in r.stderr


def test_a_long_cell_without_any_quote_is_not_blamed_on_a_quote(tmp_path):
    folder = case(tmp_path, **{"lanes.csv": "plant,market,freight_cost\nA,m,1\n" + "x" * 140_000 + "\n"})
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2
    assert "lanes.csv, row 3: cannot be read from this row on" in r.stderr
    assert "a cell longer than 131,072 characters" in r.stderr and "quote" not in r.stderr


def test_pipes_and_devices_as_scenarios_or_workbook_are_refused_at_once(tmp_path):
    fifo = tmp_path / "scenarios.csv"
    os.mkfifo(fifo)
    book = tmp_path / "case.xlsx"
    os.mkfifo(book)
    for args in (
        ["sweep", str(ROGUE), "--scenarios", str(fifo), "--out", str(tmp_path / "s")],
        ["sweep", str(ROGUE), "--scenarios", "/dev/zero", "--out", str(tmp_path / "s")],
        ["validate", str(book)],
    ):
        r = CliRunner().invoke(cli, args)  # would block for ever (FIFO) or fill memory (/dev/zero)
        assert r.exit_code == 2, r.output
        assert ("is a named pipe (FIFO)" in r.stderr) or ("is a device" in r.stderr), r.stderr
    assert not (tmp_path / "s").exists()


def test_a_stray_value_at_the_last_cell_of_a_sheet_is_read_in_seconds(tmp_path, rogue_book):
    import openpyxl

    wb = openpyxl.load_workbook(rogue_book)
    wb["demand"]["XFD1048576"] = 5  # the used range becomes 17 billion cells
    far = tmp_path / "far.xlsx"
    wb.save(far)
    r = CliRunner().invoke(cli, ["validate", str(far)])  # minutes and gigabytes when read as a grid
    assert r.exit_code == 2, r.output
    assert "far.xlsx, sheet demand, row 1048576" in r.stderr


@pytest.fixture(scope="module")
def rogue_book(tmp_path_factory):
    book = tmp_path_factory.mktemp("book") / "rogue.xlsx"
    assert CliRunner().invoke(cli, ["convert", str(ROGUE), str(book)]).exit_code == 0
    return book


def _rezip(src, dst, change=None, extra=None):
    import zipfile

    # compresslevel 1: the bomb's 1.25 GB of zeros deflate in about 3 s (8 s at the default level)
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for n in z.namelist():
            data = z.read(n)
            out.writestr(n, change(n, data) if change else data)
        if extra:
            extra(out)
    return dst


def test_hostile_workbooks_are_refused_naming_what_is_wrong(tmp_path, rogue_book):
    def laughs(name, data):
        if not name.startswith("xl/worksheets/sheet1"):
            return data
        return (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            + data.split(b"?>", 1)[1]
        )

    def bomb(out):  # 1.25 GB of zeros declared, about 5.6 MB on disk (zlib, level 1)
        with out.open("xl/media/zeros.bin", "w", force_zip64=True) as fh:
            for _ in range(80):
                fh.write(b"\0" * (1 << 24))

    cases = {
        _rezip(rogue_book, tmp_path / "laughs.xlsx", laughs): "laughs.xlsx: holds XML that declares entities",
        _rezip(
            rogue_book, tmp_path / "cut.xlsx", lambda n, d: d[: len(d) // 2] if "sheet1" in n else d
        ): "cut.xlsx: cannot be read as an Excel workbook (.xlsx)",
        _rezip(rogue_book, tmp_path / "bomb.xlsx", extra=bomb): "bomb.xlsx: declares 1,280 MB once unzipped from ",
    }
    # its size on disk, as the file system gives it (it depends on the zlib build)
    cases[tmp_path / "bomb.xlsx"] += f"{(tmp_path / 'bomb.xlsx').stat().st_size / 2**20:.1f} MB on disk"
    enc = tmp_path / "locked.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)  # an OLE container, as Excel encrypts
    cases[enc] = "locked.xlsx: is password-protected (encrypted)"
    for book, message in cases.items():
        r = CliRunner().invoke(cli, ["validate", str(book)])
        assert r.exit_code == 2, (book, r.output)
        assert message in r.stderr, (book, r.stderr)
        assert "Traceback" not in r.stderr


def test_scenario_values_keep_their_digits_and_are_formatted_as_what_they_are(tmp_path):
    import openpyxl

    scen = tmp_path / "s.csv"
    scen.write_text("scenario,demand_scale:usa,tariff:KR:usa\nlow,1.0600494,2.5%\nhigh,0.9,0\n")
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(ROGUE),
            "--scenarios",
            str(scen),
            "--out",
            str(tmp_path / "st"),
            "--xlsx",
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 0, r.output
    rows = (tmp_path / "st" / "scenario_costs.csv").read_text().splitlines()
    assert rows[1].startswith("low,0.5,1.0600494,0.025,")  # not 1.06
    ws = openpyxl.load_workbook(tmp_path / "st" / "stochastic.xlsx")["scenario_costs"]
    assert ws["C1"].value == "demand_scale:usa" and ws["C2"].value == 1.0600494
    assert ws["C2"].number_format == "0.0##########"  # a multiplier, every digit (was #,##0: shown as 1)
    assert ws["D2"].number_format == "0.0########%"  # a rate: 2.5%


def test_a_scenarios_file_with_semicolons_and_decimal_commas_is_read_as_case_files_are(tmp_path):
    eu, plain = tmp_path / "eu.csv", tmp_path / "plain.csv"
    eu.write_bytes("\ufeffscenario;fx:KRW;demand_scale:usa\nlow;1000,5;1,0600494\nhigh;1.200,25;0,9\n".encode())
    plain.write_text("scenario,fx:KRW,demand_scale:usa\nlow,1000.5,1.0600494\nhigh,1200.25,0.9\n")
    outs = []
    for f in (eu, plain):
        out = tmp_path / f.stem
        r = CliRunner().invoke(
            cli, ["sweep", str(ROGUE), "--scenarios", str(f), "--out", str(out), "--quiet", "--jobs", "1"]
        )
        assert r.exit_code == 0, r.output
        outs.append((out / "results.csv").read_bytes())
    assert outs[0] == outs[1]
    assert outs[0].decode().splitlines()[1].startswith("low,1000.5,1.0600494,optimal,")


def test_a_plant_without_capacity_rows_is_a_warning_of_every_command(tmp_path):
    folder = case(
        tmp_path,
        **{
            "plants.csv": "plant,country,currency\nA,X,USD\nB,X,USD\n",
            "lanes.csv": "plant,market,freight_cost\nA,m,1\nB,m,2\n",
        },
    )
    r, out = solve(folder)
    assert r.exit_code == 0, r.output
    assert (
        'Warning: capacity.csv, column plant: "B" is never named in capacity.csv: its production is unlimited '
        "in every period (add a row plant,max_units if that is not meant)"
    ) in r.stderr


def test_one_period_written_two_ways_is_an_error(tmp_path):
    folder = case(
        tmp_path,
        **{
            "demand.csv": "market,product,period,units\nm,p,2012,10\nm,p,2013,10\n",
            "capacity.csv": "plant,period,max_units\nA,2012.0,50\nA,2013,50\n",
        },
    )
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2
    assert (
        'capacity.csv, row 2, column period: "2012.0" is the period "2012" (demand.csv row 2) written another '
        "way; write it as 2012 everywhere, or it would be a period of its own"
    ) in r.stderr


def test_a_comma_followed_by_four_zeros_is_not_read_as_a_decimal_comma(tmp_path):
    folder = case(tmp_path, **{"capacity.csv": "plant;max_units\nA;15,0000\n"})
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2
    assert (
        'capacity.csv, row 2, column max_units: "15,0000" is ambiguous: 150000 if "," groups thousands, 15 if '
        '"," is the decimal mark'
    ) in r.stderr
    assert r.stderr.count("15,0000") == 1  # reported once
    # beside a file that shows its decimal comma, it is that: 15 units (then 10 units of demand cost 10)
    (tmp_path / "2").mkdir()
    folder2 = case(
        tmp_path / "2",
        **{"capacity.csv": "plant;max_units\nA;15,0000\n", "lanes.csv": "plant;market;freight_cost\nA;m;1,5\n"},
    )
    r, out = solve(folder2)
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text())["objective"] == 15.0  # 10 units x freight 1.5


def test_a_tariff_parameter_that_replaces_more_than_it_names_warns(tmp_path):
    folder = case(
        tmp_path,
        **{"tariffs.csv": "origin,market,product,period,rate,up_to_units\nX,m,,,0,5\nX,m,,,25%,\nX,m,,2020,10%,\n"},
    )
    r = CliRunner().invoke(
        cli,
        ["sweep", str(folder), "--vary", "tariff:X:m=0,0.05", "--out", str(tmp_path / "s"), "--quiet", "--jobs", "1"],
    )
    assert r.exit_code == 0, r.output
    assert (
        "Warning: parameter tariff:X:m sets the rate of 3 tariffs.csv rows (2, 3, 4): the tiers of a "
        "tariff-rate quota (over-quota rate included) and rows for a product or period it does not name, all "
        "to the one value; name a product or period (tariff:X:m/PRODUCT@PERIOD) to change fewer"
    ) in r.stderr
    scen = tmp_path / "t.csv"
    scen.write_text("scenario,tariff:X:m\nfree,0\nduty,0.05\n")
    r = CliRunner().invoke(
        cli,
        ["stochastic", str(folder), "--scenarios", str(scen), "--out", str(tmp_path / "st"), "--quiet", "--jobs", "1"],
    )
    assert r.exit_code == 0, r.output
    assert "Warning: parameter tariff:X:m sets the rate of 3 tariffs.csv rows (2, 3, 4)" in r.stderr
    r = CliRunner().invoke(
        cli, ["sweep", str(folder), "--vary", "freight:A:m=1,2", "--out", str(tmp_path / "f"), "--quiet", "--jobs", "1"]
    )
    assert r.exit_code == 0 and "parameter" not in r.stderr


def test_a_case_too_large_to_read_stops_before_its_files_are_read(tmp_path, monkeypatch):
    """40,000 demand rows + 4,000 lanes + 1 plant + 1 capacity row = 44,002 rows x 800 bytes = 35,201,600
    bytes = 33.57 MB, about 34 MB, to read and check; with 20 MB available it stops, exit 3, before any file
    is parsed (the last demand row is no number, and that is never reported). The files are about 1 MB, so
    the first check (3 bytes for each byte on disk, 3 MB) passes and the rows are what stop it. (A tenth of
    the 440,002 rows and 200 MB this test had: the same checks, without parsing 440,002 rows at the end.)"""
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "plants.csv").write_text("plant,country,currency\nA,X,USD\n")
    (folder / "capacity.csv").write_text("plant,max_units\nA,1e11\n")
    rows = [f"market{i // 10},p,{2020 + i % 10},100\n" for i in range(39_999)] + ["market0,p,2031,lots\n"]
    (folder / "demand.csv").write_text("market,product,period,units\n" + "".join(rows))
    (folder / "lanes.csv").write_text("plant,market,freight_cost\n" + "".join(f"A,market{j},1\n" for j in range(4_000)))
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "20")
    for command in (["solve", str(folder), "--out", str(tmp_path / "o")], ["validate", str(folder)]):
        r = CliRunner().invoke(cli, command)
        assert r.exit_code == 3, r.output
        assert (
            "case big is too large for the memory available: its files hold 44,002 rows (demand.csv 40,000), "
            "and reading and checking them needs about 34 MB (800 bytes a row); 20 MB are available"
        ) in r.stderr
        assert "lots" not in r.stderr
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "40")  # enough (35.2 < 41.9 MB): then it is read, the bad row found
    r = CliRunner().invoke(cli, ["validate", str(folder)])
    assert r.exit_code == 2 and '"lots" must be a number >= 0' in r.stderr


RISKY = {
    "plants.csv": "plant,country,currency\nA,X,USD\nB,X,USD\n",
    "demand.csv": "market,product,period,units\nm,p,2020,10\n",
    "capacity.csv": "plant,max_units\nA,1000\nB,0\n",
    "lanes.csv": "plant,market,freight_cost\nA,m,0\nB,m,0\n",
    "costs.csv": "plant,product,unit_cost\nA,p,10\nB,p,1\n",
    "expansions.csv": "option,plant,added_units,fixed_cost,first_period\nline,B,100,200,2020\n",
}


@pytest.mark.parametrize("method", ["enumerate", "extensive", "benders"])
def test_vss_and_evpi_with_a_risk_weight_are_on_the_objective_minimised(tmp_path, method):
    """Demand 10 (p 0.9) or 100 (p 0.1); A makes at 10 a unit, B at 1 once a line of 100 units is built for
    200. Not building costs 100 or 1000 (E 190, CVaR95 1000); building 210 or 300 (E 219, CVaR95 300).
    Risk-neutral and at mean demand (19) not building is best; with lambda 1, building (519 < 1190). VSS on
    the objective minimised = 1190 - 519 = 671 (EEV - RP would be 190 - 219 = -29); wait and see: 100 or
    300, E 120, CVaR 300, objective 420, so EVPI = 519 - 420 = 99."""
    folder = case(tmp_path, **RISKY)
    scen = tmp_path / "s.csv"
    scen.write_text("scenario,demand:m/p,probability\nlow,10,0.9\nhigh,100,0.1\n")
    r = CliRunner().invoke(
        cli,
        [
            "stochastic",
            str(folder),
            "--scenarios",
            str(scen),
            "--out",
            str(tmp_path / "o"),
            "--risk-weight",
            "1",
            "--method",
            method,
            "--quiet",
            "--jobs",
            "1",
        ],
    )
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["objective"] == pytest.approx(519) and s["expected_cost"] == pytest.approx(219)
    assert s["vss"] == pytest.approx(671) and s["evpi"] == pytest.approx(99)
    assert "E + 1 x CVaR" in r.output
    import re

    found = re.search(r"Bounds: lower ([-\d,.]+), upper ([-\d,.]+)", r.stdout)
    assert (found is None) == (method == "enumerate")  # enumerate is exact: no bounds to show
    if found:  # bounds of the objective shown
        lower, upper = (float(g.replace(",", "")) for g in found.groups())
        assert lower <= upper + 1e-6 and upper == pytest.approx(519)


@pytest.mark.parametrize(
    "files, message",
    [
        (
            {"demand.csv": "market,product,period,units\nm,p,2020," + "9" * 5000 + "\n"},
            'demand.csv, row 2, column units: "' + "9" * 57 + '..." is too large (not a finite number)',
        ),
        (
            {"costs.csv": "plant,product,unit_cost\nA,p," + "9" * 5000 + "\n"},
            'costs.csv, row 2, column unit_cost: "' + "9" * 57 + '..." is too large (not a finite number)',
        ),
        (
            {"demand.csv": "market,product,period,units\nm,p," + "9" * 4500 + ",10\n"},
            'demand.csv, row 2, column period: "' + "9" * 40 + '..." is too long for a period: at most 9 digits',
        ),
        (
            {"demand.csv": "market,product,period,units\nm,p," + "9" * 400 + ",10\n"},
            "is too long for a period: at most 9 digits (2012, 202401), or 64 characters of text",
        ),
    ],
)
def test_numbers_of_thousands_of_digits_are_input_errors(tmp_path, files, message):
    """Past Python's 4,300-digit limit for reading an integer, such a cell was read as blank: a hang
    (a unit cost), 'HiGHS rejected the model' (demand), a crash (a period)."""
    r, out = solve(case(tmp_path, **files))
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert not out.exists()


def test_an_out_folder_that_is_a_loop_of_links_is_a_usage_error(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    r = CliRunner().invoke(cli, ["solve", str(case(tmp_path)), "--out", str(tmp_path / "a")])
    assert r.exit_code == 2, r.output
    assert "is a loop of symbolic links" in r.stderr


def test_a_picture_or_model_file_of_yours_is_never_replaced(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = case(tmp_path)
    mine = tmp_path / "mine.png"
    plt.plot([1, 2])
    plt.savefig(mine)  # a PNG, but not a chart plantsplit drew
    plt.close("all")
    sweep = tmp_path / "sw"
    assert (
        CliRunner().invoke(cli, ["sweep", str(folder), "--out", str(sweep), "--vary", "demand_scale:m=1,2"]).exit_code
        == 0
    )
    before = mine.read_bytes()
    r = CliRunner().invoke(cli, ["plot", str(sweep / "results.csv"), "--out", str(mine)])
    assert r.exit_code == 2 and "is not a PNG chart plantsplit drew" in r.stderr
    assert mine.read_bytes() == before
    ours = tmp_path / "ours.png"
    for _ in range(2):  # its own chart it replaces
        assert CliRunner().invoke(cli, ["plot", str(sweep / "results.csv"), "--out", str(ours)]).exit_code == 0
    notes = tmp_path / "notes.lp"
    notes.write_text("my notes\n")
    link = tmp_path / "link.mps"
    link.symlink_to(tmp_path / "nowhere.mps")
    for option, path, what in (
        ("--write-lp", notes, "exists and is not a model file plantsplit wrote"),
        ("--write-model", link, "is a symbolic link; plantsplit writes a file of its own there only where nothing is"),
    ):
        r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "o"), option, str(path)])
        assert r.exit_code == 2, r.output
        assert f"{option} {path}: {what}" in r.stderr
    assert notes.read_text() == "my notes\n" and link.is_symlink() and not (tmp_path / "o").exists()
    for option in ("--write-lp", "--write-model"):  # a model file it wrote, it writes again
        model = tmp_path / ("again.lp" if option == "--write-lp" else "again.mps")
        for k in range(2):
            r = CliRunner().invoke(
                cli, ["solve", str(folder), "--out", str(tmp_path / f"o{option}{k}"), option, str(model)]
            )
            assert r.exit_code == 0, r.output


def test_second_trial_model_files_and_temporary_names_of_yours_are_kept(tmp_path):
    """A file whose first line is blank is not empty; an LP file HiGHS wrote for you is not plantsplit's;
    a file of yours whose name looks like a temporary one is not one."""
    import highspy

    folder = case(tmp_path)
    blank = tmp_path / "blank.lp"
    blank.write_text("\nmy notes\n")
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.addVar(0, 4)
    theirs = tmp_path / "theirs.lp"
    h.writeModel(str(theirs))
    for option, path in (("--write-lp", blank), ("--write-model", blank), ("--write-model", theirs)):
        before = path.read_bytes()
        r = CliRunner().invoke(cli, ["solve", str(folder), "--out", str(tmp_path / "o"), option, str(path)])
        assert r.exit_code == 2, r.output
        assert path.read_bytes() == before
    ours = tmp_path / "ours.lp"  # plantsplit's own HiGHS LP file it writes again
    for k in range(2):
        r = CliRunner().invoke(
            cli, ["solve", str(folder), "--out", str(tmp_path / f"p{k}"), "--write-model", str(ours)]
        )
        assert r.exit_code == 0, r.output
    out = tmp_path / "p0"
    names = [".plantsplit-backup.2024-12.tmp", ".plantsplit-draft.1999-0a.tmp", ".plantsplit-notes.v3.40000-beef.tmp"]
    for n in names:
        (out / n).write_text("mine")
    assert CliRunner().invoke(cli, ["solve", str(folder), "--out", str(out)]).exit_code == 0
    assert all((out / n).read_text() == "mine" for n in names)


def test_second_trial_convert_never_follows_a_link_nor_writes_under_a_file(tmp_path):
    (tmp_path / "dangling.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (tmp_path / "afile").write_text("mine")
    for dest, message in (
        (tmp_path / "dangling.xlsx", "is a symbolic link"),
        (tmp_path / "afile" / "case.xlsx", "is not a folder"),
    ):
        r = CliRunner().invoke(cli, ["convert", str(ROGUE), str(dest)])
        assert r.exit_code == 2, r.output
        assert message in r.stderr and "internal error" not in r.stderr
    assert (tmp_path / "dangling.xlsx").is_symlink() and (tmp_path / "afile").read_text() == "mine"


def test_second_trial_a_long_number_that_is_not_one_is_refused_at_once(tmp_path):
    # '9' * 50,000 + '%': the number pattern backtracked for minutes (quadratic); now linear
    r, out = solve(case(tmp_path, **{"costs.csv": "plant,product,unit_cost\nA,p," + "9" * 50_000 + "x\n"}))
    assert r.exit_code == 2, r.output
    assert "costs.csv, row 2, column unit_cost" in r.stderr


def test_second_trial_periods_too_far_apart_to_discount_are_an_error(tmp_path):
    folder = case(tmp_path, **{"demand.csv": "market,product,period,units\nm,p,2020,10\nm,p,999999999,10\n"})
    r = CliRunner().invoke(cli, ["validate", str(folder), "--discount-rate", "0.08"])
    assert r.exit_code == 2, r.output
    assert (
        '"999999999" is 999,997,979 periods after 2020: discounted at 0.08 per period it would be worth nothing'
        in r.stderr
    )
    assert CliRunner().invoke(cli, ["validate", str(folder)]).exit_code == 0  # no discounting: no harm


def test_second_trial_a_scenarios_file_written_by_hand_is_never_replaced(tmp_path):
    mine = tmp_path / "what-if.csv"
    mine.write_text("scenario,fx:KRW@2012\nmine,1000\n")
    r = CliRunner().invoke(cli, ["scenarios", str(ROGUE), "--out", str(mine), "--fx", "KRW:vol=10%", "--n", "3"])
    assert r.exit_code == 2, r.output
    assert "exists and is not a scenarios file plantsplit generated" in r.stderr
    assert mine.read_text() == "scenario,fx:KRW@2012\nmine,1000\n"
