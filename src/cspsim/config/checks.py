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
5. **Ceilings** for every number without a declared upper bound (:func:`ceiling`), from
   its unit (multipliers and ratios at most 100, counts per month at most 100, US dollars
   at most 10^9, log-scale coefficients at most 20, days at most 100 years, rates per
   1,000 residents at most one per resident, ...) or, for unitless city settings, its
   path; anything else at most :data:`CEILING`. Run length, residents and ties have no
   tighter ceiling: what a machine can hold is the resource check's
   (:mod:`cspsim.output.resources`, ``sim.allow_large``).

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
from collections.abc import Callable, Iterator
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
    # Found by running every parameter at 0 and 1 (each crashed or divided by zero):
    "params.contacts.at_risk_stop_ratio",  # the stop sampler divides by the largest weight
    "params.residents.trust_concentration",  # a Beta's concentration
    "params.legitimacy.recent_half_life_days",
    "params.legitimacy.good_learning_half_life_days",
    "params.legitimacy.cynicism_half_life_days",
    "params.legitimacy.response_expected_minutes",
    "params.partners.strength_half_life_days",
    "params.voice.victim_memory_half_life_days",
    "params.costs.youth_jobs_place_day",  # places bought = spending / unit cost
    "params.costs.job_training_place_day",
    "params.costs.mental_health_hour",
}
#: Strictly positive but, for a share, allowed to reach 1: with no at-risk resident the
#: offenders of the places' residents could not be drawn (everyone at risk is fine).
POSITIVE = {"params.crime.at_risk_share"}
#: The near-repeat process is explosive at a branching ratio of 1 or more; the model divides
#: by one minus the share of bad experience that is permanent.
BELOW_ONE = {"params.crime.near_repeat_branching", "params.legitimacy.permanent_share_bad"}
#: Metadata keys that declare a valid range.
BOUND_KEYS = ("low", "high", "low_open", "high_open", "choices")
#: Metadata keys that declare an upper bound (a leaf with none gets a :func:`ceiling`).
UPPER_KEYS = ("high", "high_open", "choices")
#: Longest span in days of anything but the run itself (100 years).
MAX_DAYS = 36525
#: Highest value of a number with no declared bound and no ceiling from its unit or path:
#: beyond any city or run (a typo or an overflow, not a scenario).
CEILING = 1e9
#: Ceilings of leaves whose unit does not say (city settings without a unit, the seed).
PATH_CEILINGS: dict[str, tuple[float, str]] = {
    "seed": (2**63 - 1, "tables store it as a 64-bit integer"),
    "city.residents": (1e10, "more than the world's population"),
    "city.base_crime_per_1000": (1000.0, "offences per 1,000 residents a year: one each"),
    "city.crime_period_days": (MAX_DAYS, "100 years"),
    "city.places": (1e6, "a million places"),
}
#: Leaves kept to :data:`CEILING` although their unit has a ceiling: their cost is what the
#: machine can hold, checked by the resource estimate (``sim.allow_large`` lifts it).
RESOURCE_LEAVES = {"sim.days", "sim.burn_in_days"}


def _level(unit: str) -> bool:
    """A unit of a 0-1 level or of a change of one (``trust lost per ... (share of ...)``)."""
    return "(0-1)" in unit or "share of" in unit or unit.startswith(("trust", "fear", "engagement"))


#: Ceilings from a unit, first match wins: ``(test on the unit, ceiling, why)``.
UNIT_CEILINGS: tuple[tuple[Callable[[str], bool], float, str], ...] = (
    (lambda u: u.startswith("USD"), 1e9, "at most a billion dollars"),
    (lambda u: "log" in u, 20.0, "log scale: a factor of e^20 (5 x 10^8)"),
    (lambda u: "per month" in u, 100.0, "over three a day"),
    (lambda u: "hours per officer per year" in u, 8760.0, "the hours of a year"),
    (lambda u: "officer-hours per place per day" in u, 240.0, "ten officers all day"),
    (lambda u: "per 1,000 residents" in u, 1000.0, "one per resident"),
    (lambda u: "per 10,000 residents" in u, 10000.0, "one per resident"),
    (lambda u: u.startswith("1/day"), 1.0, "a rate per day: gone (or closed) within a day"),
    (lambda u: "ratio" in u or "relative" in u, 100.0, "a multiplier of at most 100"),
    (lambda u: u.startswith("weight"), 100.0, "a weight of at most 100"),
    (_level, 1.0, "a change of a 0-1 level (trust, fear, engagement, a share)"),
    (lambda u: u.startswith("day") or "days" in u, MAX_DAYS, "100 years"),
    (lambda u: u.startswith("places"), 1e6, "a million places"),
)


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
    bounds, why = _bounds(path, f)
    if not bounds:
        return
    declared = any(k in f.metadata for k in BOUND_KEYS) or not path.startswith("params.")
    for v in value if isinstance(value, (list, tuple)) else [value]:
        if not _within(v, bounds):
            if "choices" in bounds:
                raise ConfigError(f"{path}: expected one of {list(bounds['choices'])}, got {v!r}")
            unit = f.metadata.get("unit", "")
            above = why if why and v > bounds["high"] else ""  # why the ceiling is there
            note = ": ".join(t for t in (unit, above) if t)
            if declared:  # declared bounds name the unit only with a ceiling's reason
                note = f" ({note})" if above else ""
                raise ConfigError(f"{path}: expected {_number_range(bounds)}{note}, got {value}")
            allowed = _number_range(bounds, interval=False)
            raise ConfigError(f"{path}: expected {allowed} ({note}), got {value}")


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
        return f"a number in [{_num(low)}, {_num(high)}]"
    parts = []
    if low is not None:
        parts.append(f">= {_num(low)}")
    if low_open is not None:
        parts.append(f"> {_num(low_open)}")
    if high is not None:
        parts.append(f"<= {_num(high)}")
    if high_open is not None:
        parts.append(f"< {_num(high_open)}")
    return "a number " + " and ".join(parts) if parts else "a number"


def _num(v: float) -> str:
    """A bound as text: whole numbers exactly (``9223372036854775807``), else ``%g``."""
    if float(v).is_integer() and abs(v) < 2**63:
        return str(int(v))
    return f"{v:g}"


# ----- model parameters -------------------------------------------------------------------
def _default_of(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def unit_bounds(name: str, unit: str) -> dict[str, Any]:
    """The valid range of a parameter without declared bounds, from its unit.

    Non-negative unless in :data:`SIGNED`; strictly positive if in :data:`STRICT` or
    :data:`POSITIVE`; at most 1 for shares, probabilities and 0-1 levels (below 1 if in
    :data:`STRICT` or :data:`BELOW_ONE`).
    """
    if name in SIGNED:
        return {"low": -20.0, "high": 20.0}  # log ratios: a factor of e^20 either way
    at_most_one = unit.startswith(_UNIT_PREFIXES_AT_MOST_ONE) or name in BELOW_ONE
    out: dict[str, Any] = {"low_open": 0} if name in STRICT | POSITIVE else {"low": 0}
    if at_most_one:
        out["high_open" if name in STRICT | BELOW_ONE else "high"] = 1
    return out


def ceiling(path: str, unit: str) -> tuple[float, str]:
    """The highest value of a number without a declared upper bound, and why.

    :data:`PATH_CEILINGS` first (unitless city settings, the seed), then the first of
    :data:`UNIT_CEILINGS` that matches the unit (except for :data:`RESOURCE_LEAVES`), else
    :data:`CEILING`.
    """
    if path in PATH_CEILINGS:
        return PATH_CEILINGS[path]
    if path not in RESOURCE_LEAVES:
        for matches, high, why in UNIT_CEILINGS:
            if matches(unit):
                return high, why
    return CEILING, "beyond any city or run"


def _is_numeric_default(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_is_number(v) for v in value)
    return _is_number(value)


def bounds_of(path: str, f: dataclasses.Field) -> dict[str, Any]:
    """The range a leaf is checked against.

    Its declared bounds, else (parameters) its unit's (:func:`unit_bounds`); a number (or
    list of numbers) without an upper bound among them gets its :func:`ceiling`.
    """
    return _bounds(path, f)[0]


def _bounds(path: str, f: dataclasses.Field) -> tuple[dict[str, Any], str | None]:
    """:func:`bounds_of` and, when the upper bound is a :func:`ceiling`, why."""
    bounds = {k: f.metadata[k] for k in BOUND_KEYS if k in f.metadata}
    if not bounds and path.startswith("params."):
        bounds = unit_bounds(path, f.metadata.get("unit", ""))
    if _is_numeric_default(_default_of(f)) and not any(k in bounds for k in UPPER_KEYS):
        bounds["high"], why = ceiling(path, f.metadata.get("unit", ""))
        return bounds, why
    return bounds, None


def check_param(name: str, f: dataclasses.Field, value: Any, hint: Any) -> None:
    """One model parameter: length, type, finite, declared bounds or its unit's, ceiling.

    Raises:
        ConfigError: Naming the parameter, its unit, what is allowed and the value.
    """
    unit = f.metadata.get("unit", "")
    default = _default_of(f)
    if (
        isinstance(default, (list, tuple))
        and isinstance(value, (list, tuple))
        and len(value) != len(default)
    ):
        raise ConfigError(
            f"{name}: expected {len(default)} values ({unit}), got {len(value)}: {value}"
        )
    check_leaf(name, f, value, hint)  # type, finite, bounds (declared, unit's, ceiling)


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
