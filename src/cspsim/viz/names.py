"""Readable names for what the app shows: strategies, cities, neighbourhoods and places.

A trainer's room should read "Hot-spot patrol" and "Tract 314, block group 5", not
``hotspot`` and ``060750314005``. Unknown names fall back to a tidied version of the code
name, so a strategy or city added later still reads as words.
"""

from __future__ import annotations

import re

import numpy as np

from cspsim.city import City
from cspsim.city.files import PLACE_NAME

#: Strategy config name -> what the room reads.
STRATEGY_NAMES: dict[str, str] = {
    "reactive": "Reactive policing (baseline)",
    "hotspot": "Hot-spot patrol",
    "community_policing": "Community policing",
    "problem_oriented": "Problem-oriented policing",
    "procedural_justice": "Procedural-justice training",
    "root_causes": "Root causes (jobs, training, responders)",
    "neighbourhood_watch": "Neighbourhood watch",
    "zero_tolerance": "Zero tolerance",
    "full_partnership": "Full partnership",
}
#: City config name -> label in the city picker.
CITY_NAMES: dict[str, str] = {
    "sf2012": "San Francisco 2012 (579 block groups)",
    "columbus": "Columbus 1980 (49 neighbourhoods)",
    "stl": "St Louis region 1979-84 (78 counties)",
    "synthetic": "Synthetic city (grid)",
}
#: Organization kind -> readable label.
ORG_NAMES: dict[str, str] = {
    "youth_jobs": "summer youth jobs",
    "job_training": "job training",
    "mental_health": "mental-health responders",
    "faith_or_tenant": "faith or tenant group",
    "school": "school",
    "business_association": "business association",
}
#: Keys of ``City.extra`` read as a place's name when a city has one: ``city.name_column``
#: of a ``file`` or ``gis`` city is stored under the first.
NAME_COLUMNS = (PLACE_NAME, "name", "NAME", "Name", "label")


def tidy(code: str) -> str:
    """A code name as words: ``zero_tolerance`` -> ``Zero tolerance``."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def strategy_name(code: str) -> str:
    """Readable name of a strategy config."""
    return STRATEGY_NAMES.get(code, tidy(code))


def city_name(code: str) -> str:
    """Readable name of a city config."""
    return CITY_NAMES.get(code, tidy(code))


def org_name(kind: str) -> str:
    """Readable name of an organization kind."""
    return ORG_NAMES.get(kind, tidy(kind).lower())


def _tract(code: str) -> str:
    """A census tract code (``031400`` or ``0314.00``) as ``Tract 314`` / ``Tract 314.01``."""
    digits = code.replace(".", "")
    whole, part = int(digits[:-2] or 0), digits[-2:]
    return f"Tract {whole}" + ("" if part == "00" else f".{part}")


def neighbourhood_names(city: City) -> list[str]:
    """Readable name of each neighbourhood (index order of ``city.neighbourhood_names``).

    San Francisco's neighbourhoods are census tracts (``010100`` -> ``Tract 101``); names
    that are bare numbers become ``Neighbourhood 7``; synthetic ``nb0`` -> ``Neighbourhood 1``;
    real names (a GIS neighbourhood layer's name column) are kept.
    """
    out = []
    for raw in city.neighbourhood_names:
        name = str(raw)
        if city.name == "sf2012" and re.fullmatch(r"\d{6}", name):
            out.append(_tract(name))
        elif re.fullmatch(r"nb\d+", name):
            out.append(f"Neighbourhood {int(name[2:]) + 1}")
        elif re.fullmatch(r"\d+", name):
            out.append(f"Neighbourhood {int(name)}")
        else:
            out.append(name)
    return out


def place_names(city: City) -> list[str]:
    """Readable name of each place.

    A name column of the city (``city.name_column``, kept in ``City.extra``; see
    :data:`NAME_COLUMNS`) wins; San
    Francisco's block-group GEOIDs become ``Tract 314, block group 5``; other places are
    ``Place <id>`` followed by their neighbourhood when it has a name of its own.
    """
    for col in NAME_COLUMNS:
        values = city.extra.get(col)
        if values is not None and len(values) == city.n_places:
            return [str(v) for v in values]
    nbs = neighbourhood_names(city)
    out = []
    for i, pid in enumerate(np.asarray(city.place_ids).astype(str)):
        if city.name == "sf2012" and re.fullmatch(r"\d{12}", pid):
            out.append(f"{_tract(pid[5:11])}, block group {int(pid[11])}")
        else:
            nb = nbs[int(city.neighbourhood[i])]
            generic = nb.startswith("Neighbourhood ") and nb.endswith(f" {pid}")
            out.append(f"Place {pid}" if generic or nb == pid else f"Place {pid} ({nb})")
    return out
