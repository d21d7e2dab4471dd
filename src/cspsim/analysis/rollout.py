"""Evaluation of a staggered rollout by difference-in-differences.

Runs with ``modifiers.rollout`` treat some neighbourhoods from ``start_day``; the others are
the control group. For each run (one city, as the partnership's evaluators would have it)
the place-by-month DiD and event study are estimated with neighbourhood-clustered CIs, and
the survey by a respondent-level 2x2 DiD; the estimates are then averaged over seeds with a
t-CI. When the sweep also holds the counterfactual (the same seeds without the strategy),
the true effect at the treated places is known by common random numbers and shown beside.

The outcomes are read from the declarations: every places column that a run-level outcome
is computed from, and every survey answer on the Likert scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis.aggregate import READ, connect, place_months
from cspsim.analysis.did import combine, did, did_2x2, event_study
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import mean_ci
from cspsim.model.measures import MONTH_DAYS, PLACES, SURVEY, Measure

#: Survey answers on this scale are survey outcomes of the rollout.
LIKERT = "Likert 1-5"


def place_outcomes() -> list[Measure]:
    """Places columns estimated per place-month: those the run-level outcomes are made of."""
    used = [o.column for o in oc.outcomes() if o.over_days in ("sum", "mean", "last30")]
    by_name = {m.name: m for m in PLACES if m.over_places in ("sum", "mean")}
    return [by_name[c] for c in dict.fromkeys(used) if c in by_name]


def survey_outcomes() -> list[Measure]:
    """Survey answers analysed by the respondent-level 2x2 DiD."""
    return [m for m in SURVEY if m.unit == LIKERT]


def rollout_runs(rs: RunSet) -> pd.DataFrame:
    """Counted runs with a staggered rollout."""

    def is_rollout(meta: dict) -> bool:
        ro = meta["config"]["modifiers"]["rollout"]
        return bool(ro.get("treated")) or float(ro.get("treated_share", 0)) > 0

    if rs.runs.empty:
        return rs.runs
    return rs.runs[
        [
            is_rollout(m) and s != "reactive"
            for m, s in zip(rs.runs["meta"], rs.runs["strategy"], strict=True)
        ]
    ]


def survey_panel(runs: pd.DataFrame, places: pd.DataFrame, start_day: int) -> pd.DataFrame:
    """Respondents of the rollout runs with their place's treated flag and neighbourhood."""
    files = [str(Path(d) / "survey.parquet") for d in runs["run_dir"]]
    answers = ", ".join(m.name for m in survey_outcomes())
    df = (
        connect()
        .execute(
            f"""SELECT filename, day, CAST(place_id AS VARCHAR) AS place_id, {answers}
            FROM {READ}""",
            [files],
        )
        .df()
    )
    df["run_dir"] = df.pop("filename").map(dict(zip(files, runs["run_dir"], strict=True)))
    flags = places[["run_dir", "place_id", "treated", "neighbourhood"]].drop_duplicates()
    df = df.merge(flags, on=["run_dir", "place_id"])
    df["post"] = df["day"] >= start_day
    return df


def _did_rows(panel: pd.DataFrame, start: int) -> pd.DataFrame:
    """Per place outcome: DiD mean over seeds (CI), in % of the counterfactual, first seed."""
    rows = []
    for m in place_outcomes():
        per_seed = []
        for _, p in panel.groupby("run_dir"):
            e = did(p, m.name, start)
            base = p.loc[p["treated"] & (p["month"] >= start), m.name].mean() - e.coef
            per_seed.append((e, 100 * e.coef / base if base else np.nan))
        coef, lo, hi = combine([e.coef for e, _ in per_seed])
        pct, plo, phi = combine([pct for _, pct in per_seed])
        one = per_seed[0][0]
        rows.append(
            {
                "outcome": m.name,
                "label": f"{m.label}, {m.unit}",
                "coef": coef,
                "ci_low": lo,
                "ci_high": hi,
                "pct": pct,
                "pct_low": plo,
                "pct_high": phi,
                "first_coef": one.coef,
                "first_low": one.ci_low,
                "first_high": one.ci_high,
                "seeds": len(per_seed),
            }
        )
    return pd.DataFrame(rows)


def _survey_rows(survey: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for m in survey_outcomes():
        ests = [did_2x2(s, m.name) for _, s in survey.groupby("run_dir")]
        coef, lo, hi = combine([e.coef for e in ests])
        rows.append(
            {
                "outcome": m.name,
                "label": f"Survey: {m.label}, {m.unit}",
                "coef": coef,
                "ci_low": lo,
                "ci_high": hi,
                "first_coef": ests[0].coef,
                "first_low": ests[0].ci_low,
                "first_high": ests[0].ci_high,
                "respondents": int(np.mean([e.n for e in ests])),
            }
        )
    return pd.DataFrame(rows)


def analyse(rs: RunSet) -> dict | None:
    """Estimates of the rollout runs (None without rollout runs).

    Returns:
        ``start_day``, ``start_month``, ``did`` (one row per place outcome), ``events``
        (event-study coefficients of :data:`~cspsim.analysis.outcomes.FIGURE_COLUMNS`),
        ``survey`` (one row per survey answer) and ``truth`` (the CRN check, or None).
    """
    runs = rollout_runs(rs)
    if runs.empty:
        return None
    start_day = int(runs.iloc[0]["meta"]["config"]["modifiers"]["rollout"]["start_day"])
    start = start_day // MONTH_DAYS
    panel = place_months(rs, [m.name for m in place_outcomes()], list(runs["run_dir"]))
    events = []
    for outcome in oc.FIGURE_COLUMNS:
        es = [event_study(p, outcome, start).assign(run_dir=d) for d, p in panel.groupby("run_dir")]
        events.append(_combine_events(pd.concat(es), outcome))
    return {
        "start_day": start_day,
        "start_month": start,
        "did": _did_rows(panel, start),
        "events": pd.concat(events),
        "survey": _survey_rows(survey_panel(runs, panel, start_day)),
        "truth": _truth(rs, runs, panel, start),
    }


def _combine_events(es: pd.DataFrame, outcome: str) -> pd.DataFrame:
    rows = []
    for rel, g in es.groupby("rel"):
        if g["run_dir"].nunique() > 1:
            m, lo, hi = mean_ci(g["coef"].to_numpy())
        else:
            m, lo, hi = g["coef"].iloc[0], g["ci_low"].iloc[0], g["ci_high"].iloc[0]
        rows.append({"outcome": outcome, "rel": rel, "coef": m, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def _truth(rs: RunSet, runs: pd.DataFrame, panel: pd.DataFrame, start: int) -> dict | None:
    """True effect at treated places after the start: rollout run minus counterfactual run."""
    cf = rs.runs[(rs.runs["strategy"] == "reactive") & rs.runs["seed"].isin(runs["seed"])]
    if cf.empty:
        return None
    cfp = place_months(rs, ["crimes_true"], list(cf["run_dir"]))
    cfp = cfp.merge(cf[["run_dir", "seed"]], on="run_dir")
    ro = panel.merge(runs[["run_dir", "seed"]], on="run_dir")
    pct = []
    for seed, g in ro[ro["treated"] & (ro["month"] >= start)].groupby("seed"):
        c = cfp[
            (cfp["seed"] == seed) & cfp["place_id"].isin(g["place_id"]) & (cfp["month"] >= start)
        ]["crimes_true"].sum()
        pct.append(100 * (g["crimes_true"].sum() / c - 1) if c > 0 else np.nan)
    m, lo, hi = mean_ci(np.array(pct))
    return {"pct": m, "low": lo, "high": hi, "seeds": len(pct)}
