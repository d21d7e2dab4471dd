"""Which runs a directory holds, and which of them to count.

A directory is a run when it holds ``run.json``. Under a sweep directory made by the cspsim
sweeper, ``sweep.json`` (the manifest) lists the runs the sweep expects: those are the only
ones counted; complete runs under the directory that it does not list are *unlisted* (left by
an earlier sweep with other options). Each run is checked against its ``run.json``
(:func:`cspsim.output.integrity.inspect_run`): only complete, intact and current runs are
counted (and stale ones a resume kept with ``hydra.sweeper.reuse_stale=true`` or
``CSPSIM_REUSE_STALE=1``, labelled); failed, damaged (a table that does not match its
SHA-256, a truncated or malformed ``run.json``), stale (an input file or the model changed),
incomplete (killed while running) and missing runs are listed, never read. A bad run
directory never stops the listing. Two complete runs of the same resolved config are one
run: the second is listed as a duplicate. A run recorded before a setting existed is read
with that setting at its default (:func:`~cspsim.output.integrity.complete_config`), so it
is in the same scenario, city and setting as the runs recorded since.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cspsim.output import RUN_JSON
from cspsim.output.integrity import RunState, complete_config, inspect_run
from cspsim.output.manifest import read_manifest
from cspsim.output.rundir import identity
from cspsim.output.runner import PREVIOUS


@dataclass
class RunSet:
    """The runs of a directory, sorted into what is counted and what is not.

    Attributes:
        root: The directory.
        runs: One row per counted run: ``run_dir, scenario, strategy, seed, arm, stage,
            config_hash, city, city_key, city_label, setting_key, population, days,
            group_b_share, officer_hour_cost, reused_stale`` and the run's ``run.json`` as
            ``meta``.
        failed: Failed runs and their errors (relative path -> error).
        incomplete: Runs whose ``run.json`` is not complete (killed, or still running).
        missing: Runs the manifest expects that have no ``run.json``.
        duplicates: Complete runs of a config already counted (not counted again).
        unlisted: Complete runs under the directory that the manifest does not list.
        damaged: Runs whose ``run.json`` or tables are damaged, and why (not counted).
        stale: Complete runs made from other input files or another model, and why (not
            counted; a resume runs them again).
        reused_stale: Stale runs a resume kept (``hydra.sweeper.reuse_stale``,
            ``CSPSIM_REUSE_STALE``), and why they are stale
            (counted, and labelled in the report).
        other_config: Runs the manifest expects whose directory holds a run of another
            config (never overwritten, not counted), and why.
        manifest: The sweep manifest, if any.
    """

    root: Path
    runs: pd.DataFrame
    failed: dict[str, str] = field(default_factory=dict)
    incomplete: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    damaged: dict[str, str] = field(default_factory=dict)
    stale: dict[str, str] = field(default_factory=dict)
    reused_stale: dict[str, str] = field(default_factory=dict)
    other_config: dict[str, str] = field(default_factory=dict)
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


#: Settings named in a scenario's label when one strategy name holds several variants.
MAX_DIFFER_SHOWN = 2


def config_hash(config: dict[str, Any]) -> str:
    """A stable short hash of a resolved config."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def _counted(state: RunState) -> bool:
    return state.status == "complete" or (state.status == "stale" and state.reused_stale)


def city_key(config: dict[str, Any]) -> str:
    """What identifies a run's city: a hash of its ``city`` settings (display ones aside)."""
    city = identity({"city": config.get("city", {})})["city"]
    return config_hash(city)


def _setting(config: dict[str, Any]) -> dict[str, Any]:
    """A run's config without its city, strategy and seed (and display-only keys)."""
    return {k: v for k, v in identity(config).items() if k not in ("seed", "city", "strategy")}


def setting_key(config: dict[str, Any]) -> str:
    """What a run's outcome depends on besides its city, strategy and seed, as a hash.

    Runs of one city with the same setting differ by the scenario alone, so their
    differences are effects (:func:`cspsim.report.cities.city_groups`).
    """
    return config_hash(_setting(config))


def setting_items(config: dict[str, Any]) -> dict[str, str]:
    """The setting of :func:`setting_key` as ``dotted key -> value`` (for labels)."""
    return _flatten(_setting(config))


def city_label(config: dict[str, Any]) -> str:
    """A short name of a run's city for reports.

    ``sf2012``, ``synthetic (1,000 agents, 16 places)``, ``file nodes.csv``, ...
    """
    city = config.get("city", {}) if isinstance(config.get("city"), dict) else {}
    kind = str(city.get("kind", "?"))
    if kind == "synthetic":
        places = city.get("places") or "auto"
        return f"synthetic ({int(city.get('residents', 0)):,} agents, {places} places)"
    if kind == "file":
        return f"file {Path(str(city.get('graphml') or city.get('nodes') or '?')).name}"
    if kind == "gis":
        return f"gis {Path(str(city.get('areas') or '?')).name}"
    return kind


def _is_city_key(key: str) -> bool:
    return key == "city" or key.startswith("city.")


def _labels(jobs: list[dict[str, Any]]) -> dict[str, str]:
    """Scenario label of each job: its arm, else the overrides that vary (seed aside).

    Overrides of the city are left out: runs of different cities are reported in sections
    of their own, where the same scenario has the same name (and the same baseline).
    """
    keys: dict[str, set[str]] = {}
    for job in jobs:
        for line in job["overrides"]:
            k, _, v = line.partition("=")
            keys.setdefault(k.lstrip("+~"), set()).add(v)
    varying = sorted(
        k for k, vs in keys.items() if len(vs) > 1 and k != "seed" and not _is_city_key(k)
    )
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
    written = read_manifest(root)
    if not isinstance(written, dict) or not isinstance(written.get("jobs", []), list):
        written = None  # a damaged manifest: read the directory as it is
    manifest = written if only is None else None
    found = _run_dirs(root) if only is None else set()
    rs = RunSet(root=root, runs=pd.DataFrame(), manifest=manifest)
    jobs: dict[Path, dict[str, Any]] = {}
    if only is not None:
        labels: dict[str, str] = {}
        candidates = [Path(d) for d in only]
    elif manifest:
        # A job launched again (a resumed sweep's later stage) is still one run.
        for job in manifest.get("jobs", []):
            if isinstance(job, dict) and isinstance(job.get("subdir"), str):
                jobs.setdefault(root / job["subdir"], job)
        labels = _labels(list(jobs.values()))
        rs.unlisted = sorted(_rel(root, d) for d in found - set(jobs) if _counted(inspect_run(d)))
        candidates = list(jobs)
    else:
        labels = {}
        candidates = sorted(found)
    # Jobs a sweep (or a design reading its own jobs) did not run: another config is there.
    notes = (written or {}).get("notes") or {}
    other = notes.get("other_config") if isinstance(notes, dict) else None
    rows, seen, strategies = [], {}, []
    for run_dir in candidates:
        rel = _rel(root, run_dir)
        if isinstance(other, dict) and rel in other:
            rs.other_config[rel] = str(other[rel])
            continue
        state = inspect_run(run_dir)
        if not _sort(rs, rel, state, expected=run_dir in jobs or only is not None):
            continue
        # In today's terms: a run from before a setting existed ran at its default.
        meta = {**state.meta, "config": complete_config(state.meta["config"])}
        h = config_hash(identity(meta["config"]))
        if dedup and h in seen:
            rs.duplicates.append(rel)
            continue
        try:
            row = _row(run_dir, rel, meta, jobs.get(run_dir, {}), labels, h)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            rs.damaged[rel] = f"run.json of the wrong shape: {type(exc).__name__}: {exc}"
            continue
        seen[h] = rel
        strategies.append(meta["config"].get("strategy") or {})
        row["reused_stale"] = state.status == "stale"
        if state.status == "stale":
            rs.reused_stale[rel] = state.reason
        rows.append(row)
    rs.runs = pd.DataFrame(rows)
    if len(rs.runs) and rs.runs["scenario"].isna().any():
        rs.runs["scenario"] = rs.runs["scenario"].fillna(rs.runs["strategy"])
    if len(rs.runs):
        rs.runs["scenario"] = distinct_scenarios(rs.runs, strategies)
    return rs


def distinct_scenarios(runs: pd.DataFrame, strategies: list[dict[str, Any]]) -> list[str]:
    """Scenario names, told apart where one strategy name holds different settings.

    Runs named ``reactive`` with hot-spot patrol (a user file of that name, or an override
    ``strategy.patrol.mode=hotspot``) are not the baseline: each variant of a name is
    labelled with the settings that differ, ``reactive (patrol.mode=hotspot)``.

    Args:
        runs: The runs (``scenario`` and ``strategy`` columns).
        strategies: Each run's strategy config, in the rows' order.
    """
    names = list(runs["scenario"])
    flat = [_flatten(s) for s in strategies]
    for name in set(names):
        rows = [i for i, n in enumerate(names) if n == name and runs["strategy"].iloc[i] == n]
        variants = {config_hash(strategies[i]) for i in rows}
        if len(variants) < 2:
            continue
        keys = sorted({k for i in rows for k in flat[i]})
        differ = [k for k in keys if len({flat[i].get(k) for i in rows}) > 1]
        for i in rows:
            shown = ", ".join(f"{k}={flat[i].get(k)}" for k in differ[:MAX_DIFFER_SHOWN])
            more = f", +{len(differ) - MAX_DIFFER_SHOWN}" if len(differ) > MAX_DIFFER_SHOWN else ""
            names[i] = f"{name} ({shown}{more})"
    return names


def _flatten(node: Any, prefix: str = "") -> dict[str, str]:
    """A nested config as ``dotted key -> value`` text."""
    if not isinstance(node, dict):
        return {prefix: str(node)}
    out: dict[str, str] = {}
    for key, value in node.items():
        out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _run_dirs(root: Path) -> set[Path]:
    """Directories holding a ``run.json`` (runs a later run moved aside excluded)."""
    return {p.parent for p in root.rglob(RUN_JSON) if PREVIOUS not in p.relative_to(root).parts}


def _sort(rs: RunSet, rel: str, state: RunState, expected: bool) -> bool:
    """File a run that is not counted under its kind; True when it is to be counted."""
    if _counted(state):
        return True
    if state.status == "missing":
        if expected:
            rs.missing.append(rel)
    elif state.status == "failed":
        rs.failed[rel] = state.reason
    elif state.status in ("running", "incomplete"):
        rs.incomplete.append(rel)
    elif state.status == "damaged":
        rs.damaged[rel] = state.reason
    elif state.status == "stale":
        rs.stale[rel] = state.reason
    return False


def _row(
    run_dir: Path,
    rel: str,
    meta: dict[str, Any],
    job: dict[str, Any],
    labels: dict[str, str],
    h: str,
) -> dict[str, Any]:
    cfg = meta["config"]
    params = cfg.get("params", {})
    return {
        "run_dir": str(run_dir),
        "rel": rel,
        "scenario": labels.get(str(job.get("subdir", "")), meta.get("strategy")),
        "strategy": str(meta["strategy"]),
        "seed": int(meta["seed"]),
        "arm": job.get("arm"),
        "stage": job.get("stage", "grid"),
        "config_hash": h,
        "city": str(meta["city"]),
        "city_key": city_key(cfg),
        "city_label": city_label(cfg),
        "setting_key": setting_key(cfg),
        "population": float(meta["population"]),
        "days": int(meta["days"]),
        "group_b_share": float(params.get("residents", {}).get("group_b_share", 0.5)),
        "officer_hour_cost": float(params.get("costs", {}).get("officer_hour", 0.0)),
        "meta": meta,
    }


def _rel(root: Path, run_dir: Path) -> str:
    rel = str(run_dir.relative_to(root)) if run_dir != root else "."
    return rel
