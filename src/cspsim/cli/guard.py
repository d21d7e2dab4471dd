"""User configs are data, not code: what a config file from outside the package may hold.

Hydra lets a config file do much more than set values: a ``# @package _global_`` header
lets a strategy file write anywhere, including ``hydra.callbacks.<x>._target_``, which
Hydra instantiates (any importable callable, with arguments from the file) before the run
starts; a ``defaults`` list can switch Hydra's launcher, sweeper or callbacks. Files shared
between users (``--config-dir``, ``hydra.searchpath``, ``--config-path``) must not.

Every config file Hydra loads passes through :func:`check_loaded` (installed on Hydra's
config repository by :func:`install`, so no route around it composes a config):

* **shipped** files (this package's ``configs/``, Hydra's own, structured configs
  registered by code) may do anything;
* every other file is a **user** file, and is refused (:class:`UserConfigRefused`, a
  :class:`~cspsim.errors.UnsafeConfigError`) when it is the primary config, belongs to a
  ``hydra/`` group, has a package header other than its own group (``_global_``, ...),
  sets a ``hydra`` key, an instantiation key (``_target_``, ``_args_``, ``_partial_``,
  ``_recursive_``, ``_convert_``) at any depth, a resolver interpolation (``${oc.env:..}``:
  a user file may only refer to other values, ``${a.b}``), or a ``defaults`` entry that
  overrides, reaches outside its group (``/group``) or places a config elsewhere (``@``);
* a **strategy** file, shipped or not, must set a ``name`` (an empty strategy file would
  run, mislabelled, as the baseline).

User files that passed are recorded (:func:`user_files`): ``run.json`` hashes them, so a
run is redone when its strategy file changed.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from hydra.errors import CompactHydraException
from omegaconf import DictConfig, ListConfig

from cspsim.errors import UnsafeConfigError
from cspsim.paths import CONFIG_DIR

#: Keys Hydra's ``instantiate`` acts on: never in a user file.
INSTANTIATE_KEYS = frozenset({"_target_", "_args_", "_partial_", "_recursive_", "_convert_"})
#: Config sources whose files are shipped (the package's configs, Hydra's, code).
_SHIPPED_PREFIXES = ("pkg://hydra.conf", "pkg://hydra_plugins", "structured://")
#: The primary config's name.
PRIMARY = "config"
#: A resolver call inside an interpolation: ``${name:...}``.
_RESOLVER = re.compile(r"\$\{\s*[\w.]+\s*:")

_STATE: dict[str, Any] = {"user_files": {}}


class UserConfigRefused(UnsafeConfigError, CompactHydraException):
    """A config file from outside the package tries to do more than set values."""


def is_shipped(source_path: str) -> bool:
    """Whether a config source (``file:///...``, ``pkg://...``) is shipped with the package."""
    if source_path.startswith(_SHIPPED_PREFIXES):
        return True
    if source_path.startswith("file://"):
        try:
            return Path(source_path[len("file://") :]).resolve() == CONFIG_DIR
        except OSError:
            return False
    return False


def _file_of(source_path: str, config_path: str) -> Path | None:
    if not source_path.startswith("file://"):
        return None
    return (Path(source_path[len("file://") :]) / f"{config_path}.yaml").resolve()


def _keys(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``(dotted key, value)`` of every entry of a config, nested ones included."""
    out: list[tuple[str, Any]] = []
    if isinstance(node, DictConfig):
        for key in node.keys():
            path = f"{prefix}.{key}" if prefix else str(key)
            value = node._get_node(key)
            out.append((path, value))
            out.extend(_keys(value, path))
    elif isinstance(node, ListConfig):
        for i in range(len(node)):
            value = node._get_node(i)
            out.extend(_keys(value, f"{prefix}[{i}]"))
    return out


def _raw(value: Any) -> Any:
    """A node's value without resolving interpolations."""
    try:
        return value._value() if hasattr(value, "_value") else value
    except Exception:  # a node that cannot be read raw is not a string
        return None


def _defaults_problem(entry: Any) -> str | None:
    text = str(entry)
    if getattr(entry, "override", False):
        return f"overrides a defaults entry ({text})"
    if getattr(entry, "package", None):
        return f"places a config in another package ({text})"
    path = getattr(entry, "group", None) or getattr(entry, "path", None) or ""
    if str(path).startswith("/") or str(path).startswith("hydra"):
        return f"reaches outside its group ({text})"
    return None


def user_file_problem(
    config_path: str, header: dict[str, Any], config: Any, defaults: Any
) -> str | None:
    """What a user config file must not do, or None when it only sets values.

    Args:
        config_path: The file's path in the search path (``strategy/mine``).
        header: Its header (``{"package": ...}``).
        config: Its content (an OmegaConf node).
        defaults: Its parsed ``defaults`` list.
    """
    group = config_path.rpartition("/")[0]
    if not group:
        return "a primary config must be the package's own (no --config-name/--config-path)"
    if group == "hydra" or group.startswith("hydra/"):
        return "the hydra/ groups (launcher, sweeper, callbacks, ...) are the package's only"
    package = header.get("package")
    if package not in (None, "", "_group_", group.replace("/", ".")):
        return f"its '# @package {package}' header may write outside its group ({group})"
    for key, value in _keys(config):
        last = key.rpartition(".")[2].split("[")[0]
        if key == "hydra" or key.startswith("hydra."):
            return f"it sets '{key}' (Hydra's own settings)"
        if last in INSTANTIATE_KEYS:
            return f"it sets '{key}' (an instruction to run code)"
        raw = _raw(value)
        if isinstance(raw, str) and _RESOLVER.search(raw):
            return f"'{key}' calls a resolver ({raw}); a user file may only refer to values"
    for entry in defaults or []:
        problem = _defaults_problem(entry)
        if problem:
            return f"its defaults list {problem}"
    return None


def strategy_problem(config: Any) -> str | None:
    """A strategy file must be non-empty and name its strategy."""
    if not isinstance(config, DictConfig) or len(config) == 0:
        return "it is empty (a strategy file must set at least its name)"
    name = config.get("name") if "name" in config else None
    if not isinstance(name, str) or not name.strip():
        return "it sets no 'name' (reports would label it as another strategy)"
    return None


def check_loaded(config_path: str, result: Any) -> None:
    """Refuse a loaded config file that is not allowed to do what it does.

    Args:
        config_path: Its path in the search path (``strategy/mine``).
        result: Hydra's ``ConfigResult`` (provider, source path, header, content).

    Raises:
        UserConfigRefused: Naming the file, its source and what it may not do.
    """
    if config_path == PRIMARY:
        _STATE["user_files"] = {}  # a new composition starts with the primary config
    shipped = is_shipped(result.path)
    problem = None
    if not shipped:
        problem = user_file_problem(config_path, result.header, result.config, result.defaults_list)
    if problem is None and config_path.startswith("strategy/"):
        problem = strategy_problem(result.config)
    where = _file_of(result.path, config_path) or f"{result.path}/{config_path}"
    if problem:
        kind = "config file" if shipped else "user config file"
        raise UserConfigRefused(
            f"{kind} {where} refused: {problem}. Config files from outside the package are "
            "data: they may set values of their own group only"
        )
    if not shipped and isinstance(where, Path):
        _STATE["user_files"][f"config:{config_path}.yaml"] = where


def user_files() -> dict[str, Path]:
    """User config files of the latest composition, by role (``config:strategy/mine.yaml``)."""
    return dict(_STATE["user_files"])


@functools.cache
def install() -> None:
    """Put :func:`check_loaded` in front of Hydra's config repository (once per process)."""
    from hydra._internal.config_repository import ConfigRepository

    original = ConfigRepository.load_config

    @functools.wraps(original)
    def load_config(self: Any, config_path: str) -> Any:
        result = original(self, config_path)
        if result is not None:
            check_loaded(config_path, result)
        return result

    ConfigRepository.load_config = load_config  # type: ignore[method-assign]
