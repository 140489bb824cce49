"""solver.model.sparse: the numpy CSR matrix and connected components that replace scipy's in the
solve rooms. Hand-worked small cases, then agreement with scipy (a test dependency only) on
random ones, to the last bit for the products (the solve's numbers must not move)."""

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from solver.model.sparse import Csr, components

# A = [[1, 0, 2],
#      [0, 0, 0],
#      [3, 4, 0]]
A = Csr.from_arrays([1.0, 2.0, 3.0, 4.0], [0, 2, 0, 1], [0, 2, 2, 4], (3, 3))


def test_products_by_hand():
    assert (A @ np.array([1.0, 1.0, 1.0])).tolist() == [3.0, 0.0, 7.0]
    assert (A @ np.array([1.0, 10.0, 100.0])).tolist() == [201.0, 0.0, 43.0]
    assert A.rmatvec(np.array([1.0, 10.0, 100.0])).tolist() == [301.0, 400.0, 2.0]
    assert A.toarray().tolist() == [[1, 0, 2], [0, 0, 0], [3, 4, 0]]
    assert A.nnz == 4 and A.entry_rows().tolist() == [0, 0, 2, 2]


def test_rows_and_columns_by_hand():
    r = A.rows([2, 0, 1])
    assert r.toarray().tolist() == [[3, 4, 0], [1, 0, 2], [0, 0, 0]]
    assert r.indptr.tolist() == [0, 2, 4, 4]
    c = A.cols([2, 0, 2])  # a column twice: twice, in the order asked
    assert c.toarray().tolist() == [[2, 1, 2], [0, 0, 0], [0, 3, 0]]
    assert c.shape == (3, 3) and c.indptr.tolist() == [0, 3, 3, 4]
    assert c.indices.tolist() == [1, 0, 2, 1]  # entries keep the row's order: column 0's, then column 2's copies
    assert A.cols([2, 0]).toarray().tolist() == [[2, 1], [0, 0], [0, 3]] and A.cols([2, 0]).indices.tolist() == [
        1,
        0,
        1,
    ]
    assert A.cols([]).shape == (3, 0) and A.cols([]).nnz == 0
    assert A.rows([]).shape == (0, 3) and A.rows([]).indptr.tolist() == [0]
    assert A.row_range(1, 3).toarray().tolist() == [[0, 0, 0], [3, 4, 0]]
    assert A.col_range(1, 3).toarray().tolist() == [[0, 2], [0, 0], [4, 0]]


def test_transpose_by_hand():
    t = A.transpose()  # the compressed column arrays of A
    assert t.indptr.tolist() == [0, 2, 3, 4]
    assert t.indices.tolist() == [0, 2, 2, 0]
    assert t.data.tolist() == [1.0, 3.0, 4.0, 2.0]
    assert t.shape == (3, 3)


def test_from_coo_sums_duplicates_and_sorts_by_hand():
    m = Csr.from_coo([0, 0, 0, 2], [2, 0, 2, 1], [1.0, 5.0, 1.0, -1.0], (3, 3))
    assert m.indptr.tolist() == [0, 2, 2, 3]
    assert m.indices.tolist() == [0, 2, 1]
    assert m.data.tolist() == [5.0, 2.0, -1.0]
    empty = Csr.from_coo([], [], [], (2, 4))
    assert empty.indptr.tolist() == [0, 0, 0] and empty.nnz == 0


def test_sorted_by_hand():
    m = Csr.from_arrays([1.0, 2.0, 3.0], [2, 0, 1], [0, 2, 3], (2, 3)).sorted()
    assert m.indices.tolist() == [0, 2, 1] and m.data.tolist() == [2.0, 1.0, 3.0]
    m = Csr.from_arrays([1.0, 2.0], [1, 0], [0, 0, 2], (2, 2)).sorted()  # an empty first row
    assert m.indices.tolist() == [0, 1] and m.data.tolist() == [2.0, 1.0]
    m = Csr.from_arrays([1.0, 2.0], [1, 0], [0, 0, 1, 2], (3, 2))  # one entry a row: sorted already
    assert m.sorted() is m


def test_components_by_hand():
    # {0}, {1, 4, 6}, {2, 5}, {3} (a loop at 3), numbered by their smallest vertex
    n, label = components(7, [1, 4, 2, 3], [4, 6, 5, 3])
    assert n == 4
    assert label.tolist() == [0, 1, 2, 3, 1, 2, 1]
    assert components(3, [], [])[1].tolist() == [0, 1, 2]
    assert components(0, [], [])[0] == 0


def test_components_long_path_and_star():
    # a path through 100,000 vertices in a random order: one component (a label-propagation
    # method would need 100,000 rounds); a star hooked from its largest vertex
    rng = np.random.default_rng(3)
    order = rng.permutation(100_000)
    n, label = components(100_000, order[:-1], order[1:])
    assert n == 1 and not label.any()
    n, label = components(1_001, np.full(1_000, 1_000), np.arange(1_000))
    assert n == 1 and not label.any()


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_scipy_on_random_matrices(seed):
    rng = np.random.default_rng(seed)
    m, n, nnz = rng.integers(1, 40), rng.integers(1, 40), rng.integers(0, 200)
    r, c = rng.integers(0, m, nnz), rng.integers(0, n, nnz)
    v = rng.normal(size=nnz) * 10.0 ** rng.integers(-8, 8, nnz)
    ours = Csr.from_coo(r, c, v, (m, n))
    theirs = csr_matrix((v, (r, c)), shape=(m, n))
    theirs.sum_duplicates()
    assert ours.indptr.tolist() == theirs.indptr.tolist() and ours.indices.tolist() == theirs.indices.tolist()
    assert ours.data.tolist() == theirs.data.tolist()
    x, y = rng.normal(size=n), rng.normal(size=m)
    assert (ours @ x).tolist() == (theirs @ x).tolist()  # the same sums in the same order: bit for bit
    assert ours.rmatvec(y).tolist() == (theirs.T @ y).tolist()
    rows, cols = rng.integers(0, m, 15), rng.integers(0, n, 15)
    assert np.array_equal(ours.rows(rows).cols(cols).toarray(), theirs[rows][:, cols].toarray())
    some = np.unique(cols)
    assert (ours.cols(some) @ x[some]).tolist() == (theirs[:, some] @ x[some]).tolist()
    csc, theirs_csc = ours.cols(some).transpose(), theirs[:, some].tocsc()
    assert csc.indptr.tolist() == theirs_csc.indptr.tolist() and csc.indices.tolist() == theirs_csc.indices.tolist()
    assert csc.rmatvec(x[some]).tolist() == (theirs_csc @ x[some]).tolist()
    assert ours.cols(some).rmatvec(y).tolist() == (theirs[:, some].T.tocsr() @ y).tolist()


@pytest.mark.parametrize("seed", range(6))
def test_components_agree_with_scipy_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3_000))
    e = int(rng.integers(0, 2 * n))
    u, v = rng.integers(0, n, e), rng.integers(0, n, e)
    ncomp, label = components(n, u, v)
    k, theirs = connected_components(csr_matrix((np.ones(e), (u, v)), shape=(n, n)), directed=False)
    assert ncomp == k and label.tolist() == theirs.tolist()
