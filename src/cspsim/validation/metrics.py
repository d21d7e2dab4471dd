"""Statistics of the validation report: concentration, rank correlation, relative change.

All functions are plain numpy/scipy on 1-D arrays, so they can be checked against
hand-computed values (``tests/test_validation.py``). Means with t-intervals over seeds are
the analysis layer's one helper, :func:`cspsim.analysis.stats.mean_ci`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


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


def fisher_ci(r: float, n: int, level: float = 0.95, spearman: bool = True) -> tuple[float, float]:
    """Confidence interval of a correlation by Fisher's z transform.

    For Spearman's rho the standard error is ``sqrt(1.06 / (n - 3))`` (Fieller, Hartley &
    Pearson 1957); for Pearson's r it is ``1 / sqrt(n - 3)``.
    """
    if n <= 3 or not np.isfinite(r):
        return (float("nan"), float("nan"))
    z = math.atanh(min(max(r, -0.999999), 0.999999))
    se = math.sqrt((1.06 if spearman else 1.0) / (n - 3))
    q = stats.norm.ppf(0.5 + level / 2)
    return (math.tanh(z - q * se), math.tanh(z + q * se))


def spearman_ci(x: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Spearman's rank correlation with a Fisher-z confidence interval.

    Returns:
        ``(rho, ci_low, ci_high)``.
    """
    rho = float(stats.spearmanr(x, y).statistic)
    lo, hi = fisher_ci(rho, len(x), level, spearman=True)
    return rho, lo, hi


def relative_change(treated: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """Per-seed relative change ``treated / baseline - 1`` (NaN where the baseline is 0)."""
    t = np.asarray(treated, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    return np.divide(t, b, out=np.full_like(t, np.nan), where=b > 0) - 1.0


def bootstrap_ci(
    values: np.ndarray,
    statistic,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap CI of ``statistic`` over units (e.g. places), seeded."""
    x = np.asarray(values)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    boot = np.array([statistic(x[i]) for i in idx])
    a = (1 - level) / 2
    return float(np.quantile(boot, a)), float(np.quantile(boot, 1 - a))
