"""Report section of a global sensitivity analysis: Morris screening, then Sobol indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.runs import RunSet
from cspsim.analysis.sensitivity import OUT_DIR, indices_table
from cspsim.report.document import Document


def plot_indices(morris: pd.DataFrame, sobol: pd.DataFrame, path: Path) -> None:
    """Morris mu* (normalized) and Sobol S1/ST with 95% CIs, one row per output."""
    morris = morris.assign(parameter=morris["parameter"].str.removeprefix("params."))
    sobol = sobol.assign(parameter=sobol["parameter"].str.removeprefix("params."))
    outputs = list(morris["output"].drop_duplicates())
    fig, axes = plt.subplots(
        len(outputs),
        2,
        figsize=(12, 0.32 * morris["parameter"].nunique() * len(outputs) + 2),
        squeeze=False,
    )
    for r, out in enumerate(outputs):
        m = morris[morris["output"] == out].sort_values("mu_star")
        ax = axes[r][0]
        scale = m["mu_star"].max() or 1.0
        ax.barh(
            m["parameter"], m["mu_star"] / scale, xerr=m["mu_star_conf"] / scale, color="tab:gray"
        )
        ax.set_title(f"Morris mu* (normalized): {out}", fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
        s = sobol[sobol["output"] == out].sort_values("ST")
        ax = axes[r][1]
        y = np.arange(len(s))
        ax.barh(y - 0.2, s["S1"], 0.4, xerr=s["S1_conf"], label="first order S1")
        ax.barh(y + 0.2, s["ST"], 0.4, xerr=s["ST_conf"], label="total ST")
        ax.set_yticks(y, s["parameter"], fontsize=7)
        ax.set_xlim(left=min(0.0, float(np.nanmin(s["S1"])) if len(s) else 0.0))
        ax.set_title(f"Sobol indices: {out}", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    save_png(fig, path)


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The sensitivity section (only when the sweep wrote Morris and Sobol results)."""
    d = rs.root / OUT_DIR
    if not (d / "morris.csv").exists() or not (d / "sobol.csv").exists():
        return
    morris, sobol = pd.read_csv(d / "morris.csv"), pd.read_csv(d / "sobol.csv")
    notes = ((rs.manifest or {}).get("notes") or {}).get("sensitivity", {})
    doc.h2("Global sensitivity: Morris screening, then Sobol indices")
    doc.p(
        f"Morris elementary effects over {morris['parameter'].nunique()} parameters "
        f"({notes.get('runs', {}).get('morris', '?')} parameter points), then Sobol "
        f"first-order (S1) and total (ST) indices for {len(notes.get('selected', []))} "
        f"of them ({notes.get('runs', {}).get('sobol', '?')} points; the others at their "
        "calibrated values). ST - S1 is the share of variance from interactions. Outputs: "
        "true crime per year and mean trust at the end."
    )
    wide = indices_table(morris, sobol)
    doc.table(wide.reset_index().rename(columns={"parameter": "Parameter"}), floatfmt="{:.3f}")
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    plot_indices(morris, sobol, figs / "sensitivity.png")
    doc.img(figs / "sensitivity.png", "Morris mu* and Sobol indices with 95% CIs")
