"""Cache of built ``city=gis`` cities: an ``.npz`` of arrays plus a ``.json`` of the rest.

The key is the SHA-256 of the input files' bytes (a shapefile with its sidecars), of the
build settings (every ``city.*`` field but those that do not change the places), of the
GIS libraries' versions and of this package's GIS loader source, so any change to data,
settings or code builds afresh. User data is stored as plain arrays and JSON, read back
with ``allow_pickle=False``: nothing in the cache is ever executed. An entry is written to
a temporary directory and renamed into place only after the city was built, so a failed
or interrupted build leaves nothing that looks complete.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
from omegaconf import OmegaConf

from cspsim.config.city import CityConfig

log = logging.getLogger("cspsim.city")

#: Bumped when the stored layout changes.
CACHE_FORMAT = 1
#: ``city.*`` fields that do not change the places (resident agents, display, caching).
NOT_KEYED = (
    "residents_per_agent",
    "residents",
    "places",
    "topology",
    "neighbourhood_size",
    "base_crime_per_1000",
    "cache",
    "progress",
)
#: Libraries whose versions key the cache (geometry and contiguity come from them).
KEY_PACKAGES = ("geopandas", "shapely", "pyogrio", "pyproj", "libpysal", "numpy", "pandas")
ARRAYS = "city.npz"
META = "city.json"
_CHUNK = 1 << 20


def cache_dir() -> Path:
    """``$CSPSIM_CACHE`` if set, else ``~/.cache/cspsim/cities``."""
    return Path(os.environ.get("CSPSIM_CACHE") or "~/.cache/cspsim/cities").expanduser()


def settings(cfg: CityConfig) -> dict[str, Any]:
    """The ``city.*`` settings that shape the built city."""
    if dataclasses.is_dataclass(cfg):
        fields = dataclasses.asdict(cfg)
    else:
        fields = OmegaConf.to_container(cfg, resolve=True)
    return {k: v for k, v in sorted(fields.items()) if k not in NOT_KEYED}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    out = {}
    for name in KEY_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "none"
    return out


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(cfg: CityConfig, inputs: list[Path]) -> str:
    """SHA-256 over the settings, library versions, loader code and input files."""
    head = {
        "format": CACHE_FORMAT,
        "settings": settings(cfg),
        "versions": _versions(),
        "code": _code_digest(),
    }
    digest = hashlib.sha256(json.dumps(head, sort_keys=True, default=str).encode())
    for path in inputs:
        digest.update(f"\n{path.name}:{file_digest(path)}".encode())
    return digest.hexdigest()


def load(key: str) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The cached arrays and metadata of ``key``, or ``None`` (missing or unreadable)."""
    entry = cache_dir() / key
    if not (entry / ARRAYS).is_file() or not (entry / META).is_file():
        return None
    try:
        with np.load(entry / ARRAYS, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        meta = json.loads((entry / META).read_text())
    except (OSError, ValueError) as exc:
        log.warning("city cache %s is unreadable (%s); building afresh", entry, exc)
        return None
    return arrays, meta


def save(key: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Path | None:
    """Store a built city under ``key``; a failure to write is logged, never raised."""
    root = cache_dir()
    final = root / key
    if final.exists():
        return final
    tmp: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".tmp-"))
        np.savez(tmp / ARRAYS, **arrays)
        (tmp / META).write_text(json.dumps(meta, indent=1, sort_keys=True))
        os.replace(tmp, final)
    except OSError as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if final.exists():  # another process stored the same city first
            return final
        log.warning("city cache: could not write %s (%s); the next run builds again", final, exc)
        return None
    return final
