"""Sweeps on a real Dask cluster on 127.0.0.1: same results file as a local run."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE

ARGS = ["--vary", "fx:KRW=1000:1200:20", "--vary", "tariff:KR:usa=0,2.5%", "--quiet", "--chunk", "4"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def local_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    assert CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(out), *ARGS, "--jobs", "1"]).exit_code == 0
    return (out / "results.csv").read_bytes()


@pytest.fixture
def cluster():
    """`dask scheduler` and two `dask worker` processes, started as a user starts them."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    env = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False")
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    for _ in range(2):
        procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                       "--host", "127.0.0.1"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, env=env))
    from distributed import Client

    with Client(address, timeout="30s") as c:
        c.wait_for_workers(2, timeout=60)
    yield address
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


def test_sweep_on_an_existing_cluster(tmp_path, cluster, local_results):
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path), *ARGS, "--dask", cluster])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "results.csv").read_bytes() == local_results


def test_resume_on_the_cluster(tmp_path, cluster, local_results):
    lines = local_results.decode().splitlines(keepends=True)
    (tmp_path / "results.csv").write_text("".join(lines[:9]) + lines[9][:10])
    first = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path / "x"), *ARGS, "--jobs", "1"])
    assert first.exit_code == 0
    (tmp_path / "sweep.json").write_bytes((tmp_path / "x" / "sweep.json").read_bytes())
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path), *ARGS, "--dask", cluster, "--resume"])
    assert r.exit_code == 0, r.output
    assert "(14 run, 8 already done" in r.output
    assert (tmp_path / "results.csv").read_bytes() == local_results


def test_dask_local_cluster(tmp_path, local_results):
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path), *ARGS, "--dask", "local", "--jobs", "2"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "results.csv").read_bytes() == local_results


def test_unreachable_scheduler_is_a_usage_error(tmp_path):
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(tmp_path / "o"), *ARGS,
                                 "--dask", f"tcp://127.0.0.1:{free_port()}"])
    assert r.exit_code == 2
    assert "cannot reach the scheduler" in r.stderr
