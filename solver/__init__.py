"""plantsplit: decide how to split production of a product across plants."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("plantsplit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
