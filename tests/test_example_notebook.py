"""The example notebook (docs/examples/notebook.ipynb) runs top to bottom in a real Jupyter kernel, and its
displays are the short ones (repr and HTML) with the hand-worked numbers it states."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "examples" / "notebook.ipynb"


def test_the_example_notebook_runs(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = {i: c.outputs for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    texts = "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("data", {}).get("text/html", "")
        for outs in outputs.values()
        for o in outs
    )
    assert not [o for outs in outputs.values() for o in outs if o.output_type == "error"]
    assert 'table demand, row 2, column units: "-5" must be a number >= 0' in texts
    assert "1,140 USD" in texts and "550 USD" in texts  # the hand-worked costs, as the displays show them
    assert "breakpoints: 1: 2" in texts  # A's landed cost 10 + F meets B's 12 at F = 2
    assert "<table>" in texts  # the HTML display a notebook shows
