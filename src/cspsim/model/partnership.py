"""What the partnership's components share.

Where and since when the strategy runs, and what the partnership knows: its recorded-crime
records, residents' concerns, its priorities.

Each field has one writer, named in its description; the others only read it.
"""

from __future__ import annotations

import numpy as np

#: Decay per day of the recorded-crime history the partnership ranks places by.
HISTORY_DECAY = 1.0 / 90.0


class Partnership:
    """The strategy's shared state.

    Args:
        neighbourhood: Neighbourhood (beat) of each place.
        n_neighbourhoods: Number of neighbourhoods.
        treated: Places where the strategy applies once started (the rollout's).
        start_day: First day the strategy runs (after burn-in).
        expected_recorded: Recorded offences per day by place and type at baseline.

    Attributes:
        treated: Where the strategy applies once started (set at build by the rollout).
        started: Whether the strategy runs (the schedule's ``start`` stage).
        active_places: Places where it runs today (``start`` stage).
        active_beats: Neighbourhoods with any active place (``start`` stage).
        recorded_history: Decaying sum of recorded offences by place and type, what places
            are ranked by (``records`` stage). Starts at its expected steady state, so
            targeting works from day 0 even without burn-in.
        recorded_since_review: Recorded offences since the last review (``records``).
        priority: Weight of each place in targeting (the ``review`` component).
        concern: Residents' voiced concern by place, 0-1 (the ``meetings`` component).
        voice: How much concerns steer where officers and programs go, 0-1 (``meetings``).
        trial_arm: Place-randomized patrol trial: 1 treated, 0 control, -1 not in the trial
            (the ``patrol`` component).
    """

    def __init__(
        self,
        neighbourhood: np.ndarray,
        n_neighbourhoods: int,
        treated: np.ndarray,
        start_day: int,
        expected_recorded: np.ndarray,
    ) -> None:
        n_places = len(neighbourhood)
        self.neighbourhood = neighbourhood
        self.n_neighbourhoods = n_neighbourhoods
        self.treated = treated
        self.start_day = max(0, int(start_day))
        self.started = False
        self.active_places = np.zeros(n_places, dtype=bool)
        self.active_beats = np.zeros(n_neighbourhoods, dtype=bool)
        self.recorded_history = expected_recorded / HISTORY_DECAY
        self.recorded_since_review = np.zeros_like(self.recorded_history)
        self.priority = np.ones(n_places)
        self.concern = np.zeros(n_places)
        self.voice = 0.0
        self.trial_arm = np.full(n_places, -1, dtype=np.int8)

    def start(self) -> None:
        """The strategy starts in its treated places."""
        self.started = True
        self.active_places = self.treated.copy()
        self.active_beats = (
            np.bincount(
                self.neighbourhood, weights=self.active_places, minlength=self.n_neighbourhoods
            )
            > 0
        )

    @property
    def active_places(self) -> np.ndarray:
        """Places where the strategy runs today (boolean mask)."""
        return self._active_places

    @active_places.setter
    def active_places(self, mask: np.ndarray) -> None:
        self._active_places = mask
        # Kept with the mask: five budget lines a day ask for it.
        self._active_share = mask.mean()

    @property
    def active_share(self) -> float:
        """Share of places where the strategy runs (scales place-based costs)."""
        return self._active_share

    def record(self, recorded: np.ndarray) -> None:
        """Add today's recorded offences (P, 4) to the records."""
        self.recorded_history = (1 - HISTORY_DECAY) * self.recorded_history + recorded
        self.recorded_since_review += recorded

    def top_places(self, score: np.ndarray, n: int) -> np.ndarray:
        """The ``n`` highest-scoring active places (stable order; fewer if fewer are active)."""
        score = np.where(self.active_places, score, -1.0)
        top = np.argsort(-score, kind="stable")[:n]
        return top[self.active_places[top]]
