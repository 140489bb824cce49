"""studies: many variants of one model, and what compares runs.

One engine changes costs, bounds and right-hand sides of a live model (``solve.live``,
``solve.live_blocks``) scenario after scenario: ``sweep/`` (grids and scenario files, locally or on
Dask), ``breakeven.py`` (every value of a parameter where the plan changes), ``stochastic/`` (the
two-stage decision: enumerate, extensive form, Benders). ``compare.py`` and ``compare_stochastic.py``
put two output folders side by side.

May import: ``pipeline``, ``report``, ``results``, ``solve``, ``model``, ``case``, ``io``,
``solver.errors``.
"""
