"""Build-or-not expansion options:

    b[e] in {0, 1}  (0 <= b[e] <= 1 with --relax),
    cost  F_e * pv_factor_e = sum over e's charges in periods t of A_e * d(t)

F_e is fixed_cost in the reporting currency (converted at first_period's rate). Without a
lifetime A_e = F_e, charged once in first_period; with lifetime n, A_e = F_e R / (1 - (1 + R)^-n)
(F_e / n at R = 0), charged in first_period and the following periods, at most n of them and
none after the case's last period (coefficients.py).

The capacity it adds enters the capacity rows (capacity.py).
"""

from __future__ import annotations

import numpy as np

from solver.model.lp import Cols, names


def define_build_variables(expansions, relax: bool) -> Cols:
    n = len(expansions)
    return Cols(
        family="build",
        names=names("build", expansions["option"]) if n else np.zeros(0, object),
        cost=(expansions["fixed_cost_reporting"] * expansions["pv_factor"]).to_numpy(dtype=float),
        lower=np.zeros(n),
        upper=np.ones(n),
        integer=np.full(n, not relax),
    )
