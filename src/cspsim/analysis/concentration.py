"""Statistics of crime concentration and relative change (used by calibration and validation).

All functions are plain numpy/scipy on 1-D arrays, so they can be checked against
hand-computed values (``tests/test_validation.py``). Confidence intervals (means over seeds,
correlations, bootstrap) are the analysis layer's: :mod:`cspsim.analysis.stats`.
"""

from __future__ import annotations

import math

import numpy as np


def lorenz(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve of non-negative values (e.g. crime counts per place).

    Args:
        values: Non-negative values, one per unit.

    Returns:
        ``(share_of_units, share_of_total)``: both start at 0 and end at 1; units are sorted
        from the smallest value up, so the curve lies on or below the diagonal.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    total = x.sum()
    units = np.arange(n + 1) / max(n, 1)
    if total <= 0:
        return units, units.copy()
    return units, np.concatenate([[0.0], np.cumsum(x) / total])


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = all equal, (n-1)/n = all in one unit).

    Uses the sorted-rank formula ``G = sum((2i - n - 1) x_(i)) / (n sum x)``, i = 1..n.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * total))


def top_share(values: np.ndarray, fraction: float = 0.1) -> float:
    """Share of the total held by the top ``fraction`` of units (ceil of fraction * n units)."""
    x = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return 0.0
    k = max(1, math.ceil(fraction * len(x) - 1e-9))
    return float(x[:k].sum() / total)


def relative_change(treated: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """Per-seed relative change ``treated / baseline - 1`` (NaN where the baseline is 0)."""
    t = np.asarray(treated, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    return np.divide(t, b, out=np.full_like(t, np.nan), where=b > 0) - 1.0
