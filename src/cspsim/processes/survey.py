"""Process 9 (measurement): the simulated resident survey.

A wave contacts a simple random sample of resident agents; whether they answer depends on
their trust (non-response bias: distrustful residents answer less), and answers are Likert
1-5 with response noise. The partnership reads this survey, biases included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.residents import logistic, logit

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel

#: Standard deviation of answer noise on the 0-1 scale before binning into 5 categories.
ANSWER_NOISE = 0.08


def likert(values: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Map 0-1 values (plus noise) onto Likert categories 1..5."""
    return np.clip(np.floor((values + noise) * 5.0) + 1, 1, 5).astype(np.int8)


def satisfaction_score(model: CommunitySafetyModel, idx: np.ndarray) -> np.ndarray:
    """Satisfaction with police (0-1) of residents ``idx``.

    Trust, lowered by the resident's share of negative contacts (the survey's item).
    """
    r = model.residents
    neg = r.negative_contacts[idx]
    neg_share = np.divide(neg, np.maximum(r.contacts[idx], 1), dtype=np.float64)
    return np.clip(r.trust[idx] - 0.3 * neg_share, 0.0, 1.0)


def survey_wave(model: CommunitySafetyModel, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Run one survey wave; return the respondents' answers as columns."""
    sv = model.params.survey
    r = model.residents
    n = min(sv.sample_size, r.n)
    sampled = rng.choice(r.n, size=n, replace=False) if n else np.empty(0, np.int64)
    u = rng.random((n, 4))
    p_respond = logistic(
        logit(sv.response_base)
        + sv.response_trust_effect * (r.trust[sampled] - model.reference_trust)
    )
    resp = sampled[u[:, 0] < p_respond]
    u = u[u[:, 0] < p_respond]
    noise = (u[:, 1:] - 0.5) * 2.0 * np.sqrt(3.0) * ANSWER_NOISE  # uniform, sd = ANSWER_NOISE
    trust = r.trust[resp]
    satisfaction = satisfaction_score(model, resp)
    return {
        "resident": resp.astype(np.int64),
        "place": r.place[resp].astype(np.int64),
        "group": r.group[resp].astype(np.int8),
        "trust": likert(trust, noise[:, 0]),
        "safety": likert(1.0 - r.fear[resp], noise[:, 1]),
        "satisfaction": likert(satisfaction, noise[:, 2]),
        "sampled": np.full(len(resp), n, dtype=np.int32),
    }
