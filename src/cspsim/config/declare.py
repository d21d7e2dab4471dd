"""Declaring a configurable value once: its default, unit, meaning or source, and valid range.

Every number a run reads is a dataclass field declared with :func:`p` (a mechanism
parameter, under ``params``) or :func:`setting` (a user's choice: a strategy component's or
modifier's setting, under ``strategy`` or ``modifiers``). The declaration is the single
source for the Hydra schema (the dataclass), the range checks (:mod:`cspsim.config.checks`),
the parameter tables of ``docs/ODD.md`` and the every-parameter-changes-an-output test.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any


def _field(default: Any, metadata: dict[str, Any]) -> Any:
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: default.copy(), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def p(default: Any, unit: str, source: str, **bounds: Any) -> Any:
    """Declare a mechanism parameter with its default, unit and source.

    Args:
        default: Default value.
        unit: Unit or scale (checked ranges follow from it unless ``bounds`` say otherwise).
        source: Where the value comes from (study, calibration, or "assumption").
        **bounds: Optional explicit range: ``low``, ``high`` (inclusive), ``choices``.
    """
    return _field(default, {"unit": unit, "source": source, **bounds})


def setting(default: Any, unit: str, doc: str, **bounds: Any) -> Any:
    """Declare a user setting (strategy component or modifier) with its unit and range.

    Args:
        default: Default value; a component's defaults must switch it off.
        unit: Unit or scale.
        doc: What the setting does, for the docs and error messages.
        **bounds: ``low``/``high`` (inclusive), ``low_open``/``high_open`` (exclusive) or
            ``choices`` (allowed values).
    """
    return _field(default, {"unit": unit, "doc": doc, **bounds})


def leaves(obj: Any, prefix: str) -> Iterator[tuple[str, dataclasses.Field, Any]]:
    """``(dotted path, field, value)`` of every non-dataclass field of a dataclass tree."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value):
            yield from leaves(value, path)
        else:
            yield path, f, value
