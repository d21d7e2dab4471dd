"""Report section of the hot spots trial (Sherman & Weisburd 1995, in silico)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.runs import RunSet
from cspsim.analysis.stats import mean_ci
from cspsim.analysis.tables import fmt_ci
from cspsim.analysis.trial import analyse, effects
from cspsim.report.document import Document


def plot_trial(table: pd.DataFrame, path: Path) -> None:
    """The trial's effects with 95% CIs, against the band of Braga et al. 2019."""
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(table) + 1.2))
    y = np.arange(len(table))
    err = np.nan_to_num(np.vstack([table["mean"] - table["low"], table["high"] - table["mean"]]))
    ax.errorbar(table["mean"], y, xerr=err, fmt="o", capsize=3)
    ax.axvline(0, color="grey", lw=0.8)
    ax.axvspan(-16, -8, color="tab:green", alpha=0.12, label="Braga et al. 2019 band")
    ax.set_yticks(
        y, [s.split(", ")[0][:58] + ", " + s.split(", ")[-1] for s in table["label"]], fontsize=8
    )
    ax.invert_yaxis()
    ax.set_xlabel("change (%), 95% CI over seeds")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_png(fig, path)


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The hot spots trial section (only for sweeps with trial runs)."""
    res = analyse(rs)
    if res is None or res.empty:
        return
    doc.h2("Hot spots trial (Sherman & Weisburd 1995, in silico)")
    first = res.iloc[0]
    pr = mean_ci(res["presence_ratio"].to_numpy())
    doc.p(
        f"Of the top places by recorded crime at the start, {int(first['treated'])} were "
        f"randomized to {first['dosage']:g}x random-patrol presence and "
        f"{int(first['control'])} "
        f"kept the usual patrol, for the recorded period. Patrol presence at treated places "
        f"was {pr[0]:.2f}x that at control places. Changes are in % over the period, "
        f"mean over {len(res)} seed(s) with 95% CI; 'without the trial' is the same seed "
        "with the same arms and no extra patrol (common random numbers). The trial's "
        "comparison divides treated by control arm, relative to the same ratio without the "
        "trial (the arms' levels differ by chance). Recorded crime includes offences "
        "patrols discover, so more patrol can raise it where true crime falls."
    )
    table = effects(res)
    doc.table(
        pd.DataFrame(
            {
                "Measure": table["label"],
                "Change": [fmt_ci("pct", r.mean, r.low, r.high) for r in table.itertuples()],
            }
        )
    )
    doc.p(
        "Reference: Sherman & Weisburd (1995) found 6-13% fewer calls for service at "
        "treated hot spots and about half as much observed disorder; reviews (Braga et al. "
        "2019) find -8% to -16% at treated places and no displacement on average."
    )
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    plot_trial(table, figs / "hotspot_trial.png")
    doc.img(
        figs / "hotspot_trial.png",
        "Hot spots trial: effects at treated, control and surrounding places",
    )
