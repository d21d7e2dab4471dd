"""Every output column, declared once, and the run-level outcomes derived from them.

A column's declaration gives its name, type, unit, label, how it is measured and how it
aggregates over days, places and seeds.

The recorder (:mod:`cspsim.model.recorder`) fills the four tables from these declarations;
the analysis layer (DuckDB aggregation, comparison tables, reports) and the README's column
table read the same declarations. Adding a column is one edit: a :class:`Measure` here (or in
a component's ``measures``, which are appended to the timeseries table).

Run-level *outcomes* (what a strategy comparison reports: crime per year, trust in the last
30 days, reporting rate, ...) are declared as :class:`Outcome` from the columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cspsim.city import CRIME_TYPES
from cspsim.model.kernels import resident_sums

if TYPE_CHECKING:
    from cspsim.model.day import Day
    from cspsim.model.model import CommunitySafetyModel

#: The four output tables.
TABLES = ("timeseries", "places", "events", "survey")
#: Trust at or above this counts as "high confidence" (Likert 4-5 of 5; Gallup's measure).
HIGH_CONFIDENCE = 0.6
#: Days per reporting month in ``places`` (months are 30-day blocks from day 0).
MONTH_DAYS = 30

#: How a timeseries column aggregates over the days of a run.
OVER_DAYS = ("sum", "mean", "last30", "first", "none")
#: How a places column aggregates over months and places.
OVER_PLACES = ("sum", "mean", "any", "max", "key", "none")


@dataclass(frozen=True)
class Measure:
    """One output column.

    Attributes:
        name: Column name.
        table: ``timeseries`` (one row per day), ``places`` (per place per month),
            ``events`` (per offence) or ``survey`` (per respondent per wave).
        dtype: Stored type (``int64``, ``float64``, ``bool``, ...).
        unit: Unit of one value.
        label: Human-readable label for tables and figures.
        compute: How the recorder measures it. Timeseries: ``f(model, day) -> scalar``.
            Places: ``f(model, day) -> (P,) array`` summed over the month (``over_days``
            ``sum``) or ``f(model) -> (P,) array`` read at the month's end (``last``).
            Events and survey columns are written by their own process (``None``).
        over_days: Timeseries: how daily values aggregate over a run (``sum`` per year,
            ``mean``, ``last30`` mean of the last 30 days, ``first``, ``none``). Places: ``sum``
            (accumulated over the month) or ``last`` (month-end value).
        over_places: Places: how values aggregate over months and places (``sum``,
            ``mean``, ``any``, ``max``, ``key`` identifies the row).
        over_seeds: How run values aggregate over seeds (``mean`` with a t interval).
    """

    name: str
    table: str
    dtype: str
    unit: str
    label: str
    compute: Callable[..., Any] | None = None
    over_days: str = "sum"
    over_places: str = "none"
    over_seeds: str = "mean"


@dataclass(frozen=True)
class Outcome:
    """A run-level outcome derived from the tables (one value per run).

    Attributes:
        name: Outcome name (a column of the run summaries).
        label: Label for tables.
        unit: Unit of the value.
        column: The timeseries column it is computed from (``sum`` outcomes are per year).
        over_days: ``sum`` (per year), ``mean``, ``last30``; or ``ratio`` of two sums
            (``column`` / ``denominator``); or ``survey`` (mean of a survey answer in the
            last wave).
        denominator: For ``ratio`` outcomes.
        compare: How differences are shown: ``pct`` (percent change), ``pts`` (points of a
            0-1 measure), ``dec`` (difference with 2 decimals), ``usd``.
        better: ``lower`` or ``higher`` is better (for "probability of being best").
    """

    name: str
    label: str
    unit: str
    column: str
    over_days: str = "sum"
    denominator: str | None = None
    compare: str = "pct"
    better: str = "lower"


def _ts(
    name: str,
    dtype: str,
    unit: str,
    label: str,
    compute: Callable[[CommunitySafetyModel, Day], float],
    over_days: str = "sum",
) -> Measure:
    return Measure(name, "timeseries", dtype, unit, label, compute, over_days)


def _type_counts(kind: int, recorded: bool) -> Callable[[CommunitySafetyModel, Day], int]:
    if recorded:
        return lambda m, d: int(d.recorded[:, kind].sum())
    return lambda m, d: int(d.counts[:, kind].sum())


def _contact_group(d: Day, m: CommunitySafetyModel) -> np.ndarray:
    """Group of each contacted resident (shared by the day's contact measures)."""
    return d.memo("contact_group", lambda: m.residents.group[d.contacts.resident])


def _share(flag: np.ndarray, among: np.ndarray) -> float:
    """Share of the ``among`` entries with ``flag`` set (NaN if none): ``flag[among].mean()``.

    Counted, not averaged: the same number (counts are exact in float64, one division)
    without NumPy's mean machinery, several microseconds a call on a day's few offences.
    """
    n = np.count_nonzero(among)
    return np.count_nonzero(flag & among) / n if n else np.nan


def _reporting_rate(m: CommunitySafetyModel, d: Day) -> float:
    return _share(d.offences.reported, d.victim_offence)


def _negative_by_group(g: int) -> Callable[[CommunitySafetyModel, Day], int]:
    return lambda m, d: np.count_nonzero(d.contacts.negative & (_contact_group(d, m) == g))


def _stops_by_group(g: int) -> Callable[[CommunitySafetyModel, Day], int]:
    # Stops only (a patrol's police-initiated contacts; arrests are counted apart), the
    # denominator of the group's hit rate.
    return lambda m, d: np.count_nonzero(d.contacts.stop & (_contact_group(d, m) == g))


def _arrests_by_group(g: int) -> Callable[[CommunitySafetyModel, Day], int]:
    return lambda m, d: np.count_nonzero(m.residents.group[d.arrestees] == g)


#: Position of each resident sum in :func:`_resident_sums` (then the two groups' trust).
_RESIDENT_SUM = {"trust": 0, "fear": 1, "engagement": 2, "trust_belief": 3, "jailed": 4, "high": 5}
_GROUP_TRUST = 6


def _resident_sums(m: CommunitySafetyModel, d: Day) -> np.ndarray:
    """Today's sums of resident state for the measures, one pass (shared through the day)."""
    r = m.residents

    def compute() -> np.ndarray:
        return resident_sums(
            r.trust,
            r.fear,
            r.engagement,
            r.trust_belief,
            r.jailed,
            r.group,
            np.float32(HIGH_CONFIDENCE),
        )

    return d.memo("resident_sums", compute)


def _resident_mean(name: str) -> Callable[[CommunitySafetyModel, Day], float]:
    def mean(m: CommunitySafetyModel, d: Day) -> float:
        n = m.residents.n
        return float(_resident_sums(m, d)[_RESIDENT_SUM[name]] / n) if n else np.nan

    return mean


def _group_mean_trust(g: int) -> Callable[[CommunitySafetyModel, Day], float]:
    def mean(m: CommunitySafetyModel, d: Day) -> float:
        count = m.world.group_count[g]
        if count == 0:
            return np.nan
        return float(_resident_sums(m, d)[_GROUP_TRUST + g] / count)

    return mean


def _reporting_by_group(g: int) -> Callable[[CommunitySafetyModel, Day], float]:
    def rate(m: CommunitySafetyModel, d: Day) -> float:
        off = d.offences
        return _share(off.reported, d.victim_offence & (m.residents.group[off.victim] == g))

    return rate


def _complaints_by_group(g: int) -> Callable[[CommunitySafetyModel, Day], int]:
    def count(m: CommunitySafetyModel, d: Day) -> int:
        c = d.contacts
        return np.count_nonzero(c.complaint & (_contact_group(d, m) == g))

    return count


def _hit_rate_by_group(g: int) -> Callable[[CommunitySafetyModel, Day], float]:
    def rate(m: CommunitySafetyModel, d: Day) -> float:
        c = d.contacts
        return _share(c.hit, c.stop & (_contact_group(d, m) == g))

    return rate


def _mean_cynicism(m: CommunitySafetyModel, d: Day) -> float:
    leg = m.legitimacy
    return float(np.dot(leg.cynicism, leg.nbhd_count) / max(leg.nbhd_count.sum(), 1.0))


_COUNTS = "offences/day"
_CONTACTS = "contacts/day"

#: The daily time series (one row per recorded day), in column order. Flags are counted with
#: ``np.count_nonzero`` (the number ``.sum()`` gives, in a fifth of the time: the recorder
#: computes some seventy of these a day).
TIMESERIES: tuple[Measure, ...] = (
    _ts("day", "int64", "day", "Day", lambda m, d: d.day, "none"),
    _ts("crimes_true", "int64", _COUNTS, "Crime (true)", lambda m, d: int(d.counts.sum())),
    _ts(
        "crimes_recorded",
        "int64",
        _COUNTS,
        "Crime (recorded)",
        lambda m, d: np.count_nonzero(d.offences.recorded),
    ),
    *(
        _ts(f"crimes_true_{t}", "int64", _COUNTS, f"{t.title()} (true)", _type_counts(i, False))
        for i, t in enumerate(CRIME_TYPES)
    ),
    *(
        _ts(
            f"crimes_recorded_{t}",
            "int64",
            _COUNTS,
            f"{t.title()} (recorded)",
            _type_counts(i, True),
        )
        for i, t in enumerate(CRIME_TYPES)
    ),
    _ts(
        "victimizations",
        "int64",
        "victimizations/day",
        "Victimizations",
        lambda m, d: np.count_nonzero(d.victim_offence),
    ),
    _ts(
        "reports",
        "int64",
        "reports/day",
        "Reports",
        lambda m, d: np.count_nonzero(d.offences.reported),
    ),
    _ts(
        "discovered",
        "int64",
        _COUNTS,
        "Found by patrol",
        lambda m, d: np.count_nonzero(d.offences.discovered),
    ),
    _ts(
        "reporting_rate",
        "float64",
        "share of victimizations",
        "Reporting rate",
        _reporting_rate,
        "none",
    ),
    _ts(
        "arrests",
        "int64",
        "arrests/day",
        "Arrests",
        lambda m, d: np.count_nonzero(d.offences.arrest),
    ),
    _ts(
        "contacts_positive",
        "int64",
        _CONTACTS,
        "Positive contacts",
        lambda m, d: len(d.contacts.negative) - np.count_nonzero(d.contacts.negative),
    ),
    _ts(
        "contacts_negative",
        "int64",
        _CONTACTS,
        "Negative contacts",
        lambda m, d: np.count_nonzero(d.contacts.negative),
    ),
    _ts(
        "contacts_police_initiated",
        "int64",
        _CONTACTS,
        "Police-initiated contacts",
        lambda m, d: np.count_nonzero(d.contacts.police_initiated),
    ),
    _ts(
        "contacts_resident_initiated",
        "int64",
        _CONTACTS,
        "Resident-initiated contacts",
        lambda m, d: (
            len(d.contacts.police_initiated) - np.count_nonzero(d.contacts.police_initiated)
        ),
    ),
    _ts(
        "contacts_negative_group_a",
        "int64",
        _CONTACTS,
        "Negative contacts, group A",
        _negative_by_group(0),
    ),
    _ts(
        "contacts_negative_group_b",
        "int64",
        _CONTACTS,
        "Negative contacts, group B",
        _negative_by_group(1),
    ),
    _ts("stops_group_a", "int64", "stops/day", "Stops, group A", _stops_by_group(0)),
    _ts("stops_group_b", "int64", "stops/day", "Stops, group B", _stops_by_group(1)),
    _ts("arrests_group_a", "int64", "arrests/day", "Arrests, group A", _arrests_by_group(0)),
    _ts("arrests_group_b", "int64", "arrests/day", "Arrests, group B", _arrests_by_group(1)),
    _ts(
        "mean_trust",
        "float64",
        "mean 0-1",
        "Trust in police",
        _resident_mean("trust"),
        "last30",
    ),
    _ts(
        "mean_fear",
        "float64",
        "mean 0-1",
        "Fear of crime",
        _resident_mean("fear"),
        "last30",
    ),
    _ts(
        "mean_engagement",
        "float64",
        "mean 0-1",
        "Civic engagement",
        _resident_mean("engagement"),
        "last30",
    ),
    _ts(
        "mean_efficacy",
        "float64",
        "mean 0-1 (resident-weighted)",
        "Collective efficacy",
        lambda m, d: m.engagement.mean_efficacy(),
        "last30",
    ),
    _ts(
        "high_confidence_share",
        "float64",
        "share of residents",
        "High confidence in police",
        _resident_mean("high"),
        "last30",
    ),
    _ts(
        "mean_trust_belief",
        "float64",
        "mean 0-1",
        "Long-run belief in police",
        _resident_mean("trust_belief"),
        "last30",
    ),
    _ts(
        "mean_trust_group_a",
        "float64",
        "mean 0-1",
        "Trust in police, group A",
        _group_mean_trust(0),
        "last30",
    ),
    _ts(
        "mean_trust_group_b",
        "float64",
        "mean 0-1",
        "Trust in police, group B",
        _group_mean_trust(1),
        "last30",
    ),
    _ts(
        "reporting_rate_group_a",
        "float64",
        "share of victimizations",
        "Reporting rate, group A",
        _reporting_by_group(0),
        "none",
    ),
    _ts(
        "reporting_rate_group_b",
        "float64",
        "share of victimizations",
        "Reporting rate, group B",
        _reporting_by_group(1),
        "none",
    ),
    _ts(
        "complaints",
        "int64",
        "complaints/day",
        "Complaints",
        lambda m, d: np.count_nonzero(d.contacts.complaint),
    ),
    _ts(
        "complaints_group_a",
        "int64",
        "complaints/day",
        "Complaints, group A",
        _complaints_by_group(0),
    ),
    _ts(
        "complaints_group_b",
        "int64",
        "complaints/day",
        "Complaints, group B",
        _complaints_by_group(1),
    ),
    _ts(
        "hit_rate_group_a",
        "float64",
        "share of stops",
        "Stops that found something, group A",
        _hit_rate_by_group(0),
        "none",
    ),
    _ts(
        "hit_rate_group_b",
        "float64",
        "share of stops",
        "Stops that found something, group B",
        _hit_rate_by_group(1),
        "none",
    ),
    _ts(
        "unanswered_calls",
        "int64",
        "calls/day",
        "Calls no officer could answer",
        lambda m, d: len(d.unanswered),
    ),
    _ts(
        "mean_response_minutes",
        "float64",
        "minutes",
        "Minutes from a call to an officer on scene (grows with the officers' load)",
        lambda m, d: float(d.response_minutes),
        "mean",
    ),
    _ts(
        "mean_cynicism",
        "float64",
        "mean 0-1 (resident-weighted)",
        "Legal cynicism",
        _mean_cynicism,
        "last30",
    ),
    _ts(
        "mean_partnership_strength",
        "float64",
        "mean 0-1 (organizations)",
        "Partnership strength",
        lambda m, d: float(m.partners.strength.mean()) if len(m.partners.kind) else np.nan,
        "last30",
    ),
    _ts(
        "concerns_raised",
        "int64",
        "problems/day",
        "Problems raised at meetings",
        lambda m, d: len(d.raised_places),
    ),
    _ts(
        "concerns_acted",
        "int64",
        "problems/day",
        "Raised problems acted on",
        lambda m, d: len(d.acted_places),
    ),
    _ts(
        "concerns_improved",
        "int64",
        "problems/day",
        "Acted-on problems judged better",
        lambda m, d: len(d.improved_places),
    ),
    _ts(
        "patrol_hours",
        "float64",
        "officer-hours/day",
        "Patrol hours",
        lambda m, d: d.shift.patrol_hours,
        "mean",
    ),
    _ts(
        "call_hours",
        "float64",
        "officer-hours/day",
        "Call hours",
        lambda m, d: d.shift.call_hours,
        "mean",
    ),
    _ts(
        "officer_hours",
        "float64",
        "officer-hours/day",
        "Officer-hours funded",
        lambda m, d: d.budget.officer_hours,
    ),
    _ts(
        "officers_on_duty",
        "int64",
        "officers",
        "Officers on duty",
        lambda m, d: np.count_nonzero(m.police.force.on_duty),
        "mean",
    ),
    _ts(
        "program_enrolled",
        "float64",
        "residents",
        "Program participants",
        lambda m, d: m.programs.enrolled_count(d.day) * m.world.residents_per_agent,
        "mean",
    ),
    _ts("meetings", "int64", "meetings/day", "Community meetings", lambda m, d: d.meetings_held),
    _ts("budget", "float64", "USD/day", "Budget", lambda m, d: d.budget.budget),
    _ts("budget_spent", "float64", "USD/day", "Spent", lambda m, d: d.budget.spent),
    _ts(
        "jailed",
        "float64",
        "residents",
        "Residents in jail",
        lambda m, d: float(
            _resident_sums(m, d)[_RESIDENT_SUM["jailed"]] * m.world.residents_per_agent
        ),
        "mean",
    ),
)


def _home_counts(
    mask_of: Callable[[Day], np.ndarray | None], residents_of: Callable[[Day], np.ndarray]
) -> Callable[[CommunitySafetyModel, Day], np.ndarray]:
    """Per place of residence: how many of today's contacts (or arrests) fall there."""

    def count(m: CommunitySafetyModel, d: Day) -> np.ndarray:
        home = m.residents.place[residents_of(d)]
        mask = mask_of(d)
        home = home if mask is None else home[mask]
        return np.bincount(home, minlength=m.world.n_places)

    return count


def _place_sum(
    name: str,
    dtype: str,
    unit: str,
    label: str,
    compute: Callable[[CommunitySafetyModel, Day], np.ndarray],
    over_places: str = "sum",
) -> Measure:
    return Measure(name, "places", dtype, unit, label, compute, "sum", over_places)


def _place_last(
    name: str,
    dtype: str,
    unit: str,
    label: str,
    compute: Callable[[CommunitySafetyModel], np.ndarray] | None,
    over_places: str = "mean",
) -> Measure:
    return Measure(name, "places", dtype, unit, label, compute, "last", over_places)


def _trust_and_fear_by_place(m: CommunitySafetyModel) -> list[np.ndarray]:
    """Mean trust and fear by place, in one call of the shape the day's place means use.

    Two float32 columns at once: a call with one column would load another compiled
    signature of the place sums (~5 ms, once per process) for two calls a month.
    """
    return m.world.place_means_of(m.residents.trust, m.residents.fear)


def _type_at_places(kind: int, recorded: bool) -> Callable[[CommunitySafetyModel, Day], np.ndarray]:
    if recorded:
        return lambda m, d: d.recorded[:, kind]
    return lambda m, d: d.counts[:, kind]


#: Places by month (one row per place per 30-day month), in column order. ``place_id``,
#: ``neighbourhood`` and ``month`` identify the row.
PLACES: tuple[Measure, ...] = (
    Measure("place_id", "places", "str", "id", "Place", over_days="none", over_places="key"),
    Measure(
        "neighbourhood",
        "places",
        "str",
        "name",
        "Neighbourhood",
        over_days="none",
        over_places="key",
    ),
    Measure("month", "places", "int32", "month", "Month", over_days="none", over_places="key"),
    _place_sum(
        "crimes_true", "int64", "offences/month", "Crime (true)", lambda m, d: d.counts.sum(axis=1)
    ),
    _place_sum(
        "crimes_recorded",
        "int64",
        "offences/month",
        "Crime (recorded)",
        lambda m, d: d.recorded.sum(axis=1),
    ),
    _place_sum(
        "patrol_hours",
        "float64",
        "officer-hours/month",
        "Police presence",
        lambda m, d: d.shift.presence,
    ),
    _place_last(
        "mean_trust",
        "float64",
        "mean 0-1",
        "Trust in police",
        lambda m: _trust_and_fear_by_place(m)[0],
    ),
    _place_last(
        "mean_fear",
        "float64",
        "mean 0-1",
        "Fear of crime",
        lambda m: _trust_and_fear_by_place(m)[1],
    ),
    _place_last(
        "collective_efficacy",
        "float64",
        "0-1",
        "Collective efficacy",
        lambda m: m.engagement.efficacy.copy(),
    ),
    _place_last(
        "treated",
        "bool",
        "flag",
        "In the strategy's area",
        lambda m: m.partnership.treated.copy(),
        "any",
    ),
    _place_last(
        "targeted",
        "bool",
        "flag",
        "Targeted by the strategy",
        lambda m: m.targeted_places(),
        "any",
    ),
    _place_last(
        "trial_arm",
        "int8",
        "1 treated, 0 control, -1 not in trial",
        "Trial arm",
        lambda m: m.partnership.trial_arm.copy(),
        "max",
    ),
    _place_sum(
        "contacts_negative",
        "int64",
        "contacts/month (by home place)",
        "Negative contacts",
        _home_counts(lambda d: d.contacts.negative, lambda d: d.contacts.resident),
    ),
    _place_sum(
        "stops",
        "int64",
        "stops/month (by home place)",
        "Stops",
        _home_counts(lambda d: d.contacts.stop, lambda d: d.contacts.resident),
    ),
    _place_sum(
        "arrests",
        "int64",
        "arrests/month (by home place)",
        "Arrests",
        _home_counts(lambda d: None, lambda d: d.arrestees),
    ),
    _place_last(
        "cynicism",
        "float64",
        "0-1",
        "Legal cynicism (neighbourhood)",
        lambda m: m.legitimacy.place_cynicism(),
    ),
    _place_last(
        "partnership_strength",
        "float64",
        "0-1",
        "Partnership strength (neighbourhood's organizations)",
        lambda m: m.partners.place_strength(),
    ),
    _place_sum(
        "concerns_raised",
        "int64",
        "problems/month",
        "Problems raised at meetings",
        lambda m, d: np.bincount(d.raised_places, minlength=m.world.n_places),
    ),
    _place_sum(
        "concerns_acted",
        "int64",
        "problems/month",
        "Raised problems acted on",
        lambda m, d: np.bincount(d.acted_places, minlength=m.world.n_places),
    ),
    _place_last(
        "contacted_share",
        "float64",
        "share of residents since day 0",
        "Residents with a police contact",
        None,  # needs the contacts before day 0: measured by the recorder
    ),
    *(
        m
        for i, t in enumerate(CRIME_TYPES)
        for m in (
            _place_sum(
                f"crimes_true_{t}",
                "int64",
                "offences/month",
                f"{t.title()} (true)",
                _type_at_places(i, False),
            ),
            _place_sum(
                f"crimes_recorded_{t}",
                "int64",
                "offences/month",
                f"{t.title()} (recorded)",
                _type_at_places(i, True),
            ),
        )
    ),
)


def _event(name: str, dtype: str, unit: str, label: str) -> Measure:
    return Measure(name, "events", dtype, unit, label, over_days="none")


#: One row per offence.
EVENTS: tuple[Measure, ...] = (
    _event("day", "int32", "day", "Day"),
    _event("place_id", "str", "id", "Place"),
    _event("crime_type", "category", "type", "Crime type"),
    _event("reported", "bool", "flag", "Reported by a victim or witness"),
    _event("recorded", "bool", "flag", "Recorded by police"),
    _event("discovered", "bool", "flag", "Found by patrol"),
    _event("arrest", "bool", "flag", "Led to an arrest"),
    _event(
        "offender",
        "int64",
        "agent index",
        "At-risk resident agent who committed it (-1: an outsider); arrested if `arrest`",
    ),
)


def _survey(name: str, dtype: str, unit: str, label: str) -> Measure:
    return Measure(name, "survey", dtype, unit, label, over_days="none")


#: One row per respondent per survey wave.
SURVEY: tuple[Measure, ...] = (
    _survey("day", "int32", "day", "Wave day"),
    _survey("place_id", "str", "id", "Respondent's place"),
    _survey("resident", "int64", "agent index", "Respondent"),
    _survey("group", "str", "A or B", "Group"),
    _survey("trust", "int8", "Likert 1-5", "Trust in police"),
    _survey("safety", "int8", "Likert 1-5", "Feeling safe"),
    _survey("satisfaction", "int8", "Likert 1-5", "Satisfaction with police"),
    _survey("sampled", "int32", "residents", "Residents contacted in the wave"),
)

#: Every declared column by table.
CATALOG: dict[str, tuple[Measure, ...]] = {
    "timeseries": TIMESERIES,
    "places": PLACES,
    "events": EVENTS,
    "survey": SURVEY,
}

#: Run-level outcomes, in the order reports show them.
OUTCOMES: tuple[Outcome, ...] = (
    Outcome("crimes_true", "Crime (true)", "per year", "crimes_true"),
    Outcome("crimes_recorded", "Crime (recorded)", "per year", "crimes_recorded"),
    *(
        Outcome(f"crimes_true_{t}", f"{t.title()} (true)", "per year", f"crimes_true_{t}")
        for t in CRIME_TYPES
    ),
    Outcome(
        "trust",
        "Trust",
        "mean 0-1, last 30 days",
        "mean_trust",
        "last30",
        compare="pts",
        better="higher",
    ),
    Outcome("fear", "Fear", "mean 0-1, last 30 days", "mean_fear", "last30", compare="pts"),
    Outcome(
        "high_confidence",
        "High confidence",
        "share, last 30 days",
        "high_confidence_share",
        "last30",
        compare="pts",
        better="higher",
    ),
    Outcome(
        "reporting_rate",
        "Reporting rate",
        "reports / victimizations",
        "reports",
        "ratio",
        denominator="victimizations",
        compare="pts",
        better="higher",
    ),
    Outcome(
        "satisfaction",
        "Satisfaction",
        "survey Likert 1-5, last wave",
        "satisfaction",
        "survey",
        compare="dec",
        better="higher",
    ),
    Outcome("arrests", "Arrests", "per year", "arrests"),
    Outcome("complaints", "Complaints", "per year", "complaints"),
    Outcome("contacts_negative", "Negative contacts", "per year", "contacts_negative"),
    Outcome("cost", "Cost", "USD per year", "budget_spent", compare="usd"),
)


def measure(table: str, name: str) -> Measure:
    """The declaration of one column."""
    for m in CATALOG[table]:
        if m.name == name:
            return m
    raise KeyError(f"{table}.{name}: no such declared column")
