"""The budget frontier: what each split of one budget buys against the all-patrol split.

The splits are arms of the ``frontier`` design (:mod:`cspsim.experiments.frontier`), which
records each arm's ``(patrol, community, programs)`` shares in the manifest's notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspsim.analysis.stats import paired_differences


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
