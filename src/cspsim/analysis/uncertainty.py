"""Parameter uncertainty: every strategy's effect over an ensemble of parameter draws.

An ensemble (``cspsim-demo``, ``experiment=uncertainty``, ``cspsim-validate --draws``) runs
every strategy under each parameter draw (:mod:`cspsim.config.draws`), all strategies of a
draw on the draw's own seed (common random numbers). Per draw, each strategy's effect is its
paired difference from the baseline's run of that draw; over the draws:

* the **interval** is a 95% prediction interval for the effect under a new draw (mean
  +- t * sd * sqrt(1 + 1/n)): where the effect may lie given what we do not know about the
  parameters, simulation noise included;
* the **parameter share** is the part of the effect's variance across draws that seeds alone
  do not explain: ``1 - var_seeds / var_draws``, with ``var_seeds`` from replicate runs of the
  default parameters on several seeds (paired differences likewise);
* the **probability of being best** is the share of draws in which a strategy has the best
  value of an outcome (lowest crime, highest trust): rank stability.

Effects use each outcome's comparison unit (:mod:`cspsim.analysis.outcomes`): percent change
(``pct``: the difference over the draw's own baseline), else the difference itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis.stats import t_quantile

#: Where an ensemble's draws are written, under the run or sweep directory.
DRAWS_FILE = Path("uncertainty") / "draws.csv"
#: The outcomes an uncertainty table shows first (when present).
HEADLINE = ("crimes_true", "crimes_recorded", "trust", "high_confidence", "reporting_rate")


def scale(outcome: oc.Outcome, diff: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Differences as the outcome compares them.

    Percent of the baseline for ``pct``, else the difference itself (shares stay 0-1;
    :func:`cspsim.analysis.tables.fmt_ci` shows them as points).
    """
    if outcome.compare == "pct":
        return np.divide(100.0 * diff, base, out=np.full_like(diff, np.nan), where=base != 0)
    return diff


def paired_effects(
    summary: pd.DataFrame, outcomes: list[oc.Outcome], baseline: str, by: str
) -> pd.DataFrame:
    """Each scenario's effect on each outcome, paired with the baseline run of the same ``by``.

    Args:
        summary: Run summaries with ``scenario``, ``by`` (``draw`` or ``seed``) and outcomes.
        outcomes: The outcomes to compare.
        baseline: The scenario compared with.
        by: The pairing column.

    Returns:
        Long table ``scenario, <by>, outcome, effect`` (in the outcome's comparison unit).
    """
    base = summary[summary["scenario"] == baseline].set_index(by)
    rows = []
    for scenario, runs in summary.groupby("scenario", sort=False):
        runs = runs.set_index(by)
        keys = runs.index.intersection(base.index)
        for o in outcomes:
            b = base.loc[keys, o.name].to_numpy(np.float64)
            d = runs.loc[keys, o.name].to_numpy(np.float64) - b
            for k, e in zip(keys, scale(o, d, b), strict=True):
                rows.append({"scenario": scenario, by: k, "outcome": o.name, "effect": e})
    return pd.DataFrame(rows, columns=["scenario", by, "outcome", "effect"])


def prediction_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of the finite values and a prediction interval for one more (t, sd * sqrt(1+1/n))."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return (float("nan"),) * 3
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    half = float(t_quantile(n, level)) * float(x.std(ddof=1)) * np.sqrt(1.0 + 1.0 / n)
    return mean, mean - half, mean + half


def intervals(
    draw_effects: pd.DataFrame, seed_effects: pd.DataFrame | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Mean effect over draws, its prediction interval and the share of it from parameters.

    Args:
        draw_effects: :func:`paired_effects` by ``draw``.
        seed_effects: :func:`paired_effects` by ``seed`` at the default parameters, or None.
        level: Coverage of the prediction interval.

    Returns:
        ``scenario, outcome, n, mean, low, high, sd, seed_sd, parameter_share`` (the share
        is NaN without seed replicates, and 0-1 otherwise).
    """
    rows = []
    seeds = (
        seed_effects.groupby(["scenario", "outcome"])["effect"].std(ddof=1)
        if seed_effects is not None and len(seed_effects)
        else pd.Series(dtype=float)
    )
    for (scenario, outcome), g in draw_effects.groupby(["scenario", "outcome"], sort=False):
        x = g["effect"].to_numpy(np.float64)
        x = x[np.isfinite(x)]
        n = len(x)
        mean, low, high = prediction_interval(x, level)
        sd = float(x.std(ddof=1)) if n > 1 else float("nan")
        seed_sd = float(seeds.get((scenario, outcome), np.nan))
        share = (
            float(np.clip(1.0 - seed_sd**2 / sd**2, 0.0, 1.0))
            if np.isfinite(seed_sd) and np.isfinite(sd) and sd > 0
            else float("nan")
        )
        rows.append(
            {
                "scenario": scenario,
                "outcome": outcome,
                "n": n,
                "mean": mean,
                "low": low,
                "high": high,
                "sd": sd,
                "seed_sd": seed_sd,
                "parameter_share": share,
            }
        )
    return pd.DataFrame(rows)


def probability_best(summary: pd.DataFrame, outcomes: list[oc.Outcome], by: str) -> pd.DataFrame:
    """Share of draws in which each scenario has the best value of each outcome.

    Ties share the draw. Outcomes without a better direction are left out.

    Returns:
        ``scenario, outcome, p_best`` (every scenario of every outcome, 0 when never best).
    """
    rows = []
    scenarios = list(summary["scenario"].drop_duplicates())
    for o in outcomes:
        if o.better not in ("lower", "higher"):
            continue
        wide = summary.pivot_table(index=by, columns="scenario", values=o.name, aggfunc="mean")
        wide = wide.dropna()
        if wide.empty:
            continue
        best = wide.min(axis=1) if o.better == "lower" else wide.max(axis=1)
        winners = wide.eq(best, axis=0)
        share = winners.div(winners.sum(axis=1), axis=0).mean()
        rows += [
            {"scenario": s, "outcome": o.name, "p_best": float(share.get(s, 0.0))}
            for s in scenarios
        ]
    return pd.DataFrame(rows, columns=["scenario", "outcome", "p_best"])


def shown_outcomes(summary: pd.DataFrame) -> list[oc.Outcome]:
    """Declared outcomes present in the summary, headline ones first, money left out."""
    present = [o for o in oc.outcomes() if o.name in summary and o.compare != "usd"]
    first = [o for name in HEADLINE for o in present if o.name == name]
    return first + [o for o in present if o not in first]


def read_draws(root: Path) -> pd.DataFrame | None:
    """The draws of an ensemble under a run or sweep directory (None when there are none).

    The draws are listed in ``DRAWS_FILE`` under the runs' directory, or one level down
    (``cspsim-demo OUT`` keeps its runs in ``OUT/runs``, and its report can be rebuilt from
    ``OUT``): without them an ensemble's draws would be counted as seeds at the defaults.
    """
    root = Path(root)
    found = [p for p in (root / DRAWS_FILE, *sorted(root.glob(f"*/{DRAWS_FILE}"))) if p.is_file()]
    if not found:
        return None
    path = found[0]
    table = pd.read_csv(path)
    return table if {"draw", "seed"} <= set(table.columns) else None


def split(summary: pd.DataFrame, draws: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs at the default parameters and runs of the ensemble's draws (tagged ``draw``)."""
    if draws is None or summary.empty:
        return summary, summary.iloc[0:0]
    seed_to_draw = dict(zip(draws["seed"], draws["draw"], strict=True))
    in_draws = summary["seed"].isin(seed_to_draw)
    ensemble = summary[in_draws].assign(draw=summary.loc[in_draws, "seed"].map(seed_to_draw))
    return summary[~in_draws], ensemble


def width_sentence(table: pd.DataFrame, outcome: str = "crimes_true") -> str:
    """One sentence a planner understands on what the intervals' width is made of."""
    rows = table[(table["outcome"] == outcome) & table["parameter_share"].notna()]
    if rows.empty:
        return (
            "The intervals include both what we do not know about the model's parameters and "
            "simulation noise."
        )
    share = float(rows["parameter_share"].median())
    if share >= 0.5:
        return (
            f"Most of each interval's width comes from what we do not know about the model's "
            f"parameters (a median {share:.0%} of the variance for true crime), not from "
            "simulation noise: running more seeds would not narrow it, better evidence on "
            "the parameters would."
        )
    return (
        f"Much of each interval's width is simulation noise (parameters: a median {share:.0%} "
        "of the variance for true crime): more seeds or draws would narrow it."
    )
