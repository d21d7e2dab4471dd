"""One validation run: build the default model, step it, and keep what the checks need.

A run is identified by a :class:`RunSpec` (city, strategy, overrides, days, seed). It returns
a :class:`Trace` of plain arrays, so runs can be farmed out to worker processes and the
results do not depend on how many workers there are (each run is a function of its spec).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cspsim.api import collect, make_config
from cspsim.city import CRIME_TYPES
from cspsim.model import CommunitySafetyModel
from cspsim.model.agents import PROGRAM_TYPES
from cspsim.model.processes.survey import satisfaction_score

if TYPE_CHECKING:
    from cspsim.output.results import Results

#: Trust (0-1) and satisfaction at or above this count as "high" (Likert 4-5 of 5).
HIGH = 0.6


@dataclass(frozen=True)
class RunSpec:
    """What to run.

    Attributes:
        name: Label of the run (``baseline``, ``hotspot``, ...).
        strategy: A file in ``configs/strategy``.
        seed: Root seed (runs with the same seed share random numbers: CRN).
        days: Recorded days.
        year: Days that count as one year for year-end snapshots and windows.
        city: A file in ``configs/city``.
        overrides: Dotted config overrides.
        participants: Keep who enrolled in youth jobs and when (the summer-jobs trial).
    """

    name: str
    strategy: str
    seed: int
    days: int
    year: int
    city: str = "sf2012"
    overrides: tuple[str, ...] = ()
    participants: bool = False


@dataclass
class Trace:
    """What one run left behind (all arrays are over recorded days 0..days-1).

    Attributes:
        spec: The run's spec.
        true: True offences by day, place and type, int16 (days, P, 4).
        rec: Recorded offences by day, place and type, int16 (days, P, 4).
        presence: Officer-hours at each place by day, float32 (days, P).
        mask: Place-days the strategy treated (hot spots in force, problem-solving,
            watch, responder coverage >= 0.5), bool (days, P), or None.
        surround: Non-treated place-days adjacent to treated ones (hot spots), or None.
        scalars: Baseline-year summaries (reporting, contacts, confidence, year-end state)
            and two-year totals (complaints, negative contacts).
        offences: Every offence by a modelled resident: day, offender (resident agent), crime
            type and whether it led to an arrest, (n, 4) int64.
        participants: Resident agents enrolled in youth jobs, or None.
        enrolled: Day each participant enrolled (recorded days).
        place_xy: Place coordinates (x, y), for maps.
        extra: The city's extra observed columns (e.g. Columbus CRIME, SF observed counts).
        timeseries: The run's timeseries table over its first ``year`` recorded days.
        survey: The run's survey answers over its first ``year`` recorded days.
        identity: What the run summaries need of the run (population, group share,
            officer-hour cost).
    """

    spec: RunSpec
    true: np.ndarray
    rec: np.ndarray
    presence: np.ndarray
    mask: np.ndarray | None = None
    surround: np.ndarray | None = None
    scalars: dict[str, float] = field(default_factory=dict)
    offences: np.ndarray | None = None
    participants: np.ndarray | None = None
    enrolled: np.ndarray | None = None
    place_xy: np.ndarray | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    timeseries: pd.DataFrame | None = None
    survey: pd.DataFrame | None = None
    identity: dict[str, float] = field(default_factory=dict)


def _treated_today(model: CommunitySafetyModel) -> np.ndarray | None:
    """Places the strategy works on today (None for the baseline)."""
    if not model.partnership.started:
        return None
    comp = model.components
    mask = np.zeros(model.n_places, dtype=bool)
    if comp["patrol"].params.mode == "hotspot":
        mask[comp["patrol"].hotspots] = True
    elif len(comp["problem_solving"].places):
        mask[comp["problem_solving"].places] = True
    elif comp["watch"].covered.any():
        mask |= comp["watch"].covered > 0
    elif comp["responders"].params.budget_share > 0:
        mask |= comp["responders"].coverage >= 0.5
    else:
        return None
    return mask


def _year_end(model: CommunitySafetyModel) -> dict[str, float]:
    r = model.residents
    idx = np.arange(r.n)
    return {
        "end_high_confidence": float((r.trust >= HIGH).mean()),
        "end_mean_trust": float(r.trust.mean()),
        "end_satisfied": float((satisfaction_score(model.world, idx) >= HIGH).mean()),
    }


def _daily_counts(
    events: pd.DataFrame, place_index: dict, days: int, n_places: int, recorded: bool
) -> np.ndarray:
    ev = events[events["day"] < days]
    if recorded:
        ev = ev[ev["recorded"]]
    place = ev["place_id"].map(place_index).to_numpy(np.int64)
    kind = ev["crime_type"].cat.codes.to_numpy(np.int64)
    out = np.zeros((days, n_places, len(CRIME_TYPES)), dtype=np.int16)
    np.add.at(out, (ev["day"].to_numpy(np.int64), place, kind), 1)
    return out


def _scalars(model: CommunitySafetyModel, res: Results, year: int, contacts0: np.ndarray) -> dict:
    ts = res.timeseries
    ts = ts[ts["day"] < year]
    ev = res.events[res.events["day"] < year]
    by = ev.groupby("crime_type", observed=False)["reported"].agg(["sum", "count"])
    k = model.residents_per_agent
    out: dict[str, float] = {}
    for t in CRIME_TYPES:
        out[f"reported_{t}"] = float(by.loc[t, "sum"])
        out[f"true_{t}"] = float(by.loc[t, "count"])
    pi = ts["contacts_police_initiated"].sum()
    out["contacts_police_initiated"] = float(pi)
    out["contacts_all"] = float(pi + ts["contacts_resident_initiated"].sum())
    # Share of people with >= 1 contact in a year: an agent's contacts (annualized) spread
    # over its k people as Poisson.
    out["contact_share"] = float(np.mean(1.0 - np.exp(-contacts0 * (365.0 / year) / k)))
    out["high_confidence"] = float(ts["high_confidence_share"].mean())
    two = res.timeseries[res.timeseries["day"] < 2 * year]
    out["complaints_2y"] = float(two["complaints"].sum())
    out["negative_contacts_2y"] = float(two["contacts_negative"].sum())
    sv = res.survey[res.survey["day"] < year]
    out["survey_high"] = float((sv["trust"] >= 4).mean()) if len(sv) else float("nan")
    return out


def run(spec: RunSpec) -> Trace:
    """Run one spec and return its trace."""
    cfg = make_config(
        city=spec.city,
        strategy=spec.strategy,
        seed=spec.seed,
        days=spec.days,
        overrides=list(spec.overrides),
    )
    model = CommunitySafetyModel(cfg)
    model.run(0)  # burn-in only
    contacts_start = model.residents.contacts.copy()
    masks, presence, year_end, contacts_year = [], [], {}, None
    for day in range(spec.days):
        masks.append(_treated_today(model))
        model.run(1)
        presence.append(model.police.presence.astype(np.float32))
        if day == spec.year - 1:
            year_end = _year_end(model)
            contacts_year = model.residents.contacts - contacts_start
    if contacts_year is None:
        contacts_year = model.residents.contacts - contacts_start
    res = collect(model, 0.0, 0.0)
    city = model.city
    place_index = {pid: i for i, pid in enumerate(city.place_ids)}
    trace = Trace(
        spec=spec,
        true=_daily_counts(res.events, place_index, spec.days, model.n_places, False),
        rec=_daily_counts(res.events, place_index, spec.days, model.n_places, True),
        presence=np.stack(presence),
        scalars=_scalars(model, res, spec.year, contacts_year.astype(np.float64)) | year_end,
        place_xy=np.column_stack([city.x, city.y]),
        extra={k: np.asarray(v) for k, v in city.extra.items()},
        timeseries=res.timeseries[res.timeseries["day"] < spec.year].reset_index(drop=True),
        survey=res.survey[res.survey["day"] < spec.year].reset_index(drop=True),
        identity={
            "population": float(model.world.population),
            "group_b_share": float(cfg.params.residents.group_b_share),
            "officer_hour_cost": float(cfg.params.costs.officer_hour),
        },
    )
    if any(m is not None for m in masks):
        blank = np.zeros(model.n_places, dtype=bool)
        trace.mask = np.stack([blank if m is None else m for m in masks])
        if model.components["patrol"].params.mode == "hotspot":
            adj = model.world.adjacency.tocsr()
            near = (adj @ trace.mask.T.astype(np.float64)).T > 0
            trace.surround = near & ~trace.mask
    ev = res.events[res.events["offender"] >= 0]
    trace.offences = np.column_stack(
        [
            ev["day"].to_numpy(np.int64),
            ev["offender"].to_numpy(np.int64),
            ev["crime_type"].cat.codes.to_numpy(np.int64),
            ev["arrest"].to_numpy(np.int64),
        ]
    )
    if spec.participants:
        r = model.residents
        youth = np.flatnonzero(r.program == PROGRAM_TYPES.index("youth_jobs"))
        trace.participants = youth
        trace.enrolled = r.program_since[youth].astype(np.int64)
    return trace
