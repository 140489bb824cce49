"""solve: a LinearProgram in, a Solution out.

``solve.solve`` picks the back-end: HiGHS in-process from CSR arrays (``highs.py``) or any PuLP solver
(``backends.py``); an LP that splits into independent blocks is solved block by block in a thread pool
(``decompose.py``). ``status.py`` holds what comes back (status, values, duals); ``options.py`` the
options as a user writes them; ``memory.py`` checks that a solve fits before it starts;
``tighten.py`` chooses the linking rows a MILP needs; ``live.py`` and ``live_blocks.py`` keep HiGHS
models alive and re-solve them warm, change after change (the engine of every study).

May import: ``model``, ``case``, ``io``, ``solver.errors``.
"""
