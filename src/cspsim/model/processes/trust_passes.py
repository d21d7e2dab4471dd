"""The trust process's compiled passes over residents (:class:`.legitimacy.Legitimacy`).

Each gives the numbers of the NumPy form it replaced, bit for bit (``tests/test_kernels.py``
keeps those forms): float32 state in float32, in the same order. The passes over all
residents run place by place (residents are sorted by place): a place's residents are
contiguous views and its neighbourhood's values a few numbers, so the loops vectorize.
"""

from __future__ import annotations

import numpy as np

from cspsim.model.kernels import _jit, clip01


@_jit
def add_experience(
    trust_recent: np.ndarray, trust: np.ndarray, residents: np.ndarray, delta: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Add ``delta`` to the residents' recent experience and trust, then clip their trust.

    Repeats add up in order, as ``np.add.at``; only their trust is clipped to 0-1 (the
    others did not move).
    """
    for k in range(len(residents)):
        i = residents[k]
        trust_recent[i] += delta[k]
        trust[i] += delta[k]
    for k in range(len(residents)):
        i = residents[k]
        trust[i] = clip01(trust[i])


@_jit
def hear_and_talk(
    trust: np.ndarray,
    trust_recent: np.ndarray,
    trust_peer: np.ndarray,
    peer_mean: np.ndarray,
    has_ties: np.ndarray,
    heard_bad: np.ndarray,
    heard_good: np.ndarray,
    cynicism: np.ndarray,
    place_nbhd: np.ndarray,
    place_start: np.ndarray,
    place_count: np.ndarray,
    gain: np.floating,
    loss: float,
    amplification: float,
    s: np.float32,
) -> None:  # pragma: no cover - compiled
    """Vicarious contacts, then word of mouth, one pass over the residents, place by place.

    A resident whose ties had police contacts today gains ``gain · good · (1 - trust)`` and
    loses ``loss · (1 + amplification · cynicism) · bad · trust`` (recent experience); then
    trust moves ``s (peer mean - trust)`` (the peer part), none without ties. Precision as
    the NumPy form: the good-news term in the heard arrays' dtype, the bad-news term in
    float64, stored as float32.

    Residents are sorted by place (``place_start``, ``place_count``), so a place's
    residents share one neighbourhood's cynicism and are read as contiguous views: the
    compiler vectorizes the loop (57 against 175-280 us at 100k). Every resident's news
    term is computed, zero for those who heard none: the same numbers as skipping them
    (adding +0 only turns a -0 into +0, which no later step tells apart).
    """
    one = np.float32(1.0)
    for p in range(len(place_start)):
        amplify = 1.0 + amplification * cynicism[place_nbhd[p]]
        first, last = place_start[p], place_start[p] + place_count[p]
        t_ = trust[first:last]
        recent = trust_recent[first:last]
        peer_part = trust_peer[first:last]
        peer_ = peer_mean[first:last]
        tied = has_ties[first:last]
        bad = heard_bad[first:last]
        good = heard_good[first:last]
        for k in range(len(t_)):
            t = t_[k]
            news = np.float32(gain * good[k] * (one - t) - loss * amplify * bad[k] * np.float64(t))
            recent[k] += news
            t = t + news
            peer = peer_[k] if tied[k] else t
            talk = s * (peer - t)
            peer_part[k] += talk
            t_[k] = clip01(t + talk)


@_jit
def settle_residents(
    trust_recent: np.ndarray,
    belief: np.ndarray,
    trust_peer: np.ndarray,
    trust: np.ndarray,
    recent_before: np.ndarray,
    cell_in_place: np.ndarray,
    drift: np.ndarray,
    place_nbhd: np.ndarray,
    place_start: np.ndarray,
    place_count: np.ndarray,
    arrival_shift: np.ndarray,
    own_belief: np.ndarray,
    learn_bad: np.float32,
    learn_good: np.float32,
    fade: np.float32,
    mu: np.float32,
    peer_decay: np.float32,
    burn_in: bool,
    flow_sum: np.ndarray,
    n_nbhd: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """One pass of :meth:`Legitimacy.settle` over the residents; returns belief sums by nbhd.

    Float32 state in float32, as the NumPy form did (:mod:`cspsim.model.kernels`). During
    the burn-in it adds each resident's net experience of the day to ``flow_sum`` by cell
    (``4 place + cell_in_place``) and keeps today's ``recent`` in ``recent_before``.

    Place by place (residents are sorted by place): the place's four cells' drift and its
    neighbourhood's newcomer shift are a few numbers, picked without a lookup per resident,
    so the update of its residents (contiguous views) vectorizes; then their beliefs are
    added to their neighbourhood's sum in resident order (float64), as one pass over all
    residents adds them.
    """
    one = np.float32(1.0)
    sums = np.zeros(n_nbhd)
    flow_today = np.zeros(len(flow_sum))
    for p in range(len(place_start)):
        d0, d1, d2, d3 = drift[4 * p], drift[4 * p + 1], drift[4 * p + 2], drift[4 * p + 3]
        nbhd = place_nbhd[p]
        shift = arrival_shift[nbhd]
        first, last = place_start[p], place_start[p] + place_count[p]
        cell = cell_in_place[first:last]
        recent_ = trust_recent[first:last]
        belief_ = belief[first:last]
        peer_ = trust_peer[first:last]
        trust_ = trust[first:last]
        before = recent_before[first:last]
        own = own_belief[first:last]
        if burn_in:
            for k in range(len(cell)):
                c = cell[k]
                dr = d3 if c == 3 else (d2 if c == 2 else (d1 if c == 1 else d0))
                flow_today[4 * p + c] += (recent_[k] + dr) - before[k]
        for k in range(len(cell)):
            c = cell[k]
            recent = recent_[k] + (d3 if c == 3 else (d2 if c == 2 else (d1 if c == 1 else d0)))
            learned = (learn_bad if recent < 0 else learn_good) * recent
            b = belief_[k] + learned
            recent = recent - (fade * recent + learned)
            if mu > 0:
                arrival = own[k] + shift
                b = b + mu * (arrival - b)
                recent = recent * (one - mu)
            b = clip01(b)
            belief_[k] = b
            recent_[k] = recent
            peer = peer_[k] * peer_decay
            peer_[k] = peer
            trust_[k] = clip01((b + recent) + peer)
            if burn_in:
                before[k] = recent
        acc = sums[nbhd]
        for k in range(len(belief_)):
            acc += belief_[k]
        sums[nbhd] = acc
    if burn_in:
        flow_sum += flow_today
    return sums
