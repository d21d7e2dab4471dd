"""Report section of a staggered rollout: difference-in-differences and the event study."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.outcomes import FIGURE_COLUMNS, label_unit
from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.rollout import analyse
from cspsim.analysis.runs import RunSet
from cspsim.analysis.tables import fmt_ci
from cspsim.report.document import Document


def plot_events(events: pd.DataFrame, path: Path) -> None:
    """Event-study coefficients by month relative to the rollout, with 95% CIs."""
    fig, axes = plt.subplots(1, len(FIGURE_COLUMNS), figsize=(12, 3.6))
    for ax, outcome in zip(axes, FIGURE_COLUMNS, strict=True):
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
        label, unit = label_unit(outcome, "places")
        ax.set_title(f"{label} ({unit}) per place", fontsize=9)
    axes[0].set_ylabel("effect on treated (95% CI)")
    fig.suptitle("Event study: treated minus control neighbourhoods, month before = 0")
    fig.tight_layout()
    save_png(fig, path)


def _did_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Outcome": rows["label"],
            "DiD (mean over seeds)": [
                fmt_ci("num", r.coef, r.ci_low, r.ci_high) for r in rows.itertuples()
            ],
            "%": [fmt_ci("pct", r.pct, r.pct_low, r.pct_high) for r in rows.itertuples()],
            "One city (first seed), clustered CI": [
                fmt_ci("num", r.first_coef, r.first_low, r.first_high) for r in rows.itertuples()
            ],
            "Seeds": rows["seeds"],
        }
    )


def _survey_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Outcome": rows["label"],
            "DiD (mean over seeds)": [
                fmt_ci("num", r.coef, r.ci_low, r.ci_high) for r in rows.itertuples()
            ],
            "One city (first seed), clustered CI": [
                fmt_ci("num", r.first_coef, r.first_low, r.first_high) for r in rows.itertuples()
            ],
            "Respondents per run": rows["respondents"],
        }
    )


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
        "seeds with a t-CI across them. Effects are per place per month, in each outcome's "
        "unit; % is against the treated places' counterfactual level."
    )
    doc.table(_did_table(res["did"]))
    t = res["truth"]
    if t:
        doc.p(
            f"**Check by common random numbers:** the true change in crime at the treated "
            f"places after the start, against the same seeds without the strategy, is "
            f"{fmt_ci('pct', t['pct'], t['low'], t['high'])} over {t['seeds']} seed(s); "
            "the DiD estimate of true crime should agree within its CI."
        )
    doc.h3("Survey outcomes (respondent-level 2x2 DiD, clustered by neighbourhood)")
    doc.table(_survey_table(res["survey"]))
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    plot_events(res["events"], figs / "event_study.png")
    doc.img(figs / "event_study.png", "Event study: effect by month relative to the rollout")
