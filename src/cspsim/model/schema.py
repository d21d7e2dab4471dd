"""The full run schema: the config pieces plus every registered component's settings.

:class:`cspsim.config.RunConfig` holds what every run has (seed, city, sim, params, and the
strategy's name and funding). Components declare their own settings, so the schema that
Hydra validates against is assembled here from the registry: ``strategy.<key>`` for each
strategy component and ``modifiers.<key>`` for each modifier. It is rebuilt when a component
registers (e.g. one defined in a notebook or a test).
"""

from __future__ import annotations

import dataclasses
import difflib
import sys
import typing
from typing import Any

from cspsim.config import Modifiers, RunConfig, StrategyConfig
from cspsim.model.components import components, registry_version

_CACHE: dict[int, type] = {}
#: Closest names offered for a misspelt one.
MAX_SUGGESTIONS = 3
#: A node's settings are listed in the message when there are at most this many.
MAX_LISTED = 25


def _group_schema(name: str, base: type, group: str) -> type:
    fields = [
        (cls.key, cls.Params, dataclasses.field(default_factory=cls.Params))
        for cls in components(group)
    ]
    return _publish(dataclasses.make_dataclass(name, fields, bases=(base,)))


def _publish(cls: type) -> type:
    # A stable module and name, so configs pickle (worker processes rebuild the same class).
    cls.__module__ = __name__
    cls.__qualname__ = cls.__name__
    setattr(sys.modules[__name__], cls.__name__, cls)
    return cls


def run_schema() -> type[RunConfig]:
    """The run config class with every registered component's settings.

    Returns:
        A dataclass subclass of :class:`cspsim.config.RunConfig` (``strategy`` and
        ``modifiers`` have one field per component).
    """
    version = registry_version()
    if version not in _CACHE:
        strategy = _group_schema("StrategySchema", StrategyConfig, "strategy")
        modifiers = _group_schema("ModifiersSchema", Modifiers, "modifiers")
        fields: list[tuple[str, Any, Any]] = [
            ("strategy", strategy, dataclasses.field(default_factory=strategy)),
            ("modifiers", modifiers, dataclasses.field(default_factory=modifiers)),
        ]
        _CACHE.clear()
        _CACHE[version] = _publish(
            dataclasses.make_dataclass("RunSchema", fields, bases=(RunConfig,))
        )
    return _CACHE[version]


def default_config() -> RunConfig:
    """A run config with every default (the reactive baseline on the default city)."""
    return run_schema()()


#: The schema at import (built-in components); :func:`run_schema` tracks later additions.
RunSchema = run_schema()


# ----- what the schema has at a dotted key (for messages about overrides) ------------
def unknown_setting(key: str) -> str | None:
    """``key: no such setting; did you mean ...`` when the schema lacks ``key``, else None."""
    return schema_type(key)[1]


def schema_type(key: str) -> tuple[Any, str | None]:
    """The schema's type at ``key`` (None past a free-form value), or why there is none."""
    schema: Any = run_schema()
    parts = key.split(".")
    for depth, part in enumerate(parts):
        if not (isinstance(schema, type) and dataclasses.is_dataclass(schema)):
            return None, None  # inside a free-form value (a dict or list): OmegaConf checks it
        hints = typing.get_type_hints(schema)
        if part not in hints:
            where = ".".join(parts[:depth])
            names = sorted(hints)
            close = closest_names(part, names, prefix=f"{where}." if where else "")
            listed = (
                f" ({where or 'the config'} has: {', '.join(names)})"
                if len(names) <= MAX_LISTED
                else ""
            )
            return None, f"{key}: no such setting{close}{listed}"
        schema = hints[part]
    return schema, None


def describe_type(tp: Any) -> str:
    """What a schema type accepts, in words."""
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if type(None) in typing.get_args(tp) and len(args) == 1:
        return f"{describe_type(args[0])} or null"
    origin = typing.get_origin(tp)
    if origin is list:
        item = describe_type(args[0]).removeprefix("a ").removeprefix("an ")
        return f"a list of {item}s, e.g. [a,b]"
    if origin is dict:
        return "a mapping, e.g. {a: 1}"
    if dataclasses.is_dataclass(tp):
        return "a group of settings (set them one by one: key.name=value)"
    words = {int: "an integer", float: "a number", bool: "true or false", str: "text"}
    return words.get(tp, str(tp))


def closest_names(name: str, names: list[str], prefix: str = "") -> str:
    """``; did you mean a or b?`` for the names closest to ``name`` ('' when none is)."""
    close = difflib.get_close_matches(name, names, n=MAX_SUGGESTIONS, cutoff=0.6)
    return f"; did you mean {' or '.join(prefix + c for c in close)}?" if close else ""
