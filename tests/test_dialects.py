"""Files as spreadsheets in different locales save them solve to the same plan as plain/."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
DIALECTS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "plain")
FLAGS = {"cp1252": ["--encoding", "cp1252"]}


@pytest.fixture(scope="module")
def plain_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("plain")
    r = CliRunner().invoke(cli, ["solve", str(FIXTURES / "plain"), "--out", str(out)])
    assert r.exit_code == 0, r.output
    return (out / "plan.csv").read_bytes()


def test_there_are_dialect_fixtures():
    assert len(DIALECTS) >= 10


@pytest.mark.parametrize("dialect", DIALECTS)
def test_dialect_solves_to_the_plain_plan(tmp_path, dialect, plain_plan):
    r = CliRunner().invoke(cli, ["solve", str(FIXTURES / dialect), "--out", str(tmp_path), *FLAGS.get(dialect, [])])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "plan.csv").read_bytes() == plain_plan
    assert "Warning" not in r.stderr


def test_plain_plan_has_the_non_ascii_market(plain_plan):
    assert "québec" in plain_plan.decode("utf-8")


def test_cp1252_without_the_flag_says_how_to_fix(tmp_path):
    r = CliRunner().invoke(cli, ["solve", str(FIXTURES / "cp1252"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert (
        "demand.csv, row 3: is not valid utf-8-sig text (byte 0xe9); save it as 'CSV UTF-8' "
        "from your spreadsheet, or pass --encoding cp1252"
    ) in r.stderr
    assert not (tmp_path / "o").exists()
