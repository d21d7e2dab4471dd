"""Schema of the ``city`` config group: which city to build and how to read it."""

from __future__ import annotations

from dataclasses import dataclass, field

CITY_KINDS = ("sf2012", "columbus", "synthetic", "file")
TOPOLOGIES = ("grid", "small_world")
DISCONNECTED_HANDLING = ("error", "largest")


@dataclass
class CityConfig:
    """Where the places come from and how many resident agents live on them.

    Attributes:
        kind: One of ``sf2012`` (shipped San Francisco 2012 block groups, the default),
            ``columbus`` (shipped Columbus 1980 neighbourhoods), ``synthetic`` (generated) or
            ``file`` (the user's own nodes/edges CSV or GraphML).
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
        id_column: ``file`` only: column holding the place id.
        population_column: ``file`` only: column holding the resident population.
        crime_columns: ``file`` only: columns holding observed incident counts, mapped in
            order onto ``crime_types``.
        crime_types: Model crime type of each entry of ``crime_columns`` (violent,
            property, disorder, drugs).
        crime_period_days: Days covered by the observed counts (SF 2012: 184).
        neighbourhood_column: ``file`` only: optional column grouping places into
            neighbourhoods (default: each place its own neighbourhood).
        x_column: ``file`` only: optional x/longitude column for maps.
        y_column: ``file`` only: optional y/latitude column for maps.
        disadvantage_columns: ``file`` only: optional columns averaged (as z-scores) into
            the disadvantage index; prefix a name with ``-`` to reverse it (e.g. ``-income``).
        contiguity: ``queen`` or ``rook`` for the shipped cities' edge flags.
        disconnected: ``error`` rejects a network with several components; ``largest``
            keeps the largest component and logs what was dropped.
    """

    kind: str = "sf2012"
    residents_per_agent: float = 20.0
    residents: int = 10_000
    places: int = 0
    topology: str = "grid"
    neighbourhood_size: int = 16
    base_crime_per_1000: float = 33.0
    nodes: str | None = None
    edges: str | None = None
    graphml: str | None = None
    id_column: str = "id"
    population_column: str = "population"
    crime_columns: list[str] = field(default_factory=list)
    crime_types: list[str] = field(default_factory=list)
    crime_period_days: float = 365.0
    neighbourhood_column: str | None = None
    x_column: str | None = None
    y_column: str | None = None
    disadvantage_columns: list[str] = field(default_factory=list)
    contiguity: str = "queen"
    disconnected: str = "error"
