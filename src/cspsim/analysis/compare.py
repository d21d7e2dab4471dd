"""Paired differences from the baseline on common random numbers, with 95% CIs.

Runs of two strategies on the same seed share every random draw the strategy does not
change, so the per-seed difference removes most of the run-to-run noise; the CI is a
t-interval over seeds of those paired differences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t confidence interval; (mean, nan, nan) with fewer than 2 values."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if len(v) < 2:
        return mean, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    return mean, mean - half, mean + half


def paired_differences(
    summary: pd.DataFrame,
    measures: list[str],
    baseline: str = "reactive",
    label: str = "strategy",
) -> pd.DataFrame:
    """Per strategy and measure: baseline mean, mean paired difference, its CI and percent.

    Args:
        summary: One row per run with columns ``strategy`` (or ``label``), ``seed`` and the
            measures.
        measures: Columns to compare.
        baseline: The strategy every other one is compared with.
        label: Column naming what is compared (``strategy``, or ``scenario`` in sweeps);
            the output column keeps the name ``strategy``.

    Returns:
        Long table: ``strategy, measure, baseline, value, diff, ci_low, ci_high, pct,
        pct_low, pct_high, n``.
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
    """Cost per true crime averted, per strategy (NaN when no crime is averted).

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
