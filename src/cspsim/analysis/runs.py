"""Which runs a directory holds, and which of them to count.

A directory is a run when it holds ``run.json``. Under a sweep directory made by the cspsim
sweeper, ``sweep.json`` (the manifest) lists the runs the sweep expects: those are the only
ones counted; the others are reported as *stale* (left by an earlier sweep with other
options). Each counted run is complete (``status: complete`` and its tables present);
failed, incomplete (killed while running) and missing runs are listed, never read. Two
complete runs of the same resolved config are one run: the second is listed as a duplicate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cspsim.output import RUN_JSON, TABLES, read_run_json
from cspsim.output.manifest import read_manifest


@dataclass
class RunSet:
    """The runs of a directory, sorted into what is counted and what is not.

    Attributes:
        root: The directory.
        runs: One row per counted run: ``run_dir, scenario, strategy, seed, arm, stage,
            config_hash, population, days, group_b_share, officer_hour_cost`` and the
            run's ``run.json`` as ``meta``.
        failed: Failed runs and their errors (relative path -> error).
        incomplete: Runs whose ``run.json`` is not complete (killed, or still running).
        missing: Runs the manifest expects that have no ``run.json``.
        duplicates: Complete runs of a config already counted (not counted again).
        stale: Complete runs under the directory that the manifest does not list.
        manifest: The sweep manifest, if any.
    """

    root: Path
    runs: pd.DataFrame
    failed: dict[str, str] = field(default_factory=dict)
    incomplete: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None

    def files(self, table: str) -> list[str]:
        """Paths of one table (``timeseries``, ``places``, ...) of every counted run."""
        return [str(Path(d) / f"{table}.parquet") for d in self.runs["run_dir"]]

    @property
    def baseline(self) -> str | None:
        """The scenario others are compared with (``reactive`` unless the sweep says)."""
        options = (self.manifest or {}).get("options") or {}
        names = list(self.runs["scenario"].drop_duplicates()) if len(self.runs) else []
        wanted = options.get("baseline")
        if wanted in names:
            return wanted
        if "reactive" in names:
            return "reactive"
        base = self.runs[self.runs["strategy"] == "reactive"]["scenario"]
        return str(base.iloc[0]) if len(base) else (names[0] if names else None)


def config_hash(config: dict[str, Any]) -> str:
    """A stable short hash of a resolved config."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _complete(run_dir: Path, meta: dict[str, Any] | None) -> bool:
    return (
        bool(meta)
        and meta.get("status") == "complete"
        and all((run_dir / f"{t}.parquet").exists() for t in TABLES)
    )


def _labels(jobs: list[dict[str, Any]]) -> dict[str, str]:
    """Scenario label of each job: its arm, else the overrides that vary (seed aside)."""
    keys: dict[str, set[str]] = {}
    for job in jobs:
        for line in job["overrides"]:
            k, _, v = line.partition("=")
            keys.setdefault(k.lstrip("+~"), set()).add(v)
    varying = sorted(k for k, vs in keys.items() if len(vs) > 1 and k != "seed")
    out = {}
    for job in jobs:
        if job.get("arm"):
            out[job["subdir"]] = str(job["arm"])
            continue
        parts = {
            line.partition("=")[0].lstrip("+~"): line.partition("=")[2] for line in job["overrides"]
        }
        if varying == ["strategy"]:
            out[job["subdir"]] = parts.get("strategy", "")
        elif varying:
            out[job["subdir"]] = ",".join(f"{k}={parts.get(k, '')}" for k in varying)
    return out


def collect_runs(root: Path, only: list[Path] | None = None, dedup: bool = True) -> RunSet:
    """Sort the runs under ``root`` (a run directory or a sweep directory).

    Args:
        root: Run or sweep directory.
        only: Read exactly these run directories, in this order (designs reading the
            outputs of the jobs they launched); no manifest filtering.
        dedup: Count one run per distinct config (designs may repeat a point on purpose).
    """
    root = Path(root)
    manifest = read_manifest(root) if only is None else None
    found = {p.parent for p in root.rglob(RUN_JSON)} if only is None else set()
    rs = RunSet(root=root, runs=pd.DataFrame(), manifest=manifest)
    jobs: dict[Path, dict[str, Any]] = {}
    if only is not None:
        labels: dict[str, str] = {}
        candidates = [Path(d) for d in only]
    elif manifest:
        # A job launched again (a resumed sweep's later stage) is still one run.
        for job in manifest.get("jobs", []):
            jobs.setdefault(root / job["subdir"], job)
        labels = _labels(list(jobs.values()))
        rs.stale = sorted(
            _rel(root, d) for d in found - set(jobs) if _complete(d, read_run_json(d))
        )
        candidates = list(jobs)
    else:
        labels = {}
        candidates = sorted(found)
    rows, seen = [], {}
    for run_dir in candidates:
        rel = _rel(root, run_dir)
        meta = read_run_json(run_dir)
        if meta is None:
            if run_dir in jobs or only is not None:
                rs.missing.append(rel)
            continue
        if meta.get("status") == "failed":
            rs.failed[rel] = str(meta.get("error", "unknown error"))
            continue
        if not _complete(run_dir, meta):
            rs.incomplete.append(rel)
            continue
        h = config_hash(meta.get("config", {}))
        if dedup and h in seen:
            rs.duplicates.append(rel)
            continue
        seen[h] = rel
        job = jobs.get(run_dir, {})
        cfg = meta.get("config", {})
        rows.append(
            {
                "run_dir": str(run_dir),
                "rel": rel,
                "scenario": labels.get(job.get("subdir", ""), meta.get("strategy")),
                "strategy": meta.get("strategy"),
                "seed": int(meta.get("seed", 0)),
                "arm": job.get("arm"),
                "stage": job.get("stage", "grid"),
                "config_hash": h,
                "city": meta.get("city"),
                "population": float(meta.get("population", float("nan"))),
                "days": int(meta.get("days", 0)),
                "group_b_share": float(
                    cfg.get("params", {}).get("residents", {}).get("group_b_share", 0.5)
                ),
                "officer_hour_cost": float(
                    cfg.get("params", {}).get("costs", {}).get("officer_hour", 0.0)
                ),
                "meta": meta,
            }
        )
    rs.runs = pd.DataFrame(rows)
    if len(rs.runs) and rs.runs["scenario"].isna().any():
        rs.runs["scenario"] = rs.runs["scenario"].fillna(rs.runs["strategy"])
    return rs


def _rel(root: Path, run_dir: Path) -> str:
    rel = str(run_dir.relative_to(root)) if run_dir != root else "."
    return rel
