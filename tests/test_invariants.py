"""Invariants that hold for any seed, strategy and (reasonable) parameter draw (hypothesis).

Checked every day of a short run: trust, belief, cynicism, partnership strength, fear and
other shares stay in [0, 1]; counts are never negative; recorded crime never exceeds true
crime; complaints never exceed negative contacts; problems acted on never exceed those
raised; officers are conserved; an equal-budget strategy never spends more than the budget;
the tables agree with each other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import tiny_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspsim.api import collect
from cspsim.city import CRIME_TYPES
from cspsim.model import CommunitySafetyModel
from cspsim.model.measures import MONTH_DAYS
from cspsim.model.processes.policing import VISIT_HOURS
from cspsim.paths import strategy_names

STRATEGIES = strategy_names()
DAYS = 32

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

draws = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 10_000),
        "strategy": st.sampled_from(STRATEGIES),
        "equal_budget": st.booleans(),
        "trust_mean": st.floats(0.05, 0.95),
        "negative_trust_loss": st.floats(0.0, 0.9),
        "asymmetry": st.floats(1.0, 20.0),
        "stop_multiplier": st.floats(0.0, 6.0),
        "group_stop_bias": st.floats(-1.0, 2.0),
        "arrest": st.floats(0.0, 1.0),
        "victim_fear_gain": st.floats(0.0, 1.0),
        "influence_rate": st.floats(0.0, 0.5),
        "funding_cut": st.tuples(st.integers(-1, DAYS), st.floats(0.0, 0.9)),
        "misconduct": st.tuples(st.integers(-1, DAYS), st.floats(0.0, 1.0)),
        "tension": st.floats(0.0, 1.0),
        "residents_per_agent": st.sampled_from([1.0, 7.5, 30.0]),
    }
)


def build(d: dict) -> CommunitySafetyModel:
    cfg = tiny_config(d["strategy"], seed=d["seed"])
    cfg.sim.days = DAYS
    cfg.city.residents_per_agent = d["residents_per_agent"]
    cfg.strategy.equal_budget = d["equal_budget"]
    p = cfg.params
    p.residents.trust_mean = d["trust_mean"]
    p.contacts.negative_trust_loss = d["negative_trust_loss"]
    p.contacts.asymmetry = d["asymmetry"]
    p.contacts.group_stop_bias = d["group_stop_bias"]
    p.police.arrest_probability = [d["arrest"]] * 4
    p.social.victim_fear_gain = d["victim_fear_gain"]
    p.social.influence_rate = d["influence_rate"]
    cfg.strategy.patrol.stop_multiplier = d["stop_multiplier"]
    cfg.modifiers.funding_cut.day, cfg.modifiers.funding_cut.fraction = d["funding_cut"]
    cfg.modifiers.misconduct_shock.day, cfg.modifiers.misconduct_shock.trust_drop = d["misconduct"]
    cfg.modifiers.historical_tension.share = d["tension"]
    return CommunitySafetyModel(cfg)


def check_state(m: CommunitySafetyModel) -> None:
    r = m.residents
    for name in (
        "trust",
        "trust_belief",
        "fear",
        "engagement",
        "education",
        "rights",
        "jailed",
        "program_level",
    ):
        arr = getattr(r, name)
        assert np.all((arr >= 0) & (arr <= 1)), name
        assert np.isfinite(arr).all(), name
    for name, arr in (
        ("cynicism", m.legitimacy.cynicism),
        ("partnership strength", m.partners.strength),
        ("concern", m.partnership.concern),
    ):
        assert np.all((arr >= 0) & (arr <= 1)), name
    assert np.all(r.complaints <= r.negative_contacts)
    assert np.all(r.propensity >= 0)
    for name in ("contacts", "negative_contacts", "victimizations", "arrests"):
        assert np.all(getattr(r, name) >= 0), name
    assert np.all(r.negative_contacts <= r.contacts)
    assert np.all((m.engagement.efficacy >= 0) & (m.engagement.efficacy <= 1))
    assert np.all(m.crime.boost >= 0)
    assert np.all(m.police.presence >= 0)


@SETTINGS
@given(draws)
def test_invariants_hold_every_day(d):
    m = build(d)
    n_officers = m.police.force.n
    check_state(m)
    while m.day < DAYS:
        m.step()
        check_state(m)
        assert m.police.force.n == n_officers
        assert m.police.force.on_duty.sum() <= n_officers
    res = collect(m, 0.0, 0.0)
    check_tables(m, res.timeseries, res.places, res.events, res.survey, d["equal_budget"])


def check_tables(m, ts: pd.DataFrame, places, events, survey, equal_budget: bool) -> None:
    assert ts["day"].tolist() == list(range(DAYS))
    ints = ts.select_dtypes("integer")
    assert (ints >= 0).all().all()
    for col in ("patrol_hours", "call_hours", "officer_hours", "budget", "budget_spent", "jailed"):
        assert (ts[col] >= 0).all(), col
    # Recorded <= true, by type and in total; recorded = reported + discovered.
    assert (ts["crimes_recorded"] <= ts["crimes_true"]).all()
    for t in CRIME_TYPES:
        assert (ts[f"crimes_recorded_{t}"] <= ts[f"crimes_true_{t}"]).all()
    assert (ts["reports"] + ts["discovered"] == ts["crimes_recorded"]).all()
    assert (ts["arrests"] <= ts["crimes_recorded"]).all()
    # Arrests of outsiders count as arrests but belong to no group of residents.
    assert (ts["arrests_group_a"] + ts["arrests_group_b"] <= ts["arrests"]).all()
    assert (ts["victimizations"] <= ts["crimes_true"]).all()
    assert (ts["complaints"] <= ts["contacts_negative"]).all()
    assert (ts["complaints_group_a"] + ts["complaints_group_b"] == ts["complaints"]).all()
    # A problem is judged acted on at most once, after it was raised.
    by_place = places.groupby("place_id", observed=True)
    assert (by_place["concerns_acted"].cumsum() <= by_place["concerns_raised"].cumsum()).all()
    assert (ts["concerns_acted"].cumsum() <= ts["concerns_raised"].cumsum()).all()
    assert (ts["concerns_improved"] <= ts["concerns_acted"]).all()  # judged on acted ones
    rr = ts["reporting_rate"].dropna()
    assert ((rr >= 0) & (rr <= 1)).all()
    for col in (
        "mean_trust",
        "mean_trust_belief",
        "mean_fear",
        "mean_engagement",
        "high_confidence_share",
        "mean_cynicism",
        "mean_partnership_strength",
    ):
        assert ts[col].between(0, 1).all(), col
    # Officers and money.
    shift = m.params.police.shift_hours
    n_officers = m.police.force.n
    assert (ts["officers_on_duty"] <= n_officers).all()
    assert (ts["officer_hours"] <= n_officers * shift + 1e-9).all()
    # Whole patrol visits: each officer on duty rounds its hours up by less than one visit.
    slack = ts["officers_on_duty"] * VISIT_HOURS
    assert (ts["patrol_hours"] + ts["call_hours"] <= ts["officer_hours"] + slack + 1e-9).all()
    assert (ts["call_hours"] <= ts["officer_hours"] + 1e-9).all()
    if equal_budget:
        assert (ts["budget_spent"] <= ts["budget"] * (1 + 1e-12) + 1e-9).all()
    cost = m.params.costs.officer_hour
    assert (ts["budget_spent"] >= ts["officer_hours"] * cost * (1 - 1e-12)).all()
    # The tables agree: events <-> timeseries <-> places.
    if len(events):
        assert (events["recorded"] == (events["reported"] | events["discovered"])).all()
        assert not (events["reported"] & events["discovered"]).any()
        assert not (events["arrest"] & ~events["recorded"]).any()
        # Offenders are at-risk residents, or outsiders (-1).
        local = events["offender"].to_numpy()
        assert m.residents.at_risk[local[local >= 0]].all()
        resident_arrests = (events["arrest"] & (events["offender"] >= 0)).groupby(events["day"])
        by_group = ts.set_index("day")[["arrests_group_a", "arrests_group_b"]].sum(axis=1)
        assert (resident_arrests.sum().reindex(range(DAYS), fill_value=0) == by_group).all()
    per_day = events.groupby("day").size().reindex(range(DAYS), fill_value=0)
    assert per_day.tolist() == ts["crimes_true"].tolist()
    rec_day = events.groupby("day")["recorded"].sum().reindex(range(DAYS), fill_value=0)
    assert rec_day.tolist() == ts["crimes_recorded"].tolist()
    assert places["month"].nunique() == -(-DAYS // MONTH_DAYS)
    assert len(places) == m.n_places * places["month"].nunique()
    assert (places["crimes_recorded"] <= places["crimes_true"]).all()
    for col in ("crimes_true", "crimes_recorded", "patrol_hours"):
        assert places[col].sum() == np.float64(ts[col].sum()) or np.isclose(
            places[col].sum(), ts[col].sum()
        ), col
    for t in CRIME_TYPES:
        assert places[f"crimes_true_{t}"].sum() == ts[f"crimes_true_{t}"].sum()
    # Survey answers are Likert 1-5.
    for col in ("trust", "safety", "satisfaction"):
        assert survey[col].between(1, 5).all(), col
    assert set(survey["group"]) <= {"A", "B"}


def test_invariants_under_extreme_settings():
    """A corner hypothesis rarely hits: everything at its maximum at once."""
    d = {
        "seed": 3,
        "strategy": "full_partnership",
        "equal_budget": True,
        "trust_mean": 0.98,
        "negative_trust_loss": 1.0,
        "asymmetry": 1.0,
        "stop_multiplier": 10.0,
        "group_stop_bias": 3.0,
        "arrest": 1.0,
        "victim_fear_gain": 1.0,
        "influence_rate": 1.0,
        "funding_cut": (5, 0.95),
        "misconduct": (2, 1.0),
        "tension": 1.0,
        "residents_per_agent": 1.0,
    }
    m = build(d)
    while m.day < DAYS:
        m.step()
        check_state(m)
    res = collect(m, 0.0, 0.0)
    check_tables(m, res.timeseries, res.places, res.events, res.survey, True)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_beats=st.integers(1, 6),
    cross_beat=st.sampled_from([0.0, 0.3, 1.0]),
    empty_beat=st.booleans(),
)
def test_vectorized_patrol_draws_equal_visit_by_visit_draws(seed, n_beats, cross_beat, empty_beat):
    """Drawing all visits at once gives each visit the place its own draw would."""
    from cspsim.model.agents import DUTY_MODES
    from cspsim.model.processes.deployment import DeploymentPlan

    rng = np.random.default_rng(seed)
    n_places = 3 * n_beats
    beat_of_place = np.repeat(np.arange(n_beats), 3)
    if empty_beat and n_beats > 1:
        beat_of_place[beat_of_place == n_beats - 1] = 0  # the last beat has no places
    plan = DeploymentPlan(n_places, beat_of_place)
    plan.set("hotspot", rng.random(n_places) * (rng.random(n_places) < 0.7))
    plan.set("community", rng.random(n_places), cross_beat=cross_beat)
    n = 200
    modes = rng.integers(0, len(DUTY_MODES), n)
    beats = rng.integers(0, n_beats, n)
    u = rng.random(n)
    many = plan.draw_many(modes, beats, u)
    one = [
        plan.draw(DUTY_MODES[m], int(b), u[i : i + 1])[0]
        for i, (m, b) in enumerate(zip(modes, beats, strict=True))
    ]
    np.testing.assert_array_equal(many, one)
