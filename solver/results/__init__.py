"""results: what a Solution means, in the words of the inputs.

Tables of a solved case (``tables.py``: plan, utilization, supply, costs, builds, sourcing), Excel's
sensitivity report from HiGHS ranging (``sensitivity.py``), why a case is infeasible
(``explain.py``: an elastic re-solve), and risk measures of a cost distribution (``risk.py``).
No file is written here.

May import: ``solve``, ``model``, ``case``, ``io``, ``solver.errors``.
"""
