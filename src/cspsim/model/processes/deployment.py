"""Process 3: where proactive patrol hours go (the strategy's deployment plan).

A plan holds one probability distribution over places per duty mode; officers draw their
visits from it by inverse-CDF lookup of their own uniform numbers (common random numbers).
"""

from __future__ import annotations

import numpy as np

from cspsim.model.agents import DUTY_MODES
from cspsim.model.kernels import _jit, segment_cdfs

_COMMUNITY = DUTY_MODES.index("community")


def _cdf(weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    if total <= 0:
        weights = np.ones_like(weights)
        total = weights.sum()
    cdf = np.cumsum(weights / total)
    cdf[-1] = 1.0
    return cdf


class DeploymentPlan:
    """Per-mode place distributions for proactive patrol.

    Args:
        n_places: Number of places.
        neighbourhood: Neighbourhood (beat) of each place.
    """

    def __init__(self, n_places: int, neighbourhood: np.ndarray) -> None:
        self.n_places = n_places
        self.neighbourhood = neighbourhood
        order = np.argsort(neighbourhood, kind="stable")
        counts = np.bincount(neighbourhood)
        # Beat b's places are _by_beat[_beat_start[b]:][:counts[b]].
        self._by_beat = order
        self._beat_count = counts
        self._beat_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        # Community visits' distribution within each beat (its places' stretch), once set.
        self._beat_flat_cdf: np.ndarray | None = None
        self._weights: dict[str, np.ndarray] = {}
        self._cdfs: dict[str, np.ndarray] = {}
        self.cross_beat = 0.0
        self.set("random", np.ones(n_places))

    def set(self, mode: str, weights: np.ndarray, cross_beat: float = 0.0) -> None:
        """Set the distribution of ``mode`` (weights >= 0 over places, normalized here).

        Args:
            mode: Duty mode.
            weights: Weight of each place.
            cross_beat: ``community`` only: share of visits drawn from the city-wide
                distribution instead of the officer's own beat (residents' voice moves
                officers across beats).
        """
        w = np.asarray(weights, dtype=np.float64)
        self._weights[mode] = (
            w / w.sum() if w.sum() > 0 else np.full(self.n_places, 1 / self.n_places)
        )
        self._cdfs[mode] = _cdf(w)
        if mode == "community":
            self.cross_beat = float(cross_beat)
            self._beat_flat_cdf = segment_cdfs(w[self._by_beat], self._beat_start, self._beat_count)

    def _beat_cdf(self, beat: int) -> np.ndarray | None:
        """Beat ``beat``'s community distribution (None: not set, or a beat without places)."""
        count = self._beat_count
        if self._beat_flat_cdf is None or not 0 <= beat < len(count) or count[beat] == 0:
            return None
        start = self._beat_start[beat]
        return self._beat_flat_cdf[start : start + count[beat]]

    def weights(self, mode: str) -> np.ndarray:
        """The normalized distribution of ``mode`` over places."""
        return self._weights.get(mode, self._weights["random"])

    def draw(self, mode: str, beat: int, uniforms: np.ndarray) -> np.ndarray:
        """Places for the given uniforms: within the beat for ``community``, else city-wide."""
        beat_cdf = self._beat_cdf(beat) if mode == "community" else None
        if beat_cdf is not None:
            start = self._beat_start[beat]
            places = self._by_beat[start : start + self._beat_count[beat]]
            x = self.cross_beat
            if x <= 0:
                return places[np.searchsorted(beat_cdf, uniforms, side="right")]
            # One uniform decides both where a visit goes (city-wide with probability x) and
            # which place, so the draws stay aligned with the baseline's (common numbers).
            out = np.empty(len(uniforms), dtype=np.int64)
            wide = uniforms < x
            cdf = self._cdfs["community"]
            out[wide] = np.minimum(
                np.searchsorted(cdf, uniforms[wide] / x, side="right"), self.n_places - 1
            )
            local = (uniforms[~wide] - x) / (1.0 - x) if x < 1 else uniforms[~wide]
            out[~wide] = places[np.searchsorted(beat_cdf, local, side="right")]
            return out
        cdf = self._cdfs.get(mode, self._cdfs["random"])
        return np.minimum(np.searchsorted(cdf, uniforms, side="right"), self.n_places - 1)

    def draw_many(self, modes: np.ndarray, beats: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """Places of many visits at once (what :meth:`draw` gives visit by visit).

        Args:
            modes: Duty mode of each visit (index into ``DUTY_MODES``).
            beats: Beat of each visit's officer.
            uniforms: One uniform number per visit.
        """
        out = np.empty(len(uniforms), dtype=np.int64)
        for mode in np.flatnonzero(np.bincount(modes)):  # the modes present, ascending
            sel = np.flatnonzero(modes == mode)
            if mode == _COMMUNITY and self._beat_flat_cdf is not None:
                out[sel] = self._draw_community(beats[sel], uniforms[sel])
            else:
                out[sel] = self.draw(DUTY_MODES[mode], -1, uniforms[sel])
        return out

    def _draw_community(self, beats: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Community visits of officers of many beats (vectorized :meth:`draw`)."""
        cdf = self._cdfs["community"]
        out = np.minimum(np.searchsorted(cdf, u, side="right"), self.n_places - 1)
        count = self._beat_count
        # Officers of a beat without places draw city-wide, as in :meth:`draw`.
        in_beat = (beats < len(count)) & (count[np.minimum(beats, len(count) - 1)] > 0)
        x = self.cross_beat
        local = u
        if x > 0:
            wide = in_beat & (u < x)
            out[wide] = np.minimum(
                np.searchsorted(cdf, u[wide] / x, side="right"), self.n_places - 1
            )
            in_beat &= ~wide
            local = (u - x) / (1.0 - x) if x < 1 else u
        b = beats[in_beat]
        start = self._beat_start[b]
        pos = _search_right(self._beat_flat_cdf, start, start + self._beat_count[b], local[in_beat])
        out[in_beat] = self._by_beat[pos]
        return out


@_jit
def _search_right(
    values: np.ndarray, lo: np.ndarray, hi: np.ndarray, x: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """``np.searchsorted(values[lo:hi], x, side="right") + lo`` for many slices at once.

    A bisection over each element's own sorted slice of one array, making the same
    comparisons as ``searchsorted`` (so the results are identical); compiled, as the
    NumPy form's dozen passes over every visit cost more than the search itself.
    """
    out = np.empty(len(x), np.int64)
    for k in range(len(x)):
        a, b = lo[k], hi[k]
        while a < b:
            mid = (a + b) // 2
            if values[mid] <= x[k]:
                a = mid + 1
            else:
                b = mid
        out[k] = a
    return out
