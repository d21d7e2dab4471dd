"""Each mechanism on small cases whose answer is computed by hand in the test.

The process functions are called directly on a small model; parameters that enter a hand
computation are set explicitly, so tuning the calibrated defaults does not break these tests.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import tiny_config
from hypothesis import given, settings
from hypothesis import strategies as st

from cspsim.city import City
from cspsim.city.build import make_city
from cspsim.config import RunConfig
from cspsim.model import CommunitySafetyModel
from cspsim.model.agents import PROGRAM_TYPES
from cspsim.model.budget import allocate
from cspsim.model.day import Day
from cspsim.model.processes import arrests, contacts, reporting, social
from cspsim.model.processes.contacts import Contacts
from cspsim.model.processes.deployment import DeploymentPlan
from cspsim.model.processes.engagement import pick_distinct
from cspsim.model.processes.policing import Orders, ShiftResult
from cspsim.model.processes.reporting import Offences
from cspsim.model.processes.survey import likert, survey_wave
from cspsim.model.residents import agents_per_place
from cspsim.model.rng import Streams, _pcg64_seed_state
from cspsim.model.types import DISORDER, DRUGS, PROPERTY, VIOLENT

F32 = 1e-6  # float32 resident state: relative precision ~6e-8, room for a few operations


def path_city(population=(1000.0, 2000.0, 1500.0)) -> City:
    """Three places on a path 0 - 1 - 2; places 0, 1 in neighbourhood n0, place 2 in n1."""
    return make_city(
        name="path",
        label="path",
        place_ids=np.array(["p0", "p1", "p2"]),
        population=np.asarray(population, dtype=float),
        u=np.array([0, 1]),
        v=np.array([1, 2]),
        neighbourhood_labels=np.array(["n0", "n0", "n1"]),
        x=np.array([0.0, 1.0, 2.0]),
        y=np.zeros(3),
        disadvantage=np.array([-1.0, 0.0, 1.0]),
    )


def path_model(cfg: RunConfig | None = None, **kw) -> CommunitySafetyModel:
    """A model on :func:`path_city` (k = 30 people per agent: 33 + 67 + 50 agents)."""
    cfg = cfg if cfg is not None else tiny_config()
    return CommunitySafetyModel(cfg, city=path_city(**kw))


def no_offences(n: int = 0) -> Offences:
    z = np.zeros(n, dtype=bool)
    return Offences(
        np.zeros(n, np.int32),
        np.zeros(n, np.int8),
        np.zeros(n, np.int64),
        z,
        z.copy(),
        z.copy(),
        z,
        np.full(n, -1, np.int64),
    )


def expected(m: CommunitySafetyModel, presence: np.ndarray):
    """Expected offences with no other guardians and efficacy at its start."""
    return m.crime.expected(presence, m.engagement.efficacy_gain(), [], None)


def budget_of_day(m: CommunitySafetyModel, day: int):
    """The budget split the ``budget`` stage makes on ``day``."""
    d = Day(day)
    m.run_stage("budget", d)
    return d.budget


# --------------------------------------------------------------------------- space, people


def test_agents_per_place_largest_remainder():
    # exact 1, 2.5, 3.4, 3.1 (sum 10): floors 1,2,3,3 and the one left goes to the 0.5.
    assert agents_per_place(np.array([10.0, 25.0, 34.0, 31.0]), 10.0).tolist() == [1, 3, 3, 3]
    # exact 0, .6, .6, .6 (sum 1.8 -> 2): stable order among ties; empty place gets none.
    assert agents_per_place(np.array([0.0, 6.0, 6.0, 6.0]), 10.0).tolist() == [0, 1, 1, 0]
    # Total preserved for awkward k.
    pop = np.array([123.0, 456.0, 789.0, 1.0, 0.0])
    counts = agents_per_place(pop, 7.3)
    assert counts.sum() == round(pop.sum() / 7.3)
    assert np.all(np.abs(counts - pop / 7.3) < 1.0)


def test_path_model_layout():
    m = path_model()
    assert m.world.place_count.tolist() == [33, 67, 50]
    assert m.residents.n == 150
    assert np.all(np.diff(m.residents.place) >= 0)  # sorted by place
    assert m.world.place_start.tolist() == [0, 33, 100]
    w = m.world.place_w.toarray()
    np.testing.assert_allclose(w, [[0, 1, 0], [0.5, 0, 0.5], [0, 1, 0]])


def test_pick_residents_at_and_empty_place_falls_back_to_nearest():
    m = path_model(population=(1000.0, 2000.0, 0.0))
    assert m.world.place_count.tolist() == [33, 67, 0]
    assert m.world.populated_place.tolist() == [0, 1, 1]
    got = m.world.pick_residents_at(
        np.array([0, 0, 1, 2, 2]), np.array([0.0, 0.999, 0.5, 0.0, 0.999])
    )
    # place 0: residents 0..32; place 1: 33..99 (floor(0.5 * 67) = 33 -> 66); place 2 -> place 1.
    assert got.tolist() == [0, 32, 66, 33, 99]


def test_resident_agent_is_a_view_on_the_arrays_both_ways(tiny_model):
    m = tiny_model
    agents = list(m.resident_agents.all())
    assert len(agents) == m.residents.n
    a, b = agents[7], agents[11]
    assert a.index == 7 and b.index == 11
    # agent -> array
    a.trust = 0.123
    assert m.residents.trust[7] == np.float32(0.123)
    a.fear = 0.9
    assert m.residents.fear[7] == np.float32(0.9)
    # array -> agent
    m.residents.trust[11] = 0.77
    assert b.trust == np.float32(0.77)
    m.residents.jailed[11] = 0.25
    assert b.jailed == np.float32(0.25)
    # every array is exposed and agrees element-wise
    for name in m.residents.field_names():
        arr = getattr(m.residents, name)
        assert [getattr(x, name) for x in agents[:20]] == arr[:20].tolist()


def test_officer_beats_follow_population_by_largest_remainder(tiny_model):
    m = tiny_model
    n = m.police.force.n
    nb_pop = np.bincount(m.city.neighbourhood, weights=m.city.population)
    exact = nb_pop / nb_pop.sum() * n
    beats = np.bincount(m.police.force.beat, minlength=len(nb_pop))
    assert beats.sum() == n
    assert np.all(np.abs(beats - exact) < 1.0)
    expected_n = math.ceil(m.police.baseline_hours / m.params.police.shift_hours * 1.25)
    assert n == expected_n


def test_historical_tension_lowers_trust_by_the_drop_in_named_neighbourhoods():
    base = CommunitySafetyModel(tiny_config(overrides=["params.social.influence_rate=0"]))
    cfg = tiny_config(
        overrides=[
            "modifiers.historical_tension.neighbourhoods=[nb1]",
            "modifiers.historical_tension.trust_drop=0.2",
            "params.social.influence_rate=0",
        ]
    )
    m = CommunitySafetyModel(cfg)
    hit = m.city.neighbourhood[m.residents.place] == 1
    diff = base.residents.trust - m.residents.trust
    expected = np.where(hit, np.minimum(0.2, base.residents.trust), 0.0)
    np.testing.assert_allclose(diff, expected, atol=F32)
    np.testing.assert_allclose(
        base.residents.trust_belief - m.residents.trust_belief, expected, atol=F32
    )
    # Reporting stays calibrated at the city's trust before the modifier.
    assert m.world.reference_trust == pytest.approx(base.world.reference_trust)


# --------------------------------------------------------------------------- crime


def crime_cfg() -> RunConfig:
    cfg = tiny_config()
    c = cfg.params.crime
    c.near_repeat_branching, c.near_repeat_decay, c.near_repeat_spread = 0.2, 0.1, 0.3
    c.police_deterrence, c.diffusion_of_benefits, c.displacement = 0.05, 0.4, 0.25
    c.offender_travel = 0.3
    c.presence_half_saturation = 2.0
    c.compliance_trust_effect = 0.0  # offending pressure here does not depend on trust
    return cfg


def test_near_repeat_boost_decays_and_spreads_by_hand():
    m = path_model(crime_cfg())
    m.crime.boost = np.zeros((3, 4))
    m.crime.boost[0, VIOLENT] = 1.0
    counts = np.zeros((3, 4), dtype=np.int64)
    counts[2, PROPERTY] = 2
    m.crime.update_boost(counts)
    # Spread (eta = 0.3): place 0 keeps 0.7, sends 0.3 to its only neighbour (place 1);
    # decay (omega = 0.1) keeps 0.9; each offence adds n * omega = 0.2 * 0.1 = 0.02.
    expected = np.zeros((3, 4))
    expected[:, VIOLENT] = [0.63, 0.27, 0.0]
    expected[2, PROPERTY] = 0.04
    np.testing.assert_allclose(m.crime.boost, expected, atol=1e-12)
    m.crime.update_boost(np.zeros((3, 4), dtype=np.int64))
    # Place 1 splits its 0.27 * 0.3 between places 0 and 2; places 0 and 2 send all to 1.
    # b = [0.7*0.63 + 0.3*0.135, 0.7*0.27 + 0.3*0.63, 0.3*0.135] = [0.4815, 0.378, 0.0405]
    np.testing.assert_allclose(
        m.crime.boost[:, VIOLENT], [0.9 * 0.4815, 0.9 * 0.378, 0.9 * 0.0405], atol=1e-12
    )
    # Place 2's property boost: 0.04 -> 0.7 * 0.04 stays, 0.3 * 0.04 to place 1, times 0.9.
    np.testing.assert_allclose(
        m.crime.boost[:, PROPERTY], [0.0, 0.9 * 0.012, 0.9 * 0.028], atol=1e-12
    )
    assert m.crime.boost.sum() == pytest.approx(0.81 + 0.9 * 0.04)


def test_expected_crime_at_reference_presence_is_the_target_rate():
    from cspsim.model.baseline import target_true_rates

    m = path_model(crime_cfg())
    lam, deterred = expected(m, m.police.reference_presence_raw)
    target = target_true_rates(m.world, m.expected_recorded, m.police.reference_presence_raw)
    np.testing.assert_allclose(lam, target, rtol=1e-12)
    np.testing.assert_allclose(deterred, 0.0, atol=1e-15)


def test_police_deterrence_diffusion_and_displacement_by_hand():
    m = path_model(crime_cfg())
    drive = m.crime.mu0 + m.crime.boost  # motivation 1, efficacy at its start
    h = 10.0
    presence = m.police.reference_presence_raw.copy()
    presence[0] += h
    lam, deterred = expected(m, presence)
    d, dob, disp, h0 = 0.05, 0.4, 0.25, 2.0
    ref = m.police.reference_presence  # the baseline's felt presence at each place
    # Felt extra presence: place 0 gets h; place 1 gets dob * (its mean neighbour) = dob*h/2;
    # place 2 (not adjacent to 0) nothing. Deterrence is concave: log(1 + felt/h0) (Koper).
    felt = ref + np.array([h, dob * h / 2, 0.0])
    g = m.world.presence_scale  # hours count per calibration-sized place
    assert g != 1.0  # the path city's places are not sf2012's size: the scale is tested
    police = np.exp(-d * (np.log(1 + felt * g / h0) - np.log(1 + ref * g / h0)))
    assert police[2] == pytest.approx(1.0)
    det = drive * (1 - police)[:, None]
    np.testing.assert_allclose(deterred, det, rtol=1e-12, atol=1e-15)
    # Displacement: place 0's deterred offences all go to place 1; place 1's half to 0, half to 2.
    displaced = disp * np.stack([det[1] / 2, det[0] + det[2], det[1] / 2])
    np.testing.assert_allclose(lam, drive * police[:, None] + displaced, rtol=1e-12)
    assert lam[2].sum() > drive[2].sum()  # displacement into the untreated place


def test_offender_pressure_and_incapacitation_by_hand():
    m = path_model(crime_cfg())
    r = m.residents
    before = m.crime.offender_pressure()
    ar = m.world.at_risk_index
    i = int(ar[r.place[ar] == 0][0])
    r.jailed[i] = 0.5
    after = m.crime.offender_pressure()
    drop = 0.5 * float(r.propensity[i])
    tau = 0.3
    # Own place loses (1 - tau) of it; travel sends tau to the only neighbour (place 1).
    np.testing.assert_allclose(
        before - after, np.outer([(1 - tau) * drop, tau * drop, 0.0], np.ones(4)), atol=1e-6
    )
    motivation = m.crime.motivation()
    ratio = after / m.crime.pressure0
    np.testing.assert_allclose(motivation, 0.2 + 0.8 * ratio, rtol=1e-12)


def test_arrest_incapacitates_and_deters():
    """Ties do not lose trust here: they hear of the arrest as a negative contact (vicarious)."""
    cfg = tiny_config()
    cfg.params.crime.incapacitation_days = [120.0, 45.0, 5.0, 30.0]
    cfg.params.crime.specific_deterrence = 0.05
    m = path_model(cfg)
    r = m.residents
    i = int(m.world.at_risk_index[0])
    ties = m.world.ties.indices[m.world.ties.indptr[i] : m.world.ties.indptr[i + 1]]
    assert len(ties) > 0
    jailed0, prop0, trust0 = float(r.jailed[i]), float(r.propensity[i]), r.trust.copy()
    off = no_offences(1)
    off.kind[:] = VIOLENT
    off.recorded[:] = True
    off.arrest = np.array([True])
    off.offender[:] = i
    arrests.apply_arrests(m.world, m.params, m.jail, off, np.array([i]))
    k = 30.0
    assert r.jailed[i] == pytest.approx(jailed0 + 120.0 / 60.0 / k, rel=F32)
    assert r.propensity[i] == pytest.approx(prop0 * (1 - 0.05 / k), rel=F32)
    assert r.arrests[i] == 1
    np.testing.assert_array_equal(r.trust, trust0)


def test_arrests_only_for_recorded_offences_and_fall_on_the_offender():
    cfg = tiny_config()
    cfg.params.police.arrest_probability = [0.999999, 0.999999, 0.999999, 0.999999]
    m = path_model(cfg)
    off = no_offences(6)
    off.place[:] = [0, 1, 2, 0, 1, 2]
    off.recorded[:] = [True, True, True, False, False, False]
    cyn = np.zeros(6)
    off.offender = m.world.pick_offender(
        off.place, off.kind, np.random.default_rng(1).random(6), m.crime.offender_weights
    )
    arrestee = arrests.make_arrests(m.world, m.params, off, cyn, 0.0, np.random.default_rng(0))
    assert off.arrest.tolist() == [True, True, True, False, False, False]
    # The arrestee is the offence's offender: an at-risk resident, of its own place if any.
    np.testing.assert_array_equal(arrestee, off.offender[:3])
    assert m.residents.at_risk[arrestee].all()
    home = m.residents.place[arrestee]
    has_local = m.world.ar_count[[0, 1, 2]] > 0
    assert np.all(home[has_local] == np.array([0, 1, 2])[has_local])


def test_arrestee_is_drawn_by_how_much_each_resident_offends():
    """At a place with two at-risk residents offending 3:1, 3 in 4 arrests fall on the first."""
    m = path_model(tiny_config())
    w = m.world
    place = int(np.flatnonzero(w.ar_count >= 2)[0])
    first = w.ar_start[place]
    a, b = w.at_risk_index[first], w.at_risk_index[first + 1]
    weights = np.zeros((len(w.at_risk_index), 4))
    weights[first, VIOLENT] = 3.0
    weights[first + 1, VIOLENT] = 1.0
    weights[first + 1, PROPERTY] = 1.0  # offends only in property crime for the first
    n = 20_000
    u = np.random.default_rng(1).random(n)
    places = np.full(n, place)
    violent = w.pick_offender(places, np.full(n, VIOLENT), u, weights)
    assert set(np.unique(violent)) == {a, b}
    share = float((violent == a).mean())
    assert abs(share - 0.75) < 4 * math.sqrt(0.75 * 0.25 / n)
    prop = w.pick_offender(places, np.full(n, PROPERTY), u, weights)
    assert set(np.unique(prop)) == {b}
    # Nobody at the place offends in this type: an at-risk resident nearby, as before.
    none = w.pick_offender(places[:10], np.full(10, DISORDER), u[:10], weights)
    assert m.residents.at_risk[none].all()


def test_watch_multiplier_by_hand():
    cfg = tiny_config()
    cfg.params.crime.watch_effect = 0.28
    cfg.params.engagement.watch_participation = 0.8
    cfg.params.residents.engagement_mean = 0.25
    cfg.params.engagement.watch_trust_effect = 0.0
    m = path_model(cfg)
    r = m.residents
    watch = m.component("watch")
    assert watch.guardianship() is None  # no watch: no factor (1 everywhere)
    r.engagement[r.place == 0] = 0.5  # 2x the mean: participation 0.8 * 1.5 capped at 1
    r.engagement[r.place == 1] = 0.125  # half the mean: participation 0.4
    watch.covered[[0, 1]] = 1.0
    mult = watch.guardianship()
    expected = np.ones((3, 4))
    expected[0, [PROPERTY, DISORDER]] = math.exp(-0.28)
    expected[1, [PROPERTY, DISORDER]] = math.exp(-0.28 * 0.4)
    np.testing.assert_allclose(mult, expected, rtol=1e-6)


def test_responder_coverage_fills_highest_weight_places_first():
    m = path_model()
    resp = m.component("responders")
    resp.strength = np.array([0.0, 0.0, 0.34, 0.2])
    need_base = np.array([1.0, 2.0, 0.5])  # expected low-level incidents; need = 2 h each
    resp.coverage = resp._coverage(5.0, np.array([0.1, 0.5, 0.2]), need_base)
    # Order 1 (needs 4 h), 2 (1 h), 0 (2 h): 5 hours cover places 1 and 2 fully.
    np.testing.assert_allclose(resp.coverage, [0.0, 1.0, 1.0])
    resp.coverage = resp._coverage(3.0, np.array([0.1, 0.5, 0.2]), need_base)
    np.testing.assert_allclose(resp.coverage, [0.0, 0.75, 0.0])
    mult = resp.guardianship()
    np.testing.assert_allclose(mult[1], [1.0, 1.0, 1 - 0.75 * 0.34, 1 - 0.75 * 0.2])
    np.testing.assert_allclose(mult[0], 1.0)
    resp.coverage = resp._coverage(0.0, np.ones(3), need_base)
    np.testing.assert_allclose(resp.coverage, 0.0)


# --------------------------------------------------------------------------- reporting


def reporting_cfg() -> RunConfig:
    cfg = tiny_config()
    rp = cfg.params.reporting
    rp.base_probability = [0.4, 0.3, 0.25, 0.05]
    rp.trust_effect, rp.education_effect = 2.0, 0.5
    rp.discovery_per_hour = [0.01, 0.004, 0.02, 0.03]
    return cfg


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_report_probability_is_logistic_in_trust_and_education():
    m = path_model(reporting_cfg())
    r = m.residents
    ref = m.world.reference_trust
    r.trust[0], r.education[0] = ref + 0.25, 0.0
    r.trust[1], r.education[1] = ref, 1.0
    r.trust[2], r.education[2] = ref, 0.0
    t0 = float(r.trust[0])
    p = reporting.report_probability(m.world, np.array([0, 1, 2, 2]), np.array([0, 1, 1, 3]))
    logit = lambda q: math.log(q / (1 - q))  # noqa: E731
    assert p[0] == pytest.approx(logistic(logit(0.4) + 2.0 * (t0 - ref)))
    assert p[1] == pytest.approx(logistic(logit(0.3) + 0.5))
    assert p[2] == pytest.approx(0.3)  # at baseline trust: the base probability
    assert p[3] == pytest.approx(0.05)


def test_report_frequency_matches_probability():
    m = path_model(reporting_cfg())
    r = m.residents
    r.trust[r.place == 1] = m.world.reference_trust - 0.3
    n = 20_000
    places = np.ones(n, dtype=np.int32)
    kind = np.full(n, VIOLENT, dtype=np.int8)
    off = reporting.report(m.world, places, kind, np.random.default_rng(5))
    t = float(r.trust[r.place == 1][0])
    p = logistic(math.log(0.4 / 0.6) + 2.0 * (t - m.world.reference_trust))
    assert np.all(r.place[off.victim] == 1)
    assert abs(off.reported.mean() - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert np.array_equal(off.recorded, off.reported)
    assert not off.discovered.any() and not off.arrest.any()


def test_discovery_probability_by_hand():
    m = path_model(reporting_cfg())
    m.run_stage("start", Day(0))
    n = 20_000
    off = no_offences(2 * n)
    off.place[:n] = 0
    off.place[n:] = 2
    off.kind[:] = PROPERTY
    off.reported[::10] = True  # reported offences are not "discovered"
    off.recorded = off.reported.copy()
    presence = np.array([50.0, 0.0, 0.0])
    reporting.discover(m.params, off, presence, 1.0, np.random.default_rng(1), 1.0)
    assert not (off.discovered & off.reported).any()
    assert not off.discovered[n:].any()  # no police at place 2: nothing found
    p = 1 - math.exp(-0.004 * 50.0)
    unreported = ~off.reported[:n]
    share = off.discovered[:n][unreported].mean()
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / unreported.sum())
    assert np.array_equal(off.recorded, off.reported | off.discovered)


def test_order_maintenance_multiplies_low_level_discovery_only():
    cfg = reporting_cfg()
    cfg.strategy.patrol.disorder_discovery_multiplier = 3.0
    m = path_model(cfg)
    m.run_stage("start", Day(0))
    mult = m.police.policy.disorder_discovery
    n = 20_000
    for kind, rate in ((DISORDER, 0.02 * 3.0), (DRUGS, 0.03 * 3.0), (VIOLENT, 0.01)):
        off = no_offences(n)
        off.kind[:] = kind
        presence = np.array([10.0, 0.0, 0.0])
        reporting.discover(m.params, off, presence, mult, np.random.default_rng(kind), 1.0)
        p = 1 - math.exp(-rate * 10.0)
        assert abs(off.discovered.mean() - p) < 4 * math.sqrt(p * (1 - p) / n), kind


def test_presence_is_counted_in_hours_at_a_place_of_the_calibration_size():
    """sf2012 (805,235 residents in 579 places) is the unit; a city of places four times as
    populous has each officer-hour count a quarter."""
    from cspsim.model.world import CALIBRATION_PLACE_RESIDENTS, presence_scale

    assert presence_scale(805_235.0, 579) == 1.0  # exactly: its results are unchanged
    assert presence_scale(4 * CALIBRATION_PLACE_RESIDENTS * 10, 10) == pytest.approx(0.25)
    assert presence_scale(0.0, 5) == 1.0 and presence_scale(100.0, 0) == 1.0
    n = 20_000
    off = no_offences(n)
    off.kind[:] = PROPERTY
    presence = np.array([10.0, 0.0, 0.0])
    m = path_model(reporting_cfg())
    reporting.discover(m.params, off, presence, 1.0, np.random.default_rng(3), 0.25)
    p = 1 - math.exp(-0.004 * 10.0 * 0.25)
    assert abs(off.discovered.mean() - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_deterrence_reads_presence_per_calibration_sized_place():
    """Half the officer-hours at places of half the size deter as much: the same expected
    offences (hours and the reference presence halved, the scale doubled)."""
    m = CommunitySafetyModel(tiny_config())
    crime = m.crime
    presence = crime.reference_presence * np.linspace(0.2, 3.0, m.world.n_places)
    gain = np.zeros(m.world.n_places)
    lam, deterred = crime.expected(presence, gain, [], None)
    assert deterred.sum() > 0  # presence above the reference somewhere deters
    crime.reference_presence = crime.reference_presence / 2
    m.world.presence_scale *= 2
    lam2, deterred2 = crime.expected(presence / 2, gain, [], None)
    np.testing.assert_allclose(lam2, lam, rtol=1e-12)
    np.testing.assert_allclose(deterred2, deterred, rtol=1e-12)


@pytest.mark.parametrize("strategy", ["reactive", "zero_tolerance"])
def test_discovery_does_not_depend_on_how_finely_the_city_is_cut(strategy):
    """The same 20,000 residents on 50 or 200 places: patrol found about four times as
    many of the unreported drug offences per offence on the coarse cut (officer-hours per
    place grow with its residents) before presence was counted per calibration-sized
    place."""
    shares = []
    for places in (50, 200):
        cfg = tiny_config(
            strategy,
            overrides=[
                "city.residents=20000",
                f"city.places={places}",
                "city.neighbourhood_size=10",
                "sim.days=60",
                "sim.record_events=true",
            ],
        )
        m = CommunitySafetyModel(cfg)
        m.run()
        ev = m.recorder.events()
        drugs = ev[(ev["crime_type"] == "drugs") & ~ev["reported"]]
        assert len(drugs) > 300
        shares.append(drugs["discovered"].mean())
    coarse, fine = shares
    assert 0.75 < coarse / fine < 1.33, shares


# --------------------------------------------------------------------------- contacts


def contact_cfg() -> RunConfig:
    cfg = tiny_config()
    c = cfg.params.contacts
    c.negative_trust_loss, c.asymmetry = 0.15, 8.0
    c.negative_probability_stop, c.negative_probability_call = 0.35, 0.1
    c.procedural_justice_skill, c.procedural_justice_mitigation = 0.3, 0.6
    c.at_risk_stop_ratio, c.group_stop_bias = 4.0, 0.0
    return cfg


def test_contact_asymmetry_negative_and_positive_by_hand():
    m = path_model(contact_cfg())
    r = m.residents
    r.trust[[0, 1, 2]] = [0.6, 0.4, 0.5]
    c = Contacts(
        resident=np.array([0, 1, 2, 2]),
        officer=np.array([0, 1, -1, 0]),
        police_initiated=np.array([True, False, True, True]),
        negative=np.array([True, False, True, True]),
        stop=np.array([True, False, True, True]),
        hit=np.zeros(4, bool),
    )
    k = 30.0
    contacts.apply_contacts(m.police, m.legitimacy, c)
    assert r.trust[0] == pytest.approx(0.6 - 0.15 / k * 0.6, rel=F32)
    assert r.trust[1] == pytest.approx(0.4 + 0.15 / 8.0 / k * 0.6, rel=F32)
    # Two negative contacts on one day both count (from the morning's trust).
    assert r.trust[2] == pytest.approx(0.5 - 2 * 0.15 / k * 0.5, rel=F32)
    assert r.contacts[[0, 1, 2]].tolist() == [1, 1, 2]
    assert r.negative_contacts[[0, 1, 2]].tolist() == [1, 0, 2]
    assert m.police.force.contacts[[0, 1]].tolist() == [2, 1]  # officer -1 is nobody
    # At trust 1/2 a negative contact moves trust `asymmetry` times a positive one.
    r.trust[[3, 4]] = 0.5
    contacts.apply_contacts(
        m.police,
        m.legitimacy,
        Contacts.of(np.array([3, 4]), np.array([0, 0]), True, np.array([True, False])),
    )
    assert (0.5 - r.trust[3]) / (r.trust[4] - 0.5) == pytest.approx(8.0, rel=1e-3)


def test_negative_contact_share_with_procedural_justice_by_hand():
    cfg = contact_cfg()
    cfg.params.police.stops_per_patrol_hour = 1.0
    cfg.params.contacts.no_cause_negative_ratio = 1.0  # stops alike whatever they find
    m = path_model(cfg)
    m.police.force.on_duty[:] = True
    n = 20_000
    shift = ShiftResult(
        presence=np.zeros(3),
        patrol_hours=float(n),
        call_hours=0.0,
        visit_place=np.ones(n, dtype=np.int64),
        visit_officer=np.zeros(n, dtype=np.int32),
    )
    callers = np.arange(n) % m.residents.n
    c = contacts.make_contacts(m.police, shift, callers, np.random.default_rng(3))
    stops = c.police_initiated
    assert abs(stops.sum() - n) < 4 * math.sqrt(n)  # Poisson(1) per visit-hour
    assert np.all(m.residents.place[c.resident[stops]] == 1)
    assert (~stops).sum() == n and np.array_equal(c.resident[~stops], callers)
    for mask, base in ((stops, 0.35), (~stops, 0.10)):
        p = base * (1 - 0.6 * 0.3)
        share = c.negative[mask].mean()
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / mask.sum())


@pytest.mark.parametrize("which", ["at_risk", "group"])
def test_stop_selection_by_rejection_sampling_by_hand(which):
    cfg = contact_cfg()
    if which == "group":
        cfg.params.contacts.at_risk_stop_ratio = 1.0
        cfg.params.contacts.group_stop_bias = math.log(4.0)
    m = path_model(cfg)
    r = m.residents
    flag = r.at_risk if which == "at_risk" else r.group == 1
    at = r.place == 1
    s = flag[at].mean()
    assert 0 < s < 1
    n = 40_000
    chosen = contacts.choose_stopped(
        m.world, m.params, np.ones(n, dtype=np.int64), np.random.default_rng(2).random((n, 9))
    )
    # Weight 4 for flagged, 1 otherwise, max 4: a candidate is accepted with probability
    # A = (4s + 1 - s)/4; accepted candidates are flagged with prob 4s/(4s + 1 - s); after
    # 4 rounds without acceptance the first uniform pick stands (flagged with prob s).
    a = (4 * s + 1 - s) / 4
    q = (1 - a) ** 4
    p = (1 - q) * 4 * s / (4 * s + 1 - s) + q * s
    share = flag[chosen].mean()
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / n)


def test_victimization_fear_and_unresolved_report_trust_by_hand():
    cfg = tiny_config()
    sp_ = cfg.params.social
    sp_.victim_fear_gain, sp_.victim_trust_loss, sp_.vicarious_fear_gain = 0.3, 0.05, 0.03
    cfg.params.legitimacy.resolved_report_gain = 0.0
    m = path_model(cfg)
    r = m.residents
    v = 5
    ties = m.world.ties
    tv = ties.indices[ties.indptr[v] : ties.indptr[v + 1]]
    # w: a resident unrelated to v (neither tied to v nor sharing a tie with v).
    w = next(
        j
        for j in range(m.residents.n)
        if j != v
        and j not in tv
        and not np.intersect1d(ties.indices[ties.indptr[j] : ties.indptr[j + 1]], tv).size
    )
    assert len(tv) and v not in tv
    fear0, trust0 = r.fear.copy(), r.trust.copy()
    off = no_offences(3)
    off.kind[:] = [VIOLENT, DRUGS, PROPERTY]
    off.victim[:] = [v, w, w]
    off.reported[:] = [True, True, True]
    off.arrest = np.array([False, False, True])  # w's property offence was resolved
    social.apply_victimization(m.world, m.legitimacy, off)
    k = 30.0
    assert r.fear[v] == pytest.approx(fear0[v] + 0.3 / k * (1 - fear0[v]), rel=F32)
    assert r.trust[v] == pytest.approx(trust0[v] * (1 - 0.05 / k), rel=F32)
    assert r.victimizations[[v, w]].tolist() == [1, 1]  # the drugs offence has no victim
    assert r.trust[w] == trust0[w]  # resolved: no trust lost
    np.testing.assert_allclose(r.fear[tv], fear0[tv] + 0.03 / k * (1 - fear0[tv]), rtol=F32)


def friedkin_johnsen_model() -> CommunitySafetyModel:
    cfg = tiny_config()
    sp_ = cfg.params.social
    sp_.influence_rate, sp_.fear_relaxation = 0.1, 0.02
    sp_.local_crime_fear = 0.5
    cfg.params.legitimacy.mobility_per_year = 0.0
    cfg.params.legitimacy.area_safety_effect = 0.0
    m = path_model(cfg)
    n = m.residents.n
    # Ties 0-1 and 1-2 only; everyone else isolated.
    ties = sp.csr_matrix((np.ones(4, np.float32), ([0, 1, 1, 2], [1, 0, 2, 1])), shape=(n, n))
    w = m.world
    w.set_ties(ties)
    r = m.residents
    r.trust_belief[:4] = [0.2, 0.5, 0.9, 0.5]
    r.trust_recent[:] = 0.0
    r.trust_peer[:] = 0.0
    r.trust[:] = r.trust_belief
    r.fear[:4] = [0.1, 0.4, 0.7, 0.3]
    r.fear_disposition[:4] = [0.2, 0.4, 0.5, 0.3]
    return m


def test_word_of_mouth_one_day_by_hand():
    m = friedkin_johnsen_model()
    r = m.residents
    social.word_of_mouth(m.world, m.legitimacy, m.crime.crime_ratio())
    # trust' = t + 0.1 (mean of ties - t): the peer part; the belief does not move.
    np.testing.assert_allclose(r.trust[:4], [0.23, 0.505, 0.86, 0.5], atol=F32)
    np.testing.assert_allclose(r.trust_peer[:4], [0.03, 0.005, -0.04, 0.0], atol=F32)
    np.testing.assert_allclose(r.trust_belief[:4], [0.2, 0.5, 0.9, 0.5], atol=F32)
    # fear' = f + 0.1 (mean of ties - f) + 0.02 (disposition - f) (crime at its baseline)
    np.testing.assert_allclose(r.fear[:4], [0.132, 0.4, 0.666, 0.3], atol=F32)


def test_word_of_mouth_settles_to_its_fixed_point_without_consensus():
    m = friedkin_johnsen_model()
    r = m.residents
    for _ in range(3000):
        social.word_of_mouth(m.world, m.legitimacy, m.crime.crime_ratio())
        m.legitimacy.settle(np.ones(m.n_places))
    s, f = 0.1, math.log(2) / 180.0
    w = np.array([[0, 1, 0], [0.5, 0, 0.5], [0, 1, 0]])
    a = np.array([0.2, 0.5, 0.9])
    # Per day: P <- (1 - f)(P + s (W T - T)) with T = A + P, so at rest
    # ((s + f - s f) I - s (1 - f) W) P = s (1 - f) (W - I) A.
    lhs = (s + f - s * f) * np.eye(3) - s * (1 - f) * w
    peer = np.linalg.solve(lhs, s * (1 - f) * (w - np.eye(3)) @ a)
    np.testing.assert_allclose(r.trust[:3], a + peer, atol=2e-4)
    np.testing.assert_allclose(r.trust_belief[:3], a, atol=1e-6)  # talk is not experience
    assert np.ptp(a + peer) > 0.02  # no consensus: opinions stay anchored in beliefs
    assert r.trust[3] == pytest.approx(0.5, abs=1e-6)  # isolated: own belief


def test_fear_anchor_follows_local_crime():
    m = friedkin_johnsen_model()
    r = m.residents
    i = 120  # a place-2 resident with no ties
    assert r.place[i] == 2 and not m.world.has_ties[i]
    r.fear[i], r.fear_disposition[i] = 0.3, 0.3
    m.crime.recent[2] = 1.2 * m.crime.baseline_total[2]
    social.word_of_mouth(m.world, m.legitimacy, m.crime.crime_ratio())
    # Anchor: disposition + local_crime_fear * (crime ratio - 1) = 0.3 + 0.5 * 0.2.
    assert r.fear[i] == pytest.approx(0.3 + 0.02 * (0.4 - 0.3), rel=F32)
    # Far above baseline the shift is capped (ratio - 1 at most 2) and the anchor at 1.
    r.fear[i] = 0.3
    m.crime.recent[2] = 9.0 * m.crime.baseline_total[2]
    social.word_of_mouth(m.world, m.legitimacy, m.crime.crime_ratio())
    assert r.fear[i] == pytest.approx(0.3 + 0.02 * (1.0 - 0.3), rel=F32)


# --------------------------------------------------------------------------- deployment, budget


def test_deployment_plan_draws_follow_weights():
    plan = DeploymentPlan(4, np.array([0, 0, 1, 1]))
    plan.set("hotspot", np.array([1.0, 0.0, 3.0, 0.0]))
    np.testing.assert_allclose(plan.weights("hotspot"), [0.25, 0.0, 0.75, 0.0])
    # Inverse CDF: [0, .25) -> 0, [.25, 1) -> 2; zero-weight places are never drawn.
    got = plan.draw("hotspot", 0, np.array([0.0, 0.1, 0.2499, 0.25, 0.9999]))
    assert got.tolist() == [0, 0, 0, 2, 2]
    u = (np.arange(10_000) + 0.5) / 10_000
    freq = np.bincount(plan.draw("hotspot", 0, u), minlength=4) / len(u)
    np.testing.assert_allclose(freq, [0.25, 0.0, 0.75, 0.0], atol=1e-4)
    # Unknown mode falls back to uniform random patrol.
    np.testing.assert_allclose(plan.weights("nope"), 0.25)
    assert plan.draw("random", 0, np.array([0.0, 0.3, 0.6, 0.99])).tolist() == [0, 1, 2, 3]
    # Community: within the officer's beat, by the beat's own weights.
    plan.set("community", np.array([1.0, 3.0, 1.0, 1.0]))
    assert plan.draw("community", 0, np.array([0.2, 0.3])).tolist() == [0, 1]
    assert plan.draw("community", 1, np.array([0.4, 0.6])).tolist() == [2, 3]
    # All-zero weights: uniform.
    plan.set("problem_solving", np.zeros(4))
    np.testing.assert_allclose(plan.weights("problem_solving"), 0.25)


def test_shifts_conserve_officers_and_split_calls_and_patrol():
    cfg = tiny_config()
    cfg.params.police.shift_hours, cfg.params.police.call_hours = 8.0, 1.0
    m = CommunitySafetyModel(cfg)
    police, force = m.police, m.police.force
    n = force.n

    def run_shifts(hours: float, calls: int):
        orders = Orders(n_on=police.officers_on_full_shift(hours))
        return police.run_shifts(hours, calls, orders, np.random.default_rng(0))

    shift = run_shifts(8.0 * 3 + 4.0, 6)
    assert force.on_duty.sum() == 4  # three full shifts and one partial one
    assert sorted(force.duty_rank[force.on_duty].tolist()) == [0, 1, 2, 3]
    assert len(police.officers) == n
    assert shift.call_hours == 6.0
    # 22 patrol hours in whole visits (each officer rounds its share up or down).
    assert abs(shift.patrol_hours - 22.0) <= 4
    assert shift.presence.sum() == shift.patrol_hours
    assert set(np.unique(shift.visit_officer)) <= set(np.flatnonzero(force.on_duty))
    # More calls than hours: all hours on calls, no patrol.
    shift = run_shifts(16.0, 100)
    assert shift.call_hours == 16.0 and shift.patrol_hours == 0.0


def test_budget_allocate_splits_by_hand():
    b = allocate(1000.0, {"a": 100.0, "b": 200.0}, 50.0, 100.0, equal_budget=True)
    assert b.officer_hours == 14.0 and b.spent == 1000.0
    # Components want more than 90% of the budget: scaled down to 90%, officers keep the
    # rest (once none: 30 meetings a month took every officer-hour).
    b = allocate(1000.0, {"a": 1500.0, "b": 500.0}, 50.0, 100.0, equal_budget=True)
    assert b.components == pytest.approx({"a": 675.0, "b": 225.0})
    assert b.officer_hours == pytest.approx(2.0) and b.spent == pytest.approx(1000.0)
    assert b.funded == pytest.approx({"a": 0.45, "b": 0.45})
    b = allocate(1000.0, {"a": 950.0}, 50.0, 100.0, equal_budget=True)
    assert b.components == pytest.approx({"a": 900.0}) and b.officer_hours == pytest.approx(2.0)
    # The force's size caps the hours: money left unspent.
    b = allocate(1000.0, {}, 10.0, 20.0, equal_budget=True)
    assert b.officer_hours == 20.0 and b.spent == 200.0
    # On top of the budget: full hours plus the components.
    b = allocate(1000.0, {"a": 300.0}, 50.0, 100.0, equal_budget=False)
    assert b.officer_hours == 20.0 and b.spent == 1300.0 and b.budget == 1300.0
    b = allocate(-5.0, {}, 50.0, 100.0, equal_budget=True)
    assert b.officer_hours == 0.0 and b.spent == 0.0


def test_strategy_budget_pays_meetings_out_of_patrol_hours():
    cfg = tiny_config("community_policing")
    cfg.strategy.meetings.per_month = 1.5
    cfg.params.costs.meeting = 1500.0
    cfg.params.costs.officer_hour = 110.0
    m = CommunitySafetyModel(cfg)
    base = budget_of_day(m, 0)
    assert base.components == {} and base.spent == pytest.approx(m.baseline_budget)
    m.run_stage("start", Day(0))
    b = budget_of_day(m, 0)
    meetings = 1.5 / 30.0 * m.city.n_neighbourhoods * 1500.0
    assert b.components == {"meetings": pytest.approx(meetings)}
    assert b.officer_hours == pytest.approx((m.baseline_budget - meetings) / 110.0)
    assert b.spent == pytest.approx(m.baseline_budget)


def test_funding_cut_and_misconduct_shock():
    cfg = tiny_config(
        overrides=[
            "modifiers.funding_cut.day=10",
            "modifiers.funding_cut.fraction=0.25",
            "modifiers.misconduct_shock.day=3",
            "modifiers.misconduct_shock.trust_drop=0.1",
            "modifiers.misconduct_shock.neighbourhoods=[nb0]",
            "params.legitimacy.cynicism_amplification=0",
            "params.legitimacy.vicarious_weight=0",
        ]
    )
    m = CommunitySafetyModel(cfg)
    assert m.budget_today(9) == m.baseline_budget
    assert m.budget_today(10) == pytest.approx(0.75 * m.baseline_budget)
    trust0 = m.residents.trust.copy()
    m.run_stage("events", Day(2))
    np.testing.assert_array_equal(m.residents.trust, trust0)
    m.run_stage("events", Day(3))
    hit = m.city.neighbourhood[m.residents.place] == 0
    np.testing.assert_allclose(m.residents.trust[hit], trust0[hit] * 0.9, rtol=F32)
    np.testing.assert_array_equal(m.residents.trust[~hit], trust0[~hit])


def shock_model(neighbourhoods: str, vicarious: float, amplification: float):
    """Path model with a misconduct shock (trust_drop 0.2) on day 3; one channel at a time."""
    cfg = tiny_config(
        overrides=[
            "modifiers.misconduct_shock.day=3",
            "modifiers.misconduct_shock.trust_drop=0.2",
            f"modifiers.misconduct_shock.neighbourhoods={neighbourhoods}",
            f"params.legitimacy.vicarious_weight={vicarious}",
            f"params.legitimacy.cynicism_amplification={amplification}",
        ]
    )
    return path_model(cfg)


def test_misconduct_shock_spreads_through_ties_by_hand():
    """Exposure outside the hit neighbourhood is vicarious_weight x the share of one's ties
    living there (no cynicism amplification)."""
    m = shock_model("[n0]", vicarious=0.5, amplification=0.0)
    r = m.residents
    # Resident 100 (place 2, n1) has ties to 0 (n0) and 101 (n1); 101 knows only 100.
    rows, cols = np.array([100, 0, 100, 101]), np.array([0, 100, 101, 100])
    ties = sp.csr_matrix((np.ones(4, np.float32), (rows, cols)), shape=(r.n, r.n))
    m.world.set_ties(ties)
    trust0 = r.trust.copy()
    m.run_stage("events", Day(3))
    in_n0 = r.place < 2
    # n0: exposure 1, trust x 0.8; resident 100: half its ties in n0 -> 0.5 x 0.5 = 0.25,
    # drop 0.2 x 0.25 = 0.05; 101 and the rest of n1 heard nothing.
    np.testing.assert_allclose(r.trust[in_n0], trust0[in_n0] * 0.8, rtol=F32)
    assert r.trust[100] == pytest.approx(trust0[100] * 0.95, rel=F32)
    rest = np.flatnonzero(~in_n0)[1:]
    np.testing.assert_array_equal(r.trust[rest], trust0[rest])


def test_misconduct_shock_amplified_by_cynicism_by_hand():
    """Drop x (1 + cynicism_amplification x (C_n - C_ref)), everywhere hit, no tie spread."""
    m = shock_model("[]", vicarious=0.0, amplification=1.0)
    r, leg = m.residents, m.legitimacy
    leg.cynicism[:] = [0.5, 0.2]
    leg.reference_cynicism = 0.3
    trust0 = r.trust.copy()
    m.run_stage("events", Day(3))
    in_n0 = r.place < 2
    # n0: 0.2 x (1 + 0.2) = 0.24 lost; n1: 0.2 x (1 - 0.1) = 0.18 lost.
    np.testing.assert_allclose(r.trust[in_n0], trust0[in_n0] * 0.76, rtol=F32)
    np.testing.assert_allclose(r.trust[~in_n0], trust0[~in_n0] * 0.82, rtol=F32)


# --------------------------------------------------------------------------- programs, engagement


def test_program_ramp_and_fade_levels_by_hand():
    cfg = tiny_config()
    pp = cfg.params.programs
    pp.ramp_days, pp.duration_days, pp.fade_half_life_days = 4.0, 6.0, 2.0
    pp.youth_jobs_effect = [0.4, 0.0, 0.1, 0.0]
    m = CommunitySafetyModel(cfg)
    r = m.residents
    i = int(m.world.at_risk_index[0])
    r.program[i], r.program_since[i], r.program_level[i] = PROGRAM_TYPES.index("youth_jobs"), 0, 0
    levels = []
    for day in range(9):
        m.programs.update_levels(day)
        levels.append(float(r.program_level[i]))
    # Enrolled on days 0-5 (+1/4 a day, capped at 1), then halving every 2 days.
    h = 0.5**0.5
    np.testing.assert_allclose(levels, [0.25, 0.5, 0.75, 1, 1, 1, h, 0.5, 0.5 * h], rtol=1e-6)
    assert m.programs.enrolled_count(5) == 1 and m.programs.enrolled_count(6) == 0
    eff = m.programs.effect_by_type(np.array([i]))
    np.testing.assert_allclose(eff[0], np.array([0.4, 0.0, 0.1, 0.0]) * 0.5 * h, rtol=1e-6)


def test_program_capacity_and_enrolment_from_the_catchment():
    cfg = tiny_config("root_causes")
    cfg.strategy.programs.youth_jobs_share = 0.5
    cfg.strategy.programs.job_training_share = 0.0
    cfg.params.costs.youth_jobs_place_day = 10.0
    m = CommunitySafetyModel(cfg)
    m.run(1)  # burn-in, then day 0: organizations open and enrol
    orgs = [o for o in m.organizations if o.kind == "youth_jobs"]
    capacity = int(0.5 * m.baseline_budget / 10.0 / m.residents_per_agent)
    assert sum(o.capacity for o in orgs) == capacity
    assert len(orgs) == max(1, min(m.city.n_neighbourhoods, capacity // 25))
    r = m.residents
    for o in orgs:
        assert len(o.enrolled) <= o.capacity
        assert r.at_risk[o.enrolled].all()
        assert np.all(m.city.neighbourhood[r.place[o.enrolled]] == o.neighbourhood)
        assert np.all(r.program[o.enrolled] == PROGRAM_TYPES.index("youth_jobs"))
    # Programs are paid from the budget (equal budget).
    b = budget_of_day(m, 1)
    assert b.components["programs"] == pytest.approx(sum(o.budget for o in orgs))
    assert b.spent <= b.budget * (1 + 1e-12)


class _Draws:
    """A stand-in for the run's streams: each ``get(...).random(n)`` returns the next value
    of ``values`` n times."""

    def __init__(self, *values: float) -> None:
        self.values = list(values)

    def get(self, name, day=None):
        return self

    def random(self, n: int) -> np.ndarray:
        return np.full(n, self.values.pop(0))


def test_program_uptake_rises_with_trust_by_hand():
    cfg = tiny_config("root_causes")
    cfg.strategy.programs.youth_jobs_share = 0.5
    cfg.strategy.programs.job_training_share = 0.0
    cfg.params.costs.youth_jobs_place_day = 10.0
    cfg.params.programs.uptake, cfg.params.programs.trust_uptake_effect = 0.75, 2.0
    m = CommunitySafetyModel(cfg)
    m.run(1)  # organizations open on day 0
    progs, r = m.programs, m.residents
    ref = m.world.reference_trust
    # Odds 3 at the reference trust, times e^(2 x 0.5) for 0.5 above it, e^-1 below it.
    r.trust[:2] = np.float32([ref + 0.5, ref - 0.5])
    p = progs.uptake_probability(np.array([0, 1]))
    hand = [3 * math.e / (1 + 3 * math.e), 3 / math.e / (1 + 3 / math.e)]
    np.testing.assert_allclose(p, hand, rtol=F32)
    org = next(o for o in m.organizations if o.kind == "youth_jobs")
    r.program[org.enrolled] = -1
    org.enrolled = org.enrolled[:0]
    progs.declined[:] = False  # day 0's offers forgotten
    pool = m.world.at_risk_in_neighbourhood(org.neighbourhood)
    pool = pool[(r.jailed[pool] < 0.5) & (r.program[pool] < 0)]
    high = pool[::2]
    r.trust[pool] = np.float32(ref - 0.5)
    r.trust[high] = np.float32(ref + 0.5)  # p = 0.89 (others 0.52)
    # Equal Gumbel draws: offers by engagement; uniforms 0.6: only the trusting take up.
    progs.streams = _Draws(0.5, 0.6)
    progs.enrol(org)
    offered = pool[np.argsort(-r.engagement[pool], kind="stable")[: org.capacity]]
    assert sorted(org.enrolled) == sorted(np.intersect1d(offered, high))
    assert sorted(np.flatnonzero(progs.declined)) == sorted(np.setdiff1d(offered, high))
    # Declined places stay free; tomorrow's offers skip those who declined.
    progs.streams = _Draws(0.5, 0.0)
    progs.enrol(org)
    assert not np.intersect1d(org.enrolled, np.flatnonzero(progs.declined)).size


def test_meetings_raise_trust_and_engagement_by_hand():
    cfg = tiny_config()
    vp = cfg.params.voice
    vp.attendance, vp.meeting_trust_gain, vp.meeting_engagement_gain = 0.05, 0.05, 0.04
    vp.attendance_engagement_effect = vp.attendance_trust_effect = 0.0
    vp.attendance_tenure_effect = 0.0  # everyone equally likely to attend: share = 0.05
    m = path_model(cfg)
    r = m.residents
    r.trust[:] = 0.4
    r.engagement[:] = 0.5
    held = m.component("meetings").meet(np.array([False, True]), voice=0.5)  # n1 = place 2
    at2 = r.place == 2
    np.testing.assert_allclose(r.trust[at2], 0.4 + 0.05 * 0.05 * 0.6, rtol=F32)
    np.testing.assert_allclose(r.engagement[at2], 0.5 + 0.05 * 0.04 * 0.5, rtol=F32)
    assert np.all(r.trust[~at2] == np.float32(0.4))
    assert held == 1
    concern = m.partnership.concern
    assert concern[2] > 0 and np.all(concern[:2] == 0)


def test_education_campaign_and_efficacy_update_by_hand():
    cfg = tiny_config()
    cfg.params.engagement.education_engagement_gain = 0.002
    cfg.params.engagement.efficacy_rate = 0.01
    m = path_model(cfg)
    r = m.residents
    eng0 = r.engagement.copy()
    campaign = m.component("education")
    campaign.params.intensity = 0.365
    m.partnership.active_places = np.array([True, False, True])
    campaign.campaign(Day(0))
    on = r.place != 1
    np.testing.assert_allclose(r.education[on], 0.001, rtol=F32)
    assert np.all(r.education[~on] == 0)
    np.testing.assert_allclose(
        r.engagement[on], eng0[on] + 0.002 * 0.365 * (1 - eng0[on]), rtol=F32
    )
    np.testing.assert_array_equal(r.engagement[~on], eng0[~on])


def efficacy_case():
    """Path model with the efficacy target's inputs set by hand (one value per place)."""
    cfg = tiny_config()
    ep = cfg.params.engagement
    ep.efficacy_ties_weight, ep.efficacy_engagement_weight = 0.5, 0.4
    ep.efficacy_stability_weight, ep.efficacy_police_weight = 0.2, 0.1
    ep.efficacy_crime_erosion, ep.efficacy_rate = 0.1, 0.01
    m = path_model(cfg)
    r, eng = m.residents, m.engagement
    place = r.place
    r.trust[:] = np.array([0.6, 0.4, 0.5], np.float32)[place]
    r.engagement[:] = np.array([0.2, 0.3, 0.4], np.float32)[place]
    m.world.local_tie_share = np.array([0.8, 0.6, 0.4])
    # Place 0 all long-time residents, place 2 none; place 1: residents 33-66 of 67 stable.
    r.tenure[:] = np.where(place == 0, 12.0, 1.0).astype(np.float32)
    r.tenure[33:67] = 5.0
    eng.activity = lambda trust, engagement: np.array([0.0, 0.5, 2.0])
    eng.crime_ratio = lambda: np.array([1.0, 1.5, 4.0])
    return m


def test_efficacy_target_by_hand():
    m = efficacy_case()
    # ties, participation (engagement + min(activity, 1)) / 2, stability, trust, crime excess
    # clipped to [-1, 2]:
    p0 = 0.5 * 0.8 + 0.4 * 0.1 + 0.2 * 1.0 + 0.1 * 0.6 - 0.0  # 0.70
    p1 = 0.5 * 0.6 + 0.4 * 0.4 + 0.2 * (34 / 67) + 0.1 * 0.4 - 0.1 * 0.5
    p2 = 0.5 * 0.4 + 0.4 * 0.7 + 0.0 + 0.1 * 0.5 - 0.1 * 2.0  # 0.33
    target = m.engagement.efficacy_target()
    np.testing.assert_allclose(target, [p0, p1, p2], rtol=1e-6)
    m.engagement.efficacy = np.full(3, 0.5)
    m.engagement.update_efficacy()
    np.testing.assert_allclose(
        m.engagement.efficacy, 0.5 + 0.01 * (np.array([p0, p1, p2]) - 0.5), rtol=1e-6
    )


def test_households_move_more_where_crime_rose_by_hand():
    cfg = tiny_config()
    cfg.params.engagement.crime_moving_effect = 0.5
    m = path_model(cfg)
    r, eng = m.residents, m.engagement
    r.tenure[:] = 7.0
    # Crime ratio 1, 2 and 0: moving rate x 1, 1.5 and 0.5. A daily rate of 2/3 at each
    # place gives probabilities 2/3, 1 and 1/3; with 0 at places 0 and 2, only place 1
    # (probability 1) moves, whatever the draws.
    eng.move_rate = np.array([0.0, 2 / 3, 0.0])
    eng.crime_ratio = lambda: np.array([1.0, 2.0, 0.0])
    eng.move(np.random.default_rng(0))
    at1 = r.place == 1
    assert np.all(r.tenure[at1] == 0.0)
    np.testing.assert_allclose(r.tenure[~at1], 7.0 + 1 / 365, rtol=F32)
    # Stability (tenure >= 5) fell to 0 at place 1 only, and with it the efficacy target.
    np.testing.assert_allclose(eng.stability(), [1.0, 0.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 12), min_size=1, max_size=8),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_pick_distinct_picks_distinct_members_of_each_block(counts, share, seed):
    count = np.array(counts)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    picks = np.floor(share * count).astype(np.int64)
    chosen = pick_distinct(start, count, picks, np.random.default_rng(seed))
    assert len(np.unique(chosen)) == len(chosen) == picks.sum()
    block = np.searchsorted(start + count, chosen, side="right")
    np.testing.assert_array_equal(np.bincount(block, minlength=len(count)), picks)


def test_pick_distinct_is_uniform_within_a_block():
    """Two of four items, 20,000 times: each item is picked half the time."""
    rng = np.random.default_rng(5)
    hits = np.zeros(4)
    for _ in range(20_000):
        hits[pick_distinct(np.array([0]), np.array([4]), np.array([2]), rng)] += 1
    np.testing.assert_allclose(hits / 20_000, 0.5, atol=4 * math.sqrt(0.25 / 20_000))


def test_starting_tenure_is_the_stationary_one_of_the_moving_rate():
    """Tenure is drawn exponential with mean 1 / moving rate: with no change in crime the
    share at their address 5 years or more stays put (about exp(-5 m))."""
    cfg = tiny_config()
    cfg.params.residents.tenure_disadvantage_effect = 0.0
    m = CommunitySafetyModel(cfg)
    r = m.residents
    mob = cfg.params.legitimacy.mobility_per_year
    assert abs(r.tenure.mean() - 1 / mob) < 4 * (1 / mob) / math.sqrt(r.n)
    np.testing.assert_allclose(m.engagement.move_rate, mob / 365)
    stable0 = (r.tenure >= 5).mean()
    assert abs(stable0 - math.exp(-5 * mob)) < 4 * math.sqrt(0.25 / r.n)
    m.engagement.crime_ratio = lambda: np.ones(m.n_places)
    rng = np.random.default_rng(3)
    for _ in range(730):
        m.engagement.move(rng)
    assert abs((r.tenure >= 5).mean() - stable0) < 4 * math.sqrt(0.5 / r.n)


# --------------------------------------------------------------------------- survey, streams


def test_likert_mapping():
    v = np.array([0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 0.99, 1.0, -0.3, 1.4])
    assert likert(v, np.zeros(len(v))).tolist() == [1, 1, 2, 3, 4, 5, 5, 5, 1, 5]
    assert likert(np.array([0.15]), np.array([0.1])).tolist() == [2]


def test_survey_nonresponse_depends_on_trust():
    cfg = tiny_config()
    cfg.params.survey.sample_size = 1000
    cfg.params.survey.response_base = 0.5
    cfg.params.survey.response_trust_effect = 8.0
    m = CommunitySafetyModel(cfg)
    ans = survey_wave(m.world, np.random.default_rng(0))
    r = m.residents
    n = len(ans["resident"])
    assert 0 < n < 1000 and np.all(ans["sampled"] == 1000)
    assert len(set(ans["resident"].tolist())) == n  # without replacement
    assert r.trust[ans["resident"]].mean() > r.trust.mean() + 0.01
    for col in ("trust", "safety", "satisfaction"):
        assert ans[col].min() >= 1 and ans[col].max() <= 5
    np.testing.assert_array_equal(ans["place"], r.place[ans["resident"]])


def test_streams_are_named_and_daily():
    s = Streams(1)
    a = s.get("crime", day=3).random(3)
    np.testing.assert_array_equal(a, Streams(1).get("crime", day=3).random(3))
    assert not np.array_equal(a, s.get("crime", day=4).random(3))
    assert not np.array_equal(a, s.get("reporting", day=3).random(3))
    assert not np.array_equal(a, Streams(2).get("crime", day=3).random(3))
    assert not np.array_equal(s.get("x", day=-1).random(3), s.get("x", day=1).random(3))
    assert s.get("init") is s.get("init")
    with pytest.raises(ValueError, match="seed"):
        Streams(-1)


@pytest.mark.parametrize("seed", [0, 7, 2**32 - 1, 2**32, 2**40])
@pytest.mark.parametrize("day", [-400, 0, 364])
def test_a_daily_stream_is_the_seed_sequence_of_seed_name_and_day(seed, day):
    # The derivation the reproducibility promise rests on, whatever the fast path.
    want = np.random.default_rng(
        np.random.SeedSequence([seed, zlib.crc32(b"crime"), day + 1_000_000])
    ).random(5)
    np.testing.assert_array_equal(Streams(seed).get("crime", day).random(5), want)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.integers(0, 2**32 - 1), min_size=3, max_size=3))
def test_compiled_seeding_equals_numpy_seed_sequence(words):
    # The fast path's state is SeedSequence's, word for word, for any three 32-bit words
    # (the corners: 0, 2**32 - 1, words whose mixing wraps below zero).
    want = np.random.SeedSequence(np.array(words, np.uint32)).generate_state(4, np.uint64)
    np.testing.assert_array_equal(_pcg64_seed_state(*words), want)


def test_group_b_share_at_its_ends_puts_everyone_in_one_group():
    """``group_b_share=1`` divided by zero in its log-odds (0 warned); the ends now mean
    everyone in group A or B, and shares inside (0, 1) are computed as before."""
    from cspsim.api import build_model
    from cspsim.model.residents import group_b_probability, logistic, logit

    d = np.array([-1.0, 0.0, 2.0])
    assert np.array_equal(group_b_probability(0.0, 1.0, d), np.zeros(3))
    assert np.array_equal(group_b_probability(1.0, 1.0, d), np.ones(3))
    assert np.array_equal(group_b_probability(0.35, 1.0, d), logistic(logit(0.35) + d))
    assert group_b_probability(0.5, 1.0, d)[1] == 0.5  # log-odds 0 at the mean disadvantage
    model = build_model(
        city="synthetic", overrides=["city.residents=300", "params.residents.group_b_share=1.0"]
    )
    assert (model.residents.group == 1).all()


def test_meetings_every_day_leave_officers_on_duty():
    """A setting in its range (30 meetings a month) once cost every officer-hour: calls went
    unanswered all run, while arrests were still recorded."""
    cfg = tiny_config("community_policing")
    cfg.strategy.meetings.per_month = 30.0
    cfg.params.costs.meeting = 1e6
    m = CommunitySafetyModel(cfg)
    m.run(10)
    ts = m.recorder.timeseries()
    assert (ts["officer_hours"] > 0).all()
    assert (ts["budget_spent"] <= m.baseline_budget * (1 + 1e-9)).all()
