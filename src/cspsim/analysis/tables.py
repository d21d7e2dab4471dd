"""The strategy comparison table: paired differences from the baseline with 95% CIs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspsim.analysis.compare import cost_per_crime_averted, paired_differences

#: Columns of the comparison table: (measure, header, kind). ``pct``: percent change;
#: ``pts``: difference in percentage points of a 0-1 measure; ``usd``: dollars.
COMPARISON = [
    ("crimes_true", "Crime true", "pct"),
    ("crimes_recorded", "Crime recorded", "pct"),
    ("trust", "Trust (pts)", "pts"),
    ("reporting_rate", "Reporting (pts)", "pts"),
    ("contacts_negative", "Neg. contacts", "pct"),
    ("cost", "Cost/yr", "usd"),
]


def fmt_ci(kind: str, mean: float, lo: float, hi: float) -> str:
    """A value with its CI, formatted by kind.

    Kinds: ``pct`` (+1.2% [..]), ``pts`` (x100), ``usd`` (millions), ``dec`` (2 decimals),
    ``num`` (3 significant digits).
    """
    if not np.isfinite(mean):
        return "n/a"
    if kind == "pct":
        core, ci = f"{mean:+.1f}%", f"[{lo:+.1f}, {hi:+.1f}]"
    elif kind == "pts":
        core, ci = f"{100 * mean:+.1f}", f"[{100 * lo:+.1f}, {100 * hi:+.1f}]"
    elif kind == "dec":
        core, ci = f"{mean:+.2f}", f"[{lo:+.2f}, {hi:+.2f}]"
    elif kind == "num":
        core, ci = f"{mean:+.3g}", f"[{lo:+.3g}, {hi:+.3g}]"
    else:
        core, ci = f"{mean / 1e6:+.2f}M", f"[{lo / 1e6:+.2f}, {hi / 1e6:+.2f}]"
    return core if not np.isfinite(lo) else f"{core} {ci}"


def comparison_table(summary: pd.DataFrame, baseline: str = "reactive") -> pd.DataFrame:
    """One row per strategy: each measure's difference from the baseline with its 95% CI."""
    measures = [m for m, _, _ in COMPARISON]
    diffs = paired_differences(summary, measures, baseline).set_index(["strategy", "measure"])
    cpa = cost_per_crime_averted(summary, baseline).set_index("strategy")
    rows = []
    for strategy in summary["strategy"].drop_duplicates():
        row = {"Strategy": strategy}
        for measure, header, kind in COMPARISON:
            d = diffs.loc[(strategy, measure)]
            if kind == "pct":
                row[header] = fmt_ci(kind, d["pct"], d["pct_low"], d["pct_high"])
            else:
                row[header] = fmt_ci(kind, d["diff"], d["ci_low"], d["ci_high"])
        averted = cpa.loc[strategy, "crimes_averted"] if strategy in cpa.index else np.nan
        row["Crimes averted/yr"] = "-" if strategy == baseline else f"{averted:+.0f}"
        rows.append(row)
    return pd.DataFrame(rows)


def baseline_levels(summary: pd.DataFrame, baseline: str = "reactive") -> dict[str, float]:
    """Mean levels of the baseline (what the differences are relative to)."""
    base = summary[summary["strategy"] == baseline]
    cols = [
        "crimes_true",
        "crimes_recorded",
        "trust",
        "reporting_rate",
        "contacts_negative",
        "cost",
    ]
    return {c: float(base[c].mean()) for c in cols}


def to_markdown(df: pd.DataFrame) -> str:
    """A DataFrame as a GitHub Markdown table (no extra dependency)."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
    return "\n".join(lines)
