"""Process 3: where proactive patrol hours go (the strategy's deployment plan).

A plan holds one probability distribution over places per duty mode; officers draw their
visits from it by inverse-CDF lookup of their own uniform numbers (common random numbers).
"""

from __future__ import annotations

import numpy as np

from cspsim.model.agents import DUTY_MODES

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
        self._beat_places = np.split(order, np.cumsum(counts)[:-1])
        self._weights: dict[str, np.ndarray] = {}
        self._cdfs: dict[str, np.ndarray] = {}
        self._beat_cdfs: dict[int, np.ndarray] = {}
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
            self._beat_cdfs = {
                b: _cdf(w[places]) for b, places in enumerate(self._beat_places) if len(places)
            }

    def weights(self, mode: str) -> np.ndarray:
        """The normalized distribution of ``mode`` over places."""
        return self._weights.get(mode, self._weights["random"])

    def draw(self, mode: str, beat: int, uniforms: np.ndarray) -> np.ndarray:
        """Places for the given uniforms: within the beat for ``community``, else city-wide."""
        if mode == "community" and beat in self._beat_cdfs:
            places = self._beat_places[beat]
            x = self.cross_beat
            if x <= 0:
                return places[np.searchsorted(self._beat_cdfs[beat], uniforms, side="right")]
            # One uniform decides both where a visit goes (city-wide with probability x) and
            # which place, so the draws stay aligned with the baseline's (common numbers).
            out = np.empty(len(uniforms), dtype=np.int64)
            wide = uniforms < x
            cdf = self._cdfs["community"]
            out[wide] = np.minimum(
                np.searchsorted(cdf, uniforms[wide] / x, side="right"), self.n_places - 1
            )
            local = (uniforms[~wide] - x) / (1.0 - x) if x < 1 else uniforms[~wide]
            out[~wide] = places[np.searchsorted(self._beat_cdfs[beat], local, side="right")]
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
        for mode in np.unique(modes):  # at most four modes
            sel = np.flatnonzero(modes == mode)
            if mode == _COMMUNITY:
                for beat in np.unique(beats[sel]):  # a search per beat walked today
                    at = sel[beats[sel] == beat]
                    out[at] = self.draw("community", int(beat), uniforms[at])
            else:
                out[sel] = self.draw(DUTY_MODES[mode], -1, uniforms[sel])
        return out
