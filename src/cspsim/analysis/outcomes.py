"""What a run summary holds, read from the declarations of :mod:`cspsim.model.measures`.

A run summary (one row per run, :func:`cspsim.analysis.aggregate.run_summaries`) has

* one column per declared timeseries column (``Measure.over_days``: ``sum`` per year,
  ``mean``, ``last30`` mean of the last 30 days, ``first``; ``none`` is left out);
* one column per run-level :class:`~cspsim.model.measures.Outcome` (the model's
  :data:`~cspsim.model.measures.OUTCOMES` and :data:`EXTRA_OUTCOMES` below), survey outcomes
  also per demographic group (``<name>_a``, ``<name>_b``);
* the :data:`DERIVED` values: fairness per group and the cost columns, computed from the
  columns above and the run's identity (population, group share, officer-hour cost).

The declarations are read when a summary is made, not when this module is imported, so an
``Outcome`` added to ``OUTCOMES`` appears in every summary and comparison table at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cspsim.model import measures as decl
from cspsim.model.components import components
from cspsim.model.measures import Measure, Outcome
from cspsim.model.recorder import spending_measure

#: The survey's demographic groups (its ``group`` column) and their column suffixes.
GROUPS = {"A": "a", "B": "b"}

#: Outcomes the analysis adds to the model's :data:`~cspsim.model.measures.OUTCOMES`.
EXTRA_OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "safety",
        "Feeling safe",
        "survey Likert 1-5, last wave",
        "safety",
        "survey",
        compare="dec",
        better="higher",
    ),
)

#: The series the figures draw: true against recorded crime, and trust (the design's contrast).
FIGURE_COLUMNS = ("crimes_true", "crimes_recorded", "mean_trust")


@dataclass(frozen=True)
class Derived:
    """A run-level value computed from summary columns and the run's identity.

    Attributes:
        name: Column of the run summaries.
        label: Label for tables and figures.
        unit: Unit of the value.
        compute: ``f(raw, summary) -> values``: ``raw`` holds the runs' identity and the
            un-scaled sums over the recorded days, ``summary`` the per-year columns.
        formula: The computation in words (for the README's outcomes table).
        compare: How differences are shown (as :class:`~cspsim.model.measures.Outcome`).
        better: ``lower`` or ``higher`` is better.
    """

    name: str
    label: str
    unit: str
    compute: Callable[[pd.DataFrame, pd.DataFrame], pd.Series]
    formula: str
    compare: str = "pct"
    better: str = "lower"


def _group_population(raw: pd.DataFrame, group: str) -> pd.Series:
    # The configured share: the survey sample under-represents the less trusting group
    # (non-response depends on trust), so it would overstate that group's rates.
    pop_b = raw["population"] * raw["group_b_share"]
    return pop_b if group == "b" else raw["population"] - pop_b


def _per_1000(
    column: str, group: str | None = None
) -> Callable[[pd.DataFrame, pd.DataFrame], pd.Series]:
    def compute(raw: pd.DataFrame, out: pd.DataFrame) -> pd.Series:
        col = column if group is None else f"{column}_group_{group}"
        pop = raw["population"] if group is None else _group_population(raw, group)
        return out[col] / pop.clip(lower=1) * 1e3

    return compute


def _police_initiated(raw: pd.DataFrame, out: pd.DataFrame) -> pd.Series:
    return raw["contacts_police_initiated"] / (
        raw["contacts_negative"] + raw["contacts_positive"]
    ).clip(lower=1)


def _reallocated(raw: pd.DataFrame, out: pd.DataFrame) -> pd.Series:
    return (out["cost"] - out["officer_hours"] * raw["officer_hour_cost"]).clip(lower=0)


_RATE = "per 1,000 residents per year"

#: Fairness per group and the cost columns, in the order they are computed.
DERIVED: tuple[Derived, ...] = (
    Derived(
        "police_initiated_share",
        "Police-initiated contacts",
        "share of contacts",
        _police_initiated,
        "`contacts_police_initiated` / (`contacts_negative` + `contacts_positive`)",
        "pts",
    ),
    Derived(
        "reallocated",
        "Moved from patrol",
        "USD per year",
        _reallocated,
        "`cost` - `officer_hours` x the officer-hour cost (spending on anything else)",
        "usd",
    ),
    *(
        Derived(
            f"{what}_per_1000_{g}",
            f"{label}, group {g.upper()}",
            _RATE,
            _per_1000(column, g),
            f"`{column}_group_{g}` per 1,000 residents of group {g.upper()}",
        )
        for what, column, label in (
            ("negative", "contacts_negative", "Negative contacts"),
            ("arrests", "arrests", "Arrests"),
            ("stops", "stops", "Stops"),
            ("complaints", "complaints", "Complaints"),
        )
        for g in GROUPS.values()
    ),
    Derived(
        "negative_per_1000",
        "Negative contacts",
        _RATE,
        _per_1000("contacts_negative"),
        "`contacts_negative` per 1,000 residents",
    ),
    Derived(
        "arrests_per_1000",
        "Arrests",
        _RATE,
        _per_1000("arrests"),
        "`arrests` per 1,000 residents",
    ),
)


def outcomes() -> tuple[Outcome, ...]:
    """Every run-level outcome, in report order: the model's, then the analysis layer's."""
    return (*decl.OUTCOMES, *EXTRA_OUTCOMES)


def spending_measures() -> tuple[Measure, ...]:
    """``spent_<key>``: what each component with a cost spends per day (as the recorder)."""
    return tuple(
        spending_measure(cls.key)
        for cls in components()
        if any(stage == "cost" for stage, _, _ in cls.hooks())
    )


def timeseries_measures() -> tuple[Measure, ...]:
    """Every declared timeseries column: the core ones, spending, then the components' own."""
    return (
        *decl.TIMESERIES,
        *spending_measures(),
        *(m for cls in components() for m in cls.measures),
    )


def place_measures(over_places: str) -> tuple[Measure, ...]:
    """The places table's columns that aggregate over months and places as ``over_places``."""
    return tuple(m for m in decl.PLACES if m.over_places == over_places)


def survey_outcomes() -> tuple[Outcome, ...]:
    """Outcomes read from the last survey wave."""
    return tuple(o for o in outcomes() if o.over_days == "survey")


def outcome(name: str) -> Outcome:
    """The declaration of one outcome."""
    for o in outcomes():
        if o.name == name:
            return o
    raise KeyError(f"{name}: no such declared outcome")


def label_unit(name: str, table: str | None = None) -> tuple[str, str]:
    """Label and unit from the declarations.

    Args:
        name: A column of the run summaries (an outcome, a derived value, a survey outcome
            by group or a declared timeseries column), or of ``table``.
        table: Look ``name`` up among the declared columns of this output table only
            (``timeseries``, ``places``, ...): a daily value, not a run's summary.
    """
    if table is not None:
        pool = timeseries_measures() if table == "timeseries" else decl.CATALOG[table]
        for m in pool:
            if m.name == name:
                return m.label, m.unit
        raise KeyError(f"{table}.{name}: not declared")
    for o in outcomes():
        if o.name == name:
            return o.label, o.unit
    for d in DERIVED:
        if d.name == name:
            return d.label, d.unit
    for o in survey_outcomes():
        for group, suffix in GROUPS.items():
            if name == f"{o.name}_{suffix}":
                return f"{o.label}, group {group}", o.unit
    return label_unit(name, "timeseries")


def derive(raw: pd.DataFrame, per_year: list[str]) -> pd.DataFrame:
    """The summary from the SQL result: sums scaled per year, ratios, derived values.

    Args:
        raw: Identity of each run and the aggregates of its tables (sums over the recorded
            days, ``days_recorded``).
        per_year: Columns that are sums over the recorded days (scaled to one year).
    """
    scale = 365.0 / raw["days_recorded"].clip(lower=1)
    out = raw.copy()
    for c in per_year:
        out[c] = raw[c].astype(float) * scale
    for o in outcomes():
        if o.over_days == "ratio":
            out[o.name] = raw[ratio_part(o, "num")] / raw[ratio_part(o, "den")].clip(lower=1)
    out = out.drop(columns=[c for c in out if c.startswith(_HIDDEN)])
    for d in DERIVED:
        out[d.name] = d.compute(raw, out)
    return out


_HIDDEN = "__"


def ratio_part(o: Outcome, part: str) -> str:
    """Column of the SQL result holding a ratio outcome's numerator or denominator sum."""
    return f"{_HIDDEN}{part}_{o.name}"
