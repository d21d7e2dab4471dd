"""Report section of the budget frontier: what each split of one budget buys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.frontier import frontier_table
from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.runs import RunSet
from cspsim.report.document import Document


def plot_frontier(df: pd.DataFrame, path: Path) -> None:
    """Crime averted against trust gained per split; the frontier joined by a line."""
    fig, ax = plt.subplots(figsize=(8, 5.5))
    sc = ax.scatter(
        df["averted"], df["trust_pts"], c=df["programs"], cmap="viridis", s=60, zorder=3
    )
    ax.errorbar(
        df["averted"],
        df["trust_pts"],
        xerr=np.nan_to_num([df["averted"] - df["averted_low"], df["averted_high"] - df["averted"]]),
        yerr=np.nan_to_num([df["trust_pts"] - df["trust_low"], df["trust_high"] - df["trust_pts"]]),
        fmt="none",
        ecolor="grey",
        alpha=0.5,
        zorder=2,
    )
    f = df[df["frontier"]].sort_values("averted")
    ax.plot(f["averted"], f["trust_pts"], color="tab:red", lw=1.2, label="frontier")
    for r in df.itertuples():
        ax.annotate(
            r.split, (r.averted, r.trust_pts), fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.set_xlabel("true crimes averted per year vs all-patrol (95% CI)")
    ax.set_ylabel("trust gained (points of 100, 95% CI)")
    fig.colorbar(sc, ax=ax, label="programs share of budget")
    ax.legend(fontsize=8)
    ax.set_title(
        "Budget frontier: p = patrol, c = community policing, g = programs (% of budget)",
        fontsize=9,
    )
    fig.tight_layout()
    save_png(fig, path)


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The frontier section (only for sweeps made by the ``frontier`` design)."""
    manifest = rs.manifest or {}
    shares = (manifest.get("notes") or {}).get("frontier")
    if manifest.get("design") != "frontier" or not shares or rs.baseline is None:
        return
    df = frontier_table(summary, rs.baseline, shares)
    if df.empty:
        return
    df.to_csv(out / "frontier.csv", index=False)
    doc.h2("Budget frontier")
    doc.p(
        f"The same budget split between patrol, community policing and programs; every "
        f"split against **{rs.baseline}** on paired seeds. *Moved* is the money per year "
        "taken from patrol officer-hours; *$ per crime averted* divides it by the true "
        "crimes averted. Frontier: no other split averts more crime *and* gains more trust."
    )
    show = pd.DataFrame(
        {
            "Split": df["split"],
            "Patrol": df["patrol"],
            "Community": df["community"],
            "Programs": df["programs"],
            "Crimes averted/yr": [
                f"{a:,.0f} [{lo:,.0f}, {hi:,.0f}]"
                for a, lo, hi in zip(
                    df["averted"], df["averted_low"], df["averted_high"], strict=True
                )
            ],
            "Crime %": [f"{-x:+.1f}%" for x in df["averted_pct"]],
            "Trust (pts)": [
                f"{t:+.2f} [{lo:+.2f}, {hi:+.2f}]"
                for t, lo, hi in zip(
                    df["trust_pts"], df["trust_low"], df["trust_high"], strict=True
                )
            ],
            "Moved $M/yr": df["moved"] / 1e6,
            "$ per crime averted": df["moved_per_averted"],
            "Frontier": np.where(df["frontier"], "yes", ""),
        }
    )
    doc.table(show, floatfmt="{:,.2f}")
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    plot_frontier(df, figs / "frontier.png")
    doc.img(figs / "frontier.png", "Crime averted against trust gained for each budget split")
