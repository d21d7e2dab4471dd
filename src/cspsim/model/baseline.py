"""Baseline opportunity: the true offence rates that make the baseline match the data.

Cities with crime data (SF 2012) give *recorded* incidents per place; the model needs *true*
offences, so observed counts are divided by the expected recording share of each place and
type at the start (reporting by its residents' trust plus discovery by baseline patrol).
Cities without crime data get rates from population and disadvantage.
"""

from __future__ import annotations

import numpy as np

from cspsim.city import CRIME_TYPES
from cspsim.model.processes.reporting import report_probability
from cspsim.model.world import World

#: Shares of the four types among recorded incidents in SF 2012 (Robbery 2,761, CarTheft
#: 3,386, Vandalism 3,430, Drugs 3,897 of 13,474; SFPD via GeoDa), used where a city has
#: no counts of a type.
RECORDED_TYPE_SHARES = np.array([2761, 3386, 3430, 3897], dtype=np.float64) / 13474.0
#: Weight of the adjacent places' mean in a place's expected rate (shrinkage towards the
#: local mean). 0: the model's own Poisson draws add count noise back, so shrinking the rates
#: as well leaves the simulated counts less concentrated than the observed ones (posterior
#: means are less dispersed than the rates they estimate; Louis 1984). With 0.2 the SF top-10%
#: shares fell 3-8 points short of the data (calibrated: SF 2012 recorded concentration,
#: docs/design.md; see ``cspsim-validate``).
SPATIAL_SHRINKAGE = 0.0


def expected_recording_share(world: World, reference_presence: np.ndarray) -> np.ndarray:
    """Expected share of true offences recorded, by place and type (P, 4), at the start.

    Args:
        world: The world (residents' trust drives reporting).
        reference_presence: Baseline officer-hours per place (patrols discover offences).
    """
    r = world.residents
    n_types = len(CRIME_TYPES)
    share = np.zeros((world.n_places, n_types))
    idx = np.arange(r.n)
    counts = np.maximum(world.place_count, 1)
    kappa = np.asarray(world.params.reporting.discovery_per_hour)
    hours = reference_presence * world.presence_scale  # per calibration-sized place
    for t in range(n_types):
        rep = report_probability(world, idx, np.full(r.n, t))
        by_place = np.bincount(r.place, weights=rep, minlength=world.n_places) / counts
        by_place = by_place[world.populated_place]  # empty places: their victims' place
        disc = 1.0 - np.exp(-kappa[t] * hours)
        share[:, t] = by_place + (1.0 - by_place) * disc
    return share


def disadvantage_rates(world: World, base_crime_per_1000: float) -> np.ndarray:
    """Recorded incidents per day by place and type from population and disadvantage."""
    city = world.city
    beta = world.params.crime.disadvantage_rate_effect
    pop = city.population
    risk = np.exp(beta * city.disadvantage)
    risk = risk / np.average(risk, weights=pop + 1e-12)
    per_day = base_crime_per_1000 / 365.0 * pop / 1000.0 * risk
    return per_day[:, None] * RECORDED_TYPE_SHARES[None, :]


def expected_recorded_rates(world: World, base_crime_per_1000: float) -> np.ndarray:
    """Recorded incidents per day by place and type (P, 4) the baseline should produce.

    Args:
        world: The world (the city's observed counts, or population and disadvantage).
        base_crime_per_1000: Recorded incidents per 1,000 residents per year at mean
            disadvantage, for cities without crime data.
    """
    observed = world.city.observed_crime
    fallback = disadvantage_rates(world, base_crime_per_1000)
    if observed is None:
        return fallback
    recorded = np.where(np.isnan(observed), fallback, observed)
    recorded = (1 - SPATIAL_SHRINKAGE) * recorded + SPATIAL_SHRINKAGE * (world.place_w @ recorded)
    # A small floor: no place is entirely free of opportunity.
    return recorded + 0.01 * recorded.mean(axis=0, keepdims=True)


def target_true_rates(
    world: World, expected_recorded: np.ndarray, reference_presence: np.ndarray
) -> np.ndarray:
    """True offences per day by place and type (P, 4) the baseline should produce."""
    share = expected_recording_share(world, reference_presence)
    return expected_recorded / np.maximum(share, 1e-3)
