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
  ``np.bincount`` does.

The kernels are cached on disk (``cache=True``): the first run on a machine compiles them
(a few seconds), later runs load them.
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)


@_jit
def bin_sums(
    index: np.ndarray, columns: tuple[np.ndarray, ...], n_bins: int
) -> np.ndarray:  # pragma: no cover - compiled
    """Sums of each column by bin, ``out[c, b] = sum(columns[c][index == b])`` (float64).

    Equal to ``np.bincount(index, weights=column, minlength=n_bins)`` for each column: each
    bin's sum starts at 0 and adds its elements in array order. A run of equal bins (as
    residents sorted by place give) is summed in a register, so consecutive additions do
    not wait on a store to memory.

    Args:
        index: Bin of each element (int array, values in ``0..n_bins-1``).
        columns: Tuple of 1-D arrays of one dtype, each as long as ``index``.
        n_bins: Number of bins.
    """
    k = len(columns)
    out = np.zeros((k, n_bins))
    n = len(index)
    for c in range(k):
        col = columns[c]
        row = out[c]
        i = 0
        while i < n:
            b = index[i]
            acc = row[b]
            while i < n and index[i] == b:
                acc += col[i]
                i += 1
            row[b] = acc
    return out


@_jit
def tie_sums(
    rows: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    out_a: np.ndarray,
    out_b: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Weighted sums of two columns over each row of a CSR matrix (float32, row order).

    Equal to ``W @ np.column_stack([a, b])`` for a float32 ``W`` whose entry ``k`` lies in
    row ``rows[k]``: each row's sum starts at 0 and adds ``weight * value`` in the row's
    order. One flat loop over the entries (a row's start resets the running sums, each
    entry stores them), so the loop has no exit per row for the processor to mispredict.
    """
    out_a[:] = 0.0
    out_b[:] = 0.0
    zero = np.float32(0.0)
    sa = zero
    sb = zero
    previous = -1
    for k in range(len(indices)):
        i = rows[k]
        j = indices[k]
        w = weights[k]
        start = i != previous
        sa = (zero if start else sa) + w * a[j]
        sb = (zero if start else sb) + w * b[j]
        out_a[i] = sa
        out_b[i] = sb
        previous = i


@_jit
def tie_sums4(
    rows: np.ndarray,
    indices: np.ndarray,
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

    Equal to ``W @ [a, b]`` and ``B @ [c, d]`` for a weighted ``W`` and a binary ``B`` with
    the same entries in the same order, in one loop over the entries.
    """
    zero = np.float32(0.0)
    sa = sb = sc = sd = zero
    previous = -1
    out_a[:] = 0.0
    out_b[:] = 0.0
    out_c[:] = 0.0
    out_d[:] = 0.0
    for k in range(len(indices)):
        i = rows[k]
        j = indices[k]
        w = weights[k]
        start = i != previous
        sa = (zero if start else sa) + w * a[j]
        sb = (zero if start else sb) + w * b[j]
        sc = (zero if start else sc) + c[j]
        sd = (zero if start else sd) + d[j]
        out_a[i] = sa
        out_b[i] = sb
        out_c[i] = sc
        out_d[i] = sd
        previous = i


@_jit
def count_senders(c: np.ndarray, d: np.ndarray) -> int:  # pragma: no cover - compiled
    """How many elements have a nonzero ``c`` or ``d``."""
    n = 0
    for i in range(len(c)):
        if c[i] != 0 or d[i] != 0:
            n += 1
    return n


@_jit
def scatter_over_ties(
    indptr: np.ndarray,
    indices: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    out_c: np.ndarray,
    out_d: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Add each sender's ``c`` and ``d`` to each of its ties (float64, zeroed first).

    Senders are the rows with a nonzero ``c`` or ``d``, in row order, each row's entries in
    order: the same additions as ``np.bincount`` over the concatenated rows of the senders
    with their values repeated (for a symmetric matrix, the sums over each one's ties).
    """
    out_c[:] = 0.0
    out_d[:] = 0.0
    for i in range(len(indptr) - 1):
        ci = c[i]
        di = d[i]
        if ci == 0 and di == 0:
            continue
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            out_c[j] += ci
            out_d[j] += di


@_jit
def resident_sums(
    trust: np.ndarray,
    fear: np.ndarray,
    engagement: np.ndarray,
    belief: np.ndarray,
    group: np.ndarray,
    high: np.float32,
) -> np.ndarray:  # pragma: no cover - compiled
    """Sums for the daily measures of residents, in one pass (float64, array order).

    Returns ``[trust, fear, engagement, belief, residents with trust >= high, trust of
    group 0, trust of group 1]``, each summed over the residents.
    """
    out = np.zeros(7)
    st = sf = se = sb = nh = g0 = g1 = 0.0
    for i in range(len(trust)):
        t = np.float64(trust[i])
        st += t
        sf += fear[i]
        se += engagement[i]
        sb += belief[i]
        nh += 1.0 if trust[i] >= high else 0.0
        g0 += t if group[i] == 0 else 0.0
        g1 += 0.0 if group[i] == 0 else t
    out[0] = st
    out[1] = sf
    out[2] = se
    out[3] = sb
    out[4] = nh
    out[5] = g0
    out[6] = g1
    return out


@_jit
def clip01(x: np.float32) -> np.float32:  # pragma: no cover - compiled
    """``np.clip(x, 0, 1)`` of one float32."""
    if x < np.float32(0.0):
        return np.float32(0.0)
    if x > np.float32(1.0):
        return np.float32(1.0)
    return x
