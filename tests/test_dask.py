"""Sweeps on a real Dask cluster on 127.0.0.1: same results file as a local run."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE

ARGS = ["--vary", "fx:KRW=1000:1200:20", "--vary", "tariff:KR:usa=0,2.5%", "--quiet", "--chunk", "4"]


@contextlib.contextmanager
def port_nobody_listens_on():
    """A port of 127.0.0.1 held bound (so no other test can take it) but not listening: connections are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


@pytest.fixture(scope="module")
def local_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    assert CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(out), *ARGS, "--jobs", "1"]).exit_code == 0
    return (out / "results.csv").read_bytes()


def start_cluster(nanny: bool = True, workers: int = 2):
    """`dask scheduler` and `dask worker` processes, started as a user starts them: (address, processes).
    The scheduler takes a port the system gives it (--port 0) and writes its address to a scheduler file,
    so tests running at the same time (pytest -n) never race for a port."""
    info = Path(tempfile.mkdtemp(prefix="plantsplit-dask-")) / "scheduler.json"
    procs = [
        subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=ENV,
        )
    ]
    deadline = time.time() + 60
    while True:
        try:
            address = json.loads(info.read_text())["address"]
            shutil.rmtree(info.parent)
            break
        except (OSError, ValueError, KeyError):  # not written yet, or half written
            assert time.time() < deadline and procs[0].poll() is None, "the Dask scheduler did not start"
            time.sleep(0.2)
    for _ in range(workers):
        procs.append(start_worker(address, nanny))
    wait_for_workers(address, workers)
    return address, procs


DASK = str(Path(sys.executable).parent / "dask")
ENV = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")


def start_worker(address: str, nanny: bool = True) -> subprocess.Popen:
    return subprocess.Popen(
        [
            DASK,
            "worker",
            address,
            "--nthreads",
            "1",
            "--no-dashboard",
            "--host",
            "127.0.0.1",
            *([] if nanny else ["--no-nanny"]),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )


def wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as c:
        c.wait_for_workers(n, timeout=60)


def stop_cluster(procs) -> None:
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture
def cluster():
    address, procs = start_cluster()
    yield address
    stop_cluster(procs)


def test_sweep_on_an_existing_cluster(tmp_path, cluster, local_results):
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path), *ARGS, "--dask", cluster])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "results.csv").read_bytes() == local_results


@pytest.mark.slow  # a second cluster (make test runs a sweep on one)
def test_resume_on_the_cluster(tmp_path, cluster, local_results):
    lines = local_results.decode().splitlines(keepends=True)
    (tmp_path / "results.csv").write_text("".join(lines[:9]) + lines[9][:10])
    first = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path / "x"), *ARGS, "--jobs", "1"])
    assert first.exit_code == 0
    (tmp_path / "sweep.json").write_bytes((tmp_path / "x" / "sweep.json").read_bytes())
    # as a sweep killed mid-write leaves its folder: with the record of the run that wrote it
    (tmp_path / ".plantsplit.json").write_bytes((tmp_path / "x" / ".plantsplit.json").read_bytes())
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path), *ARGS, "--dask", cluster, "--resume"])
    assert r.exit_code == 0, r.output
    assert "(14 run, 8 already done" in r.output
    assert (tmp_path / "results.csv").read_bytes() == local_results


def test_dask_local_cluster(tmp_path, local_results):
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path), *ARGS, "--dask", "local", "--jobs", "2"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "results.csv").read_bytes() == local_results


def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    with port_nobody_listens_on() as port:
        r = CliRunner().invoke(
            cli, ["sweep", str(ROGUE), "--out", str(tmp_path / "o"), *ARGS, "--dask", f"tcp://127.0.0.1:{port}"]
        )
    assert r.exit_code == 2
    assert "cannot reach the scheduler" in r.stderr


LONG = ["--vary", "fx:KRW=900:1400:0.25", "--vary", "tariff:KR:usa=0,2.5%", "--quiet", "--chunk", "8"]


@pytest.mark.slow  # a cluster, a worker killed mid-sweep, the sweep run again locally: about 18 s CPU
def test_a_lost_worker_is_survived(tmp_path):
    """kill -9 of one of two workers mid-sweep, the one that held the model the sweep sent (the second joined
    after the sweep started): the sweep finishes, each scenario once, byte for byte as a local run."""
    address, procs = start_cluster(nanny=False, workers=1)
    try:
        sweep = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "solver",
                "sweep",
                str(ROGUE),
                "--out",
                str(tmp_path / "d"),
                *LONG,
                "--dask",
                address,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        results = tmp_path / "d" / "results.csv"
        deadline = time.time() + 120
        while not (results.exists() and results.read_text().count("\n") > 50):
            assert time.time() < deadline and sweep.poll() is None, sweep.communicate()
            time.sleep(0.05)
        procs.append(start_worker(address, nanny=False))
        wait_for_workers(address, 2)
        assert sweep.poll() is None, "the sweep ended before a worker could be lost: make it longer"
        procs[1].kill()  # the first worker, SIGKILL, while it holds chunks and the only copy of the model
        out, err = sweep.communicate(timeout=300)
        assert sweep.returncode == 0, err
    finally:
        stop_cluster(procs)
    local = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path / "l"), *LONG, "--jobs", "1"])
    assert local.exit_code == 0
    assert results.read_bytes() == (tmp_path / "l" / "results.csv").read_bytes()


@pytest.mark.slow  # a cluster, 400 scenarios, a worker killed
def test_a_lost_worker_is_survived_by_stochastic(tmp_path):
    """kill -9 of the worker that held the model and was evaluating scenarios, mid-decision: stochastic
    finishes with the same decision and scenario costs, byte for byte, as a run in one process."""
    from distributed import Client

    sc = tmp_path / "sc.csv"
    made = CliRunner().invoke(cli, ["scenarios", str(ROGUE), "--out", str(sc), "--fx", "KRW:vol=15%", "--n", "1000"])
    assert made.exit_code == 0, made.output
    args = ["--scenarios", str(sc), "--method", "enumerate", "--quiet"]
    address, procs = start_cluster(nanny=False, workers=1)
    try:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "solver",
                "stochastic",
                str(ROGUE),
                "--out",
                str(tmp_path / "d"),
                *args,
                "--dask",
                address,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with Client(address, timeout="30s") as c:
            deadline = time.time() + 120
            while not any(c.processing().values()):  # the first worker is evaluating scenarios
                assert time.time() < deadline and run.poll() is None, run.communicate()
                time.sleep(0.05)
        procs.append(start_worker(address, nanny=False))
        wait_for_workers(address, 2)
        assert run.poll() is None, "stochastic ended before a worker could be lost: give it more scenarios"
        procs[1].kill()
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    finally:
        stop_cluster(procs)
    local = CliRunner().invoke(cli, ["stochastic", str(ROGUE), "--out", str(tmp_path / "l"), *args, "--jobs", "1"])
    assert local.exit_code == 0, local.output
    for f in ("decision.csv", "scenario_costs.csv", "decisions.csv"):
        assert (tmp_path / "d" / f).read_bytes() == (tmp_path / "l" / f).read_bytes(), f
