"""Funding cuts reach partners; voice judges whether it got better; transparency follows action.

Small cases computed by hand (issue 10, items 4-6).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import tiny_config

from cspsim.model import CommunitySafetyModel
from cspsim.model.budget import allocate
from cspsim.model.day import Day

F32 = 1e-6


# --------------------------------------------------------------------------- funding cuts


def test_a_cut_is_shared_by_components_and_officer_hours_by_hand():
    costs = {"a": 100.0, "b": 200.0}
    # Across the board (exposure 1): every line loses 30%, officer money (1000 - 300) · 0.7.
    b = allocate(700.0, costs, 50.0, 100.0, equal_budget=True, cut=0.3, cut_exposure=1.0)
    assert b.components == {"a": pytest.approx(70.0), "b": pytest.approx(140.0)}
    assert b.officer_hours == pytest.approx(490.0 / 50.0)
    assert b.funded == {"a": pytest.approx(0.7), "b": pytest.approx(0.7)}
    assert b.spent == pytest.approx(700.0)
    # Partnership work cut first (exposure 2): components lose 60%.
    b = allocate(700.0, costs, 50.0, 100.0, equal_budget=True, cut=0.3, cut_exposure=2.0)
    assert b.funded == {"a": pytest.approx(0.4), "b": pytest.approx(0.4)}
    assert b.officer_hours == pytest.approx((700.0 - 120.0) / 50.0)
    # Shielded (exposure 0): the old rule, officer-hours take the whole cut.
    b = allocate(700.0, costs, 50.0, 100.0, equal_budget=True, cut=0.3, cut_exposure=0.0)
    assert b.funded == {"a": 1.0, "b": 1.0} and b.officer_hours == pytest.approx(8.0)
    # No cut: unchanged.
    b = allocate(1000.0, costs, 50.0, 100.0, equal_budget=True)
    assert b.funded == {"a": 1.0, "b": 1.0} and b.officer_hours == 14.0


def liaison_model(fraction: float) -> CommunitySafetyModel:
    overrides = ["strategy.business_partnership.engaged=1"]
    if fraction > 0:
        overrides += ["modifiers.funding_cut.day=0", f"modifiers.funding_cut.fraction={fraction}"]
    cfg = tiny_config(overrides=overrides)
    cfg.params.costs.cut_exposure = 1.0
    return CommunitySafetyModel(cfg)


def test_a_cut_shrinks_liaison_joint_work_and_partnership_strength_by_hand():
    gains = {}
    for fraction in (0.0, 0.5):
        m = liaison_model(fraction)
        m.run_stage("start", Day(0))
        d = Day(0)
        m.run_stage("budget", d)
        assert d.funded_share("business_partnership") == pytest.approx(1.0 - fraction)
        engaged = m.component("business_partnership").partners_engaged
        assert len(engaged) > 0
        pt, pp = m.partners, m.params.partners
        s0 = pt.strength[engaged].copy()
        m.run_stage("work", d)
        m.run_stage("partners", d)
        decay = math.log(2.0) / pp.strength_half_life_days
        expected = (
            s0
            + pp.strength_gain * (1.0 - fraction) * (1.0 - s0)
            - decay * (s0 - pp.baseline_strength)
        )
        np.testing.assert_allclose(pt.strength[engaged], expected, rtol=1e-12)
        gains[fraction] = float((pt.strength[engaged] - s0).mean())
    assert gains[0.5] == pytest.approx(0.5 * gains[0.0])


def test_a_cut_holds_fewer_meetings_and_weakens_partners_over_a_run():
    def run(fraction: float):
        overrides = ["sim.days=60", "strategy.meetings.per_month=10"]
        if fraction:
            overrides += [
                "modifiers.funding_cut.day=0",
                f"modifiers.funding_cut.fraction={fraction}",
            ]
        m = CommunitySafetyModel(tiny_config("full_partnership", overrides=overrides))
        m.run()
        return m.partners.strength.mean()

    assert run(0.6) < run(0.0)


# --------------------------------------------------------------------------- voice


def test_acting_without_improvement_earns_the_unimproved_credit_by_hand():
    cfg = tiny_config("community_policing")
    vp = cfg.params.voice
    vp.attendance, vp.meeting_trust_gain, vp.meeting_engagement_gain = 0.05, 0.0, 0.0
    vp.attendance_engagement_effect = vp.attendance_trust_effect = 0.0
    vp.attendance_tenure_effect = 0.0  # everyone equally likely to attend: share = 0.05
    vp.responsiveness_trust_gain, vp.ignored_trust_loss = 0.04, 0.04
    vp.acted_presence_ratio, vp.unimproved_credit = 1.5, 0.25
    m = CommunitySafetyModel(cfg)
    m.run_stage("start", Day(0))
    meet = m.component("meetings")
    nb = m.city.neighbourhood
    better, same, ignored = np.flatnonzero(nb == 0)[:3]
    raised = [better, same, ignored]
    meet.raised[raised] = True
    meet.presence_at_raise[raised] = 1.0
    meet.presence_recent[raised] = [2.0, 2.0, 1.0]  # acted, acted, ignored
    meet.level_at_raise[raised] = [2.0, -1.0, 2.0]  # fell; did not fall; (ignored anyway)
    r = m.residents
    r.trust[:] = 0.4
    who = nb[m.world.place_index] == 0
    d = Day(5)
    meet.meet(np.arange(m.city.n_neighbourhoods) == 0, 0.0, d)
    assert sorted(d.acted_places.tolist()) == sorted([better, same])
    assert d.improved_places.tolist() == [better]
    # gain: 0.05 · 0.04 · (1 + 0.25) of (1 - 0.4), then loss: 0.05 · 0.04 of the new trust.
    t = 0.4 + 0.05 * 0.04 * 1.25 * 0.6
    t -= 0.05 * 0.04 * t
    np.testing.assert_allclose(r.trust[who], t, rtol=F32)
    np.testing.assert_array_equal(r.trust[~who], np.float32(0.4))


def test_improvement_earns_more_trust_than_acting_alone():
    def gain(level_at_raise: float) -> float:
        cfg = tiny_config("community_policing")
        vp = cfg.params.voice
        vp.meeting_trust_gain = 0.0
        vp.acted_presence_ratio, vp.unimproved_credit = 1.5, 0.5
        m = CommunitySafetyModel(cfg)
        m.run_stage("start", Day(0))
        meet = m.component("meetings")
        place = int(np.flatnonzero(m.city.neighbourhood == 0)[0])
        meet.raised[place] = True
        meet.presence_at_raise[place], meet.presence_recent[place] = 1.0, 2.0
        meet.level_at_raise[place] = level_at_raise
        t0 = m.residents.trust.copy()
        meet.meet(np.arange(m.city.n_neighbourhoods) == 0, 0.0, Day(5))
        return float((m.residents.trust - t0).sum())

    improved, unimproved = gain(2.0), gain(-1.0)
    assert unimproved > 0
    assert unimproved == pytest.approx(0.5 * improved, rel=1e-3)


# --------------------------------------------------------------------------- transparency


def reported(review_complaints: bool, recorded_scale: float | None = None):
    """A report after complaints against officers of active beats; trust before and after."""
    overrides = [f"strategy.feedback_channel.review_complaints={str(review_complaints).lower()}"]
    m = CommunitySafetyModel(tiny_config("full_partnership", overrides=overrides))
    m.run_stage("start", Day(0))
    force = m.police.force
    active = np.flatnonzero(m.partnership.active_beats[force.beat])
    force.complaints[active[:2]] += 3
    meet = m.component("meetings")
    if recorded_scale is not None:
        rec = np.zeros_like(m.partnership.recorded_since_review)
        rec[:, 0] = np.arange(m.world.n_places, dtype=float)
        m.partnership.recorded_since_review = rec * recorded_scale
    if review_complaints:
        m.component("feedback_channel").review(Day(90))
    t0 = m.residents.trust.copy()
    meet.publish(Day(90))
    return m, meet, t0


def test_a_report_whose_complaints_were_reviewed_gains_trust_by_hand():
    m, meet, t0 = reported(True)
    rep = meet.reports[-1]
    assert rep["complaints"] == 6 and rep["complaints_acted"] == 6
    assert rep["problems"] == 0 and rep["kpi_places"] == 0 and rep["direction"] == 1.0
    r = m.residents
    tg = m.params.accountability.transparency_trust_gain
    act = m.partnership.active_places[m.world.place_index]
    expected = t0 + tg * r.engagement * (1.0 - t0)
    np.testing.assert_allclose(r.trust[act], expected[act], rtol=F32)
    np.testing.assert_array_equal(r.trust[~act], t0[~act])
    m2, meet2, t2 = reported(False)
    assert meet2.reports[-1]["complaints_acted"] == 0 and meet2.reports[-1]["direction"] == -1.0
    assert (m.residents.trust - t0).sum() > 0 > (m2.residents.trust - t2).sum()


def test_recorded_crime_rising_or_falling_does_not_move_the_report():
    changes = []
    for scale in (0.2, 1.0, 5.0):  # crime fell, stayed, rose since the last report
        m, meet, t0 = reported(True, recorded_scale=scale)
        assert meet.reports[-1]["kpi_places"] > 0
        changes.append(m.residents.trust - t0)
    np.testing.assert_array_equal(changes[0], changes[1])
    np.testing.assert_array_equal(changes[0], changes[2])


def test_published_hot_places_count_as_acted_on_where_treated_or_priority_rose():
    m, meet, _ = reported(True, recorded_scale=1.0)
    ps = m.partnership
    n = max(1, round(0.1 * int(ps.active_places.sum())))
    top = ps.top_places(ps.recorded_since_review.sum(axis=1), n)
    first = meet.reports[-1]
    assert first["kpi_places"] == n
    # No review has moved priorities yet: only places under treatment count as acted on.
    assert first["kpi_places_acted"] == m.targeted_places()[top].sum()
    ps.priority[top] += 1.0  # the review moves resources toward the published hot places
    meet.publish(Day(180))
    assert meet.reports[-1]["kpi_places_acted"] == n
