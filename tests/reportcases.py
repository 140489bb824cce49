"""Output folders for the report's tests, made by the real commands: the Rogue case solved, swept over the
won (a grid and three named futures), its breakeven, a stochastic decision and a comparison; and a tiny
case in which a capacity, a minimum output, a tariff-rate quota and a sourcing share all bind."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from solver.cli import cli

from conftest import ROGUE, write_case

THREE = "scenario,fx:KRW,probability\nstrong-won,900,0.3\nas-in-2014,1053,0.5\nweak-won,1200,0.2\n"


def run(*args: str) -> None:
    r = CliRunner().invoke(cli, [str(a) for a in args])
    assert r.exit_code == 0, r.output + r.stderr


def rogue_folders(root: Path) -> dict[str, Path]:
    """The Rogue case's output folders, by kind."""
    root.mkdir(parents=True, exist_ok=True)
    f = {k: root / k for k in ("solve", "solve900", "grid", "named", "breakeven", "stochastic", "compare")}
    (root / "three.csv").write_text(THREE)
    (root / "named.csv").write_text("\n".join(line.rsplit(",", 1)[0] for line in THREE.splitlines()) + "\n")
    run("solve", ROGUE, "--out", f["solve"], "--sensitivity")
    run("sweep", ROGUE, "--out", f["grid"], "--vary", "fx:KRW=900:1400:50", "--quiet", "--jobs", "1")
    run("sweep", ROGUE, "--out", f["named"], "--scenarios", root / "named.csv", "--quiet", "--jobs", "1")
    run("breakeven", ROGUE, "--param", "fx:KRW", "--from", "900", "--to", "1400", "--out", f["breakeven"])
    run("stochastic", ROGUE, "--scenarios", root / "three.csv", "--out", f["stochastic"], "--quiet", "--jobs", "1")
    run("solve", ROGUE, "--out", f["solve900"], "--discount-rate", "0")
    run("compare", f["solve"], f["solve900"], "--out", f["compare"])
    return f


# A capacity, a minimum output, a tariff-rate quota and a maximum share bind (hand-worked in test_report.py).
# The third plant is named <script>alert(1)</script>: the report must show that name as text.
HOSTILE = "<script>alert(1)</script>"


def limits_case(folder: Path, third: str = "C") -> Path:
    return write_case(
        folder,
        plants=f"plant,country,currency\nA,X,USD\nB,Y,USD\n{third},Z,USD",
        demand="market,product,period,units\nm,p,1,100\nn,p,1,50",
        capacity=f"plant,max_units,min_units\nA,60,\n{third},,10",
        lanes=f"plant,market,freight_cost,max_units\nA,m,1,40\nA,n,1,\nB,m,0,\nB,n,0,\n{third},m,0,\n{third},n,0,",
        costs=f"plant,unit_cost\nA,10\nB,12\n{third},20",
        tariffs="origin,market,rate,up_to_units\nY,m,0,20\nY,m,0.5,",
        shares="market,plant,max_share\nn,B,0.4",
    )
