"""The strategy comparison table and the levels table, built from the declared outcomes.

:func:`comparison_table` is the one table of paired differences from a baseline that
``cspsim-demo``, ``cspsim-report`` and ``cspsim-validate`` show: one row per scenario, one
column per run-level outcome (:func:`cspsim.analysis.outcomes.outcomes`), each cell the mean
difference over paired seeds with its 95% CI. Headers and units come from the declarations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cspsim.analysis import outcomes as oc
from cspsim.analysis.costs import cost_cells
from cspsim.analysis.stats import paired_differences
from cspsim.model.measures import Outcome

#: How each kind of comparison (``Outcome.compare``) is shown in a header.
COMPARE_UNITS = {"pct": "%", "pts": "pts", "dec": "diff.", "usd": "$M/yr", "num": "diff."}


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


def compare_header(o: Outcome) -> str:
    """Column header of an outcome's difference: its label and how it is shown."""
    return f"{o.label}, {COMPARE_UNITS.get(o.compare, o.compare)}"


def fmt_difference(o: Outcome, d: pd.Series) -> str:
    """One cell: a row of :func:`paired_differences` shown as the outcome declares."""
    if o.compare == "pct":
        return fmt_ci("pct", d["pct"], d["pct_low"], d["pct_high"])
    return fmt_ci(o.compare, d["diff"], d["ci_low"], d["ci_high"])


def comparison_table(summary: pd.DataFrame, baseline: str, label: str = "scenario") -> pd.DataFrame:
    """One row per scenario other than the baseline: each outcome's paired difference.

    Args:
        summary: Run summaries (one row per run) with ``label``, ``seed`` and the outcomes.
        baseline: The scenario the others are compared with (same seeds).
        label: Column naming the scenarios.

    Returns:
        ``<Label>, Seeds`` (paired seeds) and one column per declared outcome present in the
        summary, headed by its label and how the difference is shown; outcomes in money
        give way to the cost columns of :func:`cspsim.analysis.costs.cost_cells`.
    """
    # Money outcomes are shown by the cost columns: extra cost, what it bought, per crime.
    shown = [o for o in oc.outcomes() if o.name in summary and o.compare != "usd"]
    diffs = paired_differences(summary, [o.name for o in shown], baseline, label)
    diffs = diffs.set_index(["strategy", "measure"])
    rows = []
    for name in summary[label].drop_duplicates():
        if name == baseline:
            continue
        row: dict[str, object] = {label.capitalize(): name}
        row["Seeds"] = int(diffs.loc[name, "n"].max()) if shown else 0
        for o in shown:
            row[compare_header(o)] = fmt_difference(o, diffs.loc[(name, o.name)])
        rows.append(row)
    table = pd.DataFrame(rows)
    if rows and {"cost", "reallocated", "officer_hours"} <= set(summary):
        table = table.merge(cost_cells(summary, baseline, label), how="left")
    return table


def outcome_legend() -> pd.DataFrame:
    """What each outcome of the tables is: label, unit of its level, how differences show."""
    shown = {"pct": "% change", "pts": "points of 100", "dec": "difference", "usd": "$ million"}
    return pd.DataFrame(
        {
            "Outcome": [o.label for o in oc.outcomes()],
            "Unit": [o.unit for o in oc.outcomes()],
            "Difference shown as": [shown.get(o.compare, o.compare) for o in oc.outcomes()],
            "Better": [o.better for o in oc.outcomes()],
        }
    )


def levels_table(summary: pd.DataFrame, label: str = "scenario") -> pd.DataFrame:
    """Mean level of every outcome and derived value per scenario (rows: measures).

    Returns:
        ``Measure, Unit`` and one column per scenario (means over its runs); the first row
        counts the runs.
    """
    names = [o.name for o in oc.outcomes()] + [d.name for d in oc.DERIVED]
    names = [n for n in names if n in summary]
    g = summary.groupby(label, sort=False)
    means = g[names].mean().T
    runs = pd.DataFrame([g.size().astype(float)], index=["runs"])
    table = pd.concat([runs, means])
    lu = [("Runs", "runs")] + [oc.label_unit(n) for n in names]
    table.insert(0, "Unit", [u for _, u in lu])
    table.insert(0, "Measure", [lab for lab, _ in lu])
    return table.reset_index(drop=True)
