"""Static figures (matplotlib, Agg) for the demo report."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from cspsim.analysis.compare import paired_differences  # noqa: E402
from cspsim.analysis.plots import save_png  # noqa: E402


def monthly_series(summary: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Monthly (30-day) means of timeseries columns, averaged over seeds, per strategy."""
    frames = []
    for _, run in summary.iterrows():
        ts = pq.read_table(
            Path(run["run_dir"]) / "timeseries.parquet", columns=["day", *columns]
        ).to_pandas()
        ts["month"] = ts["day"] // 30
        m = ts.groupby("month")[columns].mean().reset_index()
        m["strategy"] = run["strategy"]
        m["seed"] = run["seed"]
        frames.append(m)
    allruns = pd.concat(frames, ignore_index=True)
    return (
        allruns.groupby(["strategy", "month"])[columns].agg(["mean", "std", "count"]).reset_index()
    )


def plot_effects(summary: pd.DataFrame, path: Path, baseline: str = "reactive") -> None:
    """Forest plot: change from baseline in true and recorded crime (%) and trust (points)."""
    diffs = paired_differences(summary, ["crimes_true", "crimes_recorded", "trust"], baseline)
    diffs = diffs[diffs["strategy"] != baseline]
    strategies = list(diffs["strategy"].drop_duplicates())
    y = np.arange(len(strategies))
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.45 * len(strategies) + 1.5), sharey=True)
    for offset, (measure, colour, label) in enumerate(
        [
            ("crimes_true", "tab:red", "true crime"),
            ("crimes_recorded", "tab:orange", "recorded crime"),
        ]
    ):
        d = diffs[diffs["measure"] == measure].set_index("strategy").loc[strategies]
        err = np.vstack([d["pct"] - d["pct_low"], d["pct_high"] - d["pct"]])
        axes[0].errorbar(
            d["pct"],
            y + (offset - 0.5) * 0.25,
            xerr=np.nan_to_num(err),
            fmt="o",
            color=colour,
            label=label,
            capsize=3,
        )
    axes[0].axvline(0, color="grey", lw=0.8)
    axes[0].set_xlabel(f"change from {baseline} (%), 95% CI")
    axes[0].legend(loc="lower left", fontsize=8)
    d = diffs[diffs["measure"] == "trust"].set_index("strategy").loc[strategies]
    err = np.vstack([d["diff"] - d["ci_low"], d["ci_high"] - d["diff"]]) * 100
    axes[1].errorbar(
        d["diff"] * 100, y, xerr=np.nan_to_num(err), fmt="o", color="tab:blue", capsize=3
    )
    axes[1].axvline(0, color="grey", lw=0.8)
    axes[1].set_xlabel("change in mean trust (points of 100), 95% CI")
    axes[0].set_yticks(y, strategies)
    axes[0].invert_yaxis()
    fig.suptitle(f"Effects of each strategy against {baseline} (same budget, paired seeds)")
    fig.tight_layout()
    save_png(fig, path, dpi=110)


def plot_timeseries(summary: pd.DataFrame, path: Path, highlight: list[str]) -> None:
    """Monthly true vs recorded crime and mean trust over the year, per strategy."""
    series = monthly_series(summary, ["crimes_true", "crimes_recorded", "mean_trust"])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, strategy in enumerate(highlight):
        s = series[series["strategy"] == strategy]
        c = colours[i % len(colours)]
        axes[0].plot(s["month"], s[("crimes_true", "mean")], color=c, label=f"{strategy} true")
        axes[0].plot(
            s["month"],
            s[("crimes_recorded", "mean")],
            color=c,
            ls="--",
            label=f"{strategy} recorded",
        )
        m, sd, n = s[("mean_trust", "mean")], s[("mean_trust", "std")], s[("mean_trust", "count")]
        half = 1.96 * sd / np.sqrt(n)
        axes[1].plot(s["month"], m, color=c, label=strategy)
        axes[1].fill_between(s["month"], m - half, m + half, color=c, alpha=0.2)
    axes[0].set_xlabel("month")
    axes[0].set_ylabel("offences per day (city)")
    axes[0].set_title("True (solid) vs recorded (dashed) crime")
    axes[0].legend(fontsize=7, ncol=2)
    axes[1].set_xlabel("month")
    axes[1].set_ylabel("mean trust in police (0-1)")
    axes[1].set_title("Trust (band: 95% CI over seeds)")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    save_png(fig, path, dpi=110)
