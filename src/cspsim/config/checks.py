"""Range checks: a bad value fails early, naming the field and the allowed values.

Model parameters (:func:`check_params`): ranges follow from each parameter's unit (see
:mod:`cspsim.config.params`): every parameter is a non-negative quantity unless listed in
``SIGNED``; shares, probabilities and 0-1 levels must also be at most 1; a few must be
strictly positive because the model divides by them.

Settings of strategy components and modifiers (:func:`check_settings`): each field declares
its range with :func:`cspsim.config.declare.setting` (``low``, ``high``, ``low_open``,
``high_open`` or ``choices``).
"""

from __future__ import annotations

import math
from typing import Any

from cspsim.config.declare import leaves
from cspsim.config.params import ModelParams
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


def check_params(params: ModelParams) -> None:
    """Raise :class:`ConfigError` for the first parameter outside its allowed range."""
    for name, f, value in leaves(params, "params"):
        unit = f.metadata.get("unit", "")
        values = value if isinstance(value, (list, tuple)) else [value]
        at_most_one = unit.startswith(_UNIT_PREFIXES_AT_MOST_ONE) or name in BELOW_ONE
        for v in values:
            v = float(v)
            bad = v != v  # NaN
            if name not in SIGNED:
                bad |= v <= 0 if name in STRICT else v < 0
            if at_most_one:
                bad |= v >= 1 if (name in STRICT or name in BELOW_ONE) else v > 1
            if bad:
                low = "> 0" if name in STRICT else ">= 0"
                high = (
                    " and < 1"
                    if name in STRICT | BELOW_ONE and at_most_one
                    else (" and <= 1" if at_most_one else "")
                )
                allowed = "any number" if name in SIGNED else f"a number {low}{high}"
                raise ConfigError(f"{name}: expected {allowed} ({unit}), got {value}")


def _number_range(meta: dict[str, Any]) -> str:
    low, high = meta.get("low"), meta.get("high")
    low_open, high_open = meta.get("low_open"), meta.get("high_open")
    if low is not None and high is not None:
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


def _setting_ok(value: Any, meta: dict[str, Any]) -> bool:
    if "choices" in meta:
        return value in meta["choices"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True  # strings, lists and flags are checked by their owner
    v = float(value)
    if math.isnan(v):
        return False
    checks = (
        ("low", lambda b: v >= b),
        ("high", lambda b: v <= b),
        ("low_open", lambda b: v > b),
        ("high_open", lambda b: v < b),
    )
    return all(meta.get(k) is None or ok(meta[k]) for k, ok in checks)


def check_settings(obj: Any, prefix: str) -> None:
    """Raise :class:`ConfigError` for the first setting outside its declared range.

    Args:
        obj: A settings dataclass (a component's or modifier's parameters).
        prefix: Its dotted path, e.g. ``strategy.patrol`` (named in the message).
    """
    for path, f, value in leaves(obj, prefix):
        meta = dict(f.metadata)
        if _setting_ok(value, meta):
            continue
        if "choices" in meta:
            raise ConfigError(f"{path}: expected one of {list(meta['choices'])}, got {value!r}")
        raise ConfigError(f"{path}: expected {_number_range(meta)}, got {value}")
