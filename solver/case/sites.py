"""Plants and hubs as one table of sites: what may carry a fixed cost and close (model/closing.py)."""

from __future__ import annotations

import pandas as pd


def column(table: pd.DataFrame, name: str) -> pd.Series:
    """A table's optional column, or blanks where the table has none."""
    return table[name] if name in table else pd.Series([pd.NA] * len(table), index=table.index)


def sites(case) -> pd.DataFrame:
    """Plants, then hubs, as one table: ``plant`` (the name), ``currency`` (a hub's blank = reporting),
    ``kind`` (plant or hub) and the columns fixed_cost, close_from, closing_cost."""
    cols = ["fixed_cost", "close_from", "closing_cost"]
    plants = case.plants.assign(kind="plant", **{c: column(case.plants, c) for c in cols})
    nodes = case.nodes.rename(columns={"hub": "plant"})
    nodes = nodes.assign(kind="hub", currency=nodes["currency"].where(nodes["currency"] != "", case.currency),
                         **{c: column(nodes, c) for c in cols})  # fmt: skip
    return pd.concat([plants[["plant", "currency", "kind", *cols]], nodes[["plant", "currency", "kind", *cols]]],
                     ignore_index=True)  # fmt: skip
