"""Report section of a calibration: the point fit (values, fit to each band, trials), the posterior.

The posterior part (``experiment=calibrate`` with ``posterior.draws`` > 0) shows, per fitted
parameter, its prior range, the point fit, the posterior mean and 90% interval; the
effective sample size with a warning below :data:`cspsim.analysis.posterior.MIN_ESS`; each
population's diagnostics; and the posterior predictive check of the targets
(``docs/calibration.md``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.calibration import OUT_DIR
from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.posterior import MIN_ESS, POSTERIOR_FILE, WEIGHT
from cspsim.analysis.runs import RunSet
from cspsim.report.document import Document


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The calibration section (only for sweeps made by the ``calibrate`` design)."""
    d = rs.root / OUT_DIR
    has_fit = (d / "fit.csv").exists()
    has_posterior = (d / "posterior_summary.csv").exists()
    if not (has_fit or has_posterior):
        return
    doc.h2("Calibration")
    if has_fit:
        point_fit(doc, rs, d, out)
    if has_posterior:
        posterior(doc, rs, d, out)


def point_fit(doc: Document, rs: RunSet, d: Path, out: Path) -> None:
    """The point fit: fitted values, the fit to each band, the trials' losses."""
    fit = pd.read_csv(d / "fit.csv")
    notes = ((rs.manifest or {}).get("notes") or {}).get("calibrate", {})
    doc.h3("Point fit")
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


def posterior(doc: Document, rs: RunSet, d: Path, out: Path) -> None:
    """The posterior: per-parameter table, ESS (and its warning), populations, predictive check."""
    notes = ((rs.manifest or {}).get("notes") or {}).get("posterior", {})
    summ = pd.read_csv(d / "posterior_summary.csv")
    ess_ = float(notes.get("ess", np.nan))
    doc.h3("Posterior")
    doc.p(
        f"Adaptive importance sampling (`docs/calibration.md`): {notes.get('draws', '?')} "
        f"baseline runs in {notes.get('populations', '?')} population(s), each with its own "
        f"seed (posterior seed {notes.get('seed', '?')}); uniform prior on the search ranges; "
        f"each band read as a Gaussian likelihood with sd = {notes.get('sd_fraction', 0.5)} x "
        "its half-width, evaluated on one run per draw (so simulation noise widens it). "
        f"**Effective sample size {ess_:.1f}**, largest weight "
        f"{float(notes.get('max_weight', np.nan)):.3f}. Weighted sample: "
        f"`{OUT_DIR}/{POSTERIOR_FILE}`"
        + (f", copied to `{notes['output']}`." if notes.get("output") else ".")
    )
    if not ess_ >= MIN_ESS:
        doc.p(
            f"**Warning: the effective sample size is below {MIN_ESS:.0f}.** A few draws carry "
            "most of the weight, so the intervals below are unreliable (too narrow, or "
            "placed by chance); run more draws (`hydra.sweeper.options.posterior.draws`) or "
            "more populations."
        )
    doc.table(
        pd.DataFrame(
            {
                "Parameter": summ["parameter"],
                "Prior low": summ["prior_low"],
                "Prior high": summ["prior_high"],
                "Point fit": summ["point"],
                "Posterior mean": summ["mean"],
                "SD": summ["sd"],
                "5%": summ["q05"],
                "95%": summ["q95"],
                "90% interval / prior range": summ["interval_share"],
            }
        ),
        "{:.4g}",
    )
    pops = d / "populations.csv"
    if pops.exists():
        doc.p(
            "Populations: *ESS own* weighs a population's draws against its own proposal "
            "(how well the proposal matched the posterior); *ESS* and *weight share* are "
            "those of the final weights."
        )
        doc.table(
            pd.read_csv(pops).rename(
                columns={
                    "population": "Population",
                    "proposal": "Proposal",
                    "draws": "Draws",
                    "ess_own": "ESS own",
                    "ess": "ESS",
                    "weight_share": "Weight share",
                }
            ),
            "{:.3g}",
        )
    pred = d / "predictive.csv"
    if pred.exists():
        doc.p(
            "Posterior predictive check: each target's measure in the runs of the posterior "
            "draws (weighted; one run each, so seed noise included) against its band."
        )
        doc.table(
            pd.read_csv(pred).rename(
                columns={
                    "target": "Target",
                    "low": "Band low",
                    "high": "Band high",
                    "weight": "Weight",
                    "mean": "Predictive mean",
                    "q05": "5%",
                    "q95": "95%",
                    "p_inside": "P(inside band)",
                }
            ),
            "{:.3f}",
        )
    draws = d / "draws.csv"
    if draws.exists():
        figs = out / "figures"
        figs.mkdir(parents=True, exist_ok=True)
        plot_posterior(pd.read_csv(draws), summ, figs / "posterior.png")
        doc.img(
            figs / "posterior.png",
            "Posterior of each fitted parameter (weighted histogram) over its prior range; "
            "red: point fit",
        )


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


def plot_posterior(draws: pd.DataFrame, summary: pd.DataFrame, path: Path) -> None:
    """One panel per parameter: weighted histogram on the prior range, the point fit."""
    n = len(summary)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.6 * rows), squeeze=False)
    w = draws[WEIGHT].to_numpy(dtype=float)
    for ax, r in zip(axes.flat, summary.itertuples(), strict=False):
        ax.hist(
            draws[r.parameter].to_numpy(dtype=float),
            bins=20,
            range=(r.prior_low, r.prior_high),
            weights=w,
            color="tab:blue",
        )
        if np.isfinite(r.point):
            ax.axvline(r.point, color="tab:red")
        ax.axvspan(r.q05, r.q95, color="tab:blue", alpha=0.1)
        ax.set_xlim(r.prior_low, r.prior_high)
        ax.set_title(str(r.parameter).removeprefix("params."), fontsize=8)
        ax.set_yticks([])
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    save_png(fig, path)
