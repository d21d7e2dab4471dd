"""Issue 9, defects 3 and 4: damaged results are not trusted, stale results are not reused.

``run.json`` records the SHA-256 of every table and input file and the model's version;
resuming (``run_one``, the sweeper, the SLURM launcher's ``read_status``) redoes a run whose
tables do not match or whose inputs or model changed (``reuse_stale`` keeps it, labelled);
reports list damaged, stale, failed and missing runs and never crash on a bad directory.
The kill-and-resume test kills a sweep on a ``city=file`` city, corrupts a table, edits the
city's CSV and runs the same command again.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import TABLES, file_city_overrides, tiny_config

from cspsim.analysis.runs import collect_runs
from cspsim.errors import ResourceError
from cspsim.output import integrity, provenance, resources
from cspsim.output.integrity import inspect_run
from cspsim.output.rundir import read_run_json
from cspsim.output.runner import PREVIOUS, run_one
from cspsim.report.build import build_report
from hydra_plugins.cspsim_launcher._batch import read_status

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
CSPSIM_REPORT = str(Path(sys.executable).with_name("cspsim-report"))
SHORT = ["sim.days=20", "sim.burn_in_days=3", "sim.review_period_days=10",
         "sim.survey_period_days=10"]  # fmt: skip


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def user_city(city_files: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """A private copy of the tiny user city (tests edit it)."""
    d = tmp_path / "city"
    d.mkdir()
    files = dict(city_files)
    for key in ("nodes", "edges"):
        files[key] = Path(shutil.copy(city_files[key], d / city_files[key].name))
    return files


def file_config(files: dict[str, Path], seed: int = 0):
    return tiny_config(seed=seed, overrides=[*file_city_overrides(files), *SHORT])


def edit_population(nodes: Path) -> None:
    text = nodes.read_text().replace("a1,101,3000", "a1,101,3900")
    assert text != nodes.read_text()
    nodes.write_text(text)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


# ----- what run.json records --------------------------------------------------------------


def test_run_json_records_tables_inputs_and_model(user_city, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    meta = run_one(file_config(user_city), run_dir)
    assert meta["status"] == "complete"
    for t in TABLES:
        rec = meta["tables"][t]
        assert rec["sha256"] == sha(run_dir / f"{t}.parquet")
        assert rec["bytes"] == (run_dir / f"{t}.parquet").stat().st_size and rec["rows"] > 0
    assert meta["inputs"]["city.nodes"] == {
        "path": str(user_city["nodes"].resolve()),
        "sha256": sha(user_city["nodes"]),
    }
    assert meta["inputs"]["city.edges"]["sha256"] == sha(user_city["edges"])
    assert len(meta["model"]["code_sha256"]) == 64
    assert meta["model"]["packages"]["cspsim"] == meta["versions"]["cspsim"]
    assert "git_commit" in meta and "git_dirty" in meta
    assert inspect_run(run_dir).status == "complete"
    assert not list(run_dir.glob("*.tmp")) and not (run_dir / ".cspsim.lock").exists()


def test_run_json_records_the_runs_estimate(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the memory and time the run logs before building are in its run.json
    (``estimate``), a refused run's too: what a cluster's mem_gb and time limit come from."""
    cfg = tiny_config()
    est = resources.estimate_config(cfg)
    assert est is not None
    expected = {"memory_mb": round(est.memory_bytes / 1e6, 1), "seconds": round(est.seconds, 1)}
    with caplog.at_level(logging.INFO, logger="cspsim"):
        meta = run_one(cfg, tmp_path / "run")
    assert meta["status"] == "complete" and meta["estimate"] == expected
    assert read_run_json(tmp_path / "run")["estimate"] == expected  # type: ignore[index]
    logged = [r.getMessage() for r in caplog.records if "estimated run:" in r.getMessage()]
    assert logged and f"about {resources.fmt_bytes(est.memory_bytes)} of memory" in logged[0]
    assert inspect_run(tmp_path / "run").status == "complete"  # an extra key, still intact

    # a loaded city is estimated from its data, after loading
    columbus = tiny_config(overrides=["city.kind=columbus", "city.residents_per_agent=200"])
    meta = run_one(columbus, tmp_path / "columbus")
    assert meta["estimate"]["memory_mb"] > 0 and meta["estimate"]["seconds"] > 0
    assert meta["estimate"] != expected

    # refused as too large (a machine with 1 MB free): failed, with the estimate it needed
    monkeypatch.setattr(resources, "available_memory", lambda: 1e6)
    with pytest.raises(ResourceError):
        run_one(tiny_config(seed=1), tmp_path / "refused")
    refused = read_run_json(tmp_path / "refused")
    assert refused is not None and refused["status"] == "failed"
    assert "run too large" in refused["error"] and refused["estimate"] == expected


def test_shipped_city_data_are_inputs(tmp_path: Path) -> None:
    cfg = tiny_config(overrides=["city.kind=columbus", "city.residents_per_agent=200"])
    meta = run_one(cfg, tmp_path / "run")
    assert {k for k in meta["inputs"] if "columbus" in k} == {
        "city.columbus.columbus_nodes.csv",
        "city.columbus.columbus_edges.csv",
    }


# ----- resume: damaged and stale runs are redone ------------------------------------------


def test_a_run_from_before_a_setting_existed_is_the_same_run_at_its_default(
    tmp_path: Path,
) -> None:
    """A setting added since (here city.incidents_outside, a component's settings) made every
    earlier run "a complete run of another config", refused for ever, instead of stale."""
    from cspsim.output.integrity import same_config
    from cspsim.output.rundir import config_dict

    cfg = tiny_config()
    now = config_dict(cfg)
    old = json.loads(json.dumps(now))
    del old["city"]["incidents_outside"]
    del old["strategy"]["volunteering"]
    assert same_config(old, now)
    changed = json.loads(json.dumps(now))
    changed["city"]["incidents_outside"] = "ignore"  # not the default: another config
    assert not same_config(old, changed)
    old["seed"] = now["seed"] + 1  # a recorded setting that differs: another config
    assert not same_config(old, now)


def test_a_run_from_before_a_setting_existed_is_read_in_its_scenario(tmp_path: Path) -> None:
    """Two seeds of one scenario, one recorded before city.incidents_outside and the
    volunteering component existed: the analysis read them as two configs (two cities and
    two 'reactive' scenarios labelled by the missing settings), and a duplicate of the old
    one was counted twice."""
    for seed in (0, 1):
        run_one(tiny_config(seed=seed), tmp_path / f"seed{seed}")
    path = tmp_path / "seed0" / "run.json"
    meta = json.loads(path.read_text())
    del meta["config"]["city"]["incidents_outside"]
    del meta["config"]["strategy"]["volunteering"]
    path.write_text(json.dumps(meta))
    rs = collect_runs(tmp_path)
    assert len(rs.runs) == 2 and set(rs.runs["scenario"]) == {"reactive"}
    assert rs.runs["city_key"].nunique() == 1 and rs.runs["setting_key"].nunique() == 1
    old = rs.runs.set_index("run_dir").loc[str(tmp_path / "seed0"), "meta"]["config"]
    assert old["city"]["incidents_outside"] == "error"  # read at its default
    assert old["strategy"]["volunteering"] == {"share": 0.0}
    # The same config recorded again (a copy of the old run) is a duplicate, not a third run.
    shutil.copytree(tmp_path / "seed0", tmp_path / "copy")
    new = json.loads((tmp_path / "seed0" / "run.json").read_text())
    new["config"] = json.loads((tmp_path / "seed1" / "run.json").read_text())["config"]
    new["config"]["seed"] = 0
    (tmp_path / "copy" / "run.json").write_text(json.dumps(new))
    rs = collect_runs(tmp_path)
    assert len(rs.runs) == 2 and len(rs.duplicates) == 1


def test_resume_redoes_a_damaged_table(tmp_path: Path) -> None:
    """Defect 3: a truncated Parquet was trusted for ever; now it is redone (and kept aside)."""
    cfg, run_dir = tiny_config(), tmp_path / "run"
    run_one(cfg, run_dir)
    before = {t: (run_dir / f"{t}.parquet").read_bytes() for t in TABLES}
    truncate(run_dir / "events.parquet")
    state = inspect_run(run_dir, cfg)
    assert state.status == "damaged" and "events.parquet" in state.reason
    meta = run_one(cfg, run_dir)
    assert not meta.get("skipped") and meta["status"] == "complete"
    assert {t: (run_dir / f"{t}.parquet").read_bytes() for t in TABLES} == before
    (kept,) = (run_dir / PREVIOUS).iterdir()
    assert kept.name.endswith("-damaged") and (kept / "run.json").exists()
    assert run_one(cfg, run_dir).get("skipped")  # now intact: skipped


def test_resume_redoes_a_run_whose_city_file_changed(user_city, tmp_path: Path) -> None:
    """Defect 4: edit the city CSV and resume: the run is redone with the new population."""
    run_dir = tmp_path / "run"
    old = run_one(file_config(user_city), run_dir)
    edit_population(user_city["nodes"])
    cfg = file_config(user_city)
    state = inspect_run(run_dir, cfg)
    assert state.status == "stale" and "city.nodes" in state.reason and "changed" in state.reason
    new = run_one(cfg, run_dir)
    assert not new.get("skipped")
    assert new["population"] == old["population"] + 900
    assert new["inputs"]["city.nodes"]["sha256"] == sha(user_city["nodes"])
    (kept,) = (run_dir / PREVIOUS).iterdir()
    assert kept.name.endswith("-stale")
    assert read_run_json(kept)["population"] == old["population"]  # type: ignore[index]


def test_reuse_stale_keeps_the_run_labelled(user_city, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    old = run_one(file_config(user_city), run_dir)
    edit_population(user_city["nodes"])
    kept = run_one(file_config(user_city), run_dir, reuse_stale=True)
    assert kept["skipped"] and kept["population"] == old["population"]
    assert "city.nodes" in read_run_json(run_dir)["reused_stale"]["reason"]  # type: ignore[index]
    state = inspect_run(run_dir)
    assert state.status == "stale" and state.reused_stale
    assert read_status(run_dir) == ("complete", None)  # the launcher counts a kept run
    rs = collect_runs(tmp_path)
    assert len(rs.runs) == 1 and list(rs.reused_stale) == ["run"]


def test_another_model_version_makes_a_run_stale(tmp_path: Path, monkeypatch) -> None:
    cfg, run_dir = tiny_config(), tmp_path / "run"
    run_one(cfg, run_dir)
    other = {**integrity.model_identity(), "code_sha256": "0" * 64}
    monkeypatch.setattr(integrity, "model_identity", lambda: other)
    state = inspect_run(run_dir, cfg)
    assert state.status == "stale" and "model code" in state.reason


def test_numpy_simd_is_recorded_but_another_cpu_does_not_make_a_run_stale(
    tmp_path: Path,
) -> None:
    # NumPy's exp/log routines follow the CPU's extensions (last digits): run.json says which
    # were used, and a sweep resumed on another kind of machine keeps its runs.
    cfg, run_dir = tiny_config(), tmp_path / "run"
    run_one(cfg, run_dir)
    meta_path = run_dir / "run.json"
    meta = json.loads(meta_path.read_text())
    assert meta["versions"]["numpy_simd"] == provenance.numpy_simd()
    assert "numpy_simd" not in meta["model"]["packages"]
    meta["versions"]["numpy_simd"] = "X86_V3"  # as if made on an AVX2 machine
    meta_path.write_text(json.dumps(meta))
    assert inspect_run(run_dir, cfg).status == "complete"


def test_runs_without_hashes_are_stale(tmp_path: Path) -> None:
    """A run written before run.json recorded hashes cannot be verified: it is redone."""
    cfg, run_dir = tiny_config(), tmp_path / "run"
    run_one(cfg, run_dir)
    meta = read_run_json(run_dir)
    assert meta is not None
    del meta["tables"]
    (run_dir / "run.json").write_text(json.dumps(meta))
    assert inspect_run(run_dir).status == "stale"
    assert not run_one(cfg, run_dir).get("skipped")


@pytest.fixture
def shipped_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the shipped configs that the model's hash reads (tests edit it)."""
    from cspsim.output import provenance
    from cspsim.paths import CONFIG_DIR

    conf = Path(shutil.copytree(CONFIG_DIR, tmp_path / "conf"))
    monkeypatch.setattr(provenance, "CONFIG_DIR", conf)
    provenance.clear_caches()
    yield conf
    provenance.clear_caches()  # the real configs again once monkeypatch restores them


def _edit(path: Path, old: str, new: str) -> None:
    from cspsim.output import provenance

    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    provenance.clear_caches()  # a new process would hash the files again


def test_an_edited_shipped_config_makes_runs_stale(shipped_copy: Path, tmp_path: Path) -> None:
    """Shipped run configs (configs/{city,strategy,sim,params}/*.yaml) are the model's.

    Editing one makes every run made before stale (redone; the old files moved aside), not
    silently current; edits that cannot change a run do not: comments, experiment and
    launcher configs, files that are not configs.
    """
    from cspsim.output import provenance

    cfg, run_dir = tiny_config(), tmp_path / "run"
    run_one(cfg, run_dir)
    meta = read_run_json(run_dir)
    assert meta is not None and "strategy/hotspot.yaml" in meta["model"]["configs"]
    hotspot = shipped_copy / "strategy" / "hotspot.yaml"
    code = provenance.model_code()
    _edit(hotspot, "name: hotspot", "# a reworded comment\nname: hotspot")
    (shipped_copy / "experiment" / "uncertainty.yaml").write_text("hydra: {}\n")
    (shipped_copy / "params" / "posterior.csv").write_text("x\n1\n")
    (shipped_copy / "strategy" / "notes.txt").write_text("not a config")
    (shipped_copy / "multirun" / "x").mkdir(parents=True)
    (shipped_copy / "multirun" / "x" / "config.yaml").write_text("seed: 3\n")
    provenance.clear_caches()
    assert provenance.model_code() == code
    assert inspect_run(run_dir, cfg).status == "complete"

    _edit(hotspot, "name: hotspot", "name: hotspot\nequal_budget: false")
    assert provenance.model_code() != code
    state = inspect_run(run_dir, cfg)
    assert state.status == "stale" and state.same_config is True
    assert "configs/strategy/hotspot.yaml" in state.reason, state.reason
    assert read_status(run_dir)[0] == "stale"  # the launcher does not count it either
    assert collect_runs(tmp_path).stale  # nor does a report
    again = run_one(cfg, run_dir)
    assert not again.get("skipped") and again["status"] == "complete"
    assert [p.name.endswith("-stale") for p in (run_dir / PREVIOUS).iterdir()] == [True]
    assert inspect_run(run_dir, cfg).status == "complete"


def test_a_run_whose_shipped_strategy_changed_is_redone_not_refused(
    shipped_copy: Path, tmp_path: Path
) -> None:
    """The edit changed the composed config too: the same run, stale (not another config's)."""
    run_dir = tmp_path / "run"
    run_one(tiny_config(overrides=["strategy.patrol.hotspot_share=0.05"]), run_dir)
    edited = tiny_config(overrides=["strategy.patrol.hotspot_share=0.1"])  # as if shipped
    assert inspect_run(run_dir, edited).same_config is False  # no edit: another config's run
    _edit(shipped_copy / "strategy" / "hotspot.yaml", "name: hotspot", "name: hotspot\n#x")
    assert inspect_run(run_dir, edited).same_config is False  # a comment explains nothing
    _edit(shipped_copy / "sim" / "short.yaml", "days: 90", "days: 91")
    state = inspect_run(run_dir, edited)
    assert state.status == "stale" and state.same_config is True
    assert "configs/sim/short.yaml" in state.reason
    meta = run_one(edited, run_dir)
    assert not meta.get("skipped") and meta["config"]["strategy"]["patrol"]["hotspot_share"] == 0.1


def test_model_hash_does_not_depend_on_where_the_configs_lie(
    shipped_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cspsim.output import provenance

    here = provenance.model_code()
    elsewhere = Path(shutil.copytree(shipped_copy, tmp_path / "a" / "b" / "conf"))
    monkeypatch.setattr(provenance, "CONFIG_DIR", elsewhere)
    provenance.clear_caches()
    assert provenance.model_code() == here
    assert set(provenance.shipped_configs()) >= {"strategy/reactive.yaml", "params/calibrated.yaml"}
    assert not any(k.startswith(("experiment/", "hydra/")) for k in provenance.shipped_configs())


def test_launcher_read_status_checks_hashes(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_one(tiny_config(), run_dir)
    assert read_status(run_dir) == ("complete", None)
    truncate(run_dir / "survey.parquet")
    status, error = read_status(run_dir)
    assert status == "damaged" and "survey.parquet" in str(error)
    (run_dir / "run.json").write_text('{"status": "comp')
    status, error = read_status(run_dir)
    assert status == "damaged" and "unreadable" in str(error)
    assert read_status(tmp_path / "none") == (None, None)


# ----- reports: every kind of bad run directory, listed, never a crash ---------------------


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    return buffer.getvalue()


def bad_directory(root: Path) -> dict[str, str]:
    """A directory of runs: good, failed, damaged in every way; expected kind by name."""
    good = root / "good"
    run_one(tiny_config(seed=0), good)
    run_one(tiny_config(seed=1), root / "hotspot")
    expected = {"good": "counted", "hotspot": "counted"}

    def copy(name: str) -> Path:
        d = root / name
        shutil.copytree(good, d)
        return d

    truncate(copy("truncated_table") / "events.parquet")
    expected["truncated_table"] = "damaged"
    (copy("truncated_json") / "run.json").write_text('{"status": "complete", "seed"')
    expected["truncated_json"] = "damaged"
    (copy("json_list") / "run.json").write_text("[1, 2, 3]")
    expected["json_list"] = "damaged"
    # Not UTF-8 (a traceback from cspsim-report, UnicodeDecodeError).
    (copy("not_utf8") / "run.json").write_bytes(b'{"status": "compl\xe0te"}')
    expected["not_utf8"] = "damaged"
    # Tables whose run.json hash was rewritten to match: not Parquet, or without the
    # columns (tracebacks from pyarrow and DuckDB in the report's query).
    for name, table_bytes in (
        ("garbage_table", b"not parquet at all"),
        ("foreign_table", _parquet_bytes(pd.DataFrame({"x": [1, 2]}))),
    ):
        d = copy(name)
        (d / "places.parquet").write_bytes(table_bytes)
        meta_d = json.loads((d / "run.json").read_text())
        meta_d["tables"]["places"]["sha256"] = hashlib.sha256(table_bytes).hexdigest()
        (d / "run.json").write_text(json.dumps(meta_d))
        expected[name] = "damaged"
    meta = json.loads((good / "run.json").read_text())
    for name, change in (
        ("config_string", {"config": "oops"}),
        ("seed_string", {"seed": "abc"}),
        ("no_status", {"status": None}),
        ("params_list", {"config": {**meta["config"], "params": [1]}}),
    ):
        (copy(name) / "run.json").write_text(json.dumps({**meta, **change}))
        expected[name] = "damaged"
    (copy("failed") / "run.json").write_text(json.dumps({"status": "failed", "error": "Boom"}))
    expected["failed"] = "failed"
    (copy("missing_table") / "places.parquet").unlink()
    expected["missing_table"] = "damaged"
    return expected


def test_reports_list_every_bad_run_and_never_crash(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    expected = bad_directory(root)
    rs = collect_runs(root)
    found = {r: "counted" for r in rs.runs["rel"]}
    found |= {r: "damaged" for r in rs.damaged} | {r: "failed" for r in rs.failed}
    assert found == expected
    assert "events.parquet" in rs.damaged["truncated_table"]
    assert "unreadable" in rs.damaged["truncated_json"]  # not "never started"
    md = build_report(root)
    text = md.read_text()
    assert "**11 damaged**" in text and "**1 failed**" in text
    assert "truncated_table" in text
    proc = subprocess.run(
        [CSPSIM_REPORT, str(root), "--out", str(tmp_path / "rep")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 complete run(s) counted, 1 failed, 11 damaged" in proc.stdout


def test_manifest_lists_missing_runs(tmp_path: Path) -> None:
    from cspsim.output import MANIFEST, write_json_atomic

    root = tmp_path / "sweep"
    run_one(tiny_config(), root / "a")
    jobs = [{"subdir": s, "overrides": [], "arm": None} for s in ("a", "b")]
    write_json_atomic(root / MANIFEST, {"design": "grid", "jobs": jobs})
    (root / "c").mkdir()
    (root / "c" / "run.json").write_text("{")
    rs = collect_runs(root)
    assert list(rs.runs["rel"]) == ["a"] and rs.missing == ["b"]
    assert rs.unlisted == []  # c is damaged, not a complete run of an earlier sweep


# ----- the sweep: kill, corrupt a table, edit the city file, resume ------------------------


def sweep_command(files: dict[str, Path], sweep: Path, *extra: str) -> list[str]:
    return [
        CSPSIM_RUN,
        "-m",
        "sim=short",
        *file_city_overrides(files),
        "sim.days=400",
        "sim.burn_in_days=3",
        "seed=0,1,2,3",
        "hydra/launcher=basic",  # runs one after the other in the command's own process
        f"hydra.sweep.dir={sweep}",
        *extra,
    ]


def statuses(sweep: Path) -> dict[str, str]:
    out = {}
    for path in sweep.rglob("run.json"):
        if PREVIOUS not in path.parts:
            out[path.parent.name] = inspect_run(path.parent).status
    return out


@pytest.mark.slow  # three sweeps of four runs and a report: 25-50 s on 2 shared cores
def test_kill_corrupt_edit_and_resume(user_city, tmp_path: Path) -> None:
    sweep = tmp_path / "sweep"
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    cmd = sweep_command(user_city, sweep, "hydra.callbacks.report.enabled=false")
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline and list(statuses(sweep).values()).count("complete") < 1:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = statuses(sweep)
    complete = sorted(d for d, s in before.items() if s == "complete")
    assert complete and len(complete) < 4, before  # killed mid-way
    first = next(p.parent for p in sweep.rglob("run.json") if p.parent.name == complete[0])
    truncate(first / "events.parquet")
    edit_population(user_city["nodes"])

    done = subprocess.run(cmd[:-1] + ["hydra.callbacks.report.enabled=true"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    after = statuses(sweep)
    assert after == dict.fromkeys(after, "complete") and len(after) == 4, after
    new_hash = sha(user_city["nodes"])
    for path in sweep.rglob("run.json"):
        if PREVIOUS not in path.parts:
            assert read_run_json(path.parent)["inputs"]["city.nodes"]["sha256"] == new_hash  # type: ignore[index]
    kept = sorted(p.name.rsplit("-", 1)[-1] for p in sweep.rglob(f"{PREVIOUS}/*"))
    assert kept.count("damaged") == 1 and kept.count("stale") == len(complete) - 1
    report = (sweep / "report.md").read_text()
    assert "4 complete run(s) counted" in report and "damaged" not in report.split("##")[2]

    # Edit again and resume keeping stale runs: nothing runs, the runs are labelled.
    edit_back = user_city["nodes"].read_text().replace("a1,101,3900", "a1,101,3901")
    user_city["nodes"].write_text(edit_back)
    kept_run = subprocess.run(cmd + ["hydra.sweeper.reuse_stale=true"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    assert kept_run.returncode == 0, kept_run.stderr
    rs = collect_runs(sweep)
    assert len(rs.runs) == 4 and len(rs.reused_stale) == 4 and not rs.stale


def test_an_edited_user_strategy_file_is_redone_not_refused(tmp_path: Path) -> None:
    """Its config changed with the file: the same run, stale (not another run's directory)."""
    strategy = tmp_path / "mine.yaml"
    strategy.write_text("name: mine\npatrol:\n  hotspot_share: 0.05\n")
    inputs = {"config:strategy/mine.yaml": strategy}
    run_dir = tmp_path / "run"
    run_one(tiny_config(overrides=["strategy.patrol.hotspot_share=0.05"]), run_dir, inputs=inputs)
    strategy.write_text("name: mine\npatrol:\n  hotspot_share: 0.1\n")
    cfg = tiny_config(overrides=["strategy.patrol.hotspot_share=0.1"])
    state = inspect_run(run_dir, cfg, inputs)
    assert state.status == "stale" and state.same_config is True
    meta = run_one(cfg, run_dir, inputs=inputs)
    assert not meta.get("skipped") and meta["config"]["strategy"]["patrol"]["hotspot_share"] == 0.1


def test_damaged_manifest_and_jobs_of_another_config(tmp_path: Path) -> None:
    from cspsim.output import MANIFEST, write_json_atomic

    root = tmp_path / "sweep"
    run_one(tiny_config(), root / "a")
    run_one(tiny_config(seed=1), root / "b")
    (root / MANIFEST).write_text("[1, 2]")  # damaged: the directory is read as it is
    assert sorted(collect_runs(root).runs["rel"]) == ["a", "b"]
    jobs = [{"subdir": s, "overrides": [], "arm": None} for s in ("a", "b")]
    notes = {"other_config": {"b": "holds a complete run of another config"}}
    write_json_atomic(root / MANIFEST, {"design": "grid", "jobs": jobs, "notes": notes})
    for rs in (collect_runs(root), collect_runs(root, only=[root / "a", root / "b"])):
        assert list(rs.runs["rel"]) == ["a"] and list(rs.other_config) == ["b"]
