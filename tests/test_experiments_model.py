"""Model options added for the experiments: the place-randomized patrol trial, mixed beats."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import run_results, run_tables, tiny_config

TRIAL = ["strategy.patrol.trial_places=8", "strategy.name=trial"]


def test_trial_randomizes_the_top_places_and_doubles_their_patrol() -> None:
    res = run_results(tiny_config(overrides=TRIAL))
    arm = res.model.partnership.trial_arm
    assert (arm == 1).sum() == 4 and (arm == 0).sum() == 4
    places = res.places
    hours = places.groupby("trial_arm")["patrol_hours"].sum() / places.groupby("trial_arm").size()
    assert 1.6 < hours[1] / hours[0] < 2.5  # about double presence
    assert places.loc[places["trial_arm"] == 1, "targeted"].all()
    # The same seed draws the same arms; another seed others.
    again = run_results(tiny_config(overrides=[*TRIAL, "strategy.patrol.trial_dosage=3"]))
    assert np.array_equal(again.model.partnership.trial_arm, arm)


def test_trial_with_dosage_one_is_the_baseline() -> None:
    base = run_tables(tiny_config())
    same = run_tables(tiny_config(overrides=[*TRIAL, "strategy.patrol.trial_dosage=1.0"]))
    cols = [c for c in base["places"].columns if c != "trial_arm"]
    pd.testing.assert_frame_equal(base["places"][cols], same["places"][cols])
    pd.testing.assert_frame_equal(base["timeseries"], same["timeseries"])


def test_community_share_puts_part_of_the_patrol_on_foot_beats() -> None:
    cfg = tiny_config(overrides=["strategy.patrol.community_share=0.5"])
    res = run_results(cfg)
    base = run_results(tiny_config())
    ts, bts = res.timeseries, base.timeseries
    # Foot patrol stops fewer people (foot_stop_multiplier 0.5 on half of the officers).
    assert ts["contacts_police_initiated"].sum() < bts["contacts_police_initiated"].sum()
    full = run_results(tiny_config("community_policing"))
    assert (
        full.timeseries["contacts_police_initiated"].sum() <= ts["contacts_police_initiated"].sum()
    )


def test_places_table_counts_contacts_by_home_place() -> None:
    res = run_results(tiny_config())
    pl, ts = res.places, res.timeseries
    assert pl["contacts_negative"].sum() == ts["contacts_negative"].sum()
    stops = ts["stops_group_a"].sum() + ts["stops_group_b"].sum()
    assert 0 < pl["stops"].sum() == stops
    # Police-initiated contacts are the stops and the arrests (of residents) of the day.
    arrested = ts["arrests_group_a"].sum() + ts["arrests_group_b"].sum()
    assert ts["contacts_police_initiated"].sum() == stops + arrested
    # Arrests by home place count residents only: outsiders' arrests (no home) are in the
    # timeseries total but in no place and no group.
    residents_arrested = ts["arrests_group_a"].sum() + ts["arrests_group_b"].sum()
    assert pl["arrests"].sum() == residents_arrested
    assert 0 < residents_arrested <= ts["arrests"].sum()
    last = pl[pl["month"] == pl["month"].max()]["contacted_share"]
    assert ((last >= 0) & (last <= 1)).all() and last.mean() > 0
