"""The README's input reference is generated from the schema table; keep them equal."""

from solver.io.schema import markdown

from conftest import ROOT


def test_readme_input_reference_matches_schema():
    readme = (ROOT / "README.md").read_text()
    assert markdown() in readme, "README input reference is stale: paste `python -m solver.io.schema`"


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
