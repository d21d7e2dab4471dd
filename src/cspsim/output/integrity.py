"""What a run directory holds, checked against what its ``run.json`` records.

:func:`inspect_run` sorts a run directory into one of

=============  ==========================================================================
``missing``    no ``run.json`` (never started, or killed before writing anything)
``running``    ``status: running`` and a live writer holds the directory's lock
``incomplete`` ``status: running`` and no live writer (killed while running)
``failed``     ``status: failed`` (the error is in ``run.json``)
``damaged``    ``run.json`` unreadable or of the wrong shape, or a table missing or not
               matching its recorded SHA-256 (truncated, edited)
``stale``      complete and intact, but an input file changed (or is gone) or the model
               (its code, a shipped run config or a result-determining package) is not
               the one that made it, or it predates table hashes
``complete``   complete, intact and current
=============  ==========================================================================

Resume (:func:`cspsim.output.runner.run_one`, the sweeper, the SLURM launcher) skips only
``complete`` runs of the same config (and ``stale`` ones when asked to reuse them); reports
count ``complete`` runs and list the others.
"""

from __future__ import annotations

import json
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspsim.model.measures import EVENTS, PLACES, SURVEY, TIMESERIES
from cspsim.model.schema import default_config
from cspsim.output.lock import holder
from cspsim.output.provenance import hash_inputs, model_identity, sha256_cached
from cspsim.output.rundir import RUN_JSON, TABLES, config_dict, identity

STATUSES = ("missing", "running", "incomplete", "failed", "damaged", "stale", "complete")


@dataclass
class RunState:
    """The state of one run directory.

    Attributes:
        status: One of :data:`STATUSES`.
        reason: Why (for ``damaged``, ``stale``, ``failed``: the error).
        meta: ``run.json`` when it could be read as an object.
        same_config: For a complete, stale or damaged run checked against a config:
            whether it is a run of that config (None when no config was given). A run
            whose config differs because one of its input files changed (a user's strategy
            file edited) or a shipped run config changed is the same run, stale.
        reused_stale: ``run.json`` says a resume kept it although stale
            (``hydra.sweeper.reuse_stale=true`` or ``CSPSIM_REUSE_STALE=1``).
    """

    status: str
    reason: str = ""
    meta: dict[str, Any] | None = field(default=None, repr=False)
    same_config: bool | None = None
    reused_stale: bool = False

    @property
    def finished(self) -> bool:
        """A complete run, current or not (``complete``, ``stale``; ``damaged`` tables aside)."""
        return self.status in ("complete", "stale")


def _read(run_dir: Path) -> tuple[Any, str | None]:
    import json

    path = run_dir / RUN_JSON
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:  # the writer writes UTF-8 JSON only
        return None, f"run.json unreadable: {exc}"
    try:
        return json.loads(text), None
    except ValueError as exc:
        return None, f"run.json unreadable (truncated or not JSON): {exc}"


def _is_num(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def shape_error(meta: Any) -> str | None:
    """What is wrong with the shape of a ``run.json`` (None when a reader can use it)."""
    if not isinstance(meta, dict):
        return f"run.json is not an object (a {type(meta).__name__})"
    status = meta.get("status")
    if not isinstance(status, str):
        return f"run.json has no status string (got {status!r})"
    if status != "complete":
        return None
    wanted = {
        "config": lambda v: isinstance(v, dict),
        "seed": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "strategy": lambda v: isinstance(v, str),
        "city": lambda v: isinstance(v, str),
        "days": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "population": _is_num,
    }
    for key, ok in wanted.items():
        if key not in meta or not ok(meta[key]):
            return f"run.json: {key!r} missing or of the wrong type (got {meta.get(key)!r})"
    config = meta["config"]
    for group in ("city", "strategy", "sim", "params"):
        if not isinstance(config.get(group), dict):
            return f"run.json: config.{group} missing or not an object"
    return None


def _table_error(run_dir: Path, tables: Any) -> str | None:
    for name in TABLES:
        path = run_dir / f"{name}.parquet"
        if not path.is_file():
            return f"{name}.parquet is missing"
        if not isinstance(tables, dict):
            continue
        rec = tables.get(name)
        if not isinstance(rec, dict) or not isinstance(rec.get("sha256"), str):
            return f"run.json records no SHA-256 of {name}.parquet"
        if sha256_cached(path) != rec["sha256"]:
            return f"{name}.parquet does not match its SHA-256 in run.json (changed or truncated)"
        error = _schema_error(path, name)
        if error:
            return error
    return None


#: Columns every run's table has (the core declared measures; components add their own).
_CORE_COLUMNS = {
    "timeseries": ["day", *(m.name for m in TIMESERIES)],
    "places": [m.name for m in PLACES],
    "events": [m.name for m in EVENTS],
    "survey": [m.name for m in SURVEY],
}


def _schema_error(path: Path, name: str) -> str | None:
    """What is wrong with a table whose hash matched: not Parquet, or a core column missing.

    Only a run.json rewritten by hand (or by a bug) gets here; the reports read every run's
    tables in one query, which one such file would stop with a traceback.
    """
    import pyarrow.parquet as pq

    try:
        columns = set(pq.read_schema(path).names)
    except Exception as exc:  # pyarrow's errors for a file that is not Parquet vary
        return f"{name}.parquet is not a Parquet table ({type(exc).__name__})"
    missing = [c for c in _CORE_COLUMNS.get(name, []) if c not in columns]
    if missing:
        return f"{name}.parquet lacks column(s) {', '.join(missing[:5])}"
    return None


def stale_reason(meta: dict[str, Any], inputs: dict[str, Path] | None = None) -> str | None:
    """Why a complete, intact run is no longer current (None when it is).

    Args:
        meta: The run's ``run.json``.
        inputs: Input files the run would read now, by role (a resumed run: its city files
            and user config files); each must be recorded with the same SHA-256. Recorded
            files not among them are hashed again where they were.
    """
    if not isinstance(meta.get("tables"), dict):
        return "written before run.json recorded table hashes (cannot be verified)"
    model = meta.get("model")
    now = model_identity()
    changed = shipped_config_change(model)
    if changed:
        return f"shipped config changed since the run: {changed}"
    if not isinstance(model, dict) or model.get("code_sha256") != now["code_sha256"]:
        return "made by another version of the model code"
    if model.get("packages") != now["packages"]:
        return f"made with other package versions ({model.get('packages')} now {now['packages']})"
    return input_change(meta, inputs)


def shipped_config_change(model: Any) -> str | None:
    """Which shipped run configs (``configs/<group>/*.yaml``) changed since a run.

    Args:
        model: The run's recorded ``model`` (:func:`cspsim.output.provenance.model_identity`).

    Returns:
        The changed, added or removed files (``strategy/hotspot.yaml``), None when none
        did or the run did not record them (its code hash then says it is stale).
    """
    if not isinstance(model, dict) or not isinstance(model.get("configs"), dict):
        return None
    old, now = model["configs"], model_identity()["configs"]
    changed = sorted(k for k in {*old, *now} if old.get(k) != now.get(k))
    if not changed:
        return None
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return ", ".join(f"configs/{k}" for k in changed[:3]) + more


def same_config(recorded: dict[str, Any], current: dict[str, Any]) -> bool:
    """Whether a recorded run's config is the current one (:func:`.rundir.identity`).

    Settings that never change results are left aside. A run recorded before a setting
    existed lacks it: it is the same run when the setting is at its default
    (:func:`complete_config`). A new setting defaults to the old behaviour, and a change in
    the model makes the run stale instead (redone, the old one kept aside), not a run of
    another config that is never overwritten.
    """
    return identity(complete_config(recorded)) == identity(current)


def complete_config(recorded: dict[str, Any]) -> dict[str, Any]:
    """A recorded config with the settings added since it was recorded, at their defaults.

    A run recorded before a setting existed ran with what is now its default, so this is
    the config it ran in today's terms: two runs that differ only by a setting one of them
    predates are one config (counted once, in one scenario, city and setting), and the
    analyses can read every current setting. Settings the schema no longer has are kept
    (a run of a removed setting stays another config).
    """
    return _fill_missing(recorded, config_dict(default_config()))


def _fill_missing(recorded: Any, defaults: Any) -> Any:
    """``recorded`` with the keys it lacks taken from ``defaults`` (nested mappings)."""
    if not (isinstance(recorded, dict) and isinstance(defaults, dict)):
        return recorded
    out = {key: _fill_missing(value, defaults.get(key)) for key, value in recorded.items()}
    for key, value in defaults.items():
        if key not in out:
            out[key] = json.loads(json.dumps(value, default=str))
    return out


def input_change(meta: dict[str, Any], inputs: dict[str, Path] | None = None) -> str | None:
    """Which input file of a run changed or is gone since it ran (None: none did).

    Args:
        meta: The run's ``run.json``.
        inputs: See :func:`stale_reason`.
    """
    recorded = meta.get("inputs") if isinstance(meta.get("inputs"), dict) else {}
    current = hash_inputs(inputs or {})
    for role in sorted(inputs or {}):
        if role not in current:
            return f"input {role} ({inputs[role]}) is gone"  # type: ignore[index]
        old = recorded.get(role)
        if not isinstance(old, dict) or old.get("sha256") != current[role]["sha256"]:
            return f"input {role} ({current[role]['path']}) changed since the run"
    for role, rec in recorded.items():
        if role in current:
            continue
        path = Path(str(rec.get("path", ""))) if isinstance(rec, dict) else Path()
        if not path.is_file():
            return f"input {role} ({path}) is gone"
        if sha256_cached(path) != rec.get("sha256"):
            return f"input {role} ({path}) changed since the run"
    return None


def inspect_run(
    run_dir: Path,
    cfg: Any = None,
    inputs: dict[str, Path] | None = None,
) -> RunState:
    """The state of a run directory (see the module doc); never raises on bad content.

    Args:
        run_dir: The directory.
        cfg: A run config to compare a finished run's config with (``same_config``).
        inputs: Input files the run would read now (see :func:`stale_reason`).
    """
    run_dir = Path(run_dir)
    meta, error = _read(run_dir)
    if error:
        return RunState("damaged", error)
    if meta is None:
        return RunState("missing")
    error = shape_error(meta)
    if error:
        return RunState("damaged", error, meta if isinstance(meta, dict) else None)
    status = meta["status"]
    if status == "failed":
        return RunState("failed", str(meta.get("error", "unknown error")), meta)
    if status == "running":
        live = holder(run_dir)
        return RunState("running" if live else "incomplete", "", meta)
    if status != "complete":
        return RunState("damaged", f"run.json: unknown status {status!r}", meta)
    same = None if cfg is None else same_config(meta["config"], config_dict(cfg))
    if same is False and (input_change(meta, inputs) or shipped_config_change(meta.get("model"))):
        # Its config changed with an input file (a user's strategy file) or a shipped config
        # (configs/strategy/hotspot.yaml edited): the same run, stale; redoing it moves the
        # old one aside (.previous/), so nothing is lost.
        same = True
    reused = isinstance(meta.get("reused_stale"), dict)
    error = _table_error(run_dir, meta.get("tables"))
    if error:
        return RunState("damaged", error, meta, same, reused)
    reason = stale_reason(meta, inputs)
    if reason:
        return RunState("stale", reason, meta, same, reused)
    return RunState("complete", "", meta, same, reused)


def is_complete(run_dir: Path, cfg: Any = None, inputs: dict[str, Path] | None = None) -> bool:
    """Whether ``run_dir`` holds a complete, intact, current run (of ``cfg``, when given)."""
    state = inspect_run(run_dir, cfg, inputs)
    return state.status == "complete" and state.same_config is not False
