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
