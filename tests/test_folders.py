"""Nothing a user owns is lost, and a folder never mixes two runs (issue 17, section A).

Real processes only: `python -m solver` as a user starts it, killed with SIGKILL at chosen instants
(the child wraps os.replace so that it kills itself right before its Nth rename: a real kill -9 of
the real code at an exact point), two concurrent runs, a file-size limit standing in for a full disk,
and a user without write permission.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROGUE

PY = [sys.executable, "-m", "solver"]
USER_FILES = {
    "plan.csv": b"my own plan\n",
    "builds.csv": b"my builds\n",
    "sensitivity_flows.csv": b"mine\n",
    "plan.png": b"\x89PNG not really",
    "summary.json": b'{"mine": true}\n',
}
KILL_AT = """
import os, signal, sys
n, calls, real = int(sys.argv[1]), [0], os.replace
def replace(a, b, *args, **kwargs):
    calls[0] += 1
    if calls[0] == n:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(a, b, *args, **kwargs)
os.replace = replace
from solver.cli import main
sys.argv = ["plantsplit", *sys.argv[2:]]
main()
"""
LONG_SWEEP = ["--vary", "fx:KRW=900:1400:0.1", "--vary", "tariff:KR:usa=0,2.5%", "--quiet", "--chunk", "16"]
# 2,001 x 2 = 4,002 scenarios, about 3 s of solving here: still running 0.3 s after its first row anywhere
SHORTER_SWEEP = ["--vary", "fx:KRW=900:1400:0.25", "--vary", "tariff:KR:usa=0,2.5%", "--quiet", "--chunk", "16"]


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*PY, *map(str, args)], capture_output=True, text=True, **kwargs)


def visible(folder: Path) -> dict[str, bytes]:
    """The files a user sees, by name (summary.json without its timing)."""
    out = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        data = p.read_bytes()
        if p.name == "summary.json":
            info = json.loads(data)
            info.pop("solve_seconds", None)
            data = json.dumps(info, sort_keys=True).encode()
        out[p.name] = data
    return out


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------ 1. only its own files


def test_a_folder_of_the_users_own_files_is_refused_and_left_as_it_was(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    for name, data in USER_FILES.items():
        (out / name).write_bytes(data)
    r = run("solve", ROGUE, "--out", out, "--sensitivity", "--plot")
    assert r.returncode == 2, r.stderr
    assert f"{out} is not empty" in r.stderr and "holds no record of a plantsplit solve run" in r.stderr
    assert "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == USER_FILES  # nothing replaced, nothing removed


# about 4 s: make test-slow
@pytest.mark.slow
def test_a_rerun_replaces_only_what_the_earlier_run_recorded(tmp_path):
    out = tmp_path / "o"
    assert run("solve", ROGUE, "--out", out).returncode == 0
    assert (out / "builds.csv").is_file()  # the Rogue case has a build option
    (out / "notes.txt").write_text("my notes")  # a file of the user's, beside the outputs
    no_options = tmp_path / "case"
    shutil.copytree(ROGUE, no_options)
    (no_options / "expansions.csv").unlink()
    assert run("solve", no_options, "--out", out).returncode == 0
    assert not (out / "builds.csv").exists()  # the earlier run's file, recorded as its own: removed
    assert (out / "notes.txt").read_text() == "my notes"  # the user's: untouched
    (out / "sensitivity_flows.csv").write_text("mine")  # an output's name that no run recorded
    r = run("solve", ROGUE, "--out", out, "--sensitivity")
    assert r.returncode == 2
    assert "sensitivity_flows.csv, which no plantsplit run wrote there" in r.stderr
    assert (out / "sensitivity_flows.csv").read_text() == "mine"


def test_a_folder_of_another_command_is_refused_by_its_record(tmp_path):
    out = tmp_path / "o"
    assert run("breakeven", ROGUE, "--param", "fx:KRW", "--from", "900", "--to", "1000", "--out", out).returncode == 0
    r = run("solve", ROGUE, "--out", out)
    assert (
        r.returncode == 2 and "holds the outputs of plantsplit breakeven (breakpoints.csv, breakeven.json)" in r.stderr
    )


# ------------------------------------------------------------------ 2. killed at any instant


@pytest.fixture(scope="module")
def clean_folders(tmp_path_factory):
    """Folders of uninterrupted runs: at discount rate 0 (A), and at the case's 8% (B). A test copies one
    for a folder an earlier run wrote: its record names files, never a path, so the copy is the same."""
    base = tmp_path_factory.mktemp("clean")
    assert run("solve", ROGUE, "--out", base / "a", "--discount-rate", "0").returncode == 0
    assert run("solve", ROGUE, "--out", base / "b").returncode == 0
    return base / "a", base / "b"


@pytest.fixture(scope="module")
def clean_runs(clean_folders):
    """What a folder holds after an uninterrupted run: at discount rate 0 (A), and at the case's 8% (B)."""
    return visible(clean_folders[0]), visible(clean_folders[1])


# os.replace calls of a solve's commit: 1 = the journal, 2-7 = the six files, 8 = the record marked complete
# make test kills among the renames (4); make test-slow before them (1) and at 2, 7 and 8
@pytest.mark.parametrize("instant", [i if i == 4 else pytest.param(i, marks=pytest.mark.slow) for i in (1, 2, 4, 7, 8)])
def test_killed_at_any_instant_the_folder_holds_one_whole_run(tmp_path, clean_folders, clean_runs, instant):
    a, b = clean_runs
    out = tmp_path / "o"
    shutil.copytree(clean_folders[0], out)  # as the earlier run at discount rate 0 left it
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, str(instant), "solve", str(ROGUE), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL
    if instant == 1:  # killed before anything was renamed: the earlier run, whole
        assert visible(out) == a
        assert (r := run("compare", out, out, "--out", tmp_path / "cmp")).returncode == 0, r.stderr
    else:  # killed among the renames: readers name the interrupted write instead of reading a mix
        r = run("compare", out, out, "--out", tmp_path / "cmp")
        assert r.returncode == 2
        assert "was interrupted while writing its files" in r.stderr and str(out) in r.stderr
    assert (r := run("solve", ROGUE, "--out", out)).returncode == 0, r.stderr
    assert visible(out) == b  # the next run: one whole run, the same files as an uninterrupted one
    assert temporaries(out) == []
    assert json.loads((out / ".plantsplit.json").read_text())["state"] == "complete"


# ------------------------------------------------------------------ 3. one writer per folder


def _wait_for(path: Path, seconds: float = 60, rows: int = 0) -> None:
    """Until ``path`` exists (and holds ``rows`` lines after its header)."""
    deadline = time.time() + seconds
    while not (path.exists() and (not rows or path.read_text().count("\n") > rows)):
        assert time.time() < deadline, f"{path} never appeared" + (f" with {rows} rows" if rows else "")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def long_sweep_results(tmp_path_factory) -> bytes:
    """results.csv of LONG_SWEEP run once, uninterrupted: what a killed sweep must end with once resumed."""
    clean = tmp_path_factory.mktemp("clean") / "sw"
    assert run("sweep", ROGUE, "--out", clean, *LONG_SWEEP, "--jobs", "1").returncode == 0
    return (clean / "results.csv").read_bytes()


# a 10,002-scenario sweep run to its end, 11 s (make test has the lock file in
# test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched, and Ctrl-C)
@pytest.mark.slow
def test_a_second_run_on_a_folder_being_written_is_refused_naming_the_process(tmp_path):
    out = tmp_path / "sw"
    first = subprocess.Popen(
        [*PY, "sweep", str(ROGUE), "--out", str(out), *LONG_SWEEP, "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(out / "results.csv")
        second = run("sweep", ROGUE, "--out", out, *LONG_SWEEP, "--jobs", "1", "--resume")
        assert second.returncode == 2, second.stderr
        assert f"is being written by another plantsplit run (process {first.pid}: plantsplit sweep)" in second.stderr
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0, first.stderr
    rows = (out / "results.csv").read_text().splitlines()[1:]
    assert len(rows) == 5001 * 2 and len({r.split(",")[0] for r in rows}) == len(rows)  # each scenario once


@pytest.mark.slow  # a sweep of 10,002 scenarios killed and resumed (make test has Ctrl-C and resume)
def test_the_lock_dies_with_its_process_and_resume_finishes_every_scenario_once(tmp_path, long_sweep_results):
    out = tmp_path / "sw"
    first = subprocess.Popen(
        [*PY, "sweep", str(ROGUE), "--out", str(out), *LONG_SWEEP, "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(out / "results.csv")
    time.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    first.wait()
    r = run("sweep", ROGUE, "--out", out, *LONG_SWEEP, "--jobs", "1", "--resume")
    assert r.returncode == 0, r.stderr
    assert (out / "results.csv").read_bytes() == long_sweep_results
    assert temporaries(out) == [] and not (out / ".plantsplit.lock").exists()


# ------------------------------------------------------------------ 4. no orphans


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_workers_exit_when_their_sweep_is_killed(tmp_path):
    out = tmp_path / "sw"
    parent = subprocess.Popen(
        [*PY, "sweep", str(ROGUE), "--out", str(out), *LONG_SWEEP, "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while len(workers := _children(parent.pid)) < 2:
        assert time.time() < deadline and parent.poll() is None, "the sweep started no workers"
        time.sleep(0.05)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    while any(_alive(w) for w in workers) and time.time() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their sweep"


# ------------------------------------------------------------------ 6. disk full, no permission


def _file_size_limit(nbytes: int):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))

    return limit


# about 6 s: make test-slow
@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_leaves_nothing_behind(tmp_path):
    out = tmp_path / "o"
    assert run("solve", ROGUE, "--out", out).returncode == 0
    before = visible(out)
    r = subprocess.run(
        [*PY, "solve", str(ROGUE), "--out", str(out), "--sensitivity", "--discount-rate", "0"],
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(4000),
    )
    assert r.returncode == 4, r.stderr
    assert f"could not write the outputs in {out}: the disk is full" in r.stderr
    assert "Nothing was changed there: earlier outputs are intact" in r.stderr and "Traceback" not in r.stderr
    assert visible(out) == before and temporaries(out) == []


@pytest.mark.slow  # 5 s (make test has a full disk on a solve)
def test_a_full_disk_during_a_sweep_keeps_what_was_written_and_resume_continues(tmp_path):
    out, clean = tmp_path / "sw", tmp_path / "clean"
    args = ["--vary", "fx:KRW=900:1400:1", "--quiet", "--chunk", "8", "--jobs", "1"]
    r = subprocess.run(
        [*PY, "sweep", str(ROGUE), "--out", str(out), *args],
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(20_000),
    )
    assert r.returncode == 4, r.stderr
    assert "could not write the sweep's results" in r.stderr and "--resume" in r.stderr
    assert run("sweep", ROGUE, "--out", out, *args, "--resume").returncode == 0
    assert run("sweep", ROGUE, "--out", clean, *args).returncode == 0
    assert (out / "results.csv").read_bytes() == (clean / "results.csv").read_bytes()
    assert temporaries(out) == []


def test_a_folder_without_write_permission_is_a_clear_error(tmp_path):
    """Run without the capability that lets root write anywhere when the tests run as root (setpriv,
    util-linux): the folder's permissions then hold for the run, as for any user."""
    case, out = tmp_path / "case", tmp_path / "out"
    shutil.copytree(ROGUE, case)
    assert run("solve", case, "--out", out).returncode == 0
    before = visible(out)
    os.chmod(out, 0o555)
    try:
        prefix = []
        if os.geteuid() == 0:
            prefix = [
                "setpriv",
                "--bounding-set=-dac_override,-dac_read_search",
                "--inh-caps=-dac_override,-dac_read_search",
                "--",
            ]
        r = subprocess.run(
            [*prefix, *PY, "solve", str(case), "--out", str(out), "--discount-rate", "0"],
            capture_output=True,
            text=True,
        )
    finally:
        os.chmod(out, 0o755)
    assert r.returncode == 4, r.stderr
    assert f"could not create the output folder and lock it in {out}: permission denied" in r.stderr
    assert "Traceback" not in r.stderr
    assert visible(out) == before and temporaries(out) == []


# ------------------------------------------------------------------ found by the hostile trial


@pytest.mark.parametrize(
    "record",
    [
        {"command": "solve", "files": ["../victim.txt"], "state": "complete"},
        {
            "command": "solve",
            "files": ["plan.csv"],
            "state": "committing",
            "staged": {"../victim.txt": "evil"},
            "remove": [],
        },
        {"command": "solve", "files": ["plan.csv"], "state": "committing", "staged": {}, "remove": ["../victim.txt"]},
        {"command": "solve", "files": "victim.txt", "state": "complete"},
        {"command": "solve", "files": ["plan.csv"], "state": "committing", "staged": []},
    ],
)
def test_a_tampered_record_is_refused_and_touches_nothing(tmp_path, clean_folders, record):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    out = tmp_path / "o"
    shutil.copytree(clean_folders[1], out)  # a folder a run wrote, its record then tampered with
    (out / ".plantsplit.json").write_text(json.dumps(record))
    (out / "evil").write_text("evil")
    r = run("solve", ROGUE, "--out", out)
    assert r.returncode == 2, r.stderr
    assert "that plantsplit did not write as it is" in r.stderr and "Traceback" not in r.stderr
    assert victim.read_text() == "mine"


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    out = tmp_path / "o"
    out.mkdir()
    os.symlink(victim, out / ".plantsplit.lock")
    r = run("solve", ROGUE, "--out", out)
    assert r.returncode == 2 and "is not a lock file plantsplit made" in r.stderr
    assert victim.read_text() == "mine"


def test_an_out_that_cannot_be_a_folder_is_a_usage_error(tmp_path):
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    (tmp_path / "afile").write_text("x")
    r = run("solve", ROGUE, "--out", tmp_path / "dangling")
    assert r.returncode == 2 and f"is a symbolic link to {tmp_path / 'nowhere'}, which does not exist" in r.stderr
    r = run("solve", ROGUE, "--out", tmp_path / "afile" / "sub")
    assert r.returncode == 2 and f"{tmp_path / 'afile'} is a file, not a folder" in r.stderr


def test_misnamed_case_files_are_errors_not_absent_files(tmp_path):
    case = tmp_path / "c"
    shutil.copytree(ROGUE, case)
    (case / "costs.csv").rename(case / "Costs.csv")
    (case / "settings.csv").rename(case / "setting.csv")
    (case / "fx.csv").rename(case / "fx.csv ")
    r = run("validate", case)
    assert r.returncode == 2
    assert (
        f"Costs.csv: is not read: plantsplit reads costs.csv (file names are exact: lower case, no blanks); "
        f"rename it to costs.csv, or move it out of {case}"
    ) in r.stderr
    assert "setting.csv: is not read: plantsplit reads settings.csv" in r.stderr
    assert "fx.csv : is not read: plantsplit reads fx.csv" in r.stderr


@pytest.mark.slow  # 3 s (make test has a solve killed among its renames)
def test_a_convert_killed_among_its_renames_leaves_no_case_that_solves(tmp_path):
    book, dest = tmp_path / "case.xlsx", tmp_path / "back"
    assert run("convert", ROGUE, book).returncode == 0
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT, "5", "convert", str(book), str(dest)], capture_output=True, text=True
    )
    assert killed.returncode == -signal.SIGKILL
    r = run("solve", dest, "--out", tmp_path / "o")
    assert r.returncode == 2 and "was interrupted while writing its files" in r.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.slow  # 4.5 s (make test has a tampered record)
def test_resume_refuses_a_results_file_edited_to_repeat_or_rename_a_scenario(tmp_path):
    out = tmp_path / "sw"
    args = ["--vary", "fx:KRW=1000:1100:50", "--quiet", "--jobs", "1"]
    assert run("sweep", ROGUE, "--out", out, *args).returncode == 0
    lines = (out / "results.csv").read_text().splitlines(keepends=True)  # header + 3 scenarios
    (out / "results.csv").write_text("".join(lines[:3] + [lines[2]]))  # s2 twice, s3 missing
    r = run("sweep", ROGUE, "--out", out, *args, "--resume")
    assert r.returncode == 2
    assert f"{out / 'results.csv'}, row 4: scenario 's2' is there twice (also row 3" in r.stderr
    (out / "results.csv").write_text("".join(lines[:2]) + "zz" + lines[2][lines[2].index(",") :])
    r = run("sweep", ROGUE, "--out", out, *args, "--resume")
    assert r.returncode == 2 and "row 3: scenario 'zz' is not a scenario of this sweep" in r.stderr


@pytest.mark.slow  # a sweep of 10,002 scenarios on 2 workers, one killed, then resumed: about 20 s CPU
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_a_killed_worker_is_a_clear_error_and_resume_finishes(tmp_path, long_sweep_results):
    out = tmp_path / "sw"
    sweep = subprocess.Popen(
        [*PY, "sweep", str(ROGUE), "--out", str(out), *LONG_SWEEP, "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while len(workers := _children(sweep.pid)) < 2:
        assert time.time() < deadline and sweep.poll() is None, "the sweep started no workers"
        time.sleep(0.05)
    _wait_for(out / "results.csv")
    os.kill(max(workers), signal.SIGKILL)  # one worker, as the out-of-memory killer would
    _, err = sweep.communicate(timeout=120)
    assert sweep.returncode == 1, err
    assert "Error: a worker process died while solving (killed, or out of memory)" in err
    assert "internal error" not in err and "Traceback" not in err
    assert run("sweep", ROGUE, "--out", out, *LONG_SWEEP, "--jobs", "1", "--resume").returncode == 0
    assert (out / "results.csv").read_bytes() == long_sweep_results


@pytest.mark.slow  # seven commands in subprocesses, about 10 s (make test has the folder kinds in test_outputs)
def test_single_file_outputs_never_replace_a_file_of_another_kind(tmp_path):
    case = tmp_path / "c"
    shutil.copytree(ROGUE, case)
    before = {p.name: p.read_bytes() for p in case.iterdir()}
    r = run("solve", case, "--out", tmp_path / "o", "--write-lp", case / "demand.csv")
    assert r.returncode == 2 and "--write-lp" in r.stderr and "must end in .lp" in r.stderr
    r = run("scenarios", case, "--out", case / "demand.csv", "--fx", "KRW:vol=10%", "--n", "5")
    assert r.returncode == 2 and "exists and is not a scenarios file" in r.stderr
    assert run("sweep", case, "--vary", "fx:KRW=900,1000", "--out", tmp_path / "s", "--quiet").returncode == 0
    r = run("plot", tmp_path / "s" / "results.csv", "--out", case / "costs.csv")
    assert r.returncode == 2 and "exists and is not a PNG chart" in r.stderr
    assert {p.name: p.read_bytes() for p in case.iterdir()} == before  # the case untouched
    for _ in range(2):  # its own kind is replaced: a chart over a chart, a scenarios file over one
        assert run("plot", tmp_path / "s" / "results.csv", "--out", tmp_path / "a.png").returncode == 0
        assert run("scenarios", case, "--out", tmp_path / "s.csv", "--fx", "KRW:vol=10%", "--n", "5").returncode == 0


# about 12 s (a sweep interrupted and resumed): make test-slow
@pytest.mark.slow
def test_ctrl_c_is_said_in_words_with_exit_130_and_resume_finishes(tmp_path):
    out, clean, args = tmp_path / "sw", tmp_path / "clean", [*SHORTER_SWEEP, "--jobs", "1"]
    sweep = subprocess.Popen(
        [*PY, "sweep", str(ROGUE), "--out", str(out), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # mid-sweep, once a scenario is solved: on a busy machine 0.3 s after results.csv appeared can still be
    # the first solve's import of highspy, and Ctrl-C inside a C extension's import comes out as an
    # ImportError (exit 1, "internal error"), a different case from the one this test is about
    _wait_for(out / "results.csv", rows=1)
    time.sleep(0.3)
    sweep.send_signal(signal.SIGINT)
    _, err = sweep.communicate(timeout=60)
    assert sweep.returncode == 130, err
    assert "Interrupted: earlier outputs are intact (a sweep keeps its results so far: --resume continues)." in err
    assert "Traceback" not in err and not (out / ".plantsplit.lock").exists() and temporaries(out) == []
    assert run("sweep", ROGUE, "--out", out, *args, "--resume").returncode == 0
    assert run("sweep", ROGUE, "--out", clean, *args).returncode == 0
    assert (out / "results.csv").read_bytes() == (clean / "results.csv").read_bytes()


def test_an_out_name_too_long_for_the_file_system_is_a_usage_error(tmp_path):
    r = run("solve", ROGUE, "--out", tmp_path / ("x" * 300))
    assert r.returncode == 2 and "the name is too long for the file system; choose a shorter one" in r.stderr
    assert "Traceback" not in r.stderr


def _without_root_override():
    return (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search", "--"]
        if os.geteuid() == 0
        else []
    )


def test_a_model_file_in_a_folder_that_cannot_be_written_is_exit_4_before_the_solve(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o555)
    try:
        for option in ("--write-model", "--write-lp"):
            name = "m.mps" if option == "--write-model" else "m.lp"
            r = subprocess.run(
                [
                    *_without_root_override(),
                    *PY,
                    "solve",
                    str(ROGUE),
                    "--out",
                    str(tmp_path / "o"),
                    option,
                    str(ro / name),
                ],
                capture_output=True,
                text=True,
            )
            assert r.returncode == 4, r.stderr
            assert f"{option} {ro / name}: cannot write the folder {ro}" in r.stderr
            assert "Traceback" not in r.stderr
            assert not (tmp_path / "o").exists()  # refused before anything ran
    finally:
        os.chmod(ro, 0o755)


@pytest.mark.slow  # 5 s of subprocesses
def test_a_chart_beside_its_sweep_is_recorded_and_replaced_with_the_next_run(tmp_path):
    out = tmp_path / "sw"
    args = ("--vary", "fx:KRW=1000,1100,1200")
    assert run("sweep", ROGUE, "--out", out, *args).returncode == 0
    r = run("plot", out / "results.csv")
    assert r.returncode == 0, r.stderr
    assert "results.png" in json.loads((out / ".plantsplit.json").read_text())["files"]
    # a new sweep in the same folder removes the chart of the old one with the rest of its outputs
    rec = json.loads((out / ".plantsplit.json").read_text())
    (out / "results.csv").unlink()  # as if the user cleared it for a new sweep: the record still owns the chart
    (out / ".plantsplit.json").write_text(json.dumps({**rec, "files": ["sweep.json", "results.png"]}))
    assert run("sweep", ROGUE, "--out", out, "--vary", "fx:KRW=900,1000").returncode == 0
    assert not (out / "results.png").exists()


def test_a_chart_of_an_unfinished_sweep_says_so(tmp_path):
    out = tmp_path / "sw"
    assert run("sweep", ROGUE, "--out", out, "--vary", "fx:KRW=1000,1100").returncode == 0
    rec = json.loads((out / ".plantsplit.json").read_text())
    (out / ".plantsplit.json").write_text(json.dumps({**rec, "state": "running"}))  # as a killed sweep leaves it
    r = run("plot", out / "results.csv", "--out", tmp_path / "partial.png")
    assert r.returncode == 0, r.stderr
    assert "has not finished" in r.stderr and "the scenarios done so far" in r.stderr


@pytest.mark.slow  # 3 s (make test has test_an_out_that_cannot_be_a_folder_is_a_usage_error)
def test_a_chart_path_under_a_file_is_a_usage_error(tmp_path):
    out = tmp_path / "sw"
    assert run("sweep", ROGUE, "--out", out, "--vary", "fx:KRW=1000,1100").returncode == 0
    r = run("plot", out / "results.csv", "--out", out / "results.csv" / "p.png")
    assert r.returncode == 2, r.stderr
    assert f"{out / 'results.csv'} is not a folder" in r.stderr and "Traceback" not in r.stderr


def test_what_a_killed_writer_left_is_removed_by_the_next_run(tmp_path):
    """A run killed mid-write leaves its temporaries (kill -9 gives it no chance to clean up): a
    workbook's scratch folder in the system's temp folder, a staged file beside a converted
    workbook. Their names carry the dead process's pid; the next run removes them, and never a
    living process's."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    (scratch / f"plantsplit-xlsx-{dead.pid}-abc").mkdir()
    (scratch / f"plantsplit-xlsx-{dead.pid}-abc" / "sheet1.xml").write_text("x" * 1000)
    (scratch / f"plantsplit-case-{dead.pid}-abc").mkdir()
    alive = scratch / f"plantsplit-xlsx-{os.getpid()}-abc"
    alive.mkdir()
    books = tmp_path / "books"
    books.mkdir()
    (books / f".plantsplit-case.xlsx.{dead.pid}-0123456789ab.tmp").write_bytes(b"half a workbook")
    env = {**os.environ, "TMPDIR": str(scratch)}
    r = subprocess.run([*PY, "convert", str(ROGUE), str(books / "case.xlsx")], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in scratch.iterdir()) == [alive.name]
    assert sorted(p.name for p in books.iterdir()) == ["case.xlsx"]
    r = subprocess.run(
        [*PY, "solve", str(ROGUE), "--out", str(tmp_path / "o"), "--xlsx"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in scratch.iterdir()) == [alive.name]  # its own scratch folder is gone too


def test_a_full_temporary_folder_under_xlsx_is_named_with_what_to_do(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "o"
    # a file-size limit (EFBIG, as a full disk) that the workbook's scratch sheets pass first
    r = subprocess.run(
        [*PY, "solve", str(ROGUE), "--out", str(out), "--xlsx"],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
        preexec_fn=_file_size_limit(3000),
    )
    assert r.returncode == 4, r.stderr
    assert f"in {scratch}" in r.stderr and "set TMPDIR to a folder with room" in r.stderr, r.stderr
    assert " in ." not in r.stderr and "Traceback" not in r.stderr
    assert list(scratch.iterdir()) == [] and not (out.exists() and visible(out))


def test_a_model_file_cut_short_by_a_full_disk_is_an_error_and_is_not_left(tmp_path):
    model = tmp_path / "m.mps"
    r = subprocess.run(
        [*PY, "solve", str(ROGUE), "--out", str(tmp_path / "o"), "--write-model", str(model)],
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(4000),
    )
    assert r.returncode == 4, r.stderr  # HiGHS itself reports no error: its file just ends early
    assert f"--write-model {model}: " in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no model, no temporary, no output folder


# about 5 s: make test-slow
@pytest.mark.slow
def test_a_file_of_yours_named_like_a_temporary_one_is_kept(tmp_path):
    out = tmp_path / "o"
    assert run("solve", ROGUE, "--out", out).returncode == 0
    (out / ".plantsplit-notes.tmp").write_text("mine")
    assert run("solve", ROGUE, "--out", out).returncode == 0  # beside the outputs, as your notes.txt would be
    assert (out / ".plantsplit-notes.tmp").read_text() == "mine"
