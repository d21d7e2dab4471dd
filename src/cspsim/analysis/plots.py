"""Report figures: time series with bands, the map of change per place, fairness by group."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

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


def plot_bands(bands: pd.DataFrame, path: Path, scenarios: list[str]) -> None:
    """Monthly true and recorded crime and mean trust per scenario, with 95% bands over seeds.

    Args:
        bands: Output of :func:`cspsim.analysis.aggregate.scenario_bands` for the columns
            ``crimes_true``, ``crimes_recorded`` and ``mean_trust``.
        path: PNG file to write.
        scenarios: Scenarios to draw (at most about six stay readable).
    """
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    panels = [
        ("crimes_true", "true offences per day"),
        ("crimes_recorded", "recorded offences per day"),
        ("mean_trust", "mean trust in police (0-1)"),
    ]
    for i, name in enumerate(scenarios):
        s = bands[bands["scenario"] == name]
        c = colours[i % len(colours)]
        for ax, (col, _) in zip(axes, panels, strict=True):
            ax.plot(s["month"], s[f"{col}_mean"], color=c, label=name)
            ax.fill_between(s["month"], s[f"{col}_low"], s[f"{col}_high"], color=c, alpha=0.18)
    for ax, (_, label) in zip(axes, panels, strict=True):
        ax.set_xlabel("month since the strategy started")
        ax.set_ylabel(label)
    axes[0].set_title("Crime (true)")
    axes[1].set_title("Crime (recorded)")
    axes[2].set_title("Trust")
    axes[2].legend(fontsize=7)
    fig.suptitle("Monthly means over seeds; bands: 95% CI", fontsize=10)
    fig.tight_layout()
    save_png(fig, path)


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
    means = summary.groupby("scenario")[
        ["negative_per_1000_a", "negative_per_1000_b", "arrests_per_1000_a", "arrests_per_1000_b"]
    ].mean()
    means = means.reindex(scenarios)
    y = np.arange(len(scenarios))
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.42 * len(scenarios) + 1.6), sharey=True)
    for ax, what, label in (
        (axes[0], "negative", "negative contacts per 1,000 residents per year"),
        (axes[1], "arrests", "arrests per 1,000 residents per year"),
    ):
        ax.barh(y - 0.2, means[f"{what}_per_1000_a"], height=0.4, label="group A")
        ax.barh(y + 0.2, means[f"{what}_per_1000_b"], height=0.4, label="group B")
        ax.set_xlabel(label)
    axes[0].set_yticks(y, scenarios)
    axes[0].invert_yaxis()
    axes[0].legend(fontsize=8)
    fig.suptitle("Who bears the contacts: rates by demographic group (means over seeds)")
    fig.tight_layout()
    save_png(fig, path)
