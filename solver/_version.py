"""The installed version of plantsplit, in one place (a leaf: every room may import it)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("plantsplit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
