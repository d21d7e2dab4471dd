"""Baseline checks against the published shares and the real city data.

* Calibration facts of the baseline year (reporting, contacts, confidence).
* San Francisco 2012: simulated *recorded* crime per block group over the data's 184 days
  against the observed SFPD counts, per type: Lorenz curves, top-10% share and Gini (mean
  and t-CI over seeds), and Spearman's rank correlation of the seed-mean counts with the
  observed ones (Fisher CI).
* Columbus 1980, out of sample: the city is built from income and housing value only; the
  simulated recorded property crime per resident is ranked against the held-out CRIME.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cspsim.analysis.concentration import gini, top_share
from cspsim.analysis.stats import bootstrap_ci, mean_ci, spearman_ci
from cspsim.city import CRIME_TYPES
from cspsim.city.shipped import COLUMBUS_POPULATION_PER_PLACE, SF_CRIME_COLUMNS, SF_PERIOD_DAYS
from cspsim.model.types import PROPERTY
from cspsim.validation.runs import Trace

SF_DAYS = int(SF_PERIOD_DAYS)


def calibration_values(baselines: list[Trace]) -> dict[str, tuple[float, float, float]]:
    """Reporting, contact and confidence facts: mean and t-CI over seeds."""
    rows: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        rows.setdefault(key, []).append(value)

    for tr in baselines:
        s = tr.scalars
        add("reporting_violent", s["reported_violent"] / max(s["true_violent"], 1.0))
        add("reporting_property", s["reported_property"] / max(s["true_property"], 1.0))
        add("contact_share", s["contact_share"])
        add(
            "contact_police_initiated", s["contacts_police_initiated"] / max(s["contacts_all"], 1.0)
        )
        add("high_confidence", s["high_confidence"])
        add("high_confidence_survey", s["survey_high"])
    return {k: mean_ci(np.array(v)) for k, v in rows.items()}


@dataclass
class SFResult:
    """San Francisco comparison.

    Attributes:
        values: Fact key -> (value, ci_low, ci_high).
        simulated: Simulated recorded counts over 184 days, (seeds, P, 5): 4 types + all.
        observed: Observed counts (P, 5).
        labels: Panel labels (model type and SF category).
        table: One row per panel for the report (observed and simulated statistics).
    """

    values: dict[str, tuple[float, float, float]]
    simulated: np.ndarray
    observed: np.ndarray
    labels: list[str]
    table: list[dict[str, float | str]]


def sf_check(baselines: list[Trace]) -> SFResult:
    """Compare simulated recorded crime per place with the observed SF 2012 counts."""
    days = min(SF_DAYS, baselines[0].rec.shape[0])
    sim = np.stack([tr.rec[:days].sum(axis=0, dtype=np.int64) for tr in baselines]).astype(float)
    sim = np.concatenate([sim, sim.sum(axis=2, keepdims=True)], axis=2)
    extra = baselines[0].extra
    obs = np.column_stack([extra[f"observed_{SF_CRIME_COLUMNS[t]}"] for t in CRIME_TYPES])
    obs = np.column_stack([obs, obs.sum(axis=1)]).astype(float)
    keys = [*CRIME_TYPES, "all"]
    labels = [f"{t} ({SF_CRIME_COLUMNS[t]})" for t in CRIME_TYPES] + ["all four types"]
    values: dict[str, tuple[float, float, float]] = {}
    table = []
    for j, key in enumerate(keys):
        top = mean_ci(np.array([top_share(s[:, j]) for s in sim]))
        g = mean_ci(np.array([gini(s[:, j]) for s in sim]))
        rho = spearman_ci(sim[:, :, j].mean(axis=0), obs[:, j])
        values[f"sf_top10_{key}"] = top
        values[f"sf_gini_{key}"] = g
        values[f"sf_spearman_{key}"] = rho
        level = sim[:, :, j].sum(axis=1).mean() * SF_PERIOD_DAYS / days / max(obs[:, j].sum(), 1)
        table.append(
            {
                "type": labels[j],
                "observed_top10": top_share(obs[:, j]),
                "sim_top10": top[0],
                "sim_top10_ci": f"{top[1]:.3f}-{top[2]:.3f}",
                "observed_gini": gini(obs[:, j]),
                "sim_gini": g[0],
                "sim_gini_ci": f"{g[1]:.3f}-{g[2]:.3f}",
                "spearman": rho[0],
                "spearman_ci": f"{rho[1]:.3f}-{rho[2]:.3f}",
                "sim_over_observed_total": float(level),
            }
        )
    return SFResult(values, sim, obs, labels, table)


@dataclass
class ColumbusResult:
    """Columbus out-of-sample comparison.

    Attributes:
        value: (rho, ci_low, ci_high) of simulated vs observed.
        simulated: Seed-mean simulated recorded property crime per 1,000 residents per year.
        observed: Observed CRIME (burglaries and vehicle thefts per 1,000 households).
        xy: Neighbourhood centroids (X, Y) for the map.
        per_seed: Spearman rho of each seed's simulated rates.
        disadvantage_rho: Spearman rho of the input index (-INC, -HOVAL) with CRIME.
        beyond: What the model adds to its input: (rho of the simulated rates minus rho of
            the input index, and its 95% CI from a paired bootstrap over neighbourhoods).
    """

    value: tuple[float, float, float]
    simulated: np.ndarray
    observed: np.ndarray
    xy: np.ndarray
    per_seed: list[float]
    disadvantage_rho: float
    beyond: tuple[float, float, float] = (float("nan"),) * 3


def columbus_check(traces: list[Trace]) -> ColumbusResult:
    """Rank the simulated property crime rate per neighbourhood against observed CRIME."""
    from scipy import stats

    extra = traces[0].extra
    observed = np.asarray(extra["CRIME"], dtype=float)
    rates = []
    for tr in traces:
        days = tr.rec.shape[0]
        counts = tr.rec[:, :, PROPERTY].sum(axis=0, dtype=np.int64)
        rates.append(counts / COLUMBUS_POPULATION_PER_PLACE * 1000.0 * 365.0 / days)
    rates = np.array(rates)
    per_seed = [float(stats.spearmanr(r, observed).statistic) for r in rates]
    index = -(stats.zscore(extra["INC"]) + stats.zscore(extra["HOVAL"]))
    sim = rates.mean(axis=0)

    def gain(rows: np.ndarray) -> float:
        # rows: (n, 3) of simulated, index, observed for the resampled neighbourhoods
        s_, i_, o_ = rows.T
        return float(stats.spearmanr(s_, o_).statistic - stats.spearmanr(i_, o_).statistic)

    paired = np.column_stack([sim, index, observed])
    lo, hi = bootstrap_ci(paired, gain, n_boot=2000, seed=0)
    return ColumbusResult(
        value=spearman_ci(rates.mean(axis=0), observed),
        simulated=rates.mean(axis=0),
        observed=observed,
        xy=traces[0].place_xy,
        per_seed=per_seed,
        disadvantage_rho=float(stats.spearmanr(index, observed).statistic),
        beyond=(gain(paired), lo, hi),
    )
