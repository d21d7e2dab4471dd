"""Accountability: an anonymous feedback channel and a review of complaints.

With the channel, more people who felt badly treated complain (no estimate found; assumed
up to twice as many). When complaints are reviewed, at every partnership review officers with
repeat complaints since the last review are retrained, so they handle contacts better
(procedural-justice skill; Wood, Tyler & Papachristos 2020 on training and complaints).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel


@dataclass
class FeedbackChannelSettings:
    """Anonymous complaints and their review."""

    anonymous: bool = setting(False, "flag", "an anonymous (online, phone) complaint channel")
    review_complaints: bool = setting(
        False, "flag", "review complaints at every partnership review; retrain repeat officers"
    )
    retrain_threshold: int = setting(
        2, "complaints", "complaints since the last review that lead to retraining", low=1
    )


@register
class FeedbackChannel(Component):
    """More complaints heard; repeat officers retrained at each review."""

    key = "feedback_channel"
    Params = FeedbackChannelSettings
    order = 55
    example = {"anonymous": True, "review_complaints": True}

    def __init__(self, model: CommunitySafetyModel, params: FeedbackChannelSettings) -> None:
        super().__init__(model, params)
        self.complaints_at_review = np.empty(0, np.int64)  # set when the strategy starts
        self.retrained = 0
        self.reviewed = 0  # complaints reviewed so far (what a transparency report reads)

    @on("complaint_channel")
    def channel(self) -> float | None:
        """Complaints filed relative to without the channel."""
        if not self.params.anonymous:
            return None
        return self.model.params.accountability.anonymous_channel_effect

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Running the channel and the reviews, for the treated places."""
        c = self.params
        if not (c.anonymous or c.review_complaints):
            return {}
        m = self.model
        return {"feedback": m.params.costs.feedback_channel_day * m.partnership.active_share}

    @on("start")
    def start(self, day: Day) -> None:
        """Complaints are counted from the start."""
        self.complaints_at_review = self.model.police.force.complaints.copy()

    @on("review", order=20)
    def review(self, day: Day) -> None:
        """Officers with repeat complaints since the last review are retrained."""
        if not self.params.review_complaints:
            return
        force = self.model.police.force
        new = force.complaints - self.complaints_at_review
        active = self.model.partnership.active_beats[force.beat]
        repeat = (new >= self.params.retrain_threshold) & active
        self.reviewed += int(new[active].sum())
        gain = self.model.params.accountability.retraining_skill_gain
        force.skill[repeat] = np.minimum(1.0, force.skill[repeat] + gain)
        self.retrained += int(repeat.sum())
        self.complaints_at_review = force.complaints.copy()
