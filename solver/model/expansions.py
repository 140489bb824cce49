"""Build-or-not expansion options:

    b[e] in {0, 1}  (0 <= b[e] <= 1 with --relax), cost fixed_cost_e (reporting currency,
    converted at first_period's rate), charged once.

The capacity it adds enters the capacity rows (capacity.py).
"""
from __future__ import annotations

import numpy as np

from .lp import Cols, names


def define_build_variables(expansions, relax: bool) -> Cols:
    n = len(expansions)
    return Cols(
        family="build",
        names=names("build", expansions["option"]) if n else np.zeros(0, object),
        cost=expansions["fixed_cost_reporting"].to_numpy(dtype=float),
        lower=np.zeros(n), upper=np.ones(n),
        integer=np.full(n, not relax),
    )
