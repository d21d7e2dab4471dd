"""What a report may compare: runs of one city, scenarios paired with their baseline.

A difference between two runs is an effect only when the runs differ by the scenario alone.
Runs of different cities are never compared: a sweep over cities gives one section per
city (:func:`city_groups`), each with its own baseline. A directory gathered by hand (say
``outputs/``) may hold runs of one strategy and seed in two settings (``sim.days``,
``params.*``, modifiers): such runs are not one scenario's replicates, so each setting
gets a section of its own too (a sweep's scenarios are named by what varies instead).
Within a city, a scenario is compared with the baseline on the seeds they share (paired:
common random numbers, each seed's two runs share every random draw the scenario does not
change); a scenario that shares no seed with the baseline is left out of the comparison
and said so (:func:`paired_scenarios`), and the wording says "paired" only for paired
runs (:func:`pairing_sentence`).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from cspsim.analysis.runs import RunSet, setting_items
from cspsim.paths import safe_component


def city_groups(rs: RunSet, summary: pd.DataFrame) -> list[tuple[str, RunSet, pd.DataFrame]]:
    """The runs and summary rows of each city, largest first: ``(label, runs, summary)``.

    Every city's runs keep the baseline of the whole directory (a city without its runs
    has no comparison, not another baseline). A label shared by two different cities
    (e.g. two synthetic cities that differ only in ``residents_per_agent``) gets the
    city's key appended, so sections stay apart.
    """
    if rs.runs.empty or "city_key" not in rs.runs:
        return [("", rs, summary)]
    runs = rs.runs.assign(group=_group_keys(rs.runs))
    if runs["group"].nunique() < 2:
        return [("", rs, summary)]
    manifest = dict(rs.manifest or {})
    manifest["options"] = {**(manifest.get("options") or {}), "baseline": rs.baseline}
    keys = runs.groupby("group", sort=False).size().sort_values(ascending=False).index
    labels = _group_labels(runs, list(keys))
    out = []
    for key in keys:
        mine = runs["group"] == key
        part = summary[summary["run_dir"].isin(runs.loc[mine, "run_dir"])].reset_index(drop=True)
        group_rs = replace(rs, runs=rs.runs[mine].reset_index(drop=True), manifest=manifest)
        out.append((labels[key], group_rs, part))
    return out


def _group_keys(runs: pd.DataFrame) -> pd.Series:
    """Each run's section: its city, and its setting where a strategy and seed repeat."""
    keys = runs["city_key"].astype(str)
    for city in keys.unique():
        here = runs[keys == city]
        if here.duplicated(["scenario", "seed"]).any():
            keys[keys == city] = city + "/" + here["setting_key"].astype(str)
    return keys


def _group_labels(runs: pd.DataFrame, keys: list[str]) -> dict[str, str]:
    """Section titles: the city, and the settings that differ between one city's sections.

    A city's key is added when two cities share a name; settings read ``sim.days=30``.
    """
    first = {k: runs[runs["group"] == k].iloc[0] for k in keys}
    cities = {k: str(first[k]["city_label"]) for k in keys}
    names = {k: cities[k] for k in keys}
    for k in keys:  # two cities of one name (e.g. synthetic cities of two densities)
        city_keys = {first[j]["city_key"] for j in keys if cities[j] == cities[k]}
        if len(city_keys) > 1:
            names[k] = f"{cities[k]} [{str(first[k]['city_key'])[:6]}]"
    for city in {first[k]["city_key"] for k in keys}:
        mine = [k for k in keys if first[k]["city_key"] == city]
        if len(mine) < 2:
            continue
        items = {k: setting_items(first[k]["meta"]["config"]) for k in mine}
        varying = sorted(
            {i for k in mine for i in items[k] if len({items[j].get(i) for j in mine}) > 1}
        )
        for k in mine:
            shown = ", ".join(f"{i}={items[k].get(i, '')}" for i in varying[:3])
            names[k] += f" · {shown}{', ...' if len(varying) > 3 else ''}"
    return names


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
