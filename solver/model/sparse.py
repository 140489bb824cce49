"""Compressed sparse row matrices and connected components in numpy: the little plantsplit needs of
scipy.sparse, so that the default install carries no scipy (about 140 MB).

``Csr`` holds a matrix the way ``LinearProgram`` does (``start``/``index``/``value``: each row's
entries, in the order given) and does what the solve rooms ask of it: rows or columns picked out
(in any order, a column picked twice appears twice, entries of a row keep their order), the
transpose (column by column, rows ascending within a column: the compressed sparse column arrays
HiGHS's ``addCols`` takes), and products with a vector. A product sums each row's entries in their
stored order (``np.bincount``), as scipy does, so results are the same to the last bit.

``components`` labels the connected components of an undirected graph by hooking and pointer
jumping (Shiloach and Vishkin 1982): every vertex points to a smaller one or to itself; each round
hooks the root of an edge's larger end under the smaller root and then shortcuts every pointer to
its root; an edge whose ends share a root is done for good, so each round works on fewer edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Csr:
    indptr: np.ndarray  # int64, one more than rows: row i's entries are indptr[i]:indptr[i + 1]
    indices: np.ndarray  # int64 column of each entry
    data: np.ndarray  # float value of each entry
    shape: tuple[int, int]
    _rows: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_arrays(cls, data, indices, indptr, shape: tuple[int, int]) -> Csr:
        """The matrix of CSR arrays (a LinearProgram's ``value, index, start``), as given."""
        return cls(np.asarray(indptr, np.int64), np.asarray(indices, np.int64), np.asarray(data, float), shape)

    @classmethod
    def from_coo(cls, row, col, data, shape: tuple[int, int]) -> Csr:
        """The matrix with a_ij = the sum of the ``data`` given at (i, j); each row's columns ascending."""
        row, col, data = np.asarray(row, np.int64), np.asarray(col, np.int64), np.asarray(data, float)
        order = np.lexsort((col, row))
        row, col, data = row[order], col[order], data[order]
        first = np.ones(len(row), bool)
        first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
        starts = np.flatnonzero(first)
        summed = np.add.reduceat(data, starts) if len(starts) else data[:0]
        indptr = np.zeros(shape[0] + 1, np.int64)
        np.cumsum(np.bincount(row[starts], minlength=shape[0]), out=indptr[1:])
        return cls(indptr, col[starts], summed, shape)

    @property
    def nnz(self) -> int:
        return len(self.data)

    def entry_rows(self) -> np.ndarray:
        """The row of each entry (kept: products with the same matrix reuse it)."""
        if self._rows is None:
            self._rows = np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))
        return self._rows

    def toarray(self) -> np.ndarray:
        out = np.zeros(self.shape)
        np.add.at(out, (self.entry_rows(), self.indices), self.data)
        return out

    def __matmul__(self, x) -> np.ndarray:
        """A x for a vector x."""
        x = np.asarray(x, float)
        return np.bincount(self.entry_rows(), self.data * x[self.indices], minlength=self.shape[0]).astype(float)

    def rmatvec(self, y) -> np.ndarray:
        """A' y for a vector y (sums in row order)."""
        y = np.asarray(y, float)
        return np.bincount(self.indices, self.data * y[self.entry_rows()], minlength=self.shape[1]).astype(float)

    def rows(self, which) -> Csr:
        """The rows ``which`` (indices, in that order)."""
        which = np.asarray(which, np.int64)
        counts = self.indptr[which + 1] - self.indptr[which]
        indptr = np.zeros(len(which) + 1, np.int64)
        np.cumsum(counts, out=indptr[1:])
        take = np.repeat(self.indptr[which] - indptr[:-1], counts) + np.arange(indptr[-1])
        return Csr(indptr, self.indices[take], self.data[take], (len(which), self.shape[1]))

    def row_range(self, start: int, stop: int) -> Csr:
        """Rows start to stop - 1 (a view of this matrix's arrays)."""
        lo, hi = self.indptr[start], self.indptr[stop]
        return Csr(
            self.indptr[start : stop + 1] - lo, self.indices[lo:hi], self.data[lo:hi], (stop - start, self.shape[1])
        )

    def cols(self, which) -> Csr:
        """The columns ``which`` (indices, in that order; a column named twice appears twice, its
        copies next to each other in a row in the order of ``which``)."""
        which = np.asarray(which, np.int64)
        count = np.bincount(which, minlength=self.shape[1])
        if not len(which) or count.max() == 1:  # each column at most once: keep and renumber
            new = np.full(self.shape[1], -1, np.int64)
            new[which] = np.arange(len(which))
            col = new[self.indices]
            keep = col >= 0
            indptr = np.zeros(self.shape[0] + 1, np.int64)
            np.cumsum(np.bincount(self.entry_rows()[keep], minlength=self.shape[0]), out=indptr[1:])
            return Csr(indptr, col[keep], self.data[keep], (self.shape[0], len(which)))
        order = np.argsort(which, kind="stable")
        first = np.zeros(self.shape[1] + 1, np.int64)
        np.cumsum(count, out=first[1:])
        copies = count[self.indices]
        entry = np.repeat(np.arange(self.nnz), copies)
        within = np.arange(len(entry)) - np.repeat(np.cumsum(copies) - copies, copies)
        new_col = order[first[self.indices[entry]] + within]
        indptr = np.zeros(self.shape[0] + 1, np.int64)
        np.cumsum(np.bincount(self.entry_rows(), copies, minlength=self.shape[0]).astype(np.int64), out=indptr[1:])
        return Csr(indptr, new_col, self.data[entry], (self.shape[0], len(which)))

    def col_range(self, start: int, stop: int) -> Csr:
        """Columns start to stop - 1."""
        keep = (self.indices >= start) & (self.indices < stop)
        indptr = np.zeros(self.shape[0] + 1, np.int64)
        np.cumsum(np.bincount(self.entry_rows()[keep], minlength=self.shape[0]), out=indptr[1:])
        return Csr(indptr, self.indices[keep] - start, self.data[keep], (self.shape[0], stop - start))

    def transpose(self) -> Csr:
        """A' as a Csr: the compressed sparse column arrays of A (each column's rows ascending
        when A's rows are in order, as they are)."""
        order = np.argsort(self.indices, kind="stable")
        indptr = np.zeros(self.shape[1] + 1, np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.shape[1]), out=indptr[1:])
        return Csr(indptr, self.entry_rows()[order], self.data[order], (self.shape[1], self.shape[0]))

    def sorted(self) -> Csr:
        """The same matrix with each row's columns ascending (this one when they are)."""
        rising = np.diff(self.indices) > 0
        starts = self.indptr[1:-1]
        rising[starts[(starts > 0) & (starts < self.nnz)] - 1] = True  # a row's first entry follows any column
        if rising.all():
            return self
        order = np.lexsort((self.indices, self.entry_rows()))
        return Csr(self.indptr, self.indices[order], self.data[order], self.shape)


def components(n: int, u, v) -> tuple[int, np.ndarray]:
    """(number of components, component of each vertex) of the undirected graph on vertices
    0..n-1 with edges (u[k], v[k]). Components are numbered by their smallest vertex, as
    scipy.sparse.csgraph.connected_components numbers them."""
    parent = np.arange(n, dtype=np.int64)
    u, v = np.asarray(u, np.int64), np.asarray(v, np.int64)
    while len(u):
        pu, pv = parent[u], parent[v]
        apart = pu != pv
        u, v, pu, pv = u[apart], v[apart], pu[apart], pv[apart]
        if not len(u):
            break
        np.minimum.at(parent, np.maximum(pu, pv), np.minimum(pu, pv))  # roots only: pointers go down
        while True:
            up = parent[parent]
            if np.array_equal(up, parent):
                break
            parent = up
    root = parent == np.arange(n)
    number = np.cumsum(root) - 1  # roots in ascending order: by smallest vertex
    return int(root.sum()), number[parent]
