"""Schema of the ``city`` config group: which city to build and how to read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CITY_KINDS = ("sf2012", "columbus", "synthetic", "file", "gis")
TOPOLOGIES = ("grid", "small_world")
DISCONNECTED_HANDLING = ("error", "largest", "nearest")
CONTIGUITIES = ("queen", "rook")


def _bounded(default: Any, **bounds: Any) -> Any:
    """A field with its valid range (``low``, ``low_open``, ``choices``) for the checker."""
    return field(default=default, metadata=bounds)


@dataclass
class CityConfig:
    """Where the places come from and how many resident agents live on them.

    Attributes:
        kind: One of ``sf2012`` (shipped San Francisco 2012 block groups, the default),
            ``columbus`` (shipped Columbus 1980 neighbourhoods), ``synthetic`` (generated),
            ``file`` (the user's own nodes/edges CSV or GraphML) or ``gis`` (the user's own
            polygon layer and incidents; see ``docs/cities.md``).
        residents_per_agent: Real residents each resident agent stands for (k). Crime,
            contacts and costs are simulated at real scale; an agent's state is the mean of
            its k people.
        residents: Synthetic cities only: number of resident agents to build.
        places: Synthetic cities only: number of places (0 = one place per 200 agents).
        topology: Synthetic cities only: ``grid`` (queen contiguity on a square lattice) or
            ``small_world`` (Watts-Strogatz ring with rewiring).
        neighbourhood_size: Synthetic cities only: places per neighbourhood (beat).
        base_crime_per_1000: Synthetic and Columbus cities: recorded incidents of the four
            types per 1,000 residents per year at mean disadvantage (SF 2012: about 33 for
            the four shipped types; SFPD via GeoDa 2012 data).
        nodes: ``file`` only: path of the nodes CSV (one row per place).
        edges: ``file`` only: path of the edges CSV with ``source,target`` columns.
        graphml: ``file`` only: path of a GraphML file (instead of nodes and edges).
        id_column: ``file`` and ``gis``: column holding the place id.
        population_column: ``file`` and ``gis``: column holding the resident population
            (for ``gis``, of the area layer or of ``population_table``).
        crime_columns: ``file`` and ``gis``: columns holding observed incident counts, mapped
            in order onto ``crime_types``.
        crime_types: Model crime type of each entry of ``crime_columns`` (violent,
            property, disorder, drugs).
        crime_period_days: Days covered by the observed counts (SF 2012: 184).
        neighbourhood_column: ``file`` and ``gis``: optional column grouping places into
            neighbourhoods (default: each place its own neighbourhood).
        name_column: ``file`` and ``gis``: optional column of place names, shown by the
            trainer app instead of ids (stored in ``City.extra['place_name']``).
        x_column: ``file`` only: optional x/longitude column for maps.
        y_column: ``file`` only: optional y/latitude column for maps.
        disadvantage_columns: ``file`` and ``gis``: optional columns averaged (as z-scores)
            into the disadvantage index; prefix a name with ``-`` to reverse it (``-income``).
        contiguity: ``queen`` or ``rook`` for the shipped cities' edge flags (``gis``: the
            libpysal contiguity built from the polygons).
        disconnected: ``error`` rejects a network with several components; ``largest``
            keeps the largest component and logs what was dropped; ``nearest`` (``gis``
            only) links each island or component to its nearest place by centroid distance.
        areas: ``gis`` only: polygon layer of the places (any format GDAL reads; a
            ``pkg://PACKAGE/PATH`` value names a file inside an installed package).
        layer: ``gis`` only: layer of ``areas`` to read (multi-layer files, e.g. GeoPackage).
        crs: ``gis`` only: CRS assumed for polygon layers whose file declares none
            (e.g. ``EPSG:4326`` for a shapefile without ``.prj`` in longitude/latitude).
        population_table: ``gis`` only: optional CSV holding ``population_column``, joined to
            the areas by id.
        population_table_id_column: ``gis`` only: id column of ``population_table``
            (default: ``id_column``).
        population_scale: ``gis`` only: factor applied to the population column (e.g. 1/6
            when it counts person-years over six years).
        commercial_column: ``gis`` only: optional commercial land-use share of each area,
            in [0, 1] (stored as ``City.commercial``).
        crime_periods: ``gis`` only: period name -> count columns of the area layer (one set
            per period, each mapped in order onto ``crime_types``), instead of
            ``crime_columns``.
        period_days: ``gis`` only: days covered by each period of ``crime_periods``
            (default: ``crime_period_days`` for each).
        calibration_periods: ``gis`` only: periods of ``crime_periods`` the city is built
            from (default: all); the others are held back for validation.
        incidents: ``gis`` only: incident file, one row per incident (CSV with coordinate
            columns, or a point layer), instead of count columns.
        incident_x_column: ``gis`` only: x / longitude column of an incident CSV
            (default: the first of lon, longitude, lng, long, x present).
        incident_y_column: ``gis`` only: y / latitude column of an incident CSV
            (default: the first of lat, latitude, y present).
        incident_crs: ``gis`` only: CRS of the incident coordinates when the file declares
            none (default for a CSV: ``EPSG:4326``, longitude/latitude).
        incident_type_column: ``gis`` only: incident category column (required with
            ``incidents``).
        incident_date_column: ``gis`` only: optional incident date column (counts per year).
        incident_date_format: ``gis`` only: optional ``strftime`` format of the dates
            (default: inferred).
        type_map: ``gis`` only: incident category -> model type (violent, property,
            disorder, drugs) or ``ignore``; matched case-insensitively.
        type_keywords: ``gis`` only: map categories missing from ``type_map`` by keywords
            (robbery -> violent, theft -> property, ...).
        unmapped: ``gis`` only: ``error`` (default) rejects a category with no mapping;
            ``ignore`` drops its incidents (counted and logged).
        incidents_outside: ``gis`` only: incidents outside every area are dropped with a
            warning; ``error`` (default) refuses the city when they are most of them (the
            areas and incidents may not cover the same place, or the CRS is wrong),
            ``ignore`` drops them however many (areas that are part of a larger city's
            export, e.g. its pilot districts).
        calibration_years: ``gis`` only: years of dated incidents the city is built from
            (default: all); the others are held back for validation.
        withhold_crime: ``gis`` only: build the city from population and disadvantage
            alone and hold back every period (or year) of crime data, to test whether the
            simulation ranks places better than its input index (``cspsim-validate --city``);
            ``calibration_periods`` and ``calibration_years`` are then ignored.
        neighbourhoods: ``gis`` only: optional polygon layer of neighbourhoods (beats,
            tracts) assigned to the areas by spatial overlay.
        neighbourhood_name_column: ``gis`` only: name column of ``neighbourhoods``
            (default: the feature number).
        neighbourhood_method: ``gis`` only: ``overlap`` (the neighbourhood covering most of
            the area) or ``point`` (the one holding the area's representative point).
        cache: ``gis`` only: reuse a build cached under ``$CSPSIM_CACHE`` (default
            ``~/.cache/cspsim/cities``), keyed by the input files' SHA-256 and the settings.
        progress: ``gis`` only: show a progress bar of the build stages (default: only when
            standard error is a terminal).
    """

    kind: str = _bounded("sf2012", choices=CITY_KINDS)
    residents_per_agent: float = _bounded(20.0, low_open=0)
    residents: int = _bounded(10_000, low=1)
    places: int = _bounded(0, low=0)
    topology: str = _bounded("grid", choices=TOPOLOGIES)
    neighbourhood_size: int = _bounded(16, low=1)
    base_crime_per_1000: float = _bounded(33.0, low=0)
    nodes: str | None = None
    edges: str | None = None
    graphml: str | None = None
    id_column: str = "id"
    population_column: str = "population"
    crime_columns: list[str] = field(default_factory=list)
    crime_types: list[str] = field(default_factory=list)
    crime_period_days: float = _bounded(365.0, low_open=0)
    neighbourhood_column: str | None = None
    name_column: str | None = None
    x_column: str | None = None
    y_column: str | None = None
    disadvantage_columns: list[str] = field(default_factory=list)
    contiguity: str = _bounded("queen", choices=CONTIGUITIES)
    disconnected: str = _bounded("error", choices=DISCONNECTED_HANDLING)
    areas: str | None = None
    layer: str | None = None
    crs: str | None = None
    population_table: str | None = None
    population_table_id_column: str | None = None
    population_scale: float = _bounded(1.0, low_open=0)
    commercial_column: str | None = None
    crime_periods: dict[str, list[str]] = field(default_factory=dict)
    period_days: dict[str, float] = field(default_factory=dict)
    calibration_periods: list[str] = field(default_factory=list)
    incidents: str | None = None
    incident_x_column: str | None = None
    incident_y_column: str | None = None
    incident_crs: str | None = None
    incident_type_column: str | None = None
    incident_date_column: str | None = None
    incident_date_format: str | None = None
    type_map: dict[str, str] = field(default_factory=dict)
    type_keywords: bool = True
    unmapped: str = "error"
    incidents_outside: str = "error"
    calibration_years: list[int] = field(default_factory=list)
    withhold_crime: bool = False
    neighbourhoods: str | None = None
    neighbourhood_name_column: str | None = None
    neighbourhood_method: str = "overlap"
    cache: bool = True
    progress: bool | None = None
