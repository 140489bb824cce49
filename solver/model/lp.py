"""A linear program as sparse arrays, assembled from blocks of columns and rows.

Each constraint-family module returns a ``Cols`` and/or ``Rows`` block whose
coefficients reference columns by global index. ``LinearProgram`` concatenates
them; ``to_pulp`` turns it into a PuLP ``LpProblem`` (for CBC, any PuLP solver and
``--write-lp``) and ``solve.highs`` loads the same arrays into HiGHS in one call.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

INF = float("inf")


@dataclass
class Cols:
    family: str
    names: "Names | np.ndarray"
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray | None = None


@dataclass
class Rows:
    family: str
    names: "Names | np.ndarray"
    lower: np.ndarray
    upper: np.ndarray
    row: np.ndarray  # local row index of each coefficient
    col: np.ndarray  # global column index of each coefficient
    coef: np.ndarray
    meta: pd.DataFrame | None = None  # the data each row traces to


@dataclass
class LinearProgram:
    col_names: "Names | np.ndarray"  # a lazy Names: read it only when names are needed
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    row_names: "Names | np.ndarray"
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray  # CSR row starts
    index: np.ndarray
    value: np.ndarray
    col_family: dict[str, slice] = field(default_factory=dict)
    row_family: dict[str, slice] = field(default_factory=dict)
    row_meta: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Discount factor d(t) of each column's and row's period (1 = present value already, e.g. builds).
    # A cost or dual divided by it is in the money of its own period.
    col_discount: np.ndarray | None = None
    row_discount: np.ndarray | None = None

    def keep_rows(self, family: str, keep: np.ndarray) -> LinearProgram:
        """This LP with only the rows of ``family`` that ``keep`` (a mask over them) marks; every
        other row, column and family as it is. The same LP as building the family with only those
        rows (linking.py's ``keep``), without building the rest again."""
        rs = self.family_rows(family)
        kept_mask = np.ones(self.num_row, bool)
        kept_mask[rs] = np.asarray(keep, bool)
        if kept_mask.all():
            return self
        kept = np.flatnonzero(kept_mask)
        lens = np.diff(self.start)[kept]
        first = self.start[kept]
        take = np.repeat(first - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens) + np.arange(lens.sum())
        at = np.concatenate([[0], np.cumsum(kept_mask)])
        meta = dict(self.row_meta)
        if family in meta:
            meta[family] = meta[family].iloc[np.flatnonzero(np.asarray(keep, bool))].reset_index(drop=True)
        families = {f: slice(int(at[r.start]), int(at[r.stop])) for f, r in self.row_family.items()}
        if families[family].start == families[family].stop:  # as the Builder: an empty family is no family
            del families[family]
            meta.pop(family, None)
        names = self.row_names
        return dataclasses.replace(
            self,
            row_names=names.take(kept) if isinstance(names, Names) else np.asarray(names, dtype=object)[kept],
            row_lower=self.row_lower[kept],
            row_upper=self.row_upper[kept],
            start=np.concatenate([[0], np.cumsum(lens)]).astype(np.int64),
            index=self.index[take],
            value=self.value[take],
            row_family=families,
            row_meta=meta,
            row_discount=None if self.row_discount is None else self.row_discount[kept],
        )

    @property
    def num_col(self) -> int:
        return len(self.cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())

    def family_rows(self, family: str) -> slice:
        return self.row_family.get(family, slice(0, 0))

    def family_cols(self, family: str) -> slice:
        return self.col_family.get(family, slice(0, 0))


class Builder:
    """Collects column and row blocks in order; columns first get global indices."""

    def __init__(self) -> None:
        self.cols: list[Cols] = []
        self.rows: list[Rows] = []
        self.ncol = 0

    def add_cols(self, block: Cols) -> np.ndarray:
        idx = np.arange(self.ncol, self.ncol + len(block.cost), dtype=np.int64)
        self.cols.append(block)
        self.ncol += len(block.cost)
        return idx

    def add_rows(self, block: Rows) -> None:
        if len(block.names):
            self.rows.append(block)

    def finish(self) -> LinearProgram:
        col_family, row_family, meta = {}, {}, {}
        at = 0
        for b in self.cols:
            col_family[b.family] = slice(at, at + len(b.cost))
            at += len(b.cost)
        at, rows, cols, vals = 0, [], [], []
        for block in self.rows:
            row_family[block.family] = slice(at, at + len(block.names))
            rows.append(block.row + at)
            cols.append(block.col)
            vals.append(block.coef)
            if block.meta is not None:
                meta[block.family] = block.meta.reset_index(drop=True)
            at += len(block.names)
        nrow = at
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        v = np.concatenate(vals) if vals else np.zeros(0)
        ncol = sum(len(b.cost) for b in self.cols)
        order = np.argsort(r * (ncol + 1) + c, kind="stable")  # by row, then column
        r, c, v = r[order], c[order], v[order]
        start = np.concatenate([[0], np.cumsum(np.bincount(r, minlength=nrow))]).astype(np.int64)

        def cat(attr, dtype=float):
            parts = [np.asarray(getattr(b, attr), dtype=dtype) for b in self.cols]
            return np.concatenate(parts) if parts else np.zeros(0, dtype)

        integer = (
            np.concatenate(
                [
                    np.asarray(b.integer if b.integer is not None else np.zeros(len(b.cost), bool), bool)
                    for b in self.cols
                ]
            )
            if self.cols
            else np.zeros(0, bool)
        )
        return LinearProgram(
            col_names=_concat_names([b.names for b in self.cols]),
            cost=cat("cost"),
            col_lower=cat("lower"),
            col_upper=cat("upper"),
            integer=integer,
            row_names=_concat_names([b.names for b in self.rows]),
            row_lower=np.concatenate([b.lower for b in self.rows]) if self.rows else np.zeros(0),
            row_upper=np.concatenate([b.upper for b in self.rows]) if self.rows else np.zeros(0),
            start=start,
            index=c,
            value=v,
            col_family=col_family,
            row_family=row_family,
            row_meta=meta,
        )


def _concat_names(blocks: list) -> "Names":
    """One lazy sequence of the blocks' names, in order (nothing is built here)."""
    out: list = []
    for b in blocks:
        out += b._blocks if isinstance(b, Names) and b._array is None else [np.asarray(b, dtype=object)]
    return Names(out)


class Names:
    """The names of a block of columns or rows, built only when something reads them
    (``--write-lp``, ``--write-model``, the ranging report, infeasibility messages): a
    million name strings take about a second and 100 MB that a plain solve never uses.
    Behaves as a read-only sequence of str; ``np.asarray`` gives the object array."""

    def __init__(self, blocks: list) -> None:
        self._blocks = blocks  # each: np.ndarray, or (prefix, parts) for _build_names
        self._n = sum(_block_len(b) for b in blocks)
        self._array: np.ndarray | None = None

    def __len__(self) -> int:
        return self._n

    @property
    def array(self) -> np.ndarray:
        if self._array is None:
            parts = [_build_names(*b) if isinstance(b, tuple) else np.asarray(b, dtype=object) for b in self._blocks]
            self._array = np.concatenate(parts).astype(object) if parts else np.zeros(0, object)
            self._blocks = []
        return self._array

    def __getitem__(self, i):
        return self.array[i]

    def take(self, kept: np.ndarray) -> Names:
        """The names at the (ascending) positions ``kept``, still built only when read."""
        if self._array is not None:
            return Names([self._array[kept]])
        out: list = []
        at = 0
        for b in self._blocks:
            n = _block_len(b)
            sel = kept[(kept >= at) & (kept < at + n)] - at
            if len(sel):
                if isinstance(b, tuple):
                    out.append((b[0], tuple(p.iloc[sel].reset_index(drop=True) for p in b[1])))
                else:
                    out.append(np.asarray(b, dtype=object)[sel])
            at += n
        return Names(out)

    def __iter__(self):
        return iter(self.array)

    def __array__(self, dtype=None, copy=None):
        return self.array if dtype is None else self.array.astype(dtype)


def _block_len(b) -> int:
    return len(b[1][0]) if isinstance(b, tuple) else len(b)


def names(prefix: str, *parts: pd.Series | pd.Categorical[Any]) -> Names:
    """``prefix[a,b,c]`` names (blank parts left out), built when first read."""
    parts = tuple(pd.Series(p).reset_index(drop=True) for p in parts)
    return Names([(prefix, parts)])


def _build_names(prefix: str, parts: tuple) -> np.ndarray:
    """Vectorised ``prefix[a,b,c]`` names; blank parts are left out."""
    joined: pd.Series = parts[0].astype(str)  # a block of names has at least one part (_block_len)
    for p in parts[1:]:
        s = p.astype(str)
        joined = joined.where(s == "", joined + "," + s)
    return (prefix + "[" + joined + "]").to_numpy(dtype=object)


def to_pulp(lp: LinearProgram, relax: bool = False):
    """The same model as a PuLP LpProblem; returns (problem, variables, constraints) in LP order."""
    import pulp

    prob = pulp.LpProblem("plantsplit", pulp.LpMinimize)
    variables = []
    for j in range(lp.num_col):
        lo = lp.col_lower[j]
        up = lp.col_upper[j]
        cat = (
            pulp.LpBinary
            if (lp.integer[j] and not relax and lo == 0 and up == 1)
            else (pulp.LpInteger if lp.integer[j] and not relax else pulp.LpContinuous)
        )
        variables.append(
            prob.add_variable(
                f"x{j}_{_safe(lp.col_names[j])}",
                lowBound=None if lo == -INF else lo,
                upBound=None if up == INF else up,
                cat=cat,
            )
        )
    prob += pulp.LpAffineExpression([(variables[j], lp.cost[j]) for j in np.flatnonzero(lp.cost)], name="total_cost")
    constraints = []
    for i in range(lp.num_row):
        s, e = lp.start[i], lp.start[i + 1]
        expr = pulp.LpAffineExpression([(variables[j], v) for j, v in zip(lp.index[s:e], lp.value[s:e], strict=True)])
        lo, up = lp.row_lower[i], lp.row_upper[i]
        name = f"r{i}_{_safe(lp.row_names[i])}"
        if lo == up:
            con = pulp.LpConstraint(expr, pulp.LpConstraintEQ, name, lo)
        elif lo == -INF:
            con = pulp.LpConstraint(expr, pulp.LpConstraintLE, name, up)
        elif up == INF:
            con = pulp.LpConstraint(expr, pulp.LpConstraintGE, name, lo)
        else:
            raise ValueError(f"ranged row {lp.row_names[i]} is not supported")
        prob += con
        constraints.append(con)
    return prob, variables, constraints


def _safe(name: str) -> str:
    out = str(name)
    for ch in "[],-+ ->/:;=<>*^":
        out = out.replace(ch, "_")
    return out.strip("_")
