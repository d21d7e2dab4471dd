"""The command line's overrides, checked before Hydra composes them.

Hydra reports a misspelt or wrong-type override in its own terms, often with a traceback:
``strategy=true`` (YAML reads it as a boolean) ended in ``ValueError: Config group override
must be a string or a list. Got bool``; ``sim.dayz=10`` advised ``+sim.dayz=10`` (which
the schema then refuses); ``strategy=hotspto`` printed Hydra's search path. In a sweep such
a value (``strategy=reactive,true``) started the other runs and failed one. Each is found
here first, before anything runs, with the setting named, what it accepts and the closest
names (exit status 2, :mod:`cspsim.cli.run`).

Checked: the names of config groups' options (``city``, ``strategy``, ``sim``, ``params``,
``experiment``) and of settings (``sim.days``, ``strategy.patrol.mode``), and each value's
type against the schema, every value of a sweep's list included; and that no ``hydra.*``
setting is swept (Hydra refuses it, exit 1). Left to Hydra: the values of ``hydra.*``
settings, additions (``+key=``), deletions (``~key``), and range sweeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ChoiceSweep, Override
from hydra.errors import HydraException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from cspsim.model import run_schema
from cspsim.model.schema import closest_names, describe_type, schema_type
from cspsim.paths import CONFIG_DIR


def problems(overrides: list[str], config_dir: str | None = None) -> list[str]:
    """What is wrong with ``overrides`` (a message per bad override; empty: none found).

    Args:
        overrides: The command line's overrides (``key=value``, Hydra's grammar).
        config_dir: The user's ``--config-dir`` (its group options count too).
    """
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException:  # Hydra's parser reports its own grammar errors well
        return []
    dirs = [CONFIG_DIR, *([Path(config_dir)] if config_dir else [])]
    searchpath = any(o.key_or_group == "hydra.searchpath" for o in parsed)
    groups = _groups(dirs)
    schema = _SchemaNode()
    out: list[str] = []
    for override in parsed:
        key = override.key_or_group
        if key.split(".")[0] == "hydra" and override.is_sweep_override():
            text = (override.input_line or "").partition("=")[2]
            out.append(
                f"{key}={text}: Hydra's own settings cannot be swept; to give the setting "
                f"this text (a sweeper's parameter), quote it: \"{key}='{text}'\""
            )
            continue
        if key.split(".")[0] == "hydra" or key.startswith("hydra/") or override.package:
            continue
        if override.is_add() or override.is_force_add() or override.is_delete():
            continue
        values = _values(override)
        if values is None:
            continue
        if key in groups:
            options = None if searchpath else groups[key]
            out += [m for v in values if (m := _group_problem(key, v, options))]
        else:
            message = _setting_problem(key, values, schema)
            if message:
                out.append(message)
    return out


def _values(override: Override) -> list[Any] | None:
    """The override's values (each choice of a list sweep), or None when not checked here."""
    if not override.is_sweep_override():
        return [override.value()]
    sweep = override.value()
    if isinstance(sweep, ChoiceSweep):
        return list(sweep.list)
    return None  # range and interval sweeps: numbers Hydra makes


def _groups(dirs: list[Path]) -> dict[str, list[str]]:
    """Config groups (directories of YAML files) and their options, over ``dirs``."""
    out: dict[str, set[str]] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for sub in root.iterdir():
            names = {p.stem for p in sub.glob("*.yaml")} if sub.is_dir() else set()
            if names and sub.name != "hydra":
                out.setdefault(sub.name, set()).update(names)
    return {group: sorted(names) for group, names in out.items()}


def _group_problem(group: str, value: Any, options: list[str] | None) -> str | None:
    """A group's option must be a name (text) of one of its configs."""
    if value is None:
        return None  # ``experiment=null``: no option, as in the defaults
    if not isinstance(value, str):
        shown = _shown(value)
        read_as = "true/false" if isinstance(value, bool) else "a number"
        return (
            f"{group}={shown}: expected the name of a {group} config{_among(options)}; "
            f"{shown} is read as {read_as}: quote a name like it, \"{group}='{shown}'\""
        )
    if options is not None and value not in options:
        close = closest_names(value, options)
        return f"{group}={value}: no such {group} config{close}{_among(options)}"
    return None


def _setting_problem(key: str, values: list[Any], schema: _SchemaNode) -> str | None:
    """A setting must be in the schema, and each value of its type."""
    found, message = schema_type(key)
    if message or found is None:
        return message
    for value in values:
        if not schema.converts(key, value):
            return f"{key}={_shown(value)}: expected {describe_type(found)}"
    return None


class _SchemaNode:
    """The schema as an OmegaConf node, made when first needed, for one command line.

    OmegaConf's own rules decide whether a value converts into a setting's node; the
    node takes each tried value, so it serves one check and is not kept.
    """

    def __init__(self) -> None:
        self._node: Any = None

    def converts(self, key: str, value: Any) -> bool:
        """Whether OmegaConf takes ``value`` into the node at ``key``."""
        if isinstance(value, str) and "${" in value:
            return True  # an interpolation, resolved later
        if self._node is None:
            self._node = OmegaConf.structured(run_schema())
        try:
            OmegaConf.update(self._node, key, value, merge=True)
        except OmegaConfBaseException:
            return False
        return True


def _shown(value: Any) -> str:
    """A value as it was typed (``true``, ``[a,b]``), not as Python prints it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ",".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{_shown(v)}" for k, v in value.items()) + "}"
    return "null" if value is None else str(value)


def _among(options: list[str] | None) -> str:
    return f" (one of: {', '.join(options)})" if options else ""
