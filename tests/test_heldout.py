"""Held-back periods as a test (``cspsim-validate --city``): statistics, verdicts, the CLI.

The fast checks use the tiny GIS grid of ``conftest.gis_files`` built from its ``early``
counts with ``late`` held back; the St Louis example (``city=stl``, six years of days per
period) is marked slow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import GIS_DATED_INCIDENTS, gis_city_overrides
from scipy import stats

from cspsim.validation import heldout as ho
from cspsim.validation.cli import main as validate_main


def grid_overrides(files: dict[str, Path]) -> list[str]:
    """The tiny GIS city built from ``early``, ``late`` (30 days) held back."""
    return [
        *gis_city_overrides(files),
        "city.neighbourhood_column=beat",
        "city.crime_types=[violent,property]",
        "city.crime_periods={early: [v_early, p_early], late: [v_late, p_late]}",
        "city.period_days={early: 30, late: 30}",
        "city.calibration_periods=[early]",
        "sim.burn_in_days=5",
    ]


def test_parse_city() -> None:
    assert ho.parse_city("stl") == ("stl", [])
    assert ho.parse_city("stl", ["seed=3"]) == ("stl", ["seed=3"])
    name, lines = ho.parse_city("city=gis city.areas=a.gpkg 'city.crime_types=[violent]'")
    assert name == "gis"
    assert lines == ["city.areas=a.gpkg", "city.crime_types=[violent]"]
    assert ho.parse_city("city.areas=x.shp") == ("gis", ["city.areas=x.shp"])


def test_top_overlap_by_hand() -> None:
    held = np.arange(20.0)  # top 10% = places 18, 19
    assert ho.top_overlap(held, held) == 1.0
    assert ho.top_overlap(-held, held) == 0.0
    fore = held.copy()
    fore[19] = -1  # the forecast misses place 19 and puts 17 in its top 2
    assert ho.top_overlap(fore, held) == 0.5


def test_compare_verdicts_and_statistics() -> None:
    rng = np.random.default_rng(0)
    held = rng.poisson(20, 60).astype(float)
    naive = held + rng.normal(0, 6, 60)  # a fair forecast
    good = np.stack([held + rng.normal(0, 0.5, 60) for _ in range(3)])  # near perfect
    bad = np.stack([rng.permutation(held) for _ in range(3)])  # no information
    row = ho.compare("late", "violent", 30, good, naive, held, n_boot=300)
    assert row.verdict == "beats" and row.passed
    assert row.model_rho == pytest.approx(stats.spearmanr(good.mean(axis=0), held).statistic)
    assert row.naive_rho == pytest.approx(stats.spearmanr(naive, held).statistic)
    assert row.diff == pytest.approx(row.model_rho - row.naive_rho)
    assert row.model_low < row.model_rho < row.model_high
    row = ho.compare("late", "violent", 30, bad, naive, held, n_boot=300)
    assert row.verdict == "worse than" and not row.passed
    assert "does NOT beat or match" in ho.sentence(row)
    row = ho.compare("late", "violent", 30, naive[None, :], naive, held, n_boot=300)
    assert row.verdict == "matches" and row.diff == pytest.approx(0.0)


def test_heldout_on_a_tiny_gis_grid(gis_files: dict[str, Path], tmp_path: Path) -> None:
    res = ho.heldout_check("gis", grid_overrides(gis_files), seeds=(1, 2), n_boot=200)
    t = res.table()
    assert list(t["period"].unique()) == ["late"]
    assert list(t["crime_type"]) == ["violent", "property", "all"]
    assert (t["days"] == 30).all() and (t["places"] == 16).all() and (t["seeds"] == 2).all()
    # The naive statistics are those of the files' columns, by hand.
    i = np.arange(16)
    v_early, v_late = 5 + (7 * i) % 13, 5 + (11 * i) % 13
    naive = t.set_index("crime_type").loc["violent", "naive_rho"]
    assert naive == pytest.approx(stats.spearmanr(v_early, v_late).statistic)
    assert set(t["verdict"]) <= {"beats", "matches", "worse than"}
    assert res.passed == all(t["verdict"] != "worse than")
    md = ho.write_heldout(res, tmp_path / "out", "test")
    text = md.read_text()
    assert "Held-back periods: gis" in text and "naive forecast" in text
    assert (tmp_path / "out" / "heldout.csv").exists()
    assert (tmp_path / "out" / "figures" / "heldout.png").stat().st_size > 1000


def test_withheld_city_is_compared_with_its_input_index(
    gis_files: dict[str, Path], tmp_path: Path
) -> None:
    """city.withhold_crime: built from population and disadvantage, every period held back."""
    from cspsim.api import make_config
    from cspsim.city import load_city

    lines = [*grid_overrides(gis_files), "city.withhold_crime=true"]
    cfg = make_config(city="gis", overrides=lines)
    city = load_city(cfg.city, seed=0)
    assert city.observed_crime is None and set(city.heldout) == {"early", "late"}
    res = ho.heldout_check("gis", lines, seeds=(1, 2), n_boot=200)
    t = res.table()
    assert res.withheld and (t["reference"] == "index").all()
    assert set(t["period"]) == {"early", "late"}
    # The reference is population x exp(beta x disadvantage), by hand.
    beta = cfg.params.crime.disadvantage_rate_effect
    index = city.population * np.exp(beta * city.disadvantage)
    i = np.arange(16)
    row = t[(t["period"] == "late") & (t["crime_type"] == "violent")].iloc[0]
    assert row["naive_rho"] == pytest.approx(stats.spearmanr(index, 5 + (11 * i) % 13).statistic)
    # Passing needs the dynamics to add information: matching the index is not enough.
    assert (t["passed"] == (t["verdict"] == "beats")).all()
    text = ho.write_heldout(res, tmp_path, "test").read_text()
    assert "input index alone" in text and "naive forecast" not in text


def test_matching_the_input_index_does_not_pass() -> None:
    rng = np.random.default_rng(1)
    held = rng.poisson(20, 60).astype(float)
    index = held + rng.normal(0, 6, 60)
    row = ho.compare("p", "violent", 30, index[None, :], index, held, 200, "index")
    assert row.verdict == "matches" and not row.passed
    assert "add no information" in ho.sentence(row)


def test_withhold_needs_crime_data(gis_files: dict[str, Path]) -> None:
    from cspsim.api import make_config
    from cspsim.city import load_city
    from cspsim.errors import ConfigError

    cfg = make_config(
        city="gis", overrides=[*gis_city_overrides(gis_files), "city.withhold_crime=true"]
    )
    with pytest.raises(ConfigError, match="withhold_crime needs crime data"):
        load_city(cfg.city, seed=0)


def test_a_city_without_held_back_periods_is_an_error(tmp_path: Path) -> None:
    from cspsim.errors import ConfigError

    with pytest.raises(ConfigError, match="no held-back period"):
        ho.heldout_check("columbus", seeds=(1,))


def test_validate_cli_city_option(gis_files: dict[str, Path], tmp_path: Path, capsys) -> None:
    spec = " ".join(f"'{o}'" for o in grid_overrides(gis_files))
    rc = validate_main(["--city", spec, "--seeds", "2", "--out", str(tmp_path), "--jobs", "1"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "late, violent" in out and "held-back test" in out
    assert (tmp_path / "heldout.md").exists()


@pytest.mark.slow
def test_stl_held_back_periods(tmp_path: Path) -> None:
    res = ho.heldout_check("stl", seeds=(1, 2, 3), jobs=2)
    t = res.table()
    assert list(t["period"]) == ["1984-88", "1988-93"]
    assert (t["crime_type"] == "violent").all() and (t["places"] == 78).all()
    # The naive forecast of the worked example in docs/cities.md.
    assert t["naive_rho"].round(2).tolist() == [0.81, 0.77]
    assert (t["model_rho"] > 0.5).all()


def test_validate_cli_city_built_from_dated_incidents(
    gis_files: dict[str, Path], tmp_path: Path, capsys
) -> None:
    """``cspsim-validate --city``: the GIS grid built from the December 2019 incidents
    (``city.calibration_years``), 2020 and the start of 2021 held back; the naive forecast
    and the periods' lengths checked by hand from the incidents file."""
    import shlex

    import pandas as pd
    from conftest import GIS_N, GIS_SIDE, GIS_X0, GIS_Y0

    lines = [
        *gis_city_overrides(gis_files),
        f"city.incidents={gis_files['incidents']}",
        *GIS_DATED_INCIDENTS,
        "sim.burn_in_days=5",
    ]
    out = tmp_path / "out"
    argv = ["--city", shlex.join(lines), "--seeds", "2", "--out", str(out), "--jobs", "1"]
    assert validate_main(argv) == 0
    printed = capsys.readouterr().out
    assert "2020, all" in printed and "held-back test" in printed
    t = pd.read_csv(out / "heldout.csv", dtype={"period": str})
    assert list(t["period"].unique()) == ["2020", "2021"]
    assert (t["places"] == 16).all() and (t["seeds"] == 2).all()
    assert "built from **2019**" in (out / "heldout.md").read_text()
    # By hand: each incident in its 1 km square, counted per year ("LOST PROPERTY" unmapped).
    inc = pd.read_csv(gis_files["incidents"])
    inc = inc[inc["category"] != "LOST PROPERTY"]
    date = pd.to_datetime(inc["date"], format="%d/%m/%Y")
    col = ((inc["east"] - GIS_X0) // GIS_SIDE).astype(int)
    row = ((inc["north"] - GIS_Y0) // GIS_SIDE).astype(int)
    place = row * GIS_N + col
    per_year = {
        y: np.bincount(place[date.dt.year == y], minlength=GIS_N * GIS_N) for y in (2019, 2020)
    }
    days = t.drop_duplicates("period").set_index("period")["days"]
    assert days["2020"] == 366  # a leap year inside the export
    last_2021 = date[date.dt.year == 2021].max()
    assert days["2021"] == last_2021.day_of_year  # the export ends there
    both = t.set_index(["period", "crime_type"]).loc[("2020", "all")]
    assert both["naive_rho"] == pytest.approx(
        stats.spearmanr(per_year[2019], per_year[2020]).statistic
    )
    # The model, built from one month, still ranks the next year's places.
    assert both["model_rho"] > 0.3
