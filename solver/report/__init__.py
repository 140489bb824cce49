"""report: results for people.

The terminal summary (``terminal.py``), PNG charts (``charts.py`` shared by all, ``plot.py`` for sweeps
and breakeven, ``plan_chart.py`` for a plan, ``plot_stochastic.py`` for a cost distribution) and Excel
workbooks with a Summary sheet (``workbook.py``). Each takes tables or a run's objects and returns
text or bytes; what to write where is the caller's.

May import: ``results``, ``solve``, ``model``, ``case``, ``io``, ``solver.errors``.
"""
