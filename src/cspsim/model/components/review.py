"""Periodic partnership review (continuous improvement) on measured data.

At each review the partnership moves its priorities toward the places whose *measured*
problems are largest: recorded crime since the last review and low trust in the latest
survey wave (biases of both included). Hot-spot and community patrol, responders and new
programs follow the priorities.
"""

from __future__ import annotations

from dataclasses import dataclass

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day


@dataclass
class ReviewSettings:
    """Adaptive review."""

    adaptive: bool = setting(
        False, "flag", "move priorities toward measured problems at each review"
    )
    rate: float = setting(
        0.3, "share per review", "share of the allocation moved at each review", low=0, high=1
    )


@register
class Review(Component):
    """Priorities by place, updated from recorded crime and the survey at each review."""

    key = "review"
    Params = ReviewSettings
    order = 90
    example = {"adaptive": True}

    @on("review", order=10)
    def review(self, day: Day) -> None:
        """Move priorities toward places with more recorded crime and less surveyed trust."""
        if not self.params.adaptive:
            return
        m = self.model
        ps = m.partnership
        score = ps.recorded_since_review.sum(axis=1)
        score = score / max(score.mean(), 1e-9)
        trust_gap = 1.0 - m.survey.trust_by_place()
        target = 0.5 + 0.5 * score + trust_gap
        rate = self.params.rate
        ps.priority = (1 - rate) * ps.priority + rate * target
