"""The tables of one run (the output contract), gathered from a model after it ran."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import pandas as pd
from tqdm import tqdm

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


def show_progress(setting: bool | None, interactive: bool = True) -> bool:
    """Whether to draw a progress bar: ``sim.progress``, else when stderr is a terminal.

    Args:
        setting: ``sim.progress`` (None: decide from the terminal).
        interactive: False for the runs of a sweep (many at once: no bars unless asked).
    """
    if setting is not None:
        return bool(setting)
    return interactive and sys.stderr.isatty()


def run_model(
    model: CommunitySafetyModel, days: int | None = None, progress: bool = False
) -> float:
    """Run burn-in and ``days`` recorded days; return seconds spent in steps.

    Args:
        model: A built model.
        days: Recorded days (default ``sim.days``).
        progress: Draw a progress bar with the days done, the rate and the time left (ETA)
            on standard error.
    """
    start = time.perf_counter()
    if not progress:
        model.run(days)
        return time.perf_counter() - start
    total = max(0, -model.day) + (model.cfg.sim.days if days is None else days)
    bar = tqdm(
        total=total,
        desc=f"{model.cfg.strategy.name} seed {model.cfg.seed}",
        unit="day",
        file=sys.stderr,
        mininterval=0.5,
        dynamic_ncols=True,
    )
    step = model.step

    def counted() -> None:
        step()
        bar.update(1)

    model.step = counted  # type: ignore[method-assign]  # the model's own loop, counted
    try:
        model.run(days)
    finally:
        model.step = step  # type: ignore[method-assign]
        bar.close()
    return time.perf_counter() - start
