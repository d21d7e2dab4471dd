"""Where the package finds its configs and data."""

from __future__ import annotations

import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Hydra configs (``configs/`` at the repository root, linked into the package as ``conf``).
CONFIG_DIR = (PACKAGE_DIR / "conf").resolve()
#: Shipped city data.
CITY_DATA_DIR = PACKAGE_DIR / "data" / "cities"


def strategy_names() -> list[str]:
    """Names of the shipped strategies (``configs/strategy/*.yaml``), baseline first."""
    names = sorted(p.stem for p in (CONFIG_DIR / "strategy").glob("*.yaml"))
    return ["reactive"] + [n for n in names if n != "reactive"]


#: Longest path component made by :func:`safe_component` (most file systems allow 255 bytes).
MAX_COMPONENT = 100
#: Characters never kept in a path component: separators, quotes, ``$`` and backquote (they
#: would break Hydra override quoting or a shell); non-printable ones are dropped too.
_UNSAFE_CHARS = frozenset("/\\'\"$`")


def safe_component(name: object, max_len: int = MAX_COMPONENT) -> str:
    """A name from a config (strategy, arm, overrides) made one safe path component.

    Path separators, ``..``, control, quote and shell characters become ``_``; a leading
    dot is dropped (no hidden or parent directories); the result is at most ``max_len``
    bytes (UTF-8). A name that had to change gets a short hash of the original appended, so
    two different names never map to the same component (``a/b`` and ``a_b`` stay apart).

    Args:
        name: The name (converted with ``str``).
        max_len: Longest result in bytes (at least 16).

    Returns:
        A non-empty string without a path separator, control characters, ``..`` or a
        leading dot.
    """
    text = str(name)
    kept = "".join("_" if c in _UNSAFE_CHARS or not c.isprintable() else c for c in text)
    safe = kept.replace("..", "__").lstrip(".") or "_"
    if safe == text and len(safe.encode("utf-8", "replace")) <= max_len:
        return safe
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    head = safe.encode("utf-8", "replace")[: max(max_len, 16) - 9]
    return f"{head.decode('utf-8', 'ignore')}-{digest}"


#: Longest run directory name a Hydra override dirname may give (most file systems' limit).
MAX_DIRNAME = 255


def safe_dirname(name: object) -> str:
    """Hydra's ``hydra.job.override_dirname`` made one safe path component.

    Like :func:`safe_component` with the file system's limit (:data:`MAX_DIRNAME` bytes), so
    every name that worked before stays as it is; an empty name (no overrides) stays empty:
    the run is the sweep directory itself, as in Hydra.
    """
    text = str(name)
    return safe_component(text, MAX_DIRNAME) if text else ""


def register_resolvers() -> None:
    """Register cspsim's OmegaConf resolvers (once; safe to call again).

    ``${safe:...}`` (:func:`safe_component`) and ``${safe_dirname:...}`` (:func:`safe_dirname`)
    keep names from configs out of parent directories in ``hydra.run.dir`` and
    ``hydra.sweep.subdir`` (``configs/config.yaml``). Called when :mod:`cspsim` is imported,
    so every process that composes or resolves cspsim's Hydra config (the command, sweep
    workers that unpickle a cspsim task, the launchers in ``hydra_plugins``) has them.
    """
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("safe"):
        OmegaConf.register_new_resolver("safe", lambda name: safe_component(name))
    if not OmegaConf.has_resolver("safe_dirname"):
        OmegaConf.register_new_resolver("safe_dirname", safe_dirname)
