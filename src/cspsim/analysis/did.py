"""Difference-in-differences and event study, as a partnership's evaluators would run them.

A staggered rollout treats some neighbourhoods from a start month; the others are the
control group. On a balanced place-by-month panel the two-way fixed-effects regression

    y[p, t] = a[p] + g[t] + beta * treated[p] * post[t] + e[p, t]

is estimated by OLS after removing place and month means (exact for a balanced panel), with
standard errors clustered by neighbourhood (the unit of assignment). The event study
replaces ``beta * post`` by one coefficient per month relative to the rollout, the month
before it being the reference (0). Survey outcomes use the respondent-level 2x2 regression
``y = a + b treated + c post + beta treated x post`` with the same clustering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from cspsim.analysis.stats import mean_ci, t_quantile


@dataclass
class Estimate:
    """A coefficient with its clustered standard error and 95% CI.

    Attributes:
        coef: Point estimate.
        se: Cluster-robust standard error.
        ci_low: Lower end of the 95% CI (t with clusters - 1 degrees of freedom).
        ci_high: Upper end.
        n: Observations.
        clusters: Number of clusters.
    """

    coef: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    clusters: int


def _demean_two_way(panel: pd.DataFrame, cols: list[str], unit: str, time: str) -> pd.DataFrame:
    """Remove unit and time means (the within transformation of a balanced panel)."""
    out = panel[cols].astype(np.float64)
    unit_mean = out.groupby(panel[unit]).transform("mean")
    time_mean = out.groupby(panel[time]).transform("mean")
    return out - unit_mean - time_mean + out.mean()


def _cluster_ols(
    y: np.ndarray, x: np.ndarray, groups: np.ndarray, absorbed: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """OLS with cluster-robust covariance; dof correction counts absorbed fixed effects."""
    res = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    n, k = x.shape
    # statsmodels scales by (n - 1) / (n - k); the absorbed effects are parameters too.
    scale = (n - k) / max(n - k - absorbed, 1)
    se = np.sqrt(np.diag(res.cov_params()) * scale)
    return np.asarray(res.params), se, len(np.unique(groups))


def _estimate(coef: float, se: float, n: int, clusters: int) -> Estimate:
    t = t_quantile(clusters)  # clusters - 1 degrees of freedom
    return Estimate(float(coef), float(se), coef - t * se, coef + t * se, n, clusters)


def did(
    panel: pd.DataFrame,
    outcome: str,
    start: int,
    unit: str = "place_id",
    time: str = "month",
    treated: str = "treated",
    cluster: str = "neighbourhood",
) -> Estimate:
    """Two-way fixed-effects difference-in-differences on a balanced panel.

    Args:
        panel: One row per unit and period with the outcome, a treated flag (constant per
            unit) and the cluster of each unit.
        outcome: Column of the outcome.
        start: First treated period (``post = time >= start``).
        unit: Unit column (place).
        time: Period column (month).
        treated: Bool column: the unit is in the treated group.
        cluster: Cluster column (neighbourhood, the unit of assignment).

    Returns:
        The treatment effect ``beta`` in outcome units per unit-period.
    """
    df = panel[[unit, time, treated, cluster, outcome]].copy()
    df["d"] = (df[treated].astype(bool) & (df[time] >= start)).astype(np.float64)
    dm = _demean_two_way(df, [outcome, "d"], unit, time)
    absorbed = df[unit].nunique() + df[time].nunique() - 1
    params, se, g = _cluster_ols(
        dm[outcome].to_numpy(), dm[["d"]].to_numpy(), df[cluster].to_numpy(), absorbed
    )
    return _estimate(params[0], se[0], len(df), g)


def event_study(
    panel: pd.DataFrame,
    outcome: str,
    start: int,
    unit: str = "place_id",
    time: str = "month",
    treated: str = "treated",
    cluster: str = "neighbourhood",
) -> pd.DataFrame:
    """Effect by period relative to the rollout (reference: the period before it).

    Returns:
        ``rel`` (periods since rollout), ``coef``, ``se``, ``ci_low``, ``ci_high``; the
        reference period has coefficient 0 and no interval.
    """
    df = panel[[unit, time, treated, cluster, outcome]].copy()
    rel = df[time] - start
    leads = sorted(r for r in rel.unique() if r != -1)
    cols = []
    for r in leads:
        name = f"rel_{r}"
        df[name] = ((rel == r) & df[treated].astype(bool)).astype(np.float64)
        cols.append(name)
    dm = _demean_two_way(df, [outcome, *cols], unit, time)
    absorbed = df[unit].nunique() + df[time].nunique() - 1
    params, se, g = _cluster_ols(
        dm[outcome].to_numpy(), dm[cols].to_numpy(), df[cluster].to_numpy(), absorbed
    )
    rows = [
        {**_estimate(c, s, len(df), g).__dict__, "rel": r}
        for r, c, s in zip(leads, params, se, strict=True)
    ]
    rows.append({"rel": -1, "coef": 0.0, "se": 0.0, "ci_low": np.nan, "ci_high": np.nan})
    out = pd.DataFrame(rows).sort_values("rel").reset_index(drop=True)
    return out[["rel", "coef", "se", "ci_low", "ci_high"]]


def did_2x2(
    data: pd.DataFrame,
    outcome: str,
    treated: str = "treated",
    post: str = "post",
    cluster: str = "neighbourhood",
) -> Estimate:
    """Respondent-level 2x2 DiD ``y = a + b T + c P + beta T x P`` (e.g. survey answers)."""
    df = data[[outcome, treated, post, cluster]].dropna()
    t = df[treated].astype(np.float64).to_numpy()
    p = df[post].astype(np.float64).to_numpy()
    x = np.column_stack([np.ones(len(df)), t, p, t * p])
    params, se, g = _cluster_ols(df[outcome].to_numpy(np.float64), x, df[cluster].to_numpy(), 0)
    return _estimate(params[3], se[3], len(df), g)


def combine(estimates: list[float]) -> tuple[float, float, float]:
    """Mean over replicate runs (seeds) with a t-CI across them."""
    return mean_ci(np.asarray(estimates, dtype=np.float64))
