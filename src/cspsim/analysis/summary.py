"""One row of outcome measures per run, read from its tables without loading them whole.

Only complete runs (``run.json`` status ``complete``) are summarized; each run directory is
read once (a directory is a run, so nothing is counted twice), and the columns needed are
read from Parquet column-wise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from cspsim.city import CRIME_TYPES
from cspsim.output import RUN_JSON, read_run_json

_TS_COLUMNS = [
    "crimes_true",
    "crimes_recorded",
    *[f"crimes_true_{t}" for t in CRIME_TYPES],
    *[f"crimes_recorded_{t}" for t in CRIME_TYPES],
    "victimizations",
    "reports",
    "arrests",
    "contacts_positive",
    "contacts_negative",
    "contacts_negative_group_a",
    "contacts_negative_group_b",
    "arrests_group_a",
    "arrests_group_b",
    "mean_trust",
    "mean_fear",
    "high_confidence_share",
    "patrol_hours",
    "program_enrolled",
    "budget_spent",
]

#: Outcome measures of a run: column -> (label, unit) for tables.
MEASURES: dict[str, tuple[str, str]] = {
    "crimes_true": ("Crime (true)", "per year"),
    "crimes_recorded": ("Crime (recorded)", "per year"),
    "crimes_true_violent": ("Violent (true)", "per year"),
    "crimes_true_property": ("Property (true)", "per year"),
    "crimes_true_disorder": ("Disorder (true)", "per year"),
    "crimes_true_drugs": ("Drugs (true)", "per year"),
    "trust": ("Trust", "mean 0-1, last 30 days"),
    "fear": ("Fear", "mean 0-1, last 30 days"),
    "high_confidence": ("High confidence", "share, last 30 days"),
    "reporting_rate": ("Reporting rate", "reports / victimizations"),
    "satisfaction": ("Satisfaction", "survey Likert 1-5, last wave"),
    "arrests": ("Arrests", "per year"),
    "contacts_negative": ("Negative contacts", "per year"),
    "negative_per_1000_a": ("Negative contacts, group A", "per 1,000 residents per year"),
    "negative_per_1000_b": ("Negative contacts, group B", "per 1,000 residents per year"),
    "cost": ("Cost", "USD per year"),
}


@dataclass
class RunInventory:
    """The run directories under a root, by status.

    Attributes:
        complete: Directories of complete runs.
        failed: Failed runs and their errors.
        incomplete: Directories with a ``run.json`` that is not complete (running/killed).
    """

    complete: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)
    incomplete: list[Path] = field(default_factory=list)


def find_runs(root: Path) -> RunInventory:
    """Find every run directory (one holding ``run.json``) under ``root``."""
    inv = RunInventory()
    for path in sorted(Path(root).rglob(RUN_JSON)):
        run_dir = path.parent
        meta = read_run_json(run_dir)
        status = (meta or {}).get("status")
        if status == "complete":
            inv.complete.append(run_dir)
        elif status == "failed":
            inv.failed[run_dir] = (meta or {}).get("error", "unknown error")
        else:
            inv.incomplete.append(run_dir)
    return inv


def summarize_run(run_dir: Path) -> dict[str, object]:
    """Outcome measures of one complete run, scaled to one year of real population."""
    meta = read_run_json(run_dir) or {}
    ts = pq.read_table(Path(run_dir) / "timeseries.parquet", columns=_TS_COLUMNS).to_pandas()
    days = len(ts)
    per_year = 365.0 / max(days, 1)
    last = ts.tail(min(30, days))
    pop = float(meta.get("population", np.nan))
    group_share_b = _group_share_b(meta)
    row: dict[str, object] = {
        "run_dir": str(run_dir),
        "strategy": meta.get("strategy"),
        "seed": meta.get("seed"),
        "city": meta.get("city"),
        "days": days,
        "population": pop,
    }
    for col in (
        ["crimes_true", "crimes_recorded", "arrests", "contacts_negative"]
        + [f"crimes_true_{t}" for t in CRIME_TYPES]
        + [f"crimes_recorded_{t}" for t in CRIME_TYPES]
    ):
        row[col] = float(ts[col].sum()) * per_year
    row["trust"] = float(last["mean_trust"].mean())
    row["fear"] = float(last["mean_fear"].mean())
    row["high_confidence"] = float(last["high_confidence_share"].mean())
    row["reporting_rate"] = float(ts["reports"].sum() / max(ts["victimizations"].sum(), 1))
    row["cost"] = float(ts["budget_spent"].sum()) * per_year
    row["patrol_hours"] = float(ts["patrol_hours"].mean())
    row["program_enrolled"] = float(ts["program_enrolled"].mean())
    pop_b = pop * group_share_b
    pop_a = pop - pop_b
    row["negative_per_1000_a"] = (
        float(ts["contacts_negative_group_a"].sum()) * per_year / max(pop_a, 1) * 1000
    )
    row["negative_per_1000_b"] = (
        float(ts["contacts_negative_group_b"].sum()) * per_year / max(pop_b, 1) * 1000
    )
    row["satisfaction"] = _last_wave_satisfaction(run_dir)
    return row


def _group_share_b(meta: dict) -> float:
    # The configured share: the survey sample under-represents the less trusting group
    # (non-response depends on trust), so it would overstate that group's rates.
    cfg = meta.get("config", {})
    return float(cfg.get("params", {}).get("residents", {}).get("group_b_share", 0.5))


def _last_wave_satisfaction(run_dir: Path) -> float:
    survey = pq.read_table(
        Path(run_dir) / "survey.parquet", columns=["day", "satisfaction"]
    ).to_pandas()
    if survey.empty:
        return float("nan")
    return float(survey.loc[survey["day"] == survey["day"].max(), "satisfaction"].mean())


def summarize_runs(root: Path) -> tuple[pd.DataFrame, RunInventory]:
    """Summaries of every complete run under ``root`` (one row per run) and the inventory."""
    inv = find_runs(root)
    rows = [summarize_run(d) for d in inv.complete]
    return pd.DataFrame(rows), inv
