"""Exceptions raised for bad user input (config values and city data files).

Both derive from :class:`ValueError` so callers that only care about "bad input" can catch
that. Messages are written for the person who made the file or the config: they name the
file, the row (1-based data row, the header not counted), the column and the id, and say
what was expected, e.g.::

    nodes.csv: column 'population' row 3 (id '17'): expected a non-negative number, got 'abc'
"""

from __future__ import annotations


class CityDataError(ValueError):
    """A city data file (nodes, edges, GraphML) is missing, malformed or inconsistent."""


class ConfigError(ValueError):
    """A configuration value is invalid or a required setting is missing."""


class ResourceError(ConfigError):
    """A run needs more memory than the machine has (``sim.allow_large=true`` overrides)."""


class RunDirError(RuntimeError):
    """A run directory cannot be written (busy, or holding another config's run).

    Another writer holds its lock, or it holds a complete run of another config, which is
    never overwritten.
    """


class UnsafeConfigError(ConfigError):
    """A config file from outside the package tries to do more than set values.

    It would run code, change Hydra's settings or write outside its group: refused before
    anything runs.
    """


def error_text(exc: BaseException) -> str:
    """One line for a user: the error and its cause (an OmegaConf error's first line)."""
    parts = [str(exc)]
    if exc.__cause__ is not None:
        parts.append(str(exc.__cause__).split("\n    full_key")[0])
    return "; ".join(p.strip().replace("\n", "; ") for p in parts if p and p.strip())
