"""Budget frontier: one budget split between patrol, community policing and programs.

Each split ``(patrol, community, programs)`` of the baseline budget, in steps, is an arm:

* ``programs`` goes to partner organizations (youth jobs, job training, mental-health
  responders, mixed as ``programs_mix``);
* the rest pays officers; after calls, a share ``community / (patrol + community)`` of the
  proactive officers walk community beats with monthly beat meetings, the others patrol at
  random (or in the base strategy's mode).

All splits run on the same seeds (common random numbers) and are compared with the
all-patrol split (the reactive baseline): crime averted, trust gained, and the money moved
out of patrol per crime averted. The splits that no other split beats on both crime and
trust form the frontier.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cspsim.analysis.compare import paired_differences

if TYPE_CHECKING:
    from cspsim.analysis.runs import RunSet
    from cspsim.experiments.sweep import SweepContext
    from cspsim.report.document import Document

DEFAULT_MIX = {"youth_jobs": 0.5, "job_training": 0.25, "mental_health": 0.25}


def splits(step: float, max_programs: float) -> list[tuple[float, float, float]]:
    """Budget splits (patrol, community, programs) on a simplex grid of ``step``."""
    n = int(round(1.0 / step))
    out = []
    for c, g in product(range(n + 1), repeat=2):
        p = n - c - g
        if p >= 0 and g * step <= max_programs + 1e-9:
            out.append((round(p * step, 6), round(c * step, 6), round(g * step, 6)))
    return sorted(out, key=lambda s: (s[2], s[1]))


def arm_name(split: tuple[float, float, float]) -> str:
    """``p50_c25_g25``: percentages of the budget on patrol, community policing, programs."""
    p, c, g = (int(round(100 * x)) for x in split)
    return f"p{p}_c{c}_g{g}"


def arm_overrides(split: tuple[float, float, float], mix: dict[str, float]) -> list[str]:
    """Strategy overrides of one split."""
    p, c, g = split
    total = sum(mix.values()) or 1.0
    lines = [f"strategy.name={arm_name(split)}"]
    for kind in ("youth_jobs", "job_training", "mental_health"):
        lines.append(f"strategy.programs.{kind}_share={g * mix.get(kind, 0.0) / total:.6g}")
    officers = p + c
    lines.append(f"strategy.patrol.community_share={(c / officers if officers else 0.0):.6g}")
    lines.append(f"strategy.meetings.per_month={1 if c > 0 else 0}")
    return lines


def run_design(ctx: SweepContext) -> None:
    """The ``frontier`` design: every split is an arm, crossed with the grid (seeds)."""
    opts = ctx.options
    mix = dict(opts.get("programs_mix", DEFAULT_MIX))
    grid = splits(float(opts.get("step", 0.25)), float(opts.get("max_programs", 0.5)))
    ctx.arms = {arm_name(s): arm_overrides(s, mix) for s in grid}
    ctx.options.setdefault("baseline", arm_name((1.0, 0.0, 0.0)))
    ctx.notes["frontier"] = {arm_name(s): list(s) for s in grid}
    ctx.write_manifest()
    ctx.launch(ctx.grid_jobs(stage="frontier"))


def frontier_table(summary: pd.DataFrame, baseline: str, shares: dict[str, list]) -> pd.DataFrame:
    """Per split: crime averted, trust gained (with CIs), money moved, cost per crime averted."""
    diffs = paired_differences(
        summary, ["crimes_true", "trust", "reallocated"], baseline, "scenario"
    ).set_index(["strategy", "measure"])
    rows = []
    for name, (p, c, g) in shares.items():
        if (name, "crimes_true") not in diffs.index:
            continue
        d, t, r = (diffs.loc[(name, m)] for m in ("crimes_true", "trust", "reallocated"))
        averted = -d["diff"]
        rows.append(
            {
                "split": name,
                "patrol": p,
                "community": c,
                "programs": g,
                "averted": averted,
                "averted_low": -d["ci_high"],
                "averted_high": -d["ci_low"],
                "averted_pct": -d["pct"],
                "trust_pts": 100 * t["diff"],
                "trust_low": 100 * t["ci_low"],
                "trust_high": 100 * t["ci_high"],
                "moved": r["value"],
                "moved_per_averted": r["value"] / averted if averted > 0 else np.nan,
                "seeds": int(d["n"]),
            }
        )
    df = pd.DataFrame(rows)
    if len(df):
        a, tr = df["averted"].to_numpy(), df["trust_pts"].to_numpy()
        df["frontier"] = [
            not np.any((a >= a[i]) & (tr >= tr[i]) & ((a > a[i]) | (tr > tr[i])))
            for i in range(len(df))
        ]
    return df


def plot_frontier(df: pd.DataFrame, path: Path) -> None:
    """Crime averted against trust gained per split; the frontier joined by a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cspsim.analysis.plots import save_png

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
