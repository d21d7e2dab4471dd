"""Reproducibility and common random numbers (CRN).

Same config and seed give byte-identical tables; a different seed gives different ones; a
strategy that changes nothing gives exactly the baseline's outcomes on the same seed; every
strategy shares the baseline's burn-in and its first day's crime; a run leaves the global
random state alone.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TABLES, run_results, run_tables, tiny_config

from cspsim.model import CommunitySafetyModel
from cspsim.output import write_results
from cspsim.paths import strategy_names


def table_bytes(run_dir: Path) -> dict[str, bytes]:
    return {t: (run_dir / f"{t}.parquet").read_bytes() for t in TABLES}


def test_same_seed_gives_byte_identical_tables(tmp_path):
    cfg = tiny_config("full_partnership", seed=4)
    write_results(tmp_path / "a", cfg, run_results(cfg))
    write_results(tmp_path / "b", cfg, run_results(tiny_config("full_partnership", seed=4)))
    a, b = table_bytes(tmp_path / "a"), table_bytes(tmp_path / "b")
    for t in TABLES:
        assert a[t] == b[t], t


def test_different_seeds_give_different_tables():
    a = run_tables(tiny_config(seed=1))
    b = run_tables(tiny_config(seed=2))
    for t in ("timeseries", "events", "survey"):
        assert not a[t].equals(b[t]), t


def assert_same_tables(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True, obj=t)


NOOP_VARIANTS = {
    # The reactive baseline under another name.
    "renamed": ["strategy.name=my_baseline"],
    # Every component present at its zero setting, with its other knobs set to values that
    # would matter if the component were on.
    "zero_components": [
        "strategy.name=zeros",
        "strategy.meetings.per_month=0",
        "strategy.meetings.voice=0.9",
        "strategy.problem_solving.places=0",
        "strategy.problem_solving.hours_per_place=7",
        "strategy.problem_solving.max_reduction=0.9",
        "strategy.procedural_justice.skill=0",
        "strategy.procedural_justice.training_hours=200",
        "strategy.programs.youth_jobs_share=0",
        "strategy.programs.job_training_share=0",
        "strategy.responders.budget_share=0",
        "strategy.programs.targeting=concerns",
        "strategy.watch.coverage=0",
        "strategy.education.intensity=0",
        "strategy.review.rate=0.9",
        "strategy.patrol.hotspot_share=0.9",
        "strategy.patrol.foot_stop_multiplier=3",
        "strategy.patrol.foot_negative_multiplier=3",
    ],
    # Hot-spot mode that sends no hours to hot spots: the same uniform patrol.
    "hotspot_share_zero": [
        "strategy.name=hot_nothing",
        "strategy.patrol.mode=hotspot",
        "strategy.patrol.hotspot_share=0",
    ],
    # Paying on top of the budget with nothing to pay for.
    "not_equal_budget": ["strategy.name=on_top", "strategy.equal_budget=false"],
    # A staggered rollout of the baseline.
    "rollout_of_reactive": [
        "modifiers.rollout.treated=[nb1,nb2]",
        "modifiers.rollout.start_day=10",
    ],
}


@pytest.fixture(scope="module")
def baseline_tables() -> dict[str, pd.DataFrame]:
    return run_tables(tiny_config(seed=7))


@pytest.mark.parametrize("variant", sorted(NOOP_VARIANTS))
def test_strategy_that_changes_nothing_gives_the_baseline_exactly(variant, baseline_tables):
    tables = run_tables(tiny_config(seed=7, overrides=NOOP_VARIANTS[variant]))
    if variant == "rollout_of_reactive":
        # Only the descriptive flag of treated places differs.
        treated = tables["places"].pop("treated")
        assert treated.any() and not treated.all()
        assert (tables["places"]["neighbourhood"].isin(["nb1", "nb2"]) == treated).all()
        baseline_tables = {
            **baseline_tables,
            "places": baseline_tables["places"].drop(columns="treated"),
        }
    assert_same_tables(baseline_tables, tables)


def run_burn_in(strategy: str, seed: int) -> CommunitySafetyModel:
    m = CommunitySafetyModel(tiny_config(strategy, seed=seed))
    while m.day < 0:
        m.step()
    return m


def test_burn_in_is_identical_across_strategies():
    base = run_burn_in("reactive", 3)
    for name in strategy_names()[1:]:
        m = run_burn_in(name, 3)
        for field in base.residents.field_names():
            np.testing.assert_array_equal(
                getattr(m.residents, field), getattr(base.residents, field), err_msg=field
            )
        np.testing.assert_array_equal(m.crime.boost, base.crime.boost, err_msg=name)
        np.testing.assert_array_equal(m.police.presence, base.police.presence, err_msg=name)
        np.testing.assert_array_equal(
            m.partnership.recorded_history, base.partnership.recorded_history, err_msg=name
        )
        np.testing.assert_array_equal(m.engagement.efficacy, base.engagement.efficacy)


def test_first_day_crime_and_reports_are_common_to_all_strategies():
    # Day 0's crime is drawn from the burn-in's presence and day 0's crime stream, and its
    # reports from burn-in trust: the strategy cannot have changed them yet.
    cols = ["crimes_true", *(f"crimes_true_{t}" for t in ("violent", "property")), "reports"]
    ref = None
    for name in strategy_names():
        res = run_tables(tiny_config(name, seed=5, overrides=["sim.days=2"]))
        row = res["timeseries"].loc[0, cols].tolist()
        ev = res["events"]
        day0 = ev[ev["day"] == 0][["place_id", "crime_type", "reported"]].reset_index(drop=True)
        if ref is None:
            ref = (row, day0)
        else:
            assert row == ref[0], name
            pd.testing.assert_frame_equal(day0, ref[1], obj=name)


def test_rollout_start_day_keeps_the_baseline_until_it_starts():
    start = 12
    base = run_tables(tiny_config(seed=6))["timeseries"]
    hot = run_tables(
        tiny_config("zero_tolerance", seed=6, overrides=[f"modifiers.rollout.start_day={start}"])
    )["timeseries"]
    pd.testing.assert_frame_equal(base.iloc[:start], hot.iloc[:start], check_exact=True)
    assert not base.iloc[start:].equals(hot.iloc[start:])


def test_a_run_leaves_global_random_state_alone():
    np.random.seed(12345)
    random.seed(12345)
    np_state = np.random.get_state()
    py_state = random.getstate()
    run_tables(tiny_config("full_partnership", seed=1, overrides=["sim.days=5"]))
    after = np.random.get_state()
    assert after[0] == np_state[0]
    np.testing.assert_array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]
    assert random.getstate() == py_state
    # ... and does not depend on it.
    np.random.seed(999)
    random.seed(999)
    a = run_tables(tiny_config(seed=1, overrides=["sim.days=5"]))
    np.random.seed(1)
    random.seed(1)
    b = run_tables(tiny_config(seed=1, overrides=["sim.days=5"]))
    assert_same_tables(a, b)


def test_rebuilding_from_the_same_config_object_is_reproducible():
    cfg = tiny_config("hotspot", seed=9)
    a = run_tables(cfg)
    b = run_tables(cfg)  # the config is not mutated by a run
    assert_same_tables(a, b)
