"""Report section of a calibration: the fitted values, the fit to each band, the trials."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.calibration import OUT_DIR
from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.runs import RunSet
from cspsim.report.document import Document


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The calibration section (only for sweeps made by the ``calibrate`` design)."""
    d = rs.root / OUT_DIR
    if not (d / "fit.csv").exists():
        return
    fit = pd.read_csv(d / "fit.csv")
    notes = ((rs.manifest or {}).get("notes") or {}).get("calibrate", {})
    doc.h2("Calibration")
    doc.p(
        f"Optuna TPE, {notes.get('trials', '?')} trials; best trial {notes.get('trial', '?')} "
        f"(loss {notes.get('loss', float('nan')):.3f}), confirmed on new seeds. Fitted "
        f"values written to `{notes.get('output', '?')}`."
    )
    doc.table(
        pd.DataFrame(
            {
                "Parameter": list(notes.get("best", {})),
                "Fitted": list(notes.get("best", {}).values()),
            }
        ),
        "{:.4f}",
    )
    doc.table(
        fit.rename(
            columns={
                "target": "Target",
                "weight": "Weight",
                "low": "Band low",
                "high": "Band high",
                "achieved": "Achieved",
                "sd": "SD over seeds",
                "inside": "Inside band",
            }
        ),
        "{:.3f}",
    )
    trials = d / "trials.csv"
    if trials.exists():
        figs = out / "figures"
        figs.mkdir(parents=True, exist_ok=True)
        plot_trials(pd.read_csv(trials), figs / "calibration.png")
        doc.img(figs / "calibration.png", "Loss of each trial and the best so far")


def plot_trials(trials: pd.DataFrame, path: Path) -> None:
    """Loss by trial (log scale) with the best so far."""
    t = trials.sort_values("trial")
    loss_ = t["loss"].replace(np.inf, np.nan)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.scatter(t["trial"], loss_, s=18, label="trial")
    ax.plot(t["trial"], loss_.cummin(), color="tab:red", label="best so far")
    ax.set_yscale("log")
    ax.set_xlabel("trial")
    ax.set_ylabel("loss (band half-widths squared)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_png(fig, path)
