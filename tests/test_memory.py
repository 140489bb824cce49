"""A case too large for the memory available stops before the solver starts: exit 3,
a clear message, nothing written. The memory available is lowered with
PLANTSPLIT_MEMORY_MB (a real setting), never by exhausting the machine's memory."""
from __future__ import annotations

from click.testing import CliRunner

from solver.cli import cli

from test_decompose import _bench_make_case


def test_too_large_case_fails_clearly_before_solving(tmp_path, monkeypatch):
    # 10 plants x 50 markets x 2 products x 10 periods = 10,000 flows; rows: demand
    # 50 x 2 x 10 = 1,000 + capacity 10 x 10 = 100; 2 non-zeros per flow = 20,000.
    # Estimate for a decomposed HiGHS solve: 550 B x 10,000 + 80 B x 20,000 + 1,000 B x
    # 1,100 = 8,200,000 B = 7.8 MB, above the 5 MB allowed.
    _bench_make_case()(tmp_path / "c", 10, 50, 2, 10)
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "5")
    out, model = tmp_path / "out", tmp_path / "m.mps"
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "c"), "--out", str(out), "--write-model", str(model)])
    assert r.exit_code == 3
    assert r.stderr.splitlines() == [
        "Error: case c is too large for the memory available: solving its 10,000 variables and "
        "1,100 constraints (20,000 non-zeros) needs about 8 MB, and 5 MB are available. Free memory, "
        "use a larger machine, or split the case (fewer periods or markets per case).",
        "No output was written.",
    ]
    assert "Traceback" not in r.output
    assert not out.exists() and not model.exists()
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "8")  # just enough
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "c"), "--out", str(out)])
    assert r.exit_code == 0, r.output


def test_unreadable_memory_setting_is_a_usage_error(tmp_path, monkeypatch):
    _bench_make_case()(tmp_path / "c", 2, 2, 1, 1)
    monkeypatch.setenv("PLANTSPLIT_MEMORY_MB", "lots")
    r = CliRunner().invoke(cli, ["solve", str(tmp_path / "c"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 2
    assert r.stderr.strip() == "Error: PLANTSPLIT_MEMORY_MB='lots' is not a number of megabytes"
