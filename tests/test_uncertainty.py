"""Uncertainty ensemble: parameter draws, intervals, parameter share, rank stability.

Hand-computed intervals, the draws' invariants (inside the declared ranges, reproducible,
valid configs), an effect whose parameter range includes "no effect" gets an interval that
includes zero while one whose range excludes it does not, and a small ensemble through
``cspsim-demo`` writes the report section.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cspsim.analysis import outcomes as oc
from cspsim.analysis import uncertainty as unc
from cspsim.api import make_config
from cspsim.config.draws import LOG_RATIO, draw
from cspsim.config.evidence import by_key, uncertain


def test_draws_stay_in_their_ranges_and_repeat_by_seed():
    a, b = draw(16, seed=7), draw(16, seed=7)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not draw(16, seed=8).table.equals(a.table)
    assert list(a.table["seed"]) == list(range(1000, 1016))
    params = {d.path: d for d in uncertain()}
    assert set(a.parameters) == set(params)
    for path in a.parameters:
        d = params[path]
        for v in a.table[path]:
            lo, hi, x = (np.atleast_1d(np.asarray(t, dtype=float)) for t in (d.low, d.high, v))
            assert np.all(lo - 1e-9 <= x) and np.all(x <= hi + 1e-9), path


def test_latin_hypercube_covers_every_stratum():
    """Each parameter's n draws fall one in each of n equal strata of its range (or log)."""
    n = 10
    t = draw(n, seed=3).table
    for d in uncertain():
        if isinstance(d.low, (list, tuple)) or d.high == d.low:
            continue
        x = t[d.path].to_numpy(float)
        if d.low > 0 and d.high / d.low >= LOG_RATIO:
            u = (np.log(x) - math.log(d.low)) / (math.log(d.high) - math.log(d.low))
        else:
            u = (x - d.low) / (d.high - d.low)
        if isinstance(d.default, int):
            continue  # rounded to integers
        assert sorted(np.floor(np.clip(u, 0, 1 - 1e-12) * n).astype(int)) == list(range(n))


def test_list_parameters_move_together_and_drawn_configs_are_valid():
    t = draw(4, seed=1)
    d = by_key()["crime.incapacitation_days"]
    for v in t.table[d.path]:
        u = [(x - lo) / (hi - lo) for x, lo, hi in zip(v, d.low, d.high, strict=True)]
        assert max(u) - min(u) < 1e-9  # one number moves every element
    for i in range(4):
        cfg = make_config(
            city="columbus", strategy="reactive", seed=t.seed(i), days=5, overrides=t.overrides(i)
        )
        assert cfg.params.crime.police_deterrence == pytest.approx(
            t.table.loc[i, "params.crime.police_deterrence"]
        )


def test_only_and_posterior():
    t = draw(5, seed=2, only=["params.crime.police_deterrence"])
    assert t.parameters == ["params.crime.police_deterrence"]
    with pytest.raises(ValueError, match="not sourced/assumed"):
        draw(2, seed=0, only=["params.crime.no_such"])
    post = pd.DataFrame({"params.residents.trust_mean": [0.6, 0.7], "weight": [1.0, 0.0]})
    p = draw(6, seed=0, posterior=post, only=["params.crime.police_deterrence"])
    assert set(p.table["params.residents.trust_mean"]) == {0.6}  # zero weight never drawn
    with pytest.raises(ValueError, match="not fitted"):
        draw(2, seed=0, posterior=pd.DataFrame({"params.crime.police_deterrence": [0.3]}))


def test_posterior_list_elements_become_whole_list_overrides():
    """A posterior of list elements (``base_probability.0``) overrides the whole list,
    keeping the unfitted elements at their calibrated values."""
    post = pd.DataFrame(
        {
            "params.reporting.base_probability.0": [0.41, 0.52],
            "params.reporting.base_probability.1": [0.29, 0.31],
            "params.residents.trust_mean": [0.6, 0.7],
            "weight": [0.0, 1.0],
        }
    )
    t = draw(3, seed=0, posterior=post, only=["params.crime.police_deterrence"])
    assert "params.reporting.base_probability.0" not in t.table
    assert all(v == [0.52, 0.31, 0.28, 0.02] for v in t.table["params.reporting.base_probability"])
    cfg = make_config(city="columbus", strategy="reactive", days=5, overrides=t.overrides(0))
    assert list(cfg.params.reporting.base_probability) == [0.52, 0.31, 0.28, 0.02]
    assert cfg.params.residents.trust_mean == 0.7


def _ensemble(theta: np.ndarray, noise: float, seed: int) -> pd.DataFrame:
    """Summaries of a toy ensemble: crime = 100 * (1 - theta) under 'treated', 100 otherwise."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, th in enumerate(theta):
        base = 100.0 + rng.normal(0, noise)
        rows.append({"scenario": "reactive", "draw": i, "crimes_true": base})
        rows.append(
            {
                "scenario": "treated",
                "draw": i,
                "crimes_true": base * (1 - th) + rng.normal(0, noise),
            }
        )
    return pd.DataFrame(rows)


def test_prediction_interval_by_hand():
    fx = pd.DataFrame(
        {"scenario": "s", "draw": range(4), "outcome": "x", "effect": [1.0, 2.0, 3.0, 4.0]}
    )
    r = unc.intervals(fx).iloc[0]
    sd = np.std([1, 2, 3, 4], ddof=1)
    half = stats.t.ppf(0.975, 3) * sd * math.sqrt(1 + 1 / 4)
    assert r["mean"] == pytest.approx(2.5)
    assert (r["low"], r["high"]) == pytest.approx((2.5 - half, 2.5 + half))
    seeds = pd.DataFrame(
        {"scenario": "s", "seed": range(3), "outcome": "x", "effect": [2.0, 2.5, 3.0]}
    )
    r = unc.intervals(fx, seeds).iloc[0]
    assert r["parameter_share"] == pytest.approx(1 - 0.25 / sd**2)


def test_an_effect_whose_range_includes_zero_gets_an_interval_with_zero():
    crime = [oc.outcome("crimes_true")]
    sampler = stats.qmc.LatinHypercube(d=1, seed=0)
    theta_wide = -0.1 + 0.3 * sampler.random(12)[:, 0]  # -10% to +20%: includes no effect
    theta_sure = 0.1 + 0.1 * sampler.random(12)[:, 0]  # 10% to 20%: always an effect
    wide = unc.intervals(
        unc.paired_effects(_ensemble(theta_wide, 1.0, 1), crime, "reactive", "draw")
    )
    sure = unc.intervals(
        unc.paired_effects(_ensemble(theta_sure, 1.0, 1), crime, "reactive", "draw")
    )
    w = wide[wide["scenario"] == "treated"].iloc[0]
    s = sure[sure["scenario"] == "treated"].iloc[0]
    assert w["low"] < 0 < w["high"]
    assert s["high"] < 0


def test_probability_best_shares_ties_and_follows_direction():
    summary = pd.DataFrame(
        {
            "scenario": ["a", "b", "c"] * 2,
            "draw": [0, 0, 0, 1, 1, 1],
            "crimes_true": [3.0, 1.0, 1.0, 1.0, 2.0, 3.0],
            "trust": [0.5, 0.6, 0.4, 0.5, 0.6, 0.7],
        }
    )
    pb = unc.probability_best(summary, [oc.outcome("crimes_true"), oc.outcome("trust")], "draw")
    crime = pb[pb["outcome"] == "crimes_true"].set_index("scenario")["p_best"]
    assert crime.to_dict() == {"a": 0.5, "b": 0.25, "c": 0.25}
    trust = pb[pb["outcome"] == "trust"].set_index("scenario")["p_best"]
    assert trust.to_dict() == {"a": 0.0, "b": 0.5, "c": 0.5}


def test_a_model_effect_whose_parameter_can_be_nil_gets_an_interval_with_zero():
    """Rights education changes complaints only through ``rights_education_effect``: drawn
    over a range that includes 1 (no change), the complaints effect's interval includes 0."""
    from cspsim.api import simulate

    d = by_key()["accountability.rights_education_effect"]
    assert d.low <= 1.0  # the declared range includes "no effect"
    t = draw(6, seed=4, only=[d.path])
    rows = []
    base_over = ["city.residents=3000", "sim.burn_in_days=10"]
    for i in range(6):
        for strategy, extra in (
            ("reactive", []),
            ("rights", ["strategy.rights_education.intensity=1"]),
        ):
            cfg = make_config(
                city="synthetic",
                strategy="reactive",
                seed=t.seed(i),
                days=120,
                overrides=base_over + t.overrides(i) + extra,
            )
            res = simulate(cfg)
            rows.append(
                {
                    "scenario": strategy,
                    "draw": i,
                    "complaints": float(res.timeseries["complaints"].sum()),
                }
            )
    fx = unc.paired_effects(pd.DataFrame(rows), [oc.outcome("complaints")], "reactive", "draw")
    r = unc.intervals(fx)
    r = r[r["scenario"] == "rights"].iloc[0]
    assert r["low"] <= 0 <= r["high"]


def test_demo_reports_effects_with_parameter_uncertainty(tmp_path, capsys):
    """``cspsim-demo`` end to end, tiny: seeds at the defaults, draws, and the report."""
    from cspsim.cli import demo

    out = tmp_path / "demo"
    code = demo.main(
        [
            "--out", str(out), "--seeds", "2", "--draws", "3", "--days", "20",
            "--strategies", "hotspot,hotspot", "--jobs", "2",  # twice: two jobs raced
            "city.residents_per_agent=200", "sim.burn_in_days=5",
        ]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "2 strategies x (2 seeds + 3 parameter draws)" in printed
    assert "With parameter uncertainty (3 parameter draws" in printed
    draws = pd.read_csv(out / "runs" / "uncertainty" / "draws.csv")
    assert list(draws["draw"]) == [0, 1, 2] and "params.crime.police_deterrence" in draws
    assert len(list((out / "runs" / "hotspot").glob("draw_*"))) == 3
    md = (out / "report.md").read_text()
    assert "## With parameter uncertainty" in md and "P(best)" in md
    iv = pd.read_csv(out / "uncertainty.csv")
    row = iv[(iv["scenario"] == "hotspot") & (iv["outcome"] == "crimes_true")].iloc[0]
    assert row["n"] == 3 and row["low"] <= row["mean"] <= row["high"]
    # The seeds-only comparison counts the default-parameter runs only.
    assert "2 paired seeds" in printed
    # cspsim-report on the demo's directory finds the draws too (in OUT/runs): the same
    # uncertainty section, and the draws are not counted as seeds at the defaults.
    from cspsim.report.build import build_report

    again = build_report(out, tmp_path / "again").read_text()
    assert "## With parameter uncertainty" in again and "5 paired seeds" not in again
    assert demo.main(["--out", str(out), "--draws", "1"]) == 2  # one draw has no spread
