"""The version of plantsplit, in one place: pyproject.toml reads it from here ([tool.setuptools.dynamic]),
so the installed metadata, ``plantsplit --version`` and summary.json agree (a leaf: every room may import it)."""

__version__ = "0.1.0"
