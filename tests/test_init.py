"""`plantsplit init`: each example validates and solves as written, the Rogue copy to the shipped
case's objective; a folder that is not empty is refused with nothing written; the workbook variant;
comment rows in the CSV reader."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from solver.cli import cli
from solver.io.schema import FILES
from solver.pipeline.run import run_solve

from conftest import ROGUE, write_case

ALL = [spec.name for spec in FILES]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_blank_has_every_file_with_header_note_and_commented_example_and_solves_by_hand(tmp_path):
    case = tmp_path / "mine"
    r = invoke("init", case)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in case.iterdir()) == sorted([*ALL, "README.md", ".plantsplit.json"])
    for spec in FILES:
        lines = (case / spec.name).read_text().splitlines()
        assert lines[0] == ",".join(c.name for c in spec.columns), spec.name
        assert lines[1].startswith(f"# {spec.name}: "), spec.name
        assert lines[2].startswith("#") and lines[2].count(",") == len(spec.columns) - 1, spec.name
    assert (case / "plants.csv").read_text().splitlines()[2:] == [
        "#busan,KR,KRW,35.10,129.04,,,",
        "plant-1,US,USD,,,,,",
    ]
    readme = (case / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in ALL)
    r = invoke("validate", case)
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "mine: OK (1 plant, 1 market, 1 product, 1 period, 0 warnings)"
    # 1,000 units of product-1 from plant-1 at 20,000 each plus 100 freight
    run = run_solve(case, tmp_path / "out")
    assert run.status == "optimal" and run.objective == pytest.approx(1000 * (20000 + 100))


def test_each_commented_example_row_of_blank_is_a_valid_row_once_its_hash_is_deleted(tmp_path):
    # the examples (busan, usa, rogue, KRW, KR, one period 2025) fit together and with the placeholder rows:
    # deleting every example's # gives a case that validates and solves (a new user's first edit)
    case = tmp_path / "mine"
    assert invoke("init", case).exit_code == 0
    for spec in FILES:
        path = case / spec.name
        lines = path.read_text().splitlines()
        examples = [line[1:] for line in lines[1:] if line.startswith("#") and "," in line]
        path.write_text(
            "\n".join([lines[0], *[line for line in lines[1:] if not line.startswith("#")], *examples]) + "\n"
        )
    r = invoke("validate", case)
    assert r.exit_code == 0, r.output
    assert run_solve(case, tmp_path / "out").status == "optimal"


def test_rogue_is_the_shipped_case_file_for_file_and_solves_to_its_objective(tmp_path):
    case = tmp_path / "rogue"
    r = invoke("init", case, "--example", "rogue")
    assert r.exit_code == 0, r.output
    for name in [*ALL, "README.md"]:
        if (ROGUE / name).exists():
            assert (case / name).read_bytes() == (ROGUE / name).read_bytes(), name
    assert not (case / "shares.csv").exists()  # the Rogue case has none
    ours = run_solve(case, tmp_path / "a")
    shipped = run_solve(ROGUE, tmp_path / "b")
    assert ours.objective == shipped.objective
    assert ours.case.digest == shipped.case.digest


def test_network_has_three_plants_four_markets_and_every_kind_of_binding_limit(tmp_path):
    case = tmp_path / "net"
    assert invoke("init", case, "--example", "network").exit_code == 0
    r = invoke("validate", case)
    assert r.exit_code == 0, r.output
    assert "net: OK (3 plants, 4 markets, 1 product, 3 periods, 0 warnings)" in r.output
    out = tmp_path / "out"
    r = invoke("solve", case, "--out", out)
    assert r.exit_code == 0, r.output
    assert "Option leipzig-line-2 (leipzig, +40,000 units): not built" in r.output
    for words in ("the minimum output of detroit in", "the USMCA quota of MX to usa in", "the lane limit monterrey to"):
        assert words in r.output
    assert {"lane_limits.csv", "quotas.csv", "builds.csv"} <= {p.name for p in out.iterdir()}
    assert "hubs" in (case / "README.md").read_text().lower()  # says hubs are not in the format yet


@pytest.mark.parametrize("example", ["blank", "rogue", "network"])
def test_the_workbook_variant_validates_and_solves_as_the_folder_does(tmp_path, example):
    folder, book = tmp_path / "f", tmp_path / "book"
    assert invoke("init", folder, "--example", example).exit_code == 0
    r = invoke("init", book, "--example", example, "--xlsx")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in book.iterdir()) == [".plantsplit.json", "README.md", "book.xlsx"]
    assert f"plantsplit validate {book / 'book.xlsx'}" in r.output
    r = invoke("validate", book / "book.xlsx")
    assert r.exit_code == 0, r.output
    a, b = run_solve(folder, tmp_path / "a"), run_solve(book / "book.xlsx", tmp_path / "b")
    assert a.case.digest == b.case.digest and a.objective == b.objective


def test_a_folder_that_is_not_empty_is_refused_and_nothing_is_written(tmp_path):
    case = tmp_path / "mine"
    case.mkdir()
    (case / "notes.txt").write_text("mine\n")
    for args in ([], ["--example", "rogue"], ["--xlsx"]):
        r = invoke("init", case, *args)
        assert r.exit_code == 2, r.output
        assert "is not empty (notes.txt)" in r.output and "Traceback" not in r.output
        assert sorted(p.name for p in case.iterdir()) == ["notes.txt"]
    # a case init wrote is not empty either: a second init never replaces it
    assert invoke("init", tmp_path / "again").exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()}
    r = invoke("init", tmp_path / "again", "--example", "network")
    assert r.exit_code == 2 and "is not empty" in r.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()} == before
    # a file, and a workbook name instead of a folder
    (tmp_path / "file").write_text("x")
    assert invoke("init", tmp_path / "file").exit_code == 2
    r = invoke("init", tmp_path / "case.xlsx")
    assert r.exit_code == 2 and "--xlsx" in r.output and not (tmp_path / "case.xlsx").exists()


def test_an_empty_folder_is_filled_and_its_record_names_init(tmp_path):
    case = tmp_path / "empty"
    case.mkdir()
    assert invoke("init", case, "--example", "network").exit_code == 0
    record = json.loads((case / ".plantsplit.json").read_text())
    assert record["command"] == "init" and record["state"] == "complete"
    assert sorted(record["files"]) == sorted(p.name for p in case.iterdir() if not p.name.startswith("."))


def test_comment_rows_are_skipped_and_later_rows_keep_their_numbers(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\n# our plants\nA,X,USD\n#B,Y,USD\n  # indented note, still a note",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\n#C,5\nA,-1",
        lanes="plant,market,freight_cost\nA,m,0",
    )
    r = invoke("validate", case)
    assert r.exit_code == 2
    # the only problem: row 3 of capacity.csv (the note #C,5 is row 2); no plant B, C or "# our plants"
    assert r.output.splitlines() == [
        "Error: 1 problem in the case:",
        '  - capacity.csv, row 3, column max_units: "-1" must be a number >= 0',
    ]
    (case / "capacity.csv").write_text("plant,max_units\n#C,5\nA,4\n")
    r = invoke("validate", case)
    assert r.exit_code == 0 and "(1 plant, 1 market" in r.output, r.output


def test_a_note_above_the_header_is_one_clear_error(tmp_path):
    case = write_case(
        tmp_path / "c",
        plants="# my plants\nplant,country,currency\nA,X,USD",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\nA,5",
        lanes="plant,market,freight_cost\nA,m,0",
    )
    r = invoke("validate", case)
    assert r.exit_code == 2
    assert r.output.splitlines() == [
        "Error: 1 problem in the case:",
        '  - plants.csv, row 1: "# my plants" is a note (#...) in the first row: the header '
        "(plant,country,currency,...) must be the first row; move the note below it",
    ]


def test_a_name_starting_with_hash_in_the_first_column_survives_convert(tmp_path):
    # '#1 in the first column is the plant #1 (a quoted #), not a note; convert writes it so
    case = write_case(
        tmp_path / "c",
        plants="plant,country,currency\n'#1,X,USD\n''#2,X,USD",
        demand="market,product,period,units\nm,p,1,10",
        capacity="plant,max_units\n'#1,4\n''#2,20",
        lanes="plant,market,freight_cost\n'#1,m,0\n''#2,m,1",
    )
    run = run_solve(case, tmp_path / "o1")
    assert sorted(run.case.plants["plant"]) == ["#1", "'#2"]
    assert dict(zip(run.plan["plant"], run.plan["units"], strict=True)) == {"#1": 4, "'#2": 6}
    book, back = tmp_path / "c.xlsx", tmp_path / "back"
    assert invoke("convert", case, book).exit_code == 0
    assert invoke("convert", book, back).exit_code == 0
    assert (back / "plants.csv").read_text().splitlines()[1:] == ["'#1,X,USD", "''#2,X,USD"]
    again = run_solve(back, tmp_path / "o2")
    assert again.case.digest == run.case.digest and again.objective == run.objective
