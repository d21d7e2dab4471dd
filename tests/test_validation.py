"""Validation (``cspsim-validate``): statistics, facts table, report files, real-data checks.

Fast tests check the statistics on hand-computed inputs, the facts against DESIGN.md, the
report plumbing on a tiny run, and one cheap real check on San Francisco at a coarse scale.
The full validation (every fact on the default model, 5 seeds) is marked slow; it is what
``cspsim-validate`` runs.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

from cspsim.analysis.concentration import gini, lorenz, relative_change, top_share
from cspsim.analysis.stats import bootstrap_ci, fisher_ci, mean_ci, spearman_ci
from cspsim.city.shipped import load_sf2012
from cspsim.config.city import CityConfig
from cspsim.validation import cli, realdata, trials
from cspsim.validation.report import CSV_COLUMNS, write_report
from cspsim.validation.runs import RunSpec, run
from cspsim.validation.suite import validate
from cspsim.validation.targets import FACTS, FACTS_BY_KEY, Fact

# --------------------------------------------------------------------------- statistics


def test_gini_of_known_vectors():
    assert gini(np.ones(4)) == 0.0
    assert gini(np.array([0, 0, 0, 1])) == pytest.approx(0.75)  # (n - 1) / n
    # sum((2i - n - 1) x_i) / (n sum x) = (-3 - 2 + 3 + 12) / 40
    assert gini(np.array([4, 1, 3, 2])) == pytest.approx(0.25)
    assert gini(np.zeros(5)) == 0.0


def test_top_share_counts_the_top_tenth_of_units():
    assert top_share(np.array([1] * 9 + [91])) == pytest.approx(0.91)
    assert top_share(np.array([1] * 18 + [41, 41])) == pytest.approx(0.82)  # 2 of 20 units
    assert top_share(np.ones(10)) == pytest.approx(0.1)


def test_lorenz_runs_from_origin_to_one_below_the_diagonal():
    x, y = lorenz(np.array([5.0, 0.0, 3.0, 2.0]))
    assert (x[0], y[0], x[-1], y[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(y) >= 0) and np.all(y <= x + 1e-12)
    np.testing.assert_allclose(y, [0, 0, 0.2, 0.5, 1.0])


def test_shipped_sf_concentration_matches_the_data_readme():
    extra = load_sf2012(CityConfig()).extra
    all4 = extra["observed_total4"]
    assert all4.sum() == 13474
    assert top_share(all4) == pytest.approx(0.455, abs=0.001)
    assert gini(all4) == pytest.approx(0.57, abs=0.005)
    assert top_share(extra["observed_Drugs"]) == pytest.approx(0.745, abs=0.001)


def test_correlation_and_mean_intervals():
    rho, lo, hi = spearman_ci(np.arange(20), np.arange(20) ** 2)
    assert rho == pytest.approx(1.0)
    lo, hi = fisher_ci(0.5, 50)
    assert lo < 0.5 < hi
    assert math.atanh(hi) - math.atanh(0.5) == pytest.approx(math.atanh(0.5) - math.atanh(lo))
    m, lo, hi = mean_ci(np.array([1.0, 2.0, 3.0]))
    assert m == 2.0 and hi - m == pytest.approx(4.302653 / math.sqrt(3), rel=1e-5)
    assert math.isnan(mean_ci(np.array([1.0]))[1])
    np.testing.assert_allclose(relative_change(np.array([90, 5]), np.array([100, 0]))[0], -0.1)
    lo, hi = bootstrap_ci(np.arange(100.0), np.mean, n_boot=200)
    assert lo < 49.5 < hi


# --------------------------------------------------------------------------- facts


def test_every_design_target_has_a_fact_with_its_band():
    bands = {  # DESIGN.md "Calibration targets", as given there
        "reporting_violent": (0.38, 0.48),
        "reporting_property": (0.27, 0.34),
        "high_confidence": (0.43, 0.57),
        "hotspot_treated": (-0.16, -0.08),
        "pop_targeted": (-0.40, -0.25),
        "watch_covered": (-0.26, -0.16),
    }
    for key, band in bands.items():
        assert (FACTS_BY_KEY[key].low, FACTS_BY_KEY[key].high) == band
    for key in [
        "sf_top10_all", "sf_gini_all", "sf_top10_drugs", "sf_top10_violent",
        "sf_top10_disorder", "sf_top10_property", "contact_share", "contact_police_initiated",
        "hotspot_surrounding", "cp_trust", "cp_satisfaction", "cp_crime", "summer_jobs_year1",
        "summer_jobs_fade", "mh_low_level", "mh_serious", "columbus_spearman",
    ]:  # fmt: skip
        assert key in FACTS_BY_KEY
    assert len({f.key for f in FACTS}) == len(FACTS)
    assert all(f.low < f.high and f.source for f in FACTS)


def test_pass_rules():
    within = Fact("a", "", "", "", -0.16, -0.08)
    assert within.passes(-0.1, -0.3, 0.1) and not within.passes(-0.2, -0.21, -0.19)
    sig = Fact("b", "", "", "", 0.02, 1.0, "within_sig")
    assert sig.passes(0.03, 0.01, 0.05) and not sig.passes(0.03, -0.01, 0.07)
    not_up = Fact("c", "", "", "", -1.0, 0.0, "ci_overlap")
    assert not_up.passes(0.02, -0.01, 0.05) and not not_up.passes(0.04, 0.01, 0.07)
    assert not within.passes(float("nan"), 0, 0)


# --------------------------------------------------------------------------- runs and report

#: A coarse San Francisco (1 agent per 100 residents, about 8,000 agents), short burn-in.
_COARSE = ("city.residents_per_agent=100", "sim.burn_in_days=20")
#: Coarser and shorter still, for plumbing tests.
_TINY = ("city.residents_per_agent=200", "sim.burn_in_days=5")


def test_coarse_sf_run_keeps_recorded_concentration_and_ranks():
    """One cheap real check: 1 seed, 184 days at a coarse scale."""
    tr = run(RunSpec("baseline", "reactive", 1, 184, 184, overrides=_COARSE))
    sf = realdata.sf_check([tr])
    top, _, _ = sf.values["sf_top10_all"]
    assert 0.38 <= top <= 0.52  # observed 0.455
    assert sf.values["sf_spearman_all"][0] > 0.8
    assert 0.8 < sf.table[-1]["sim_over_observed_total"] < 1.3
    rep = tr.scalars["reported_violent"] / tr.scalars["true_violent"]
    assert 0.33 <= rep <= 0.53  # NCVS 0.38-0.48, loosely at this scale


def test_tiny_validation_writes_a_complete_report(tmp_path):
    from cspsim.config.draws import draw

    draws = draw(2, seed=0, only=["params.crime.police_deterrence"])
    result = validate([1], days=10, n_jobs=1, overrides=_TINY, draws=draws)
    assert all(len(r.draws) == 2 for r in result.rows)
    hot = next(r for r in result.rows if r.fact.key == "contact_share")
    assert np.isfinite(hot.with_parameters[0]) and 0 <= hot.draws_in_band <= 1
    assert [r.fact.key for r in result.rows] == [f.key for f in FACTS]
    out = tmp_path / "val"
    path = write_report(result, out, "cspsim-validate --test")
    with path.open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == CSV_COLUMNS and len(rows) == len(FACTS) + 1
    df = pd.read_csv(path)
    assert set(df["passed"]) <= {True, False}
    md = (out / "validation.md").read_text()
    assert "## Failed facts and why" in md and "## Columbus 1980" in md
    assert "predictions passed" in md and "with parameter uncertainty (95% PI)" in md
    for name in ("sf_lorenz.png", "columbus_map.png", "interventions.png"):
        assert (out / "figures" / name).stat().st_size > 10_000
    assert not list(out.glob(".*tmp*"))  # no temporary files left behind


def test_cli_options():
    args = cli.parse_args(["--quick", "--out", "x"])
    assert (args.seeds, args.days) == (2, 180) and "city.residents_per_agent=40" in args.overrides
    assert cli.parse_args([]).seeds == 5
    with pytest.raises(SystemExit):
        cli.parse_args(["--seeds", "0"])


def test_results_do_not_depend_on_the_number_of_workers():
    specs = [trials.specs_for_seed(3, 10, _TINY)[i] for i in (1, 6)]  # hotspot, responders
    from cspsim.validation.suite import run_all

    one, two = run_all(specs, 1), run_all(specs, 2)
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a.true, b.true)
        assert a.scalars == b.scalars


# --------------------------------------------------------------------------- full (slow)


@pytest.fixture(scope="module")
def full_validation():
    return validate(list(range(1, 6)), days=365, n_jobs=2)


@pytest.mark.slow
@pytest.mark.parametrize("key", [f.key for f in FACTS])
def test_default_model_meets_fact(full_validation, key):
    row = next(r for r in full_validation.rows if r.fact.key == key)
    assert row.passed, f"{key}: {row.value:.3f} ({row.ci_low:.3f} to {row.ci_high:.3f})"
