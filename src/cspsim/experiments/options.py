"""Reading a design's options (``hydra.sweeper.options.*``), checked before any run.

A bad option is bad input: a :class:`~cspsim.errors.ConfigError` naming the option and what
it expects, raised when the design starts (the sweeper turns it into exit status 2), not a
``ZeroDivisionError`` or ``KeyError`` after hundreds of runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cspsim.errors import ConfigError

PREFIX = "hydra.sweeper.options"


def _name(key: str, prefix: str = PREFIX) -> str:
    return f"{prefix}.{key}"


def _get(opts: Mapping[str, Any], key: str, default: Any) -> Any:
    """The option's value; the default when it is absent or null."""
    value = opts.get(key)
    return default if value is None else value


def integer(
    opts: Mapping[str, Any],
    key: str,
    default: int,
    minimum: int | None = None,
    prefix: str = PREFIX,
) -> int:
    """An integer option (at least ``minimum`` when given); ``prefix`` names nested ones."""
    value = _get(opts, key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{_name(key, prefix)}: expected an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{_name(key, prefix)}: expected an integer >= {minimum}, got {value}")
    return value


def number(
    opts: Mapping[str, Any],
    key: str,
    default: float,
    low: float | None = None,
    high: float | None = None,
    above_low: bool = False,
    prefix: str = PREFIX,
) -> float:
    """A number option in ``[low, high]`` (``(low, high]`` with ``above_low``)."""
    value = _get(opts, key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{_name(key, prefix)}: expected a number, got {value!r}")
    too_low = low is not None and (value <= low if above_low else value < low)
    if too_low or (high is not None and value > high):
        left = "(" if above_low else "["
        lo_text = "-inf" if low is None else f"{low:g}"
        hi_text = "inf" if high is None else f"{high:g}"
        bounds = f"{left}{lo_text}, {hi_text}]"
        raise ConfigError(f"{_name(key, prefix)}: expected a number in {bounds}, got {value:g}")
    return float(value)


def flag(opts: Mapping[str, Any], key: str, default: bool, prefix: str = PREFIX) -> bool:
    """A true/false option; ``prefix`` names nested ones."""
    value = _get(opts, key, default)
    if isinstance(value, bool):
        return value
    raise ConfigError(f"{_name(key, prefix)}: expected true or false, got {value!r}")


def positive_integers(values: Any, key: str) -> list[int]:
    """A list of integers >= 1 (a single value is a list of one), sorted, without repeats."""
    if isinstance(values, (int, float, str)):
        values = [values]
    try:
        out = sorted({int(v) for v in values})
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{_name(key)}: expected a list of integers, got {values!r}") from exc
    if not out or out[0] < 1:
        raise ConfigError(f"{_name(key)}: expected integers >= 1, got {list(values)}")
    return out


def names(values: Any, key: str, allowed: Iterable[str]) -> list[str]:
    """A non-empty list of names, each one of ``allowed``."""
    allowed = list(allowed)
    if isinstance(values, str):
        values = [values]
    try:
        out = [str(v) for v in values]
    except TypeError as exc:
        raise ConfigError(f"{_name(key)}: expected a list of names, got {values!r}") from exc
    unknown = [v for v in out if v not in allowed]
    if not out or unknown:
        raise ConfigError(f"{_name(key)}: expected names among {allowed}, got {unknown or 'none'}")
    return out
