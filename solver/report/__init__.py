"""report: results for people.

The terminal summary (``terminal.py``), PNG charts (``charts.py`` shared by all, ``plot.py`` for sweeps
and breakeven, ``plan_chart.py`` for a plan, ``plot_stochastic.py`` for a cost distribution) and Excel
workbooks with a Summary sheet (``workbook.py``); ``plantsplit report``'s self-contained HTML page from output
folders (``html.py``, its sections ``html_solve``, ``html_studies``, ``html_stochastic``, read by ``folders``
and ``limits``, charts drawn as SVG by ``svg`` and ``network``). Each takes tables or a run's objects: the terminal
text and the workbook and ``plan.png`` come back as text or bytes for the caller to write (an output
folder is written all or nothing by ``io.outdir``); ``plot``'s charts of an output file are written
where asked, beside it by default, through a temporary file renamed into place (``charts._save``).

May import: ``results``, ``solve``, ``model``, ``case``, ``io``, ``solver.errors``.
"""
