"""Issue 9, defect 2: reports compare only runs of one city, paired with one baseline.

A sweep ``-m city=columbus,synthetic strategy=reactive,hotspot`` reported every arm against
the Columbus baseline ("-94.3%"), worded as a paired effect; a directory mixing cities by hand
crashed the report. Now each city gets its own section and baseline, and "paired" is said
only of scenarios that share seeds with the baseline (the others are listed apart).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_CITY

from cspsim.analysis.aggregate import run_summaries
from cspsim.analysis.runs import collect_runs
from cspsim.output import MANIFEST, write_json_atomic
from cspsim.output.runner import run_one
from cspsim.report.build import build_report
from cspsim.report.cities import city_groups, paired_scenarios, pairing_sentence

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
SHORT = ["sim.days=40", "sim.burn_in_days=5", "sim.review_period_days=15",
         "sim.survey_period_days=15"]  # fmt: skip
CITIES = {
    "columbus": ["city.kind=columbus", "city.residents_per_agent=200"],
    "synthetic": ["city.kind=synthetic", *TINY_CITY],
}


def config(city: str, strategy: str, seed: int):
    from cspsim.api import make_config

    return make_config(strategy=strategy, seed=seed, sim="short", overrides=[*CITIES[city], *SHORT])


def runs(root: Path, plan: list[tuple[str, str, int]]) -> list[dict]:
    """Run each ``(city, strategy, seed)`` into ``root`` as a sweep would; its jobs."""
    jobs = []
    for city, strategy, seed in plan:
        subdir = f"city={city},seed={seed},strategy={strategy}"
        run_one(config(city, strategy, seed), root / subdir)
        jobs.append(
            {"subdir": subdir, "arm": None, "stage": "grid",
             "overrides": [f"city={city}", f"seed={seed}", f"strategy={strategy}"]}
        )  # fmt: skip
    return jobs


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cities; in Columbus a third scenario with no seed in common with the baseline."""
    root = tmp_path_factory.mktemp("mixed")
    plan = [(c, s, seed) for c in CITIES for s in ("reactive", "hotspot") for seed in (0, 1)]
    plan += [("columbus", "community_policing", seed) for seed in (2, 3)]
    jobs = runs(root, plan)
    write_json_atomic(root / MANIFEST, {"design": "grid", "jobs": jobs, "options": {}})
    return root


def test_runs_are_grouped_by_city_with_one_baseline(mixed: Path) -> None:
    rs = collect_runs(mixed)
    assert sorted(rs.runs["scenario"].unique()) == ["community_policing", "hotspot", "reactive"]
    assert rs.baseline == "reactive"
    groups = city_groups(rs, run_summaries(rs))
    assert [label.split(" ")[0] for label, *_ in groups] == ["columbus", "synthetic"]
    for label, city_rs, summary in groups:
        assert city_rs.runs["city_key"].nunique() == 1
        assert set(summary["city_label"]) == {label} or label.startswith(summary["city_label"][0])
        assert city_rs.baseline == "reactive"


def test_unpaired_scenarios_are_not_compared(mixed: Path) -> None:
    rs = collect_runs(mixed)
    (_, _, columbus), _ = city_groups(rs, run_summaries(rs))
    paired, unpaired = paired_scenarios(columbus, "reactive")
    assert unpaired == ["community_policing"]
    assert set(paired["scenario"]) == {"reactive", "hotspot"}
    assert pairing_sentence(paired, "reactive").startswith("2 paired seeds")


def test_report_of_a_directory_mixing_cities(mixed: Path, tmp_path: Path) -> None:
    text = build_report(mixed, tmp_path / "report").read_text()
    assert "## City: columbus" in text and "## City: synthetic (1,000 agents" in text
    assert text.count("Against **reactive**") == 2  # one comparison per city
    assert "over 2 paired seeds" in text
    assert "Not compared with **reactive**: **community_policing**" in text
    # Effects are within a city: no difference near -100% (another city's baseline).
    pcts = [float(x) for x in re.findall(r"([+-−]?\d+(?:\.\d+)?)%", text.replace("−", "-"))]
    assert pcts and min(pcts) > -80
    assert (tmp_path / "report" / "cities" / "columbus" / "figures" / "effects.png").exists()


def test_no_paired_wording_without_pairs(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    runs(root, [("synthetic", "reactive", 0), ("synthetic", "hotspot", 1)])
    text = build_report(root, tmp_path / "report").read_text().replace(str(tmp_path), "")
    assert "paired" not in text.lower()
    assert "## City" not in text  # one city: no city sections


@pytest.mark.slow  # a sweep of 8 runs and its report: 20-40 s on 2 shared cores
def test_sweep_over_cities_from_the_command_line(tmp_path: Path) -> None:
    """The issue's command: one section per city, each against its own reactive runs."""
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [CSPSIM_RUN, "-m", "city=columbus,synthetic", "strategy=reactive,hotspot", "seed=0,1",
         "sim=short", *TINY_CITY, "city.residents_per_agent=200", *SHORT,
         "hydra/launcher=basic", f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = (sweep / "report.md").read_text()
    assert "## City: columbus" in text and "## City: synthetic" in text
    assert text.count("Against **reactive**") == 2


def test_a_directory_gathered_by_hand_with_one_seed_in_two_settings(tmp_path: Path) -> None:
    """``cspsim-report outputs/`` over single runs of one city, where reactive seed 0 ran
    for 40 days and again for 45 (no manifest): the report crashed in the paired
    differences (two baseline rows for one seed). Each setting now has its own section,
    each compared with its own reactive runs."""
    root = tmp_path / "outputs"
    for strategy, seed in [("reactive", 0), ("reactive", 1), ("hotspot", 0), ("hotspot", 1)]:
        run_one(config("synthetic", strategy, seed), root / f"{strategy}_{seed}")
    longer = config("synthetic", "reactive", 0)
    longer.sim.days = 45
    run_one(longer, root / "reactive_0_longer")
    rs = collect_runs(root)
    assert rs.manifest is None and len(rs.runs) == 5
    groups = city_groups(rs, run_summaries(rs))
    labels = [label for label, *_ in groups]
    assert labels == [
        "synthetic (1,000 agents, 16 places) · sim.days=40",
        "synthetic (1,000 agents, 16 places) · sim.days=45",
    ]
    assert [len(g_rs.runs) for _, g_rs, _ in groups] == [4, 1]
    for _, _, summary in groups:
        assert not summary.duplicated(["scenario", "seed"]).any()
    text = build_report(root, tmp_path / "report").read_text()
    assert "## City and setting: synthetic (1,000 agents, 16 places) · sim.days=40" in text
    assert text.count("Against **reactive**") == 1  # the 45-day run has nothing to pair


def test_a_directory_without_repeats_keeps_one_section(tmp_path: Path) -> None:
    """Runs of one strategy in two settings but no seed in both: one section, as before."""
    root = tmp_path / "outputs"
    run_one(config("synthetic", "reactive", 0), root / "a")
    other = config("synthetic", "reactive", 1)
    other.sim.days = 45
    run_one(other, root / "b")
    rs = collect_runs(root)
    assert [label for label, *_ in city_groups(rs, run_summaries(rs))] == [""]
