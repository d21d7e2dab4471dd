"""Measurement: the output tables, filled from the declared measures.

* daily time series (one row per day) in a table of Mesa's ``DataCollector``, one column
  per declared timeseries measure (:data:`cspsim.model.measures.TIMESERIES` plus the
  components' own measures), a row added each day from the day's measured values (a row
  of values already computed: model reporters would call a function and deep-copy each
  value again, 74 against 10 microseconds a day);
* places by month (declared in :data:`~cspsim.model.measures.PLACES`: sums over the month
  and month-end values);
* one row per offence (true, reported, discovered, recorded, arrest);
* survey answers (one row per respondent per wave).

Burn-in days are not recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from cspsim.city import CRIME_TYPES
from cspsim.model.measures import EVENTS, MONTH_DAYS, PLACES, SURVEY, TIMESERIES, Measure

if TYPE_CHECKING:
    from cspsim.model.day import Day
    from cspsim.model.model import CommunitySafetyModel

_KEYS = ("place_id", "neighbourhood", "month")
#: The DataCollector table of the daily time series.
TIMESERIES_TABLE = "timeseries"


def spending_measure(key: str) -> Measure:
    """What a component spends per day (one column per component that has a cost)."""
    return Measure(
        f"spent_{key}",
        "timeseries",
        "float64",
        "USD/day",
        f"Spent on {key.replace('_', ' ')}",
        lambda m, d: float(d.spending.get(key, 0.0)),
    )


def timeseries_measures(model: CommunitySafetyModel) -> tuple[Measure, ...]:
    """The model's timeseries columns.

    The core ones, what each costed component spends, then the components' own measures.
    """
    spending = tuple(
        spending_measure(key)
        for key, comp in model.components.items()
        if any(stage == "cost" for stage, _, _ in comp.hooks())
    )
    extra = tuple(m for comp in model.components.values() for m in comp.measures)
    return TIMESERIES + spending + extra


class Recorder:
    """Accumulates the tables of one run (days >= 0 only; burn-in is not recorded)."""

    def __init__(self, model: CommunitySafetyModel) -> None:
        self.model = model
        self.today: dict[str, object] = {}
        self.measures = timeseries_measures(model)
        self.datacollector = mesa.DataCollector(
            tables={TIMESERIES_TABLE: [m.name for m in self.measures]}
        )
        p = model.world.n_places
        self._month = 0
        self._sums = {m.name: np.zeros(p) for m in PLACES if m.over_days == "sum"}
        self._started_sums = False
        self._contacts0: np.ndarray | None = None
        self._places: list[dict[str, object]] = []  # columns of each month
        self._events: list[dict[str, np.ndarray]] = []
        self._survey: list[dict[str, np.ndarray]] = []

    def record_day(self, d: Day) -> None:
        """Record one day (after all processes of the day)."""
        m = self.model
        self.today = {meas.name: meas.compute(m, d) for meas in self.measures}
        self.datacollector.add_table_row(TIMESERIES_TABLE, self.today)
        self._accumulate(d)
        r = m.residents
        if self._contacts0 is None:  # contacts before day 0 (today's already applied)
            self._contacts0 = r.contacts - np.bincount(d.contacts.resident, minlength=r.n)
        off = d.offences
        if m.cfg.sim.record_events and len(off.place):
            self._events.append(
                {
                    "day": np.full(len(off.place), d.day, np.int32),
                    "place": off.place,
                    "kind": off.kind,
                    "reported": off.reported,
                    "recorded": off.recorded,
                    "discovered": off.discovered,
                    "arrest": off.arrest,
                    "offender": off.offender,
                }
            )
        if (d.day + 1) % MONTH_DAYS == 0 or d.day == m.cfg.sim.days - 1:
            self._flush_month()

    def _accumulate(self, d: Day) -> None:
        m = self.model
        for meas in PLACES:
            if meas.over_days != "sum":
                continue
            value = meas.compute(m, d)
            if not self._started_sums:
                # The month's first day fixes the column's type (counts stay integers).
                self._sums[meas.name] = np.zeros(len(value), dtype=value.dtype)
            self._sums[meas.name] += value
        self._started_sums = True

    def _flush_month(self) -> None:
        m = self.model
        city = m.world.city
        keys = {
            "place_id": city.place_ids,
            "neighbourhood": np.asarray(city.neighbourhood_names)[city.neighbourhood],
            "month": np.full(m.world.n_places, self._month, np.int32),
        }
        cols: dict[str, object] = {}
        for meas in PLACES:
            if meas.name in keys:
                cols[meas.name] = keys[meas.name]
            elif meas.over_days == "sum":
                cols[meas.name] = self._sums[meas.name].copy()
            elif meas.name == "contacted_share":
                cols[meas.name] = self._contacted_share()
            else:  # a copy: the table is built at the end, the state moves on
                cols[meas.name] = np.array(meas.compute(m))
        self._places.append(cols)  # the table is built once, when asked for
        self._month += 1
        for acc in self._sums.values():
            acc[:] = 0

    def _contacted_share(self) -> np.ndarray:
        """Share of each place's residents with a police contact since day 0.

        A resident agent stands for k people; its contacts fall on them at random, so the
        share of its people contacted at least once is ``1 - exp(-contacts / k)``.
        """
        m = self.model
        since = m.residents.contacts - (self._contacts0 if self._contacts0 is not None else 0)
        return m.world.place_means(1.0 - np.exp(-since / m.world.residents_per_agent))

    def record_survey(self, day: int, answers: dict[str, np.ndarray]) -> None:
        """Keep one survey wave."""
        self._survey.append({"day": np.full(len(answers["resident"]), day, np.int32), **answers})

    # ----- tables ---------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """One row per recorded day."""
        df = self.datacollector.get_table_dataframe(TIMESERIES_TABLE)
        return df[[m.name for m in self.measures]]

    @property
    def rows(self) -> dict[str, list]:
        """The daily rows so far, by column (the live lists of the collector's table)."""
        return self.datacollector.tables[TIMESERIES_TABLE]

    def places(self) -> pd.DataFrame:
        """One row per place per month."""
        if not self._places:
            return pd.DataFrame(columns=list(_KEYS))
        return pd.concat([pd.DataFrame(cols) for cols in self._places], ignore_index=True)

    def events(self) -> pd.DataFrame:
        """One row per offence."""
        m = self.model
        cols = ["day", "place", "kind", "reported", "recorded", "discovered", "arrest", "offender"]
        if not self._events:
            data = {c: np.empty(0) for c in cols}
        else:
            data = {c: np.concatenate([e[c] for e in self._events]) for c in cols}
        kinds = np.asarray(CRIME_TYPES)
        out = pd.DataFrame(
            {
                "day": data["day"].astype(np.int32),
                "place_id": m.world.city.place_ids[data["place"].astype(np.int64)],
                "crime_type": pd.Categorical(
                    kinds[data["kind"].astype(np.int64)], categories=kinds
                ),
                "reported": data["reported"].astype(bool),
                "recorded": data["recorded"].astype(bool),
                "discovered": data["discovered"].astype(bool),
                "arrest": data["arrest"].astype(bool),
                "offender": data["offender"].astype(np.int64),
            }
        )
        return out[[e.name for e in EVENTS]]

    def survey(self) -> pd.DataFrame:
        """One row per respondent per wave."""
        m = self.model
        cols = ["day", "resident", "place", "group", "trust", "safety", "satisfaction", "sampled"]
        if not self._survey:
            return pd.DataFrame({c: pd.Series(dtype="int64") for c in ["place_id", *cols]})
        data = {c: np.concatenate([w[c] for w in self._survey]) for c in cols}
        df = pd.DataFrame(data)
        df.insert(1, "place_id", m.world.city.place_ids[data["place"]])
        df["group"] = np.where(df["group"] == 1, "B", "A")
        return df.drop(columns=["place"])[[s.name for s in SURVEY]]
