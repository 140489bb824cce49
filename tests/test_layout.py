"""The house by stage (docs/design.md, "How it is built"): solver/ is rooms that follow the data, imports run
one way, no two modules import each other, modules and functions stay small, and every room's
docstring says what it may import, the same list the import contracts in pyproject.toml enforce."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLVER = ROOT / "solver"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())
CONTRACTS = CONFIG["tool"]["importlinter"]["contracts"]
LAYERS = next(c["layers"] for c in CONTRACTS if c["type"] == "layers")
ROOMS = [name.removeprefix("solver.") for name in LAYERS if " " not in name]  # cli, api, studies, ..., io
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 80


def test_the_import_contracts_hold():
    """import-linter, as CI runs it: the layers, no circle at any depth, no click below the command line."""
    lint = Path(sys.executable).with_name("lint-imports")
    p = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    assert "0 broken" in p.stdout and f"{len(CONTRACTS)} kept" in p.stdout


def test_every_room_is_a_layer_and_every_package_is_installed():
    rooms = {p.name for p in SOLVER.iterdir() if (p / "__init__.py").is_file()}
    layered = {r for r in ROOMS if (SOLVER / r / "__init__.py").is_file()}
    assert rooms == layered, "a sub-package of solver/ that is no layer of the import contract (or the reverse)"
    packages = {".".join(p.relative_to(ROOT).parts[:-1]) for p in SOLVER.rglob("__init__.py")}
    listed = set(CONFIG["tool"]["setuptools"]["packages"]) - {"solver.cases"}
    assert packages == listed, (
        "pyproject.toml [tool.setuptools] packages must list every package (a wheel lacks the rest)"
    )


@pytest.mark.parametrize("room", [r for r in ROOMS if r not in ("cli", "api")])
def test_a_rooms_docstring_names_the_rooms_it_may_import(room):
    """Each room's __init__ says 'May import: ...': exactly the rooms below it in the contract."""
    doc = ast.get_docstring(ast.parse((SOLVER / room / "__init__.py").read_text()))
    assert doc and doc.split("\n", 1)[0].startswith(f"{room}:"), f"solver/{room}/__init__.py: say what the room is for"
    m = re.search(r"May import:(.*?)(\.\s|\.$)", doc, re.S)
    assert m, f"solver/{room}/__init__.py: no 'May import:' sentence"
    named = set(re.findall(r"``(?:solver\.)?([a-z_]+)``", m.group(1)))
    below = {r for r in ROOMS[ROOMS.index(room) + 1 :]} | {"errors"}
    assert named == below, f"solver/{room}: the docstring names {sorted(named)}, the contract allows {sorted(below)}"


def _modules():
    return sorted(p for p in SOLVER.rglob("*.py"))


def test_no_module_over_400_lines():
    long = {
        str(p.relative_to(ROOT)): n for p in _modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split by meaning: {long}"


def test_no_function_over_80_lines():
    long = []
    for p in _modules():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{p.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, f"split by meaning: {long}"
