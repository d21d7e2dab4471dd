"""Process 9: measurement. Collects the output tables (the output contract).

* daily time series (one row per day) through Mesa's ``DataCollector``;
* places by month (crime true and recorded by type, patrol hours, mean trust, whether the
  strategy targets the place, and police contacts and arrests of its residents);
* one row per offence (true, reported, discovered, recorded, arrest);
* survey answers (one row per respondent per wave).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import pandas as pd

from cspsim.city import CRIME_TYPES
from cspsim.processes.policing import Contacts, ShiftResult
from cspsim.processes.reporting import Offences
from cspsim.strategies.budget import DailyBudget

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel

#: Days per reporting month in ``places`` (months are 30-day blocks from day 0).
MONTH_DAYS = 30

TIMESERIES_COLUMNS = (
    ["day", "crimes_true", "crimes_recorded"]
    + [f"crimes_true_{t}" for t in CRIME_TYPES]
    + [f"crimes_recorded_{t}" for t in CRIME_TYPES]
    + [
        "victimizations",
        "reports",
        "discovered",
        "reporting_rate",
        "arrests",
        "contacts_positive",
        "contacts_negative",
        "contacts_police_initiated",
        "contacts_resident_initiated",
        "contacts_negative_group_a",
        "contacts_negative_group_b",
        "stops_group_a",
        "stops_group_b",
        "arrests_group_a",
        "arrests_group_b",
        "mean_trust",
        "mean_fear",
        "mean_engagement",
        "mean_efficacy",
        "high_confidence_share",
        "patrol_hours",
        "call_hours",
        "officer_hours",
        "officers_on_duty",
        "program_enrolled",
        "meetings",
        "budget",
        "budget_spent",
        "jailed",
    ]
)


class Recorder:
    """Accumulates the tables of one run (days >= 0 only; burn-in is not recorded)."""

    def __init__(self, model: CommunitySafetyModel) -> None:
        self.model = model
        self.today: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
            model_reporters={c: _reporter(c) for c in TIMESERIES_COLUMNS}
        )
        p = model.n_places
        self._month = 0
        self._true = np.zeros((p, len(CRIME_TYPES)), np.int64)
        self._rec = np.zeros((p, len(CRIME_TYPES)), np.int64)
        self._hours = np.zeros(p)
        self._negative = np.zeros(p, np.int64)  # by residents' home place
        self._stops = np.zeros(p, np.int64)
        self._arrests = np.zeros(p, np.int64)
        self._contacts0: np.ndarray | None = None
        self._places: list[pd.DataFrame] = []
        self._events: list[dict[str, np.ndarray]] = []
        self._survey: list[dict[str, np.ndarray]] = []

    def record_day(
        self,
        day: int,
        counts: np.ndarray,
        off: Offences,
        contacts: Contacts,
        arrestee: np.ndarray,
        shift: ShiftResult,
        budget: DailyBudget,
        meetings: int,
    ) -> None:
        """Record one day (call after all processes of the day)."""
        m = self.model
        r = m.residents
        rec_counts = np.zeros_like(counts)
        np.add.at(rec_counts, (off.place[off.recorded], off.kind[off.recorded]), 1)
        victim_kinds = off.kind < 3
        n_victim = int(victim_kinds.sum())
        group = r.group[contacts.resident]
        neg, pi = contacts.negative, contacts.police_initiated
        arrest_group = r.group[arrestee]
        row = {
            "day": day,
            "crimes_true": int(counts.sum()),
            "crimes_recorded": int(off.recorded.sum()),
            "victimizations": n_victim,
            "reports": int(off.reported.sum()),
            "discovered": int(off.discovered.sum()),
            "reporting_rate": float(off.reported[victim_kinds].mean()) if n_victim else np.nan,
            "arrests": int(off.arrest.sum()),
            "contacts_positive": int((~neg).sum()),
            "contacts_negative": int(neg.sum()),
            "contacts_police_initiated": int(pi.sum()),
            "contacts_resident_initiated": int((~pi).sum()),
            "contacts_negative_group_a": int((neg & (group == 0)).sum()),
            "contacts_negative_group_b": int((neg & (group == 1)).sum()),
            "stops_group_a": int((pi & (group == 0)).sum()),
            "stops_group_b": int((pi & (group == 1)).sum()),
            "arrests_group_a": int((arrest_group == 0).sum()),
            "arrests_group_b": int((arrest_group == 1).sum()),
            "mean_trust": float(r.trust.mean()),
            "mean_fear": float(r.fear.mean()),
            "mean_engagement": float(r.engagement.mean()),
            "mean_efficacy": float(np.average(m.engagement.efficacy, weights=m.place_count + 1e-9)),
            "high_confidence_share": float((r.trust >= 0.6).mean()),
            "patrol_hours": shift.patrol_hours,
            "call_hours": shift.call_hours,
            "officer_hours": budget.officer_hours,
            "officers_on_duty": int(m.officer_duty.sum()),
            "program_enrolled": m.programs.enrolled_count(day) * m.residents_per_agent,
            "meetings": meetings,
            "budget": budget.budget,
            "budget_spent": budget.spent,
            "jailed": float(r.jailed.sum() * m.residents_per_agent),
        }
        for t, name in enumerate(CRIME_TYPES):
            row[f"crimes_true_{name}"] = int(counts[:, t].sum())
            row[f"crimes_recorded_{name}"] = int(rec_counts[:, t].sum())
        self.today = row
        self.datacollector.collect(m)

        self._true += counts
        self._rec += rec_counts
        self._hours += shift.presence
        home = r.place[contacts.resident]
        self._negative += np.bincount(home[neg], minlength=m.n_places)
        self._stops += np.bincount(home[pi], minlength=m.n_places)
        self._arrests += np.bincount(r.place[arrestee], minlength=m.n_places)
        if self._contacts0 is None:  # contacts before day 0 (today's already applied)
            self._contacts0 = r.contacts - np.bincount(contacts.resident, minlength=r.n)
        if m.cfg.sim.record_events and len(off.place):
            self._events.append(
                {
                    "day": np.full(len(off.place), day, np.int32),
                    "place": off.place,
                    "kind": off.kind,
                    "reported": off.reported,
                    "recorded": off.recorded,
                    "discovered": off.discovered,
                    "arrest": off.arrest,
                }
            )
        if (day + 1) % MONTH_DAYS == 0 or day == m.cfg.sim.days - 1:
            self._flush_month()

    def _flush_month(self) -> None:
        m = self.model
        cols: dict[str, object] = {
            "place_id": m.city.place_ids,
            "neighbourhood": np.asarray(m.city.neighbourhood_names)[m.city.neighbourhood],
            "month": np.full(m.n_places, self._month, np.int32),
            "crimes_true": self._true.sum(axis=1),
            "crimes_recorded": self._rec.sum(axis=1),
            "patrol_hours": self._hours.copy(),
            "mean_trust": m.engagement.place_means(m.residents.trust),
            "mean_fear": m.engagement.place_means(m.residents.fear),
            "collective_efficacy": m.engagement.efficacy.copy(),
            "treated": m.strategy.treated.copy(),
            "targeted": m.strategy.targeted_places(),
            "trial_arm": m.strategy.trial_arm.copy(),
            "contacts_negative": self._negative.copy(),
            "stops": self._stops.copy(),
            "arrests": self._arrests.copy(),
            "contacted_share": self._contacted_share(),
        }
        for t, name in enumerate(CRIME_TYPES):
            cols[f"crimes_true_{name}"] = self._true[:, t].copy()
            cols[f"crimes_recorded_{name}"] = self._rec[:, t].copy()
        self._places.append(pd.DataFrame(cols))
        self._month += 1
        self._true[:] = 0
        self._rec[:] = 0
        self._hours[:] = 0.0
        for acc in (self._negative, self._stops, self._arrests):
            acc[:] = 0

    def _contacted_share(self) -> np.ndarray:
        """Share of each place's residents with a police contact since day 0.

        A resident agent stands for k people; its contacts fall on them at random, so the
        share of its people contacted at least once is ``1 - exp(-contacts / k)``.
        """
        m = self.model
        since = m.residents.contacts - (self._contacts0 if self._contacts0 is not None else 0)
        return m.engagement.place_means(1.0 - np.exp(-since / m.residents_per_agent))

    def record_survey(self, day: int, answers: dict[str, np.ndarray]) -> None:
        """Keep one survey wave."""
        self._survey.append({"day": np.full(len(answers["resident"]), day, np.int32), **answers})

    # ----- tables ---------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """One row per recorded day."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return df[list(TIMESERIES_COLUMNS)]

    def places(self) -> pd.DataFrame:
        """One row per place per month."""
        if not self._places:
            return pd.DataFrame(columns=["place_id", "neighbourhood", "month"])
        return pd.concat(self._places, ignore_index=True)

    def events(self) -> pd.DataFrame:
        """One row per offence."""
        m = self.model
        cols = ["day", "place", "kind", "reported", "recorded", "discovered", "arrest"]
        if not self._events:
            data = {c: np.empty(0) for c in cols}
        else:
            data = {c: np.concatenate([e[c] for e in self._events]) for c in cols}
        kinds = np.asarray(CRIME_TYPES)
        return pd.DataFrame(
            {
                "day": data["day"].astype(np.int32),
                "place_id": m.city.place_ids[data["place"].astype(np.int64)],
                "crime_type": pd.Categorical(
                    kinds[data["kind"].astype(np.int64)], categories=kinds
                ),
                "reported": data["reported"].astype(bool),
                "recorded": data["recorded"].astype(bool),
                "discovered": data["discovered"].astype(bool),
                "arrest": data["arrest"].astype(bool),
            }
        )

    def survey(self) -> pd.DataFrame:
        """One row per respondent per wave."""
        m = self.model
        cols = ["day", "resident", "place", "group", "trust", "safety", "satisfaction", "sampled"]
        if not self._survey:
            return pd.DataFrame({c: pd.Series(dtype="int64") for c in ["place_id", *cols]})
        data = {c: np.concatenate([w[c] for w in self._survey]) for c in cols}
        df = pd.DataFrame(data)
        df.insert(1, "place_id", m.city.place_ids[data["place"]])
        df["group"] = np.where(df["group"] == 1, "B", "A")
        return df.drop(columns=["place"])


def _reporter(column: str):
    return lambda model: model.recorder.today[column]
