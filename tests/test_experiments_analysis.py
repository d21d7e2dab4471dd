"""Estimators and aggregation of the experiments, on data with known answers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_config
from SALib.test_functions import Ishigami

from cspsim.analysis import calibration
from cspsim.analysis.aggregate import place_totals, run_summaries
from cspsim.analysis.did import did, did_2x2, event_study
from cspsim.analysis.runs import collect_runs
from cspsim.experiments import calibrate, frontier
from cspsim.experiments.sensitivity import global_sensitivity, make_problem
from cspsim.experiments.sweep import MANIFEST, dirname, split_grid
from cspsim.output import read_run_json, write_json_atomic
from cspsim.output.runner import run_one

# --------------------------------------------------------------------------- DiD


def synthetic_panel(effect: float, seed: int = 0) -> pd.DataFrame:
    """Places in neighbourhoods, half of them treated from month 6, with known effect."""
    rng = np.random.default_rng(seed)
    places, months, nbs = 240, 12, 40
    nb = np.arange(places) // (places // nbs)
    treated_nb = rng.permutation(nbs)[: nbs // 2]
    treated = np.isin(nb, treated_nb)
    place_fe = rng.normal(10, 3, places)
    month_fe = rng.normal(0, 1, months)
    shock = rng.normal(0, 0.8, (nbs, months))  # neighbourhood-month shocks: clustering matters
    p, t = np.meshgrid(np.arange(places), np.arange(months), indexing="ij")
    p, t = p.ravel(), t.ravel()
    y = (
        place_fe[p]
        + month_fe[t]
        + shock[nb[p], t]
        + effect * (treated[p] & (t >= 6))
        + rng.normal(0, 2, len(p))
    )
    return pd.DataFrame(
        {
            "place_id": p,
            "month": t,
            "treated": treated[p],
            "neighbourhood": nb[p],
            "y": y,
        }
    )


def test_did_recovers_a_known_effect() -> None:
    covered, estimates = 0, []
    for seed in range(40):
        e = did(synthetic_panel(-2.0, seed), "y", start=6)
        estimates.append(e.coef)
        covered += e.ci_low <= -2.0 <= e.ci_high
        assert e.clusters == 40
    assert abs(np.mean(estimates) + 2.0) < 0.1  # unbiased
    assert covered >= 34  # about 95% of the 95% CIs cover the truth (binomial, 40 draws)


def test_did_finds_nothing_without_an_effect() -> None:
    e = did(synthetic_panel(0.0, seed=7), "y", start=6)
    assert e.ci_low < 0 < e.ci_high


def test_event_study_is_flat_before_and_at_the_effect_after() -> None:
    es = event_study(synthetic_panel(-3.0, seed=3), "y", start=6).set_index("rel")
    assert es.loc[-1, "coef"] == 0.0  # the reference month
    pre = es.loc[list(range(-6, -1))]
    assert ((pre["ci_low"] < 0) & (pre["ci_high"] > 0)).sum() >= 4  # no pre-trend
    assert es.loc[list(range(0, 6)), "coef"].mean() == pytest.approx(-3.0, abs=0.5)
    assert (es.loc[list(range(0, 6)), "ci_high"] < 0).mean() >= 0.8


def test_two_by_two_did_on_respondents() -> None:
    rng = np.random.default_rng(1)
    n = 4000
    df = pd.DataFrame(
        {
            "treated": rng.random(n) < 0.5,
            "post": rng.random(n) < 0.5,
            "neighbourhood": rng.integers(0, 30, n),
        }
    )
    df["y"] = 3 + 0.2 * df["treated"] - 0.1 * df["post"] + 0.5 * df["treated"] * df["post"]
    df["y"] += rng.normal(0, 1, n)
    e = did_2x2(df, "y")
    assert e.ci_low < 0.5 < e.ci_high and e.coef == pytest.approx(0.5, abs=0.15)


# --------------------------------------------------------------------------- sensitivity


def test_sobol_indices_of_ishigami_through_the_driver() -> None:
    """The simulator's code path (Morris, then Sobol) on a function with known indices."""
    problem = make_problem({f"x{i}": [-np.pi, np.pi] for i in (1, 2, 3)})
    calls = []

    def evaluate(stage: str, X: np.ndarray) -> np.ndarray:
        calls.append((stage, len(X)))
        return Ishigami.evaluate(X)[:, None]

    res = global_sensitivity(problem, evaluate, ["y"], trajectories=20, sobol_n=1024, seed=2)
    assert [s for s, _ in calls] == ["morris", "sobol"]
    assert calls[1][1] == 1024 * (3 + 2)
    s = res.sobol.set_index("parameter")
    # Analytical values (a=7, b=0.1): S1 = .314, .442, 0; ST = .558, .442, .244.
    for name, s1, st in (("x1", 0.314, 0.558), ("x2", 0.442, 0.442), ("x3", 0.0, 0.244)):
        assert s.loc[name, "S1"] == pytest.approx(s1, abs=0.06), name
        assert s.loc[name, "ST"] == pytest.approx(st, abs=0.06), name
    # Morris ranks x3 as influential (through its interaction), not as noise.
    assert (res.morris["mu_star_norm"] > 0.3).all()


def test_morris_screening_keeps_the_top_parameters() -> None:
    names = [f"p{i}" for i in range(10)]
    problem = make_problem({n: [0.0, 1.0] for n in names})
    weights = np.array([5.0, 3.0, 0.0, 0, 0, 0, 0, 0, 0, 0.01])

    def evaluate(stage: str, X: np.ndarray) -> np.ndarray:
        return (X @ weights)[:, None]

    res = global_sensitivity(problem, evaluate, ["y"], trajectories=6, sobol_n=64, top=2)
    assert res.selected == ["p0", "p1"]
    assert set(res.sobol["parameter"]) == {"p0", "p1"}


# --------------------------------------------------------------------------- designs


def test_budget_frontier_splits() -> None:
    splits = frontier.splits(0.25, 0.5)
    assert (1.0, 0.0, 0.0) in splits and (0.0, 0.5, 0.5) in splits
    assert all(abs(sum(s) - 1) < 1e-9 and s[2] <= 0.5 for s in splits)
    assert len(splits) == 12
    lines = frontier.arm_overrides((0.5, 0.25, 0.25), frontier.DEFAULT_MIX)
    assert "strategy.name=p50_c25_g25" in lines
    assert "strategy.patrol.community_share=0.333333" in lines
    assert "strategy.programs.youth_jobs_share=0.125" in lines


def test_calibration_loss_and_list_overrides() -> None:
    targets = {"a": (0.4, 0.6, 1.0), "b": (0.0, 1.0, 2.0)}
    assert calibration.loss({"a": 0.5, "b": 0.5}, targets) == 0.0
    assert calibration.loss({"a": 0.6, "b": 0.5}, targets) == pytest.approx(1.0)
    assert calibration.loss({"a": 0.5, "b": np.nan}, targets) == float("inf")
    from omegaconf import OmegaConf

    cfg = OmegaConf.create({"params": {"reporting": {"base_probability": [0.4, 0.3, 0.2, 0.1]}}})
    lines = calibrate.parameter_overrides(
        {"params.reporting.base_probability.1": 0.25, "params.x": 2.0}, cfg
    )
    assert lines == ["params.x=2.0", "params.reporting.base_probability=[0.4,0.25,0.2,0.1]"]


def test_run_directory_names() -> None:
    common, vary = split_grid([["city=x", "seed=0"], ["city=x", "seed=1"]])
    assert common == ["city=x"] and vary == [["seed=0"], ["seed=1"]]
    assert dirname(["strategy=a", "seed=1"]) == "seed=1,strategy=a"
    long = dirname([f"params.group.parameter_{i}=0.123456789" for i in range(10)])
    assert len(long) <= 120 and long.endswith(long[-8:])
    assert "/" not in dirname(["city.nodes=/data/nodes.csv"])


# --------------------------------------------------------------------------- aggregation


@pytest.fixture(scope="module")
def tiny_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seeds of two strategies written by the runner (no Hydra)."""
    root = tmp_path_factory.mktemp("runs")
    for strategy in ("reactive", "hotspot"):
        for seed in (0, 1):
            run_one(tiny_config(strategy, seed), root / f"seed={seed},strategy={strategy}")
    return root


def summarize_run(run_dir: Path) -> dict[str, float]:
    """An independent reader of one run (pandas, whole tables): the reference for DuckDB."""
    meta = read_run_json(run_dir) or {}
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    per_year = 365.0 / max(len(ts), 1)
    last = ts.tail(min(30, len(ts)))
    pop = float(meta["population"])
    pop_b = pop * float(meta["config"]["params"]["residents"]["group_b_share"])
    survey = pd.read_parquet(run_dir / "survey.parquet")
    return {
        **{c: float(ts[c].sum()) * per_year for c in ("crimes_true", "crimes_recorded", "arrests")},
        "trust": float(last["mean_trust"].mean()),
        "reporting_rate": float(ts["reports"].sum() / max(ts["victimizations"].sum(), 1)),
        "cost": float(ts["budget_spent"].sum()) * per_year,
        "negative_per_1000_a": float(ts["contacts_negative_group_a"].sum())
        * per_year
        / max(pop - pop_b, 1)
        * 1000,
        "negative_per_1000_b": float(ts["contacts_negative_group_b"].sum())
        * per_year
        / max(pop_b, 1)
        * 1000,
        "satisfaction": float(
            survey.loc[survey["day"] == survey["day"].max(), "satisfaction"].mean()
        ),
    }


def test_place_totals_come_in_one_order(tiny_runs: Path) -> None:
    # A GROUP BY's rows come in any order; the tables built on them (displacement, maps)
    # must not, so the totals are ordered by run and place.
    rs = collect_runs(tiny_runs)
    first = place_totals(rs, ["crimes_true"])
    keys = list(zip(first["run_dir"].astype(str), first["place_id"].astype(str), strict=True))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    again = place_totals(rs, ["crimes_true"])
    pd.testing.assert_frame_equal(first, again)


def test_duckdb_summaries_match_the_per_run_reader(tiny_runs: Path) -> None:
    summary = run_summaries(collect_runs(tiny_runs)).set_index("run_dir")
    for run_dir in summary.index:
        one = summarize_run(Path(run_dir))
        for m in (
            "crimes_true",
            "crimes_recorded",
            "trust",
            "reporting_rate",
            "cost",
            "arrests",
            "negative_per_1000_a",
            "negative_per_1000_b",
            "satisfaction",
        ):
            assert summary.loc[run_dir, m] == pytest.approx(one[m], rel=1e-9), m


def test_runs_are_counted_once_and_the_rest_reported(tiny_runs: Path, tmp_path: Path) -> None:
    root = tmp_path / "sweep"
    shutil.copytree(tiny_runs, root)
    # A duplicate of a complete run, a failed run, a killed run, and one never started.
    shutil.copytree(root / "seed=0,strategy=hotspot", root / "copy")
    failed = root / "seed=1,strategy=hotspot"
    meta = json.loads((failed / "run.json").read_text())
    write_json_atomic(failed / "run.json", {**meta, "status": "failed", "error": "Boom: bad"})
    killed = root / "seed=1,strategy=reactive"
    write_json_atomic(killed / "run.json", {**meta, "status": "running"})
    rs = collect_runs(root)
    assert len(rs.runs) == 2 and len(rs.duplicates) == 1  # one of the two identical runs
    assert rs.duplicates[0] in ("copy", "seed=0,strategy=hotspot")
    assert rs.failed == {"seed=1,strategy=hotspot": "Boom: bad"}
    assert rs.incomplete == ["seed=1,strategy=reactive"]
    # With a manifest: what it lists is expected; other runs are stale, absent ones missing.
    jobs = [
        {"subdir": s, "overrides": [], "arm": None}
        for s in ("seed=0,strategy=reactive", "seed=0,strategy=hotspot", "seed=2,strategy=reactive")
    ]
    write_json_atomic(root / MANIFEST, {"design": "grid", "jobs": jobs})
    rs = collect_runs(root)
    assert sorted(rs.runs["rel"]) == ["seed=0,strategy=hotspot", "seed=0,strategy=reactive"]
    assert rs.missing == ["seed=2,strategy=reactive"]
    assert "copy" in rs.unlisted


def test_sensitivity_parameters_take_their_declared_ranges() -> None:
    """The shipped sensitivity experiment names parameters; their bounds are the declared
    plausible ranges (the ones the uncertainty ensemble draws from)."""
    from omegaconf import OmegaConf

    from cspsim.config.evidence import by_key
    from cspsim.experiments.sensitivity import declared_bounds
    from cspsim.paths import CONFIG_DIR

    cfg = OmegaConf.load(CONFIG_DIR / "experiment" / "sensitivity.yaml")
    names = list(cfg.hydra.sweeper.options.parameters)
    bounds = declared_bounds(names)
    assert list(bounds) == names
    for name, (low, high) in bounds.items():
        d = by_key()[name.removeprefix("params.")]
        assert (low, high) == (d.low, d.high) and low < high
    assert declared_bounds({"params.x": [0, 1]}) == {"params.x": [0, 1]}
    with pytest.raises(ValueError, match="declared range"):
        declared_bounds(["params.crime.incapacitation_days"])  # a list-valued parameter


def test_one_strategy_name_with_different_settings_makes_distinct_scenarios() -> None:
    """A hand-gathered directory with 'reactive' run twice, once with hot-spot patrol: the
    report averaged the two as one scenario, or crashed (duplicate labels) half-written."""
    import pandas as pd

    from cspsim.analysis.runs import distinct_scenarios

    runs = pd.DataFrame(
        {
            "scenario": ["reactive", "reactive", "hotspot", "sweep label"],
            "strategy": ["reactive", "reactive", "hotspot", "reactive"],
        }
    )
    random = {"name": "reactive", "patrol": {"mode": "random", "hours": 1}}
    hot = {"name": "reactive", "patrol": {"mode": "hotspot", "hours": 1}}
    names = distinct_scenarios(runs, [random, hot, {"name": "hotspot"}, hot])
    assert names == [
        "reactive (patrol.mode=random)",
        "reactive (patrol.mode=hotspot)",
        "hotspot",
        "sweep label",  # a sweep's own label is kept
    ]
    same = distinct_scenarios(runs.iloc[:1], [random])
    assert same == ["reactive"]
