"""Time a ``city=gis`` build: 600 areas and 100,000 incidents, first build and cached build.

Writes synthetic files to a temporary directory: 600 Voronoi polygons (GeoPackage, in
longitude/latitude around San Francisco, so the build reprojects), a population table
(CSV), a neighbourhood layer of 30 beats, and 100,000 incidents (CSV with Longitude,
Latitude, Category, Date over three years, 0.5% outside the city, 0.2% without
coordinates). Then builds the city twice with an empty cache directory: the first build
reads everything, the second reads the cache.

Usage::

    .venv/bin/python benchmarks/bench_gis.py [--areas 600] [--incidents 100000]

The target (issue 12) is a first build under 10 s. Import time of geopandas and libpysal
(paid once per process) is reported separately.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CATEGORIES = {
    "LARCENY/THEFT": 0.35,
    "ASSAULT": 0.15,
    "VANDALISM": 0.12,
    "BURGLARY": 0.1,
    "VEHICLE THEFT": 0.1,
    "DRUG/NARCOTIC": 0.08,
    "ROBBERY": 0.05,
    "NON-CRIMINAL": 0.05,
}


def write_inputs(folder: Path, n_areas: int, n_incidents: int, seed: int = 0) -> dict:
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    side = 12_000.0  # metres: a city of 144 km2
    x0, y0 = 550_000.0, 4_170_000.0  # UTM 10N, San Francisco
    seeds = shapely.points(rng.uniform(0, side, (n_areas, 2)) + [x0, y0])
    frame = shapely.box(x0, y0, x0 + side, y0 + side)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    ids = [f"{i:06d}" for i in range(len(cells))]
    areas = gpd.GeoDataFrame(
        {"GEOID": ids, "poverty": rng.uniform(0, 0.4, len(cells))}, geometry=cells, crs=32610
    ).to_crs(4326)
    areas.to_file(folder / "areas.gpkg", engine="pyogrio")
    pd.DataFrame({"GEOID": ids, "pop": rng.integers(300, 3000, len(cells))}).to_csv(
        folder / "population.csv", index=False
    )
    beat_seeds = shapely.multipoints(rng.uniform(0, side, (30, 2)) + [x0, y0])
    beats = shapely.intersection(
        shapely.get_parts(shapely.voronoi_polygons(beat_seeds, extend_to=frame)), frame
    )
    gpd.GeoDataFrame(
        {"beat": [f"B{i:02d}" for i in range(len(beats))]}, geometry=beats, crs=32610
    ).to_file(folder / "beats.gpkg", engine="pyogrio")
    # Incidents cluster around a few hot spots; a few fall outside or lack coordinates.
    hot = rng.uniform(0, side, (40, 2)) + [x0, y0]
    pick = rng.integers(0, len(hot), n_incidents)
    xy = hot[pick] + rng.normal(0, 900, (n_incidents, 2))
    xy = np.clip(xy, [x0 + 1, y0 + 1], [x0 + side - 1, y0 + side - 1])
    outside = rng.random(n_incidents) < 0.005
    xy[outside] += 3 * side
    lonlat = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=32610).to_crs(4326)
    lon = lonlat.x.round(6).astype(str).to_numpy()
    lat = lonlat.y.round(6).astype(str).to_numpy()
    missing = rng.random(n_incidents) < 0.002
    lon[missing], lat[missing] = "", ""
    names, shares = list(CATEGORIES), np.array(list(CATEGORIES.values()))
    days = rng.integers(0, 3 * 365, n_incidents)
    dates = pd.Timestamp("2021-01-01") + pd.to_timedelta(days, unit="D")
    pd.DataFrame(
        {
            "Category": np.array(names)[
                rng.choice(len(names), n_incidents, p=shares / shares.sum())
            ],
            "Date": dates.strftime("%m/%d/%Y %H:%M"),
            "Longitude": lon,
            "Latitude": lat,
        }
    ).to_csv(folder / "incidents.csv", index=False)
    return {
        "kind": "gis",
        "areas": str(folder / "areas.gpkg"),
        "id_column": "GEOID",
        "population_table": str(folder / "population.csv"),
        "population_column": "pop",
        "disadvantage_columns": ["poverty"],
        "incidents": str(folder / "incidents.csv"),
        "incident_type_column": "Category",
        "incident_date_column": "Date",
        "incident_date_format": "%m/%d/%Y %H:%M",
        "type_map": {"NON-CRIMINAL": "ignore"},
        "calibration_years": [2021, 2022],
        "neighbourhoods": str(folder / "beats.gpkg"),
        "neighbourhood_name_column": "beat",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=600)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log the build and stage times"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("cspsim.city").setLevel(logging.DEBUG if args.verbose else logging.ERROR)

    start = time.perf_counter()
    from cspsim.city import gis, load_city  # geopandas, pyogrio, shapely, libpysal

    import_s = time.perf_counter() - start
    from cspsim.config.city import CityConfig

    with tempfile.TemporaryDirectory(prefix="bench-gis-") as tmp:
        folder = Path(tmp)
        os.environ["CSPSIM_CACHE"] = str(folder / "cache")
        settings = write_inputs(folder, args.areas, args.incidents)
        cfg = CityConfig(**settings)
        start = time.perf_counter()
        city = load_city(cfg)
        first = time.perf_counter() - start
        start = time.perf_counter()
        load_city(cfg)
        cached = time.perf_counter() - start
        assert gis.STATS == {"builds": 1, "cache_hits": 1}, gis.STATS
        sizes = sum(p.stat().st_size for p in (folder / "cache").rglob("*") if p.is_file())
    counted = int(np.nansum(city.extra["observed_property"]))
    print(f"city=gis: {city.n_places} areas, {args.incidents:,} incidents")
    print(f"  import geopandas+libpysal  {import_s:6.2f} s (once per process)")
    print(f"  first build                {first:6.2f} s (target < 10 s)")
    print(f"  cached build               {cached:6.3f} s (cache entry {sizes / 1e6:.1f} MB)")
    print(
        f"  {city.graph.number_of_edges()} queen edges, {city.n_neighbourhoods} beats, "
        f"held-out years {sorted(city.heldout)}, {counted:,} property incidents 2021-22"
    )


if __name__ == "__main__":
    main()
