"""Every parameter changes some output (the bug class of a declared but ignored parameter).

The leaves of :class:`RunConfig` (model parameters, city, strategy, sim, modifiers, seed)
are enumerated with ``dataclasses.fields``, so a newly added parameter is covered
automatically: it is perturbed in a scenario where its mechanism is active and the run's
outputs (the four tables, and the city's map coordinates) must differ from the unperturbed
run. The generic perturbation halves a number (a zero becomes 0.3), flips a bool and
perturbs each element of a list of numbers separately; :data:`PERTURB` gives the values
that need more care (strings, lists of names, integers with a meaning) and
:data:`SCENARIO` the situation in which a parameter acts.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

import numpy as np
import pytest
from conftest import TABLES, file_city_overrides, tiny_config

from cspsim.api import collect, run_model
from cspsim.config import RunConfig
from cspsim.model import CommunitySafetyModel, default_config
from cspsim.model.components import components

# --------------------------------------------------------------------------- scenarios

#: Run length for these tests: 25 days, reviews and survey waves every 10 days; three times
#: the tiny city's crime (about 30 offences a day) so effects show in counts within the run.
RUN = [
    "sim.days=25",
    "sim.burn_in_days=3",
    "sim.review_period_days=10",
    "sim.survey_period_days=10",
    "city.base_crime_per_1000=100",
]

#: Scenario name -> (strategy, overrides). ``file*`` scenarios use the tiny user city.
SCENARIOS: dict[str, tuple[str, list[str]]] = {
    "reactive": ("reactive", []),
    # Ten times the crime: for mechanisms whose effect per offence is small (an arrest
    # changes one of the agent's k people), so their effect shows within a short run.
    "busy": ("reactive", ["city.base_crime_per_1000=330"]),
    "hotspot": ("hotspot", ["strategy.patrol.hotspot_places=0.25"]),
    "community": ("community_policing", []),
    "problem": (
        "problem_oriented",
        ["strategy.problem_solving.places=0.25", "strategy.problem_solving.ramp_days=20"],
    ),
    "pj": ("procedural_justice", []),
    # Programs filling the at-risk pool of one neighbourhood (engagement decides who joins
    # which program), with a short ramp and a short stay so alumni fade within the run, ten
    # times the crime so a few dozen participants move the counts, responders short of need.
    "programs": (
        "root_causes",
        [
            "strategy.programs.youth_jobs_share=0.3",
            "strategy.programs.job_training_share=0.3",
            "strategy.responders.budget_share=0.2",
            "params.costs.youth_jobs_place_day=8",
            "params.costs.job_training_place_day=4",
            "params.programs.ramp_days=5",
            "params.programs.duration_days=10",
            "city.base_crime_per_1000=330",
        ],
    ),
    # Place-randomized patrol trial among the top half of places.
    "trial": ("reactive", ["strategy.patrol.trial_places=8"]),
    # Hot spots with ten times the crime: the deterred offences that move next door show.
    "hotspot_busy": (
        "hotspot",
        ["strategy.patrol.hotspot_places=0.25", "city.base_crime_per_1000=330"],
    ),
    "watch": ("neighbourhood_watch", []),
    # A campaign reaches intensity/365 of residents a day: reporting by the exposed shows
    # only after months (full intensity, ten times the crime, 120 days).
    "watch_busy": (
        "neighbourhood_watch",
        ["strategy.education.intensity=1", "city.base_crime_per_1000=330", "sim.days=120"],
    ),
    "full": ("full_partnership", []),
    # A misconduct shock on day 0 sends collective efficacy down from its start value.
    "efficacy": (
        "reactive",
        [
            "city.base_crime_per_1000=330",
            "modifiers.misconduct_shock.day=0",
            "modifiers.misconduct_shock.trust_drop=0.5",
        ],
    ),
    "tension": ("reactive", ["modifiers.historical_tension.share=0.5"]),
    "misconduct": ("reactive", ["modifiers.misconduct_shock.day=5"]),
    "funding_cut": (
        "reactive",
        ["modifiers.funding_cut.day=5", "modifiers.funding_cut.fraction=0.3"],
    ),
    "rollout": (
        "hotspot",
        [
            "strategy.patrol.hotspot_places=0.25",
            "modifiers.rollout.start_day=5",
            "modifiers.rollout.treated_share=0.5",
        ],
    ),
    "file": ("reactive", ["@file"]),
    "file_island": ("reactive", ["@file", "@island", "city.disconnected=largest"]),
    "graphml": ("reactive", ["@graphml"]),
}

#: Where each parameter acts: exact path or a prefix ending in "." or "_"; the longest match wins;
#: everything else runs in ``reactive``.
SCENARIO: dict[str, str] = {
    "city.nodes": "file",
    "city.edges": "file",
    "city.id_column": "file",
    "city.population_column": "file",
    "city.crime_columns": "file",
    "city.crime_types": "file",
    "city.crime_period_days": "file",
    "city.neighbourhood_column": "file",
    "city.x_column": "file",
    "city.y_column": "file",
    "city.disadvantage_columns": "file",
    "city.contiguity": "file",
    "city.disconnected": "file_island",
    "city.graphml": "graphml",
    "strategy.equal_budget": "full",
    "strategy.patrol.hotspot_share": "hotspot",
    "strategy.patrol.hotspot_places": "hotspot",
    "strategy.patrol.trial_": "trial",
    "strategy.patrol.foot_negative_multiplier": "community",
    "strategy.patrol.foot_stop_multiplier": "community",
    "strategy.meetings.": "community",
    "strategy.meetings.transparency": "full",
    "strategy.problem_solving.": "problem",
    "strategy.procedural_justice.": "pj",
    "strategy.programs.": "programs",
    "strategy.programs.targeting": "programs",
    "strategy.responders.": "programs",
    "strategy.watch.": "watch",
    "strategy.education.": "watch",
    "strategy.review.": "full",
    "sim.review_period_days": "hotspot",
    "params.contacts.foot_": "community",
    "params.contacts.negative_probability_informal": "community",
    "params.crime.watch_effect": "watch",
    "params.crime.displacement": "hotspot_busy",
    "params.crime.specific_deterrence": "busy",
    "params.crime.offender_travel": "busy",
    "params.crime.collective_efficacy_effect": "efficacy",
    "params.crime.incapacitation_days": "busy",
    "params.reporting.education_effect": "watch_busy",
    "params.programs.": "programs",
    "params.engagement.meeting_": "community",
    "params.engagement.engagement_relaxation": "community",
    "params.engagement.education_engagement_gain": "watch",
    "params.engagement.watch_participation": "watch",
    "params.costs.": "full",
    "params.costs.officer_hour": "reactive",
    "params.costs.youth_jobs_place_day": "programs",
    "params.costs.job_training_place_day": "programs",
    "params.costs.mental_health_hour": "programs",
    "modifiers.historical_tension.trust_drop": "tension",
    "modifiers.misconduct_shock.trust_drop": "misconduct",
    "modifiers.misconduct_shock.neighbourhoods": "misconduct",
    "modifiers.funding_cut.": "funding_cut",
    "modifiers.rollout.": "rollout",
}

#: Perturbed values where halving / flipping does not apply or would not bite.
PERTURB: dict[str, Any] = {
    "seed": 1,
    "city.kind": "columbus",
    "city.residents": 600,
    "city.places": 12,
    "city.topology": "small_world",
    "city.neighbourhood_size": 2,
    "city.nodes": "@nodes2",
    "city.edges": "@edges2",
    "city.graphml": "@graphml2",
    "city.id_column": "code",  # the edges name places by "id": the run must fail
    "city.population_column": "pop2",
    "city.crime_columns": ["theft", "robbery", "vandal"],
    "city.crime_types": ["property", "violent", "disorder"],
    "city.neighbourhood_column": None,
    "city.x_column": "east",
    "city.y_column": "north",
    "city.disadvantage_columns": ["rent"],
    "city.contiguity": "rook",
    "city.disconnected": "error",  # the island makes the run fail
    "strategy.patrol.mode": "hotspot",
    "strategy.patrol.hotspot_places": 0.1,  # 4 -> 2 of 16 places
    "strategy.programs.targeting": "concerns",
    "sim.days": 15,
    "sim.burn_in_days": 10,
    "sim.review_period_days": 5,
    "sim.survey_period_days": 5,
    "sim.daily_budget": 5000.0,
    "params.survey.sample_size": 200,
    # Enrolment is a Gumbel top-k draw: halving the engagement weight can leave the same
    # residents on top; a strong weight makes the most engaged win.
    "params.programs.engagement_enrol_effect": 8.0,
    "modifiers.historical_tension.neighbourhoods": ["nb1"],
    "modifiers.misconduct_shock.day": 5,
    "modifiers.misconduct_shock.neighbourhoods": ["nb1"],
    "modifiers.funding_cut.day": 10,
    "modifiers.rollout.start_day": 10,
    "modifiers.rollout.treated": ["nb1"],
}

#: Parameters that by design change no output. Keep this list short and explain each.
EXEMPT: dict[str, str] = {
    # A label: it is written to run.json (test_cli) and, by design, a renamed baseline must
    # reproduce the baseline exactly (test_reproducibility).
    "strategy.name": "label only",
}


# --------------------------------------------------------------------------- enumeration


def leaves(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every leaf of a dataclass tree; numeric lists element by element."""
    out: list[tuple[str, Any]] = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        path = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            out.extend(leaves(value, path + "."))
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and path not in PERTURB
        ):
            out.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
        else:
            out.append((path, value))
    return out


ALL_PATHS = [path for path, _ in leaves(default_config())]
#: A component's settings not listed in SCENARIO act in the component's own ``example``
#: (the settings that switch it on): a new component is covered without editing this file.
EXAMPLE = "@example:"


def scenario_of(path: str) -> str:
    base = path.split("[")[0]
    best = ""
    for key in SCENARIO:
        prefix = key.endswith((".", "_")) and base.startswith(key)
        if (base == key or prefix) and len(key) > len(best):
            best = key
    if best:
        return SCENARIO[best]
    group, _, rest = base.partition(".")
    key, _, name = rest.partition(".")
    owner = [c for c in components(group)] if group in ("strategy", "modifiers") else []
    cls = next((c for c in owner if c.key == key), None)
    # A switch of the example itself is perturbed from the default (off) instead.
    if cls is not None and name not in cls.example:
        return f"{EXAMPLE}{group}.{key}"
    return "reactive"


def example_overrides(name: str) -> list[str]:
    """Overrides that switch on the component named in an ``@example:`` scenario."""
    group, key = name.removeprefix(EXAMPLE).split(".")
    cls = next(c for c in components(group) if c.key == key)
    return [f"{group}.{key}.{k}={v}" for k, v in cls.example.items()]


_PATH = re.compile(r"(\w+)(?:\[(\d+)\])?")


def get_path(cfg: Any, path: str) -> Any:
    obj = cfg
    for name, idx in _PATH.findall(path):
        obj = getattr(obj, name)
        if idx:
            obj = obj[int(idx)]
    return obj


def set_path(cfg: Any, path: str, value: Any) -> None:
    parts = _PATH.findall(path)
    obj = cfg
    for name, idx in parts[:-1]:
        obj = getattr(obj, name)
        if idx:
            obj = obj[int(idx)]
    name, idx = parts[-1]
    if idx:
        getattr(obj, name)[int(idx)] = value
    else:
        setattr(obj, name, value)


def perturbed(path: str, value: Any) -> Any:
    if path in PERTURB:
        return PERTURB[path]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value * 2 if value else 1
    if isinstance(value, float):
        return value * 0.5 if value else 0.3
    raise AssertionError(f"{path}: no generic perturbation for {value!r}; add it to PERTURB")


# --------------------------------------------------------------------------- running

_SCENARIO_CACHE: dict[str, RunConfig] = {}
_BASE_CACHE: dict[str, Any] = {}


def resolve(value: Any, files: dict) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return str(files[value[1:]])
    return value


def scenario_config(name: str, files: dict) -> RunConfig:
    if name not in _SCENARIO_CACHE and name.startswith(EXAMPLE):
        _SCENARIO_CACHE[name] = tiny_config(overrides=RUN + example_overrides(name))
    if name not in _SCENARIO_CACHE:
        strategy, overrides = SCENARIOS[name]
        plain = [o for o in overrides if not o.startswith("@")]
        if "@file" in overrides:
            plain = file_city_overrides(files) + plain
        if "@island" in overrides:
            plain.append(f"city.nodes={files['nodes_island']}")
        if "@graphml" in overrides:
            plain += ["city.kind=file", f"city.graphml={files['graphml']}"]
        _SCENARIO_CACHE[name] = tiny_config(strategy, overrides=RUN + plain)
    return copy.deepcopy(_SCENARIO_CACHE[name])


def outputs(cfg: RunConfig) -> dict[str, Any]:
    """The run's outputs: its tables and the city's map coordinates (or the error)."""
    try:
        model = CommunitySafetyModel(cfg)
        step = run_model(model)
    except ValueError as exc:  # ConfigError, CityDataError
        return {"error": f"{type(exc).__name__}: {exc}"}
    res = collect(model, 0.0, step)
    out: dict[str, Any] = {t: getattr(res, t) for t in TABLES}
    out["map"] = np.concatenate([model.city.x, model.city.y])
    return out


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, np.ndarray):
            if not np.array_equal(x, y):
                return False
        elif hasattr(x, "equals"):
            if not x.equals(y):
                return False
        elif x != y:
            return False
    return True


def baseline(name: str, files: dict) -> dict[str, Any]:
    if name not in _BASE_CACHE:
        out = outputs(scenario_config(name, files))
        assert "error" not in out, f"scenario {name} fails: {out['error']}"
        _BASE_CACHE[name] = out
    return _BASE_CACHE[name]


# --------------------------------------------------------------------------- tests


def test_special_tables_name_existing_parameters():
    base_paths = {p.split("[")[0] for p in ALL_PATHS}
    for table in (SCENARIO, PERTURB, EXEMPT):
        for key in table:
            if key.endswith((".", "_")):
                assert any(p.startswith(key) for p in base_paths), key
            else:
                assert key in base_paths, f"{key}: no such parameter (stale entry?)"


@pytest.mark.parametrize("path", [p for p in ALL_PATHS if p not in EXEMPT])
def test_every_parameter_changes_some_output(path, city_files):
    name = scenario_of(path)
    cfg = scenario_config(name, city_files)
    before = get_path(cfg, path)
    after = resolve(perturbed(path, before), city_files)
    assert after != before, f"{path}: perturbation leaves {before!r} unchanged"
    set_path(cfg, path, after)
    out = outputs(cfg)
    assert not same(out, baseline(name, city_files)), (
        f"{path}: changing {before!r} -> {after!r} (scenario {name!r}) changes no output"
    )


def test_scenarios_are_active(city_files):
    """The scenarios do switch their mechanisms on (else a test above proves little)."""
    ts = {n: baseline(n, city_files)["timeseries"] for n in ("programs", "community", "busy")}
    assert ts["programs"]["program_enrolled"].max() > 0
    assert ts["community"]["meetings"].sum() > 0
    busy, reactive = ts["busy"]["arrests"].sum(), baseline("reactive", city_files)["timeseries"]
    assert busy > 2 * reactive["arrests"].sum()
