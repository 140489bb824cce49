"""Warnings for numbers that are well-formed but probably misread or mistyped.

A rate of one currency, or a unit cost of one plant (so one currency), that is more than
``JUMP`` times above or below its neighbours is far more often a decimal-mark or unit
slip (0.920 read as 920; a cost in thousands) than a fact. Neighbours: with two rows,
the other row (the later row is named); with more, the median of the group. The run
goes on: the warning names file, row and column so the user can look.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.errors import Collector

JUMP = 10.0
# file -> (column checked, columns that group rows of one currency, what the group is)
GROUPS = {"fx": ("rate", ["currency"], "rate of {0}"), "costs": ("unit_cost", ["plant"], "unit cost of plant {0}")}


def warn_jumps(tables: dict[str, pd.DataFrame], periods, out: Collector) -> None:
    order = {p: i for i, p in enumerate(periods)}
    for key, (col, by, what) in GROUPS.items():
        df = tables[key]
        df = df[df[col] > 0].assign(_p=df["period"].map(order).fillna(-1))
        for name, g in df.sort_values(["_p", "row"], kind="stable").groupby(by, sort=False):
            label = what.format(name[0] if isinstance(name, tuple) else name)
            for row, value, ref_row, ref in _outliers(g, col):
                out.warn(
                    f"{key}.csv",
                    row,
                    col,
                    f"{value:g}",
                    f"is more than {JUMP:g}x {'above' if value > ref else 'below'} the {label} "
                    f"in row {ref_row} ({ref:g}): "
                    "check the decimal mark and the unit",
                )


def _outliers(g: pd.DataFrame, col: str):
    values, rows = g[col].to_numpy(dtype=float), g["row"].to_numpy()
    if len(values) < 2:
        return
    if len(values) == 2:
        if max(values) > JUMP * min(values):
            yield rows[1], values[1], rows[0], values[0]
        return
    median = float(np.median(values))
    near = int(np.argmin(np.abs(np.log(values / median))))  # the row that stands for "usual"
    for v, r in zip(values, rows, strict=True):
        if v > JUMP * median or v * JUMP < median:
            yield r, v, rows[near], values[near]
