"""Process 1: offences arise at places (routine activity + near-repeat attractiveness).

Expected offences of type t at place p on a day:

    lambda[p,t] = (mu[p,t] * motivation[p,t] + boost[p,t]) * guardianship[p,t] + displaced[p,t]

* ``mu``: the place's underlying opportunity (suitable targets), set at initialization so
  that, under the baseline, *recorded* crime matches the city's observed counts (or, for
  cities without crime data, rises with disadvantage).
* ``motivation``: motivated offenders nearby (at-risk residents' propensity, minus those
  jailed or in programs, spread to adjacent places by offender travel), relative to the start.
* ``boost``: near-repeat attractiveness, a self-exciting term (Short et al. 2008; Mohler et
  al. 2011): each offence adds to it; it decays in time and spreads to adjacent places.
* ``guardianship``: police presence (diminishing returns; with diffusion of benefits to
  adjacent places),
  collective efficacy and neighbourhood watch, relative to the baseline.
* ``displaced``: a share of offences deterred by police moves to adjacent places.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from cspsim.city import CRIME_TYPES
from cspsim.config import ModelParams
from cspsim.model.kernels import _jit
from cspsim.model.types import DISORDER
from cspsim.model.world import World

N_TYPES = len(CRIME_TYPES)
#: Share of offending by people from outside the modelled neighbourhood pool (commuters,
#: visitors): it does not respond to local offender changes (assumption).
OUTSIDER_SHARE = 0.2
#: Floor of a place's own opportunity, as a share of its target rate, where boost spread from
#: busier neighbours alone would exceed the target.
MIN_OPPORTUNITY = 0.05


class CrimeProcess:
    """Near-repeat attractiveness state and the daily draw of offences.

    Args:
        world: The world (places, residents).
        params: Mechanism parameters.
        target_true_rate: Expected true offences per day, shape (P, 4), that the baseline
            should produce on average (near-repeat contribution included).
        program_effect: Propensity reduction by crime type of given at-risk residents
            (programs), ``f(indices) -> (n, 4)``.
        reference_presence: Police presence of the baseline (deterrence is relative to it).
    """

    def __init__(
        self,
        world: World,
        params: ModelParams,
        target_true_rate: np.ndarray,
        program_effect: Callable[[np.ndarray], np.ndarray],
        reference_presence: np.ndarray,
    ) -> None:
        self.world = world
        self.params = params
        self.program_effect = program_effect
        self.reference_presence = reference_presence
        # The self-exciting term adds offences on top of mu, and spreads them to adjacent
        # places: start the boost at its steady state and take it out of mu, so that each
        # place's expected crime at baseline is its target (not just the city's total).
        boost = self.steady_state_boost(target_true_rate)
        self.mu0 = np.maximum(target_true_rate - boost, MIN_OPPORTUNITY * target_true_rate)
        # Where the floor binds (a quiet place next to busy ones, whose boost spreads to it)
        # the place runs above its target: start every place at the equilibrium of its own
        # opportunity, so that the baselines residents judge crime by (for fear, efficacy
        # and what they see) are what the baseline produces, and nothing drifts from day 0.
        equilibrium = self.equilibrium_rate(self.mu0)
        self.boost = equilibrium - self.mu0
        self.pressure0 = self.offender_pressure()
        self.recent = equilibrium.sum(axis=1)  # EWMA of true crime per place
        self.baseline_total = self.recent.copy()
        # What residents can see around them: disorder (and its baseline), as an EWMA.
        self.recent_disorder = equilibrium[:, DISORDER].copy()
        self.baseline_disorder = self.recent_disorder.copy()

    def steady_state_boost(self, rate: np.ndarray) -> np.ndarray:
        """Near-repeat boost in equilibrium with expected offences ``rate`` (P, 4).

        Solves ``B = (1 - omega) M B + n omega rate`` with ``M = (1 - eta) I + eta W^T``
        (the update in :meth:`update_boost`), one sparse factorization for all types.
        """
        crime_pars = self.params.crime
        omega, eta, n = (
            crime_pars.near_repeat_decay,
            crime_pars.near_repeat_spread,
            crime_pars.near_repeat_branching,
        )
        size = rate.shape[0]
        eye = sp.identity(size, format="csc")
        spread = (1.0 - eta) * eye + eta * self.world.place_w_t
        system = sp.csc_matrix(eye - (1.0 - omega) * spread)
        return np.asarray(splu(system).solve(n * omega * np.asarray(rate, dtype=np.float64)))

    def equilibrium_rate(self, mu: np.ndarray) -> np.ndarray:
        """Expected offences (P, 4) in equilibrium with opportunity ``mu`` and its boost.

        With ``A = I - (1 - omega) M`` the boost settles at ``B = n omega A^-1 rate``, so the
        rate ``mu + B`` solves ``(A - n omega I) rate = A mu``.
        """
        crime_pars = self.params.crime
        omega, eta, n = (
            crime_pars.near_repeat_decay,
            crime_pars.near_repeat_spread,
            crime_pars.near_repeat_branching,
        )
        size = mu.shape[0]
        eye = sp.identity(size, format="csc")
        a = sp.csc_matrix(eye - (1.0 - omega) * ((1.0 - eta) * eye + eta * self.world.place_w_t))
        return np.asarray(splu(sp.csc_matrix(a - n * omega * eye)).solve(a @ mu))

    def rebaseline(self) -> None:
        """Measure offending relative to now (called at the end of burn-in)."""
        self.pressure0 = self.offender_pressure()

    def offender_pressure(self) -> np.ndarray:
        """Offending pressure acting on each place by type, shape (P, 4)."""
        w = self.world
        r = w.residents
        idx = w.at_risk_index
        # Compliance: trusting the police a little more, offending a little less (Nagin &
        # Telep 2017: weak evidence); relative to the city's starting trust.
        comply = np.exp(
            -self.params.crime.compliance_trust_effect * (r.trust[idx] - w.reference_trust)
        )
        effect = self.program_effect(idx)  # (n_at_risk, 4) reductions 0-1
        # Who offends today, by type (arrests pick from it), and its sum by place.
        self.offender_weights, own = _offending(
            idx, r.propensity, r.jailed, comply, effect, w.ar_start, w.ar_count
        )
        tau = self.params.crime.offender_travel
        return (1.0 - tau) * own + tau * w.to_neighbours(own)

    def motivation(self) -> np.ndarray:
        """Motivated offenders relative to the start, shape (P, 4).

        Also keeps the share of each place's offending by outsiders
        (:attr:`outsider_share`), which attributes offences to offenders.
        """
        press = self.offender_pressure()
        ratio = np.divide(press, self.pressure0, out=np.ones_like(press), where=self.pressure0 > 0)
        motivation = OUTSIDER_SHARE + (1.0 - OUTSIDER_SHARE) * ratio
        self.outsider_share = OUTSIDER_SHARE / np.maximum(motivation, 1e-12)
        return motivation

    def expected(
        self,
        presence: np.ndarray,
        efficacy_gain: np.ndarray,
        guardianship: list[np.ndarray],
        opportunity: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Expected offences today.

        Args:
            presence: Police officer-hours per place (yesterday's).
            efficacy_gain: Collective efficacy relative to the start, per place.
            guardianship: Crime multipliers (P, 4) of other guardians (watch, responders,
                place managers), applied in order.
            opportunity: Reduction (0-1) of each place's opportunity (problem solving), or
                None.

        Returns:
            ``(lam, deterred)``: expected offences (P, 4) and offences deterred by police.
        """
        w = self.world
        crime_pars = self.params.crime
        mu = self.mu0 if opportunity is None else self.mu0 * (1.0 - opportunity)[:, None]
        drive = mu * self.motivation() + self.boost
        # Police deterrence relative to the baseline's uniform presence (h_ref), with a share
        # felt at adjacent places (diffusion of benefits; Weisburd et al. 2006).
        felt = presence + crime_pars.diffusion_of_benefits * w.neighbour_means(presence)
        # Diminishing returns to presence (Koper 1995): deterrence grows with log(1 + h/h0),
        # h in hours at a place of the calibration city's size (World.presence_scale).
        h0 = crime_pars.presence_half_saturation
        g = w.presence_scale
        gain = np.log1p(felt * g / h0) - np.log1p(self.reference_presence * g / h0)
        police = np.exp(-crime_pars.police_deterrence * gain)
        other = np.exp(-crime_pars.collective_efficacy_effect * efficacy_gain)
        guard = (police * other)[:, None]
        for factor in guardianship:
            guard = guard * factor
        lam = drive * guard
        deterred = np.maximum(drive * other[:, None] * (1.0 - police[:, None]), 0.0)
        displaced = crime_pars.displacement * w.to_neighbours(deterred)
        return lam + displaced, deterred

    def draw(self, lam: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw today's offence counts (P, 4) from expected offences and update the boosts."""
        counts = rng.poisson(lam)
        self.update_boost(counts)
        return counts

    def update_boost(self, counts: np.ndarray) -> None:
        """Near-repeat: each offence adds n * omega, which decays at omega and spreads."""
        crime_pars = self.params.crime
        omega, eta = crime_pars.near_repeat_decay, crime_pars.near_repeat_spread
        b = (1.0 - eta) * self.boost + eta * self.world.to_neighbours(self.boost)
        self.boost = (1.0 - omega) * b + crime_pars.near_repeat_branching * omega * counts
        self.recent = 0.95 * self.recent + 0.05 * counts.sum(axis=1)
        self.recent_disorder = 0.95 * self.recent_disorder + 0.05 * counts[:, DISORDER]

    def visible_disorder_ratio(self) -> np.ndarray:
        """Recent disorder per place relative to its baseline (what residents see)."""
        return self.recent_disorder / np.maximum(self.baseline_disorder, 1e-3)

    def crime_ratio(self) -> np.ndarray:
        """Recent true crime per place relative to its baseline (for fear and efficacy)."""
        base = np.maximum(self.baseline_total, 1e-3)
        return self.recent / base


@_jit
def _offending(
    idx: np.ndarray,
    propensity: np.ndarray,
    jailed: np.ndarray,
    comply: np.ndarray,
    effect: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Offending of the at-risk residents ``idx`` by type, and its sums by place, one pass.

    ``weights = ((propensity · (1 - jailed)) · comply) · (1 - effect)`` in float32, as NumPy
    computes it; the sums by place add each place's at-risk residents (``starts``/
    ``counts``, in ``idx`` order) in order, from 0, in float64, as ``np.bincount`` does.
    """
    n, k = effect.shape
    if k != 4:
        raise ValueError("effect: expected one column per crime type (4)")
    weights = np.empty((n, k), np.float32)
    one = np.float32(1.0)
    for j in range(n):
        i = idx[j]
        active = propensity[i] * (one - jailed[i]) * comply[j]
        for t in range(k):
            weights[j, t] = active * (one - effect[j, t])
    # The four types' sums side by side: four chains of additions instead of one.
    own = np.zeros((len(starts), k))
    for place in range(len(starts)):
        a0 = a1 = a2 = a3 = 0.0
        for j in range(starts[place], starts[place] + counts[place]):
            a0 += weights[j, 0]
            a1 += weights[j, 1]
            a2 += weights[j, 2]
            a3 += weights[j, 3]
        own[place, 0], own[place, 1], own[place, 2], own[place, 3] = a0, a1, a2, a3
    return weights, own
