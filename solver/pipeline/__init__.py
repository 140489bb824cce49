"""pipeline: one case, end to end.

``run.py``: load a case, build its model, solve, tabulate, and write every output file (CSV, JSON, and
on request the workbook and the chart) all or nothing: ``plantsplit solve`` as a library call.

May import: ``report``, ``results``, ``solve``, ``model``, ``case``, ``io``, ``solver.errors``.
"""
