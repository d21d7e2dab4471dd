"""What a gathering does to the residents who come: compiled passes over the attendees.

Used by community meetings and community events (a module of this package whose name starts
with ``_`` is not a component). Each pass gives the numbers of the NumPy expressions it
replaced (``Legitimacy.gain``, ``lose`` and ``tell`` over the attendees, engagement's rise,
attendance by place), bit for bit, in one loop instead of a dozen passes over the attendees
(``tests/test_kernels.py`` keeps the NumPy forms).
"""

from __future__ import annotations

import numpy as np

from cspsim.model.kernels import _jit, clip01
from cspsim.model.processes.legitimacy import experience_one


@_jit
def _share(
    attendance: np.float32, weight: np.float32, mean_weight: np.float32
) -> np.float32:  # pragma: no cover - compiled
    """``np.minimum(attendance * weight / mean_weight, 1.0)`` of one float32."""
    share = attendance * weight / mean_weight
    return np.float32(1.0) if share > np.float32(1.0) else share  # NaN stays NaN, as NumPy


@_jit
def shares(
    residents: np.ndarray, weight: np.ndarray, mean_weight: np.float32, attendance: np.float32
) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`_share` of each resident (float32)."""
    out = np.empty(len(residents), np.float32)
    for q in range(len(residents)):
        out[q] = _share(attendance, weight[residents[q]], mean_weight)
    return out


@_jit
def attend(
    who: np.ndarray,
    weight: np.ndarray,
    mean_weight: np.float32,
    attendance: np.float32,
    place_index: np.ndarray,
    n_places: int,
    trust_recent: np.ndarray,
    trust: np.ndarray,
    engagement: np.ndarray,
    good: np.ndarray,
    trust_gain: tuple[np.float32, np.float32],
    engagement_gain: np.float32,
    k: np.float32,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """What a gathering does to each attendee, in one pass; returns shares and sums by place.

    Attendee ``i``'s share ``s`` is :func:`_share` of ``weight[i]`` (read before anything
    moves). In float32 and in the order of the NumPy form it replaces, with ``trust_gain``
    ``(g, h)``: ``Legitimacy.gain(who, s * g * h)`` (trust gains ``s * g * h / k * (1 -
    trust)``), ``e += s * engagement_gain * (1 - e)`` clipped to 0-1, and
    ``Legitimacy.tell(who, good=s)``. Also returns the shares' sums by place (float64,
    attendees in order, as ``np.bincount``): a place has attendees where its sum is positive.
    """
    one = np.float32(1.0)
    g, h = trust_gain
    share = np.empty(len(who), np.float32)
    attended = np.zeros(n_places)
    # The current place's sum is kept in a register (attendees come place by place): the
    # same additions in the same order, without a store and load of it per attendee.
    current = place_index[who[0]] if len(who) else 0
    acc = 0.0
    for q in range(len(who)):
        i = who[q]
        s = _share(attendance, weight[i], mean_weight)
        share[q] = s
        experience_one(trust_recent, trust, i, s * g * h / k * (one - trust[i]))
        e = engagement[i]
        engagement[i] = clip01(e + s * engagement_gain * (one - e))
        good[i] += s
        if place_index[i] != current:
            attended[current] = acc
            current = place_index[i]
            acc = attended[current]
        acc += np.float64(s)
    if len(who):
        attended[current] = acc
    return share, attended


@_jit
def hear_judgement(
    who: np.ndarray,
    share: np.ndarray,
    place_index: np.ndarray,
    nbhd_of_place: np.ndarray,
    acted_by_nbhd: np.ndarray,
    ignored_by_nbhd: np.ndarray,
    trust_recent: np.ndarray,
    trust: np.ndarray,
    good: np.ndarray,
    bad: np.ndarray,
    k: float,
    responsive_gain: np.float32,
    ignored_loss: np.float32,
) -> None:  # pragma: no cover - compiled
    """Each attendee hears the judgement of their neighbourhood's problems, in one pass.

    With ``a`` the credit of the problems acted on (float64) and ``g`` the number ignored
    in the attendee's neighbourhood, the numbers of the NumPy form it replaces:
    ``Legitimacy.gain(who, s * k * responsive_gain * a)``, then
    ``Legitimacy.lose(who, s * k * ignored_loss * g)``, then ``Legitimacy.tell(who,
    good=s * a, bad=s * g)`` (products of float32 and float64 in float64, news in float32).
    """
    one = np.float32(1.0)
    k32 = np.float32(k)
    for q in range(len(who)):
        i = who[q]
        s = share[q]
        home = nbhd_of_place[place_index[i]]
        acted = acted_by_nbhd[home]
        ignored = np.float64(ignored_by_nbhd[home])
        gain = np.float64(s * k32 * responsive_gain) * acted / k
        experience_one(trust_recent, trust, i, np.float32(gain * np.float64(one - trust[i])))
        loss = np.float64(s * k32 * ignored_loss) * ignored / k
        experience_one(trust_recent, trust, i, np.float32(-loss * np.float64(trust[i])))
        good[i] += np.float32(np.float64(s) * acted)
        bad[i] += np.float32(np.float64(s) * ignored)
