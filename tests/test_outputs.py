"""Where and how outputs are written: one command's outputs per folder, modes from the umask."""

from __future__ import annotations

import itertools
import os
import stat

import pytest
from click.testing import CliRunner

from solver.cli import cli
from solver.io.folders import COMMAND_OUTPUTS

from test_broken import CORPUS

CASE = CORPUS / "_base"  # small, with an expansion option (a MILP), rates for EUR
ARGS = {
    "solve": ["solve", str(CASE)],
    "breakeven": ["breakeven", str(CASE), "--param", "fx:EUR", "--from", "0.8", "--to", "1.0"],
    "sweep": ["sweep", str(CASE), "--vary", "fx:EUR=0.8,0.9", "--jobs", "1", "--quiet"],
    "stochastic": ["stochastic", str(CASE), "--scenarios", "SCENARIOS", "--jobs", "1", "--quiet"],
    "compare": ["compare", "RUN_A", "RUN_B"],  # two solve folders; --out has no default
}
NO_DEFAULT = {"compare"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The commands' input files, made once for the module (the tests only read them): a scenarios
    file, two solve folders to compare."""
    folder = tmp_path_factory.mktemp("inputs")
    sc = folder / "sc.csv"
    sc.write_text("scenario,demand:m/p\nlow,90\nhigh,110\n")
    for name in ("RUN_A", "RUN_B"):
        assert run("solve", str(CASE), "--out", str(folder / name)).exit_code == 0
    return {"SCENARIOS": str(sc), "RUN_A": str(folder / "RUN_A"), "RUN_B": str(folder / "RUN_B")}


@pytest.fixture
def args(inputs):
    """ARGS with their input files filled in."""
    return {cmd: [inputs.get(a, a) for a in argv] for cmd, argv in ARGS.items()}


def run(*args):
    r = CliRunner().invoke(cli, list(args))
    return r


def files_in(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def owners(folder) -> set[str]:
    """The commands whose files are in ``folder``."""
    names = set(files_in(folder))

    def own(cmd):  # the files only that command writes (summary.json is solve's and stochastic's)
        return set(COMMAND_OUTPUTS[cmd]) - {n for c, o in COMMAND_OUTPUTS.items() if c != cmd for n in o}

    return {cmd for cmd in COMMAND_OUTPUTS if names & own(cmd)}


def test_every_writing_command_is_in_the_pair_test():
    assert set(ARGS) == set(COMMAND_OUTPUTS)


# make test runs solve against each other command, solve first; make test-slow every other pair and order
@pytest.mark.parametrize(
    "first, second",
    [
        (a, b) if a == "solve" else pytest.param(a, b, marks=pytest.mark.slow)
        for a, b in itertools.permutations(ARGS, 2)
    ],
)
def test_two_commands_never_share_a_folder(tmp_path, monkeypatch, args, first, second):
    monkeypatch.chdir(tmp_path)
    # Without --out: each command has its own folder.
    for cmd in (first, second):
        if cmd not in NO_DEFAULT:
            r = run(*args[cmd])
            assert r.exit_code == 0, r.output
            folder = tmp_path / "outputs" / "_base" / cmd
            assert owners(folder) == {cmd}, files_in(folder)
    for cmd in (first, second):
        if cmd not in NO_DEFAULT:
            assert owners(tmp_path / "outputs" / "_base" / cmd) == {cmd}
    # The same --out for both: the second refuses, and the first's files stay as they were.
    out = tmp_path / "shared"
    r = run(*args[first], "--out", str(out))
    assert r.exit_code == 0, r.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    r = run(*args[second], "--out", str(out))
    assert r.exit_code == 2, r.output
    assert f"{out} holds the outputs of plantsplit {first} (" in r.stderr
    if second in NO_DEFAULT:
        assert r.stderr.rstrip().endswith("a folder holds the outputs of one command: choose another --out")
    else:  # the default folder of this case (the corpus's _base)
        assert f"choose another --out, or leave it out to write to outputs/_base/{second}/" in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_command_may_rewrite_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ARGS = {
        "solve": ["solve", str(CASE)],
        "breakeven": ["breakeven", str(CASE), "--param", "fx:EUR", "--from", "0.8", "--to", "1.0"],
    }
    for _ in range(2):
        assert run(*ARGS["solve"]).exit_code == 0
        assert run(*ARGS["breakeven"]).exit_code == 0
    assert owners(tmp_path / "outputs" / "_base" / "solve") == {"solve"}


@pytest.mark.parametrize(
    "umask", [0o022, pytest.param(0o002, marks=pytest.mark.slow), pytest.param(0o077, marks=pytest.mark.slow)]
)
def test_output_files_get_the_mode_the_umask_gives(tmp_path, monkeypatch, args, umask):
    monkeypatch.chdir(tmp_path)
    old = os.umask(umask)
    try:
        for cmd in ARGS:
            r = run(*args[cmd], *(["--out", "outputs/_base/compare"] if cmd in NO_DEFAULT else []))
            assert r.exit_code == 0, r.output
        base = tmp_path / "outputs" / "_base"
        r = run("plot", str(base / "sweep" / "results.csv"))
        assert r.exit_code == 0, r.output
        r = run("plot", str(base / "breakeven" / "breakpoints.csv"))
        assert r.exit_code == 0, r.output
    finally:
        os.umask(old)
    written = [p for p in base.rglob("*") if p.is_file()]
    assert {"plan.csv", "breakpoints.csv", "breakpoints.png", "results.csv", "results.png"} <= {p.name for p in written}
    modes = {p.relative_to(base).as_posix(): oct(stat.S_IMODE(p.stat().st_mode)) for p in written}
    assert modes == {name: oct(0o666 & ~umask) for name in modes}
