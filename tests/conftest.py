"""Shared fixtures: a tiny synthetic city, quick runs, a tiny user city on disk.

Every model here is small (16 places, ~1,000 resident agents, a few weeks) so the whole suite
runs in seconds on one core. Configs are built once with :func:`cspsim.make_config` and
copied (``copy.deepcopy``) for variations, since OmegaConf merging is the slow part.
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# Keep matplotlib's font cache out of the home directory; no display. (XDG_CACHE_HOME is
# left alone: Playwright finds its browsers there.)
_TMP = tempfile.mkdtemp(prefix="cspsim-tests-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ.setdefault("MPLCONFIGDIR", str(Path(_TMP) / "matplotlib"))
os.environ.setdefault("MPLBACKEND", "Agg")

from cspsim.api import collect, make_config, run_model  # noqa: E402
from cspsim.config import RunConfig  # noqa: E402
from cspsim.model import CommunitySafetyModel  # noqa: E402

#: The tiny synthetic city: 16 places in 4 neighbourhoods of 2x2 places, 1,000 agents of
#: 30 people (30,000 residents: about 10 offences a day, 12 officers).
TINY_CITY = [
    "city.residents=1000",
    "city.residents_per_agent=30",
    "city.places=16",
    "city.neighbourhood_size=4",
]
#: A short run: 5 burn-in days, 40 recorded days, reviews and survey waves every 15 days.
TINY_SIM = [
    "sim.days=40",
    "sim.burn_in_days=5",
    "sim.review_period_days=15",
    "sim.survey_period_days=15",
]
TABLES = ("timeseries", "places", "events", "survey")

_CONFIG_CACHE: dict[tuple, RunConfig] = {}


def tiny_config(
    strategy: str = "reactive", seed: int = 0, overrides: list[str] | tuple[str, ...] = ()
) -> RunConfig:
    """A fresh (deep-copied) config of the tiny city; ``overrides`` as Hydra dotlist."""
    key = (strategy, seed, tuple(overrides))
    if key not in _CONFIG_CACHE:
        _CONFIG_CACHE[key] = make_config(
            city="synthetic",
            strategy=strategy,
            seed=seed,
            sim="short",
            overrides=[*TINY_CITY, *TINY_SIM, *overrides],
        )
    return copy.deepcopy(_CONFIG_CACHE[key])


def run_tables(cfg: RunConfig) -> dict[str, pd.DataFrame]:
    """Run ``cfg`` and return its four output tables by name."""
    model = CommunitySafetyModel(cfg)
    step = run_model(model)
    res = collect(model, 0.0, step)
    return {name: getattr(res, name) for name in TABLES}


def run_results(cfg: RunConfig):
    """Run ``cfg`` and return the :class:`cspsim.api.Results`."""
    model = CommunitySafetyModel(cfg)
    step = run_model(model)
    return collect(model, 0.0, step)


@pytest.fixture
def make_tiny() -> Callable[..., RunConfig]:
    """Factory of tiny configs: ``make_tiny(strategy="hotspot", overrides=[...])``."""
    return tiny_config


@pytest.fixture
def tiny_cfg() -> RunConfig:
    """The tiny reactive config (a fresh copy per test)."""
    return tiny_config()


@pytest.fixture
def tiny_model(tiny_cfg: RunConfig) -> CommunitySafetyModel:
    """A freshly built (not yet run) tiny reactive model."""
    return CommunitySafetyModel(tiny_cfg)


# --------------------------------------------------------------------------- a user city

#: A 3x3 grid of places in two tracts; queen and rook contiguity flags on the edges.
FILE_NODES = """id,code,population,pop2,robbery,theft,vandal,income,rent,tract,lon,lat,east,north
a1,101,3000,1500,4,10,6,30,900,T1,0.0,0.0,10.0,20.0
a2,102,2500,4000,2,12,5,45,1100,T1,1.0,0.0,11.0,20.0
a3,103,4000,2500,9,7,8,20,700,T2,2.0,0.0,12.0,20.0
b1,104,3500,3000,1,15,3,60,1500,T1,0.0,1.0,10.0,21.0
b2,105,2000,3500,6,9,9,25,800,T2,1.0,1.0,11.0,21.0
b3,106,3000,2000,3,8,4,50,1200,T2,2.0,1.0,12.0,21.0
c1,107,2800,2600,5,11,7,35,1000,T1,0.0,2.0,10.0,22.0
c2,108,3300,3100,2,6,2,55,1300,T2,1.0,2.0,11.0,22.0
c3,109,2600,2900,8,13,10,15,600,T2,2.0,2.0,12.0,22.0
"""


def _grid_edges() -> str:
    names = [f"{r}{c}" for r in "abc" for c in "123"]
    pos = {n: (i // 3, i % 3) for i, n in enumerate(names)}
    rows = ["source,target,queen,rook"]
    for i, u in enumerate(names):
        for v in names[i + 1 :]:
            dr, dc = abs(pos[u][0] - pos[v][0]), abs(pos[u][1] - pos[v][1])
            if max(dr, dc) == 1:
                rows.append(f"{u},{v},1,{int(dr + dc == 1)}")
    return "\n".join(rows) + "\n"


FILE_EDGES = _grid_edges()


@pytest.fixture(scope="session")
def city_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A tiny user city on disk: nodes CSV, edges CSV, variants and GraphML files."""
    import networkx as nx

    d = tmp_path_factory.mktemp("city")
    nodes = d / "nodes.csv"
    nodes.write_text(FILE_NODES)
    edges = d / "edges.csv"
    edges.write_text(FILE_EDGES)
    # Variants: other populations; a sparser network (a path through the grid).
    nodes2 = d / "nodes2.csv"
    frame = pd.read_csv(nodes)
    frame["population"] = frame["population"][::-1].to_numpy()
    frame.to_csv(nodes2, index=False)
    edges2 = d / "edges2.csv"
    order = ["a1", "a2", "a3", "b3", "b2", "b1", "c1", "c2", "c3"]
    edges2.write_text(
        "source,target\n" + "".join(f"{u},{v}\n" for u, v in zip(order, order[1:], strict=False))
    )
    # Disconnected: the grid plus an island place.
    nodes_island = d / "nodes_island.csv"
    nodes_island.write_text(FILE_NODES + "z9,110,1000,1000,1,1,1,40,1000,T3,5.0,5.0,15.0,25.0\n")
    graphs = {}
    for name, edge_file in (("graphml", edges), ("graphml2", edges2)):
        g = nx.Graph()
        for row in frame.itertuples():
            g.add_node(row.id, id=row.id, population=float(row.population))
        for row in pd.read_csv(edge_file).itertuples():
            g.add_edge(row.source, row.target)
        path = d / f"{name}.graphml"
        nx.write_graphml(g, path)
        graphs[name] = path
    return {
        "nodes": nodes,
        "edges": edges,
        "nodes2": nodes2,
        "edges2": edges2,
        "nodes_island": nodes_island,
        **graphs,
    }


def file_city_overrides(files: dict[str, Path]) -> list[str]:
    """Overrides for the tiny user city (crime data, tracts, coordinates, disadvantage)."""
    return [
        "city.kind=file",
        f"city.nodes={files['nodes']}",
        f"city.edges={files['edges']}",
        "city.residents_per_agent=30",
        "city.crime_columns=[robbery,theft,vandal]",
        "city.crime_types=[violent,property,disorder]",
        "city.crime_period_days=30",
        "city.neighbourhood_column=tract",
        "city.x_column=lon",
        "city.y_column=lat",
        "city.disadvantage_columns=[-income]",
    ]


# --------------------------------------------------------------------------- a GIS city

#: The GIS city: a 4x4 grid of 1 km squares in UTM zone 10N, ids ``r<row>c<col>`` in
#: row-major order from the south-west corner (as in test_city_gis.py).
GIS_CRS = "EPSG:32610"
GIS_X0, GIS_Y0, GIS_SIDE, GIS_N = 500_000.0, 4_000_000.0, 1_000.0, 4
GIS_IDS = [f"r{r}c{c}" for r in range(GIS_N) for c in range(GIS_N)]
#: Incident categories: the keyword map places the first six, "CODE 10" needs
#: ``city.type_map`` and "LOST PROPERTY" maps to nothing (``city.unmapped=ignore``).
GIS_CATEGORIES = (
    "ROBBERY",
    "ASSAULT",
    "BURGLARY",
    "LARCENY/THEFT",
    "VANDALISM",
    "NARCOTICS",
    "CODE 10",
    "LOST PROPERTY",
)


def _gis_grid(columns: int = GIS_N, dx: float = 0.0):
    """A GeoDataFrame of the 16 places laid out ``columns`` wide; every attribute column."""
    import geopandas as gpd
    from shapely.geometry import box

    n = len(GIS_IDS)
    i = np.arange(n)
    x = GIS_X0 + dx + GIS_SIDE * (i % columns)
    y = GIS_Y0 + GIS_SIDE * (i // columns)
    cells = [box(a, b, a + GIS_SIDE, b + GIS_SIDE) for a, b in zip(x, y, strict=True)]
    return gpd.GeoDataFrame(
        {
            "id": GIS_IDS,
            "code": [f"P{k + 1:02d}" for k in i],  # other ids, unique too
            "population": 1000.0 + 100.0 * ((5 * i) % n),
            "pop2": 1000.0 + 100.0 * ((3 * i) % n),
            "poverty": 0.05 * ((7 * i) % n),
            "income": 60.0 - 2.0 * ((3 * i) % n),
            "shop": ((11 * i) % n) / (n - 1),
            "beat": np.where(i % GIS_N < GIS_N // 2, "west", "east"),
            # Counts of two periods (violent, property): places rank differently in each.
            "v_early": (5 + (7 * i) % 13).astype(float),
            "p_early": (20 + (5 * i) % 17).astype(float),
            "v_late": (5 + (11 * i) % 13).astype(float),
            "p_late": (20 + (3 * i) % 17).astype(float),
        },
        geometry=cells,
        crs=GIS_CRS,
    )


def _gis_incidents(rng: np.random.Generator, n: int, first_year: int) -> pd.DataFrame:
    """``n`` incidents in three years from ``first_year``, with coordinate and date variants.

    Columns: ``lon``/``lat`` (EPSG:4326) and ``east``/``north`` (EPSG:32610) of the same
    points, ``east2``/``north2`` (the points mirrored across the grid), ``category`` and
    ``category2`` (another coding of the same rows), ``date`` (``%d/%m/%Y``, the day never
    above 12, so ``%m/%d/%Y`` reads every date too, as another date unless day and month
    agree) and ``reported`` (0 to 39 days later: some move into the next year). The first
    year is December only, so the day the export starts (1 December, or 12 January read
    month-first) sets its length.
    """
    import geopandas as gpd

    size = GIS_N * GIS_SIDE
    # Hot places to the south-west: most incidents in the two western columns.
    weight = np.array([3.0, 2.0, 1.0, 0.5] * GIS_N) * np.repeat([2.0, 1.5, 1.0, 0.5], GIS_N)
    cell = rng.choice(len(GIS_IDS), size=n, p=weight / weight.sum())
    east = GIS_X0 + GIS_SIDE * (cell % GIS_N + rng.uniform(0.1, 0.9, n))
    north = GIS_Y0 + GIS_SIDE * (cell // GIS_N + rng.uniform(0.1, 0.9, n))
    lonlat = gpd.GeoSeries(gpd.points_from_xy(east, north), crs=GIS_CRS).to_crs(4326)
    year = first_year + rng.choice(3, size=n, p=[0.3, 0.4, 0.3])
    month = np.where(year == first_year, 12, rng.integers(1, 13, n))
    month = np.where(year == first_year + 2, 1, month)
    day = rng.integers(1, 13, n)
    day[0], month[0], year[0] = 1, 12, first_year  # the first incident: 1 December
    dates = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": day}))
    reported = dates + pd.to_timedelta(rng.integers(0, 40, n), unit="D")
    category = rng.choice(GIS_CATEGORIES, size=n, p=[0.15, 0.1, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05])
    return pd.DataFrame(
        {
            "lon": lonlat.x.round(7),
            "lat": lonlat.y.round(7),
            "east": east.round(1),
            "north": north.round(1),
            "east2": (2 * GIS_X0 + size - east).round(1),
            "north2": (2 * GIS_Y0 + size - north).round(1),
            "category": category,
            "category2": np.roll(category, 1),
            "date": dates.dt.strftime("%d/%m/%Y"),
            "reported": reported.dt.strftime("%d/%m/%Y"),
        }
    )


def _gis_beats(cuts: list[tuple[str, str, float, float]], core: bool):
    """Beats (EPSG:4326) as vertical strips ``(name, code, x from, x to)`` in km; with
    ``core``, a 200 m square at the centre of place r1c1 is a beat of its own, cut out of
    the strip around it (so r1c1 overlaps that strip most but its centre is in the core).
    """
    import geopandas as gpd
    from shapely.geometry import box

    pad, top = 10.0, GIS_Y0 + GIS_N * GIS_SIDE + 10.0
    hole = box(GIS_X0 + 1400.0, GIS_Y0 + 1400.0, GIS_X0 + 1600.0, GIS_Y0 + 1600.0)
    names, codes, shapes = [], [], []
    for name, code, lo, hi in cuts:
        strip = box(GIS_X0 + lo * 1000 - pad, GIS_Y0 - pad, GIS_X0 + hi * 1000 + pad, top)
        names.append(name)
        codes.append(code)
        shapes.append(strip.difference(hole) if core and strip.contains(hole) else strip)
    if core:
        names.append("Core")
        codes.append("B9")
        shapes.append(hole)
    frame = gpd.GeoDataFrame({"beat": names, "code": codes}, geometry=shapes, crs=GIS_CRS)
    return frame.to_crs(4326)


@pytest.fixture(scope="session")
def gis_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A tiny ``city=gis`` city on disk, with a variant of each file for perturbations.

    ``areas`` (GeoPackage, layers ``grid``; ``grid_east``: the grid 10 km east with other
    populations; ``island``: the grid and an island place; ``row``: its first row),
    ``areas2`` (GeoPackage, layer
    ``grid``: the same places as a 2 x 8 strip), ``areas_nocrs`` (the grid as a shapefile
    without ``.prj``), ``population``/``population2`` (tables with ids ``GEOID`` and
    ``old_id``, the ids in reverse order), ``incidents``/``incidents2`` (CSV, see
    :func:`_gis_incidents`) and ``beats``/``beats2`` (polygon layers of neighbourhoods).
    """
    d = tmp_path_factory.mktemp("gis")
    grid = _gis_grid()
    areas = d / "areas.gpkg"
    grid.to_file(areas, layer="grid", engine="pyogrio")
    east = _gis_grid(dx=10_000.0)
    east["population"] = east["population"].to_numpy()[::-1]
    east.to_file(areas, layer="grid_east", engine="pyogrio")
    # The grid and an island place 2 km east of it (for city.disconnected).
    island = _gis_grid().iloc[[3]].reset_index(drop=True)
    island["id"], island["code"] = "island", "P99"
    island = island.set_geometry(island.geometry.translate(xoff=3 * GIS_SIDE))
    pd.concat([grid, island], ignore_index=True).to_file(areas, layer="island", engine="pyogrio")
    # Part of the grid (its first row): most of the city's incidents lie outside it.
    grid.iloc[:GIS_N].to_file(areas, layer="row", engine="pyogrio")
    areas2 = d / "areas2.gpkg"
    _gis_grid(columns=2 * GIS_N).to_file(areas2, layer="grid", engine="pyogrio")
    nocrs = d / "areas_nocrs.shp"
    grid.to_file(nocrs, engine="pyogrio")
    nocrs.with_suffix(".prj").unlink()
    tables = {}
    for name, factor in (("population", 1), ("population2", 7)):
        people = 1000.0 + 100.0 * ((factor * np.arange(len(GIS_IDS))) % len(GIS_IDS))
        table = pd.DataFrame({"GEOID": GIS_IDS, "old_id": GIS_IDS[::-1], "total_pop": people})
        tables[name] = d / f"{name}.csv"
        table.to_csv(tables[name], index=False)
    rng = np.random.default_rng(7)
    incidents, incidents2 = d / "incidents.csv", d / "incidents2.csv"
    _gis_incidents(rng, 400, 2019).to_csv(incidents, index=False)
    _gis_incidents(rng, 400, 2019).to_csv(incidents2, index=False)
    beats, beats2 = d / "beats.gpkg", d / "beats2.gpkg"
    halves = [("West", "B1", 0.0, 2.0), ("East", "B2", 2.0, 4.0)]
    _gis_beats(halves, core=True).to_file(beats, engine="pyogrio")
    thirds = [("West", "B1", 0.0, 1.0), ("Mid", "B2", 1.0, 3.0), ("East", "B3", 3.0, 4.0)]
    _gis_beats(thirds, core=False).to_file(beats2, engine="pyogrio")
    return {
        "areas": areas,
        "areas2": areas2,
        "areas_nocrs": nocrs,
        **tables,
        "incidents": incidents,
        "incidents2": incidents2,
        "beats": beats,
        "beats2": beats2,
    }


#: How the GIS city's dated incidents are read (besides ``city.incidents``): type 10 is
#: violent, other types ignored, built from 2019 (the later years held back).
GIS_DATED_INCIDENTS = [
    "city.incident_type_column=category",
    "city.incident_date_column=date",
    "city.incident_date_format='%d/%m/%Y'",
    "city.type_map={CODE 10: violent}",
    "city.unmapped=ignore",
    "city.calibration_years=[2019]",
]


def gis_city_overrides(files: dict[str, Path]) -> list[str]:
    """Overrides for the GIS city: 16 places, about 470 resident agents, no build cache."""
    return [
        "city.kind=gis",
        f"city.areas={files['areas']}",
        "city.layer=grid",
        "city.residents_per_agent=60",
        "city.disadvantage_columns=[poverty,-income]",
        "city.cache=false",
    ]
