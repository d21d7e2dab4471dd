"""Issue 9, defect 6 (invalid values ran to "complete"): a fuzzer over every config leaf.

For every leaf of :func:`cspsim.model.default_config` hypothesis draws a value that must be
refused: outside the leaf's range (declared, or from its unit for a model parameter), not
finite (NaN, infinity, also inside lists and mappings), a list of the wrong length, or of the
wrong type. The checker must raise a :class:`~cspsim.errors.ConfigError` naming the leaf; a
few drawn overrides go through ``cspsim-run`` on a tiny city and must leave a ``run.json``
with ``status: failed`` naming the leaf (wrong types too, which fail while Hydra composes).
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import subprocess
import sys
import typing
from dataclasses import Field
from pathlib import Path
from typing import Any

import pytest
from conftest import TINY_CITY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspsim.config.checks import bounds_of, check_config, walk
from cspsim.errors import ConfigError
from cspsim.model import default_config

CSPSIM_RUN = str(Path(sys.executable).with_name("cspsim-run"))
TINY = ["city=synthetic", "sim=short", *TINY_CITY, "sim.burn_in_days=2", "sim.days=5"]
NON_FINITE = (math.nan, math.inf, -math.inf)

DEFAULT = default_config()
#: ``(path, field, default value, type hint)`` of every leaf.
LEAVES: list[tuple[str, Field, Any, Any]] = list(walk(DEFAULT, ""))


def _base(hint: Any) -> Any:
    """The annotation without ``None`` (``str | None`` -> ``str``)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, __import__("types").UnionType) and len(args) == 1:
        return args[0]
    return hint


def _numeric(hint: Any) -> bool:
    return _base(hint) in (int, float)


def out_of_range(path: str, f: Field, value: Any, hint: Any) -> st.SearchStrategy | None:
    """Numbers outside a numeric leaf's range (None when it has no bound)."""
    b = bounds_of(path, f)
    if "choices" in b:
        return st.text(min_size=1, max_size=8).filter(lambda s: s not in b["choices"])
    gap = st.floats(min_value=1e-3, max_value=1e6)
    options = []
    if "low" in b:
        options.append(gap.map(lambda d: b["low"] - d))
    if "low_open" in b:
        options.append(gap.map(lambda d: b["low_open"] - d) | st.just(b["low_open"]))
    if "high" in b:
        options.append(gap.map(lambda d: b["high"] + d))
    if "high_open" in b:
        options.append(gap.map(lambda d: b["high_open"] + d) | st.just(b["high_open"]))
    if not options:
        return None
    numbers = st.one_of(options)
    if _base(hint) is int:
        numbers = numbers.map(math.floor).filter(lambda v: _outside(v, b))
    if isinstance(value, list):
        return numbers.map(lambda v: [v, *value[1:]])
    return numbers


def _outside(v: float, b: dict[str, Any]) -> bool:
    return (
        ("low" in b and v < b["low"])
        or ("low_open" in b and v <= b["low_open"])
        or ("high" in b and v > b["high"])
        or ("high_open" in b and v >= b["high_open"])
    )


def non_finite(value: Any, hint: Any) -> st.SearchStrategy | None:
    """NaN or infinity in a numeric leaf (in a list: one of its items; a mapping: a value)."""
    bad = st.sampled_from(NON_FINITE)
    inner = typing.get_args(_base(hint))
    if _base(hint) is float:
        return bad
    if isinstance(value, list) and inner and inner[0] in (int, float):
        if not value:
            return bad.map(lambda v: [v])
        return st.tuples(bad, st.integers(0, len(value) - 1)).map(
            lambda t: [t[0] if i == t[1] else x for i, x in enumerate(value)]
        )
    if typing.get_origin(_base(hint)) is dict and len(inner) == 2 and inner[1] is float:
        return bad.map(lambda v: {"a": v})
    return None


def wrong_length(path: str, value: Any) -> st.SearchStrategy | None:
    """A per-type parameter list with one value too many or too few."""
    if not (path.startswith("params.") and isinstance(value, list) and value):
        return None
    return st.sampled_from([value[:-1], [*value, value[-1]]])


def wrong_types(hint: Any) -> list[Any]:
    """Values of other types than the annotation allows."""
    base = _base(hint)
    origin = typing.get_origin(base)
    if base is bool:
        return ["yes", 2, 0.5]
    if base is int:
        return [1.5, "abc", True, [1]]
    if base is float:
        return ["abc", True, None, [1.0]]
    if base is str:
        return [5, 1.5, ["a"], True]
    if origin in (list, tuple):
        return ["abc", 5, {"a": 1}]
    if origin is dict:
        return ["abc", [1], 5]
    return [object()]


def wrong_type(hint: Any) -> st.SearchStrategy:
    """A value of another type than the annotation allows."""
    return st.sampled_from(wrong_types(hint))


def bad_values(path: str, f: Field, value: Any, hint: Any) -> st.SearchStrategy:
    """Every kind of invalid value the leaf can take."""
    kinds = [
        s
        for s in (
            out_of_range(path, f, value, hint)
            if _numeric(hint) or "choices" in f.metadata
            else (out_of_range(path, f, value, hint) if isinstance(value, list) else None),
            non_finite(value, hint),
            wrong_length(path, value),
        )
        if s is not None
    ]
    return st.one_of([*kinds, wrong_type(hint)])


def set_leaf(cfg: Any, path: str, value: Any) -> None:
    *parents, name = path.split(".")
    node = cfg
    for part in parents:
        node = getattr(node, part)
    setattr(node, name, value)


def test_every_leaf_is_drawn() -> None:
    """The fuzzer covers the whole config (a new setting is fuzzed without editing it)."""
    groups = {path.split(".")[0] for path, *_ in LEAVES}
    assert groups == {"seed", "city", "strategy", "sim", "params", "modifiers"}
    assert len(LEAVES) > 200


def test_defaults_pass() -> None:
    check_config(copy.deepcopy(DEFAULT))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_checker_names_every_bad_leaf(data: st.DataObject) -> None:
    path, f, value, hint = data.draw(st.sampled_from(LEAVES), label="leaf")
    bad = data.draw(bad_values(path, f, value, hint), label="value")
    cfg = copy.deepcopy(DEFAULT)
    set_leaf(cfg, path, bad)
    with pytest.raises(ConfigError) as info:
        check_config(cfg)
    assert path in str(info.value), str(info.value)


@pytest.mark.parametrize("path", [p for p, *_ in LEAVES])
def test_each_leaf_refuses_non_finite_or_wrong_type(path: str) -> None:
    """Deterministic sweep: one non-finite (or wrong-type) value for every single leaf."""
    _, f, value, hint = next(leaf for leaf in LEAVES if leaf[0] == path)
    strategy = non_finite(value, hint)
    bad = NON_FINITE[0] if _base(hint) is float else wrong_types(hint)[0]
    if strategy is not None and isinstance(value, list):
        bad = [math.nan, *value[1:]] if value else [math.nan]
    cfg = copy.deepcopy(DEFAULT)
    set_leaf(cfg, path, bad)
    with pytest.raises(ConfigError, match=path.replace(".", r"\.")):
        check_config(cfg)


def _has_upper_bound(path: str, f: Field, value: Any) -> bool:
    b = bounds_of(path, f)
    return any(k in b for k in ("high", "high_open", "choices"))


NUMERIC_LEAVES = [
    (path, f, value, hint)
    for path, f, value, hint in LEAVES
    if _numeric(hint)
    or (isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value))
]


def test_every_number_has_an_upper_bound() -> None:
    """Declared, from the unit or path (multipliers, counts per month, dollars, days...)."""
    assert len(NUMERIC_LEAVES) > 150
    missing = [p for p, f, v, _ in NUMERIC_LEAVES if not _has_upper_bound(p, f, v)]
    assert not missing, missing


@pytest.mark.parametrize("path", [p for p, *_ in NUMERIC_LEAVES])
def test_each_number_refuses_a_huge_value(path: str) -> None:
    """1e300 (finite, of the right type) is refused for every number, named with its range."""
    _, f, value, hint = next(leaf for leaf in NUMERIC_LEAVES if leaf[0] == path)
    huge: Any = int(1e300) if _base(hint) is int else 1e300
    if isinstance(value, list):
        huge = [huge if isinstance(value[0], float) else int(1e300), *value[1:]]
    cfg = copy.deepcopy(DEFAULT)
    set_leaf(cfg, path, huge)
    with pytest.raises(ConfigError, match=path.replace(".", r"\.") + ": expected") as info:
        check_config(cfg)
    assert re.search(r"(in \[|<=? )-?\d", str(info.value)), str(info.value)  # the range


@pytest.fixture(scope="module")
def compose_run_config() -> Any:
    """Overrides -> the checked run config, as ``cspsim-run`` makes it (no run)."""
    from hydra import compose, initialize_config_dir

    from cspsim.cli.run import to_run_config
    from cspsim.paths import CONFIG_DIR

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):

        def make(line: str) -> None:
            cfg = to_run_config(compose("config", overrides=[*TINY, line]))
            check_config(cfg)

        yield make


#: The issue's invalid values (defect 6) and the audit's unbounded ones: (override, range).
ISSUE_VALUES = [
    ("modifiers.funding_cut.fraction=2", "in [0, 1]"),
    ("modifiers.misconduct_shock.trust_drop=-3", "in [0, 1]"),
    ("modifiers.historical_tension.share=1.5", "in [0, 1]"),
    ("modifiers.rollout.treated_share=3", "in [0, 1]"),
    ("sim.daily_budget=nan", "finite"),
    ("sim.daily_budget=-100", "in [0, 1000000000]"),
    ("sim.daily_budget=inf", "finite"),
    ("sim.daily_budget=1e300", "in [0, 1000000000]"),
    ("sim.survey_period_days=-5", "in [1, 36525]"),
    ("strategy.meetings.per_month=nan", "finite"),
    ("strategy.meetings.per_month=1e9", "in [0, 100]"),
    ("strategy.community_events.per_month=101", "in [0, 100]"),
    ("sim.review_period_days=0", "in [1, 36525]"),
    ("strategy.patrol.stop_multiplier=inf", "finite"),
    ("strategy.patrol.stop_multiplier=1e300", "in [0, 100]"),
    ("strategy.patrol.trial_dosage=1000", "in [0, 100]"),
    ("strategy.procedural_justice.training_hours=9000", "in [0, 8760]"),
    ("params.police.officer_hours_per_1000=inf", "finite"),
    ("params.police.officer_hours_per_1000=1e300", ">= 0 and <= 1000"),
    ("params.costs.meeting=1e12", ">= 0 and <= 1000000000"),
    ("params.contacts.group_stop_bias=-50", ">= -20 and <= 20"),
    ("modifiers.funding_cut.day=100000", "in [-1, 36525]"),
    ("seed=10000000000000000000", "in [0, 9223372036854775807]"),
]


@pytest.mark.parametrize(("line", "allowed"), ISSUE_VALUES)
def test_issue_values_are_refused_naming_field_and_range(
    line: str, allowed: str, compose_run_config: Any
) -> None:
    path = line.partition("=")[0]
    with pytest.raises(ConfigError) as info:
        compose_run_config(line)
    message = str(info.value)
    assert message.startswith(f"{path}: expected"), message
    assert allowed in message, message


def test_ceilings_keep_every_shipped_value(compose_run_config: Any) -> None:
    """The bounds refuse typos, not scenarios: shipped strategies and sizes still pass."""
    from cspsim.paths import strategy_names

    for name in strategy_names():
        compose_run_config(f"strategy={name}")
    for line in ("city.residents=1000000000", "sim.days=10000000", "seed=4294967295"):
        compose_run_config(line)  # what a machine can hold is the resource check's


# ----- through cspsim-run: run.json with status failed -----------------------------------


def _text(v: Any) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, list):
        return "[" + ",".join(_text(x) for x in v) + "]"
    return str(v)


#: Leaves whose bad values can be written as a command-line override (numbers and choices).
CLI_LEAVES = [
    leaf
    for leaf in LEAVES
    if _numeric(leaf[3])
    or "choices" in leaf[1].metadata
    or (isinstance(leaf[2], list) and leaf[2] and isinstance(leaf[2][0], float))
]
#: Wrong-type overrides: a word where a number, flag or list is expected.
WRONG_TYPE_TEXT = {int: "abc", float: "abc", bool: "maybe"}


def run_override(tmp: Path, line: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    out = tmp / "run"
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    proc = subprocess.run(
        [CSPSIM_RUN, *TINY, line, f"hydra.run.dir={out}"],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    meta = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else None
    return proc, meta


def _assert_failed(proc: subprocess.CompletedProcess, meta: dict | None, path: str) -> None:
    message = proc.stdout + proc.stderr
    assert proc.returncode == 2, message
    assert meta is not None, f"no run.json:\n{message}"
    assert meta["status"] == "failed"
    assert path in meta["error"], meta["error"]
    assert "Traceback" not in message, message


@pytest.mark.slow
@settings(max_examples=4, deadline=None, derandomize=True)
@given(data=st.data())
def test_cli_out_of_range_and_non_finite_write_a_failed_run_json(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path, f, value, hint = data.draw(st.sampled_from(CLI_LEAVES), label="leaf")
    kinds = [
        s for s in (out_of_range(path, f, value, hint), non_finite(value, hint)) if s is not None
    ]
    bad = data.draw(st.one_of(kinds), label="value")
    proc, meta = run_override(tmp_path_factory.mktemp("fuzz"), f"{path}={_text(bad)}")
    _assert_failed(proc, meta, path)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("modifiers.funding_cut.fraction", "2"),
        ("sim.daily_budget", "inf"),
        ("sim.daily_budget", "1e300"),
        ("strategy.patrol.stop_multiplier", "1e300"),  # was: ValueError lam value too large
        ("strategy.meetings.per_month", "nan"),
        ("params.reporting.base_probability", "[0.4,0.3,0.2,0.02,0.1]"),
        ("city.base_crime_per_1000", "nan"),
        ("sim.days", "abc"),  # a wrong type: fails while Hydra composes
        ("strategy.equal_budget", "maybe"),
        ("params.survey.sample_size", "1.5"),
    ],
)
def test_cli_bad_values_from_the_issue_write_a_failed_run_json(
    path: str, text: str, tmp_path: Path
) -> None:
    proc, meta = run_override(tmp_path, f"{path}={text}")
    _assert_failed(proc, meta, path)


@pytest.mark.slow
@settings(max_examples=4, deadline=None, derandomize=True)
@given(data=st.data())
def test_cli_wrong_types_write_a_failed_run_json(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    typed = [leaf for leaf in CLI_LEAVES if _base(leaf[3]) in WRONG_TYPE_TEXT]
    path, _, _, hint = data.draw(st.sampled_from(typed), label="leaf")
    proc, meta = run_override(
        tmp_path_factory.mktemp("fuzz"), f"{path}={WRONG_TYPE_TEXT[_base(hint)]}"
    )
    _assert_failed(proc, meta, path)


def test_sweep_with_a_wrong_type_is_refused_before_any_run(tmp_path: Path) -> None:
    """``sim.days=abc,5`` ran the good job and recorded the other; now nothing runs (exit 2)."""
    sweep = tmp_path / "sweep"
    proc = subprocess.run(
        [CSPSIM_RUN, "-m", *TINY[:-1], "sim.days=abc,5", "hydra/launcher=basic",
         f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "sim.days=abc: expected an integer" in proc.stderr
    assert not sweep.exists()


def test_sweep_job_that_cannot_start_fails_alone_and_the_sweep_exits_1(tmp_path: Path) -> None:
    """A job only the sweeper can find wrong is recorded; the others run; exit status 1.

    With ``hydra.searchpath`` set, group options are not checked before the sweep (another
    directory may hold them), so ``strategy=nosuch`` reaches the sweeper. It exited 0.
    """
    sweep = tmp_path / "sweep"
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    env.pop("CSPSIM_SWEEP_PID", None)
    proc = subprocess.run(
        [CSPSIM_RUN, "-m", *TINY[:-1], "strategy=reactive,nosuch", "hydra/launcher=basic",
         f"hydra.searchpath=[file://{tmp_path}]", "hydra.callbacks.report.enabled=false",
         f"hydra.sweep.dir={sweep}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "1 run failed" in proc.stderr and "strategy=nosuch (cannot start)" in proc.stderr
    metas = {p.parent.name: json.loads(p.read_text()) for p in sweep.rglob("run.json")}
    assert metas["strategy=nosuch"]["status"] == "failed"
    assert "strategy/nosuch" in metas["strategy=nosuch"]["error"]
    assert metas["strategy=reactive"]["status"] == "complete"


#: Values the checker accepted but the model crashed on (a probe ran every parameter at 0
#: and 1): each is refused now, naming the parameter.
CRASHED = [
    ("params.crime.at_risk_share", 0.0),
    ("params.contacts.at_risk_stop_ratio", 0.0),
    ("params.residents.trust_concentration", 0.0),
    ("params.legitimacy.recent_half_life_days", 0.0),
    ("params.legitimacy.good_learning_half_life_days", 0.0),
    ("params.legitimacy.cynicism_half_life_days", 0.0),
    ("params.legitimacy.response_expected_minutes", 0.0),
    ("params.legitimacy.permanent_share_bad", 1.0),
    ("params.partners.strength_half_life_days", 0.0),
    ("params.voice.victim_memory_half_life_days", 0.0),
    ("params.costs.youth_jobs_place_day", 0.0),
    ("params.costs.job_training_place_day", 0.0),
    ("params.costs.mental_health_hour", 0.0),
]


@pytest.mark.parametrize(("path", "value"), CRASHED)
def test_values_the_model_cannot_run_are_refused(path: str, value: float) -> None:
    from cspsim.api import make_config

    with pytest.raises(ConfigError, match=re.escape(path)):
        check_config(make_config(city="synthetic", overrides=[f"{path}={value}"]))


def _ends(path: str) -> list[float]:
    """0 and 1 where the checker accepts them (the values a probe found crashes at)."""
    from cspsim.api import make_config

    out = []
    for value in (0.0, 1.0):
        try:
            check_config(make_config(city="synthetic", overrides=[f"{path}={value}"]))
        except ConfigError:
            continue
        out.append(value)
    return out


SCALAR_PARAMS = [
    path for path, _, value, _ in LEAVES
    if path.startswith("params.") and isinstance(value, float)
]  # fmt: skip


@pytest.mark.slow  # about 600 runs of 8 days on a tiny city: 1-2 min
@pytest.mark.parametrize("path", SCALAR_PARAMS)
def test_every_parameter_accepted_at_0_or_1_runs(path: str) -> None:
    """Whatever the checker accepts, the model runs: no crash and no NumPy warning."""
    import warnings

    from cspsim import simulate

    for value in _ends(path):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            simulate(
                city="synthetic",
                strategy="full_partnership",
                days=8,
                overrides=["city.residents=600", "city.places=9", f"{path}={value}"],
            )
