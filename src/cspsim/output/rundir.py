"""Writing a run directory: the tables (Parquet) and ``run.json`` (written last).

``run.json`` carries ``status``: ``running`` while tables are written, then ``complete``
(atomically replaced, as the very last write) or ``failed`` with the error. A reader that
sees anything but ``complete`` must treat the directory as unfinished.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import traceback
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from cspsim.config import RunConfig
from cspsim.output.results import Results

RUN_JSON = "run.json"
TABLES = ("timeseries", "places", "events", "survey")
_PACKAGES = ("cspsim", "mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx", "hydra-core")


def package_versions() -> dict[str, str]:
    """Versions of the packages that determine results."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """Commit of the source tree, if it is a git checkout."""
    try:
        here = Path(__file__).resolve().parent
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write JSON to ``path`` via a temporary file and an atomic rename."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    os.replace(tmp, path)


def read_run_json(run_dir: Path) -> dict[str, Any] | None:
    """The run's ``run.json``, or None when missing or unreadable."""
    try:
        return json.loads((Path(run_dir) / RUN_JSON).read_text())
    except (OSError, json.JSONDecodeError):
        return None


def config_dict(cfg: RunConfig) -> dict[str, Any]:
    """The resolved config as plain data (what identifies a run)."""
    return asdict(cfg)


def is_complete(run_dir: Path, cfg: RunConfig | None = None) -> bool:
    """Whether ``run_dir`` holds a complete run (of this exact config, when given)."""
    meta = read_run_json(run_dir)
    if not meta or meta.get("status") != "complete":
        return False
    if any(not (Path(run_dir) / f"{t}.parquet").exists() for t in TABLES):
        return False
    return cfg is None or meta.get("config") == json.loads(
        json.dumps(config_dict(cfg), default=str)
    )


def base_meta(cfg: RunConfig) -> dict[str, Any]:
    """The fields of ``run.json`` known before the run."""
    return {
        "status": "running",
        "seed": cfg.seed,
        "city": cfg.city.kind,
        "strategy": cfg.strategy.name,
        "config": config_dict(cfg),
        "versions": package_versions(),
        "git_commit": git_commit(),
    }


def write_results(run_dir: Path, cfg: RunConfig, res: Results) -> dict[str, Any]:
    """Write the four tables, then ``run.json`` with status ``complete`` (last)."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    meta = base_meta(cfg)
    write_json_atomic(run_dir / RUN_JSON, meta)
    frames: dict[str, pd.DataFrame] = {
        "timeseries": res.timeseries,
        "places": res.places,
        "events": res.events,
        "survey": res.survey,
    }
    for name, frame in frames.items():
        tmp = run_dir / f"{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, run_dir / f"{name}.parquet")
    m = res.model
    meta.update(
        status="complete",
        wall_seconds=round(res.wall_seconds, 3),
        step_seconds=round(res.step_seconds, 3),
        residents=int(m.residents.n),
        residents_per_agent=m.residents_per_agent,
        population=float(m.world.population),
        places=int(m.n_places),
        officers=m.police.force.n,
        organizations=len(m.organizations),
        days=int(cfg.sim.days),
        burn_in_days=int(cfg.sim.burn_in_days),
        baseline_budget=float(m.baseline_budget),
    )
    write_json_atomic(run_dir / RUN_JSON, meta)
    return meta


def write_failure(run_dir: Path, cfg: RunConfig | None, exc: BaseException) -> None:
    """Record a failed run: ``status: failed`` with the error; remove partial tables."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        for suffix in (".parquet", ".parquet.tmp"):
            (run_dir / f"{name}{suffix}").unlink(missing_ok=True)
    meta = base_meta(cfg) if cfg is not None else {"status": "running"}
    meta.update(
        status="failed",
        error=f"{type(exc).__name__}: {exc}",
        traceback=traceback.format_exception(exc),
    )
    write_json_atomic(run_dir / RUN_JSON, meta)
