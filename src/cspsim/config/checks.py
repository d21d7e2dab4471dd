"""Range checks for model parameters: a bad value fails early, naming the field.

Ranges follow from each parameter's unit (see :mod:`cspsim.config.params`): every parameter
is a non-negative quantity unless listed in ``SIGNED``; shares, probabilities and 0-1 levels
must also be at most 1; a few must be strictly positive because the model divides by them.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

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


def _leaves(obj: Any, path: str):
    for f in fields(obj):
        value = getattr(obj, f.name)
        name = f"{path}.{f.name}"
        if is_dataclass(value):
            yield from _leaves(value, name)
        else:
            yield name, value, f.metadata.get("unit", "")


def check_params(params: ModelParams) -> None:
    """Raise :class:`ConfigError` for the first parameter outside its allowed range."""
    for name, value, unit in _leaves(params, "params"):
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
