"""The tables of one run (the output contract), gathered from a model after it ran."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from cspsim.model import CommunitySafetyModel


@dataclass
class Results:
    """The tables of one run (the output contract) and its model.

    Attributes:
        timeseries: One row per day.
        places: One row per place per month.
        events: One row per offence.
        survey: One row per respondent per wave.
        model: The model after the run (for inspection).
        wall_seconds: Wall time of build + run.
        step_seconds: Time spent in daily steps.
    """

    timeseries: pd.DataFrame
    places: pd.DataFrame
    events: pd.DataFrame
    survey: pd.DataFrame
    model: CommunitySafetyModel
    wall_seconds: float
    step_seconds: float


def collect(model: CommunitySafetyModel, wall: float, step: float) -> Results:
    """Gather a model's tables into :class:`Results`."""
    rec = model.recorder
    return Results(rec.timeseries(), rec.places(), rec.events(), rec.survey(), model, wall, step)


def run_model(model: CommunitySafetyModel, days: int | None = None) -> float:
    """Run burn-in and ``days`` recorded days; return seconds spent in steps."""
    start = time.perf_counter()
    model.run(days)
    return time.perf_counter() - start
