"""case: the typed case and its checks.

Raw tables from ``io`` become a ``Case`` (``load.py``: typed, frozen, every table keeping its
spreadsheet row) after every rule has run: rules across rows and files (``checks.py``,
``fx_checks.py``), plausibility warnings (``plausibility.py``), the natural order of names
(``names.py``), integer codes for names on the hot path (``codes.py``), and the names and values of
the parameters a study may change (``params.py``, ``param_names.py``).

May import: ``io``, ``solver.errors``.
"""
