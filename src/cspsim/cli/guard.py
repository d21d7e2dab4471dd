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

import yaml
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
#: A plain reference to another value: ``${a.b}``, ``${.a}``, ``${a[0]}``. Any other
#: interpolation (a resolver, ``${oc.env:HOME}``, or one built from another,
#: ``${${x}:HOME}``) may read the environment or run code: not in a user file.
_REFERENCE = re.compile(r"\$\{\s*\.*\w+(?:\.\w+|\[\d+\])*\s*\}")
#: A user file expands to at most this many YAML values, aliases counted where used (a
#: few hundred bytes of nested aliases, "billion laughs", would take hours to load) ...
MAX_VALUES = 100_000
#: ... and nests at most this deep.
MAX_DEPTH = 50
#: YAML tags a user file may use (the plain types; ``!!python/...`` builds objects).
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "seq", "map", "merge", "timestamp")
)

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
        if isinstance(raw, str) and "${" in _REFERENCE.sub("", raw):
            return (
                f"'{key}' holds an interpolation that is not a plain reference ({raw}: a "
                "resolver, or one built from another); a user file may only refer to values, "
                "as ${a.b}"
            )
    for entry in defaults or []:
        problem = _defaults_problem(entry)
        if problem:
            return f"its defaults list {problem}"
    return None


def yaml_problem(path: Path) -> str | None:
    """What makes a user file unsafe or impossible to load as plain YAML, or None.

    Checked before Hydra loads it, so that a file too big once its aliases are expanded,
    too deep, with a Python tag, a repeated key or a YAML error is refused with its name
    rather than hanging or ending in a traceback from Hydra's loader.
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"it is not UTF-8 text ({exc.reason} at byte {exc.start})"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        return f"it nests deeper than {MAX_DEPTH} levels"
    except yaml.YAMLError as exc:
        return "it is not valid YAML: " + " ".join(str(exc).split())
    return None if root is None else _node_problem(root)


def _node_problem(root: yaml.Node) -> str | None:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise _Refused(f"it nests deeper than {MAX_DEPTH} levels (or an alias holds itself)")
        if id(node) in sizes:  # an alias: the same node again
            return sizes[id(node)]
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(f"it uses the YAML tag {node.tag!r} (only plain values are data)")
        n = 1
        if isinstance(node, yaml.SequenceNode):
            n += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
            twice = sorted({k for k in keys if keys.count(k) > 1 and k != "<<"})
            if twice:
                raise _Refused(f"the key '{twice[0]}' appears twice in one mapping")
            n += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        sizes[id(node)] = n
        if n > MAX_VALUES:
            raise _Refused(f"its aliases expand it to more than {MAX_VALUES:,} values")
        return n

    try:
        size(root, 0)
    except _Refused as refused:
        return str(refused)
    return None


class _Refused(Exception):
    """What :func:`_node_problem` found (internal)."""


def _cycle_problem(config_path: str, defaults: Any) -> str | None:
    """A defaults list that includes the file itself, directly or through other files.

    Hydra would recurse until Python gives up (a RecursionError thousands of lines long).
    The files of one composition are loaded one by one: each records what it includes.
    """
    group = config_path.rpartition("/")[0]
    includes = _STATE.setdefault("includes", {})
    includes[config_path] = {
        f"{group}/{entry.path}" for entry in defaults or [] if getattr(entry, "path", None)
    }
    seen, todo = set(), list(includes[config_path])
    while todo:
        other = todo.pop()
        if other == config_path:
            return "its defaults list includes itself (directly or through another file)"
        if other not in seen:
            seen.add(other)
            todo.extend(includes.get(other, ()))
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
        _STATE["includes"] = {}
    shipped = is_shipped(result.path)
    problem = None
    if not shipped:
        problem = user_file_problem(config_path, result.header, result.config, result.defaults_list)
        problem = problem or _cycle_problem(config_path, result.defaults_list)
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


def _location(source: Any) -> str:
    """A config source's location as Hydra writes it (``file:///...``, ``pkg://...``)."""
    return f"{getattr(source, 'scheme', lambda: '')()}://{getattr(source, 'path', '')}"


def check_file(repository: Any, config_path: str) -> None:
    """Refuse a user file whose YAML is not plain data (:func:`yaml_problem`) before loading.

    Args:
        repository: Hydra's config repository (its sources, in search order).
        config_path: The config asked for (``strategy/mine``).
    """
    from hydra.core.object_type import ObjectType

    source = repository._find_object_source(config_path, ObjectType.CONFIG)
    location = _location(source)
    if source is None:
        return
    if is_shipped(location):
        # Hydra searches the package's configs first: a user file of the same name would
        # be passed over without a word, and the run labelled as if it were the user's.
        for other in repository.sources:
            where = _location(other)
            if other is not source and not is_shipped(where) and other.is_config(config_path):
                raise UserConfigRefused(
                    f"user config file {_file_of(where, config_path) or config_path} has the "
                    f"name of a shipped config ({config_path}), which Hydra would use instead; "
                    "rename the file and its 'name'"
                )
        return
    path = _file_of(location, config_path.removesuffix(".yaml"))
    problem = yaml_problem(path) if path is not None and path.is_file() else None
    if problem:
        raise UserConfigRefused(
            f"user config file {path} refused: {problem}. Config files from outside the "
            "package are data: plain YAML values of their own group only"
        )


@functools.cache
def install() -> None:
    """Put :func:`check_loaded` in front of Hydra's config repository (once per process)."""
    from hydra._internal.config_repository import ConfigRepository

    original = ConfigRepository.load_config

    @functools.wraps(original)
    def load_config(self: Any, config_path: str) -> Any:
        check_file(self, config_path)
        result = original(self, config_path)
        if result is not None:
            check_loaded(config_path, result)
        return result

    ConfigRepository.load_config = load_config  # type: ignore[method-assign]
