"""The compiled loops give the numbers of the NumPy / SciPy expressions they replace.

Sums by bin and over ties are compared bit for bit (same additions in the same order, see
``cspsim.model.kernels``); the means by place of ties' means, which use another order of
addition, to float precision.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from conftest import tiny_config
from hypothesis import given, settings
from hypothesis import strategies as st

from cspsim.model import CommunitySafetyModel
from cspsim.model.kernels import (
    bin_sums,
    count_senders,
    resident_sums,
    scatter_over_ties,
    tie_sums,
    tie_sums4,
)
from cspsim.model.measures import HIGH_CONFIDENCE
from cspsim.model.residents import row_normalize


def _random_ties(n: int, density: float, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    upper = sp.random(n, n, density=density, random_state=rng, format="coo")
    rows = np.concatenate([upper.row, upper.col])
    cols = np.concatenate([upper.col, upper.row])
    keep = rows != cols
    ties = sp.csr_matrix((np.ones(keep.sum(), np.float32), (rows[keep], cols[keep])), shape=(n, n))
    ties.data[:] = 1.0
    return ties


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 300),
    bins=st.integers(1, 12),
    sort=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_bin_sums_equal_bincount_bit_for_bit(n, bins, sort, seed):
    rng = np.random.default_rng(seed)
    index = rng.integers(0, bins, n)
    if sort:  # runs of equal bins, as residents sorted by place give
        index = np.sort(index)
    a = rng.random(n).astype(np.float32)
    b = (rng.random(n) < 0.5).astype(np.float32)
    out = bin_sums(index, (a, b), bins)
    for column, values in zip(out, (a, b), strict=True):
        expected = np.bincount(index, weights=values, minlength=bins)
        assert np.array_equal(column, expected)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 200), density=st.floats(0.0, 0.2), seed=st.integers(0, 2**32 - 1))
def test_tie_sums_equal_the_sparse_products_bit_for_bit(n, density, seed):
    ties = _random_ties(n, density, seed)
    w = row_normalize(ties)
    rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(w.indptr))
    binary = sp.csr_matrix((np.ones(len(w.data), np.float32), w.indices, w.indptr), shape=(n, n))
    rng = np.random.default_rng(seed)
    a, b, c, d = (rng.random(n).astype(np.float32) for _ in range(4))
    out2 = [np.empty(n, np.float32) for _ in range(2)]
    tie_sums(rows, w.indices, w.data, a, b, *out2)
    out4 = [np.empty(n, np.float32) for _ in range(4)]
    tie_sums4(rows, w.indices, w.data, a, b, c, d, *out4)
    means = w @ np.column_stack([a, b])
    sums = binary @ np.column_stack([c, d])
    for got, want in zip(out2 + out4, [*means.T, *means.T, *sums.T], strict=True):
        assert np.array_equal(got, want)


def test_resident_sums_by_hand():
    trust = np.array([0.2, 0.6, 0.9, 0.5], np.float32)
    fear = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    engagement = np.array([0.5, 0.5, 0.5, 0.5], np.float32)
    belief = np.array([0.25, 0.5, 0.75, 1.0], np.float32)
    group = np.array([0, 1, 1, 0], np.int8)
    out = resident_sums(trust, fear, engagement, belief, group, np.float32(HIGH_CONFIDENCE))
    f = np.float64
    expected = [
        f(trust[0]) + f(trust[1]) + f(trust[2]) + f(trust[3]),
        f(fear[0]) + f(fear[1]) + f(fear[2]) + f(fear[3]),
        2.0,
        2.5,
        2.0,  # 0.6 and 0.9 are at or above high confidence
        f(trust[0]) + f(trust[3]),
        f(trust[1]) + f(trust[2]),
    ]
    np.testing.assert_allclose(out, expected, rtol=1e-15)


def test_place_tie_means_are_the_place_means_of_ties_means():
    m = CommunitySafetyModel(tiny_config())
    w, r = m.world, m.residents
    values = np.random.default_rng(1).random(r.n).astype(np.float32)
    np.testing.assert_allclose(
        w.place_tie_means(values), w.place_means(w.ties_w @ values), rtol=1e-6, atol=1e-9
    )


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 200), density=st.floats(0.0, 0.2), seed=st.integers(0, 2**32 - 1))
def test_scatter_over_ties_equals_bincount_over_senders_rows_bit_for_bit(n, density, seed):
    ties = _random_ties(n, density, seed)
    rng = np.random.default_rng(seed)
    c = np.where(rng.random(n) < 0.2, rng.random(n), 0.0).astype(np.float32)
    d = np.where(rng.random(n) < 0.2, 1.0, 0.0).astype(np.float32)
    assert count_senders(c, d) == np.count_nonzero((c != 0) | (d != 0))
    sum_c, sum_d = np.empty(n), np.empty(n)
    scatter_over_ties(ties.indptr, ties.indices, c, d, sum_c, sum_d)
    senders = np.flatnonzero((c != 0) | (d != 0))
    lengths = np.diff(ties.indptr)[senders]
    receivers = np.concatenate(
        [ties.indices[ties.indptr[s] : ties.indptr[s + 1]] for s in senders] or [[]]
    ).astype(np.int64)
    for got, x in ((sum_c, c), (sum_d, d)):
        want = np.bincount(receivers, weights=np.repeat(x[senders], lengths), minlength=n)
        assert np.array_equal(got, want)
