"""model: from a Case to a LinearProgram.

Coefficients first, vectorised (``coefficients.py``: one row per flow arc and tariff tier; money in the
reporting currency and over time in ``money.py``; the most specific input row in ``specific.py``), then
one module per constraint family, each with its maths in its docstring (flows, demand, capacity, lanes,
tariffs, shares, expansions, and the tightening rows linking and cover), called in order by
``create.create_model`` into the sparse arrays of ``lp.py``. ``changes.py`` describes one variant of a
model (new costs, bounds, right-hand sides) as data.

May import: ``case``, ``io``, ``solver.errors``. Nothing here solves.
"""
