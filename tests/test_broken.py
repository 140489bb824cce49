"""The broken-case corpus: every defect gets exit 2 and exactly the expected message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROOT

CORPUS = ROOT / "tests" / "broken"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def assemble(name: str, where: Path, corpus: Path = CORPUS) -> Path:
    """The base case with the files of ``corpus/name`` laid over it."""
    case = where / name
    shutil.copytree(CORPUS / "_base", case)
    defect = corpus / name
    if (defect / "_delete").exists():
        for f in (defect / "_delete").read_text().split():
            (case / f).unlink()
    for f in defect.glob("*.csv"):
        shutil.copy(f, case / f.name)
    return case


def expected(name: str) -> tuple[int, list[str]]:
    lines = (CORPUS / name / "expected.txt").read_text(encoding="utf-8").splitlines()
    return int(lines[0].split()[1]), lines[1:]


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_base_case_is_valid(tmp_path):
    r = CliRunner().invoke(cli, ["solve", str(CORPUS / "_base"), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("name", CASES)
def test_broken_case(tmp_path, name):
    case = assemble(name, tmp_path)
    code, lines = expected(name)
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["solve", str(case), "--out", str(out)])
    got = r.stderr.replace(str(case), "CASE").splitlines()
    assert (r.exit_code, got) == (code, lines)
    assert "Traceback" not in r.output
    assert not out.exists(), "nothing may be written for a broken case"


# make test-slow (CI runs it): validate lists what solve refused with, case by case (make test checks validate on
# the corpus in test_hints and test_cli)
@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_validate_lists_the_problems_solve_refuses_with(tmp_path, name):
    case = assemble(name, tmp_path)
    code, lines = expected(name)
    v = CliRunner().invoke(cli, ["validate", str(case)])
    assert v.exit_code == code
    problems = [line for line in lines if line.startswith("  - ")]
    assert [line for line in v.stderr.replace(str(case), "CASE").splitlines() if line.startswith("  - ")] == problems
