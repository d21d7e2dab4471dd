"""The legitimacy core on small cases computed by hand, and its consequences in whole runs.

Trust = belief + recent + peer; recent experience fades and is partly written into the
belief, more if bad; ties hear of contacts; legal cynicism follows belief; newcomers; what
trust does (arrests, compliance, reporting); voice, complaints, transparency, partners.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import run_results, tiny_config
from test_mechanisms import F32, no_offences, path_model

from cspsim.model import CommunitySafetyModel
from cspsim.model.day import Day
from cspsim.model.processes import arrests, contacts, policing
from cspsim.model.processes.partners import Partners


def quiet(cfg):
    """No newcomers, no area effect, no word of mouth: one mechanism at a time."""
    lp = cfg.params.legitimacy
    lp.mobility_per_year = 0.0
    lp.area_safety_effect = 0.0
    cfg.params.social.influence_rate = 0.0
    return cfg


def settle(m, days: int = 1) -> None:
    for _ in range(days):
        m.legitimacy.settle(np.ones(m.n_places))


# --------------------------------------------------------------------------- fade and learn


def test_recent_experience_fades_and_is_learned_faster_when_bad():
    m = path_model(quiet(tiny_config()))
    r, leg = m.residents, m.legitimacy
    belief0 = r.trust_belief.copy()
    r.trust_recent[:] = 0.0
    r.trust_recent[0], r.trust_recent[1] = -0.1, 0.1
    settle(m)
    fade = math.log(2) / 180.0
    q = 0.3
    learn_bad = fade * q / (1 - q)
    learn_good = math.log(2) / 1825.0
    assert r.trust_belief[0] == pytest.approx(belief0[0] - learn_bad * 0.1, abs=F32)
    assert r.trust_belief[1] == pytest.approx(belief0[1] + learn_good * 0.1, abs=F32)
    assert r.trust_recent[0] == pytest.approx(-0.1 * (1 - fade - learn_bad), rel=1e-5)
    assert r.trust_recent[1] == pytest.approx(0.1 * (1 - fade - learn_good), rel=1e-5)
    # Trust is belief + recent + peer.
    np.testing.assert_allclose(
        r.trust, np.clip(r.trust_belief + r.trust_recent + r.trust_peer, 0, 1), atol=F32
    )
    assert leg.learn_bad > 4 * leg.learn_good


def test_a_bad_experience_leaves_its_permanent_share_in_the_belief():
    m = path_model(quiet(tiny_config()))
    r = m.residents
    belief0 = float(r.trust_belief[0])
    r.trust_recent[:] = 0.0
    r.trust_recent[0] = -0.1
    settle(m, 3000)
    # Geometric series: learn / (fade + learn) of the experience is written in (q = 0.3).
    assert r.trust_belief[0] - belief0 == pytest.approx(-0.1 * 0.3, rel=1e-3)
    assert abs(r.trust_recent[0]) < 1e-6


def test_cynicism_follows_neighbourhood_distrust():
    m = path_model(quiet(tiny_config()))
    leg, r = m.legitimacy, m.residents
    c0 = leg.cynicism.copy()
    np.testing.assert_allclose(
        c0,
        [1 - r.trust_belief[r.place < 2].mean(), 1 - r.trust_belief[r.place == 2].mean()],
        rtol=1e-6,
    )
    r.trust_belief[r.place == 2] = 0.1  # neighbourhood n1 comes to distrust the police
    settle(m)
    rate = math.log(2) / 3650.0
    assert leg.cynicism[1] == pytest.approx(c0[1] + rate * (0.9 - c0[1]), rel=1e-6)
    assert leg.cynicism[0] == pytest.approx(c0[0], rel=1e-6)


def test_newcomers_bring_their_kind_shifted_by_the_frame():
    cfg = tiny_config()
    cfg.params.legitimacy.area_safety_effect = 0.0
    cfg.params.social.influence_rate = 0.0
    m = path_model(cfg)
    leg, r = m.legitimacy, m.residents
    r.trust_recent[:] = 0.0
    own = leg.own_belief.copy()
    r.trust_belief[:] = 0.2
    leg.cynicism[:] = leg.cynicism0 + 0.1  # the neighbourhood grew more cynical
    settle(m)
    mu = 0.11 / 365
    arrival = own - 0.7 * 0.1
    np.testing.assert_allclose(r.trust_belief, 0.2 + mu * (arrival - 0.2), atol=1e-6)


def test_vicarious_contacts_reach_ties_more_where_cynicism_is_high():
    cfg = quiet(tiny_config())
    m = path_model(cfg)
    w, r, leg = m.world, m.residents, m.legitimacy
    n = r.n
    # Resident 0 is tied to residents 1 (place 0) and 120 (place 2, neighbourhood n1).
    ties = sp.csr_matrix((np.ones(4, np.float32), ([0, 1, 0, 120], [1, 0, 120, 0])), shape=(n, n))
    w.set_ties(ties)
    r.trust[[1, 120]] = 0.5
    leg.cynicism[:] = [0.2, 0.6]
    leg.contacts(np.array([0]), np.array([True]))
    t0 = r.trust.copy()
    from cspsim.model.processes.social import word_of_mouth

    word_of_mouth(w, leg, np.ones(m.n_places))
    k = 30.0
    loss = 0.15 * 0.5 * 0.3 / k  # negative loss x vicarious weight x share heard / k
    assert r.trust[1] == pytest.approx(t0[1] - loss * (1 + 0.2) * 0.5, rel=1e-5)
    assert r.trust[120] == pytest.approx(t0[120] - loss * (1 + 0.6) * 0.5, rel=1e-5)
    assert r.trust[2] == t0[2]  # not a tie


# --------------------------------------------------------------------------- what trust does


def test_arrest_chance_rises_with_witness_trust_and_falls_with_cynicism():
    cfg = tiny_config()
    cfg.params.police.arrest_probability = [0.5, 0.5, 0.5, 0.5]
    cfg.params.police.witness_trust_effect = 1.0
    cfg.params.police.cynicism_arrest_effect = 2.0
    m = path_model(cfg)
    r = m.residents
    n = 40_000
    off = no_offences(n)
    off.recorded[:] = True
    off.victim[:] = 0
    r.trust[0] = m.world.reference_trust + 0.5
    ref_c = 0.3
    cyn = np.full(n, 0.4)
    off.offender = np.zeros(n, np.int64)
    arrests.make_arrests(m.world, m.params, off, cyn, ref_c, np.random.default_rng(0))
    x = 1.0 * (float(r.trust[0]) - m.world.reference_trust) - 2.0 * (0.4 - 0.3)
    p = 1 / (1 + math.exp(-x))
    assert abs(off.arrest.mean() - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_compliance_lowers_offending_pressure_with_trust():
    cfg = tiny_config()
    cfg.params.crime.compliance_trust_effect = 0.5
    m = path_model(cfg)
    r = m.residents
    before = m.crime.offender_pressure().sum()
    ar = m.world.at_risk_index
    r.trust[ar] = r.trust[ar] + 0.2
    after = m.crime.offender_pressure().sum()
    assert after == pytest.approx(before * math.exp(-0.5 * 0.2), rel=1e-5)


# --------------------------------------------------------------------------- contacts


def test_stop_hit_rate_and_outcome_test():
    cfg = tiny_config()
    cp = cfg.params.contacts
    cp.stop_hit_rate, cp.at_risk_hit_ratio = 0.1, 16.0
    m = path_model(cfg)
    p_risk, p_other = m.police.hit_probability
    assert p_risk == pytest.approx(16 * p_other)
    a = float(m.residents.at_risk.mean())
    s = 4 * a / (4 * a + 1 - a)
    assert s * p_risk + (1 - s) * p_other == pytest.approx(0.1)


def test_negative_share_follows_cause_and_group_fairness():
    cfg = tiny_config()
    cp = cfg.params.contacts
    cp.stop_hit_rate, cp.no_cause_negative_ratio = 0.1, 2.0
    cp.negative_probability_stop, cp.group_b_fairness_ratio = 0.25, 1.2
    cp.procedural_justice_skill = 0.0
    cfg.params.police.stops_per_patrol_hour = 1.0
    m = path_model(cfg)
    m.police.force.on_duty[:] = True
    n = 60_000
    shift = policing.ShiftResult(
        np.zeros(3), float(n), 0.0, np.ones(n, dtype=np.int64), np.zeros(n, dtype=np.int32)
    )
    c = contacts.make_contacts(m.police, shift, np.empty(0, np.int64), np.random.default_rng(4))
    g = m.residents.group[c.resident]
    with_cause = 0.25 / (0.1 + 0.9 * 2.0)
    for hit, group, p in (
        (True, 0, with_cause),
        (False, 0, 2 * with_cause),
        (False, 1, 2 * with_cause * 1.2),
    ):
        sel = (c.hit == hit) & (g == group)
        share = c.negative[sel].mean()
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / sel.sum()), (hit, group)


def test_complaints_by_hand():
    cfg = tiny_config()
    ap = cfg.params.accountability
    ap.complaint_probability, ap.rights_education_effect = 0.2, 1.5
    ap.cynicism_complaint_suppression = 1.0
    m = path_model(cfg)
    r = m.residents
    n = 50_000
    who = np.where(np.arange(n) % 2 == 0, 0, 1).astype(np.int64)
    r.rights[[0, 1]] = [0.0, 1.0]
    neg = np.arange(n) % 4 < 2
    c = contacts.Contacts.of(who, np.zeros(n, np.int64), True, neg)
    contacts.file_complaints(m.police, c, np.full(n, 0.5), 2.0, np.random.default_rng(1))
    assert not (c.complaint & ~c.negative).any()  # only the badly treated complain
    for res, rights in ((0, 1.0), (1, 1.5)):
        sel = neg & (who == res)
        p = 0.2 * 2.0 * rights * math.exp(-1.0 * 0.5)
        assert abs(c.complaint[sel].mean() - p) < 4 * math.sqrt(p * (1 - p) / sel.sum())
    assert r.complaints[[0, 1]].sum() == c.complaint.sum()
    assert m.police.force.complaints[0] == c.complaint.sum()


def test_unanswered_calls_share():
    callers = np.arange(10_000)
    ok, missed = policing.answer_calls(callers, 0.7, np.random.default_rng(2))
    assert len(ok) + len(missed) == 10_000 and abs(len(ok) / 10_000 - 0.7) < 0.02
    ok, missed = policing.answer_calls(callers, 1.0, np.random.default_rng(2))
    assert len(missed) == 0


def test_response_time_grows_with_load_by_hand():
    cfg = tiny_config()
    cfg.params.police.response_base_minutes = 10.0
    lp = cfg.params.legitimacy
    lp.response_expected_minutes, lp.slow_response_loss = 12.0, 0.03
    p = cfg.params
    # Load 3 call-hours / 8 officer-hours: 10 / (1 - 0.375) = 16 minutes.
    assert policing.response_minutes(p, 3.0, 8.0) == pytest.approx(16.0)
    assert policing.response_minutes(p, 0.0, 8.0) == pytest.approx(10.0)
    # Beyond the cap (0.95) the queue stops growing: the rest go unanswered.
    assert policing.response_minutes(p, 20.0, 8.0) == pytest.approx(200.0)
    # 16 minutes against 12 expected: 1/3 late, 0.03 / 3 of trust lost; capped at twice.
    assert policing.slow_response_share(p, 16.0) == pytest.approx(0.01)
    assert policing.slow_response_share(p, 11.0) == 0.0
    assert policing.slow_response_share(p, 60.0) == pytest.approx(0.03)


def test_slow_response_costs_answered_callers_trust_by_hand():
    """The contacts stage: answered callers lose trust in proportion to the lateness."""
    from cspsim.model.budget import DailyBudget

    cfg = quiet(tiny_config())
    cfg.params.contacts.negative_trust_loss = 0.0  # the contact itself moves nothing
    cfg.params.police.call_hours = 1.0
    cfg.params.police.response_base_minutes = 10.0
    lp = cfg.params.legitimacy
    lp.response_expected_minutes, lp.slow_response_loss = 10.0, 0.03
    m = path_model(cfg)
    r = m.residents
    callers = np.array([0, 5, 40])
    trust0 = r.trust.copy()
    d = Day(0)
    d.offences, d.other_calls, d.arrestees = no_offences(), callers, np.empty(0, np.int64)
    d.budget = DailyBudget(1000.0, 8.0, 100.0)
    empty = np.empty(0, np.int64)
    d.shift = policing.ShiftResult(np.zeros(3), 0.0, 3.0, empty, empty)
    m.run_stage("contacts", d)
    # 3 call-hours on 8 officer-hours: 16 minutes, 0.6 late: each loses 0.018 / k of trust.
    assert d.response_minutes == pytest.approx(16.0)
    k = m.residents_per_agent
    np.testing.assert_allclose(r.trust[callers], trust0[callers] * (1 - 0.018 / k), rtol=F32)
    others = np.setdiff1d(np.arange(r.n), callers)
    np.testing.assert_array_equal(r.trust[others], trust0[others])


# --------------------------------------------------------------------------- voice


def test_meeting_attendance_is_selective_and_averages_the_sourced_share():
    cfg = tiny_config("community_policing")
    vp = cfg.params.voice
    vp.attendance, vp.attendance_engagement_effect = 0.01, 2.0
    vp.attendance_trust_effect, vp.attendance_tenure_effect = 1.0, 0.0
    m = CommunitySafetyModel(cfg)
    r = m.residents
    meet = m.component("meetings")
    share = meet.attendance(np.arange(r.n))
    assert share.mean() == pytest.approx(0.01, rel=1e-6)
    i, j = 0, 1
    expected = math.exp(2.0 * (r.engagement[i] - r.engagement[j]) + 1.0 * (r.trust[i] - r.trust[j]))
    assert share[i] / share[j] == pytest.approx(expected, rel=1e-5)


def judged_meeting(acted_presence: float):
    """Two problems raised in neighbourhood 0, judged at its next meeting."""
    cfg = tiny_config("community_policing")
    vp = cfg.params.voice
    vp.responsiveness_trust_gain, vp.ignored_trust_loss = 0.05, 0.05
    vp.acted_presence_ratio = 1.5
    m = CommunitySafetyModel(cfg)
    m.run_stage("start", Day(0))
    meet = m.component("meetings")
    nb = m.city.neighbourhood
    raised = np.flatnonzero(nb == 0)[:2]
    meet.raised[raised] = True
    meet.presence_at_raise[raised] = 1.0
    meet.presence_recent[raised] = acted_presence
    who = np.flatnonzero(nb[m.world.place_index] == 0)
    t0 = m.residents.trust[who].mean()
    d = Day(5)
    meet.meet(np.arange(m.city.n_neighbourhoods) == 0, 0.0, d)  # voice 0: nothing new steers
    return m, meet, raised, d, m.residents.trust[who].mean() - t0


def test_problems_acted_on_raise_attendees_trust_and_ignored_ones_cost_it():
    m, meet, raised, d, change = judged_meeting(acted_presence=2.0)
    assert sorted(d.acted_places.tolist()) == sorted(raised.tolist())
    assert not meet.raised[raised].any()  # judged once
    assert change > 0
    m, meet, raised, d, change = judged_meeting(acted_presence=1.0)
    assert len(d.acted_places) == 0 and change < 0


def test_transparency_follows_what_was_acted_on():
    cfg = tiny_config("full_partnership")
    m = CommunitySafetyModel(cfg)
    m.run_stage("start", Day(0))
    meet = m.component("meetings")
    r = m.residents
    t0 = r.trust.copy()
    meet.judged_since_report, meet.acted_since_report = 4, 4
    meet.publish(Day(90))
    assert (r.trust >= t0).all() and (r.trust > t0).any()
    t1 = r.trust.copy()
    meet.judged_since_report, meet.acted_since_report = 4, 0
    meet.publish(Day(180))
    assert (r.trust <= t1).all() and (r.trust < t1).any()
    t2 = r.trust.copy()
    meet.publish(Day(270))  # nothing judged since: nothing to report
    np.testing.assert_array_equal(r.trust, t2)


# --------------------------------------------------------------------------- partners


def test_partnership_strength_grows_with_joint_work_and_decays_without():
    m = path_model()
    pt: Partners = m.partners
    pp = m.params.partners
    assert len(pt.kind) >= 1 and np.allclose(pt.strength, pp.baseline_strength)
    pt.strength[:] = 0.5
    pt.work_with([0])
    pt.update()
    decay = math.log(2) / pp.strength_half_life_days
    assert pt.strength[0] == pytest.approx(0.5 + pp.strength_gain * 0.5 - decay * (0.5 - 0.1))
    if len(pt.kind) > 1:
        assert pt.strength[1] == pytest.approx(0.5 - decay * 0.4)


def test_place_managers_guard_commercial_places_above_baseline_effort():
    m = path_model()
    pt = m.partners
    assert pt.guardianship() is None  # at baseline strength: no change from the data
    pt.kind[0] = "business_association"
    pt.is_business[0] = True  # what Partners.add keeps with the kind
    pt.commercial[:] = [1.0, 0.5, 0.0]
    pt.place[0] = 0
    pt.strength[0] = 1.0
    factor = pt.guardianship()[:, 0]
    pp = m.params.partners
    assert factor[0] == pytest.approx(
        math.exp(-pp.place_manager_effect * (1 - pp.manager_base_effort))
    )
    np.testing.assert_allclose(factor[1:], 1.0)


# --------------------------------------------------------------------------- whole runs


def test_baseline_trust_is_stationary():
    cfg = tiny_config(overrides=["sim.days=240", "sim.burn_in_days=60"])
    ts = run_results(cfg).timeseries
    start, end = ts["mean_trust"][:30].mean(), ts["mean_trust"][-30:].mean()
    assert abs(end - start) < 0.005


def test_zero_tolerance_costs_and_community_policing_earns_long_run_trust():
    over = ["sim.days=300"]
    base = run_results(tiny_config("reactive", overrides=over)).timeseries
    zt = run_results(tiny_config("zero_tolerance", overrides=over)).timeseries
    cp = run_results(tiny_config("community_policing", overrides=over)).timeseries
    end = slice(-30, None)
    assert zt["mean_trust"][end].mean() < base["mean_trust"][end].mean() - 0.01
    assert zt["mean_trust_belief"][end].mean() < base["mean_trust_belief"][end].mean()
    assert cp["mean_trust"][end].mean() > base["mean_trust"][end].mean() + 0.005
    assert cp["mean_trust_belief"][end].mean() > base["mean_trust_belief"][end].mean()


def test_outcome_test_shows_bias_in_hit_rates():
    """Knowles, Persico & Todd 2001: stopping group B on less cause lowers its hit rate."""

    def hits(bias: float) -> tuple[float, float]:
        over = ["sim.days=150", f"params.contacts.group_stop_bias={bias}"]
        ts = run_results(tiny_config("zero_tolerance", overrides=over)).timeseries
        return np.nanmean(ts["hit_rate_group_a"]), np.nanmean(ts["hit_rate_group_b"])

    _, b0 = hits(0.0)
    _, b1 = hits(2.0)
    assert b1 < 0.95 * b0


@pytest.mark.parametrize("city", ["columbus", "sf2012"])
def test_voice_moves_officer_hours_across_beats(city):
    """With voice, residents' concerns move foot patrol to the places they raised."""

    def presence(voice: float) -> np.ndarray:
        from cspsim.api import make_config

        cfg = make_config(
            city=city,
            strategy="community_policing",
            seed=3,
            days=60,
            overrides=[
                "sim.burn_in_days=10",
                "strategy.meetings.per_month=4",
                f"strategy.meetings.voice={voice}",
            ],
        )
        places = run_results(cfg).places
        return places.groupby("place_id", sort=True)["patrol_hours"].sum().to_numpy()

    silent, heard = presence(0.0), presence(1.0)
    share_moved = 0.5 * np.abs(heard / heard.sum() - silent / silent.sum()).sum()
    assert share_moved > 0.05  # at least 5% of patrol hours went elsewhere


def _shock_deficits(city: str, days: int, window: int, over: list[str]) -> dict:
    """Trust, belief and expected-reporting deficits (no shock minus shock) late in a run.

    Each strategy runs with and without a misconduct shock on day 20 (common random
    numbers). Reporting is the expected share of the day's violent and property offences
    reported (the victims' reporting probabilities): the realized share adds the noise of
    each report's coin flip, far larger than the difference between strategies here.
    """
    from cspsim.api import make_config
    from cspsim.model.processes.reporting import report_probability

    def late(strategy: str, shock: bool) -> np.ndarray:
        extra = ["modifiers.misconduct_shock.day=20", "modifiers.misconduct_shock.trust_drop=0.5"]
        cfg = make_config(
            city=city, strategy=strategy, seed=5, days=days, overrides=over + (extra * shock)
        )
        m = CommunitySafetyModel(cfg)
        m.run(0)
        rows = []
        for day in range(days):
            m.run(1)
            if day >= days - window:
                off = m.last_day.offences
                victims = off.kind < 2
                reporting = report_probability(m.world, off.victim[victims], off.kind[victims])
                r = m.residents
                rows.append((r.trust.mean(), r.trust_belief.mean(), reporting.mean()))
        return np.mean(rows, axis=0)

    return {s: late(s, False) - late(s, True) for s in ("reactive", "full_partnership")}


def test_partnership_closes_a_misconduct_trust_and_reporting_deficit_faster():
    """A shock leaves a scar in belief under reactive policing; a partnership closes it faster.

    Seeded regression on Columbus over two years: a partnership's positive contacts, meetings
    and events move trust more where it is lower (gains scale with 1 - trust), so the scar
    heals with positive evidence; the gap between strategies grows with time (about 13% of
    the deficit by the third year on San Francisco).

    The reporting deficit (victims' reporting probabilities, which follow their trust) closes
    faster too, in step with trust: in the last 180 days the partnership's deficits are 0.90
    (reporting), 0.90 (trust) and 0.89 (belief) of reactive policing's (seed 5). An earlier
    model gave 0.73 for reporting against 0.86 for trust; with residential stability in
    collective efficacy and its effect re-derived (2.4) the three ratios agree, as the
    mechanism (reporting follows the victims' trust) implies.
    """
    d = _shock_deficits("columbus", 730, 180, ["sim.burn_in_days=60"])
    reactive, partnership = d["reactive"], d["full_partnership"]
    assert reactive[1] > 0.02  # the belief keeps a scar under reactive policing
    assert reactive[2] > 0.005  # and victims report less
    assert partnership[0] < 0.95 * reactive[0]
    assert partnership[1] < 0.95 * reactive[1]
    assert partnership[2] < 0.95 * reactive[2]  # the reporting deficit closes faster


@pytest.mark.slow
def test_partnership_closes_a_misconduct_reporting_deficit_faster():
    """The reporting deficit a shock leaves under reactive policing closes faster in a
    partnership (San Francisco at 1 agent per 50 residents, years 2 and 3).

    The difference is small (about 5% of the deficit, following the trust deficit's 13%), so
    it is measured on the victims' reporting probabilities, not on single reports.
    """
    d = _shock_deficits("sf2012", 1100, 600, ["sim.burn_in_days=60", "city.residents_per_agent=50"])
    reactive, partnership = d["reactive"], d["full_partnership"]
    assert reactive[2] > 0.01
    assert partnership[2] < 0.98 * reactive[2]
    assert partnership[0] < 0.92 * reactive[0]
