"""Figures of the reports: effects, time series, the map of change per place, fairness.

Effects with 95% CIs, monthly series with bands, the change per place on the city's map and
rates by demographic group. Titles, axes and legends take their labels and units from the
declarations (:mod:`cspsim.analysis.outcomes`).

This module sets matplotlib's non-interactive backend; figure code elsewhere imports ``plt``
from here.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cspsim.analysis import outcomes as oc  # noqa: E402
from cspsim.analysis.stats import paired_differences  # noqa: E402

__all__ = ["plot_bands", "plot_change_map", "plot_effects", "plot_groups", "plt", "save_png"]

DPI = 90


def save_png(fig: plt.Figure, path: Path, dpi: int = DPI) -> None:
    """Save and close a figure as a compact PNG (256-colour palette: a third of the bytes)."""
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    try:
        from PIL import Image

        with Image.open(path) as im:
            small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
    except (ImportError, OSError):  # keep the full PNG
        pass


def plot_bands(
    bands: pd.DataFrame,
    path: Path,
    scenarios: list[str],
    columns: tuple[str, ...] = oc.FIGURE_COLUMNS,
) -> None:
    """Monthly means of timeseries columns per scenario, with 95% bands over seeds.

    Args:
        bands: Output of :func:`cspsim.analysis.aggregate.scenario_bands` for ``columns``.
        path: PNG file to write.
        scenarios: Scenarios to draw (at most about six stay readable).
        columns: Timeseries columns, one panel each (labels from their declarations).
    """
    fig, axes = plt.subplots(1, len(columns), figsize=(13, 3.8), squeeze=False)
    axes = axes[0]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(scenarios):
        s = bands[bands["scenario"] == name]
        c = colours[i % len(colours)]
        for ax, col in zip(axes, columns, strict=True):
            ax.plot(s["month"], s[f"{col}_mean"], color=c, label=name)
            ax.fill_between(s["month"], s[f"{col}_low"], s[f"{col}_high"], color=c, alpha=0.18)
    for ax, col in zip(axes, columns, strict=True):
        label, unit = oc.label_unit(col, "timeseries")
        ax.set_xlabel("month since the strategy started")
        ax.set_ylabel(unit)
        ax.set_title(label)
    axes[-1].legend(fontsize=7)
    fig.suptitle("Monthly means over seeds; bands: 95% CI", fontsize=10)
    fig.tight_layout()
    save_png(fig, path)


def plot_effects(summary: pd.DataFrame, path: Path, baseline: str, label: str = "scenario") -> None:
    """Forest plot: change from the baseline in the outcomes of the figure columns, 95% CIs.

    Outcomes shown in percent (crime) go in the left panel, those in points (trust) in the
    right one; labels come from the outcomes' declarations.
    """
    shown = [o for o in oc.outcomes() if o.column in oc.FIGURE_COLUMNS and o.name in summary]
    diffs = paired_differences(summary, [o.name for o in shown], baseline, label)
    diffs = diffs[diffs["strategy"] != baseline]
    names = list(diffs["strategy"].drop_duplicates())
    y = np.arange(len(names))
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.45 * len(names) + 1.5), sharey=True)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    panels = {"pct": [o for o in shown if o.compare == "pct"]}
    panels["pts"] = [o for o in shown if o.compare != "pct"]
    for ax, (kind, group) in zip(axes, panels.items(), strict=True):
        for k, o in enumerate(group):
            d = diffs[diffs["measure"] == o.name].set_index("strategy").loc[names]
            cols = (
                ("pct", "pct_low", "pct_high") if kind == "pct" else ("diff", "ci_low", "ci_high")
            )
            scale = 1.0 if kind == "pct" else 100.0
            mid, lo, hi = (d[c] * scale for c in cols)
            ax.errorbar(
                mid,
                y + (k - (len(group) - 1) / 2) * 0.25,
                xerr=np.nan_to_num(np.vstack([mid - lo, hi - mid])),
                fmt="o",
                color=colours[k % len(colours)],
                label=o.label,
                capsize=3,
            )
        ax.axvline(0, color="grey", lw=0.8)
        ax.legend(loc="lower left", fontsize=8)
    axes[0].set_xlabel(f"change from {baseline} (%), 95% CI")
    axes[1].set_xlabel("change (points of 100), 95% CI")
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    fig.suptitle(f"Effects against {baseline} (same budget, paired seeds)")
    fig.tight_layout()
    save_png(fig, path, dpi=110)


def plot_change_map(
    changes: pd.DataFrame, places: pd.DataFrame, path: Path, scenarios: list[str], title: str
) -> None:
    """One panel per scenario: the change per place drawn at the places' coordinates.

    Args:
        changes: ``scenario, place_id, diff`` (change against the baseline per year).
        places: ``place_id, x, y, population`` of the city.
        path: PNG file to write.
        scenarios: Panels to draw.
        title: Figure title.
    """
    n = max(len(scenarios), 1)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(max(7.0, 4.2 * cols), 3.9 * rows),
        squeeze=False,
        layout="constrained",
    )
    sub = changes[changes["scenario"].isin(scenarios)]
    lim = float(np.nanquantile(np.abs(sub["diff"]), 0.98)) if len(sub) else 1.0
    lim = lim if lim > 0 else 1.0
    size = 8 + 40 * np.sqrt(places["population"] / max(places["population"].max(), 1))
    sc = None
    for ax, name in zip(axes.flat, scenarios, strict=False):
        d = places.merge(sub[sub["scenario"] == name], on="place_id", how="left")
        sc = ax.scatter(
            d["x"], d["y"], c=d["diff"], s=size, cmap="RdBu_r", vmin=-lim, vmax=lim, lw=0
        )
        ax.set_title(name, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_aspect("equal", adjustable="datalim")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    if sc is not None:
        cb = fig.colorbar(sc, ax=axes, shrink=0.8)
        cb.set_label("change in true offences per place per year (blue: fewer)")
    fig.suptitle(title, fontsize=10)
    save_png(fig, path)


def plot_groups(summary: pd.DataFrame, path: Path, scenarios: list[str]) -> None:
    """Negative contacts and arrests per 1,000 residents of each group, per scenario."""
    groups = list(oc.GROUPS.values())
    rates = [f"{what}_per_1000" for what in ("negative", "arrests")]
    means = summary.groupby("scenario")[[f"{r}_{g}" for r in rates for g in groups]].mean()
    means = means.reindex(scenarios)
    y = np.arange(len(scenarios))
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.42 * len(scenarios) + 1.6), sharey=True)
    width = 0.8 / len(groups)
    for ax, rate in zip(axes, rates, strict=True):
        for k, g in enumerate(groups):
            label, unit = oc.label_unit(f"{rate}_{g}")
            offset = (k - (len(groups) - 1) / 2) * width
            ax.barh(y + offset, means[f"{rate}_{g}"], height=width, label=f"group {g.upper()}")
        ax.set_xlabel(f"{label.split(',')[0].lower()} {unit}")
    axes[0].set_yticks(y, scenarios)
    axes[0].invert_yaxis()
    axes[0].legend(fontsize=8)
    fig.suptitle("Who bears the contacts: rates by demographic group (means over seeds)")
    fig.tight_layout()
    save_png(fig, path)
