"""Model-level tests of the trainer app's lessons: each preset builds and shows its effect.

Each lesson is run on its own city (San Francisco) next to its comparison strategy on the
same seed (common random numbers), so the differences below are the strategy's alone. Runs
are a few months at most; the models are shared per lesson within this module.
"""

from __future__ import annotations

import numpy as np
import pytest

from cspsim.viz.layers import LAYERS
from cspsim.viz.lessons import DEFAULT_LESSON, LESSONS, get_lesson
from cspsim.viz.levers import APP_DAYS, base_config, default_levers
from cspsim.viz.models import SideBySideModel, TrainerModel

_RUNS: dict[tuple[str, int], tuple[SideBySideModel, dict]] = {}


def top_share(values: np.ndarray, share: float = 0.05) -> float:
    """Share of the total held by the top ``share`` of places."""
    n = max(1, int(len(values) * share))
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    return float(v[:n].sum() / max(v.sum(), 1e-12))


def run_pair(lesson: str, days: int, probe=None) -> tuple[SideBySideModel, dict[int, object]]:
    """Run a lesson next to its comparison for ``days``; ``probe(pair)`` is kept per day."""
    key = (lesson, days)
    if key not in _RUNS:
        pair = SideBySideModel(lesson=lesson)
        seen = {}
        for d in range(days):
            pair.step()
            if probe is not None:
                seen[d] = probe(pair)
        _RUNS[key] = (pair, seen)
    return _RUNS[key]


def series(model: TrainerModel, column: str) -> np.ndarray:
    return np.asarray(model.recorder.datacollector.model_vars[column], dtype=float)


@pytest.mark.parametrize("lesson", [lesson.name for lesson in LESSONS])
def test_lesson_preset_builds_and_runs(lesson: str) -> None:
    spec = get_lesson(lesson)
    assert spec.layer in LAYERS
    assert spec.title and spec.text and spec.finding and spec.citation
    cfg = base_config(spec)
    assert cfg.strategy.name == spec.strategy
    assert cfg.sim.days == APP_DAYS
    model = TrainerModel(lesson=lesson)
    assert model.day == 0 and model.time == 0  # burn-in done, Mesa's clock at day 0
    assert model.levers == default_levers(model.cfg)
    for _ in range(3):
        model.step()
    ts = model.recorder.timeseries()
    assert list(ts["day"]) == [0, 1, 2]
    assert (ts["crimes_true"] > 0).all()
    assert ts["crimes_recorded"].sum() <= ts["crimes_true"].sum()


def test_default_lesson_and_unknown_name() -> None:
    assert get_lesson(DEFAULT_LESSON) is LESSONS[0]
    with pytest.raises(KeyError, match="unknown lesson"):
        get_lesson("no_such_lesson")


def test_lesson_levers_reproduce_preset_exactly() -> None:
    """Untouched levers run the preset; a changed lever changes the run."""
    a = TrainerModel(lesson="hot_spot")
    b = TrainerModel(lesson="hot_spot", **default_levers(a.cfg).as_dict())
    c = TrainerModel(lesson="hot_spot", patrol_mode="random")
    for m in (a, b, c):
        for _ in range(5):
            m.step()
    assert series(a, "crimes_true").tolist() == series(b, "crimes_true").tolist()
    assert c.cfg.strategy.patrol.mode == "random"
    assert not np.array_equal(a.police.presence, c.police.presence)


def test_feedback_loop_concentrates_patrol_and_records() -> None:
    """Ensign et al. 2018: patrols sent by recorded crime lock on; records follow patrols."""
    pair, seen = run_pair(
        "feedback_loop",
        90,
        lambda p: (top_share(p.a.presence_recent), top_share(p.b.presence_recent)),
    )
    a, b = pair.a, pair.b
    # Patrol concentrates further over time, and far beyond the random-patrol comparison.
    assert seen[5][0] < seen[30][0] <= seen[89][0] + 0.02
    assert seen[89][0] > 3 * seen[89][1]
    # Recorded crime concentrates where the patrols are, more than true crime does.
    assert top_share(a.recorded_recent) > top_share(b.recorded_recent) + 0.05
    assert top_share(a.crime.recent) < top_share(b.crime.recent)


def test_bad_contacts_outweigh_good_ones() -> None:
    """Skogan 2006: trust falls where stops concentrate although most contacts are positive."""
    pair, _ = run_pair("bad_contact", 90)
    a, b = pair.a, pair.b
    assert series(a, "contacts_positive").sum() > series(a, "contacts_negative").sum()
    means = a.world.place_means
    stopped = np.argsort(-a.presence_recent)[: a.n_places // 20]
    change_a = (means(a.residents.trust) - a.trust_start)[stopped].mean()
    change_b = (b.world.place_means(b.residents.trust) - b.trust_start)[stopped].mean()
    assert change_a < 0
    assert change_a < change_b


def test_rebuilding_trust_is_slow_but_real() -> None:
    """Trust recovers in the low-trust neighbourhoods faster with the partnership."""
    pair, _ = run_pair("rebuilding_trust", 150)
    a, b = pair.a, pair.b
    low = a.trust_start < np.quantile(a.trust_start, 0.3)
    gain_a = (a.world.place_means(a.residents.trust) - a.trust_start)[low].mean()
    gain_b = (b.world.place_means(b.residents.trust) - b.trust_start)[low].mean()
    assert gain_a > gain_b > -0.01
    assert gain_a < 0.1  # slow: a few points in months, not a recovery in days


def test_root_causes_take_time() -> None:
    """Heller 2014: programs fill at once, but offending falls only over the months after."""

    def violent_pressure_ratio(p: SideBySideModel) -> float:
        a = p.a.crime.offender_pressure()[:, 0].sum()
        return float(a / p.b.crime.offender_pressure()[:, 0].sum())

    pair, ratio = run_pair("root_causes", 90, violent_pressure_ratio)
    a, b = pair.a, pair.b
    assert series(a, "program_enrolled")[:10].min() > 0
    assert ratio[1] > 0.999  # enrolled on day 0, no effect yet
    assert ratio[89] < ratio[30] < ratio[1]  # the effect builds up over months
    lam_a = a.expected_offences()[:, 0].sum()
    lam_b = b.expected_offences()[:, 0].sum()
    assert lam_a < lam_b  # extra money: patrol not cut, violent crime expected lower


def test_hot_spot_no_displacement() -> None:
    """Braga et al. 2019: crime falls at hot spots; surrounding places are not worse off."""
    pair, _ = run_pair("hot_spot", 120)
    a, b = pair.a, pair.b
    hot = a.component("patrol").hotspots
    ring = np.setdiff1d(np.unique(a.world.adjacency[hot].indices), hot)
    assert a.crime.recent[hot].sum() < 0.95 * b.crime.recent[hot].sum()
    assert a.crime.recent[ring].sum() < 1.02 * b.crime.recent[ring].sum()


def test_misconduct_lowers_recorded_not_true_crime() -> None:
    """Desmond et al. 2016: after a misconduct case fewer victims report."""
    pair, _ = run_pair("misconduct", 75)
    a = pair.a
    rec, true = series(a, "crimes_recorded"), series(a, "crimes_true")
    rep, vic = series(a, "reports"), series(a, "victimizations")
    before, after = slice(0, 30), slice(31, 75)
    assert rep[after].sum() / vic[after].sum() < rep[before].sum() / vic[before].sum() - 0.03
    rec_change = rec[after].mean() / rec[before].mean()
    true_change = true[after].mean() / true[before].mean()
    assert rec_change < true_change - 0.03
