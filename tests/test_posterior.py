"""The Bayesian calibration (``experiment=calibrate`` with ``posterior.draws``).

The math of :mod:`cspsim.analysis.posterior` by hand on small cases; a toy simulator with a
known parameter calibrated by the same functions the design uses (Latin hypercube, proposals,
weights, resampling), which must recover it, match the exact posterior of a linear-Gaussian
toy and exclude a wrong value; the calibration targets named by the validation's fact keys;
and a small end-to-end ``cspsim-run -m experiment=calibrate`` on the tiny synthetic city.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_CITY, TINY_SIM
from omegaconf import OmegaConf

from cspsim.analysis import posterior as ps
from cspsim.analysis.calibration import TARGETS, loss
from cspsim.paths import CONFIG_DIR

CALIBRATE_YAML = CONFIG_DIR / "experiment" / "calibrate.yaml"


def calibrate_options() -> dict:
    """``hydra.sweeper.options`` of ``configs/experiment/calibrate.yaml``."""
    cfg = OmegaConf.load(CALIBRATE_YAML)
    return OmegaConf.to_container(cfg.hydra.sweeper.options)  # type: ignore[return-value]


# --------------------------------------------------------------------------- targets


def test_calibration_targets_are_validation_facts_with_their_bands() -> None:
    from cspsim.validation.targets import FACTS

    facts = {f.key: f for f in FACTS}
    for key, (lo, hi, w) in TARGETS.items():
        assert key in facts, f"calibration target {key} is not a validation fact key"
        assert (lo, hi) == (facts[key].low, facts[key].high), key
        assert w > 0
    yaml_targets = {k: tuple(v) for k, v in calibrate_options()["targets"].items()}
    assert yaml_targets == TARGETS


def test_calibrated_parameters_are_declared_fitted_to_calibration_targets() -> None:
    """Where params.py classifies a parameter the calibration fits, the two agree."""
    from cspsim.config.evidence import by_key

    decl = by_key()
    for path, (lo, hi) in calibrate_options()["parameters"].items():
        key = path.removeprefix("params.")
        head, _, idx = key.rpartition(".")
        d = decl[head] if idx.isdigit() else decl[key]
        if d.kind is None:
            continue  # not classified yet
        assert d.kind == "fitted", f"{path} is fitted by experiment=calibrate, declared {d.kind}"
        assert set(d.targets) <= set(TARGETS), (path, d.targets)
        if d.has_range:
            low, high = (d.low[int(idx)], d.high[int(idx)]) if idx.isdigit() else (d.low, d.high)
            assert (low, high) == (lo, hi), (
                f"{path}: declared range {low}-{high}, searched {lo}-{hi}"
            )


# --------------------------------------------------------------------------- math by hand


def test_ess_by_hand() -> None:
    assert ps.ess(np.array([0.5, 0.25, 0.25])) == pytest.approx(1 / 0.375)
    assert ps.ess(np.array([2.0, 1.0, 1.0])) == pytest.approx(8 / 3)  # scale-free
    assert ps.ess(np.ones(7)) == pytest.approx(7)
    assert ps.ess(np.array([1.0, 0, 0])) == pytest.approx(1)
    assert ps.ess(np.zeros(3)) == 0


def test_normalize_log_weights() -> None:
    w = ps.normalize(np.array([0.0, math.log(2), -np.inf, np.nan]))
    np.testing.assert_allclose(w, [1 / 3, 2 / 3, 0, 0])
    np.testing.assert_allclose(ps.normalize(np.array([-1000.0, -1000.0])), [0.5, 0.5])
    with pytest.raises(ValueError, match="no draw"):
        ps.normalize(np.array([-np.inf, np.nan]))


def test_band_likelihood_by_hand_and_against_the_loss() -> None:
    targets = {"a": (0.4, 0.6, 1.0), "b": (0.0, 1.0, 0.5)}
    m = pd.DataFrame({"a": [0.5, 0.6, 0.5, np.nan], "b": [0.5, 0.5, 1.0, 0.5]})
    ll = ps.band_loglik(m, targets)
    # centre: 0; band edge (1 half-width = 2 sd): -0.5 * 2^2; weight 0.5 halves it
    np.testing.assert_allclose(ll[:3], [0.0, -2.0, -1.0])
    assert ll[3] == -np.inf
    for row in m.iloc[:3].to_dict("records"):
        assert ps.band_loglik(pd.DataFrame([row]), targets)[0] == pytest.approx(
            -2 * loss(row, targets)
        )
    assert ps.band_loglik(m.iloc[:2], targets, sd_fraction=1.0)[1] == pytest.approx(-0.5)
    with pytest.raises(KeyError):
        ps.band_loglik(m[["a"]], targets)


def test_resampling_is_proportional_reproducible_and_skips_zero_weights() -> None:
    w = np.array([0.5, 0.0, 0.3, 0.2, 0.0])
    idx = ps.resample_indices(w, 10, np.random.default_rng(4))
    np.testing.assert_array_equal(np.bincount(idx, minlength=5), [5, 0, 3, 2, 0])
    a = ps.resample_indices(np.array([0.1, 0.2, 0.3, 0.4]), 7, np.random.default_rng(1))
    b = ps.resample_indices(np.array([0.1, 0.2, 0.3, 0.4]), 7, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    counts = np.bincount(a, minlength=4)  # systematic: floor or ceil of n * w
    assert np.all(np.abs(counts - 7 * np.array([0.1, 0.2, 0.3, 0.4])) < 1)
    with pytest.raises(ValueError):
        ps.resample_indices(np.array([0.0, 0.0]), 3, np.random.default_rng(0))


def test_weighted_quantiles() -> None:
    x = np.arange(1.0, 101.0)
    np.testing.assert_allclose(
        ps.weighted_quantile(x, np.ones(100), [0.05, 0.5, 0.95]), [5, 50, 95]
    )
    # a draw of negligible weight does not stretch the interval
    q = ps.weighted_quantile(np.array([0.0, 1.0, 2.0]), np.array([1e-20, 1.0, 1e-20]), [0.05, 0.95])
    np.testing.assert_allclose(q, [1.0, 1.0])


def test_latin_hypercube_covers_each_margin() -> None:
    prior = ps.Prior.from_bounds({"a": (0.0, 1.0), "b": (10.0, 30.0)})
    x = prior.sample(8, np.random.default_rng(0))
    for j in range(2):
        strata = np.floor((x[:, j] - prior.low[j]) / prior.width[j] * 8).astype(int)
        assert sorted(strata) == list(range(8))
    assert prior.logpdf(x) == pytest.approx(np.full(8, -math.log(20)))
    assert prior.logpdf(np.array([[0.5, 31.0]]))[0] == -np.inf
    with pytest.raises(ValueError, match="low < high"):
        ps.Prior.from_bounds({"a": (1.0, 1.0)})


def test_gaussian_proposal_is_a_density_on_the_box() -> None:
    prior = ps.Prior.from_bounds({"a": (0.0, 1.0), "b": (0.0, 2.0)})
    rng = np.random.default_rng(0)
    q = ps.GaussianProposal.make(
        np.array([0.9, 0.2]), np.array([[0.04, 0.01], [0.01, 0.09]]), prior, 0.1, rng
    )
    assert q is not None and q.log_z < 0  # part of the Gaussian is outside the box
    g = np.linspace(0, 1, 401)
    h = np.linspace(0, 2, 801)
    aa, bb = np.meshgrid(g, h, indexing="ij")
    dens = np.exp(q.logpdf(np.column_stack([aa.ravel(), bb.ravel()]))).reshape(aa.shape)
    assert np.trapezoid(np.trapezoid(dens, h, axis=1), g) == pytest.approx(1.0, abs=0.01)
    x = q.sample(2000, rng)
    assert prior.inside(x).all()
    # the sample follows the density: mean of the first coordinate
    mean_a = np.trapezoid(np.trapezoid(dens * aa, h, axis=1), g)
    assert x[:, 0].mean() == pytest.approx(mean_a, abs=0.02)
    far = ps.GaussianProposal.make(np.array([5.0, 5.0]), np.eye(2) * 1e-4, prior, 0.1, rng)
    assert far is None


# --------------------------------------------------------------------------- toy models

#: A linear toy: two measures of two parameters, y = A theta + noise.
TOY_A = np.array([[1.0, 1.0], [1.0, -0.5]])
TOY_NOISE = 0.01
TOY_TRUTH = np.array([0.3, 0.6])
TOY_HALF = np.array([0.05, 0.04])


def toy_simulator(t: int, x: pd.DataFrame, seeds: np.ndarray) -> pd.DataFrame:
    """The toy model: each draw's noise from its own seed."""
    y = x.to_numpy() @ TOY_A.T
    noise = np.array([np.random.default_rng(int(s)).normal(0, TOY_NOISE, 2) for s in seeds])
    return pd.DataFrame(y + noise, columns=["y0", "y1"])


def toy_targets() -> dict[str, tuple[float, float, float]]:
    centre = TOY_A @ TOY_TRUTH
    return {f"y{k}": (centre[k] - TOY_HALF[k], centre[k] + TOY_HALF[k], 1.0) for k in range(2)}


def toy_exact() -> tuple[np.ndarray, np.ndarray]:
    """The exact posterior of the linear toy (Gaussian; the box is far wider than it)."""
    v = np.diag((TOY_HALF / 2) ** 2 + TOY_NOISE**2)  # band sd and the noise, convolved
    cov = np.linalg.inv(TOY_A.T @ np.linalg.inv(v) @ TOY_A)
    return TOY_TRUTH, cov


@pytest.fixture(scope="module")
def toy_posterior() -> ps.PosteriorResult:
    prior = ps.Prior.from_bounds({"theta0": (0.0, 1.0), "theta1": (0.0, 1.0)})
    return ps.sequential_importance(
        toy_simulator, toy_targets(), prior, 300, np.random.default_rng(2026), populations=3
    )


def test_toy_recovers_its_parameters_within_the_90_interval(toy_posterior) -> None:
    summ = ps.summarize(toy_posterior.sample, toy_posterior.weights, toy_posterior.prior)
    _, cov = toy_exact()
    sd = np.sqrt(np.diag(cov))
    for k, r in enumerate(summ.itertuples()):
        assert r.q05 <= TOY_TRUTH[k] <= r.q95, r
        wrong = TOY_TRUTH[k] + 3 * sd[k]  # a wrong value: outside the interval
        assert not r.q05 <= wrong <= r.q95, r
        assert r.interval_share < 0.3  # the data narrowed the prior
    assert toy_posterior.ess > 50
    assert list(toy_posterior.populations["proposal"]) == ["prior", "gaussian", "gaussian"]


def test_toy_posterior_matches_the_exact_one(toy_posterior) -> None:
    """Mean, spread and correlation of the weighted sample are those of the exact posterior."""
    mean, cov = toy_exact()
    x, w = toy_posterior.sample.to_numpy(), toy_posterior.weights
    m = w @ x
    c = (x - m).T @ ((x - m) * w[:, None])
    sd, sd_exact = np.sqrt(np.diag(c)), np.sqrt(np.diag(cov))
    np.testing.assert_allclose(m, mean, atol=0.5 * sd_exact.max())
    np.testing.assert_allclose(sd, sd_exact, rtol=0.2)
    corr = c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])
    assert corr == pytest.approx(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]), abs=0.2)


def test_toy_linear_emulator_gives_the_exact_gaussian() -> None:
    prior = ps.Prior.from_bounds({"theta0": (0.0, 1.0), "theta1": (0.0, 1.0)})
    rng = np.random.default_rng(0)
    x = prior.sample(40, rng)
    m = toy_simulator(0, pd.DataFrame(x), rng.integers(0, 2**31 - 1, 40))
    mean, cov = ps.linear_gaussian_posterior(x, m, toy_targets(), prior)
    exact_mean, exact_cov = toy_exact()
    np.testing.assert_allclose(mean, exact_mean, atol=0.01)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), np.sqrt(np.diag(exact_cov)), rtol=0.15)
    assert ps.linear_gaussian_posterior(x[:3], m.iloc[:3], toy_targets(), prior) is None


def test_nonlinear_toy_is_recovered() -> None:
    """y = (a * b, a + b^2): a curved posterior; the truth stays inside the 90% intervals."""
    prior = ps.Prior.from_bounds({"a": (0.2, 1.0), "b": (0.5, 2.0)})
    truth = np.array([0.5, 1.2])

    def f(x: np.ndarray) -> np.ndarray:
        return np.column_stack([x[:, 0] * x[:, 1], x[:, 0] + x[:, 1] ** 2])

    def simulate(t: int, x: pd.DataFrame, seeds: np.ndarray) -> pd.DataFrame:
        noise = np.array([np.random.default_rng(int(s)).normal(0, 0.01, 2) for s in seeds])
        return pd.DataFrame(f(x.to_numpy()) + noise, columns=["y0", "y1"])

    c = f(truth[None])[0]
    targets = {"y0": (c[0] - 0.04, c[0] + 0.04, 1.0), "y1": (c[1] - 0.05, c[1] + 0.05, 1.0)}
    res = ps.sequential_importance(simulate, targets, prior, 240, np.random.default_rng(7))
    summ = ps.summarize(res.sample, res.weights, prior)
    assert ((summ["q05"] <= truth) & (truth <= summ["q95"])).all(), summ
    assert res.ess > 30
    pred = ps.predictive_check(res.draws, res.weights, targets)
    assert (pred["p_inside"] > 0.7).all(), pred


def test_a_single_population_is_importance_sampling_from_the_prior() -> None:
    prior = ps.Prior.from_bounds({"theta0": (0.0, 1.0), "theta1": (0.0, 1.0)})
    res = ps.sequential_importance(
        toy_simulator, toy_targets(), prior, 50, np.random.default_rng(0), populations=1
    )
    np.testing.assert_allclose(res.weights, ps.normalize(res.draws["loglik"].to_numpy()))
    assert ps.population_sizes(10, 3) == [4, 3, 3]
    assert ps.population_sizes(2, 5) == [1, 1]


# --------------------------------------------------------------------------- files


def test_posterior_file_round_trip_and_resampling(tmp_path: Path) -> None:
    sample = pd.DataFrame({"params.a": [0.1, 0.2, 0.3], "params.b.0": [1.0, 2.0, 3.0]})
    path = ps.write_posterior(
        tmp_path / "posterior.csv",
        sample,
        np.array([2.0, 0.0, 6.0]),
        {"method": "test: a, b", "ess": "1.6", "prior": "uniform;\n wrapped"},
    )
    post = ps.load_posterior(path)
    assert list(post.columns) == ["params.a", "params.b.0", ps.WEIGHT]
    np.testing.assert_allclose(post[ps.WEIGHT], [0.25, 0, 0.75])
    assert post.attrs["header"] == {
        "method": "test: a, b",
        "ess": "1.6",
        "prior": "uniform; wrapped",
    }
    a = ps.posterior_sample(path, 8, np.random.default_rng(3))
    b = ps.posterior_sample(post, 8, np.random.default_rng(3))
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["params.a", "params.b.0"]
    assert sorted(a["params.a"].value_counts().to_dict().items()) == [(0.1, 2), (0.3, 6)]
    assert a.attrs["header"]["ess"] == "1.6"
    bad = tmp_path / "bad.csv"
    bad.write_text("params.a,weight\n0.1,-1\n0.2,2\n")
    with pytest.raises(ValueError, match="weights"):
        ps.load_posterior(bad)


def test_shipped_posterior_loads_when_present() -> None:
    if not ps.DEFAULT_PATH.exists():
        pytest.skip("no shipped posterior yet")
    post = ps.load_posterior()
    assert set(ps.parameter_columns(post)) == set(calibrate_options()["parameters"])
    assert post[ps.WEIGHT].sum() == pytest.approx(1.0)
    for key in ("method", "prior", "targets", "draws", "ess", "date", "seed"):
        assert key in post.attrs["header"], key


# --------------------------------------------------------------------------- end to end

RUN = [sys.executable, "-m", "cspsim.cli.run"]


@pytest.mark.slow  # about 20 s of CPU (a point fit of one trial and 16 posterior runs)
def test_calibrate_with_posterior_on_the_tiny_city(tmp_path: Path) -> None:
    sweep = tmp_path / "calibrate"
    shipped = tmp_path / "shipped_posterior.csv"
    proc = subprocess.run(
        [
            *RUN,
            "-m",
            "experiment=calibrate",
            "city=synthetic",
            "sim=short",
            *TINY_CITY,
            *TINY_SIM,
            f"hydra.sweep.dir={sweep}",
            "hydra/launcher=basic",
            "hydra.sweeper.options.trials=1",
            "hydra.sweeper.options.confirm_seeds=1",
            f"hydra.sweeper.options.output={tmp_path / 'calibrated.yaml'}",
            "hydra.sweeper.options.posterior.draws=16",
            "hydra.sweeper.options.posterior.populations=2",
            f"hydra.sweeper.options.posterior.output={shipped}",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HYDRA_FULL_ERROR": "1"},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = sweep / "calibration"
    names = list(calibrate_options()["parameters"])
    post = ps.load_posterior(out / "posterior.csv")
    assert list(post.columns) == [*names, ps.WEIGHT]
    assert len(post) == 16
    assert np.isfinite(post[ps.WEIGHT]).all() and post[ps.WEIGHT].sum() == pytest.approx(1)
    for key in ("method", "prior", "targets", "draws", "ess", "date", "seed"):
        assert key in post.attrs["header"], key
    pd.testing.assert_frame_equal(ps.load_posterior(shipped), post, check_like=True)
    assert len(pd.read_csv(out / "posterior_sample.csv", comment="#")) == 16
    draws = pd.read_csv(out / "draws.csv")
    assert set(TARGETS) <= set(draws.columns) and draws["seed"].nunique() == 16
    pops = pd.read_csv(out / "populations.csv")
    assert list(pops["proposal"]) == ["prior", "gaussian"]  # 8 draws fit the 6-parameter emulator
    report = (sweep / "report.md").read_text()
    assert "### Point fit" in report and "### Posterior" in report
    assert "Effective sample size" in report and "P(inside band)" in report
