"""Writing a run directory: the tables (Parquet) and ``run.json`` (written last).

``run.json`` carries ``status``: ``running`` while tables are written, then ``complete``
(atomically replaced, as the very last write) or ``failed`` with the error. A reader that
sees anything but ``complete`` must treat the directory as unfinished; a complete one is
checked against what ``run.json`` records (:mod:`cspsim.output.integrity`):

* ``tables``: SHA-256, size and rows of each table written;
* ``inputs``: SHA-256 and absolute path of every input file (the city's data files, a
  user's config files);
* ``model``: the model's code hash and the versions of the packages that determine results
  (:func:`cspsim.output.provenance.model_identity`), besides ``versions`` and
  ``git_commit``.

Only the holder of the run directory's lock (:class:`cspsim.output.lock.RunLock`) writes
in it; its temporary files carry its token, and a failure removes only files it created.
"""

from __future__ import annotations

import json
import os
import secrets
import traceback
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from cspsim.config import RunConfig
from cspsim.config.sim import NOT_IN_IDENTITY
from cspsim.output.lock import RunLock
from cspsim.output.provenance import (
    git_commit,
    git_dirty,
    hash_inputs,
    model_identity,
    package_versions,
    sha256_file,
)
from cspsim.output.results import Results

RUN_JSON = "run.json"
TABLES = ("timeseries", "places", "events", "survey")

__all__ = [
    "RUN_JSON",
    "TABLES",
    "base_meta",
    "config_dict",
    "git_commit",
    "identity",
    "package_versions",
    "read_run_json",
    "write_failure",
    "write_json_atomic",
    "write_results",
]


def write_json_atomic(path: Path, data: dict[str, Any], tmp: Path | None = None) -> None:
    """Write JSON to ``path`` via a temporary file of this writer and an atomic rename.

    Args:
        path: Destination.
        data: The object to write.
        tmp: Temporary file (default: a name unique to this process and call).
    """
    path = Path(path)
    tmp = tmp or path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, default=str))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_run_json(run_dir: Path) -> dict[str, Any] | None:
    """The run's ``run.json``, or None when missing, unreadable or not a JSON object."""
    try:
        data = json.loads((Path(run_dir) / RUN_JSON).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def config_dict(cfg: RunConfig) -> dict[str, Any]:
    """The resolved config as plain data (what ``run.json`` records)."""
    return json.loads(json.dumps(asdict(cfg), default=str))


def identity(config: dict[str, Any]) -> dict[str, Any]:
    """A recorded config without the settings that never change results.

    What makes two runs the same run: the config minus
    :data:`cspsim.config.sim.NOT_IN_IDENTITY`.
    """
    out = json.loads(json.dumps(config, default=str))
    for path in NOT_IN_IDENTITY:
        group, _, key = path.partition(".")
        if isinstance(out.get(group), dict):
            out[group].pop(key, None)
    return out


def base_meta(cfg: RunConfig, inputs: dict[str, Path] | None = None) -> dict[str, Any]:
    """The fields of ``run.json`` known before the run."""
    return {
        "status": "running",
        "seed": cfg.seed,
        "city": cfg.city.kind,
        "strategy": cfg.strategy.name,
        "config": config_dict(cfg),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "model": model_identity(),
        "inputs": hash_inputs(inputs or {}),
    }


def _write_table(frame: pd.DataFrame, final: Path, tmp: Path, created: list[Path]) -> None:
    created.append(tmp)
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, final)
    created.append(final)


def write_results(
    run_dir: Path,
    cfg: RunConfig,
    res: Results,
    lock: RunLock | None = None,
    meta: dict[str, Any] | None = None,
    created: list[Path] | None = None,
) -> dict[str, Any]:
    """Write the four tables, then ``run.json`` with status ``complete`` (last).

    Args:
        run_dir: The run directory.
        cfg: The run's config.
        res: Its tables.
        lock: The directory's lock, held by the caller (default: taken here).
        meta: ``run.json`` as written when the run started (default: :func:`base_meta`).
        created: Collects the files this call created (for a failure to remove).

    Returns:
        The complete ``run.json``.
    """
    run_dir = Path(run_dir)
    if lock is None:
        with RunLock(run_dir) as own:
            return write_results(run_dir, cfg, res, own, meta, created)
    created = [] if created is None else created
    meta = dict(meta) if meta is not None else base_meta(cfg)
    write_json_atomic(run_dir / RUN_JSON, meta, lock.tmp(RUN_JSON))
    tables = {}
    for name in TABLES:
        frame: pd.DataFrame = getattr(res, name)
        final = run_dir / f"{name}.parquet"
        _write_table(frame, final, lock.tmp(f"{name}.parquet"), created)
        tables[name] = {
            "sha256": sha256_file(final),
            "bytes": final.stat().st_size,
            "rows": len(frame),
        }
    m = res.model
    meta.update(
        status="complete",
        tables=tables,
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
        writer={"pid": os.getpid(), "token": lock.token},
    )
    write_json_atomic(run_dir / RUN_JSON, meta, lock.tmp(RUN_JSON))
    return meta


def write_failure(
    run_dir: Path,
    cfg: RunConfig | None,
    exc: BaseException,
    created: Iterable[Path] = (),
    lock: RunLock | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Record a failed run: ``status: failed`` with the error; remove this writer's files.

    Only ``created`` (the files this writer made) are removed: tables another writer made
    are not this writer's to delete. The caller must hold the directory's lock and must
    have checked that it holds no complete run (:func:`cspsim.output.runner.record_failure`
    does both).

    Returns:
        The ``run.json`` written.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    for path in created:
        Path(path).unlink(missing_ok=True)
    if meta is None:
        meta = base_meta(cfg) if cfg is not None else {"status": "running"}
    meta = {**meta}
    meta.update(
        status="failed",
        error=f"{type(exc).__name__}: {exc}",
        traceback=traceback.format_exception(exc),
    )
    meta.pop("tables", None)
    write_json_atomic(run_dir / RUN_JSON, meta, lock.tmp(RUN_JSON) if lock else None)
    return meta
