"""A component written outside the package plugs in through the registry.

The lamp-post component below lives only in this test file: registering it adds its
settings to the run schema (so ``strategy.lamp_posts.*`` overrides validate), its cost to
the daily budget, its hook to the schedule and its measure to the time series, and it
changes an output, all without editing any file in ``src/``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from conftest import run_results, tiny_config

from cspsim.config.declare import setting
from cspsim.errors import ConfigError
from cspsim.model import CommunitySafetyModel
from cspsim.model.components import Component, components, on, register, unregister
from cspsim.model.day import Day
from cspsim.model.measures import Measure
from cspsim.model.types import DISORDER


@dataclass
class LampSettings:
    """Street lighting at the places with most recorded disorder."""

    places: float = setting(0.0, "share of places", "places lit (0 = none)", low=0, high=1)
    effect: float = setting(0.5, "share", "disorder avoided at a lit place", low=0, high=1)
    cost_per_place_day: float = setting(50.0, "USD", "upkeep per lit place per day", low=0)


class LampPosts(Component):
    """Lamp posts lower disorder at lit places (a toy component for the test)."""

    key = "lamp_posts"
    Params = LampSettings
    order = 55
    example = {"places": 0.25}
    measures = (
        Measure(
            "lit_places",
            "timeseries",
            "int64",
            "places",
            "Lit places",
            lambda m, d: int(m.component("lamp_posts").lit.sum()),
            "mean",
        ),
    )

    def __init__(self, model, params: LampSettings) -> None:
        super().__init__(model, params)
        self.lit = np.zeros(model.world.n_places, dtype=bool)

    @on("start")
    def light(self, day: Day) -> None:
        """Light the places with most recorded disorder."""
        n = int(round(self.params.places * self.model.world.n_places))
        hist = self.model.partnership.recorded_history
        self.lit[self.model.partnership.top_places(hist[:, DISORDER], n)] = True

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Upkeep of the lit places."""
        if not self.lit.any():
            return {}
        return {"lamp_posts": float(self.lit.sum()) * self.params.cost_per_place_day}

    @on("guardianship")
    def guardianship(self) -> np.ndarray | None:
        """Less disorder where it is lit."""
        if not self.lit.any():
            return None
        out = np.ones((self.model.world.n_places, 4))
        out[self.lit, DISORDER] = 1.0 - self.params.effect
        return out


@pytest.fixture
def lamp_posts():
    register(LampPosts)
    yield LampPosts
    unregister(LampPosts)


def test_toy_component_plugs_in_is_costed_and_changes_outputs(lamp_posts):
    assert "lamp_posts" in [c.key for c in components("strategy")]
    base = run_results(tiny_config(overrides=["sim.days=60"]))
    cfg = tiny_config(overrides=["sim.days=60", "strategy.lamp_posts.places=0.25"])
    assert cfg.strategy.lamp_posts.places == 0.25  # in the schema: the override validated
    model = CommunitySafetyModel(cfg)
    assert "light" in set(model.schedule.plan()["step"])
    lit = run_results(cfg)
    ts, ts0 = lit.timeseries, base.timeseries
    # Its own measure is a column of every run's time series; 4 of 16 places are lit.
    assert (ts["lit_places"] == 4).all() and (ts0["lit_places"] == 0).all()
    # Costed in the budget: at equal budget its upkeep comes out of officer-hours.
    upkeep = 4 * 50.0
    hour = cfg.params.costs.officer_hour
    np.testing.assert_allclose(ts0["officer_hours"] - ts["officer_hours"], upkeep / hour)
    np.testing.assert_allclose(ts["budget_spent"], ts0["budget_spent"])
    # And it changes an outcome: less disorder (true) than the baseline on the same seed.
    assert ts["crimes_true_disorder"].sum() < 0.9 * ts0["crimes_true_disorder"].sum()


def test_toy_component_settings_are_range_checked(lamp_posts):
    cfg = tiny_config(overrides=["strategy.lamp_posts.places=1.5"])
    with pytest.raises(ConfigError, match=r"strategy\.lamp_posts\.places: expected a number"):
        CommunitySafetyModel(cfg)


def test_unregistered_component_is_gone(lamp_posts):
    unregister(lamp_posts)
    with pytest.raises(ConfigError, match="lamp_posts"):
        tiny_config(overrides=["strategy.lamp_posts.places=0.25"])
    register(lamp_posts)  # for the fixture's teardown


def test_every_builtin_component_is_off_by_default():
    """A component at its defaults does nothing: the reactive baseline reproduces exactly."""
    ts = run_results(tiny_config()).timeseries
    assert (ts["meetings"] == 0).all() and (ts["program_enrolled"] == 0).all()
    for cls in components():
        assert cls.example, f"{cls.key}: declare the settings that switch it on (example)"


def test_a_day_setting_after_the_run_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A rollout on day 100 of a 10-day run once ran the baseline under the strategy's name
    without a word."""
    import logging

    from cspsim.model import CommunitySafetyModel

    cfg = tiny_config("hotspot")
    cfg.modifiers.rollout.start_day = cfg.sim.days
    cfg.modifiers.misconduct_shock.day = cfg.sim.days - 1  # the last day: it happens
    with caplog.at_level(logging.WARNING, logger="cspsim"):
        CommunitySafetyModel(cfg)
    text = caplog.text
    assert f"modifiers.rollout.start_day={cfg.sim.days}: after the run's last day" in text
    assert "misconduct_shock" not in text


def test_a_trial_larger_than_the_city_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """trial_places=1000 on a city of fewer places was cut to them without a word."""
    import logging

    from cspsim.model import CommunitySafetyModel

    cfg = tiny_config("hotspot")
    cfg.strategy.patrol.trial_places = 1000
    with caplog.at_level(logging.WARNING, logger="cspsim"):
        m = CommunitySafetyModel(cfg)
        m.run(1)
    assert "strategy.patrol.trial_places=1000: the city has" in caplog.text
