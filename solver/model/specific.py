"""Which row of an input table applies to a target (an arc, a capacity key): the most specific one.

A row that names a product and a period beats one that names only the product, which beats one
that names only the period, which beats a row for every product and period (blank cells)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solver.case.codes import codes, composite, lookup

LEVELS_PRODUCT_PERIOD = (("product", "period"), ("product",), ("period",), ())


def resolve(targets: pd.DataFrame, rows: pd.DataFrame, keys: list[str], levels) -> np.ndarray:
    """Position in ``rows`` of the most specific row that applies to each target, or -1.

    ``levels`` lists, most specific first, which optional columns a row has set;
    the optional columns not in a level must be blank in the row. Works on integer
    codes (``codes.py``): the targets may be a million arcs, the rows a few thousand.
    """
    optional = sorted({c for lv in levels for c in lv})
    found = np.full(len(targets), -1, dtype=np.int64)
    if len(rows) == 0 or len(targets) == 0:
        return found
    tcode, rcode, size = {}, {}, {}
    for c in keys + optional:
        tcode[c], cats = codes(targets[c])
        rcode[c] = cats.get_indexer(pd.Index(rows[c].to_numpy(object))).astype(np.int64)
        size[c] = len(cats)
    blank = {c: (rows[c] == "").to_numpy() for c in optional}
    for level in levels:
        cols = keys + list(level)
        mask = np.ones(len(rows), dtype=bool)
        for c in optional:
            mask &= ~blank[c] if c in level else blank[c]
        for c in cols:
            mask &= rcode[c] >= 0  # a name no target has matches nothing
        if not mask.any():
            continue
        todo = np.flatnonzero(found < 0)
        sizes = [size[c] for c in cols]
        hit = lookup(composite([tcode[c][todo] for c in cols], sizes), composite([rcode[c][mask] for c in cols], sizes))
        ok = hit >= 0
        found[todo[ok]] = np.flatnonzero(mask)[hit[ok]]
    return found
