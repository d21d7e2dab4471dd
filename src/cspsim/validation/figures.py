"""Figures of the validation report (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from cspsim.analysis.concentration import gini, lorenz, top_share  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from cspsim.validation.realdata import ColumbusResult, SFResult
    from cspsim.validation.suite import Row

#: Facts drawn as relative changes (share) and as changes in shares (points).
RELATIVE = (
    "hotspot_treated",
    "hotspot_surrounding",
    "cp_crime",
    "pop_targeted",
    "watch_covered",
    "summer_jobs_year1",
    "mh_low_level",
    "mh_serious",
)
POINTS = ("cp_trust", "cp_satisfaction")


def _save(fig: Figure, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def sf_lorenz(sf: SFResult, path: Path) -> None:
    """Lorenz curves of recorded crime over SF block groups: observed vs each seed."""
    fig, axes = plt.subplots(2, 3, figsize=(12, 7.5))
    order = [4, 3, 0, 2, 1]  # all, drugs, violent, disorder, property
    for ax, j in zip(axes.flat, order, strict=False):
        ax.plot([0, 1], [0, 1], color="0.8", lw=1)
        for k, s in enumerate(sf.simulated):
            x, y = lorenz(s[:, j])
            ax.plot(
                x, y, color="tab:orange", lw=1, alpha=0.6, label="simulated" if k == 0 else None
            )
        x, y = lorenz(sf.observed[:, j])
        ax.plot(x, y, color="black", lw=2, label="observed SFPD 2012")
        ax.axvline(0.9, color="0.6", ls=":", lw=1)
        sim_top = np.mean([top_share(s[:, j]) for s in sf.simulated])
        sim_g = np.mean([gini(s[:, j]) for s in sf.simulated])
        ax.set_title(
            f"{sf.labels[j]}\ntop 10%: obs {top_share(sf.observed[:, j]):.2f}, sim {sim_top:.2f}; "
            f"Gini {gini(sf.observed[:, j]):.2f} / {sim_g:.2f}",
            fontsize=9,
        )
        ax.set_xlabel("share of block groups (fewest incidents first)")
        ax.set_ylabel("share of recorded incidents")
        ax.legend(fontsize=8, loc="upper left")
    ax = axes.flat[5]
    sim = sf.simulated[:, :, 4].mean(axis=0)
    ax.scatter(sf.observed[:, 4] + 1, sim + 1, s=8, alpha=0.5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    rho = stats.spearmanr(sim, sf.observed[:, 4]).statistic
    ax.set_title(f"all four types per block group (184 days)\nSpearman rho = {rho:.2f}", fontsize=9)
    ax.set_xlabel("observed incidents + 1")
    ax.set_ylabel("simulated recorded (seed mean) + 1")
    _save(fig, path)


def columbus_map(col: ColumbusResult, path: Path) -> None:
    """Side-by-side maps of Columbus: observed CRIME and simulated crime, by rank."""
    fig, axes = plt.subplots(
        1, 2, figsize=(11, 5.2), sharex=True, sharey=True, layout="constrained"
    )
    panels = [
        (col.observed, "observed CRIME 1980\n(burglaries + vehicle thefts per 1,000 households)"),
        (
            col.simulated,
            "simulated recorded property crime\n(per 1,000 residents per year, seed mean)",
        ),
    ]
    x, y = col.xy[:, 0], col.xy[:, 1]
    for ax, (values, title) in zip(axes, panels, strict=True):
        pct = stats.rankdata(values) / len(values)
        sc = ax.scatter(x, y, c=pct, cmap="YlOrRd", s=260, edgecolor="0.3", vmin=0, vmax=1)
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.set_xlabel("X")
    axes[0].set_ylabel("Y")
    cb = fig.colorbar(sc, ax=axes, shrink=0.8)
    cb.set_label("percentile rank among the 49 neighbourhoods")
    rho, lo, hi = col.value
    fig.suptitle(
        f"Columbus 1980, out of sample: Spearman rho = {rho:.2f} (95% CI {lo:.2f} to {hi:.2f})",
        fontsize=11,
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)


def interventions(rows: Sequence[Row], path: Path) -> None:
    """Trial effects with 95% CIs against their bands (shaded)."""
    by_key = {r.fact.key: r for r in rows}
    groups = [
        (RELATIVE, "relative change vs baseline (CRN)"),
        (POINTS, "change in share of residents"),
    ]
    fig, axes = plt.subplots(2, 1, figsize=(9, 7), gridspec_kw={"height_ratios": [4, 1.3]})
    for ax, (keys, label) in zip(axes, groups, strict=True):
        keys = [k for k in keys if k in by_key]
        for i, k in enumerate(keys):
            r = by_key[k]
            lo, hi = max(r.fact.low, -0.6), min(r.fact.high, 0.3 if keys[0] in RELATIVE else 0.2)
            ax.fill_between([lo, hi], i - 0.35, i + 0.35, color="tab:green", alpha=0.18)
            color = "tab:blue" if r.passed else "tab:red"
            if np.isfinite(r.ci_low):
                ax.plot([r.ci_low, r.ci_high], [i, i], color=color, lw=2)
            ax.plot(r.value, i, "o", color=color)
        ax.axvline(0, color="0.5", lw=1)
        ax.set_yticks(range(len(keys)), keys, fontsize=9)
        ax.invert_yaxis()
        ax.set_xlabel(label)
    axes[0].set_title("In-silico trials: effect (dot, 95% CI) and published band (green)")
    _save(fig, path)
