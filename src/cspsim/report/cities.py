"""What a report may compare: runs of one city, scenarios paired with their baseline.

A difference between two runs is an effect only when the runs differ by the scenario alone.
Runs of different cities are never compared: a sweep over cities gives one section per
city (:func:`city_groups`), each with its own baseline. Within a city, a scenario is
compared with the baseline on the seeds they share (paired: common random numbers, each
seed's two runs share every random draw the scenario does not change); a scenario that
shares no seed with the baseline is left out of the comparison and said so
(:func:`paired_scenarios`), and the wording says "paired" only for paired runs
(:func:`pairing_sentence`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from cspsim.analysis.runs import RunSet
from cspsim.paths import safe_component


def city_groups(rs: RunSet, summary: pd.DataFrame) -> list[tuple[str, RunSet, pd.DataFrame]]:
    """The runs and summary rows of each city, largest first: ``(label, runs, summary)``.

    Every city's runs keep the baseline of the whole directory (a city without its runs
    has no comparison, not another baseline). A label shared by two different cities
    (e.g. two synthetic cities that differ only in ``residents_per_agent``) gets the
    city's key appended, so sections stay apart.
    """
    if rs.runs.empty or "city_key" not in rs.runs or rs.runs["city_key"].nunique() < 2:
        return [("", rs, summary)]
    manifest = dict(rs.manifest or {})
    manifest["options"] = {**(manifest.get("options") or {}), "baseline": rs.baseline}
    keys = rs.runs.groupby("city_key", sort=False).size().sort_values(ascending=False).index
    labels = {k: str(rs.runs.loc[rs.runs["city_key"] == k, "city_label"].iloc[0]) for k in keys}
    counts = pd.Series(list(labels.values())).value_counts()
    out = []
    for key in keys:
        label = labels[key] if counts[labels[key]] == 1 else f"{labels[key]} [{key[:6]}]"
        runs = rs.runs[rs.runs["city_key"] == key].reset_index(drop=True)
        part = summary[summary["city_key"] == key].reset_index(drop=True)
        out.append((label, replace(rs, runs=runs, manifest=manifest), part))
    return out


def city_dir(label: str) -> str:
    """The directory of a city's figures and tables inside the report directory."""
    slug = re.sub(r"[^\w.=+-]+", "_", label).strip("_")
    return f"cities/{safe_component(slug or 'city')}"


def paired_seeds(summary: pd.DataFrame, baseline: str) -> dict[str, int]:
    """Seeds each scenario shares with the baseline (its paired runs), by scenario."""
    base = set(summary.loc[summary["scenario"] == baseline, "seed"])
    out = {}
    for name, runs in summary.groupby("scenario", sort=False):
        if name != baseline:
            out[str(name)] = len(base & set(runs["seed"]))
    return out


def paired_scenarios(summary: pd.DataFrame, baseline: str) -> tuple[pd.DataFrame, list[str]]:
    """The summary rows of the baseline and of the scenarios paired with it, and the others.

    Returns:
        The rows to compare (baseline and scenarios sharing at least one seed with it) and
        the names of the scenarios left out (no seed in common: not paired).
    """
    counts = paired_seeds(summary, baseline)
    unpaired = [name for name, n in counts.items() if n == 0]
    keep = summary[~summary["scenario"].isin(unpaired)].reset_index(drop=True)
    return keep, unpaired


def pairing_sentence(summary: pd.DataFrame, baseline: str) -> str:
    """How the comparison is paired: ``5 paired seeds`` or ``3 to 5 paired seeds``."""
    counts = [n for n in paired_seeds(summary, baseline).values() if n > 0]
    if not counts:
        return "no paired seeds"
    low, high = min(counts), max(counts)
    seeds = f"{low}" if low == high else f"{low} to {high}"
    return f"{seeds} paired seed{'s' if high > 1 else ''} (the same seeds as {baseline})"


def unpaired_note(unpaired: list[str], baseline: str) -> str:
    """Why scenarios without a seed in common with the baseline are not compared."""
    names = ", ".join(f"**{n}**" for n in unpaired)
    return (
        f"Not compared with **{baseline}**: {names} (no seed in common with it, so no run "
        "is paired with a baseline run). Their levels:"
    )
