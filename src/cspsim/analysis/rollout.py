"""Evaluation of a staggered rollout by difference-in-differences (the report's section).

Runs with ``modifiers.rollout`` treat some neighbourhoods from ``start_day``; the others are
the control group. For each run (one city, as the partnership's evaluators would have it)
the place-by-month DiD and event study are estimated with neighbourhood-clustered CIs, and
the survey by a respondent-level 2x2 DiD; the estimates are then averaged over seeds with a
t-CI. When the sweep also holds the counterfactual (the same seeds without the strategy),
the true effect at the treated places is known by common random numbers and shown beside.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cspsim.analysis.aggregate import READ, place_months  # noqa: E402
from cspsim.analysis.compare import mean_ci  # noqa: E402
from cspsim.analysis.plots import save_png  # noqa: E402
from cspsim.analysis.runs import RunSet  # noqa: E402
from cspsim.analysis.tables import fmt_ci  # noqa: E402
from cspsim.city import CRIME_TYPES  # noqa: E402
from cspsim.experiments.did import combine, did, did_2x2, event_study  # noqa: E402
from cspsim.model.measures import MONTH_DAYS  # noqa: E402
from cspsim.report.document import Document  # noqa: E402

OUTCOMES = {
    "crimes_true": "Crime, true (per place-month)",
    "crimes_recorded": "Crime, recorded",
    **{f"crimes_true_{t}": f"{t.capitalize()}, true" for t in CRIME_TYPES},
    "mean_trust": "Trust, residents' mean (0-1)",
    "mean_fear": "Fear, residents' mean (0-1)",
}
SURVEY = {
    "trust": "Survey: trust (1-5)",
    "satisfaction": "Survey: satisfaction (1-5)",
    "safety": "Survey: feeling safe (1-5)",
}


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
    con = duckdb.connect()
    df = con.execute(
        f"""SELECT filename, day, CAST(place_id AS VARCHAR) AS place_id, trust, satisfaction,
        safety FROM {READ}""",
        [files],
    ).df()
    df["run_dir"] = df.pop("filename").map(dict(zip(files, runs["run_dir"], strict=True)))
    flags = places[["run_dir", "place_id", "treated", "neighbourhood"]].drop_duplicates()
    df = df.merge(flags, on=["run_dir", "place_id"])
    df["post"] = df["day"] >= start_day
    return df


def analyse(rs: RunSet) -> dict | None:
    """Estimates of the rollout runs: DiD table rows, event study, survey, CRN truth."""
    runs = rollout_runs(rs)
    if runs.empty:
        return None
    start_day = int(runs.iloc[0]["meta"]["config"]["modifiers"]["rollout"]["start_day"])
    start = start_day // MONTH_DAYS
    panel = place_months(rs, list(OUTCOMES), list(runs["run_dir"]))
    rows, events = [], []
    for outcome, label in OUTCOMES.items():
        per_seed = []
        for _, p in panel.groupby("run_dir"):
            e = did(p, outcome, start)
            base = p.loc[p["treated"] & (p["month"] >= start), outcome].mean() - e.coef
            per_seed.append((e, 100 * e.coef / base if base else np.nan))
        m, lo, hi = combine([e.coef for e, _ in per_seed])
        pm, plo, phi = combine([pct for _, pct in per_seed])
        one = per_seed[0][0]
        rows.append(
            {
                "Outcome": label,
                "DiD (mean over seeds)": fmt_ci("num", m, lo, hi),
                "%": fmt_ci("pct", pm, plo, phi),
                "One city (first seed), clustered CI": fmt_ci(
                    "num", one.coef, one.ci_low, one.ci_high
                ),
                "Seeds": len(per_seed),
                "_outcome": outcome,
                "_pct": pm,
            }
        )
    for outcome in ("crimes_true", "crimes_recorded", "mean_trust"):
        es = [event_study(p, outcome, start).assign(run_dir=d) for d, p in panel.groupby("run_dir")]
        events.append(_combine_events(pd.concat(es), outcome))
    survey = survey_panel(runs, panel, start_day)
    srows = []
    for col, label in SURVEY.items():
        ests = [did_2x2(s, col) for _, s in survey.groupby("run_dir")]
        m, lo, hi = combine([e.coef for e in ests])
        srows.append(
            {
                "Outcome": label,
                "DiD (mean over seeds)": fmt_ci("num", m, lo, hi),
                "One city (first seed), clustered CI": fmt_ci(
                    "num", ests[0].coef, ests[0].ci_low, ests[0].ci_high
                ),
                "Respondents per run": int(np.mean([e.n for e in ests])),
            }
        )
    return {
        "start_day": start_day,
        "start_month": start,
        "rows": rows,
        "events": pd.concat(events),
        "survey": srows,
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


def plot_events(events: pd.DataFrame, path: Path) -> None:
    """Event-study coefficients by month relative to the rollout, with 95% CIs."""
    titles = {
        "crimes_true": "true crime per place-month",
        "crimes_recorded": "recorded crime per place-month",
        "mean_trust": "residents' mean trust",
    }
    fig, axes = plt.subplots(1, len(titles), figsize=(12, 3.6))
    for ax, (outcome, title) in zip(axes, titles.items(), strict=True):
        e = events[events["outcome"] == outcome]
        ax.errorbar(
            e["rel"],
            e["coef"],
            yerr=np.nan_to_num(np.vstack([e["coef"] - e["ci_low"], e["ci_high"] - e["coef"]])),
            fmt="o",
            capsize=3,
            color="tab:blue",
        )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="tab:red", ls="--", lw=0.8)
        ax.set_xlabel("months relative to the rollout")
        ax.set_title(title, fontsize=9)
    axes[0].set_ylabel("effect on treated (95% CI)")
    fig.suptitle("Event study: treated minus control neighbourhoods, month before = 0")
    fig.tight_layout()
    save_png(fig, path)


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The difference-in-differences section (only for sweeps with a rollout)."""
    res = analyse(rs)
    if res is None:
        return
    doc.h2("Staggered rollout: difference-in-differences")
    doc.p(
        f"The strategy started on day {res['start_day']} (month {res['start_month']}) in "
        "the treated neighbourhoods; the others kept the baseline and are the control group. "
        "Place-by-month two-way fixed-effects DiD per run with CIs clustered by "
        "neighbourhood (what an evaluator with one city would report), then the mean over "
        "seeds with a t-CI across them. Crime effects are offences per place per month; "
        "% is against the treated places' counterfactual level."
    )
    doc.table(pd.DataFrame(res["rows"]).drop(columns=["_outcome", "_pct"]))
    t = res["truth"]
    if t:
        doc.p(
            f"**Check by common random numbers:** the true change in crime at the treated "
            f"places after the start, against the same seeds without the strategy, is "
            f"{fmt_ci('pct', t['pct'], t['low'], t['high'])} over {t['seeds']} seed(s); "
            "the DiD estimate of true crime should agree within its CI."
        )
    doc.h3("Survey outcomes (respondent-level 2x2 DiD, clustered by neighbourhood)")
    doc.table(pd.DataFrame(res["survey"]))
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    plot_events(res["events"], figs / "event_study.png")
    doc.img(figs / "event_study.png", "Event study: effect by month relative to the rollout")
