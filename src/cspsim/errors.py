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
