"""The one place confidence intervals are computed: means with t-intervals, paired differences.

Replicates of a scenario are seeds; two scenarios on the same seed share every random draw the
scenario does not change (common random numbers), so the per-seed difference removes most of
the run-to-run noise and its t-interval over seeds is the interval every report shows. The
validation's other intervals are here too: correlations (Fisher's z) and the bootstrap.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

#: Two-sided confidence level of every interval in the reports.
LEVEL = 0.95


def t_quantile(n: np.ndarray | int, level: float = LEVEL) -> np.ndarray | float:
    """Two-sided t critical value for ``n`` values (``n - 1`` degrees of freedom, at least 1)."""
    return stats.t.ppf(0.5 + level / 2, np.maximum(np.asarray(n) - 1, 1))


def mean_ci(values: np.ndarray, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval of the finite values.

    Args:
        values: One value per replicate (for paired comparisons: one difference per seed).
        level: Confidence level.

    Returns:
        ``(mean, low, high)``; NaN bounds with fewer than 2 finite values, all NaN with none.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if len(v) < 2:
        return mean, float("nan"), float("nan")
    half = float(t_quantile(len(v), level) * v.std(ddof=1) / np.sqrt(len(v)))
    return mean, mean - half, mean + half


def t_band(
    mean: pd.DataFrame, sd: pd.DataFrame, n: pd.DataFrame, level: float = LEVEL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lower and upper t-interval bounds of many means at once (aligned frames of groups)."""
    half = pd.DataFrame(t_quantile(n.to_numpy(), level), index=sd.index, columns=sd.columns)
    half = half * sd / np.sqrt(n)
    return mean - half, mean + half


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


def bootstrap_ci(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], float],
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


def paired_differences(
    summary: pd.DataFrame,
    measures: list[str],
    baseline: str = "reactive",
    label: str = "strategy",
) -> pd.DataFrame:
    """Per scenario and measure: baseline mean, mean paired difference, its CI and percent.

    Args:
        summary: One row per run with columns ``label``, ``seed`` and the measures.
        measures: Columns to compare.
        baseline: The scenario every other one is compared with.
        label: Column naming what is compared (``strategy``, or ``scenario`` in sweeps);
            the output column keeps the name ``strategy``.

    Returns:
        Long table: ``strategy, measure, baseline, value, diff, ci_low, ci_high, pct,
        pct_low, pct_high, n`` (``n``: paired seeds).
    """
    base = summary[summary[label] == baseline].set_index("seed")
    rows = []
    for strategy, runs in summary.groupby(label, sort=False):
        runs = runs.set_index("seed")
        seeds = runs.index.intersection(base.index)
        for m in measures:
            b = base.loc[seeds, m].to_numpy(dtype=np.float64)
            d = runs.loc[seeds, m].to_numpy(dtype=np.float64) - b
            diff, lo, hi = mean_ci(d)
            bmean = float(np.mean(b)) if len(b) else float("nan")
            scale = 100.0 / bmean if bmean else float("nan")
            rows.append(
                {
                    "strategy": strategy,
                    "measure": m,
                    "baseline": bmean,
                    "value": float(runs.loc[seeds, m].mean()) if len(seeds) else float("nan"),
                    "diff": diff,
                    "ci_low": lo,
                    "ci_high": hi,
                    "pct": diff * scale,
                    "pct_low": lo * scale,
                    "pct_high": hi * scale,
                    "n": len(seeds),
                }
            )
    return pd.DataFrame(rows)


def cost_per_crime_averted(
    summary: pd.DataFrame, baseline: str = "reactive", label: str = "strategy"
) -> pd.DataFrame:
    """Cost per true crime averted, per scenario (NaN when no crime is averted).

    ``cost_per_crime_averted`` is the extra cost over the baseline per crime averted (0 at
    equal budget: the crimes are averted for no extra money). When the summary has
    ``reallocated`` (spending moved from officer-hours to other components), also
    ``reallocated_per_crime_averted``: what each averted crime cost in money moved.
    """
    measures = ["cost", "crimes_true"] + (["reallocated"] if "reallocated" in summary else [])
    diffs = paired_differences(summary, measures, baseline, label)
    wide = diffs.pivot(index="strategy", columns="measure", values="diff")
    averted = -wide["crimes_true"]
    pos = averted.where(averted > 0)
    out = pd.DataFrame(
        {
            "crimes_averted": averted,
            "extra_cost": wide["cost"],
            "cost_per_crime_averted": np.where(averted > 0, wide["cost"] / pos, np.nan),
        }
    )
    if "reallocated" in wide:
        out["reallocated"] = wide["reallocated"]
        out["reallocated_per_crime_averted"] = np.where(
            averted > 0, wide["reallocated"] / pos, np.nan
        )
    return out.reset_index()


def ratio_ci(
    numerator: np.ndarray, denominator: np.ndarray, level: float = LEVEL
) -> tuple[float, float, float]:
    """Ratio of two paired means with Fieller's confidence interval.

    For replicates (seeds) of a numerator and a denominator measured together (extra cost
    and crimes averted on the same seed), the ratio of their means and the set of ratios
    ``r`` not rejected by the t-test of ``mean(num) - r mean(den) = 0`` (Fieller 1954),
    which accounts for the noise of the denominator.

    Returns:
        ``(ratio, low, high)``; ``low = -inf, high = inf`` when the denominator's mean is
        not clearly away from zero (the interval is then unbounded); NaN with fewer than
        two finite pairs or a zero denominator.
    """
    a, b = np.asarray(numerator, np.float64), np.asarray(denominator, np.float64)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    n = len(a)
    if n == 0 or b.mean() == 0:
        return float("nan"), float("nan"), float("nan")
    ratio = float(a.mean() / b.mean())
    if n < 2:
        return ratio, float("nan"), float("nan")
    t2 = float(t_quantile(n, level)) ** 2
    cov = np.cov(a, b, ddof=1) / n
    ma, mb = a.mean(), b.mean()
    qa = mb * mb - t2 * cov[1, 1]
    qb = ma * mb - t2 * cov[0, 1]
    qc = ma * ma - t2 * cov[0, 0]
    disc = qb * qb - qa * qc
    if qa <= 0 or disc < 0:
        return ratio, float("-inf"), float("inf")
    root = math.sqrt(disc)
    return ratio, float((qb - root) / qa), float((qb + root) / qa)
