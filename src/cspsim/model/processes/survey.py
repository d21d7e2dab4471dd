"""Process 9 (measurement): the simulated resident survey.

A wave contacts a simple random sample of resident agents; whether they answer depends on
their trust (non-response bias: distrustful residents answer less), and answers are Likert
1-5 with response noise. The partnership reads this survey, biases included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.model.residents import logistic, logit

if TYPE_CHECKING:
    from cspsim.model.world import World

#: Standard deviation of answer noise on the 0-1 scale before binning into 5 categories.
ANSWER_NOISE = 0.08


def likert(values: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Map 0-1 values (plus noise) onto Likert categories 1..5."""
    return np.clip(np.floor((values + noise) * 5.0) + 1, 1, 5).astype(np.int8)


def satisfaction_score(world: World, idx: np.ndarray) -> np.ndarray:
    """Satisfaction with police (0-1) of residents ``idx``.

    Trust, lowered by the resident's share of negative contacts (the survey's item).
    """
    r = world.residents
    neg = r.negative_contacts[idx]
    neg_share = np.divide(neg, np.maximum(r.contacts[idx], 1), dtype=np.float64)
    return np.clip(r.trust[idx] - 0.3 * neg_share, 0.0, 1.0)


def survey_wave(world: World, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Run one survey wave; return the respondents' answers as columns."""
    survey_pars = world.params.survey
    r = world.residents
    n = min(survey_pars.sample_size, r.n)
    sampled = rng.choice(r.n, size=n, replace=False) if n else np.empty(0, np.int64)
    u = rng.random((n, 4))
    p_respond = logistic(
        logit(survey_pars.response_base)
        + survey_pars.response_trust_effect * (r.trust[sampled] - world.reference_trust)
    )
    resp = sampled[u[:, 0] < p_respond]
    u = u[u[:, 0] < p_respond]
    noise = (u[:, 1:] - 0.5) * 2.0 * np.sqrt(3.0) * ANSWER_NOISE  # uniform, sd = ANSWER_NOISE
    trust = r.trust[resp]
    satisfaction = satisfaction_score(world, resp)
    return {
        "resident": resp.astype(np.int64),
        "place": r.place[resp].astype(np.int64),
        "group": r.group[resp].astype(np.int8),
        "trust": likert(trust, noise[:, 0]),
        "safety": likert(1.0 - r.fear[resp], noise[:, 1]),
        "satisfaction": likert(satisfaction, noise[:, 2]),
        "sampled": np.full(len(resp), n, dtype=np.int32),
    }


class Survey:
    """The partnership's resident survey: waves, and what the latest wave says.

    Args:
        world: The world (residents).
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self._trust_by_neighbourhood: np.ndarray | None = None

    def wave(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Run one wave; remember its trust answers by neighbourhood; return the answers."""
        answers = survey_wave(self.world, rng)
        city = self.world.city
        if len(answers["resident"]):
            nb = city.neighbourhood[self.world.residents.place[answers["resident"]]]
            total = np.bincount(
                nb, weights=(answers["trust"] - 1) / 4.0, minlength=city.n_neighbourhoods
            )
            cnt = np.bincount(nb, minlength=city.n_neighbourhoods)
            mean = float(total.sum() / cnt.sum())
            self._trust_by_neighbourhood = np.divide(
                total, cnt, out=np.full(len(cnt), mean), where=cnt > 0
            )
        return answers

    @property
    def has_wave(self) -> bool:
        """Whether any wave has been answered."""
        return self._trust_by_neighbourhood is not None

    def trust_by_place(self) -> np.ndarray:
        """Latest survey trust (0-1) by place, through its neighbourhood (0.5 before any)."""
        if self._trust_by_neighbourhood is None:
            return np.full(self.world.n_places, 0.5)
        return self._trust_by_neighbourhood[self.world.city.neighbourhood]
