"""The full run schema: the config pieces plus every registered component's settings.

:class:`cspsim.config.RunConfig` holds what every run has (seed, city, sim, params, and the
strategy's name and funding). Components declare their own settings, so the schema that
Hydra validates against is assembled here from the registry: ``strategy.<key>`` for each
strategy component and ``modifiers.<key>`` for each modifier. It is rebuilt when a component
registers (e.g. one defined in a notebook or a test).
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

from cspsim.config import Modifiers, RunConfig, StrategyConfig
from cspsim.model.components import components, registry_version

_CACHE: dict[int, type] = {}


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
