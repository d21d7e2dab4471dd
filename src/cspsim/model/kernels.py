"""Compiled inner loops of the daily step (Numba): one pass over the residents each.

Why compiled loops: a day touches every resident's state in several processes. Written as
NumPy expressions, each step of a formula is its own pass over 100k-1M elements with its own
temporary array, and a day made about a hundred such passes; the tie products were scipy's
multi-vector loop, slower than a loop that gathers two columns at once. Each kernel here
makes one pass in resident order, so the cost is one read and one write of each array.

Rules the kernels keep, so that their results equal the NumPy expressions they replaced:

* no ``fastmath``: IEEE operations in the written order, no fused multiply-adds;
* float32 state is computed in float32 where NumPy computed it in float32 (scalars are
  passed as ``np.float32``), float64 where NumPy promoted to float64;
* sums by place, group or neighbourhood accumulate in float64 in resident order, as
  ``np.bincount`` does; the one exception is :func:`resident_sums`, which feeds only the
  recorded measures (never the state) and adds in 16 lanes, in an order written out.

The kernels are cached on disk (``cache=True``): the first run on a machine compiles them
(a few seconds), later runs load them.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
import scipy.sparse as sp

_jit = numba.njit(cache=True, nogil=True)


def count_at(target: np.ndarray, index: np.ndarray, value: float = 1) -> None:
    """``np.add.at(target, index, value)`` with ``value`` in ``target``'s dtype (NumPy).

    Same additions; a Python scalar into an int32 or float32 array takes NumPy's slow
    casting path (about 35 microseconds a call against 3), and the day makes a dozen.
    """
    np.add.at(target, index, target.dtype.type(value))


@_jit
def range_sums(
    starts: np.ndarray, counts: np.ndarray, rows: np.ndarray, columns: tuple[np.ndarray, ...]
) -> np.ndarray:  # pragma: no cover - compiled
    """Sums of each column over the ranges ``starts[r] .. starts[r] + counts[r]`` of ``rows``.

    For elements sorted by bin (residents by place) and ``starts``/``counts`` the bins'
    ranges, equal to ``np.bincount(bin, weights=column)`` at those bins bit for bit: each
    sum starts at 0 and adds its range's elements in order (float64). Four ranges are
    summed side by side over their common length (four independent chains of additions
    instead of one), then each finishes its own; ``rows`` in order of length keeps those
    rests short. Each range is read through a view (:func:`range_view`): indices from 0 need no
    wrap-around test (20% faster than indexing the column at ``start + t``). Returns
    ``out[c, k]`` for column ``c`` and bin ``rows[k]``.
    """
    out = np.zeros((len(columns), len(rows)))
    for c in range(len(columns)):
        col = columns[c]
        k = 0
        while k + 4 <= len(rows):
            v0 = range_view(col, starts, counts, rows[k])
            v1 = range_view(col, starts, counts, rows[k + 1])
            v2 = range_view(col, starts, counts, rows[k + 2])
            v3 = range_view(col, starts, counts, rows[k + 3])
            common = min(min(len(v0), len(v1)), min(len(v2), len(v3)))
            a0 = a1 = a2 = a3 = 0.0
            for t in range(common):
                a0 += v0[t]
                a1 += v1[t]
                a2 += v2[t]
                a3 += v3[t]
            out[c, k] = _add_in_order(v0[common:], a0)
            out[c, k + 1] = _add_in_order(v1[common:], a1)
            out[c, k + 2] = _add_in_order(v2[common:], a2)
            out[c, k + 3] = _add_in_order(v3[common:], a3)
            k += 4
        for j in range(k, len(rows)):
            out[c, j] = _add_in_order(range_view(col, starts, counts, rows[j]), 0.0)
    return out


@_jit
def range_view(
    col: np.ndarray, starts: np.ndarray, counts: np.ndarray, row: int
) -> np.ndarray:  # pragma: no cover - compiled
    """The elements of bin ``row`` of a column sorted by bin (residents by place), as a view.

    Indexed from 0, a view needs no wrap-around test per index, so loops over it vectorize.
    """
    return col[starts[row] : starts[row] + counts[row]]


@_jit
def _add_in_order(values: np.ndarray, acc: float) -> float:  # pragma: no cover - compiled
    """``acc`` plus ``values``, added in order."""
    for x in values:
        acc += x
    return acc


LANES = 8
"""Rows summed side by side in :func:`tie_sums` (one slice of the sliced layout); the tie
kernels are written out for eight lanes."""
SORT_WINDOW = 256
"""Rows sorted by length together in the sliced layout (about a place's residents: on the
100k network 2% padding, and 10-20% faster sums than one sort of all rows)."""


class TieSlices(NamedTuple):
    """A CSR matrix laid out for :func:`tie_sums`: rows in slices of :data:`LANES`.

    Rows are sorted by length (longest first) within windows of :data:`SORT_WINDOW`
    consecutive rows and cut into slices of ``LANES`` rows; a slice stores its rows' entries
    column by column (the first entry of each of its rows, then the second, ...), padded to
    its longest row with zero weights. Summing a slice keeps ``LANES`` running sums, one per
    row, each adding its row's entries in the row's order: the same additions as the CSR
    product, but ``LANES`` independent ones at a time instead of one chain (the processor
    overlaps them) and no loop exit per row. Sorting within windows keeps neighbouring
    residents (and so their ties' values) together in memory, with little padding.
    (Known in sparse linear algebra as SELL-C-sigma, Kreutzer et al. 2014.)
    """

    starts: np.ndarray  # first stored entry of each slice (int64, one more than slices)
    widths: np.ndarray  # entries per row of each slice, padding included (int64)
    lane_rows: np.ndarray  # matrix row summed in each lane (int64; -1: lane unused)
    columns: np.ndarray  # column of each stored entry (uint32; 0 in padding)
    weights: np.ndarray  # weight of each stored entry (float32; 0 in padding)


def slice_rows(matrix: sp.csr_matrix) -> TieSlices:
    """The sliced layout of a float32 CSR matrix with positive weights (see :class:`TieSlices`)."""
    n = matrix.shape[0]
    length = np.diff(matrix.indptr)
    order = np.lexsort((-length, np.arange(n) // SORT_WINDOW))
    n_slices = -(-n // LANES)
    lane_rows = np.full(n_slices * LANES, -1, np.int64)
    lane_rows[:n] = order
    lane_length = np.zeros(n_slices * LANES, np.int64)
    lane_length[:n] = length[order]
    widths = lane_length.reshape(n_slices, LANES).max(axis=1) if n else lane_length[:0]
    starts = np.concatenate([[0], np.cumsum(widths * LANES)]).astype(np.int64)
    lane_of_row = np.empty(n, np.int64)
    lane_of_row[order] = np.arange(n)
    row = np.repeat(np.arange(n), length)
    entry_in_row = np.arange(len(row)) - matrix.indptr[row]
    lane = lane_of_row[row]
    where = starts[lane // LANES] + entry_in_row * LANES + lane % LANES
    columns = np.zeros(starts[-1], np.uint32)
    weights = np.zeros(starts[-1], np.float32)
    columns[where] = matrix.indices
    weights[where] = matrix.data
    return TieSlices(starts, widths, lane_rows, columns, weights)


@_jit
def tie_sums(
    starts: np.ndarray,
    widths: np.ndarray,
    lane_rows: np.ndarray,
    columns: np.ndarray,
    weights: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    out_a: np.ndarray,
    out_b: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Weighted sums of two columns over each row of a sliced matrix (float32, row order).

    Equal to ``W @ np.column_stack([a, b])`` for the float32 CSR ``W`` that
    :func:`slice_rows` laid out (``tie_sums(*slice_rows(W), a, b, ...)``): each row's sum
    starts at 0 and adds ``weight * value`` in the row's order; padding adds 0.

    The eight lanes' running sums are local scalars (:func:`_lane2`), which the compiler
    keeps in registers, and a slice's entries are read through views of eight (constant
    offsets): with the sums in small arrays every tie loaded and stored its lane's sum and
    tested its index for wrap-around, 1.6x the time.
    """
    zero = np.float32(0.0)
    for s in range(len(widths)):
        a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = zero
        b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = zero
        for k in range(widths[s]):
            first = starts[s] + k * LANES
            j = columns[first : first + LANES]
            x = weights[first : first + LANES]
            a0, b0 = _lane2(a0, b0, x[0], j[0], a, b)
            a1, b1 = _lane2(a1, b1, x[1], j[1], a, b)
            a2, b2 = _lane2(a2, b2, x[2], j[2], a, b)
            a3, b3 = _lane2(a3, b3, x[3], j[3], a, b)
            a4, b4 = _lane2(a4, b4, x[4], j[4], a, b)
            a5, b5 = _lane2(a5, b5, x[5], j[5], a, b)
            a6, b6 = _lane2(a6, b6, x[6], j[6], a, b)
            a7, b7 = _lane2(a7, b7, x[7], j[7], a, b)
        sums_a = (a0, a1, a2, a3, a4, a5, a6, a7)
        _store_lanes(lane_rows, s, sums_a, (b0, b1, b2, b3, b4, b5, b6, b7), out_a, out_b)


@_jit
def tie_sums4(
    starts: np.ndarray,
    widths: np.ndarray,
    lane_rows: np.ndarray,
    columns: np.ndarray,
    weights: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    out_a: np.ndarray,
    out_b: np.ndarray,
    out_c: np.ndarray,
    out_d: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """:func:`tie_sums` of ``a`` and ``b`` (weighted) and of ``c`` and ``d`` (unweighted).

    Equal to ``W @ [a, b]`` and ``B @ [c, d]`` for the weighted ``W`` laid out and the
    binary ``B`` with the same entries in the same order, in one loop over the entries (an
    entry of ``B`` is 1 where ``W``'s weight is positive; ``1 * c == c`` exactly). Running
    sums in scalars, as in :func:`tie_sums`.
    """
    zero = np.float32(0.0)
    for s in range(len(widths)):
        a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = zero
        b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = zero
        c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = zero
        d0 = d1 = d2 = d3 = d4 = d5 = d6 = d7 = zero
        for k in range(widths[s]):
            first = starts[s] + k * LANES
            j = columns[first : first + LANES]
            x = weights[first : first + LANES]
            a0, b0, c0, d0 = _lane4(a0, b0, c0, d0, x[0], j[0], a, b, c, d)
            a1, b1, c1, d1 = _lane4(a1, b1, c1, d1, x[1], j[1], a, b, c, d)
            a2, b2, c2, d2 = _lane4(a2, b2, c2, d2, x[2], j[2], a, b, c, d)
            a3, b3, c3, d3 = _lane4(a3, b3, c3, d3, x[3], j[3], a, b, c, d)
            a4, b4, c4, d4 = _lane4(a4, b4, c4, d4, x[4], j[4], a, b, c, d)
            a5, b5, c5, d5 = _lane4(a5, b5, c5, d5, x[5], j[5], a, b, c, d)
            a6, b6, c6, d6 = _lane4(a6, b6, c6, d6, x[6], j[6], a, b, c, d)
            a7, b7, c7, d7 = _lane4(a7, b7, c7, d7, x[7], j[7], a, b, c, d)
        sums_a = (a0, a1, a2, a3, a4, a5, a6, a7)
        _store_lanes(lane_rows, s, sums_a, (b0, b1, b2, b3, b4, b5, b6, b7), out_a, out_b)
        sums_c = (c0, c1, c2, c3, c4, c5, c6, c7)
        _store_lanes(lane_rows, s, sums_c, (d0, d1, d2, d3, d4, d5, d6, d7), out_c, out_d)


@_jit
def _lane2(
    sum_a: np.float32, sum_b: np.float32, x: np.float32, j: int, a: np.ndarray, b: np.ndarray
) -> tuple[np.float32, np.float32]:  # pragma: no cover - compiled
    """One entry of a lane: its weight ``x`` times ``a`` and ``b`` of its column ``j``."""
    return sum_a + x * a[j], sum_b + x * b[j]


@_jit
def _lane4(
    sum_a: np.float32,
    sum_b: np.float32,
    sum_c: np.float32,
    sum_d: np.float32,
    x: np.float32,
    j: int,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
) -> tuple[np.float32, np.float32, np.float32, np.float32]:  # pragma: no cover - compiled
    """:func:`_lane2` of ``a`` and ``b``, and ``c`` and ``d`` of the column if ``x > 0``."""
    tie = np.float32(1.0) if x > np.float32(0.0) else np.float32(0.0)
    return sum_a + x * a[j], sum_b + x * b[j], sum_c + tie * c[j], sum_d + tie * d[j]


@_jit
def _store_lanes(
    lane_rows: np.ndarray,
    s: int,
    sum_a: tuple[np.float32, ...],
    sum_b: tuple[np.float32, ...],
    out_a: np.ndarray,
    out_b: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Write slice ``s``'s running sums to their rows (lanes without a row are skipped)."""
    for lane in range(LANES):
        row = lane_rows[s * LANES + lane]
        if row >= 0:
            out_a[row] = sum_a[lane]
            out_b[row] = sum_b[lane]


@_jit
def scatter_over_ties(
    indptr: np.ndarray,
    indices: np.ndarray,
    senders: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    out_c: np.ndarray,
    out_d: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Add each sender's ``c`` and ``d`` to each of its ties (float64, zeroed first).

    ``senders`` ascending, each row's entries in order: the same additions as
    ``np.bincount`` over the concatenated rows of the senders with their values repeated
    (for a symmetric matrix, the sums over each one's ties). Each row is read through a
    view, indexed from 0 (no wrap-around test per entry: 160 against 180 us for a
    meeting's 16,000 senders).
    """
    out_c[:] = 0.0
    out_d[:] = 0.0
    for i in senders:
        ci = np.float64(c[i])
        di = np.float64(d[i])
        row = indices[indptr[i] : indptr[i + 1]]
        for t in range(len(row)):
            j = np.uint32(row[t])
            out_c[j] += ci
            out_d[j] += di


def sparse_times(matrix: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """``matrix @ values`` for a CSR matrix and a vector or matrix, by :func:`csr_times`.

    Float64, SciPy's sums bit for bit, in one compiled call (SciPy's product of a
    500-place matrix costs more in its Python layers than in its additions).
    """
    x = np.asarray(values, dtype=np.float64)
    out = csr_times(matrix.indptr, matrix.indices, matrix.data, x.reshape(len(x), -1))
    return out.reshape(x.shape)


@_jit
def csr_times(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, x: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """``A @ x`` for a float64 CSR ``A`` and a float64 matrix ``x`` (rows x columns).

    Each output starts at 0 and adds ``data * x`` in the row's order, as SciPy's CSR
    products do (one column or several), so the result equals SciPy's bit for bit; for the
    500-place matrices of the daily step SciPy's call costs 10-25 microseconds, this 2-3.
    """
    out = np.empty((len(indptr) - 1, x.shape[1]))
    for i in range(len(indptr) - 1):
        lo, hi = indptr[i], indptr[i + 1]
        c = 0
        # Four columns at a time, their sums in registers: four chains of additions side by
        # side (8 against 12 us for a day's 500-place product of four columns).
        while c + 4 <= x.shape[1]:
            s0 = s1 = s2 = s3 = 0.0
            for k in range(lo, hi):
                a = data[k]
                j = indices[k]
                s0 += a * x[j, c]
                s1 += a * x[j, c + 1]
                s2 += a * x[j, c + 2]
                s3 += a * x[j, c + 3]
            out[i, c], out[i, c + 1], out[i, c + 2], out[i, c + 3] = s0, s1, s2, s3
            c += 4
        for rest in range(c, x.shape[1]):
            s0 = 0.0
            for k in range(lo, hi):
                s0 += data[k] * x[indices[k], rest]
            out[i, rest] = s0
    return out


@_jit
def csr_row_products(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: np.ndarray, x: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """``(A @ x)[rows]`` for a float64 CSR ``A`` without the other rows (float64).

    Each row's sum starts at 0 and adds ``data * x`` in the row's order, as SciPy's CSR
    product does, so the rows equal the full product's bit for bit. A row is read through
    views indexed from 0, with unsigned columns (no wrap-around tests: 37 against 60 us for
    the rows of a day's meetings at 100k).
    """
    out = np.empty(len(rows))
    for r in range(len(rows)):
        i = rows[r]
        columns = indices[indptr[i] : indptr[i + 1]]
        values = data[indptr[i] : indptr[i + 1]]
        total = 0.0
        for t in range(len(columns)):
            total += values[t] * x[np.uint32(columns[t])]
        out[r] = total
    return out


@_jit
def pick_by_weight(
    weights: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    groups: np.ndarray,
    columns: np.ndarray,
    u: np.ndarray,
    ids: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Draw one element of each group by weight: ``out[o] = ids[pick]`` where drawn.

    Elements are sorted by group (``starts``/``counts``: each group's range); draw ``o``
    picks in group ``groups[o]`` by column ``columns[o]`` of ``weights`` the element at
    which the running sum passes ``u[o]`` of the group's total. Groups with no weight keep
    their ``out``. The same numbers as the NumPy form it replaced: the running sums of the
    whole array in float32 (``np.cumsum(weights, axis=0)``), the target in float64, the
    first element whose running sum exceeds it (``np.searchsorted(..., side="right")``),
    kept within the group.
    """
    n, k = weights.shape
    cum = np.empty((n, k), np.float32)
    for t in range(k):
        acc = np.float32(0.0)
        for i in range(n):
            acc += weights[i, t]
            cum[i, t] = acc
    for o in range(len(groups)):
        g = groups[o]
        t = columns[o]
        first = starts[g]
        if counts[g] == 0:
            continue
        last = first + counts[g] - 1
        below = cum[first - 1, t] if first > 0 else np.float32(0.0)
        total = cum[last, t] - below
        if not total > 0:
            continue
        target = np.float64(below) + u[o] * np.float64(total)
        lo = first
        hi = last + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if np.float64(cum[mid, t]) > target:
                hi = mid
            else:
                lo = mid + 1
        out[o] = ids[min(lo, last)]


SUM_LANES = 16
"""Running sums per column in :func:`resident_sums` (element ``i`` goes to lane ``i % 16``)."""


@_jit
def resident_sums(
    trust: np.ndarray,
    fear: np.ndarray,
    engagement: np.ndarray,
    belief: np.ndarray,
    jailed: np.ndarray,
    group: np.ndarray,
    high: np.float32,
) -> np.ndarray:  # pragma: no cover - compiled
    """Sums for the daily measures of residents, in one pass (float64, in 16 lanes).

    Returns ``[trust, fear, engagement, belief, jailed, residents with trust >= high, trust
    of group 0, trust of group 1]``, each summed over the residents. These sums feed only
    the recorded measures, never the model's state, so they need not repeat NumPy's order:
    element ``i`` is added to lane ``i % 16`` of its column (16 independent chains of
    additions, which the processor runs side by side: 4x faster than one chain per
    column), the lanes are added in order, then the last ``n % 16`` elements. The order is
    written out (no ``fastmath``), so the sums are the same on every processor.
    """
    n_columns = 8
    lanes = np.zeros((n_columns, SUM_LANES))
    n = len(trust)
    whole = n - n % SUM_LANES
    for first in range(0, whole, SUM_LANES):
        for k in range(SUM_LANES):
            _add_resident(lanes, k, first + k, trust, fear, engagement, belief, jailed, group, high)
    tail = np.zeros((n_columns, 1))
    for i in range(whole, n):
        _add_resident(tail, 0, i, trust, fear, engagement, belief, jailed, group, high)
    out = np.zeros(n_columns)
    for c in range(n_columns):
        total = 0.0
        for k in range(SUM_LANES):
            total += lanes[c, k]
        out[c] = total + tail[c, 0]
    return out


@_jit
def _add_resident(
    sums: np.ndarray,
    lane: int,
    i: int,
    trust: np.ndarray,
    fear: np.ndarray,
    engagement: np.ndarray,
    belief: np.ndarray,
    jailed: np.ndarray,
    group: np.ndarray,
    high: np.float32,
) -> None:  # pragma: no cover - compiled
    """Add resident ``i`` to lane ``lane`` of each column of :func:`resident_sums`."""
    t = np.float64(trust[i])
    sums[0, lane] += t
    sums[1, lane] += fear[i]
    sums[2, lane] += engagement[i]
    sums[3, lane] += belief[i]
    sums[4, lane] += jailed[i]
    sums[5, lane] += 1.0 if trust[i] >= high else 0.0
    sums[6, lane] += 0.0 if group[i] != 0 else t
    sums[7, lane] += t if group[i] != 0 else 0.0


@_jit
def grow_towards_one(values: np.ndarray, rate: np.float32) -> None:  # pragma: no cover - compiled
    """``values += rate * (1 - values)`` in float32, in one pass (NumPy's form takes three)."""
    one = np.float32(1.0)
    for i in range(len(values)):
        values[i] += rate * (one - values[i])


@_jit
def clip01(x: np.float32) -> np.float32:  # pragma: no cover - compiled
    """``np.clip(x, 0, 1)`` of one float32."""
    if x < np.float32(0.0):
        return np.float32(0.0)
    if x > np.float32(1.0):
        return np.float32(1.0)
    return x


@_jit
def pairwise_sum(
    values: np.ndarray, first: int, n: int, weights: np.ndarray
) -> float:  # pragma: no cover - compiled
    """``values[first:first + n].sum()`` for a float64 array, bit for bit with NumPy.

    NumPy sums a contiguous float64 array pairwise: fewer than 8 elements in order, up to
    128 in 8 interleaved running sums combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) +
    (r6 + r7))`` then the rest in order, longer ones split in two halves (the first a
    multiple of 8) summed the same way. With ``weights`` (float64, empty for none), the
    sum of ``weights * values`` as ``np.sum(weights * values)`` gives it, without the
    products' array.

    The halves are walked with an explicit stack (left half, then right, then their sum),
    not by recursion: a compiled call per block of 64-128 elements cost more than the
    block's additions (0.15 against 0.06 ms for 100,000 weighted terms).
    """
    if n <= 128:
        return _pairwise_block(values, first, n, weights)
    # The stack of halves being summed: at most log2(n / 64) deep.
    node_first = np.empty(64, np.int64)
    node_n = np.empty(64, np.int64)
    left_done = np.zeros(64, np.bool_)
    left_sum = np.empty(64)
    top = 0
    node_first[0] = first
    node_n[0] = n
    total = 0.0
    while top >= 0:
        if node_n[top] > 128:  # split: its left half first
            left_done[top] = False
            node_first[top + 1] = node_first[top]
            node_n[top + 1] = _left_half(node_n[top])
            top += 1
            continue
        total = _pairwise_block(values, node_first[top], node_n[top], weights)
        top -= 1
        while top >= 0 and left_done[top]:  # a right half done: left + right
            total = left_sum[top] + total
            top -= 1
        if top >= 0:  # a left half done: keep it, then its right half
            left_sum[top] = total
            left_done[top] = True
            half = _left_half(node_n[top])
            node_first[top + 1] = node_first[top] + half
            node_n[top + 1] = node_n[top] - half
            top += 1
    return total


@_jit
def _left_half(n: int) -> int:  # pragma: no cover - compiled
    """Length of the first half of a pairwise split of ``n``: about half, a multiple of 8."""
    half = n // 2
    return half - half % 8


@_jit
def _pairwise_block(
    values: np.ndarray, first: int, n: int, weights: np.ndarray
) -> float:  # pragma: no cover - compiled
    """NumPy's sum of at most 128 elements: in order below 8, else 8 running sums.

    The block is read through views indexed from 0 (no wrap-around test per element).
    """
    values = values[first : first + n]
    if len(weights):
        weights = weights[first : first + n]
    first = 0
    if n < 8:
        total = 0.0
        for i in range(first, first + n):
            total += _term(values, weights, i)
        return total
    r0, r1 = _term(values, weights, first), _term(values, weights, first + 1)
    r2, r3 = _term(values, weights, first + 2), _term(values, weights, first + 3)
    r4, r5 = _term(values, weights, first + 4), _term(values, weights, first + 5)
    r6, r7 = _term(values, weights, first + 6), _term(values, weights, first + 7)
    i = 8
    while i < n - n % 8:
        j = first + i
        r0 += _term(values, weights, j)
        r1 += _term(values, weights, j + 1)
        r2 += _term(values, weights, j + 2)
        r3 += _term(values, weights, j + 3)
        r4 += _term(values, weights, j + 4)
        r5 += _term(values, weights, j + 5)
        r6 += _term(values, weights, j + 6)
        r7 += _term(values, weights, j + 7)
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for j in range(first + i, first + n):
        total += _term(values, weights, j)
    return total


@_jit
def _term(values: np.ndarray, weights: np.ndarray, i: int) -> float:  # pragma: no cover
    """Element ``i`` of the sum: the value, or its product with the weight (float64)."""
    if len(weights) == 0:
        return np.float64(values[i])
    return weights[i] * np.float64(values[i])


_NO_WEIGHTS = np.empty(0)


@_jit
def segment_cdfs(
    values: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """The cumulative distribution of each segment of ``values`` (weights >= 0), in one pass.

    Segment ``k`` is ``values[starts[k]:starts[k] + counts[k]]``; its part of the result is
    ``np.cumsum(w / w.sum())`` with the last element set to 1 (uniform when the weights sum
    to 0), bit for bit: the same total (:func:`pairwise_sum`), divisions and running sum.
    """
    out = np.empty(len(values))
    for k in range(len(starts)):
        first, n = starts[k], counts[k]
        if n == 0:
            continue
        total = pairwise_sum(values, first, n, _NO_WEIGHTS)
        acc = 0.0
        for i in range(first, first + n):
            acc += values[i] / total if total > 0 else 1.0 / n
            out[i] = acc
        out[first + n - 1] = 1.0
    return out
