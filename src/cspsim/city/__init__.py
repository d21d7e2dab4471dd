"""Cities: places on a contiguity network, grouped into neighbourhoods, and their loaders."""

from cspsim.city.city import CRIME_TYPES, City
from cspsim.city.loaders import load_city

__all__ = ["CRIME_TYPES", "City", "load_city"]
