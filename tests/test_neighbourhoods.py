"""Answers by neighbourhood and group, and the cost columns (issue 12, item 4).

Paired differences by neighbourhood are checked by hand on a made-up panel and against an
independent pandas reading of a small sweep's places tables; the choropleth is drawn for a
GIS city with polygons and for San Francisco (cells around points); group fairness and the
cost of each averted crime (Fieller) by hand; the comparison table's cost columns say what
the money bought (never "+0.00M" at equal budget).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import gis_city_overrides, tiny_config

from cspsim.analysis import costs
from cspsim.analysis import outcomes as oc
from cspsim.analysis import uncertainty as unc
from cspsim.analysis.neighbourhoods import (
    group_fairness,
    group_measures,
    hit_rates,
    least_helped,
    neighbourhood_draw_effects,
    neighbourhood_effects,
    neighbourhood_panel,
    with_draws,
)
from cspsim.analysis.runs import collect_runs
from cspsim.analysis.stats import mean_ci, ratio_ci
from cspsim.analysis.tables import comparison_table
from cspsim.api import make_config
from cspsim.city import load_city
from cspsim.config.draws import draw
from cspsim.output.runner import run_one
from cspsim.report.build import build_report, ordered_summary
from cspsim.report.neighbourhoods import neighbourhood_shapes, plot_choropleth

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reactive, a watch and a paid-on-top programme on three seeds of the tiny city."""
    root = tmp_path_factory.mktemp("nb_sweep")
    arms = {
        "reactive": ("reactive", []),
        "neighbourhood_watch": ("neighbourhood_watch", []),
        "root_causes": ("root_causes", ["strategy.equal_budget=false"]),
    }
    for name, (strategy, extra) in arms.items():
        for seed in SEEDS:
            run_one(tiny_config(strategy, seed, extra), root / name / f"seed_{seed}")
    return root


# ----------------------------------------------------------------- by hand


def test_neighbourhood_effects_by_hand() -> None:
    runs = pd.DataFrame(
        {
            "run_dir": ["b0", "b1", "s0", "s1"],
            "scenario": ["base", "base", "strat", "strat"],
            "seed": [0, 1, 0, 1],
        }
    )
    panel = pd.DataFrame(
        {
            "run_dir": ["b0", "b0", "b1", "b1", "s0", "s0", "s1", "s1"],
            "neighbourhood": ["N", "S"] * 4,
            "population": [100.0, 200.0] * 4,
            "crimes_true": [10.0, 40.0, 14.0, 40.0, 8.0, 50.0, 10.0, 54.0],
            "trust": [0.5, 0.4, 0.5, 0.4, 0.6, 0.4, 0.62, 0.38],
        }
    )
    eff = neighbourhood_effects(panel, runs, "base").set_index("neighbourhood")
    # North: paired differences -2 and -4 -> mean -3 on a baseline of 12 -> -25%.
    n = eff.loc["N"]
    m, lo, hi = mean_ci(np.array([-2.0, -4.0]))
    assert (n["crime_diff"], n["crime_low"], n["crime_high"]) == pytest.approx((m, lo, hi))
    assert n["crime_pct"] == pytest.approx(-25.0)
    assert n["base_crime"] == pytest.approx(12.0) and n["seeds"] == 2
    assert n["trust_diff"] == pytest.approx(0.11)
    # South: +10 and +14 on 40 -> +30%; trust 0 and -0.02.
    s = eff.loc["S"]
    assert s["crime_diff"] == pytest.approx(12.0) and s["crime_pct"] == pytest.approx(30.0)
    assert s["trust_diff"] == pytest.approx(-0.01)
    assert s["verdict"].startswith("fewer than")  # two seeds: no verdict
    # Least helped first: the South (crime up) before the North.
    assert list(least_helped(eff.reset_index(), k=2)["neighbourhood"]) == ["S", "N"]


def test_least_helped_lists_clear_harms_beyond_k() -> None:
    eff = pd.DataFrame(
        {
            "scenario": ["x"] * 3,
            "neighbourhood": ["a", "b", "c"],
            "crime_pct": [5.0, 1.0, -10.0],
            "crime_low": [-1.0, -1.0, -12.0],
            "crime_high": [9.0, 3.0, -8.0],
            "trust_diff": [0.0, 0.0, -0.05],
            "trust_low": [-0.01, -0.01, -0.07],
            "trust_high": [0.01, 0.01, -0.03],  # c: trust clearly down
            "seeds": [5, 5, 5],
        }
    )
    assert list(least_helped(eff, k=1)["neighbourhood"]) == ["a", "c"]


def test_group_fairness_by_hand() -> None:
    summary = pd.DataFrame(
        {
            "scenario": ["base", "base", "x", "x"],
            "seed": [0, 1, 0, 1],
            "stops_per_1000_a": [10.0, 12.0, 10.0, 14.0],
            "stops_per_1000_b": [20.0, 36.0, 30.0, 28.0],
            "mean_trust_group_a": [0.5, 0.6, 0.55, 0.6],
            "mean_trust_group_b": [0.4, 0.4, 0.5, 0.45],
        }
    )
    measures = {m["a"]: m for m in group_measures(summary)}
    assert measures["stops_per_1000_a"]["contrast"] == "ratio"
    assert measures["mean_trust_group_a"]["contrast"] == "gap"
    fair = group_fairness(summary, "base").set_index(["scenario", "measure"])
    stops = fair.loc[("x", "Stops")]
    assert stops["a"] == pytest.approx(12.0) and stops["b"] == pytest.approx(29.0)
    assert stops["contrast_mean"] == pytest.approx((3.0 + 2.0) / 2)  # 30/10, 28/14
    assert stops["change_b"] == pytest.approx(((30 - 20) + (28 - 36)) / 2)
    trust = fair.loc[("x", "Trust in police")]
    assert trust["contrast_mean"] == pytest.approx(((0.5 - 0.55) + (0.45 - 0.6)) / 2)
    assert np.isnan(fair.loc[("base", "Stops"), "change_a"])


def test_fieller_ratio_by_hand() -> None:
    # No noise in the denominator: the interval is the numerator's t-interval over it.
    num = np.array([10.0, 12.0, 14.0])
    den = np.array([2.0, 2.0, 2.0])
    r, lo, hi = ratio_ci(num, den)
    m, mlo, mhi = mean_ci(num)
    assert (r, lo, hi) == pytest.approx((m / 2, mlo / 2, mhi / 2))
    # A denominator not clearly above zero: unbounded.
    r, lo, hi = ratio_ci(num, np.array([1.0, -1.0, 0.5]))
    assert np.isfinite(r) and lo == -np.inf and hi == np.inf


# ----------------------------------------------------------------- a small sweep


def test_panel_and_effects_match_the_places_tables(sweep: Path) -> None:
    rs = collect_runs(sweep)
    panel = neighbourhood_panel(rs)
    eff = neighbourhood_effects(panel, rs.runs, "reactive")
    # An independent reading: true crime per neighbourhood and year from the places files.
    by = {}
    for r in rs.runs.itertuples():
        city = load_city(tiny_config().city, seed=r.seed)  # synthetic: a city per seed
        pop = dict(zip(map(str, city.place_ids), city.population, strict=True))
        p = pd.read_parquet(Path(r.run_dir) / "places.parquet")
        crime = p.groupby("neighbourhood")["crimes_true"].sum() * 365.0 / r.days
        last = p[p["month"] == p["month"].max()].copy()
        last["w"] = last["place_id"].astype(str).map(pop)
        trust = last.groupby("neighbourhood").apply(
            lambda g: np.average(g["mean_trust"], weights=g["w"]), include_groups=False
        )
        by[(r.scenario, r.seed)] = (crime, trust)
    for scenario in ("neighbourhood_watch", "root_causes"):
        for nb in ("nb0", "nb1", "nb3"):
            d = [by[(scenario, s)][0][nb] - by[("reactive", s)][0][nb] for s in SEEDS]
            t = [by[(scenario, s)][1][nb] - by[("reactive", s)][1][nb] for s in SEEDS]
            row = eff.set_index(["scenario", "neighbourhood"]).loc[(scenario, nb)]
            assert row["crime_diff"] == pytest.approx(np.mean(d))
            assert (row["crime_low"], row["crime_high"]) == pytest.approx(mean_ci(np.array(d))[1:])
            assert row["trust_diff"] == pytest.approx(np.mean(t))
            assert row["seeds"] == len(SEEDS)


def test_hit_rates_are_stop_weighted(sweep: Path) -> None:
    rs = collect_runs(sweep)
    hits = hit_rates(rs).set_index("run_dir")
    d = rs.runs.iloc[0]["run_dir"]
    ts = pd.read_parquet(Path(d) / "timeseries.parquet")
    ok = ts["hit_rate_group_b"].notna()
    want = (ts.loc[ok, "hit_rate_group_b"] * ts.loc[ok, "stops_group_b"]).sum() / ts.loc[
        ok, "stops_group_b"
    ].sum()
    assert hits.loc[d, "hit_rate_b"] == pytest.approx(want)


def test_cost_columns_say_what_the_money_bought(sweep: Path) -> None:
    rs = collect_runs(sweep)
    summary = ordered_summary(rs)
    table = comparison_table(summary, "reactive").set_index("Scenario")
    assert "Cost, $M/yr" not in table.columns
    assert not table.astype(str).apply(lambda c: c.str.contains(r"\+0\.00M")).any().any()
    watch = table.loc["neighbourhood_watch"]
    assert watch["Extra cost per year"] == "equal budget"
    assert "officer-hours" in watch["What the money bought, per year"]
    assert "watch" in watch["What the money bought, per year"]
    paid = table.loc["root_causes"]
    assert paid["Extra cost per year"].startswith("+$")
    assert "responders" in paid["What the money bought, per year"]
    assert "officer-hours" not in paid["What the money bought, per year"]  # paid on top
    eff = costs.cost_effects(summary, "reactive").set_index("scenario")
    assert not eff.loc["root_causes", "equal_budget"] and eff.loc["root_causes", "extra"] > 0
    assert eff.loc["neighbourhood_watch", "equal_budget"]
    # The extra cost is the paired difference in spending, by hand.
    s = summary.set_index(["scenario", "seed"])["cost"]
    extra = [s[("root_causes", k)] - s[("reactive", k)] for k in SEEDS]
    assert eff.loc["root_causes", "extra"] == pytest.approx(np.mean(extra))
    # What it bought: units from the run's unit costs.
    items = costs.bought(summary, "reactive", "scenario", costs.unit_costs(rs.runs))
    w = items[(items["scenario"] == "neighbourhood_watch") & (items["item"] == "watch")].iloc[0]
    unit = rs.runs.iloc[0]["meta"]["config"]["params"]["costs"]["watch_place_month"]
    assert w["units"] == pytest.approx(w["dollars"] / (12 * unit))


def test_report_has_maps_least_helped_fairness_and_costs(sweep: Path, tmp_path: Path) -> None:
    md = build_report(sweep, tmp_path)
    text = md.read_text()
    for section in (
        "By neighbourhood: where each scenario helps",
        "Where each scenario helps least or harms",
        "Fairness: who is stopped and arrested",
        "Stops that found something",
        "Complaints",
        "Cost: what the money bought",
        "$ per crime averted",
    ):
        assert section in text, section
    for fig in ("neighbourhoods_crime.png", "neighbourhoods_trust.png"):
        assert (tmp_path / "figures" / fig).stat().st_size > 5000
    eff = pd.read_csv(tmp_path / "neighbourhood_effects.csv")
    assert set(eff["scenario"]) == {"neighbourhood_watch", "root_causes"}
    # No ensemble: seeds only, as before.
    assert "pi_crime_pct" not in eff and "With parameter uncertainty" not in text


# ----------------------------------------------------------------- maps


def _values(names: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(
        {
            "scenario": "x",
            "neighbourhood": names,
            "value": rng.normal(0, 10, len(names)),
            "clear": rng.random(len(names)) < 0.3,
        }
    )


def test_choropleth_of_a_gis_city_uses_its_polygons(
    gis_files: dict[str, Path], tmp_path: Path
) -> None:
    cfg = make_config(
        city="gis", overrides=[*gis_city_overrides(gis_files), "city.neighbourhood_column=beat"]
    )
    city = load_city(cfg.city)
    shapes = neighbourhood_shapes(city)
    assert sorted(shapes["neighbourhood"]) == ["east", "west"]
    # Each beat is two columns of four 1 km squares: a rectangle, no gaps, no cells.
    west = shapes.set_index("neighbourhood").geometry["west"]
    minx, miny, maxx, maxy = west.bounds
    assert west.area == pytest.approx((maxx - minx) * (maxy - miny), rel=2e-3)
    assert (maxy - miny) / (maxx - minx) == pytest.approx(2.0, rel=0.01)  # squeezed lon
    path = tmp_path / "gis.png"
    plot_choropleth(_values(["east", "west"]), shapes, path, ["x"], "t", "v")
    assert path.stat().st_size > 2000


def test_choropleth_of_san_francisco_from_points(tmp_path: Path) -> None:
    city = load_city(make_config(city="sf2012").city)
    shapes = neighbourhood_shapes(city)
    assert len(shapes) == city.n_neighbourhoods
    assert shapes.geometry.is_valid.all() and (shapes.geometry.area > 0).all()
    # Cells tile the city: the shapes barely overlap.
    union = shapes.geometry.union_all().area
    assert union == pytest.approx(shapes.geometry.area.sum(), rel=1e-6)
    path = tmp_path / "sf.png"
    plot_choropleth(_values(list(shapes["neighbourhood"])), shapes, path, ["x"], "t", "v", "higher")
    assert path.stat().st_size > 5000


# ----------------------------------------------------------------- with parameter draws


def test_draw_effects_by_hand() -> None:
    """Per draw: the paired percent change and trust difference; over draws: the mean and
    the prediction interval of :mod:`cspsim.analysis.uncertainty`; seeds give the share."""
    base_c = {"N": [10.0, 20.0, 40.0], "S": [50.0, 50.0, 50.0]}
    strat_c = {"N": [9.0, 16.0, 30.0], "S": [59.0, 60.0, 61.0]}  # N: -10/-20/-25%; S: up
    base_t = {"N": [0.5, 0.5, 0.5], "S": [0.4, 0.4, 0.4]}
    strat_t = {"N": [0.52, 0.55, 0.56], "S": [0.37, 0.365, 0.375]}
    rows, runs = [], []
    for d in range(3):
        for scen, crime, trust in (("base", base_c, base_t), ("strat", strat_c, strat_t)):
            run = f"{scen}{d}"
            runs.append({"run_dir": run, "scenario": scen, "draw": d})
            for nb in ("N", "S"):
                rows.append(
                    {
                        "run_dir": run,
                        "neighbourhood": nb,
                        "population": 100.0,
                        "crimes_true": crime[nb][d],
                        "trust": trust[nb][d],
                    }
                )
    panel, runs = pd.DataFrame(rows), pd.DataFrame(runs)
    fx = neighbourhood_draw_effects(panel, runs, "base").set_index("neighbourhood")
    assert list(fx["scenario"]) == ["strat", "strat"] and (fx["draws"] == 3).all()
    m, lo, hi = unc.prediction_interval(np.array([-10.0, -20.0, -25.0]))
    n = fx.loc["N"]
    assert (n["pi_crime_pct"], n["pi_crime_low"], n["pi_crime_high"]) == pytest.approx((m, lo, hi))
    m, lo, hi = unc.prediction_interval(np.array([0.02, 0.05, 0.06]))
    assert (n["pi_trust_diff"], n["pi_trust_low"], n["pi_trust_high"]) == pytest.approx((m, lo, hi))
    # A prediction interval is wider than the t-CI of the same values (sqrt(n + 1)).
    _, clo, chi = mean_ci(np.array([-10.0, -20.0, -25.0]))
    assert n["pi_crime_high"] - n["pi_crime_low"] == pytest.approx(2.0 * (chi - clo))
    s = fx.loc["S"]
    assert s["pi_crime_pct"] == pytest.approx(20.0) and s["pi_crime_low"] > 0
    assert s["verdict_draws"] == "more crime, less trust"
    assert np.isnan(s["parameter_share_crime"])  # no seed replicates
    # Seed replicates at the default parameters: the share of variance from parameters.
    seed_runs = runs.rename(columns={"draw": "seed"}).assign(run_dir=lambda r: "s" + r["run_dir"])
    seed_panel = panel.assign(run_dir="s" + panel["run_dir"])
    seed_panel.loc[seed_panel["run_dir"] == "sstrat1", "crimes_true"] = [17.0, 60.0]
    seed_panel.loc[seed_panel["run_dir"] == "sstrat2", "crimes_true"] = [36.0, 60.0]
    with_seeds = neighbourhood_draw_effects(panel, runs, "base", seed_panel, seed_runs)
    north = with_seeds.set_index("neighbourhood").loc["N"]
    seed_sd = np.std([-10.0, -15.0, -10.0], ddof=1)
    draw_sd = np.std([-10.0, -20.0, -25.0], ddof=1)
    assert north["parameter_share_crime"] == pytest.approx(1 - seed_sd**2 / draw_sd**2)
    assert 0.5 < north["parameter_share_crime"] < 1
    # Least helped: ranked by the mean over draws; a harm over the draws is listed even
    # where the seeds (two here) say nothing.
    seeds = pd.DataFrame(
        {
            "scenario": "strat",
            "neighbourhood": ["N", "S"],
            "crime_pct": [5.0, -1.0],  # seeds alone would rank N first
            "crime_low": [np.nan, np.nan],
            "crime_high": [np.nan, np.nan],
            "trust_diff": [0.0, 0.0],
            "trust_low": [np.nan, np.nan],
            "trust_high": [np.nan, np.nan],
            "seeds": [2, 2],
        }
    )
    both = with_draws(seeds, fx.reset_index())
    assert list(least_helped(both, k=1)["neighbourhood"]) == ["S"]
    assert list(least_helped(seeds, k=1)["neighbourhood"]) == ["N"]
    assert list(least_helped(both, k=0)["neighbourhood"]) == ["S"]
    assert least_helped(both.assign(pi_crime_low=-1.0, pi_trust_high=1.0), k=0).empty


#: The ensemble: seeds at the default parameters and parameter draws, each its own seed.
ENSEMBLE_DRAWS = 3


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reactive and a watch on three seeds and under three parameter draws, laid out as
    ``cspsim-demo`` lays them out (``<strategy>/seed_<k>``, ``<strategy>/draw_<i>``)."""
    root = tmp_path_factory.mktemp("nb_ensemble")
    draws = draw(ENSEMBLE_DRAWS, seed=11)
    for strategy in ("reactive", "neighbourhood_watch"):
        for seed in SEEDS:
            run_one(tiny_config(strategy, seed), root / strategy / f"seed_{seed}")
        for i in range(ENSEMBLE_DRAWS):
            cfg = tiny_config(strategy, draws.seed(i), draws.overrides(i))
            run_one(cfg, root / strategy / f"draw_{i}")
    (root / unc.DRAWS_FILE).parent.mkdir(parents=True)
    draws.table.to_csv(root / unc.DRAWS_FILE, index=False)
    return root


def test_report_gives_neighbourhood_effects_with_parameter_uncertainty(
    ensemble: Path, tmp_path: Path
) -> None:
    text = build_report(ensemble, tmp_path).read_text()
    section = text.split("## By neighbourhood")[1].split("\n## ")[0]
    assert f"{ENSEMBLE_DRAWS} parameter draws" in section
    assert "With parameter uncertainty (PI)" in section and "(seeds, CI)" in section
    eff = pd.read_csv(tmp_path / "neighbourhood_effects.csv")
    assert (eff["seeds"] == len(SEEDS)).all() and (eff["draws"] == ENSEMBLE_DRAWS).all()
    # The seeds-only effects are those of the default-parameter runs alone ...
    rs = collect_runs(ensemble)
    seed_runs = rs.runs[rs.runs["run_dir"].map(lambda d: Path(d).name.startswith("seed_"))]
    draw_runs = rs.runs[rs.runs["run_dir"].map(lambda d: Path(d).name.startswith("draw_"))]
    seeds_only = neighbourhood_effects(
        neighbourhood_panel(replace_runs(rs, seed_runs)), seed_runs, "reactive"
    )
    got = eff.set_index(["scenario", "neighbourhood"])
    want = seeds_only.set_index(["scenario", "neighbourhood"])
    for col in ("crime_diff", "crime_low", "crime_high", "trust_diff", "trust_low"):
        assert got[col].to_numpy() == pytest.approx(want.loc[got.index, col].to_numpy())
    # ... and the draws' intervals are those of each draw paired with the baseline's draw.
    draw_of = {f"draw_{i}": i for i in range(ENSEMBLE_DRAWS)}
    panel = neighbourhood_panel(replace_runs(rs, draw_runs)).merge(
        draw_runs[["run_dir", "scenario"]], on="run_dir"
    )
    panel["draw"] = panel["run_dir"].map(lambda d: draw_of[Path(d).name])
    wide = panel.pivot_table(
        index=["neighbourhood", "draw"], columns="scenario", values=["crimes_true", "trust"]
    )
    for nb in got.loc["neighbourhood_watch"].index:
        w = wide.loc[nb]
        b = w[("crimes_true", "reactive")].to_numpy()
        pct = 100 * (w[("crimes_true", "neighbourhood_watch")].to_numpy() - b) / b
        row = got.loc[("neighbourhood_watch", nb)]
        want_pi = unc.prediction_interval(pct)
        assert (row["pi_crime_pct"], row["pi_crime_low"], row["pi_crime_high"]) == pytest.approx(
            want_pi
        )
        dt = (w[("trust", "neighbourhood_watch")] - w[("trust", "reactive")]).to_numpy()
        assert row["pi_trust_diff"] == pytest.approx(dt.mean())
        assert 0.0 <= row["parameter_share_crime"] <= 1.0
    assert oc.outcome("crimes_true").compare == "pct"  # the unit the PI is in


def replace_runs(rs, runs: pd.DataFrame):
    """``rs`` with only the given runs."""
    from dataclasses import replace

    return replace(rs, runs=runs.reset_index(drop=True))
