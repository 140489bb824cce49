"""plantsplit plot writes a real PNG from a sweep's results.csv."""
from __future__ import annotations

from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE


def test_plot_a_sweep(tmp_path):
    out = tmp_path / "sw"
    r = CliRunner().invoke(cli, ["sweep", str(ROGUE), "--out", str(out), "--vary", "fx:KRW=900:1300:50",
                                 "--vary", "tariff:KR:usa=0,2.5%", "--quiet", "--jobs", "1"])
    assert r.exit_code == 0
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--x", "fx:KRW"])
    assert r.exit_code == 2
    assert "the results vary tariff:KR:usa too; pick one value with --where tariff:KR:usa=VALUE" in r.stderr
    r = CliRunner().invoke(cli, ["plot", str(out / "results.csv"), "--x", "fx:KRW", "--where", "tariff:KR:usa=0.025"])
    assert r.exit_code == 0, r.output
    png = out / "results.png"
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    assert r.output.strip() == f"wrote {png}"


def test_plot_errors(tmp_path):
    r = CliRunner().invoke(cli, ["plot", str(tmp_path / "nope.csv")])
    assert r.exit_code == 2 and "no such file" in r.stderr
    f = tmp_path / "results.csv"
    f.write_text("scenario,fx:KRW,status,objective_USD,units:a\ns1,1000,optimal,5,1\n")
    r = CliRunner().invoke(cli, ["plot", str(f), "--x", "fx:JPY"])
    assert r.exit_code == 2 and "--x 'fx:JPY' is not a parameter of results.csv" in r.stderr
    g = tmp_path / "other.csv"
    g.write_text("garbage\n")
    r = CliRunner().invoke(cli, ["plot", str(g)])
    assert r.exit_code == 2 and "is not a plantsplit sweep results.csv" in r.stderr
