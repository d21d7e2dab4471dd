"""Tests of the city loaders: shipped data facts, synthetic cities, user files, bad input."""

from __future__ import annotations

import logging
import re
import shutil
import time
from dataclasses import replace
from importlib.resources import as_file, files
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from cspsim.city import CRIME_TYPES, City, load_city
from cspsim.city.shipped import COLUMBUS_POPULATION_PER_PLACE, load_columbus, load_sf2012
from cspsim.config.city import CITY_KINDS, CityConfig
from cspsim.errors import CityDataError, ConfigError

# --------------------------------------------------------------------------- helpers


def check_invariants(city: City) -> None:
    """Properties every loaded city must have."""
    p = city.n_places
    assert sorted(city.graph.nodes) == list(range(p))
    assert nx.is_connected(city.graph)
    assert all(u != v for u, v in city.graph.edges)
    for arr in (city.population, city.neighbourhood, city.x, city.y, city.disadvantage):
        assert arr.shape == (p,)
    assert np.all(city.population >= 0) and city.population.sum() > 0
    assert np.isfinite(city.x).all() and np.isfinite(city.y).all()
    assert city.neighbourhood.min() == 0
    assert city.neighbourhood.max() == city.n_neighbourhoods - 1
    assert len(set(city.place_ids.tolist())) == p
    if p > 1 and city.disadvantage.std() > 0:
        assert abs(city.disadvantage.mean()) < 1e-9
        assert abs(city.disadvantage.std() - 1) < 1e-9
    if city.observed_crime is not None:
        assert city.observed_crime.shape == (p, len(CRIME_TYPES))
    node = city.graph.nodes[p - 1]
    assert node["place_id"] == city.place_ids[p - 1]
    assert node["population"] == city.population[p - 1]
    assert node["neighbourhood"] == city.neighbourhood[p - 1]
    assert node["x"] == city.x[p - 1] and node["y"] == city.y[p - 1]
    assert node["disadvantage"] == city.disadvantage[p - 1]
    a = city.adjacency()
    assert a.shape == (p, p) and a.nnz == 2 * city.graph.number_of_edges()


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


NODES_HEADER = "id,population,robbery,theft,income,tract,lon,lat"
NODES_ROWS = [
    "007,100,2,4,30,A,0.0,0.0",
    "008,200,0,1,50,A,1.0,0.0",
    "009,0,5,9,20,B,0.0,1.0",
    "010,300,1,0,70,B,1.0,1.0",
]
EDGES_ROWS = ["007,008", "008,010", "010,009", "009,007"]


def file_cfg(
    tmp_path: Path, nodes: list[str] | None = None, edges: list[str] | None = None, **kw
) -> CityConfig:
    n = write_csv(tmp_path / "nodes.csv", NODES_HEADER, NODES_ROWS if nodes is None else nodes)
    e = write_csv(tmp_path / "edges.csv", "source,target", EDGES_ROWS if edges is None else edges)
    return CityConfig(kind="file", nodes=str(n), edges=str(e), **kw)


# --------------------------------------------------------------------------- San Francisco


@pytest.fixture(scope="module")
def sf() -> City:
    return load_city(CityConfig(kind="sf2012"))


def test_sf_facts(sf: City) -> None:
    check_invariants(sf)
    assert sf.name == "sf2012"
    assert sf.n_places == 579
    assert sf.graph.number_of_edges() == 1856
    assert sf.population.sum() == 805_235
    assert sf.observed_crime is not None
    assert (sf.observed_crime * 184).sum() == pytest.approx(13_474)
    assert (sf.observed_crime * 184).sum() == pytest.approx(sf.extra["observed_total4"].sum())
    assert np.isfinite(sf.observed_crime).all()
    # Mean queen degree 6.4 (README).
    assert 2 * sf.graph.number_of_edges() / sf.n_places == pytest.approx(6.4, abs=0.05)


def test_sf_crime_mapping(sf: City) -> None:
    per_type = dict(zip(CRIME_TYPES, (sf.observed_crime * 184).sum(axis=0), strict=True))
    for kind, column in [
        ("violent", "Robbery"),
        ("property", "CarTheft"),
        ("disorder", "Vandalism"),
        ("drugs", "Drugs"),
    ]:
        assert per_type[kind] == pytest.approx(sf.extra[f"observed_{column}"].sum())
    assert "area_sqmi" in sf.extra and (sf.extra["area_sqmi"] > 0).all()


def test_sf_ids_keep_leading_zeros(sf: City) -> None:
    assert all(len(i) == 12 and i.startswith("06075") for i in sf.place_ids)
    assert sf.graph.nodes[0]["place_id"].startswith("0")
    # Neighbourhoods are census tracts (6-digit strings, leading zeros kept).
    assert all(len(n) == 6 for n in sf.neighbourhood_names)
    assert "010100" in sf.neighbourhood_names
    raw = pd.read_csv(files("cspsim") / "data/cities/sf_blockgroups_2012_nodes.csv", dtype=str)
    assert sf.place_ids.tolist() == raw["GEOID"].tolist()
    tract = np.array(sf.neighbourhood_names)[sf.neighbourhood]
    assert tract.tolist() == raw["TRACT"].tolist()
    assert sf.n_neighbourhoods == raw["TRACT"].nunique()


def test_sf_rook(sf: City) -> None:
    rook = load_city(CityConfig(kind="sf2012", contiguity="rook"))
    check_invariants(rook)
    assert rook.graph.number_of_edges() == 1531
    assert set(rook.graph.edges) <= set(sf.graph.edges)


def test_sf_disadvantage_proxy_is_smoothed(sf: City) -> None:
    rate = sf.extra["robbery_per_1000_smoothed"]
    assert np.isfinite(rate).all() and (rate >= 0).all()
    # A tiny-population commercial block group must not dominate the index.
    raw = np.where(sf.population > 0, sf.extra["observed_Robbery"] / sf.population, 0) * 1000
    assert rate.max() < raw.max()
    assert sf.disadvantage.max() < 4.0
    # The index is monotone in the smoothed rate.
    order = np.argsort(rate)
    assert np.all(np.diff(sf.disadvantage[order]) >= -1e-12)
    assert np.corrcoef(sf.disadvantage, np.log1p(rate))[0, 1] == pytest.approx(1.0)


# --------------------------------------------------------------------------- Columbus


def test_columbus_facts() -> None:
    c = load_city(CityConfig(kind="columbus"))
    check_invariants(c)
    assert c.n_places == 49
    assert c.graph.number_of_edges() == 118
    assert load_city(CityConfig(kind="columbus", contiguity="rook")).graph.number_of_edges() == 100
    assert c.observed_crime is None
    assert c.place_ids.tolist() == [str(i) for i in range(1, 50)]
    assert c.n_neighbourhoods == 49
    assert c.population.sum() == pytest.approx(49 * COLUMBUS_POPULATION_PER_PLACE)
    for key in ("CRIME", "INC", "HOVAL"):
        assert c.extra[key].shape == (49,)


def _z(a: np.ndarray) -> np.ndarray:
    return (a - a.mean()) / a.std()


def test_columbus_disadvantage_from_inc_hoval_only() -> None:
    c = load_city(CityConfig(kind="columbus"))
    expected = _z((_z(-c.extra["INC"]) + _z(-c.extra["HOVAL"])) / 2)
    np.testing.assert_allclose(c.disadvantage, expected, atol=1e-12)
    # Disadvantage is a (strong) out-of-sample predictor of the held-out CRIME rate.
    assert np.corrcoef(c.disadvantage, c.extra["CRIME"])[0, 1] > 0.5


def test_columbus_crime_column_is_not_used(tmp_path: Path) -> None:
    with as_file(files("cspsim") / "data" / "cities") as d:
        for name in ("columbus_nodes.csv", "columbus_edges.csv"):
            shutil.copy(Path(d) / name, tmp_path / name)
    nodes = pd.read_csv(tmp_path / "columbus_nodes.csv", dtype=str)
    nodes["CRIME"] = nodes["CRIME"].iloc[::-1].to_numpy()
    nodes.to_csv(tmp_path / "columbus_nodes.csv", index=False)
    original = load_city(CityConfig(kind="columbus"))
    scrambled = load_columbus(CityConfig(kind="columbus"), data_dir=tmp_path)
    assert not np.allclose(original.extra["CRIME"], scrambled.extra["CRIME"])
    np.testing.assert_array_equal(original.disadvantage, scrambled.disadvantage)
    np.testing.assert_array_equal(original.population, scrambled.population)


def test_columbus_via_file_loader_matches(tmp_path: Path) -> None:
    with as_file(files("cspsim") / "data" / "cities") as d:
        nodes = pd.read_csv(Path(d) / "columbus_nodes.csv", dtype=str)
        shutil.copy(Path(d) / "columbus_edges.csv", tmp_path / "edges.csv")
    nodes["pop"] = "4000"
    nodes.to_csv(tmp_path / "nodes.csv", index=False)
    cfg = CityConfig(
        kind="file",
        nodes=str(tmp_path / "nodes.csv"),
        edges=str(tmp_path / "edges.csv"),
        id_column="POLYID",
        population_column="pop",
        x_column="X",
        y_column="Y",
        disadvantage_columns=["-INC", "-HOVAL"],
    )
    via_file = load_city(cfg)
    shipped = load_city(CityConfig(kind="columbus"))
    assert via_file.graph.number_of_edges() == 118  # the 'queen' flag column is honoured
    np.testing.assert_allclose(via_file.disadvantage, shipped.disadvantage, atol=1e-12)
    assert via_file.name == "nodes"


# --------------------------------------------------------------------------- synthetic


def synth(**kw) -> CityConfig:
    return CityConfig(kind="synthetic", **kw)


@pytest.mark.parametrize("topology", ["grid", "small_world"])
def test_synthetic_sizes_and_population(topology: str) -> None:
    c = load_city(synth(residents=10_000, residents_per_agent=20, topology=topology), seed=3)
    check_invariants(c)
    assert c.n_places == 50
    assert c.population.sum() == pytest.approx(200_000)
    np.testing.assert_allclose(c.population / 20, np.round(c.population / 20))
    assert c.extra["agents"].sum() == 10_000
    assert c.observed_crime is None


def test_synthetic_grid_is_queen_lattice() -> None:
    c = load_city(synth(places=16, neighbourhood_size=4, topology="grid"))
    # 4 x 4 queen lattice: 2*4*3 orthogonal + 2*3*3 diagonal edges.
    assert c.graph.number_of_edges() == 42
    assert c.graph.degree[0] == 3 and c.graph.degree[5] == 8
    assert (c.x[5], c.y[5]) == (1.0, 1.0)
    assert c.graph.has_edge(0, 5) and c.graph.has_edge(1, 4)  # diagonals
    # 2 x 2 tiles of places.
    assert c.n_neighbourhoods == 4
    assert np.bincount(c.neighbourhood).tolist() == [4, 4, 4, 4]
    assert c.neighbourhood[0] == c.neighbourhood[5] != c.neighbourhood[2]


def test_synthetic_grid_partial_last_row() -> None:
    c = load_city(synth(places=10, topology="grid"))
    check_invariants(c)
    assert c.n_places == 10


def test_synthetic_small_world() -> None:
    c = load_city(synth(places=200, neighbourhood_size=10, topology="small_world"), seed=5)
    check_invariants(c)
    assert c.graph.number_of_edges() == 200 * 3
    np.testing.assert_allclose(c.x**2 + c.y**2, 1.0)
    assert c.n_neighbourhoods == 20
    assert (c.neighbourhood == np.arange(200) // 10).all()
    tiny = load_city(synth(places=4, topology="small_world"))
    check_invariants(tiny)


@pytest.mark.parametrize("topology", ["grid", "small_world"])
def test_synthetic_determinism(topology: str) -> None:
    cfg = synth(residents=20_000, topology=topology)
    state = np.random.get_state()[1].copy()
    a, b, c = load_city(cfg, seed=11), load_city(cfg, seed=11), load_city(cfg, seed=12)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # global RNG untouched
    np.testing.assert_array_equal(a.population, b.population)
    np.testing.assert_array_equal(a.disadvantage, b.disadvantage)
    assert sorted(a.graph.edges) == sorted(b.graph.edges)
    assert not np.array_equal(a.population, c.population)
    assert not np.array_equal(a.disadvantage, c.disadvantage)


def test_synthetic_disadvantage_is_spatially_smooth() -> None:
    c = load_city(synth(places=2500, topology="grid"), seed=1)
    u, v = np.array(list(c.graph.edges)).T
    assert np.corrcoef(c.disadvantage[u], c.disadvantage[v])[0, 1] > 0.5


def test_synthetic_million_residents_fast() -> None:
    cfg = synth(residents=1_000_000, topology="grid")
    start = time.perf_counter()
    c = load_city(cfg, seed=0)
    elapsed = time.perf_counter() - start
    assert c.n_places == 5000
    assert elapsed < 2.0


@pytest.mark.slow
def test_synthetic_100k_places() -> None:
    c = load_city(synth(residents=2_000_000, places=100_000, topology="grid"))
    assert c.n_places == 100_000
    assert c.population.sum() == pytest.approx(40_000_000)


# --------------------------------------------------------------------------- user files


def test_file_csv_full(tmp_path: Path) -> None:
    cfg = file_cfg(
        tmp_path,
        crime_columns=["robbery", "theft"],
        crime_types=["violent", "property"],
        crime_period_days=10,
        neighbourhood_column="tract",
        x_column="lon",
        y_column="lat",
        disadvantage_columns=["-income"],
    )
    c = load_city(cfg)
    check_invariants(c)
    assert c.name == "nodes"
    assert c.place_ids.tolist() == ["007", "008", "009", "010"]
    assert c.graph.number_of_edges() == 4
    assert c.population.tolist() == [100, 200, 0, 300]
    np.testing.assert_allclose(c.observed_crime[:, 0], [0.2, 0.0, 0.5, 0.1])
    np.testing.assert_allclose(c.observed_crime[:, 1], [0.4, 0.1, 0.9, 0.0])
    assert np.isnan(c.observed_crime[:, 2:]).all()
    assert c.neighbourhood_names == ["A", "B"] and c.neighbourhood.tolist() == [0, 0, 1, 1]
    # '-income': lowest income is the most disadvantaged.
    assert np.argmax(c.disadvantage) == 2 and np.argmin(c.disadvantage) == 3
    assert c.extra["observed_robbery"].tolist() == [2, 0, 5, 1]
    assert c.extra["income"].tolist() == [30, 50, 20, 70]


def test_file_csv_defaults_and_layout(tmp_path: Path) -> None:
    c = load_city(file_cfg(tmp_path))
    check_invariants(c)
    assert c.observed_crime is None
    assert (c.disadvantage == 0).all()
    assert c.neighbourhood_names == ["007", "008", "009", "010"]
    again = load_city(file_cfg(tmp_path))
    np.testing.assert_array_equal(c.x, again.x)  # deterministic layout


def test_file_self_loops_and_duplicate_edges(tmp_path: Path) -> None:
    edges = [*EDGES_ROWS, "008,007", "007,008", "009,009"]
    c = load_city(file_cfg(tmp_path, edges=edges))
    assert c.graph.number_of_edges() == 4
    assert nx.number_of_selfloops(c.graph) == 0


def test_file_graphml(tmp_path: Path) -> None:
    g = nx.Graph()
    for i, (pop, inc) in enumerate([(10, 1.0), (20, 2.0), (0, 3.0), (5, 4.0)]):
        g.add_node(f"p{i}", population=pop, income=inc, name=f"0{i}")
    g.add_edges_from([("p0", "p1"), ("p1", "p2"), ("p2", "p3"), ("p3", "p3")])
    path = tmp_path / "town.graphml"
    nx.write_graphml(g, path)
    c = load_city(CityConfig(kind="file", graphml=str(path), disadvantage_columns=["income"]))
    check_invariants(c)
    assert c.name == "town"
    assert c.place_ids.tolist() == ["p0", "p1", "p2", "p3"]
    assert c.population.tolist() == [10, 20, 0, 5]
    assert c.graph.number_of_edges() == 3
    assert np.argmax(c.disadvantage) == 3
    named = load_city(CityConfig(kind="file", graphml=str(path), id_column="name"))
    assert named.place_ids.tolist() == ["00", "01", "02", "03"]


def test_file_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file_cfg(tmp_path)
    monkeypatch.chdir(tmp_path)
    c = load_city(CityConfig(kind="file", nodes="nodes.csv", edges="edges.csv"))
    assert c.n_places == 4


# --------------------------------------------------------------------------- bad input


def raises(match: str):
    return pytest.raises(CityDataError, match=re.escape(match))


def test_missing_files(tmp_path: Path) -> None:
    cfg = file_cfg(tmp_path)
    with raises("nope.csv: file not found"):
        load_city(replace(cfg, nodes=str(tmp_path / "nope.csv")))
    with raises("gone.csv: file not found"):
        load_city(replace(cfg, edges=str(tmp_path / "gone.csv")))
    with raises("x.graphml: file not found"):
        load_city(CityConfig(kind="file", graphml=str(tmp_path / "x.graphml")))


def test_missing_column(tmp_path: Path) -> None:
    with raises("nodes.csv: missing column 'pop'; columns present: 'id', 'population'"):
        load_city(file_cfg(tmp_path, population_column="pop"))
    with raises("nodes.csv: missing column 'wealth'"):
        load_city(file_cfg(tmp_path, disadvantage_columns=["-wealth"]))
    with raises("e2.csv: missing column 'target'; columns present: 'source', 'dst'"):
        e = write_csv(tmp_path / "e2.csv", "source,dst", ["007,008"])
        load_city(replace(file_cfg(tmp_path), edges=str(e)))


def test_empty_and_duplicate_ids(tmp_path: Path) -> None:
    rows = [*NODES_ROWS[:2], ",5,0,0,1,A,0,0", NODES_ROWS[3]]
    with raises("nodes.csv: column 'id' row 3: expected a place id, got an empty value"):
        load_city(file_cfg(tmp_path, nodes=rows))
    rows = [*NODES_ROWS, "008,5,0,0,1,A,0,0"]
    with raises("nodes.csv: column 'id' row 5 (id '008'): duplicate id, already used in row 2"):
        load_city(file_cfg(tmp_path, nodes=rows))


def test_edge_to_unknown_id(tmp_path: Path) -> None:
    edges = [*EDGES_ROWS, "007,999"]
    with raises("edges.csv: column 'target' row 5: expected a place id, got id '999'"):
        load_city(file_cfg(tmp_path, edges=edges))
    with raises("edges.csv: column 'source' row 1: expected a place id, got id '7'"):
        load_city(file_cfg(tmp_path, edges=["7,008", *EDGES_ROWS]))


@pytest.mark.parametrize(
    ("value", "got"), [("abc", "got 'abc'"), ("-5", "got '-5'"), ("", "got an empty value")]
)
def test_bad_population(tmp_path: Path, value: str, got: str) -> None:
    rows = [*NODES_ROWS[:2], f"009,{value},5,9,20,B,0.0,1.0", NODES_ROWS[3]]
    msg = f"nodes.csv: column 'population' row 3 (id '009'): expected a non-negative number, {got}"
    with raises(msg):
        load_city(file_cfg(tmp_path, nodes=rows))


def test_negative_crime_count(tmp_path: Path) -> None:
    rows = [NODES_ROWS[0], "008,200,-1,1,50,A,1.0,0.0", *NODES_ROWS[2:]]
    cfg = file_cfg(tmp_path, nodes=rows, crime_columns=["robbery"], crime_types=["violent"])
    with raises("nodes.csv: column 'robbery' row 2 (id '008'): expected a non-negative number"):
        load_city(cfg)


def test_empty_graph(tmp_path: Path) -> None:
    with raises("nodes.csv: no places"):
        load_city(file_cfg(tmp_path, nodes=[], edges=[]))
    (tmp_path / "blank.csv").write_text("")
    with raises("blank.csv: the file is empty"):
        load_city(replace(file_cfg(tmp_path), nodes=str(tmp_path / "blank.csv")))
    path = tmp_path / "empty.graphml"
    nx.write_graphml(nx.Graph(), path)
    with raises("empty.graphml: no places"):
        load_city(CityConfig(kind="file", graphml=str(path)))


def test_bad_graphml(tmp_path: Path) -> None:
    path = tmp_path / "bad.graphml"
    path.write_text("<graphml><graph>")
    with raises("bad.graphml: cannot be read as GraphML"):
        load_city(CityConfig(kind="file", graphml=str(path)))
    g = nx.Graph()
    g.add_node("a", population=5)
    g.add_node("b", population=-2)
    g.add_edge("a", "b")
    nx.write_graphml(g, tmp_path / "neg.graphml")
    with raises("neg.graphml: column 'population' node 2 (id 'b'): expected a non-negative"):
        load_city(CityConfig(kind="file", graphml=str(tmp_path / "neg.graphml")))


def test_zero_total_population(tmp_path: Path) -> None:
    rows = [r.replace(r.split(",")[1], "0", 1) for r in NODES_ROWS]
    with raises("nodes.csv: total population is 0"):
        load_city(file_cfg(tmp_path, nodes=rows))


def test_disconnected_error(tmp_path: Path) -> None:
    edges = ["007,008", "008,010"]  # 009 isolated
    with pytest.raises(CityDataError) as info:
        load_city(file_cfg(tmp_path, edges=edges))
    msg = str(info.value)
    assert "nodes.csv" in msg
    assert "2 connected components of sizes 3, 1" in msg
    assert "city.disconnected=largest" in msg


def test_disconnected_largest(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    rows = [*NODES_ROWS, "011,50,0,0,10,C,5,5", "012,60,0,0,10,C,6,5"]
    edges = ["007,008", "008,010", "011,012"]  # 009 isolated; {011, 012} apart
    cfg = file_cfg(
        tmp_path,
        nodes=rows,
        edges=edges,
        disconnected="largest",
        x_column="lon",
        y_column="lat",
        neighbourhood_column="tract",
        disadvantage_columns=["income"],
    )
    with caplog.at_level(logging.WARNING, logger="cspsim.city"):
        c = load_city(cfg)
    check_invariants(c)
    assert c.place_ids.tolist() == ["007", "008", "010"]
    assert c.population.tolist() == [100, 200, 300]
    assert c.x.tolist() == [0.0, 1.0, 1.0]
    assert c.neighbourhood_names == ["A", "B"]
    assert sorted(c.graph.edges) == [(0, 1), (1, 2)]
    assert abs(c.disadvantage.mean()) < 1e-12  # standardized over the kept places
    text = " ".join(r.getMessage() for r in caplog.records if r.name == "cspsim.city")
    assert "dropped 3 places" in text and "3 connected components" in text


def test_shipped_disconnected_largest_is_noop(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cspsim.city"):
        c = load_city(CityConfig(kind="columbus", disconnected="largest"))
    assert c.n_places == 49 and not caplog.records


def test_shipped_sf_bad_data(tmp_path: Path) -> None:
    with raises("sf_blockgroups_2012_nodes.csv: file not found"):
        load_sf2012(CityConfig(), data_dir=tmp_path)
    with as_file(files("cspsim") / "data" / "cities") as d:
        for name in ("sf_blockgroups_2012_nodes.csv", "sf_blockgroups_2012_edges.csv"):
            shutil.copy(Path(d) / name, tmp_path / name)
    nodes = pd.read_csv(tmp_path / "sf_blockgroups_2012_nodes.csv", dtype=str)
    nodes.loc[2, "Population"] = "abc"
    nodes.to_csv(tmp_path / "sf_blockgroups_2012_nodes.csv", index=False)
    geoid = nodes.loc[2, "GEOID"]
    with raises(
        f"sf_blockgroups_2012_nodes.csv: column 'Population' row 3 (id '{geoid}'): "
        "expected a non-negative number, got 'abc'"
    ):
        load_sf2012(CityConfig(), data_dir=tmp_path)
    # An isolated block group: error by default, dropped with disconnected=largest.
    edges = pd.read_csv(tmp_path / "sf_blockgroups_2012_edges.csv", dtype=str)
    nodes.loc[2, "Population"] = "1000"
    nodes.to_csv(tmp_path / "sf_blockgroups_2012_nodes.csv", index=False)
    edges = edges[(edges.source != geoid) & (edges.target != geoid)]
    edges.to_csv(tmp_path / "sf_blockgroups_2012_edges.csv", index=False)
    with raises("2 connected components of sizes 578, 1"):
        load_sf2012(CityConfig(), data_dir=tmp_path)
    c = load_sf2012(CityConfig(disconnected="largest"), data_dir=tmp_path)
    check_invariants(c)
    assert c.n_places == 578 and geoid not in c.place_ids
    assert np.isfinite(c.disadvantage).all()


# --------------------------------------------------------------------------- config errors


def test_unknown_kind() -> None:
    with pytest.raises(ConfigError, match="city.kind") as info:
        load_city(CityConfig(kind="atlantis"))
    assert all(k in str(info.value) for k in CITY_KINDS) and "atlantis" in str(info.value)


@pytest.mark.parametrize(
    ("cfg", "match"),
    [
        (CityConfig(contiguity="bishop"), "city.contiguity"),
        (CityConfig(disconnected="ignore"), "city.disconnected"),
        (CityConfig(kind="synthetic", topology="torus"), "city.topology"),
        (CityConfig(kind="synthetic", residents=0), "city.residents"),
        (CityConfig(residents_per_agent=0), "city.residents_per_agent"),
        (CityConfig(kind="file"), "city.nodes and city.edges"),
        (CityConfig(kind="file", nodes="a.csv"), "city.nodes and city.edges"),
        (CityConfig(kind="file", nodes="a", edges="b", graphml="c"), "not both"),
        (
            CityConfig(kind="file", nodes="a", edges="b", crime_columns=["x"]),
            "same length",
        ),
        (
            CityConfig(
                kind="file", nodes="a", edges="b", crime_columns=["x"], crime_types=["arson"]
            ),
            "city.crime_types",
        ),
        (CityConfig(kind="file", nodes="a", edges="b", x_column="lon"), "set together"),
    ],
)
def test_config_errors(cfg: CityConfig, match: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(match)):
        load_city(cfg)


# ----- inputs a probe of ~190 user files found mishandled ---------------------------------
@pytest.mark.parametrize(
    ("header", "column"),
    [("id,population,id ", "id"), ("id,population,population", "population")],
)
def test_a_repeated_column_name_is_refused(tmp_path: Path, header: str, column: str) -> None:
    """Once a traceback (names equal after stripping) or silently the first column (pandas
    renamed the second 'population.1')."""
    from cspsim.city.inputs import read_csv_table

    path = tmp_path / "nodes.csv"
    path.write_text(f"{header}\na,1200,x\nb,800,y\n")
    with pytest.raises(CityDataError, match=f"column '{column}' appears 2 times in the header"):
        read_csv_table(path)


def test_rows_longer_than_the_header_are_refused_where_they_are(tmp_path: Path) -> None:
    """A trailing comma on data rows once shifted every column left (pandas took the first
    as the index) and the error blamed the edges file."""
    from cspsim.city.inputs import read_csv_table

    path = tmp_path / "nodes.csv"
    path.write_text("id,population\na,1200,\nb,800,\n")
    with pytest.raises(CityDataError, match=r"nodes.csv: cannot be read as CSV: .*line 2, saw 3"):
        read_csv_table(path)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfid,population\na,1200\n")
    assert read_csv_table(bom).to_dict("list") == {"id": ["a"], "population": ["1200"]}


def test_a_city_with_no_resident_agent_at_risk_is_refused_before_it_runs() -> None:
    """Once a NumPy error deep in the first day's offender draw."""
    from cspsim.api import make_config
    from cspsim.model import CommunitySafetyModel

    cfg = make_config(city="sf2012", days=2, overrides=["city.residents_per_agent=200000"])
    with pytest.raises(ConfigError, match="none of the city's 4 resident agents is at risk"):
        CommunitySafetyModel(cfg)


def test_a_graphml_path_that_is_a_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(CityDataError, match="expected a GraphML file, got a directory"):
        load_city(CityConfig(kind="file", graphml=str(tmp_path)))


def test_a_city_of_no_resident_agents_is_refused_without_numpy_warnings() -> None:
    import warnings

    from cspsim.api import make_config
    from cspsim.model import CommunitySafetyModel

    cfg = make_config(city="columbus", days=2, overrides=["city.residents_per_agent=1e9"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once: "Mean of empty slice" before the message
        with pytest.raises(ConfigError, match="the city has no resident agents"):
            CommunitySafetyModel(cfg)


def test_a_semicolon_file_and_a_latin1_file_say_what_to_do(tmp_path: Path) -> None:
    from cspsim.city.inputs import read_csv_table, require_columns

    semi = tmp_path / "semi.csv"
    semi.write_text("id;population\na;1200\n")
    with pytest.raises(CityDataError, match="one column holding ';': comma-separated"):
        require_columns(read_csv_table(semi), ["id"], "semi.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\na,Señora\n".encode("latin-1"))
    with pytest.raises(CityDataError, match="not UTF-8 text .*save the file as UTF-8"):
        read_csv_table(latin)


def test_disconnected_largest_keeps_the_populated_one_of_equal_parts(tmp_path: Path) -> None:
    """Two parts of two places, the first empty: it was kept ('total population is 0')."""
    rows = ["007,0,2,4,30,A,0.0,0.0", "008,0,0,1,50,A,1.0,0.0", *NODES_ROWS[2:]]
    c = load_city(
        file_cfg(tmp_path, nodes=rows, edges=["007,008", "009,010"], disconnected="largest")
    )
    assert c.place_ids.tolist() == ["009", "010"] and c.population.tolist() == [0, 300]


def test_huge_disadvantage_values_are_standardized_not_zeroed() -> None:
    """1e308 once overflowed the variance: the column became zeros, with a NumPy warning."""
    import warnings

    from cspsim.city.build import zscore

    small = np.array([1.0, 2.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = zscore(small * 1e307)
    assert np.allclose(huge, zscore(small)) and np.abs(huge).max() > 0.5


def test_empty_header_cells_are_extra_columns_not_repeated_names(tmp_path: Path) -> None:
    """A spreadsheet's trailing commas: empty header cells, as pandas read them before."""
    from cspsim.city.inputs import read_csv_table

    path = tmp_path / "nodes.csv"
    path.write_text("id,population,,\na,1200,,\n")
    assert list(read_csv_table(path).columns) == ["id", "population", "Unnamed: 2", "Unnamed: 3"]
