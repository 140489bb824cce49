"""Integer codes for the names of a case: the hot path (a million flow arcs) joins and sorts
on small integers instead of strings.

A column of names becomes a pandas Categorical: one small integer per row plus the list
of names once. Two tables whose key columns share categories merge on those integers;
``align`` gives a small table the categories of a large one before a merge. A key of
several columns is one int64 (``composite``), looked up by binary search (``lookup``).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import pandas as pd


def codes(values) -> tuple[np.ndarray, pd.Index]:
    """(code per value, the distinct values): categories of a Categorical (its own small
    integer codes, not copied), else factorized (int32: a million values of a few thousand
    names need no int64)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), s.cat.categories
    c, uniques = pd.factorize(s.to_numpy(object))
    return c.astype(np.int32 if len(uniques) < 2**31 else np.int64), pd.Index(uniques, dtype=object)


def categorical(codes_: np.ndarray, categories) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes_), categories=pd.Index(list(categories), dtype=object))


def composite(columns: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """One int64 per row from several code columns (each in 0..size-1)."""
    key = np.zeros(len(columns[0]) if columns else 0, np.int64)
    for c, n in zip(columns, sizes, strict=True):  # in place: no temporary the size of the key
        key *= n + 1
        key += c
    return key


def lookup(keys: np.ndarray, table_keys: np.ndarray) -> np.ndarray:
    """Position in ``table_keys`` of each key (the first, if repeated), or -1."""
    if len(table_keys) == 0 or len(keys) == 0:
        return np.full(len(keys), -1, np.int64)
    uniq, first = np.unique(table_keys, return_index=True)
    i = np.searchsorted(uniq, keys)
    np.minimum(i, len(uniq) - 1, out=i)
    hit = uniq[i] == keys
    found = first[i]
    del i
    found[~hit] = -1
    return found


def align(df: pd.DataFrame, like: pd.DataFrame, cols) -> pd.DataFrame:
    """``df`` with each of ``cols`` given ``like``'s categories where ``like``'s column is
    categorical (names it does not know become missing and match nothing of ``like``)."""
    out = {}
    for c in cols:
        dtype = like[c].dtype
        if isinstance(dtype, pd.CategoricalDtype) and df[c].dtype != dtype:
            out[c] = pd.Categorical(df[c].to_numpy(object), dtype=dtype)
    return df.assign(**out) if out else df


@overload
def plain(df: pd.DataFrame) -> pd.DataFrame: ...
@overload
def plain(df: None) -> None: ...
def plain(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """``df`` with categorical columns back as plain text (tables users and writers see)."""
    if df is None:
        return None
    cats = {
        c: df[c].astype(df[c].cat.categories.dtype) for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)
    }
    return df.assign(**cats) if cats else df


def pairs_by_key(pair_market: np.ndarray, dem_market: np.ndarray, n_markets: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (pair, demand row) with the same market: an inner join on integer codes."""
    order = np.argsort(dem_market, kind="stable")
    count = np.bincount(dem_market, minlength=n_markets)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    per_pair = np.where(pair_market >= 0, count[np.maximum(pair_market, 0)], 0)
    pair = np.repeat(np.arange(len(pair_market)), per_pair)
    within = np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    return pair, order[start[pair_market[pair]] + within]


def code32(names: pd.Index, values) -> np.ndarray:
    """int32 position of each value in ``names`` (-1: not there): a case has far fewer than
    2**31 names of a kind, and half the bytes of int64 codes over a million arcs."""
    return names.get_indexer(pd.Index(pd.Series(values).to_numpy(object))).astype(np.int32)
