"""A two-stage stochastic program on a LinearProgram, and the risk measure it minimises.

First stage: the columns ``first`` (one value for every scenario: builds, acres).
Second stage: every other column, chosen after scenario s is known. Scenario s changes
costs, bounds, right-hand sides and coefficients of the base LP (a ``Change``); its
total cost, first stage included, is

    f_s(x) = min_y { c_s x + q_s y  :  A_s (x, y) within the row bounds of s,  y within its bounds }

and the decision minimises, with probabilities p_s, weight lambda >= 0 and alpha in [0, 1),

    E[f(x)] + lambda * CVaR_alpha[f(x)],
    CVaR_alpha[C] = min_eta  eta + 1/(1 - alpha) * sum_s p_s * max(0, C_s - eta)

(Rockafellar-Uryasev: the expected cost of the worst 1 - alpha of probability). The
mpi-sppy/PySP form  lambda_m * E + beta * CVaR  is ours divided by lambda_m (same
decision, lambda = beta / lambda_m, objective scaled by 1 / lambda_m).

f_s is convex in x (x enters the LP like a right-hand side), so cuts from the reduced
costs of the fixed first-stage columns are valid everywhere (benders.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.model.changes import Change
from solver.model.lp import LinearProgram
from solver.solve.decompose import MIN_BLOCK

PROBABILITY_TOL = 1e-6


class TwoStageProblem:
    """Base: subclasses say what scenario s changes; this class holds the rest. ``threads``
    and ``min_block``: how a second stage that splits into blocks is solved (worker.py)."""

    lp: LinearProgram
    first: np.ndarray
    names: tuple[str, ...]
    probability: np.ndarray
    threads: int = 1
    min_block: int = MIN_BLOCK
    solver: str = "highs"  # another PuLP solver: every scenario LP and the extensive form solved cold by it

    def change(self, s: int) -> Change:
        raise NotImplementedError

    def mean_change(self, weights: np.ndarray | None = None) -> Change:
        """The mean-value scenario (every parameter at its probability-weighted mean; ``weights``: other
        weights of the scenarios, summing to 1, for the mean of a group of them)."""
        raise NotImplementedError

    def order(self) -> np.ndarray | None:
        """Scenarios in an order where neighbours are alike (jensen.py groups them), or None."""
        return None

    def why_infeasible(self, s: int) -> list[str]:
        """Why scenario s cannot be served by any decision, in the words of the inputs."""
        from solver.model.changes import materialize

        lp = materialize(self.lp, self.change(s))
        from solver.results.explain import explain_infeasible

        return explain_infeasible(lp)

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def integer_first(self) -> bool:
        return bool(self.lp.integer[self.first].all())

    def redundant_coef_rows(self) -> np.ndarray:
        """Rows whose coefficients a scenario may set and that hold at every integer first stage (jensen.py)."""
        return np.zeros(0, np.int32)

    def start(self) -> None:  # worker hook (the process pool calls it once)
        pass


@dataclass
class ExplicitProblem(TwoStageProblem):
    """Scenarios given as a list of Changes (tests, the farmer problem, other front ends)."""

    lp: LinearProgram
    first: np.ndarray
    names: tuple[str, ...]
    probability: np.ndarray
    changes: list[Change] = field(default_factory=list)

    def change(self, s: int) -> Change:
        return self.changes[s]

    def mean_change(self, weights: np.ndarray | None = None) -> Change:
        """Probability-weighted mean of every cost, bound, right-hand side and coefficient."""
        from solver.model.changes import coef_positions, materialize

        p = self.probability if weights is None else weights
        mats = [materialize(self.lp, c) for c in self.changes]

        def avg(attr):
            with np.errstate(invalid="ignore"):
                return sum(pi * getattr(m, attr) for pi, m in zip(p, mats, strict=True))

        pairs = sorted({(int(r), int(c)) for ch in self.changes for r, c in zip(ch.coef_row, ch.coef_col, strict=True)})
        r = np.array([a for a, _ in pairs], np.int64)
        c = np.array([b for _, b in pairs], np.int64)
        value = avg("value")
        all_cols = np.arange(self.lp.num_col)
        all_rows = np.arange(self.lp.num_row)
        return Change(
            cost=avg("cost"),
            col_index=all_cols,
            col_lower=avg("col_lower"),
            col_upper=avg("col_upper"),
            row_index=all_rows,
            row_lower=avg("row_lower"),
            row_upper=avg("row_upper"),
            coef_row=r,
            coef_col=c,
            coef_value=value[coef_positions(self.lp, r, c)] if len(r) else np.zeros(0),
        )


def check_probabilities(p: np.ndarray) -> None:
    if len(p) == 0:
        raise ValueError("no scenarios")
    if (p < 0).any() or abs(p.sum() - 1.0) > PROBABILITY_TOL:
        raise ValueError("probabilities must be >= 0 and sum to 1")
