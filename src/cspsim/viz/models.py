"""The models the app drives: one lesson run, or two strategies in lockstep.

Both take keyword arguments only, as Mesa's SolaraViz re-instantiates a model on Reset with
the values of its controls. Both run the burn-in when built, so the app opens on day 0.
"""

from __future__ import annotations

import mesa
import numpy as np

from cspsim.model import CommunitySafetyModel
from cspsim.viz.lessons import DEFAULT_LESSON, get_lesson
from cspsim.viz.levers import Levers, apply_levers, base_config, city_for, default_levers

#: Smoothing of the map's recorded-crime layer (same as the model's true-crime EWMA).
RECORDED_SMOOTHING = 0.05
#: Smoothing of the map's patrol-presence layer (officer-hours per place per day).
PRESENCE_SMOOTHING = 0.1


class TrainerModel(CommunitySafetyModel):
    """A lesson run: the lesson's preset with the app's levers applied.

    Levers left at ``None`` take the preset's own values, so ``TrainerModel(lesson=name)``
    runs exactly the lesson. Besides the model's state it keeps smoothed per-place recorded
    crime and patrol presence for the map.

    Args:
        lesson: Lesson name (see :mod:`cspsim.viz.lessons`).
        city: City config name (default: the lesson's).
        strategy: Strategy config name (default: the lesson's).
        officers_pct: See :class:`cspsim.viz.levers.Levers` (as are the other levers).
        patrol_mode: Patrol mode.
        meetings_per_month: Meetings per neighbourhood per month.
        program_share: Budget share of program places.
        pj_skill: Procedural-justice level.
        budget_split: Budget split label.
        seed: Root seed.
    """

    def __init__(
        self,
        lesson: str = DEFAULT_LESSON,
        city: str | None = None,
        strategy: str | None = None,
        officers_pct: int | None = None,
        patrol_mode: str | None = None,
        meetings_per_month: float | None = None,
        program_share: float | None = None,
        pj_skill: float | None = None,
        budget_split: str | None = None,
        seed: int = 0,
    ) -> None:
        cfg = base_config(get_lesson(lesson), city, strategy, seed)
        given = {
            "officers_pct": officers_pct,
            "patrol_mode": patrol_mode,
            "meetings_per_month": meetings_per_month,
            "program_share": program_share,
            "pj_skill": pj_skill,
            "budget_split": budget_split,
        }
        preset = default_levers(cfg, seed).as_dict()
        preset.update({k: v for k, v in given.items() if v is not None})
        self.levers = Levers(**preset)
        the_city = city_for(cfg)
        super().__init__(apply_levers(cfg, self.levers, the_city), city=the_city)
        self.lesson = lesson
        self.recorded_recent = self.crime.recent * 0.35
        self.presence_recent = self.police.presence.copy()
        self.crime_scale = float(max(np.quantile(self.crime.baseline_total, 0.95), 1e-3))
        self.presence_scale = float(max(4.0 * self.police.reference_presence_raw.mean(), 1e-3))
        while self.day < 0:
            TrainerModel.step(self)  # burn-in without advancing Mesa's clock: time == day
        self.trust_start = self.world.place_means(self.residents.trust)

    def step(self) -> None:
        """One day, then update the map's smoothed layers; stop at the last day."""
        super().step()
        rec = self.last_day.recorded.sum(axis=1)
        self.recorded_recent += RECORDED_SMOOTHING * (rec - self.recorded_recent)
        self.presence_recent += PRESENCE_SMOOTHING * (self.police.presence - self.presence_recent)
        if self.day >= self.cfg.sim.days:
            self.running = False


class SideBySideModel(mesa.Model):
    """Two strategies on the same lesson scenario and seed, stepped in lockstep.

    Common random numbers make the two runs differ only by what the strategies changed.

    Args:
        lesson: Lesson name (its scenario: city, sim and modifier overrides).
        city: City config name (default: the lesson's).
        strategy_a: Left strategy (default: the lesson's, with its tuning).
        strategy_b: Right strategy (default: the lesson's ``compare``).
        seed: Root seed of both runs.
    """

    def __init__(
        self,
        lesson: str = DEFAULT_LESSON,
        city: str | None = None,
        strategy_a: str | None = None,
        strategy_b: str | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__(rng=seed)
        spec = get_lesson(lesson)
        self.lesson = lesson
        self.a = TrainerModel(lesson=lesson, city=city, strategy=strategy_a, seed=seed)
        self.b = TrainerModel(
            lesson=lesson, city=city, strategy=strategy_b or spec.compare, seed=seed
        )

    @property
    def day(self) -> int:
        """The day both runs are on."""
        return self.a.day

    def step(self) -> None:
        """Advance both runs one day."""
        self.a.step()
        self.b.step()
        self.running = self.a.running and self.b.running
