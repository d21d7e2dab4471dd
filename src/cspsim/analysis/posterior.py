"""Bayesian calibration: a weighted sample of the fitted parameters given the calibration bands.

The math of ``experiment=calibrate``'s posterior option (``hydra.sweeper.options.posterior``),
free of Hydra so that it is tested on toy models (``tests/test_posterior.py``); the design
that launches the runs is :func:`cspsim.experiments.calibrate.run_posterior`. The method, its
assumptions and its diagnostics are described in ``docs/calibration.md``:

* **prior**: independent uniforms on the search ranges of the fitted parameters
  (:class:`Prior`);
* **likelihood**: each target's band is read as the plausible range of the fact: a Gaussian
  centred on the band centre with sd = ``sd_fraction`` x half-width (default 0.5: the band is
  a 95% interval); a target's weight multiplies its log-likelihood (:func:`band_loglik`).
  Each draw is one simulation with its own seed, so the likelihood is evaluated on one noisy
  run: an unbiased estimate of the Gaussian convolved with the simulation noise, and the
  weighted sample targets the posterior under that (slightly wider) likelihood;
* **sampler**: adaptive importance sampling in populations (:func:`sequential_importance`).
  Population 0 is a Latin hypercube over the prior. Before each later population, each
  measure is regressed linearly on the parameters over the previous population's draws; with
  the bands this gives a Gaussian approximation of the posterior
  (:func:`linear_gaussian_posterior`), whose covariance, inflated, truncated to the prior box
  and mixed with the prior (a defensive component), is the next proposal
  (:class:`GaussianProposal`). The approximation only steers where to simulate: every draw
  is weighted by prior x its simulated likelihood over the mixture of all the proposals in
  proportion to their draws (the balance heuristic, :func:`mixture_logpdf`), so the weights
  are valid importance weights whatever the approximation's error;
* **diagnostics**: the effective sample size (:func:`ess`), the largest weight, each
  population's own ESS, weighted summaries of each parameter against its prior range
  (:func:`summarize`) and a posterior predictive check of the targets
  (:func:`predictive_check`).

The weighted sample is a CSV with a ``# key: value`` header (:func:`write_posterior`);
:func:`load_posterior` reads it and :func:`posterior_sample` resamples it (what the
uncertainty ensemble draws the fitted parameters from).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, qmc

from cspsim.paths import CONFIG_DIR

#: The shipped posterior over the fitted parameters (sf2012), next to ``calibrated.yaml``.
DEFAULT_PATH = CONFIG_DIR / "params" / "posterior.csv"
#: The weighted sample's file in the calibration output directory of a sweep.
POSTERIOR_FILE = "posterior.csv"
#: Name of the weight column of a posterior file (the other columns are parameter paths).
WEIGHT = "weight"
#: Below this effective sample size the report warns that the posterior is unreliable.
MIN_ESS = 20.0
#: Normal draws used to estimate the share of a Gaussian proposal inside the prior box.
MC_DRAWS = 200_000
#: A Gaussian proposal with less than this share inside the box is replaced by the prior.
MIN_INSIDE = 1e-3
#: One line naming the method, for file headers and the report.
METHOD = (
    "adaptive importance sampling: Latin hypercube over a uniform prior, then Gaussian "
    "proposals from a linear emulator of the measures (inflated, truncated, mixed with the "
    "prior); balance-heuristic weights; Gaussian band likelihood, one seeded run per draw"
)

#: A calibration target: (low, high, weight).
Band = tuple[float, float, float]


class Density(Protocol):
    """A proposal density over the parameter box."""

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density at each row of ``x``."""
        ...

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws (rows)."""
        ...


@dataclass(frozen=True, eq=False)
class Prior:
    """Independent uniform priors on each parameter's range.

    Attributes:
        names: Parameter paths, in column order.
        low: Lower ends of the ranges.
        high: Upper ends of the ranges.
    """

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def from_bounds(cls, bounds: Mapping[str, Sequence[float]]) -> Prior:
        """The prior of ``{name: (low, high)}``.

        Raises:
            ValueError: No parameters, or a range whose low is not below its high.
        """
        names = tuple(bounds)
        if not names:
            raise ValueError("the posterior needs at least one parameter")
        low = np.array([float(bounds[n][0]) for n in names])
        high = np.array([float(bounds[n][1]) for n in names])
        bad = [n for n, lo, hi in zip(names, low, high, strict=True) if not lo < hi]
        if bad:
            raise ValueError(f"prior range must have low < high: {', '.join(bad)}")
        return cls(names, low, high)

    @property
    def dim(self) -> int:
        """Number of parameters."""
        return len(self.names)

    @property
    def width(self) -> np.ndarray:
        """Width of each range."""
        return self.high - self.low

    def inside(self, x: np.ndarray) -> np.ndarray:
        """Whether each row of ``x`` lies in the box."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        return np.all((x >= self.low) & (x <= self.high), axis=1)

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density: ``-log(volume)`` inside the box, ``-inf`` outside."""
        return np.where(self.inside(x), -np.sum(np.log(self.width)), -np.inf)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` Latin hypercube points in the box (each margin uniform, strata covered)."""
        u = qmc.LatinHypercube(d=self.dim, rng=rng).random(n)
        return self.low + u * self.width


@dataclass(frozen=True, eq=False)
class GaussianProposal:
    """A Gaussian truncated to the prior box, mixed with the prior (defensive sampling).

    Density ``a * prior(x) + (1 - a) * N(x; mean, cov) / Z`` inside the box, where ``Z`` is
    the Gaussian's probability of the box (estimated once from :data:`MC_DRAWS` draws) and
    ``a`` is ``defensive``. The prior component bounds every weight by ``1 / a`` times the
    likelihood, whatever the Gaussian misses (Hesterberg 1995).

    Attributes:
        mean: Mean of the Gaussian.
        cov: Its covariance.
        prior: The prior (box and defensive component).
        defensive: Share of draws from the prior.
        log_z: Log of the Gaussian's probability of the box.
    """

    mean: np.ndarray
    cov: np.ndarray
    prior: Prior
    defensive: float
    log_z: float

    @classmethod
    def make(
        cls,
        mean: np.ndarray,
        cov: np.ndarray,
        prior: Prior,
        defensive: float,
        rng: np.random.Generator,
    ) -> GaussianProposal | None:
        """The proposal, or None when the Gaussian puts less than :data:`MIN_INSIDE` in the box."""
        if not 0 < defensive < 1:
            raise ValueError(f"defensive: expected a share in (0, 1), got {defensive}")
        z = float(prior.inside(rng.multivariate_normal(mean, cov, size=MC_DRAWS)).mean())
        if z < MIN_INSIDE:
            return None
        return cls(np.asarray(mean), np.asarray(cov), prior, float(defensive), float(np.log(z)))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws: from the prior with probability ``defensive``, else the boxed Gaussian."""
        from_prior = rng.random(n) < self.defensive
        out = np.empty((n, self.prior.dim))
        k = int(from_prior.sum())
        if k:
            out[from_prior] = self.prior.low + rng.random((k, self.prior.dim)) * self.prior.width
        need, got = n - k, []
        while need > 0:  # rejection: the box holds at least MIN_INSIDE of the Gaussian
            x = rng.multivariate_normal(self.mean, self.cov, size=max(2 * need, 64))
            x = x[self.prior.inside(x)][:need]
            got.append(x)
            need -= len(x)
        if got:
            out[~from_prior] = np.vstack(got)
        return out

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density at each row of ``x`` (``-inf`` outside the box)."""
        x = np.atleast_2d(np.asarray(x, dtype=float))
        gauss = multivariate_normal.logpdf(x, mean=self.mean, cov=self.cov, allow_singular=False)
        mix = np.logaddexp(
            np.log(self.defensive) + self.prior.logpdf(x),
            np.log1p(-self.defensive) + np.atleast_1d(gauss) - self.log_z,
        )
        return np.where(self.prior.inside(x), mix, -np.inf)


def mixture_logpdf(
    x: np.ndarray, proposals: Sequence[Density], counts: Sequence[int]
) -> np.ndarray:
    """Log density of the mixture of ``proposals``, each weighted by its share of the draws.

    The balance heuristic (Veach & Guibas 1995; adaptive multiple importance sampling,
    Cornuet et al. 2012): every draw is treated as drawn from the mixture of all proposals.
    """
    n = np.asarray(counts, dtype=float)
    lq = np.stack([q.logpdf(x) for q in proposals])
    return logsumexp(lq + np.log(n / n.sum())[:, None], axis=0)


def _band_sd(lo: float, hi: float, weight: float, sd_fraction: float) -> float:
    return sd_fraction * (hi - lo) / 2 / np.sqrt(weight)


def band_loglik(
    metrics: pd.DataFrame, targets: Mapping[str, Band], sd_fraction: float = 0.5
) -> np.ndarray:
    """Log-likelihood of each row of measures under the bands (up to a constant).

    ``sum_k w_k * -0.5 * ((y_k - centre_k) / (sd_fraction * half-width_k))**2`` (a weight
    ``w_k`` divides the target's sd by ``sqrt(w_k)``); with the default ``sd_fraction`` 0.5
    this is ``-2 x`` the point fit's loss (:func:`cspsim.analysis.calibration.loss`). A row
    with a missing measure gets ``-inf``.

    Args:
        metrics: One row per draw, one column per target.
        targets: Target name -> (low, high, weight).
        sd_fraction: The Gaussian's sd as a share of the band's half-width.

    Raises:
        KeyError: A target with no column in ``metrics``.
        ValueError: ``sd_fraction`` not positive.
    """
    if not sd_fraction > 0:
        raise ValueError(f"sd_fraction: expected > 0, got {sd_fraction}")
    ll = np.zeros(len(metrics))
    for name, (lo, hi, w) in targets.items():
        if name not in metrics:
            raise KeyError(f"no measure for calibration target {name!r}")
        if w <= 0:
            continue
        y = pd.to_numeric(metrics[name], errors="coerce").to_numpy(dtype=float)
        ll += -0.5 * ((y - (lo + hi) / 2) / _band_sd(lo, hi, w, sd_fraction)) ** 2
    return np.where(np.isfinite(ll), ll, -np.inf)


def linear_gaussian_posterior(
    x: np.ndarray,
    metrics: pd.DataFrame,
    targets: Mapping[str, Band],
    prior: Prior,
    sd_fraction: float = 0.5,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """A Gaussian approximation of the posterior from a linear emulator of the measures.

    Each measure is regressed on the parameters by (weighted) least squares
    (``y = b + A x + e``, the residual variance ``R`` standing for seed noise and
    nonlinearity; weights make the fit local, see :func:`emulator_weights`); with the bands as
    Gaussian observations (sd of :func:`band_loglik`) and the uniform prior replaced by a
    Gaussian of the same mean and variance, the posterior of the linear model is Gaussian:
    precision ``P = S0^-1 + A' (S + R)^-1 A``, mean ``P^-1 (S0^-1 m0 + A' (S + R)^-1 (c - b))``.

    Args:
        x: Parameter rows (``n x d``).
        metrics: Their measures, one column per target.
        targets: Target name -> (low, high, weight).
        prior: The prior.
        sd_fraction: As in :func:`band_loglik`.
        weights: Regression weight of each row (default: equal).

    Returns:
        ``(mean, cov)``, or None with fewer complete rows (of positive weight) than ``d + 2``.
    """
    names = [k for k, (_, _, w) in targets.items() if w > 0]
    y = metrics[names].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    ok = np.isfinite(y).all(axis=1) & prior.inside(x) & (w > 0)
    d = prior.dim
    if ok.sum() < d + 2:
        return None
    centre, width = (prior.low + prior.high) / 2, prior.width
    xs = (np.asarray(x, dtype=float)[ok] - centre) / width  # the box as [-1/2, 1/2]^d
    design = np.column_stack([np.ones(len(xs)), xs])
    sw = np.sqrt(w[ok] / w[ok].sum())[:, None]
    coef, *_ = np.linalg.lstsq(sw * design, sw * y[ok], rcond=None)
    resid = y[ok] - design @ coef
    n_eff = ess(w[ok])
    r = (sw**2 * resid**2).sum(axis=0) * n_eff / max(n_eff - d - 1, 1.0)
    b, a = coef[0], coef[1:].T  # a: measures x parameters
    c = np.array([(targets[k][0] + targets[k][1]) / 2 for k in names])
    s = np.array([_band_sd(*targets[k], sd_fraction) for k in names]) ** 2
    v_inv = 1.0 / (s + r)
    precision = 12.0 * np.eye(d) + a.T @ (v_inv[:, None] * a)  # uniform on [-1/2, 1/2]: var 1/12
    cov_s = np.linalg.inv(precision)
    mean_s = cov_s @ (a.T @ (v_inv * (c - b)))
    return centre + width * mean_s, cov_s * np.outer(width, width)


def emulator_weights(loglik: np.ndarray, min_ess: float) -> np.ndarray:
    """Regression weights ``L^beta`` that make the emulator local to the likely region.

    ``beta`` in [0, 1] is the largest that keeps an effective sample of ``min_ess`` draws
    (1 when the likelihood itself does; bisection otherwise), so the fit leans on the draws
    nearest the bands without resting on a few. Draws without a likelihood get weight 0.
    """
    ll = np.asarray(loglik, dtype=float)
    ok = np.isfinite(ll)
    if not ok.any():
        return ok.astype(float)
    top = ll[ok].max()

    def weights(beta: float) -> np.ndarray:
        return np.where(ok, np.exp(beta * (np.where(ok, ll, top) - top)), 0.0)

    if ess(weights(1.0)) >= min_ess:
        return weights(1.0)
    lo, hi = 0.0, 1.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if ess(weights(mid)) >= min_ess else (lo, mid)
    return weights(lo)


def normalize(logw: np.ndarray) -> np.ndarray:
    """Weights summing to 1 from log weights (non-finite log weights get weight 0).

    Raises:
        ValueError: No finite log weight.
    """
    logw = np.asarray(logw, dtype=float)
    ok = np.isfinite(logw)
    if not ok.any():
        raise ValueError("no draw has a positive weight (every likelihood is 0 or missing)")
    w = np.where(ok, np.exp(np.where(ok, logw, 0.0) - logw[ok].max()), 0.0)
    return w / w.sum()


def ess(weights: np.ndarray) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 without positive weight)."""
    w = np.asarray(weights, dtype=float)
    s2 = float(np.sum(w**2))
    return float(np.sum(w) ** 2 / s2) if s2 > 0 else 0.0


def resample_indices(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices drawn in proportion to ``weights`` (systematic resampling, shuffled).

    Systematic resampling takes one uniform draw and ``n`` evenly spaced points on the
    cumulative weights: each index appears ``floor(n w)`` or ``ceil(n w)`` times, never an
    index of zero weight. The result is shuffled, so any prefix is a sample too.
    """
    w = np.asarray(weights, dtype=float)
    if n < 0 or not np.all(w >= 0) or not w.sum() > 0:
        raise ValueError("resampling needs n >= 0 and non-negative weights with a positive sum")
    c = np.cumsum(w / w.sum())
    c[np.flatnonzero(w > 0)[-1] :] = 1.0
    u = (rng.random() + np.arange(n)) / n
    return rng.permutation(np.searchsorted(c, u, side="right"))


def weighted_quantile(x: np.ndarray, weights: np.ndarray, q: float | Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample: the inverse of its weighted distribution function.

    The ``q`` quantile is the smallest value whose cumulative weight reaches ``q`` (no
    interpolation, so a draw of negligible weight never stretches an interval).
    """
    x, w = np.asarray(x, dtype=float), np.asarray(weights, dtype=float)
    keep = (w > 0) & np.isfinite(x)
    x, w = x[keep], w[keep]
    order = np.argsort(x)
    x, c = x[order], np.cumsum(w[order]) / w.sum()
    idx = np.searchsorted(c, np.asarray(q, dtype=float) - 1e-12, side="left")
    return x[np.minimum(idx, len(x) - 1)]


def summarize(
    sample: pd.DataFrame,
    weights: np.ndarray,
    prior: Prior,
    point: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per parameter: prior range, point fit, posterior mean, sd and 5/50/95% quantiles.

    ``interval_share`` is the 90% interval's width as a share of the prior range (1: the
    targets say nothing about the parameter; small: well identified).
    """
    w = np.asarray(weights, dtype=float)
    rows = []
    for name, lo, hi in zip(prior.names, prior.low, prior.high, strict=True):
        x = sample[name].to_numpy(dtype=float)
        mean = float(w @ x / w.sum())
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        rows.append(
            {
                "parameter": name,
                "prior_low": float(lo),
                "prior_high": float(hi),
                "point": float((point or {}).get(name, np.nan)),
                "mean": mean,
                "sd": float(np.sqrt(w @ (x - mean) ** 2 / w.sum())),
                "q05": float(q05),
                "q50": float(q50),
                "q95": float(q95),
                "interval_share": float((q95 - q05) / (hi - lo)),
            }
        )
    return pd.DataFrame(rows)


def predictive_check(
    metrics: pd.DataFrame, weights: np.ndarray, targets: Mapping[str, Band]
) -> pd.DataFrame:
    """Per target: band, the measure under posterior draws (mean, 5-95%) and P(inside band).

    Each draw's measures come from its own run, so the spread includes seed noise: this is a
    posterior predictive distribution of one run's measure.
    """
    w = np.asarray(weights, dtype=float)
    rows = []
    for name, (lo, hi, weight) in targets.items():
        y = pd.to_numeric(metrics[name], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(y) & (w > 0)
        mean = q05 = q95 = p_inside = np.nan
        if ok.any():
            wy, yy = w[ok] / w[ok].sum(), y[ok]
            mean = float(wy @ yy)
            q05, q95 = (float(v) for v in weighted_quantile(yy, wy, [0.05, 0.95]))
            p_inside = float(wy @ ((yy >= lo) & (yy <= hi)))
        rows.append(
            {
                "target": name,
                "low": lo,
                "high": hi,
                "weight": weight,
                "mean": mean,
                "q05": q05,
                "q95": q95,
                "p_inside": p_inside,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the sampler

#: A simulator: (population, parameter rows, seeds) -> one row of measures per parameter row.
Simulator = Callable[[int, pd.DataFrame, np.ndarray], pd.DataFrame]


@dataclass
class PosteriorResult:
    """The weighted sample of :func:`sequential_importance`.

    Attributes:
        prior: The prior.
        draws: One row per draw: the parameters, ``population``, ``seed``, the simulator's
            columns (measures), ``loglik``, ``log_proposal`` (the mixture of all proposals)
            and ``weight`` (normalized).
        populations: One row per population: ``population``, ``proposal`` (``prior`` or
            ``gaussian``), ``draws``, ``ess_own`` (ESS of its draws weighted against its own
            proposal: how well that proposal matched the posterior), ``ess`` (of the final
            weights within it) and ``weight_share``.
    """

    prior: Prior
    draws: pd.DataFrame
    populations: pd.DataFrame

    @property
    def sample(self) -> pd.DataFrame:
        """The parameter columns."""
        return self.draws[list(self.prior.names)]

    @property
    def weights(self) -> np.ndarray:
        """Normalized weights."""
        return self.draws[WEIGHT].to_numpy(dtype=float)

    @property
    def ess(self) -> float:
        """Effective sample size of the whole weighted sample."""
        return ess(self.weights)

    @property
    def max_weight(self) -> float:
        """Weight of the heaviest draw (1/N for equal weights, 1 when one draw is all)."""
        return float(self.weights.max())


def population_sizes(draws: int, populations: int) -> list[int]:
    """Split ``draws`` into at most ``populations`` near-equal populations."""
    if draws < 1:
        raise ValueError(f"draws: expected >= 1, got {draws}")
    k = max(1, min(int(populations), draws))
    base, extra = divmod(draws, k)
    return [base + (i < extra) for i in range(k)]


def sequential_importance(
    simulate: Simulator,
    targets: Mapping[str, Band],
    prior: Prior,
    draws: int,
    rng: np.random.Generator,
    populations: int = 3,
    sd_fraction: float = 0.5,
    inflation: float = 1.5,
    defensive: float = 0.1,
) -> PosteriorResult:
    """Adaptive importance sampling of prior x band likelihood, in populations.

    Args:
        simulate: Runs the model at parameter rows with the given seeds (one seed per row)
            and returns one row of measures per parameter row, in order.
        targets: Target name -> (low, high, weight) (:func:`band_loglik`).
        prior: The prior (its box bounds every proposal).
        draws: Total number of simulations.
        rng: The only source of randomness (Latin hypercube, proposals, seeds).
        populations: Number of populations the draws are split into (1: importance
            sampling from the prior alone).
        sd_fraction: A band's Gaussian sd as a share of its half-width.
        inflation: A Gaussian proposal's sd as a multiple of the approximate posterior's
            (heavier than the target, as importance sampling needs).
        defensive: Share of each later population drawn from the prior.

    Returns:
        The weighted sample with its diagnostics.
    """
    sizes = population_sizes(draws, populations)
    proposals: list[Density] = []
    xs: list[np.ndarray] = []
    frames: list[pd.DataFrame] = []
    seed_lists: list[np.ndarray] = []
    kinds: list[str] = []
    for t, n in enumerate(sizes):
        q: Density = prior
        if t > 0:
            x_so_far = np.vstack(xs)
            m_so_far = pd.concat(frames, ignore_index=True)
            fit_w = emulator_weights(
                band_loglik(m_so_far, targets, sd_fraction),
                min(len(x_so_far), max(4.0 * (prior.dim + 1), 0.5 * sizes[t - 1])),
            )
            approx = linear_gaussian_posterior(
                x_so_far, m_so_far, targets, prior, sd_fraction=sd_fraction, weights=fit_w
            )
            if approx is not None:
                mean, cov = approx
                q = GaussianProposal.make(mean, inflation**2 * cov, prior, defensive, rng) or prior
        x = q.sample(n, rng)
        seeds = rng.integers(0, 2**31 - 1, size=n)
        params = pd.DataFrame(x, columns=list(prior.names))
        measures = simulate(t, params, seeds).reset_index(drop=True)
        if len(measures) != n:
            raise ValueError(f"the simulator returned {len(measures)} rows for {n} draws")
        proposals.append(q)
        kinds.append("prior" if q is prior else "gaussian")
        xs.append(x)
        frames.append(measures)
        seed_lists.append(seeds)
    x_all = np.vstack(xs)
    measures_all = pd.concat(frames, ignore_index=True)
    ll = band_loglik(measures_all, targets, sd_fraction)
    log_q = mixture_logpdf(x_all, proposals, sizes)
    log_prior = prior.logpdf(x_all)
    w = normalize(ll + log_prior - log_q)
    pop = np.repeat(np.arange(len(sizes)), sizes)
    out = pd.concat(
        [
            pd.DataFrame(x_all, columns=list(prior.names)),
            pd.DataFrame({"population": pop, "seed": np.concatenate(seed_lists)}),
            measures_all,
        ],
        axis=1,
    )
    out["loglik"], out["log_proposal"], out[WEIGHT] = ll, log_q, w
    rows = []
    for t, n in enumerate(sizes):
        own = pop == t
        lw_own = ll[own] + log_prior[own] - proposals[t].logpdf(x_all[own])
        rows.append(
            {
                "population": t,
                "proposal": kinds[t],
                "draws": n,
                "ess_own": ess(np.exp(lw_own - lw_own.max())) if np.isfinite(lw_own).any() else 0,
                "ess": ess(w[own]),
                "weight_share": float(w[own].sum()),
            }
        )
    return PosteriorResult(prior, out, pd.DataFrame(rows))


# --------------------------------------------------------------------------- files


def write_posterior(
    path: Path, sample: pd.DataFrame, weights: np.ndarray, header: Mapping[str, object]
) -> Path:
    """Write a weighted sample: ``# key: value`` header lines, then parameter columns + weight.

    Args:
        path: The CSV file (written atomically).
        sample: One column per parameter path.
        weights: One weight per row (normalized on reading).
        header: The manifest (method, prior, targets, draws, ESS, date, seed, ...).
    """
    path = Path(path)
    df = sample.reset_index(drop=True).copy()
    df[WEIGHT] = np.asarray(weights, dtype=float)
    lines = [f"# {k}: {' '.join(str(v).split())}" for k, v in header.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n" + df.to_csv(index=False, float_format="%.8g"))
    os.replace(tmp, path)
    return path


def read_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a posterior file."""
    header: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].strip().partition(":")
            header[key.strip()] = value.strip()
    return header


def parameter_columns(posterior: pd.DataFrame) -> list[str]:
    """The parameter paths of a posterior frame (every column but the weight)."""
    return [c for c in posterior.columns if c != WEIGHT]


def load_posterior(path: Path | str = DEFAULT_PATH) -> pd.DataFrame:
    """A posterior file: one column per parameter path and ``weight`` (normalized to sum 1).

    The header is in ``df.attrs["header"]`` (method, prior, targets, draws, ESS, ...).

    Raises:
        ValueError: No weight or parameter column, a non-finite value, a negative weight or
            weights summing to 0.
    """
    path = Path(path)
    header = read_header(path)
    df = pd.read_csv(path, skiprows=len(header))
    if WEIGHT not in df or len(df.columns) < 2:
        raise ValueError(f"{path}: expected parameter columns and a {WEIGHT!r} column")
    values = df.to_numpy(dtype=float)
    w = df[WEIGHT].to_numpy(dtype=float)
    if not np.isfinite(values).all() or (w < 0).any() or not w.sum() > 0:
        raise ValueError(f"{path}: values must be finite and weights >= 0 with a positive sum")
    df[WEIGHT] = w / w.sum()
    df.attrs["header"] = header
    df.attrs["path"] = str(path)
    return df


def posterior_sample(
    path: Path | str | pd.DataFrame, n: int, rng: np.random.Generator
) -> pd.DataFrame:
    """``n`` parameter rows resampled from a posterior by weight (equally weighted).

    Args:
        path: A posterior file (:func:`load_posterior`) or a frame it returned.
        n: Number of rows.
        rng: The generator (the same seed gives the same rows).

    Returns:
        One column per parameter path; ``attrs["header"]`` is the file's header.
    """
    post = path if isinstance(path, pd.DataFrame) else load_posterior(path)
    idx = resample_indices(post[WEIGHT].to_numpy(dtype=float), n, rng)
    out = post[parameter_columns(post)].iloc[idx].reset_index(drop=True)
    out.attrs = dict(post.attrs)
    return out
