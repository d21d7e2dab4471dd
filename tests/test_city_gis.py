"""Tests of ``city=gis``: GIS files written here, checked by hand; bad input; cache; stl.

The fixture city is a 3x3 grid of 1 km squares in UTM zone 10N (EPSG:32610), features in
row-major order from the south-west corner::

    r2c0 r2c1 r2c2        ids of the places (feature 7 8 9)
    r1c0 r1c1 r1c2                          (feature 4 5 6)
    r0c0 r0c1 r0c2                          (feature 1 2 3)

Incidents sit at cell centres, one on the edge shared by r0c0 and r0c1 (counted once, in
r0c0, the first of the two in the file), one far outside and one without coordinates.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from cspsim.city import CRIME_TYPES, load_city
from cspsim.city import gis as gis_module
from cspsim.config.city import CityConfig
from cspsim.errors import CityDataError, ConfigError

CRS = "EPSG:32610"
X0, Y0, SIDE = 500_000.0, 4_000_000.0, 1_000.0
IDS = [f"r{r}c{c}" for r in range(3) for c in range(3)]
V, P, D, G = (CRIME_TYPES.index(t) for t in ("violent", "property", "disorder", "drugs"))


def centre(i: int) -> tuple[float, float]:
    r, c = divmod(i, 3)
    return X0 + SIDE * (c + 0.5), Y0 + SIDE * (r + 0.5)


def grid_frame() -> gpd.GeoDataFrame:
    cells = [
        box(X0 + SIDE * c, Y0 + SIDE * r, X0 + SIDE * (c + 1), Y0 + SIDE * (r + 1))
        for r in range(3)
        for c in range(3)
    ]
    return gpd.GeoDataFrame(
        {
            "id": IDS,
            "population": [1000.0 + 100 * i for i in range(9)],
            "poverty": [0.1 * i for i in range(9)],
            "income": [50.0 - i for i in range(9)],
            "shop": [0.0, 0.5, 1.0, 0.2, 0.3, 0.4, 0.0, 0.0, 0.1],
            "beat": ["west", "mid", "east"] * 3,
        },
        geometry=cells,
        crs=CRS,
    )


def write_layer(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_file(path, engine="pyogrio")
    return path


#: (x, y, category, date): the hand-checked incident file.
INCIDENTS = [
    (*centre(0), "ROBBERY", "2019-03-01"),
    (*centre(0), "BURGLARY", "2020-05-05"),
    (*centre(4), "ASSAULT", "2019-07-01"),
    (*centre(4), "Vandalism", "2020-01-01"),
    (*centre(8), "NARCOTICS", "2021-02-02"),
    (X0 + SIDE, Y0 + SIDE / 2, "LARCENY/THEFT", "2019-10-10"),  # edge r0c0 | r0c1
    (X0 - 100_000, Y0, "ROBBERY", "2020-02-02"),  # outside every area
    ("", "", "ROBBERY", "2020-03-03"),  # no coordinates
]


def write_incidents(path: Path, rows=INCIDENTS, **columns) -> Path:
    frame = pd.DataFrame(rows, columns=["x", "y", "category", "date"])
    frame.rename(columns=columns).to_csv(path, index=False)
    return path


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("CSPSIM_CACHE", str(path))
    return path


@pytest.fixture
def grid(tmp_path: Path) -> Path:
    return write_layer(grid_frame(), tmp_path / "grid.gpkg")


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    return write_incidents(tmp_path / "incidents.csv")


def gis(areas: Path, **kw) -> CityConfig:
    return CityConfig(kind="gis", areas=str(areas), **kw)


def with_incidents(areas: Path, incidents: Path, **kw) -> CityConfig:
    base = {
        "incidents": str(incidents),
        "incident_x_column": "x",
        "incident_y_column": "y",
        "incident_crs": CRS,
        "incident_type_column": "category",
    }
    return gis(areas, **(base | kw))


def edges(city) -> set[tuple[str, str]]:
    ids = city.place_ids
    return {tuple(sorted((ids[a], ids[b]))) for a, b in city.graph.edges}


def messages(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.name == "cspsim.city")


# --------------------------------------------------------------------------- contiguity

ROOK = {
    ("r0c0", "r0c1"), ("r0c1", "r0c2"), ("r1c0", "r1c1"), ("r1c1", "r1c2"),
    ("r2c0", "r2c1"), ("r2c1", "r2c2"), ("r0c0", "r1c0"), ("r1c0", "r2c0"),
    ("r0c1", "r1c1"), ("r1c1", "r2c1"), ("r0c2", "r1c2"), ("r1c2", "r2c2"),
}  # fmt: skip
DIAGONALS = {
    ("r0c0", "r1c1"), ("r0c1", "r1c0"), ("r0c1", "r1c2"), ("r0c2", "r1c1"),
    ("r1c0", "r2c1"), ("r1c1", "r2c0"), ("r1c1", "r2c2"), ("r1c2", "r2c1"),
}  # fmt: skip


def test_grid_queen_and_rook_contiguity_by_hand(grid: Path) -> None:
    queen = load_city(gis(grid, contiguity="queen"))
    rook = load_city(gis(grid, contiguity="rook"))
    assert edges(rook) == ROOK and len(ROOK) == 12
    assert edges(queen) == ROOK | DIAGONALS and len(ROOK | DIAGONALS) == 20
    degree = dict(queen.graph.degree)
    assert [degree[i] for i in range(9)] == [3, 5, 3, 5, 8, 5, 3, 5, 3]


def test_grid_attributes(grid: Path) -> None:
    city = load_city(
        gis(
            grid,
            disadvantage_columns=["poverty", "-income"],
            commercial_column="shop",
            neighbourhood_column="beat",
        )
    )
    assert city.name == "grid" and list(city.place_ids) == IDS
    assert np.allclose(city.population, [1000 + 100 * i for i in range(9)])
    assert np.allclose(city.commercial, grid_frame()["shop"])
    # poverty and -income rise together: the index is their common z-score.
    z = (np.arange(9) - 4) / np.arange(9).std()
    assert np.allclose(city.disadvantage, z)
    assert city.neighbourhood_names == ["east", "mid", "west"]
    assert [city.neighbourhood_names[b] for b in city.neighbourhood[:3]] == ["west", "mid", "east"]
    # Map coordinates: centroids in longitude/latitude; outlines: one closed ring per cell.
    lon, lat = gpd.GeoSeries([Point(centre(0))], crs=CRS).to_crs(4326).iloc[0].coords[0]
    assert city.x[0] == pytest.approx(lon, abs=1e-9) and city.y[0] == pytest.approx(lat, abs=1e-9)
    assert -124 < city.x.min() < city.x.max() < -122
    ring = city.geometry[0][0]
    assert ring.shape == (5, 2) and np.allclose(ring[0], ring[-1])
    assert len(city.geometry) == 9 and all(len(rings) == 1 for rings in city.geometry)
    assert np.allclose(city.extra["area_km2"], 1.0)
    assert city.observed_crime is None and city.heldout == {}


def test_layer_of_a_geopackage(grid: Path) -> None:
    beats = gpd.GeoDataFrame(
        {"id": ["b"], "population": [5.0]}, geometry=[box(X0, Y0, X0 + 10, Y0 + 10)], crs=CRS
    )
    beats.to_file(grid, layer="other", engine="pyogrio")
    assert load_city(gis(grid, layer="other")).n_places == 1
    assert load_city(gis(grid, layer="grid")).n_places == 9
    # Unnamed, GDAL read the first layer, whichever the file was saved with first.
    with pytest.raises(CityDataError, match=r"holds 2 layers \(grid, other\); set city.layer"):
        load_city(gis(grid))


def test_an_area_drawn_twice_is_refused_but_slivers_pass(tmp_path: Path) -> None:
    """A duplicated feature (another id, the same ground) built a city with one more place."""
    frame = grid_frame()
    twice = pd.concat([frame, frame.iloc[[4]].assign(id="dup")], ignore_index=True)
    with pytest.raises(
        CityDataError, match=r"1 pair\(s\) of areas overlap .*: r1c1 and dup \(100%\)"
    ):
        load_city(gis(write_layer(gpd.GeoDataFrame(twice, crs=CRS), tmp_path / "twice.gpkg")))
    # Neighbours digitised 5% into each other stay neighbours.
    sliver = frame.copy()
    sliver.loc[0, "geometry"] = box(X0, Y0, X0 + SIDE * 1.05, Y0 + SIDE)
    assert load_city(gis(write_layer(sliver, tmp_path / "sliver.gpkg"))).n_places == 9


def test_crime_types_without_count_columns_are_refused(grid: Path) -> None:
    """They were ignored: the city built with no observed crime, as if they were not set."""
    with pytest.raises(ConfigError, match=r"city.crime_types .* no city.crime_columns"):
        load_city(gis(grid, crime_types=["violent"]))


# --------------------------------------------------------------------------- incidents


def test_incident_counts_by_hand(
    grid: Path, incidents: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="cspsim.city"):
        city = load_city(with_incidents(grid, incidents, crime_period_days=100))
    counts = np.zeros((9, 4))
    counts[0, V], counts[0, P] = 1, 2  # robbery; burglary + the theft on the shared edge
    counts[4, V], counts[4, D] = 1, 1
    counts[8, G] = 1
    assert np.allclose(city.observed_crime * 100, counts)
    assert np.allclose(city.extra["observed_property"], counts[:, P])
    text = messages(caplog)
    assert "1 of 8 incidents (12%) have no usable coordinates (first: row 8)" in text
    assert "1 of 7 incidents (14%) lie outside every area (first: row 7)" in text
    assert "1 incident(s) on a boundary shared by several areas" in text


def test_keyword_mapping_is_logged(
    grid: Path, incidents: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="cspsim.city"):
        load_city(with_incidents(grid, incidents))
    text = messages(caplog)
    for line in (
        "'ROBBERY' -> violent (keyword, 2)",
        "'BURGLARY' -> property (keyword, 1)",
        "'LARCENY/THEFT' -> property (keyword, 1)",
        "'Vandalism' -> disorder (keyword, 1)",
        "'NARCOTICS' -> drugs (keyword, 1)",
        "'ASSAULT' -> violent (keyword, 1)",
    ):
        assert line in text


@pytest.mark.parametrize(
    ("category", "kind"),
    [
        ("HOMICIDE", "violent"),
        ("Aggravated Assault", "violent"),
        ("ROBBERY - VEHICLE", "violent"),
        ("MOTOR VEHICLE THEFT", "property"),
        ("Larceny", "property"),
        ("CRIMINAL DAMAGE TO VEHICLE", "disorder"),
        ("Graffiti", "disorder"),
        ("CRIMINAL TRESPASS", "disorder"),
        ("DRUG/NARCOTIC", "drugs"),
        ("NON-CRIMINAL", None),
        ("WARRANTS", None),
    ],
)
def test_keyword_defaults(category: str, kind: str | None) -> None:
    from cspsim.city.gis_incidents import keyword_type

    assert keyword_type(category) == kind


def test_explicit_type_map(grid: Path, tmp_path: Path) -> None:
    rows = [
        (*centre(1), "Code 211", "2020-01-01"),
        (*centre(1), "code 211", "2020-01-02"),
        (*centre(2), "Code 999", "2020-01-03"),
        (*centre(3), "Robbery", "2020-01-04"),
    ]
    path = write_incidents(tmp_path / "coded.csv", rows)
    cfg = with_incidents(
        grid,
        path,
        type_map={"CODE 211": "violent", "Code 999": "ignore", "Robbery": "property"},
        type_keywords=False,
        crime_period_days=10,
    )
    city = load_city(cfg)
    assert city.observed_crime[1, V] * 10 == 2  # case-insensitive match
    assert np.nansum(city.observed_crime[2]) == 0  # ignored
    assert city.observed_crime[3, P] * 10 == 1  # the explicit map wins over keywords
    # Types no category maps to have no data (the model falls back to disadvantage).
    assert np.isnan(city.observed_crime[:, D]).all() and np.isnan(city.observed_crime[:, G]).all()


def test_point_layer_incidents_count_like_csv(grid: Path, incidents: Path, tmp_path: Path) -> None:
    rows = [r for r in INCIDENTS if r[0] != ""]
    points = gpd.GeoDataFrame(
        {"category": [r[2] for r in rows], "date": [r[3] for r in rows]},
        geometry=[Point(r[0], r[1]) for r in rows],
        crs=CRS,
    )
    layer = write_layer(points, tmp_path / "incidents.gpkg")
    from_csv = load_city(with_incidents(grid, incidents))
    cfg = gis(grid, incidents=str(layer), incident_type_column="category")
    from_points = load_city(cfg)
    assert np.array_equal(from_points.observed_crime, from_csv.observed_crime)


def test_lonlat_csv_is_the_default(grid: Path, tmp_path: Path) -> None:
    lonlat = gpd.GeoSeries([Point(centre(i)) for i in (0, 4, 4)], crs=CRS).to_crs(4326)
    frame = pd.DataFrame(
        {"Longitude": lonlat.x, "Latitude": lonlat.y, "category": ["Theft", "Theft", "Assault"]}
    )
    frame.to_csv(tmp_path / "lonlat.csv", index=False)
    cfg = gis(
        grid,
        incidents=str(tmp_path / "lonlat.csv"),
        incident_type_column="category",
        crime_period_days=1,
    )
    city = load_city(cfg)
    assert city.observed_crime[0, P] == 1 and city.observed_crime[4, P] == 1
    assert city.observed_crime[4, V] == 1


def test_calibration_years_hold_back_the_rest(grid: Path, incidents: Path) -> None:
    cfg = with_incidents(
        grid, incidents, incident_date_column="date", calibration_years=[2019, 2020]
    )
    city = load_city(cfg)
    # 2019 from the first incident (1 March: 306 days), 2020 whole (366), 2021 to 2 February.
    built = np.zeros((9, 4))
    built[0, V], built[0, P], built[4, V], built[4, D] = 1, 2, 1, 1
    assert np.allclose(city.observed_crime * (306 + 366), built)
    assert sorted(city.heldout) == ["2021"]
    held = city.heldout["2021"]
    assert held.days == 33
    expected = np.zeros((9, 4))
    expected[8, G] = 1
    assert np.array_equal(held.counts, expected)
    assert np.array_equal(city.extra["heldout_2021_drugs"], expected[:, G])


def test_all_years_build_the_city_by_default(grid: Path, incidents: Path) -> None:
    city = load_city(with_incidents(grid, incidents, incident_date_column="date"))
    assert city.heldout == {}
    assert city.observed_crime[8, G] == pytest.approx(1 / (306 + 366 + 33))


def test_unknown_calibration_year(grid: Path, incidents: Path) -> None:
    cfg = with_incidents(grid, incidents, incident_date_column="date", calibration_years=[2018])
    with pytest.raises(ConfigError, match=r"2018 not in .*incidents.csv.*2019, 2020, 2021"):
        load_city(cfg)


def test_crime_periods_from_columns(grid: Path, tmp_path: Path) -> None:
    frame = grid_frame()
    frame["v_a"], frame["v_b"] = np.arange(9.0), 2 * np.arange(9.0)
    frame["p_a"], frame["p_b"] = np.ones(9), np.zeros(9)
    areas = write_layer(frame, tmp_path / "periods.gpkg")
    cfg = gis(
        areas,
        crime_types=["violent", "property"],
        crime_periods={"early": ["v_a", "p_a"], "late": ["v_b", "p_b"]},
        period_days={"early": 10, "late": 20},
        calibration_periods=["early"],
    )
    city = load_city(cfg)
    assert np.allclose(city.observed_crime[:, V], np.arange(9) / 10)
    assert np.allclose(city.observed_crime[:, P], 0.1)
    assert np.isnan(city.observed_crime[:, D]).all()
    assert city.heldout["late"].days == 20
    assert np.array_equal(city.heldout["late"].counts[:, V], 2 * np.arange(9.0))
    assert np.isnan(city.heldout["late"].counts[:, G]).all()


# --------------------------------------------------------------------------- neighbourhoods


def beats(tmp_path: Path, split: float) -> Path:
    west = box(X0 - 10, Y0 - 10, X0 + split, Y0 + 3 * SIDE + 10)
    east = box(X0 + split, Y0 - 10, X0 + 3 * SIDE + 10, Y0 + 3 * SIDE + 10)
    frame = gpd.GeoDataFrame({"beat": ["West", "East"]}, geometry=[west, east], crs=CRS)
    return write_layer(frame.to_crs(4326), tmp_path / "beats.gpkg")


@pytest.mark.parametrize("method", ["overlap", "point"])
def test_neighbourhoods_by_overlay(grid: Path, tmp_path: Path, method: str) -> None:
    # West covers column 0 and 60% of column 1 (so it holds column 1's centre too).
    layer = beats(tmp_path, 1.6 * SIDE)
    cfg = gis(
        grid,
        neighbourhoods=str(layer),
        neighbourhood_name_column="beat",
        neighbourhood_method=method,
    )
    city = load_city(cfg)
    names = [city.neighbourhood_names[b] for b in city.neighbourhood]
    assert names == ["West", "West", "East"] * 3


def test_neighbourhood_overlap_follows_the_larger_share(grid: Path, tmp_path: Path) -> None:
    city = load_city(gis(grid, neighbourhoods=str(beats(tmp_path, 1.4 * SIDE))))
    # Without a name column neighbourhoods are numbered in file order (1 West, 2 East).
    names = [city.neighbourhood_names[b] for b in city.neighbourhood]
    assert names == ["1", "2", "2"] * 3


def test_area_outside_every_neighbourhood(grid: Path, tmp_path: Path) -> None:
    west = box(X0, Y0, X0 + SIDE, Y0 + 3 * SIDE)
    layer = write_layer(
        gpd.GeoDataFrame({"n": ["W"]}, geometry=[west], crs=CRS), tmp_path / "w.gpkg"
    )
    with pytest.raises(CityDataError, match=r"feature 2 \(id 'r0c1'\) lies outside every"):
        load_city(gis(grid, neighbourhoods=str(layer)))


# --------------------------------------------------------------------------- islands


def grid_with_island(tmp_path: Path) -> Path:
    frame = grid_frame()
    island = gpd.GeoDataFrame(
        {"id": ["island"], "population": [500.0]},
        geometry=[box(X0 + 5 * SIDE, Y0, X0 + 6 * SIDE, Y0 + SIDE)],
        crs=CRS,
    )
    both = pd.concat([frame[["id", "population", "geometry"]], island], ignore_index=True)
    return write_layer(gpd.GeoDataFrame(both, crs=CRS), tmp_path / "island.gpkg")


def test_islands(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    areas = grid_with_island(tmp_path)
    with pytest.raises(CityDataError, match=r"disconnected.*Islands .*'island'.*nearest"):
        load_city(gis(areas))
    largest = load_city(gis(areas, disconnected="largest"))
    assert largest.n_places == 9 and "island" not in largest.place_ids
    assert largest.geometry is not None and len(largest.geometry) == 9
    with caplog.at_level(logging.WARNING, logger="cspsim.city"):
        nearest = load_city(gis(areas, disconnected="nearest"))
    assert nearest.n_places == 10
    assert ("island", "r0c2") in edges(nearest)
    assert "linked each island or part to its nearest place" in messages(caplog)
    assert "'island'-'r0c2' (3.00 km)" in messages(caplog)


def test_nearest_is_gis_only(tmp_path: Path) -> None:
    cfg = CityConfig(kind="synthetic", disconnected="nearest")
    with pytest.raises(ConfigError, match="city.kind=gis only"):
        load_city(cfg)


# --------------------------------------------------------------------------- bad input


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gpkg"
    bad.write_text("this is not a GeoPackage")
    with pytest.raises(CityDataError, match=r"broken.gpkg: cannot be read as a GIS layer"):
        load_city(gis(bad))
    with pytest.raises(CityDataError, match=r"nowhere.shp: file not found"):
        load_city(gis(tmp_path / "nowhere.shp"))
    with pytest.raises(CityDataError, match=r"package 'no_such_pkg' is not installed"):
        load_city(CityConfig(kind="gis", areas="pkg://no_such_pkg/x.shp"))


def test_no_crs(tmp_path: Path) -> None:
    path = write_layer(grid_frame(), tmp_path / "grid.shp")
    path.with_suffix(".prj").unlink()
    with pytest.raises(CityDataError, match=r"grid.shp: the file declares no coordinate.*city.crs"):
        load_city(gis(path))
    assert load_city(gis(path, crs=CRS)).n_places == 9


def test_invalid_geometry_is_repaired_and_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    frame = grid_frame()
    x, y = X0 + 4 * SIDE, Y0
    bowtie = Polygon([(x, y), (x + SIDE, y + SIDE), (x + SIDE, y), (x, y + SIDE)])
    frame.loc[len(frame)] = ["bow", 10.0, 0.0, 0.0, 0.0, "x", bowtie]
    areas = write_layer(frame, tmp_path / "bowtie.gpkg")
    with caplog.at_level(logging.WARNING, logger="cspsim.city"):
        city = load_city(gis(areas, disconnected="largest"))
    assert "repaired 1 invalid polygon(s) with make_valid: feature 10 (id 'bow')" in messages(
        caplog
    )
    assert city.n_places == 9


def test_geometry_with_no_area_is_rejected(tmp_path: Path) -> None:
    frame = grid_frame()
    flat = Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0), (X0, Y0)])
    frame.loc[4, "geometry"] = flat
    areas = write_layer(frame, tmp_path / "flat.gpkg")
    with pytest.raises(CityDataError, match=r"feature 5 \(id 'r1c1'\): invalid polygon"):
        load_city(gis(areas))


def test_points_are_not_areas(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"id": ["a"], "population": [1.0]}, geometry=[Point(X0, Y0)], crs=CRS)
    areas = write_layer(frame, tmp_path / "points.gpkg")
    with pytest.raises(CityDataError, match=r"feature 1 \(id 'a'\): expected a Polygon"):
        load_city(gis(areas))


def test_duplicate_ids(tmp_path: Path) -> None:
    frame = grid_frame()
    frame.loc[5, "id"] = "r0c1"
    areas = write_layer(frame, tmp_path / "dup.gpkg")
    with pytest.raises(CityDataError, match=r"column 'id' feature 6 \(id 'r0c1'\): duplicate id"):
        load_city(gis(areas))


def test_bad_population(tmp_path: Path) -> None:
    frame = grid_frame()
    frame.loc[2, "population"] = -5.0
    areas = write_layer(frame, tmp_path / "neg.gpkg")
    with pytest.raises(CityDataError, match=r"'population' feature 3 \(id 'r0c2'\).*got '-5.0'"):
        load_city(gis(areas))
    with pytest.raises(CityDataError, match=r"missing column 'people'"):
        load_city(gis(areas, population_column="people"))


def test_population_table(grid: Path, tmp_path: Path) -> None:
    table = tmp_path / "pop.csv"
    pd.DataFrame({"GEOID": IDS, "pop": range(10, 19)}).to_csv(table, index=False)
    cfg = gis(
        grid,
        population_table=str(table),
        population_table_id_column="GEOID",
        population_column="pop",
    )
    assert np.array_equal(load_city(cfg).population, np.arange(10.0, 19.0))
    pd.DataFrame({"GEOID": IDS[:-1], "pop": range(8)}).to_csv(table, index=False)
    with pytest.raises(CityDataError, match=r"pop.csv: column 'GEOID': no row for area id 'r2c2'"):
        load_city(cfg)


def test_commercial_out_of_range(tmp_path: Path) -> None:
    frame = grid_frame()
    frame.loc[1, "shop"] = 40.0
    areas = write_layer(frame, tmp_path / "shop.gpkg")
    with pytest.raises(CityDataError, match=r"feature 2 \(id 'r0c1'\).*\[0, 1\], got 40"):
        load_city(gis(areas, commercial_column="shop"))


def test_most_incidents_without_coordinates(grid: Path, tmp_path: Path) -> None:
    rows = [("", "", "ROBBERY", "2020-01-01")] * 3 + [(*centre(0), "ROBBERY", "2020-01-01")]
    path = write_incidents(tmp_path / "nocoords.csv", rows)
    with pytest.raises(CityDataError, match=r"3 of 4 incidents \(75%\) have no usable"):
        load_city(with_incidents(grid, path))


def test_projected_coordinates_read_as_lonlat(grid: Path, incidents: Path) -> None:
    cfg = with_incidents(grid, incidents, incident_crs=None)
    with pytest.raises(CityDataError, match=r"have no usable coordinates.*city.incident_crs"):
        load_city(cfg)


def test_most_incidents_outside(grid: Path, tmp_path: Path) -> None:
    rows = [(X0 - 50_000, Y0, "ROBBERY", "2020-01-01")] * 2 + [(*centre(0), "THEFT", "")]
    path = write_incidents(tmp_path / "far.csv", rows)
    with pytest.raises(CityDataError, match=r"2 of 3 incidents \(67%\) lie outside every area"):
        load_city(with_incidents(grid, path))
    # The areas may be a part of the incidents' city (its pilot districts): then they count
    # the incidents inside and the others are dropped, whatever their share.
    city = load_city(with_incidents(grid, path, incidents_outside="ignore"))
    assert np.nansum(city.observed_crime) * 365 == pytest.approx(1.0)
    with pytest.raises(
        ConfigError, match=r"city.incidents_outside: expected one of error, ignore; got 'drop'"
    ):
        load_city(with_incidents(grid, path, incidents_outside="drop"))


def test_unknown_category(grid: Path, tmp_path: Path, caplog) -> None:
    rows = [*INCIDENTS[:3], (*centre(5), "LOST PROPERTY", "2020-01-01")]
    path = write_incidents(tmp_path / "lost.csv", rows)
    with pytest.raises(
        CityDataError,
        match=r"column 'category': 1 category with no model type: 'LOST PROPERTY' "
        r"\(1 incidents, first in row 4\)",
    ):
        load_city(with_incidents(grid, path))
    city = load_city(with_incidents(grid, path, unmapped="ignore"))
    assert np.nansum(city.observed_crime[5]) == 0


def test_bad_date(grid: Path, tmp_path: Path) -> None:
    rows = [*INCIDENTS[:2], (*centre(1), "THEFT", "31/02/2020")]
    path = write_incidents(tmp_path / "dates.csv", rows)
    cfg = with_incidents(grid, path, incident_date_column="date")
    with pytest.raises(CityDataError, match=r"column 'date' row 3: expected a date, got '31/02"):
        load_city(cfg)


def test_config_errors(grid: Path, incidents: Path) -> None:
    with pytest.raises(ConfigError, match="needs city.areas"):
        load_city(CityConfig(kind="gis"))
    with pytest.raises(ConfigError, match="incident_type_column"):
        load_city(gis(grid, incidents=str(incidents)))
    with pytest.raises(ConfigError, match="type_map.Foo: expected one of"):
        load_city(with_incidents(grid, incidents, type_map={"Foo": "arson"}))
    with pytest.raises(ConfigError, match="calibration_years needs city.incident_date_column"):
        load_city(with_incidents(grid, incidents, calibration_years=[2020]))
    with pytest.raises(ConfigError, match="one source"):
        load_city(with_incidents(grid, incidents, crime_columns=["a"], crime_types=["violent"]))


# --------------------------------------------------------------------------- cache


def test_cache_second_build_does_not_read(
    grid: Path, incidents: Path, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = with_incidents(grid, incidents, incident_date_column="date", calibration_years=[2019])
    stats = gis_module.STATS
    builds, hits = stats["builds"], stats["cache_hits"]
    first = load_city(cfg)
    assert stats["builds"] == builds + 1 and len(list(cache_dir.iterdir())) == 1
    with caplog.at_level(logging.INFO, logger="cspsim.city"):
        second = load_city(cfg)
    assert stats["builds"] == builds + 1 and stats["cache_hits"] == hits + 1
    assert "city read from the cache" in messages(caplog)
    assert "(cached build)" in messages(caplog)  # the build's warnings are shown again
    for name in ("population", "x", "y", "disadvantage", "neighbourhood", "observed_crime"):
        assert np.array_equal(getattr(first, name), getattr(second, name), equal_nan=True)
    assert edges(first) == edges(second)
    assert set(first.heldout) == set(second.heldout) == {"2020", "2021"}
    assert np.array_equal(first.heldout["2020"].counts, second.heldout["2020"].counts)
    assert all(
        np.array_equal(a, b)
        for ra, rb in zip(first.geometry, second.geometry, strict=True)
        for a, b in zip(ra, rb, strict=True)
    )
    # Changing an input file, or a setting, builds afresh.
    write_incidents(incidents, INCIDENTS[:-1])
    load_city(cfg)
    load_city(with_incidents(grid, incidents, crime_period_days=30))
    assert stats["builds"] == builds + 3
    entry = next(cache_dir.iterdir())
    assert {p.name for p in entry.iterdir()} == {"city.npz", "city.json"}


def test_failed_build_caches_nothing(grid: Path, tmp_path: Path, cache_dir: Path) -> None:
    frame = grid_frame()
    frame["population"] = 0.0
    areas = write_layer(frame, tmp_path / "empty.gpkg")
    with pytest.raises(CityDataError, match="total population is 0"):
        load_city(gis(areas))
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_cache_off(grid: Path, cache_dir: Path) -> None:
    builds = gis_module.STATS["builds"]
    load_city(gis(grid, cache=False))
    load_city(gis(grid, cache=False))
    assert gis_module.STATS["builds"] == builds + 2 and not cache_dir.exists()


def test_progress_bar_when_asked(grid: Path, capsys: pytest.CaptureFixture) -> None:
    load_city(gis(grid, progress=True, cache=False))
    assert "city=gis: assembling" in capsys.readouterr().err
    load_city(gis(grid, progress=False, cache=False))
    assert "city=gis" not in capsys.readouterr().err


# --------------------------------------------------------------------------- stl


def test_stl_builds_from_installed_libpysal() -> None:
    import libpysal
    from omegaconf import OmegaConf

    from cspsim.paths import CONFIG_DIR

    cfg = OmegaConf.merge(
        OmegaConf.structured(CityConfig), OmegaConf.load(CONFIG_DIR / "city/stl.yaml")
    )
    city = load_city(OmegaConf.to_object(cfg))
    assert city.n_places == 78 and city.n_neighbourhoods == 78
    shp = gpd.read_file(libpysal.examples.get_path("stl_hom.shp"))
    row = dict(zip(shp["FIPS"], range(78), strict=True))
    order = [row[i] for i in city.place_ids]
    assert np.allclose(city.observed_crime[:, V], shp["HC7984"].to_numpy()[order] / 2192)
    assert np.isnan(city.observed_crime[:, P:]).all()
    assert sorted(city.heldout) == ["1984-88", "1988-93"]
    assert np.array_equal(city.heldout["1988-93"].counts[:, V], shp["HC8893"].to_numpy()[order])
    assert city.heldout["1984-88"].days == 1827
    assert city.population.sum() == pytest.approx(shp["PO7984"].sum() / 6)
    # Rook contiguity from the polygons matches the GAL file libpysal ships with them.
    rook = load_city(OmegaConf.to_object(OmegaConf.merge(cfg, {"contiguity": "rook"})))
    gal = libpysal.io.open(libpysal.examples.get_path("stl_hom_rook.gal")).read()
    fips = dict(zip(shp["POLY_ID_OG"].astype(str), shp["FIPS"], strict=True))
    expected = {tuple(sorted((fips[a], fips[b]))) for a, n in gal.neighbors.items() for b in n}
    assert edges(rook) == expected


def test_stl_simulation_runs() -> None:
    from cspsim.api import make_config, simulate

    res = simulate(make_config(city="stl", days=10, overrides=["sim.burn_in_days=2"]))
    assert len(res.timeseries) == 10 and res.timeseries["crimes_true"].sum() > 0
    assert res.places["place_id"].nunique() == 78


# --------------------------------------------------------------------------- CLI


def test_cli_runs_a_gis_city(grid: Path, tmp_path: Path, cache_dir: Path) -> None:
    rows = [*INCIDENTS, (*centre(5), "LOST PROPERTY", "2020-01-01")]
    incidents = write_incidents(tmp_path / "incidents.csv", rows)
    out = tmp_path / "run"
    cli = str(Path(sys.executable).with_name("cspsim-run"))
    args = [
        cli,
        "city=gis",
        f"city.areas={grid}",
        f"city.incidents={incidents}",
        "city.incident_type_column=category",
        f"city.incident_crs={CRS}",
        "++city.type_map={LOST PROPERTY: ignore, LARCENY/THEFT: property}",
        "sim=short",
        "sim.days=5",
        "sim.burn_in_days=2",
        f"hydra.run.dir={out}",
    ]
    env = {**os.environ, "HYDRA_FULL_ERROR": "0", "CSPSIM_CACHE": str(cache_dir)}
    proc = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for table in ("timeseries", "places", "events", "survey"):
        assert (out / f"{table}.parquet").exists()
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 5
    assert set(pd.read_parquet(out / "places.parquet")["place_id"]) == set(IDS)
    assert "'LOST PROPERTY' -> ignore (type_map, 1)" in (out / "run.log").read_text()


# ----- inputs a probe of ~190 user files found mishandled ---------------------------------
def test_a_stray_date_does_not_add_years_without_crime(
    grid: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A 1900-01-01 placeholder once made 1900-2021 observed years: crime rates / 100."""
    many = [
        (*centre(i % 9), "ROBBERY", f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(200)
    ]
    strays = [(*centre(0), "ROBBERY", "1900-01-01"), (*centre(0), "ROBBERY", "2100-06-01")]

    def city(name: str, rows: list) -> object:
        path = write_incidents(tmp_path / name, rows)
        return load_city(with_incidents(grid, path, incident_date_column="date"))

    base = city("a.csv", INCIDENTS + many)
    with caplog.at_level(logging.WARNING, logger="cspsim.city"):
        stray = city("b.csv", INCIDENTS + many + strays)
    assert "2 incidents left out as stray dates (1900-01-01, 2100-06-01)" in messages(caplog)
    assert np.array_equal(stray.observed_crime, base.observed_crime, equal_nan=True)


def test_a_sparse_export_keeps_all_its_dates() -> None:
    from cspsim.city.gis_common import BuildLog
    from cspsim.city.gis_crime import main_span

    dates = pd.Series(pd.to_datetime([r[3] for r in INCIDENTS]))
    assert main_span(dates, "x", BuildLog()).all()  # 8 incidents over two years: no stray


def test_coordinates_that_cannot_be_in_the_declared_crs_are_refused(tmp_path: Path) -> None:
    lonlat = grid_frame().to_crs(4326)
    as_utm = write_layer(lonlat.set_crs(CRS, allow_override=True), tmp_path / "lonlat_as_utm.gpkg")
    with pytest.raises(
        CityDataError, match="look like longitude/latitude, but the CRS is WGS 84 / UTM"
    ):
        load_city(gis(as_utm))
    as_degrees = write_layer(
        grid_frame().set_crs(4326, allow_override=True), tmp_path / "utm_as_deg.gpkg"
    )
    with pytest.raises(CityDataError, match=r"are not longitude/latitude, but the CRS is WGS 84"):
        load_city(gis(as_degrees))
    assert load_city(gis(write_layer(lonlat, tmp_path / "lonlat.gpkg"))).n_places == 9


def test_an_unknown_incident_crs_names_the_setting(grid: Path, incidents: Path) -> None:
    with pytest.raises(ConfigError, match="city.incident_crs: not a known CRS: 'EPSG:99999'"):
        load_city(with_incidents(grid, incidents, incident_crs="EPSG:99999"))


def test_a_neighbourhood_layer_of_points_is_named_in_the_message(
    grid: Path, tmp_path: Path
) -> None:
    points = gpd.GeoDataFrame(
        {"beat": ["a", "b"]},
        geometry=[Point(X0 + 500, Y0 + 500), Point(X0 + 2500, Y0 + 500)],
        crs=CRS,
    )
    layer = write_layer(points, tmp_path / "points.gpkg")
    with pytest.raises(CityDataError, match="city.neighbourhoods must be a polygon layer"):
        load_city(gis(grid, neighbourhoods=str(layer), neighbourhood_name_column="beat"))


def test_a_date_in_another_format_than_the_first_says_so(grid: Path, tmp_path: Path) -> None:
    """'2020-01-30' is a valid date: the message once only said 'expected a date'."""
    rows = [(*centre(0), "THEFT", "01/02/2020"), (*centre(1), "THEFT", "2020-01-30")]
    path = write_incidents(tmp_path / "mixed.csv", rows)
    with pytest.raises(CityDataError, match=r"row 2: expected a date written like the first one"):
        load_city(with_incidents(grid, path, incident_date_column="date"))
