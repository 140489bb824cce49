"""What the default install carries: no solver module needs scipy (a test dependency only); what the
sdist carries: everything its tests read."""

import subprocess
import sys
import tarfile
from pathlib import Path

from solver import __version__

IMPORT_ALL = """
import importlib, pkgutil, sys
import solver, solver.api, solver.cli
names = [m.name for m in pkgutil.walk_packages(solver.__path__, "solver.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
print(len(names))
print(",".join(sorted({n.split(".")[0] for n in sys.modules})))
"""


def test_no_solver_module_imports_scipy():
    # a fresh interpreter: this one has scipy loaded by other tests
    out = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, check=True).stdout
    count, top = out.splitlines()
    assert int(count) > 80  # every module of the package was imported
    assert "solver" in top.split(",") and "pandas" in top.split(",")
    assert "scipy" not in top.split(",")


ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("tests", "inputs", "examples", "bench", "docs")  # MANIFEST.in: what the sdist's tests read


def test_sdist_carries_the_tests_and_the_default_case(tmp_path):
    """The sdist (setuptools, as `make dist` builds it, with the setuptools installed here) lists
    every file under the folders its tests read, and builds without a warning."""
    p = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert "warning" not in (p.stdout + p.stderr).lower(), p.stdout + p.stderr
    (sdist,) = tmp_path.glob("plantsplit-*.tar.gz")
    assert sdist.name == f"plantsplit-{__version__}.tar.gz"
    with tarfile.open(sdist) as tar:
        listed = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    on_disk = {
        path.relative_to(ROOT).as_posix()
        for folder in SHIPPED
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and not any(part == "__pycache__" or part.startswith(".") for part in path.relative_to(ROOT).parts)
        and path.relative_to(ROOT).parts[:2] != ("bench", "results")  # benchmark output, not source
    }
    assert len(on_disk) > 250
    assert not on_disk - listed, f"not in the sdist (MANIFEST.in): {sorted(on_disk - listed)[:10]}"
    for name in (
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "mkdocs.yml",
        "pyproject.toml",
        "Makefile",
        "inputs/rogue-2012/demand.csv",
        "solver/py.typed",
    ):
        assert name in listed


# an install without the plot extra: `import matplotlib` fails, as it does when it is not installed
WITHOUT_MATPLOTLIB = "import sys; sys.modules['matplotlib'] = None; from solver.cli import main; main()"


def test_a_chart_without_matplotlib_names_the_extra(tmp_path):
    for args in (["solve", "--plot", "--out", str(tmp_path / "o")], ["plot", str(tmp_path / "results.csv")]):
        p = subprocess.run(
            [sys.executable, "-c", WITHOUT_MATPLOTLIB, *args], capture_output=True, text=True, cwd=tmp_path
        )
        assert p.returncode == 2, p.stderr
        assert p.stderr.strip() == "Error: plotting needs matplotlib: pip install 'plantsplit[plot]'"
    assert not (tmp_path / "o").exists()  # said before any solve
