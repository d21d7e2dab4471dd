"""The compiled loops give the numbers of the NumPy / SciPy expressions they replace.

Sums by bin and over ties are compared bit for bit (same additions in the same order, see
``cspsim.model.kernels``); the means by place of ties' means, which use another order of
addition, to float precision.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import tiny_config
from hypothesis import given, settings
from hypothesis import strategies as st

from cspsim.model import CommunitySafetyModel
from cspsim.model.components._gatherings import attend, hear_judgement, shares
from cspsim.model.components.meetings import _at_least, _attendance_score
from cspsim.model.components.volunteering import _volunteer
from cspsim.model.kernels import (
    LANES,
    count_at,
    csr_times,
    grow_towards_one,
    pairwise_sum,
    pick_by_weight,
    range_sums,
    resident_sums,
    scatter_over_ties,
    segment_cdfs,
    slice_rows,
    tie_sums,
    tie_sums4,
)
from cspsim.model.measures import HIGH_CONFIDENCE
from cspsim.model.processes.arrests import _drift_back
from cspsim.model.processes.crime import _offending
from cspsim.model.processes.deployment import _cdf, _search_right
from cspsim.model.processes.engagement import _count_at_least, _relax
from cspsim.model.processes.programs import _count_enrolled, _effects
from cspsim.model.processes.trust_passes import add_experience, hear_and_talk
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


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 400),
    bins=st.integers(1, 14),
    subset=st.booleans(),
    by_size=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_range_sums_equal_bincount_of_sorted_bins_bit_for_bit(n, bins, subset, by_size, seed):
    # Bins of unequal sizes in any order: four summed side by side, then each one's rest.
    rng = np.random.default_rng(seed)
    index = np.sort(rng.integers(0, bins, n) ** 2 % bins)
    count = np.bincount(index, minlength=bins)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    a = rng.random(n).astype(np.float32)
    b = (rng.random(n) * 1e6).astype(np.float32)
    rows = np.argsort(count, kind="stable") if by_size else rng.permutation(bins)
    if subset:
        rows = rows[rng.random(bins) < 0.5]
    got = range_sums(start, count, rows, (a, b))
    for column, values in zip(got, (a, b), strict=True):
        expected = np.bincount(index, weights=values, minlength=bins)[rows]
        assert np.array_equal(column, expected)


def test_range_sums_by_hand():
    # Ranges of lengths 3, 1, 0, 2, 1 (five rows: four side by side, one alone).
    col = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0, 100.0], np.float32)
    starts, counts = np.array([0, 3, 4, 4, 6]), np.array([3, 1, 0, 2, 1])
    got = range_sums(starts, counts, np.array([4, 0, 1, 2, 3]), (col,))
    np.testing.assert_array_equal(got, [[100.0, 6.0, 10.0, 0.0, 50.0]])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 700), density=st.floats(0.0, 0.05), seed=st.integers(0, 2**32 - 1))
def test_tie_sums_equal_the_sparse_products_bit_for_bit(n, density, seed):
    # Up to 700 rows: several sorting windows (SORT_WINDOW rows each) and a partial last one.
    ties = _random_ties(n, density, seed)
    w = row_normalize(ties)
    binary = sp.csr_matrix((np.ones(len(w.data), np.float32), w.indices, w.indptr), shape=(n, n))
    rng = np.random.default_rng(seed)
    a, b, c, d = (rng.random(n).astype(np.float32) for _ in range(4))
    out2 = [np.empty(n, np.float32) for _ in range(2)]
    tie_sums(*slice_rows(w), a, b, *out2)
    out4 = [np.empty(n, np.float32) for _ in range(4)]
    tie_sums4(*slice_rows(w), a, b, c, d, *out4)
    means = w @ np.column_stack([a, b])
    sums = binary @ np.column_stack([c, d])
    for got, want in zip(out2 + out4, [*means.T, *means.T, *sums.T], strict=True):
        assert np.array_equal(got, want)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 60),
    columns=st.integers(1, 5),
    density=st.floats(0.0, 0.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_csr_times_equals_scipys_product_bit_for_bit(n, columns, density, seed):
    # Signed values over many magnitudes (so the order of additions shows), rows in any
    # order of columns, empty rows, and one column as the 1-D product.
    rng = np.random.default_rng(seed)
    matrix = sp.random(n, n, density=density, format="csr", random_state=rng)
    matrix.data = rng.normal(size=matrix.nnz) * 10.0 ** rng.integers(-8, 8, matrix.nnz)
    matrix.indices = matrix.indices.copy()
    for i in range(n):  # unsorted columns within rows
        rng.shuffle(matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]])
    x = rng.normal(size=(n, columns)) * 10.0 ** rng.integers(-8, 8, (n, columns))
    got = csr_times(matrix.indptr, matrix.indices, matrix.data, x)
    assert np.array_equal(got, matrix @ x)
    one = csr_times(matrix.indptr, matrix.indices, matrix.data, x[:, :1].copy())
    assert np.array_equal(one[:, 0], matrix @ x[:, 0])


def test_csr_times_by_hand():
    # [[2, 0, 1], [0, 0, 0], [0.5, 3, 0]] @ [[1, 10], [2, 20], [4, 40]]
    matrix = sp.csr_matrix(np.array([[2.0, 0, 1], [0, 0, 0], [0.5, 3, 0]]))
    x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
    got = csr_times(matrix.indptr, matrix.indices, matrix.data, x)
    assert got.tolist() == [[6.0, 60.0], [0.0, 0.0], [6.5, 65.0]]


def test_slice_rows_lays_out_rows_by_length_in_slices_of_lanes():
    # 10 rows: row 3 has three entries, rows 0 and 7 two, rows 1 and 9 one, the rest none.
    dense = np.zeros((10, 10), np.float32)
    dense[3, [1, 4, 8]] = [0.5, 0.25, 0.25]
    dense[0, [2, 5]] = 0.5
    dense[7, [6, 9]] = 0.5
    dense[1, 0] = 1.0
    dense[9, 3] = 1.0
    s = slice_rows(sp.csr_matrix(dense))
    assert LANES == 8
    # Longest first, ties in row order; the second slice holds two rows and six empty lanes.
    assert s.lane_rows.tolist() == [3, 0, 7, 1, 9, 2, 4, 5, 6, 8] + [-1] * 6
    assert s.widths.tolist() == [3, 0]
    assert s.starts.tolist() == [0, 24, 24]
    # Entry k of lane l sits at k * LANES + l: the first entries of rows 3, 0, 7, 1, 9 ...
    assert s.columns[:8].tolist() == [1, 2, 6, 0, 3, 0, 0, 0]
    assert s.columns[8:16].tolist() == [4, 5, 9, 0, 0, 0, 0, 0]
    assert s.columns[16:24].tolist() == [8, 0, 0, 0, 0, 0, 0, 0]
    assert s.weights[:8].tolist() == [0.5, 0.5, 0.5, 1.0, 1.0, 0, 0, 0]
    assert s.weights[16:24].tolist() == [0.25] + [0] * 7
    out = [np.full(10, np.nan, np.float32) for _ in range(2)]
    values = np.arange(10, dtype=np.float32)
    tie_sums(*s, values, values * 2, *out)
    assert out[0].tolist() == [3.5, 0.0, 0, 0.5 + 1.0 + 2.0, 0, 0, 0, 7.5, 0, 3.0]
    assert out[1].tolist() == (out[0] * 2).tolist()


def test_count_at_adds_repeats_in_the_targets_dtype():
    counts = np.zeros(4, np.int32)
    count_at(counts, np.array([1, 3, 1, 1]))
    assert counts.tolist() == [0, 3, 0, 1] and counts.dtype == np.int32
    heard = np.array([0.1, 0.2, 0.3], np.float32)
    count_at(heard, np.array([2, 2, 0]))
    want = np.array([0.1, 0.2, 0.3], np.float32)
    np.add.at(want, np.array([2, 2, 0]), 1.0)
    assert np.array_equal(heard, want) and heard.dtype == np.float32


def _pick_by_weight_numpy(weights, starts, counts, groups, columns, u, ids, out):
    """The NumPy form pick_by_weight replaced (World.pick_offender before)."""
    cum = np.cumsum(weights, axis=0)
    first = starts[groups]
    last = first + counts[groups] - 1
    has = counts[groups] > 0
    below = np.where(first > 0, cum[np.maximum(first - 1, 0), columns], 0.0)
    total = np.where(has, cum[np.maximum(last, 0), columns] - below, 0.0)
    local = has & (total > 0)
    if not local.any():
        return
    target = below[local] + u[local] * total[local]
    pick = np.empty(int(local.sum()), dtype=np.int64)
    for t in np.unique(columns[local]):
        sel = columns[local] == t
        pick[sel] = np.searchsorted(cum[:, t], target[sel], side="right")
    out[local] = ids[np.clip(pick, first[local], last[local])]


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 200),
    groups=st.integers(1, 15),
    draws=st.integers(0, 60),
    zeros=st.floats(0.0, 0.9),
    seed=st.integers(0, 2**32 - 1),
)
def test_pick_by_weight_equals_the_numpy_draw(n, groups, draws, zeros, seed):
    rng = np.random.default_rng(seed)
    group = np.sort(rng.integers(0, groups, n))
    counts = np.bincount(group, minlength=groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    weights = rng.random((n, 4)).astype(np.float32)
    weights[rng.random((n, 4)) < zeros] = 0.0  # groups and types that nobody offends
    g = rng.integers(0, groups, draws)
    t = rng.integers(0, 4, draws)
    u = rng.random(draws)
    ids = rng.permutation(10 * n)[:n]
    got = np.full(draws, -1, np.int64)
    want = got.copy()
    pick_by_weight(weights, starts, counts, g, t, u, ids, got)
    _pick_by_weight_numpy(weights, starts, counts, g, t, u, ids, want)
    assert np.array_equal(got, want)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 50), m=st.integers(0, 80), seed=st.integers(0, 2**32 - 1))
def test_experience_equals_add_at_then_clip_of_the_touched(n, m, seed):
    rng = np.random.default_rng(seed)
    trust = rng.random(n).astype(np.float32)
    recent = (rng.random(n) - 0.5).astype(np.float32)
    who = rng.integers(0, n, m)  # repeats add up
    delta = (rng.random(m) - 0.5).astype(np.float32)
    want_t, want_r = trust.copy(), recent.copy()
    np.add.at(want_r, who, delta)
    np.add.at(want_t, who, delta)
    want_t[who] = np.clip(want_t[who], 0.0, 1.0)
    add_experience(recent, trust, who, delta)
    assert np.array_equal(trust, want_t) and np.array_equal(recent, want_r)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 200), rate=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_relax_equals_the_numpy_form(n, rate, seed):
    rng = np.random.default_rng(seed)
    engagement = (rng.random(n) * 1.2 - 0.1).astype(np.float32)
    disposition = rng.random(n).astype(np.float32)
    want = engagement.copy()
    want += (rate * (disposition - want)).astype(np.float32, copy=False)
    np.clip(want, 0.0, 1.0, out=want)
    _relax(engagement, disposition, np.float32(rate))
    assert np.array_equal(engagement, want)


def test_residents_at_are_the_residents_of_the_flagged_places():
    m = CommunitySafetyModel(tiny_config())
    w = m.world
    rng = np.random.default_rng(3)
    for share in (0.0, 0.2, 0.7, 1.0):
        places = rng.random(w.n_places) < share
        assert np.array_equal(w.residents_at(places), np.flatnonzero(places[w.place_index]))


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 200),
    effects=st.tuples(*(st.floats(-3.0, 3.0) for _ in range(3))),
    seed=st.integers(0, 2**32 - 1),
)
def test_attendance_score_equals_the_numpy_expression(n, effects, seed):
    rng = np.random.default_rng(seed)
    eng, trust = (rng.random(n).astype(np.float32) for _ in range(2))
    tenure = (rng.random(n) * 20).astype(np.float32)
    e, t, u = effects
    want = (
        e * (eng - eng.mean()) + t * (trust - trust.mean()) + u * np.log(np.maximum(tenure, 0.05))
    )
    got = np.log(np.maximum(tenure, 0.05))
    _attendance_score(eng, trust, got, eng.mean(), trust.mean(), *map(np.float32, effects))
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_resident_sums_by_hand():
    trust = np.array([0.2, 0.6, 0.9, 0.5], np.float32)
    fear = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    engagement = np.array([0.5, 0.5, 0.5, 0.5], np.float32)
    belief = np.array([0.25, 0.5, 0.75, 1.0], np.float32)
    jailed = np.array([0.0, 0.125, 0.0, 0.25], np.float32)
    group = np.array([0, 1, 1, 0], np.int8)
    out = resident_sums(trust, fear, engagement, belief, jailed, group, np.float32(HIGH_CONFIDENCE))
    f = np.float64
    expected = [
        f(trust[0]) + f(trust[1]) + f(trust[2]) + f(trust[3]),
        f(fear[0]) + f(fear[1]) + f(fear[2]) + f(fear[3]),
        2.0,
        2.5,
        0.375,
        2.0,  # 0.6 and 0.9 are at or above high confidence
        f(trust[0]) + f(trust[3]),
        f(trust[1]) + f(trust[2]),
    ]
    np.testing.assert_allclose(out, expected, rtol=1e-15)


@given(st.integers(0, 70), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_resident_sums_add_in_sixteen_lanes_in_a_written_order(n, seed):
    """Lane ``i % 16`` per element, lanes added in order, then the tail: exactly."""
    rng = np.random.default_rng(seed)
    trust, fear, engagement, belief, jailed = (
        rng.random(n).astype(np.float32) * 10.0 ** rng.integers(-6, 1) for _ in range(5)
    )
    group = rng.integers(0, 2, n).astype(np.int8)
    out = resident_sums(trust, fear, engagement, belief, jailed, group, np.float32(0.5))
    columns = [
        trust,
        fear,
        engagement,
        belief,
        jailed,
        (trust >= np.float32(0.5)).astype(np.float64),
        np.where(group == 0, trust, 0),
        np.where(group == 1, trust, 0),
    ]
    whole = n - n % 16
    for got, column in zip(out, columns, strict=True):
        lanes = [0.0] * 16
        for i in range(whole):
            lanes[i % 16] += float(column[i])
        total = 0.0
        for lane in lanes:
            total += lane
        tail = 0.0
        for i in range(whole, n):
            tail += float(column[i])
        assert got == total + tail
    np.testing.assert_allclose(
        out[:5], [c.astype(np.float64).sum() for c in columns[:5]], rtol=1e-12
    )


def test_place_tie_means_are_the_place_means_of_ties_means():
    m = CommunitySafetyModel(tiny_config())
    w, r = m.world, m.residents
    values = np.random.default_rng(1).random(r.n).astype(np.float32)
    np.testing.assert_allclose(
        w.place_tie_means(values), w.place_means(w.ties_w @ values), rtol=1e-6, atol=1e-9
    )
    # A subset of places: the same rows bit for bit, NaN elsewhere; the city mean over places.
    wanted = np.arange(w.n_places) % 3 == 1
    some = w.place_tie_means(values, wanted)
    assert np.array_equal(some[wanted], w.place_tie_means(values)[wanted])
    assert np.isnan(some[~wanted]).all()
    assert w.mean_place_tie_mean(values) == pytest.approx(w.place_tie_means(values).mean(), 1e-12)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 200), density=st.floats(0.0, 0.2), seed=st.integers(0, 2**32 - 1))
def test_scatter_over_ties_equals_bincount_over_senders_rows_bit_for_bit(n, density, seed):
    ties = _random_ties(n, density, seed)
    rng = np.random.default_rng(seed)
    c = np.where(rng.random(n) < 0.2, rng.random(n), 0.0).astype(np.float32)
    d = np.where(rng.random(n) < 0.2, 1.0, 0.0).astype(np.float32)
    senders = np.flatnonzero((c != 0) | (d != 0))
    sum_c, sum_d = np.empty(n), np.empty(n)
    scatter_over_ties(ties.indptr, ties.indices, senders, c, d, sum_c, sum_d)
    lengths = np.diff(ties.indptr)[senders]
    receivers = np.concatenate(
        [ties.indices[ties.indptr[s] : ties.indptr[s + 1]] for s in senders] or [[]]
    ).astype(np.int64)
    for got, x in ((sum_c, c), (sum_d, d)):
        want = np.bincount(receivers, weights=np.repeat(x[senders], lengths), minlength=n)
        assert np.array_equal(got, want)


@settings(max_examples=60, deadline=None)
@given(
    n=st.one_of(st.integers(0, 140), st.integers(140, 40_000), st.integers(40_000, 600_000)),
    first=st.integers(0, 9),
    scale=st.sampled_from([1e-9, 1.0, 1e9]),
    seed=st.integers(0, 2**32 - 1),
)
def test_pairwise_sum_equals_numpy_sum_bit_for_bit(n, first, scale, seed):
    values = np.random.default_rng(seed).random(first + n) * scale
    assert pairwise_sum(values, first, n, np.empty(0)) == values[first:].sum()


@settings(max_examples=40, deadline=None)
@given(
    n=st.one_of(st.integers(0, 140), st.integers(140, 20_000), st.integers(20_000, 300_000)),
    seed=st.integers(0, 2**32 - 1),
)
def test_pairwise_sum_of_products_equals_numpy_sum_of_the_products_bit_for_bit(n, seed):
    rng = np.random.default_rng(seed)
    values = rng.random(n).astype(np.float32)
    weights = rng.random(n) * 1e-3
    assert pairwise_sum(values, 0, n, weights) == np.sum(weights * values)


def test_pairwise_sum_by_hand():
    # Fewer than 8 in order; 9 in eight running sums, then the ninth: 1e16 + 1 is lost in
    # order but kept when the ones are first summed apart from 1e16.
    none = np.empty(0)
    assert pairwise_sum(np.array([1e16, 1.0, 1.0]), 0, 3, none) == 1e16
    nine = np.array([1e16] + [1.0] * 8)
    assert pairwise_sum(nine, 0, 9, none) == ((1e16 + 1.0) + 2.0) + 4.0 + 1.0
    assert pairwise_sum(nine, 0, 9, none) == nine.sum()


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 300), min_size=1, max_size=12),
    zeros=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_segment_cdfs_equal_each_segments_cdf_bit_for_bit(counts, zeros, seed):
    rng = np.random.default_rng(seed)
    counts = np.array(counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    values = rng.random(counts.sum()) * (rng.random(counts.sum()) >= zeros)
    out = segment_cdfs(values, starts, counts)
    for first, n in zip(starts, counts, strict=True):
        if n:
            np.testing.assert_array_equal(out[first : first + n], _cdf(values[first : first + n]))


def test_segment_cdfs_by_hand():
    # Two segments: weights 1, 3 (cdf 0.25, 1) and all-zero weights (uniform: 0.5, 1).
    out = segment_cdfs(np.array([1.0, 3.0, 0.0, 0.0]), np.array([0, 2]), np.array([2, 2]))
    np.testing.assert_array_equal(out, [0.25, 1.0, 0.5, 1.0])


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 40), min_size=1, max_size=8),
    draws=st.integers(0, 60),
    seed=st.integers(0, 2**32 - 1),
)
def test_search_right_equals_searchsorted_in_each_slice(counts, draws, seed):
    # Coarse values, so repeats and draws equal to a value test the side="right" rule.
    rng = np.random.default_rng(seed)
    counts = np.array(counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    values = np.concatenate([np.sort(rng.integers(0, 5, c) / 4.0) for c in counts])
    slice_of = rng.integers(0, len(counts), draws)
    x = rng.integers(0, 6, draws) / 4.0
    lo, hi = starts[slice_of], starts[slice_of] + counts[slice_of]
    expected = [
        np.searchsorted(values[a:b], v, side="right") + a for a, b, v in zip(lo, hi, x, strict=True)
    ]
    np.testing.assert_array_equal(_search_right(values, lo, hi, x), np.array(expected, int))


def _choose_stopped_numpy(start, count, at_risk, group, ratio, bias, rng_u):
    """The NumPy form :func:`choose_stopped` replaced (vectorized over stops)."""
    max_w = ratio * np.exp(max(bias, 0.0))

    def pick(u):
        return start + np.minimum((u * count).astype(np.int64), count - 1)

    chosen = pick(rng_u[:, 0])
    pending = np.ones(len(start), dtype=bool)
    for k in range((rng_u.shape[1] - 1) // 2):
        cand = pick(rng_u[:, 1 + 2 * k])
        w = np.where(at_risk[cand], ratio, 1.0) * np.exp(bias * group[cand])
        accept = pending & (rng_u[:, 2 + 2 * k] < w / max_w)
        chosen[accept] = cand[accept]
        pending &= ~accept
    return chosen


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 3000),
    stops=st.integers(0, 400),
    ratio=st.floats(0.5, 6.0),
    bias=st.floats(-2.0, 2.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_choose_stopped_equals_the_numpy_form(n, stops, ratio, bias, seed):
    from cspsim.model.processes.contacts import _choose_stopped

    rng = np.random.default_rng(seed)
    at_risk = rng.random(n) < 0.3
    group = (rng.random(n) < 0.4).astype(np.int8)
    # Places as ranges of residents (one resident at least each).
    cuts = np.unique(np.concatenate([[0, n], rng.integers(1, n + 1, 5)]))
    starts, counts = cuts[:-1], np.diff(cuts)
    place = rng.integers(0, len(starts), stops)
    rng_u = rng.random((stops, 9))
    group_factor = np.exp(bias * np.arange(2, dtype=np.int8))
    max_w = ratio * np.exp(max(bias, 0.0))
    got = _choose_stopped(
        starts[place], counts[place], rng_u, at_risk, group, ratio, group_factor, max_w
    )
    expected = _choose_stopped_numpy(
        starts[place], counts[place], at_risk, group, ratio, bias, rng_u
    )
    np.testing.assert_array_equal(got, expected)


def test_exp_of_the_two_groups_is_numpys_exp_of_every_residents_group():
    # The compiled stop choice looks up exp(bias * group) computed on a 2-element array:
    # the values NumPy's vectorized exp gives inside a long array, bit for bit.
    rng = np.random.default_rng(5)
    group = (rng.random(100_003) < 0.4).astype(np.int8)
    for bias in rng.normal(0.0, 1.0, 50):
        table = np.exp(bias * np.arange(2, dtype=np.int8))
        np.testing.assert_array_equal(table[group], np.exp(bias * group))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 200),
    victims=st.integers(1, 60),
    density=st.floats(0.0, 0.2),
    k=st.sampled_from([1.0, 3.0, 25.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_frighten_equals_the_numpy_form(n, victims, density, k, seed):
    from cspsim.model.processes.social import _frighten

    rng = np.random.default_rng(seed)
    ties = sp.random(n, n, density=density, format="csr", random_state=rng, dtype=np.float32)
    ties = ((ties + ties.T) > 0).astype(np.float32).tocsr()
    fear = rng.random(n).astype(np.float32)
    fear[rng.random(n) < 0.1] = 0.999  # some go past 1 and are clipped
    memory = rng.random(n).astype(np.float32)
    count = rng.integers(0, 5, n).astype(np.int32)
    who = rng.integers(0, n, victims)  # repeats: a resident victimized twice today
    gv, gt = 0.3, 0.05
    # The NumPy form the compiled pass replaced.
    f, mem, c = fear.copy(), memory.copy(), count.copy()
    np.add.at(c, who, np.int32(1))
    np.add.at(mem, who, np.float32(1.0 / k))
    np.add.at(f, who, ((gv / k) * (1.0 - f[who])).astype(np.float32))
    ties_of = np.concatenate([ties.indices[ties.indptr[v] : ties.indptr[v + 1]] for v in who])
    np.add.at(f, ties_of, ((gt / k) * (1.0 - f[ties_of])).astype(np.float32))
    touched = np.concatenate([who, ties_of])
    f[touched] = np.clip(f[touched], 0.0, 1.0)
    _frighten(
        fear,
        memory,
        count,
        who,
        ties.indptr,
        ties.indices,
        np.float32(gv / k),
        np.float32(gt / k),
        np.float32(1.0 / k),
    )
    np.testing.assert_array_equal(fear, f)
    np.testing.assert_array_equal(memory, mem)
    np.testing.assert_array_equal(count, c)


def test_search_right_by_hand():
    # Slice [0.25, 0.5, 0.5] (first 3) and [1.0] (last): 0.5 goes after the repeats.
    values = np.array([0.25, 0.5, 0.5, 1.0])
    out = _search_right(values, np.array([0, 0, 3]), np.array([3, 3, 4]), np.array([0.5, 0.1, 2]))
    np.testing.assert_array_equal(out, [3, 0, 4])


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 120),
    places=st.integers(1, 8),
    boosted=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_offending_and_program_effects_equal_the_numpy_forms(n, places, boosted, seed):
    rng = np.random.default_rng(seed)
    population = n + 10
    idx = np.sort(rng.choice(population, n, replace=False))
    propensity = rng.random(population).astype(np.float32)
    jailed = (rng.random(population) < 0.2).astype(np.float32)
    comply = np.exp((rng.random(n) - 0.5).astype(np.float32))
    program = np.where(rng.random(population) < 0.3, rng.integers(0, 2, population), -1)
    program = program.astype(np.int8)
    level = rng.random(population).astype(np.float32)
    strength = (rng.random((2, 4)) * 1.5).astype(np.float32)
    served = program[idx] >= 0
    boost = 1.0 + rng.random(int(served.sum())) if boosted and served.any() else np.empty(0)
    # Programs.effect_by_type's NumPy form.
    want = np.zeros((n, 4), np.float32)
    want[served] = level[idx[served], None] * strength[program[idx][served]]
    if len(boost):
        want[served] *= boost[:, None]
    effect = _effects(idx, program, level, strength, boost)
    np.testing.assert_array_equal(effect, np.minimum(want, 1.0))
    # CrimeProcess.offender_pressure's NumPy form: weights, then sums by place.
    place = np.sort(rng.integers(0, places, n))
    count = np.bincount(place, minlength=places)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    weights, own = _offending(idx, propensity, jailed, comply, effect, start, count)
    expected = (propensity[idx] * (1.0 - jailed[idx]) * comply)[:, None] * (1.0 - effect)
    assert weights.dtype == expected.dtype == np.float32
    np.testing.assert_array_equal(weights, expected)
    for t in range(4):
        np.testing.assert_array_equal(
            own[:, t], np.bincount(place, weights=expected[:, t], minlength=places)
        )


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 200), places=st.integers(1, 10), seed=st.integers(0, 2**32 - 1))
def test_volunteer_equals_the_numpy_form(n, places, seed):
    rng = np.random.default_rng(seed)
    place = np.sort(rng.integers(0, places, n))
    count = np.bincount(place, minlength=places)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    active = rng.random(places) < 0.6
    engagement = rng.random(n).astype(np.float32)
    base, mean, relax = np.float32(0.3), np.float32(0.4), np.float32(0.05)
    # The NumPy form: shares of the residents of active places, their sums by place.
    here = active[place]
    share = np.where(here, np.minimum(base * engagement / mean, np.float32(1.0)), 0)
    want_sums = np.bincount(place[here], weights=share[here], minlength=places)
    want = np.where(here, engagement + relax * share * (np.float32(1.0) - engagement), engagement)
    sums = _volunteer(engagement, np.flatnonzero(active), start, count, base, mean, relax, places)
    np.testing.assert_array_equal(sums, want_sums)
    np.testing.assert_array_equal(engagement, want.astype(np.float32))


def test_tellers_are_the_residents_with_news_and_are_reset_once_told():
    m = CommunitySafetyModel(tiny_config())
    m.run(3)
    leg = m.legitimacy
    assert not leg.bad.any() and not leg.good.any() and len(leg.tellers()) == 0
    leg.contacts(np.array([5, 9, 5]), np.array([True, False, True]))
    leg.tell(np.array([2, 9, 40]), good=np.array([0.5, 0.25, 0.0], np.float32))
    leg.tell(np.array([7]), bad=np.array([0.0], np.float32))  # nothing to tell
    mask = np.zeros(len(leg.bad), bool)
    mask[[3, 4]] = True
    leg.tell(mask, bad=np.array([1.0, 0.0], np.float32))  # a mask: resident 3 has news
    np.testing.assert_array_equal(leg.tellers(), [2, 3, 5, 9])
    np.testing.assert_array_equal(leg.tellers(), np.flatnonzero((leg.bad != 0) | (leg.good != 0)))
    assert leg.bad[5] == 2 and leg.good[9] == 1.25
    m.run(1)  # today's news is told, then reset
    assert not leg.bad.any() and not leg.good.any()


def test_tellers_of_a_gathering_are_listed_from_its_places_only_when_few(monkeypatch):
    from cspsim.model.processes import legitimacy

    m = CommunitySafetyModel(tiny_config())
    m.run(2)
    leg, w = m.legitimacy, m.world
    places = np.zeros(w.n_places, bool)
    places[np.flatnonzero(w.place_count)[:2]] = True  # two places' residents gather
    who = w.residents_at(places)
    leg.good[who[::2]] += np.float32(0.5)  # written by the gathering's own pass
    leg.told_at(places)
    leg.told_at(places)  # told twice (attendance, then the judgement): counted twice
    assert leg._told() is None  # many for 1,000 residents: found by a pass
    np.testing.assert_array_equal(leg.tellers(), who[::2])
    monkeypatch.setattr(legitimacy, "MANY_TELLERS", 1)  # now few: listed from the places
    np.testing.assert_array_equal(np.sort(leg._told()), np.sort(np.concatenate([who, who])))
    np.testing.assert_array_equal(leg.tellers(), who[::2])
    m.run(1)
    assert not leg.good.any() and not leg._teller_places


def test_tellers_found_by_a_pass_when_many_told_are_the_same():
    m = CommunitySafetyModel(tiny_config())
    m.run(2)
    leg = m.legitimacy
    n = len(leg.good)
    everyone = np.arange(n)
    news = np.where(everyone % 3 == 0, 0.5, 0.0).astype(np.float32)
    leg.tell(everyone, good=news)  # many tellers: the pass over the news arrays
    assert leg._told() is None
    np.testing.assert_array_equal(leg.tellers(), np.flatnonzero(news))
    m.run(1)
    assert not leg.bad.any() and not leg.good.any()


def _hear_and_talk_resident_by_resident(state, peer_mean, tied, bad, good, cyn, nbhd, pars):
    """The form the place-by-place kernel replaced: residents who heard no news skipped."""
    trust, recent, peer_part = state
    gain, loss, amplification, s = pars
    for i in range(len(trust)):
        t = trust[i]
        if bad[i] != 0 or good[i] != 0:
            amplify = 1.0 + amplification * cyn[nbhd[i]]
            one = np.float32(1.0)
            news = np.float32(gain * good[i] * (one - t) - loss * amplify * bad[i] * np.float64(t))
            recent[i] += news
            t = t + news
        peer = peer_mean[i] if tied[i] else t
        talk = s * (peer - t)
        peer_part[i] += talk
        trust[i] = np.clip(t + talk, np.float32(0.0), np.float32(1.0))


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 300),
    heard=st.floats(0.0, 1.0),
    single=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_hear_and_talk_by_place_equals_skipping_those_without_news(n, heard, single, seed):
    # Computing a zero news term for those who heard nothing changes no bit of their trust;
    # the heard arrays in float64 (sums over few senders) or float32 (a day of meetings).
    rng = np.random.default_rng(seed)
    dtype = np.float32 if single else np.float64
    news = rng.random(n) < heard
    state = [rng.random(n).astype(np.float32) for _ in range(3)]  # trust, recent, peer
    state[1] -= np.float32(0.5)
    state[0][rng.random(n) < 0.05] = np.float32(0.999)  # some pass 1 and are clipped
    cuts = np.unique(np.concatenate([[0, n], rng.integers(0, n + 1, 4)]))
    place_start, place_count = cuts[:-1], np.diff(cuts)
    place_nbhd = rng.integers(0, 3, len(place_start))
    cyn = rng.random(3)
    peer_mean = rng.random(n).astype(np.float32)
    tied = rng.random(n) < 0.9
    bad = np.where(news, rng.random(n), 0.0).astype(dtype)
    good = np.where(news & (rng.random(n) < 0.5), rng.random(n), 0.0).astype(dtype)
    pars = (dtype(0.01), 0.02, 0.5, np.float32(0.1))
    want = [a.copy() for a in state]
    nbhd = np.repeat(place_nbhd, place_count)
    _hear_and_talk_resident_by_resident(want, peer_mean, tied, bad, good, cyn, nbhd, pars)
    got = [a.copy() for a in state]
    hear_and_talk(
        *got, peer_mean, tied, bad, good, cyn, place_nbhd, place_start, place_count, *pars
    )
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))


def _settle_resident_by_resident(state, cell, drift, nbhd, shift, own, pars, burn_in, flow):
    """The form the place-by-place settle replaced: one resident at a time, in order."""
    recent_, belief, peer_, trust, before = state
    learn_bad, learn_good, fade, mu, peer_decay = pars
    one = np.float32(1.0)
    sums = np.zeros(nbhd.max() + 1 if len(nbhd) else 0)
    flow_today = np.zeros(len(flow))
    for i in range(len(trust)):
        recent = recent_[i] + drift[cell[i]]
        if burn_in:
            flow_today[cell[i]] += recent - before[i]
        learned = (learn_bad if recent < 0 else learn_good) * recent
        b = belief[i] + learned
        recent = recent - (fade * recent + learned)
        if mu > 0:
            b = b + mu * ((own[i] + shift[nbhd[i]]) - b)
            recent = recent * (one - mu)
        b = np.clip(b, np.float32(0.0), np.float32(1.0))
        belief[i], recent_[i] = b, recent
        peer_[i] = peer_[i] * peer_decay
        trust[i] = np.clip((b + recent) + peer_[i], np.float32(0.0), np.float32(1.0))
        if burn_in:
            before[i] = recent
        sums[nbhd[i]] += np.float64(b)
    flow += flow_today
    return sums


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 200),
    burn_in=st.booleans(),
    newcomers=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_settle_by_place_equals_resident_by_resident(n, burn_in, newcomers, seed):
    from cspsim.model.processes.trust_passes import settle_residents

    rng = np.random.default_rng(seed)
    cuts = np.unique(np.concatenate([[0, n], rng.integers(0, n + 1, 5)]))
    place_start, place_count = cuts[:-1], np.diff(cuts)
    n_places = len(place_start)
    place_nbhd = rng.integers(0, 3, n_places)  # a neighbourhood's places not all adjacent
    place = np.repeat(np.arange(n_places), place_count)
    in_place = rng.integers(0, 4, n).astype(np.int8)
    state = [(rng.random(n) - 0.4).astype(np.float32) for _ in range(5)]
    state[1] = rng.random(n).astype(np.float32)  # belief 0-1
    drift = ((rng.random(4 * n_places) - 0.5) * 0.1).astype(np.float32)
    shift = ((rng.random(3) - 0.5) * 0.2).astype(np.float32)
    own = rng.random(n).astype(np.float32)
    pars = tuple(np.float32(x) for x in (0.02, 0.01, 0.05, 0.003 if newcomers else 0.0, 0.9))
    want_state = [a.copy() for a in state]
    want_flow = np.zeros(4 * n_places)
    want = _settle_resident_by_resident(
        want_state,
        place * 4 + in_place,
        drift,
        place_nbhd[place],
        shift,
        own,
        pars,
        burn_in,
        want_flow,
    )
    flow = np.zeros(4 * n_places)
    got = settle_residents(
        *state,
        in_place,
        drift,
        place_nbhd,
        place_start,
        place_count,
        shift,
        own,
        *pars,
        burn_in,
        flow,
        3,
    )
    np.testing.assert_array_equal(got[: len(want)], want)
    np.testing.assert_array_equal(flow, want_flow)
    for a, b in zip(state, want_state, strict=True):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 300), seed=st.integers(0, 2**32 - 1))
def test_fear_step_by_place_equals_the_numpy_form(n, seed):
    from cspsim.model.processes.social import _fear_step

    rng = np.random.default_rng(seed)
    cuts = np.unique(np.concatenate([[0, n], rng.integers(0, n + 1, 4)]))
    place_start, place_count = cuts[:-1], np.diff(cuts)
    place = np.repeat(np.arange(len(place_start)), place_count)
    fear = rng.random(n).astype(np.float32)
    disposition = rng.random(n).astype(np.float32)
    shift = (rng.random(len(place_start)) - 0.3).astype(np.float32)
    peer = rng.random(n).astype(np.float32)
    tied = rng.random(n) < 0.9
    s, relax = np.float32(0.2), np.float32(0.05)
    # The NumPy form: anchor clipped, peer pull only with ties, the sum clipped.
    anchor = np.clip(disposition + shift[place], 0.0, 1.0)
    peer_or_own = np.where(tied, peer, fear)
    want = np.clip((fear + (peer_or_own - fear) * s) + (anchor - fear) * relax, 0.0, 1.0)
    _fear_step(fear, disposition, shift, place_start, place_count, peer, tied, s, relax)
    np.testing.assert_array_equal(fear, want)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 200), rate=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_grow_towards_one_equals_the_numpy_form(n, rate, seed):
    values = np.random.default_rng(seed).random(n).astype(np.float32)
    rate = np.float32(rate)
    want = values.copy()
    want += rate * (1.0 - want)
    grow_towards_one(values, rate)
    np.testing.assert_array_equal(values.view(np.uint32), want.view(np.uint32))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 200), day=st.integers(0, 400), seed=st.integers(0, 2**32 - 1))
def test_count_enrolled_counts_the_enrolled_mask(n, day, seed):
    rng = np.random.default_rng(seed)
    program = np.where(rng.random(n) < 0.4, rng.integers(0, 2, n), -1).astype(np.int8)
    since = rng.integers(0, 300, n).astype(np.int32)
    idx = np.flatnonzero(rng.random(n) < 0.7)
    duration = 182.5
    want = int(((program[idx] >= 0) & (day < since[idx] + duration)).sum())  # enrolled_mask
    assert _count_enrolled(idx, program, since, day, duration) == want


@given(st.lists(st.floats(0.0, 80.0, width=32), max_size=40))
@settings(max_examples=50, deadline=None)
def test_at_least_is_numpys_maximum_with_a_scalar(tenures):
    values = np.array(tenures, np.float32)
    got = _at_least(values, np.float32(0.05))
    want = np.maximum(values, 0.05)
    assert got.dtype == want.dtype and np.array_equal(got, want)
    assert got is not values


def test_offending_needs_one_effect_column_per_crime_type():
    one = np.ones(2, np.float32)
    with pytest.raises(ValueError, match="crime type"):
        _offending(
            np.arange(2),
            one,
            one * 0,
            one,
            np.zeros((2, 3), np.float32),
            np.zeros(1, np.int64),
            np.full(1, 2, np.int64),
        )


def _numpy_experience(recent, trust, who, delta):
    """``Legitimacy.experience`` for distinct residents, as NumPy expressions."""
    delta = np.asarray(delta, dtype=np.float32)
    recent[who] += delta
    trust[who] += delta
    trust[who] = np.clip(trust[who], 0.0, 1.0)


def _meeting_state(n, seed, places):
    """Residents sorted by place (``places`` of them, some empty) and a gathering's places.

    Returns the generator, the state, the places that gather (ascending), the places'
    first residents and sizes, each resident's place and the attendees (their residents).
    """
    rng = np.random.default_rng(seed)
    state = {
        "recent": (rng.random(n) - 0.5).astype(np.float32),
        "trust": rng.random(n).astype(np.float32),
        "engagement": rng.random(n).astype(np.float32),
        "good": (rng.random(n) * (rng.random(n) < 0.3)).astype(np.float32),
        "bad": (rng.random(n) * (rng.random(n) < 0.3)).astype(np.float32),
    }
    place_index = np.sort(rng.integers(0, places, n))
    count = np.bincount(place_index, minlength=places)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    rows = np.flatnonzero(rng.random(places) < 0.6)
    who = np.flatnonzero(np.isin(place_index, rows))
    return rng, state, rows, start, count, place_index, who


def _same_bits(got, want):
    return got.dtype == want.dtype and np.array_equal(got.view(np.uint32), want.view(np.uint32))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 120),
    gains=st.tuples(st.floats(0.0, 0.5), st.floats(0.0, 0.5), st.floats(0.0, 0.9)),
    k=st.sampled_from([1.0, 2.5, 10.0, 37.0]),
    event=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_attend_equals_the_numpy_form(n, gains, k, event, seed):
    """A gathering's pass over attendees: gain, engagement, news and attendance by place.

    As a meeting holds it (weights from the attendance score, gain ``s * g * k``) and as a
    community event does (weights are engagement itself, gain ``s * g``); the attendees are
    the residents of the gathering's places.
    """
    places = 5
    rng, got, rows, start, count, place_index, who = _meeting_state(n, seed, places)
    want = {key: v.copy() for key, v in got.items()}
    trust_gain, engagement_gain, attendance = gains
    if event:
        weight, mean_weight, second = got["engagement"], np.float32(0.4), 1.0
    else:
        weight = np.exp(rng.normal(0, 2, n)).astype(np.float32)
        mean_weight, second = weight.mean(), k
    # NumPy form (meetings and community events before the compiled pass).
    share = np.minimum(attendance * weight[who] / mean_weight, 1.0)
    gain = share * trust_gain * second
    _numpy_experience(want["recent"], want["trust"], who, (gain / k) * (1.0 - want["trust"][who]))
    e = want["engagement"][who]
    e += (share * engagement_gain * (1.0 - e)).astype(np.float32)
    want["engagement"][who] = np.clip(e, 0.0, 1.0)
    want["good"][who] += share.astype(np.float32)
    by_place = np.bincount(place_index[who], weights=share, minlength=places)

    got_share, got_by_place = attend(
        rows,
        start,
        count,
        weight,
        mean_weight,
        np.float32(attendance),
        places,
        got["recent"],
        got["trust"],
        got["engagement"],
        got["good"],
        (np.float32(trust_gain), np.float32(second)),
        np.float32(engagement_gain),
        np.float32(k),
    )
    assert _same_bits(got_share, share)
    assert np.array_equal(got_by_place, by_place)
    for key in want:
        assert _same_bits(got[key], want[key]), key
    if not event:
        assert _same_bits(shares(who, weight, mean_weight, np.float32(attendance)), share)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 120),
    gains=st.tuples(st.floats(0.0, 0.5), st.floats(0.0, 0.5)),
    k=st.sampled_from([1.0, 2.5, 10.0, 37.0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_hear_judgement_equals_the_numpy_form(n, gains, k, seed):
    """Attendees hear what was acted on and ignored: gain, loss and news, bit for bit."""
    places, n_nb = 6, 3
    rng, got, rows, start, count, place_index, who = _meeting_state(n, seed, places)
    want = {key: v.copy() for key, v in got.items()}
    responsive_gain, ignored_loss = gains
    share = np.minimum(rng.random(len(who)) * 1.2, 1.0).astype(np.float32)
    nbhd = rng.integers(0, n_nb, places)
    acted_by_nbhd = rng.random(n_nb) * (rng.random(n_nb) < 0.7) * 3
    ignored_by_nbhd = rng.integers(0, 3, n_nb)
    # NumPy form (Meetings._judge before the compiled pass).
    home = nbhd[place_index[who]]
    acted, ignored = acted_by_nbhd[home], ignored_by_nbhd[home]
    g = share * k * responsive_gain * acted
    _numpy_experience(want["recent"], want["trust"], who, (g / k) * (1.0 - want["trust"][who]))
    loss = share * k * ignored_loss * ignored
    _numpy_experience(want["recent"], want["trust"], who, -(loss / k) * want["trust"][who])
    want["good"][who] += (share * acted).astype(np.float32)
    want["bad"][who] += (share * ignored).astype(np.float32)

    hear_judgement(
        rows,
        start,
        count,
        share,
        nbhd,
        acted_by_nbhd,
        ignored_by_nbhd,
        got["recent"],
        got["trust"],
        got["good"],
        got["bad"],
        k,
        np.float32(responsive_gain),
        np.float32(ignored_loss),
    )
    for key in want:
        assert _same_bits(got[key], want[key]), key


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    stable_share=st.floats(0.0, 1.0),
    residents=st.sampled_from([20, 1000]),
)
def test_stability_is_the_place_mean_of_the_stable_flags(seed, stable_share, residents):
    """Counted in one pass over tenure: the numbers of ``place_means`` of the 0/1 flags.

    With 20 residents 7 of the 16 places have none (they take the city's share).
    """
    m = _tiny_model(residents)
    rng = np.random.default_rng(seed)
    r = m.residents
    stable = rng.random(r.n) < stable_share
    r.tenure[:] = np.where(stable, 5.0 + rng.random(r.n) * 10, rng.random(r.n) * 5).astype(
        np.float32
    )
    r.tenure[: min(3, r.n)] = np.float32(5.0)  # the boundary counts as stable
    want = m.world.place_means((r.tenure >= 5.0).astype(np.float32))
    assert np.array_equal(m.engagement.stability(), want)


def test_count_at_least_by_hand():
    values = np.array([1.0, 5.0, 6.0, 4.9, 7.0, np.nan], np.float32)
    got = _count_at_least(np.array([0, 3, 5]), np.array([3, 2, 1]), values, np.float32(5.0))
    assert got.tolist() == [2, 1, 0]


_TINY: dict[int, CommunitySafetyModel] = {}


def _tiny_model(residents: int) -> CommunitySafetyModel:
    """One tiny model per size and session (its state is overwritten by each example)."""
    if residents not in _TINY:
        _TINY[residents] = CommunitySafetyModel(
            tiny_config(overrides=[f"city.residents={residents}"])
        )
    return _TINY[residents]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 200), seed=st.integers(0, 2**32 - 1))
def test_drift_back_equals_the_numpy_form(n, seed):
    rng = np.random.default_rng(seed)
    values = rng.random(n).astype(np.float32)
    idx = np.flatnonzero(rng.random(n) < 0.3)
    start = rng.random(len(idx)).astype(np.float32)
    want = values.copy()
    want[idx] += ((start - want[idx]) / 365.0).astype(np.float32)
    _drift_back(values, idx, start, np.float32(365.0))
    assert np.array_equal(values.view(np.uint32), want.view(np.uint32))
