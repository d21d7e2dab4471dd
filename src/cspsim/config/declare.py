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


#: How a parameter's value is known (see ``docs/ODD.md``, "Evidence"): a micro-level estimate
#: from a named study (its uncertainty as the range), fitted to baseline calibration targets,
#: or assumed (no source; a plausible range).
KINDS = ("sourced", "fitted", "assumed")


def p(
    default: Any,
    unit: str,
    source: str,
    *,
    kind: str | None = None,
    range: tuple[Any, Any] | None = None,  # noqa: A002 (the parameter's plausible range)
    targets: tuple[str, ...] = (),
    **bounds: Any,
) -> Any:
    """Declare a mechanism parameter with its default, unit and source.

    Args:
        default: Default value.
        unit: Unit or scale (checked ranges follow from it unless ``bounds`` say otherwise).
        source: Where the value comes from (author and year, or the calibration targets, or
            the reasoning behind an assumption).
        kind: ``sourced``, ``fitted`` or ``assumed`` (:data:`KINDS`).
        range: Plausible range ``(low, high)`` of the value (the study's uncertainty for a
            sourced value), drawn from by the uncertainty ensemble. For a list-valued
            parameter, ``(lows, highs)`` with one bound per element (one draw moves every
            element together).
        targets: For a ``fitted`` parameter, the calibration targets it is fitted to (keys of
            :data:`cspsim.analysis.calibration.TARGETS`); facts named here are labelled
            *fitted* by the validation, never *predicted*.
        **bounds: Optional explicit valid range: ``low``, ``high`` (inclusive), ``choices``.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
    meta = {"unit": unit, "source": source, **bounds}
    if kind is not None:
        meta["kind"] = kind
    if (kind == "fitted") != bool(targets):
        raise ValueError("targets: a fitted parameter names its calibration targets (only it)")
    if targets:
        meta["targets"] = tuple(targets)
    if range is not None:
        meta["range"] = tuple(range)
    return _field(default, meta)


def setting(default: Any, unit: str, doc: str, *, source: str = "", **bounds: Any) -> Any:
    """Declare a user setting (strategy component or modifier) with its unit and range.

    Args:
        default: Default value; a component's defaults must switch it off.
        unit: Unit or scale.
        doc: What the setting does, for the docs and error messages.
        source: Where the shipped strategies' value comes from, when a study sets it (the
            validation then knows a fact citing that study echoes it).
        **bounds: ``low``/``high`` (inclusive), ``low_open``/``high_open`` (exclusive) or
            ``choices`` (allowed values).
    """
    meta = {"unit": unit, "doc": doc, **bounds}
    if source:
        meta["source"] = source
    return _field(default, meta)


def leaves(obj: Any, prefix: str) -> Iterator[tuple[str, dataclasses.Field, Any]]:
    """``(dotted path, field, value)`` of every non-dataclass field of a dataclass tree."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value):
            yield from leaves(value, path)
        else:
            yield path, f, value
