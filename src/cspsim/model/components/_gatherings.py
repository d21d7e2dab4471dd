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
    rows: np.ndarray,
    place_start: np.ndarray,
    place_count: np.ndarray,
    weight: np.ndarray,
    mean_weight: np.float32,
    attendance: np.float32,
    n_places: int,
    trust_recent: np.ndarray,
    trust: np.ndarray,
    engagement: np.ndarray,
    good: np.ndarray,
    trust_gain: tuple[np.float32, np.float32],
    engagement_gain: np.float32,
    k: np.float32,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """What a gathering does to the residents of places ``rows``; returns shares and sums.

    The attendees are the residents of the places ``rows`` (ascending; residents are sorted
    by place, ``place_start`` and ``place_count``), in order. Attendee ``i``'s share ``s``
    is :func:`_share` of ``weight[i]`` (read before anything moves). In float32 and in the
    order of the NumPy form it replaces, with ``trust_gain`` ``(g, h)``:
    ``Legitimacy.gain(who, s * g * h)`` (trust gains ``s * g * h / k * (1 - trust)``),
    ``e += s * engagement_gain * (1 - e)`` clipped to 0-1, and ``Legitimacy.tell(who,
    good=s)``. Also returns the shares' sums by place (float64, attendees in order, as
    ``np.bincount``): a place has attendees where its sum is positive. A place's
    attendees are contiguous views, so the loop over them vectorizes.
    """
    one = np.float32(1.0)
    g, h = trust_gain
    share = np.empty(place_count[rows].sum(), np.float32)
    attended = np.zeros(n_places)
    q = 0
    for p in rows:
        first, last = place_start[p], place_start[p] + place_count[p]
        weight_ = weight[first:last]
        recent = trust_recent[first:last]
        trust_ = trust[first:last]
        engagement_ = engagement[first:last]
        good_ = good[first:last]
        share_ = share[q : q + (last - first)]
        for t in range(len(share_)):
            s = _share(attendance, weight_[t], mean_weight)
            share_[t] = s
            delta = s * g * h / k * (one - trust_[t])
            recent[t] += delta  # Legitimacy.experience of one attendee
            trust_[t] = clip01(trust_[t] + delta)
            e = engagement_[t]
            engagement_[t] = clip01(e + s * engagement_gain * (one - e))
            good_[t] += s
        acc = 0.0
        for t in range(len(share_)):
            acc += np.float64(share_[t])
        attended[p] = acc
        q += len(share_)
    return share, attended


@_jit
def hear_judgement(
    rows: np.ndarray,
    place_start: np.ndarray,
    place_count: np.ndarray,
    share: np.ndarray,
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
    """The attendees of :func:`attend` (``share`` its shares) hear the judgement, one pass.

    With ``a`` the credit of the problems acted on (float64) and ``g`` the number ignored
    in the attendee's neighbourhood, the numbers of the NumPy form it replaces:
    ``Legitimacy.gain(who, s * k * responsive_gain * a)``, then
    ``Legitimacy.lose(who, s * k * ignored_loss * g)``, then ``Legitimacy.tell(who,
    good=s * a, bad=s * g)`` (products of float32 and float64 in float64, news in float32).
    A place's ``a`` and ``g`` are two numbers and its attendees contiguous views.
    """
    one = np.float32(1.0)
    k32 = np.float32(k)
    q = 0
    for p in rows:
        home = nbhd_of_place[p]
        acted = acted_by_nbhd[home]
        ignored = np.float64(ignored_by_nbhd[home])
        first, last = place_start[p], place_start[p] + place_count[p]
        recent = trust_recent[first:last]
        trust_ = trust[first:last]
        good_ = good[first:last]
        bad_ = bad[first:last]
        share_ = share[q : q + (last - first)]
        for t in range(len(share_)):
            s = share_[t]
            gain = np.float64(s * k32 * responsive_gain) * acted / k
            delta = np.float32(gain * np.float64(one - trust_[t]))
            recent[t] += delta
            trust_[t] = clip01(trust_[t] + delta)
            loss = np.float64(s * k32 * ignored_loss) * ignored / k
            delta = np.float32(-loss * np.float64(trust_[t]))
            recent[t] += delta
            trust_[t] = clip01(trust_[t] + delta)
            good_[t] += np.float32(np.float64(s) * acted)
            bad_[t] += np.float32(np.float64(s) * ignored)
        q += len(share_)
