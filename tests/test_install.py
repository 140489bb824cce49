"""What the default install carries: no solver module needs scipy (a test dependency only)."""

import subprocess
import sys

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
