"""Report section of an uncertainty ensemble: effects with parameter uncertainty, rank stability."""

from __future__ import annotations

import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis import uncertainty as unc
from cspsim.analysis.tables import fmt_ci
from cspsim.report.document import Document

#: Outcomes of the probability-of-being-best table.
BEST = ("crimes_true", "trust", "reporting_rate", "fear")


def tables(
    replicates: pd.DataFrame, ensemble: pd.DataFrame, baseline: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The ensemble's intervals, the effects table and the probability-of-being-best table.

    Args:
        replicates: Run summaries at the default parameters (``seed`` pairs the runs).
        ensemble: Run summaries of the draws (``draw`` pairs the runs).
        baseline: The scenario compared with.
    """
    shown = unc.shown_outcomes(ensemble)
    draw_fx = unc.paired_effects(ensemble, shown, baseline, "draw")
    seed_fx = (
        unc.paired_effects(replicates, shown, baseline, "seed")
        if replicates["seed"].nunique() > 1
        else None
    )
    iv = unc.intervals(draw_fx, seed_fx)
    iv = iv[iv["scenario"] != baseline]
    headline = [o for o in shown if o.name in unc.HEADLINE]
    rows = []
    for scenario in iv["scenario"].drop_duplicates():
        row: dict[str, object] = {"Strategy": scenario}
        for o in headline:
            r = iv[(iv["scenario"] == scenario) & (iv["outcome"] == o.name)].iloc[0]
            row[f"{o.label}, {'%' if o.compare == 'pct' else 'pts'}"] = fmt_ci(
                o.compare, r["mean"], r["low"], r["high"]
            )
        crime = iv[(iv["scenario"] == scenario) & (iv["outcome"] == "crimes_true")]
        if len(crime) and pd.notna(crime["parameter_share"].iloc[0]):
            row["Parameters' share of the variance (true crime)"] = (
                f"{crime['parameter_share'].iloc[0]:.0%}"
            )
        rows.append(row)
    best_outcomes = [o for o in shown if o.name in BEST]
    pb = unc.probability_best(ensemble, best_outcomes, "draw")
    best = pb.pivot_table(index="scenario", columns="outcome", values="p_best", sort=False)
    best = best.reindex(columns=[o.name for o in best_outcomes if o.name in best.columns])
    best.columns = [f"P(best): {oc.outcome(c).label} ({oc.outcome(c).better})" for c in best]
    best = best.map(lambda v: f"{v:.0%}").reset_index().rename(columns={"scenario": "Strategy"})
    return iv, pd.DataFrame(rows), best


def best_crime(ensemble: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """How often each scenario has the fewest true offences over the draws."""
    return unc.probability_best(ensemble, [oc.outcome("crimes_true")], "draw")


def add_section(
    doc: Document,
    iv: pd.DataFrame,
    effects: pd.DataFrame,
    best: pd.DataFrame,
    n_draws: int,
    baseline: str,
) -> None:
    """The uncertainty section, from :func:`tables`."""
    doc.h2("With parameter uncertainty")
    doc.p(
        f"Every strategy under {n_draws} parameter draws: the sourced and assumed parameters "
        "drawn from their plausible ranges (Latin hypercube; `docs/ODD.md` 7.12 lists each "
        "range and its source), each draw with its own seed and all strategies of a draw on "
        f"that seed. Each cell is the mean effect against {baseline} over the draws and its "
        "95% prediction interval: where the effect may lie given what we do not know. "
        + unc.width_sentence(iv)
    )
    doc.table(effects)
    doc.p(
        "How often each strategy is best over the draws (rank stability): a strategy best in "
        "nearly every draw is a robust choice; shares spread over several strategies mean "
        "the ranking depends on parameters we do not know well."
    )
    doc.table(best)
