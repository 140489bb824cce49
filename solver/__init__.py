"""plantsplit: decide how to split production of a product across plants.

The Python API (see ``solver.api`` and docs/python-api.md): ``load_case``,
``solve_case``, ``sweep_case``, ``breakeven_case``, ``stochastic_case``, ``compare_runs``; errors ``PlantsplitError``,
``CaseError``, ``UsageError``, ``NoPlanError``. They are imported on first use, so
``import solver`` stays cheap for the command line.
"""

from solver._version import __version__ as __version__

_API = {
    "load_case",
    "solve_case",
    "sweep_case",
    "breakeven_case",
    "stochastic_case",
    "compare_runs",
    "Run",
    "Breakeven",
    "StochasticRun",
    "Comparison",
    "Case",
}
_ERRORS = {"PlantsplitError", "CaseError", "UsageError", "NoPlanError", "Problem"}
__all__ = sorted(_API | _ERRORS | {"__version__"})


def __getattr__(name: str):
    if name in _API:
        from solver import api

        return getattr(api, name)
    if name in _ERRORS:
        from solver import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'solver' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names and the API's, which ``__getattr__`` loads on first use."""
    return sorted(set(globals()) | _API | _ERRORS)
