"""The run summaries and the tables are driven by the declarations of the model's measures.

An ``Outcome`` added to ``cspsim.model.measures.OUTCOMES`` on an existing timeseries column
must appear in the DuckDB run summaries, in the comparison table (with its label) and in the
levels table, with no other edit; the in-memory summaries (validation) agree with the files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_config

from cspsim.analysis import outcomes as oc
from cspsim.analysis.aggregate import run_summaries, summarize_tables
from cspsim.analysis.runs import collect_runs
from cspsim.analysis.stats import mean_ci, paired_differences
from cspsim.analysis.tables import comparison_table, levels_table
from cspsim.model import measures
from cspsim.model.measures import Outcome
from cspsim.output.runner import run_one

#: An outcome the model does not declare, on an existing column (mean patrol hours a day).
PATROL = Outcome(
    "patrol_per_day",
    "Patrol on the street",
    "officer-hours per day",
    "patrol_hours",
    "mean",
    compare="pct",
    better="higher",
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seeds of two strategies written by the runner."""
    root = tmp_path_factory.mktemp("outcome_runs")
    for strategy in ("reactive", "hotspot"):
        for seed in (0, 1):
            run_one(tiny_config(strategy, seed), root / strategy / f"seed_{seed}")
    return root


def test_every_declared_outcome_and_column_is_summarized(runs: Path) -> None:
    summary = run_summaries(collect_runs(runs))
    names = [o.name for o in oc.outcomes()] + [d.name for d in oc.DERIVED]
    names += [m.name for m in oc.timeseries_measures() if m.over_days != "none"]
    missing = [n for n in names if n not in summary]
    assert not missing
    assert summary[names].notna().all().all()


def test_an_added_outcome_reaches_summaries_and_tables(
    runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(measures, "OUTCOMES", (*measures.OUTCOMES, PATROL))
    summary = run_summaries(collect_runs(runs))
    # The new column is the mean of the daily column over the recorded days, per run.
    for r in summary.itertuples():
        daily = pd.read_parquet(Path(r.run_dir) / "timeseries.parquet", columns=["patrol_hours"])
        assert r.patrol_per_day == pytest.approx(daily["patrol_hours"].mean(), rel=1e-12)
    table = comparison_table(summary, "reactive", "scenario")
    header = "Patrol on the street, %"
    assert header in table.columns
    # The cell is the paired difference over seeds with its t-interval, in percent.
    diffs = paired_differences(summary, ["patrol_per_day"], "reactive", "scenario")
    d = diffs.set_index("strategy").loc["hotspot"]
    base = summary[summary["scenario"] == "reactive"].set_index("seed")["patrol_per_day"]
    hot = summary[summary["scenario"] == "hotspot"].set_index("seed")["patrol_per_day"]
    m, lo, hi = mean_ci((hot - base).to_numpy())
    assert d["diff"] == pytest.approx(m) and d["ci_low"] == pytest.approx(lo)
    cell = table.set_index("Scenario").loc["hotspot", header]
    assert cell == f"{d['pct']:+.1f}% [{d['pct_low']:+.1f}, {d['pct_high']:+.1f}]"
    levels = levels_table(summary).set_index("Measure")
    assert levels.loc["Patrol on the street", "Unit"] == "officer-hours per day"
    assert levels.loc["Patrol on the street", "reactive"] == pytest.approx(base.mean())


def test_summaries_of_tables_in_memory_equal_those_of_files(runs: Path) -> None:
    rs = collect_runs(runs)
    files = run_summaries(rs).set_index("run_dir")
    ident = rs.runs.drop(columns=["meta"])
    ts = pd.concat(
        [pd.read_parquet(Path(d) / "timeseries.parquet").assign(run_dir=d) for d in ident.run_dir]
    )
    sv = pd.concat(
        [pd.read_parquet(Path(d) / "survey.parquet").assign(run_dir=d) for d in ident.run_dir]
    )
    memory = summarize_tables(ident, ts, sv).set_index("run_dir")
    numeric = [c for c in files if pd.api.types.is_numeric_dtype(files[c])]
    np.testing.assert_allclose(
        memory.loc[files.index, numeric].to_numpy(float),
        files[numeric].to_numpy(float),
        rtol=1e-12,
    )


def test_labels_come_from_the_declarations() -> None:
    assert oc.label_unit("trust") == ("Trust", "mean 0-1, last 30 days")
    assert oc.label_unit("mean_trust") == ("Trust in police", "mean 0-1")
    assert oc.label_unit("satisfaction_b")[0] == "Satisfaction, group B"
    assert oc.label_unit("crimes_true", "places")[1] == "offences/month"
    with pytest.raises(KeyError):
        oc.label_unit("no_such_column")
