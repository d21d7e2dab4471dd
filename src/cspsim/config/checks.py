"""The range checker: every leaf of a run config is checked before anything is built.

One walk over the config tree (:func:`check_config`) checks each leaf, in this order:

1. **Type**: the field's annotation (an ``int`` field holds a whole number, not ``True``;
   a ``float`` a number; a ``list[float]`` a list of numbers, ...).
2. **Finite**: NaN and infinity are refused everywhere, list and mapping items included.
3. **Declared bounds**: ``low``, ``high`` (inclusive), ``low_open``, ``high_open``
   (exclusive) or ``choices`` in the field's metadata (:func:`cspsim.config.declare.setting`
   and :func:`~cspsim.config.declare.p`).
4. **Unit rules** for model parameters without declared bounds (:func:`check_params`):
   every parameter is a non-negative quantity unless listed in ``SIGNED``; shares,
   probabilities and 0-1 levels must also be at most 1; a few must be strictly positive
   because the model divides by them. A per-type list keeps the length of its default
   (one value per crime type).

A failure raises :class:`~cspsim.errors.ConfigError` naming the dotted path, what is
allowed and the value found. The model checks ``sim``, ``params`` and the components again
when it is built (:func:`check_params`, :func:`check_settings`), so a config made in Python
without :func:`check_config` is still refused.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
import types
import typing
from collections.abc import Iterator
from typing import Any

from cspsim.errors import ConfigError

#: Units that denote a share, probability or 0-1 level (upper bound 1).
_UNIT_PREFIXES_AT_MOST_ONE = (
    "share",
    "probability",
    "0-1",
    "per recorded offence",
    "max propensity reduction",
    "low-level incident reduction",
    "response rate",
)
#: Log ratios that may be negative.
SIGNED = {"params.contacts.group_stop_bias"}
#: Parameters the model divides by, or whose logit it takes: strictly inside their range.
STRICT = {
    "params.crime.presence_half_saturation",
    "params.police.shift_hours",
    "params.contacts.asymmetry",
    "params.programs.duration_days",
    "params.programs.ramp_days",
    "params.programs.fade_half_life_days",
    "params.costs.officer_hour",
    "params.reporting.base_probability",
    "params.survey.response_base",
}
#: The near-repeat process is explosive at a branching ratio of 1 or more.
BELOW_ONE = {"params.crime.near_repeat_branching"}
#: Metadata keys that declare a valid range.
BOUND_KEYS = ("low", "high", "low_open", "high_open", "choices")


# ----- the walk ---------------------------------------------------------------------------
def walk(obj: Any, prefix: str) -> Iterator[tuple[str, dataclasses.Field, Any, Any]]:
    """``(dotted path, field, value, type hint)`` of every non-dataclass leaf of a tree."""
    hints = _hints(type(obj))
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            yield from walk(value, path)
        else:
            yield path, f, value, hints.get(f.name, Any)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # an unresolvable annotation: the type check is skipped for it
        return {}


# ----- types ------------------------------------------------------------------------------
def _is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def type_error(value: Any, hint: Any) -> str | None:
    """What ``value`` should be when it does not match the annotation ``hint``, else None."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return None
    if origin in (typing.Union, types.UnionType):
        errors = [type_error(value, a) for a in args]
        return None if any(e is None for e in errors) else " or ".join(e for e in errors if e)
    if hint is type(None):
        return None if value is None else "null"
    if hint is bool:
        return None if isinstance(value, bool) else "true or false"
    if hint is int:
        return None if _is_int(value) else "a whole number"
    if hint is float:
        return None if _is_number(value) else "a number"
    if hint is str:
        return None if isinstance(value, str) else "a string"
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return "a list"
        inner = args[0] if args else Any
        bad = [type_error(v, inner) for v in value]
        return next((f"a list of {e}s" for e in bad if e), None)
    if origin is dict:
        if not isinstance(value, dict):
            return "a mapping"
        key_t, val_t = args if len(args) == 2 else (Any, Any)
        for k, v in value.items():
            err = type_error(k, key_t) or type_error(v, val_t)
            if err:
                return f"a mapping of {key_t.__name__} to {_type_name(val_t)}"
        return None
    return None


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


# ----- finite numbers ---------------------------------------------------------------------
def _numbers(value: Any) -> Iterator[float]:
    """Every number inside a value (lists and mapping values included)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, numbers.Real):
        yield float(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)


def check_leaf(path: str, f: dataclasses.Field, value: Any, hint: Any) -> None:
    """Type, finiteness and declared bounds of one leaf.

    Raises:
        ConfigError: Naming ``path``, what is allowed and the value.
    """
    wanted = type_error(value, hint)
    if wanted:
        raise ConfigError(f"{path}: expected {wanted}, got {value!r} ({type(value).__name__})")
    if any(not math.isfinite(v) for v in _numbers(value)):
        raise ConfigError(f"{path}: expected finite numbers (no NaN or infinity), got {value}")
    meta = dict(f.metadata)
    if not any(k in meta for k in BOUND_KEYS):
        return
    for v in value if isinstance(value, (list, tuple)) else [value]:
        if not _within(v, meta):
            if "choices" in meta:
                raise ConfigError(f"{path}: expected one of {list(meta['choices'])}, got {v!r}")
            raise ConfigError(f"{path}: expected {_number_range(meta)}, got {value}")


def _within(value: Any, meta: dict[str, Any]) -> bool:
    if "choices" in meta:
        return value in meta["choices"]
    if not _is_number(value):
        return True  # strings and flags are checked by their owner
    v = float(value)
    checks = (
        ("low", lambda b: v >= b),
        ("high", lambda b: v <= b),
        ("low_open", lambda b: v > b),
        ("high_open", lambda b: v < b),
    )
    return all(meta.get(k) is None or ok(meta[k]) for k, ok in checks)


def _number_range(meta: dict[str, Any], interval: bool = True) -> str:
    low, high = meta.get("low"), meta.get("high")
    low_open, high_open = meta.get("low_open"), meta.get("high_open")
    if interval and low is not None and high is not None:
        return f"a number in [{low:g}, {high:g}]"
    parts = []
    if low is not None:
        parts.append(f">= {low:g}")
    if low_open is not None:
        parts.append(f"> {low_open:g}")
    if high is not None:
        parts.append(f"<= {high:g}")
    if high_open is not None:
        parts.append(f"< {high_open:g}")
    return "a number " + " and ".join(parts) if parts else "a number"


# ----- model parameters -------------------------------------------------------------------
def _default_of(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def unit_bounds(name: str, unit: str) -> dict[str, Any]:
    """The valid range of a parameter without declared bounds, from its unit.

    Non-negative unless in :data:`SIGNED`; strictly positive if in :data:`STRICT`; at most
    1 for shares, probabilities and 0-1 levels (below 1 if also strict, or in
    :data:`BELOW_ONE`).
    """
    if name in SIGNED:
        return {}
    at_most_one = unit.startswith(_UNIT_PREFIXES_AT_MOST_ONE) or name in BELOW_ONE
    out: dict[str, Any] = {"low_open": 0} if name in STRICT else {"low": 0}
    if at_most_one:
        out["high_open" if name in STRICT | BELOW_ONE else "high"] = 1
    return out


def bounds_of(path: str, f: dataclasses.Field) -> dict[str, Any]:
    """The range a leaf is checked against: its declared bounds, else (parameters) its unit's."""
    declared = {k: f.metadata[k] for k in BOUND_KEYS if k in f.metadata}
    if declared or not path.startswith("params."):
        return declared
    return unit_bounds(path, f.metadata.get("unit", ""))


def check_param(name: str, f: dataclasses.Field, value: Any, hint: Any) -> None:
    """One model parameter: type, finite, declared bounds or else its unit's rule, length.

    Raises:
        ConfigError: Naming the parameter, its unit, what is allowed and the value.
    """
    check_leaf(name, f, value, hint)
    unit = f.metadata.get("unit", "")
    default = _default_of(f)
    if isinstance(default, (list, tuple)) and len(value) != len(default):
        raise ConfigError(
            f"{name}: expected {len(default)} values ({unit}), got {len(value)}: {value}"
        )
    if any(k in f.metadata for k in BOUND_KEYS):
        return  # declared bounds were checked by check_leaf
    bounds = unit_bounds(name, unit)
    values = value if isinstance(value, (list, tuple)) else [value]
    if not all(_within(v, bounds) for v in values):
        allowed = _number_range(bounds, interval=False)
        raise ConfigError(f"{name}: expected {allowed} ({unit}), got {value}")


def check_params(params: Any, prefix: str = "params") -> None:
    """Raise :class:`ConfigError` for the first parameter outside its allowed range."""
    for name, f, value, hint in walk(params, prefix):
        check_param(name, f, value, hint)


def check_settings(obj: Any, prefix: str) -> None:
    """Raise :class:`ConfigError` for the first setting outside its declared range.

    Args:
        obj: A settings dataclass (``sim``, ``city``, a component's or modifier's settings).
        prefix: Its dotted path, e.g. ``strategy.patrol`` (named in the message).
    """
    for path, f, value, hint in walk(obj, prefix):
        check_leaf(path, f, value, hint)


def check_name(path: str, value: Any) -> None:
    """A name that labels runs (``strategy.name``): a non-empty string of printable text.

    Raises:
        ConfigError: An empty name, or one with control characters.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{path}: expected a non-empty name, got {value!r}")
    if not value.isprintable():
        raise ConfigError(f"{path}: expected printable text, got {value!r}")


def check_config(cfg: Any) -> None:
    """Check every leaf of a run config (:class:`cspsim.config.RunConfig` or the schema).

    ``params`` follow :func:`check_params`; everything else (``seed``, ``city``,
    ``strategy``, ``sim``, ``modifiers``) :func:`check_leaf`; ``strategy.name`` must be a
    non-empty name. Cross-field rules (budget shares, a city's files) are their owners'.

    Raises:
        ConfigError: Naming the first bad leaf.
    """
    for path, f, value, hint in walk(cfg, ""):
        if path.startswith("params."):
            check_param(path, f, value, hint)
        else:
            check_leaf(path, f, value, hint)
    check_name("strategy.name", cfg.strategy.name)
