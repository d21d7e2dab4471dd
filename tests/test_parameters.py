"""Every parameter changes some output (the bug class of a declared but ignored parameter).

The leaves of :class:`RunConfig` (model parameters, city, strategy, sim, modifiers, seed)
are enumerated with ``dataclasses.fields``, so a newly added parameter is covered
automatically: it is perturbed in a scenario where its mechanism is active and the run's
outputs (the four tables, and the city's map coordinates) must differ from the unperturbed
run. The generic perturbation halves a number (a zero becomes 0.3), flips a bool and
perturbs each element of a list of numbers separately; :data:`PERTURB` gives the values
that need more care (strings, lists of names, integers with a meaning) and
:data:`SCENARIO` the situation in which a parameter acts. ``file*`` and ``gis*`` scenarios
read tiny user cities written by conftest (``city_files``, ``gis_files``); a value
``@name`` is the path of file ``name``. :data:`GIS_SHARED` checks the options ``city=file``
and ``city=gis`` share once more under ``city=gis``.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from conftest import (
    GIS_DATED_INCIDENTS,
    TABLES,
    file_city_overrides,
    gis_city_overrides,
    tiny_config,
)

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
    # Frequent meetings and reviews with transparency: problems are raised, judged and
    # reported within the run.
    "voice": (
        "community_policing",
        [
            "strategy.meetings.per_month=15",
            "strategy.meetings.transparency=true",
            "params.voice.acted_presence_ratio=1.05",
            "sim.days=60",
            "city.base_crime_per_1000=330",
        ],
    ),
    # Many complaints, reviewed, with an anonymous channel and rights education.
    "accountability": (
        "zero_tolerance",
        [
            "strategy.feedback_channel.anonymous=true",
            "strategy.feedback_channel.review_complaints=true",
            "strategy.rights_education.intensity=1",
            "params.accountability.complaint_probability=0.5",
            "sim.days=60",
        ],
    ),
    # Partners at work: programs, problem solving, business liaison, frequent events.
    "partners": (
        "full_partnership",
        ["strategy.community_events.per_month=10", "sim.days=60", "city.base_crime_per_1000=330"],
    ),
    # Households moving once a year (the highest rate allowed) among 1,000 agents with ten
    # times the crime: a few households move each day, more where crime rose (residential
    # stability). Movers are a binomial count per place, and only settled households (5
    # years or more) count for stability: a change of the crime effect shows within 120
    # days, not within 25.
    "moving": (
        "reactive",
        [
            "city.residents_per_agent=1",
            "params.legitimacy.mobility_per_year=1",
            "city.base_crime_per_1000=330",
            "sim.days=120",
        ],
    ),
    # A deep funding cut: calls exceed the hours to answer them.
    "overload": (
        "reactive",
        [
            "modifiers.funding_cut.day=2",
            "modifiers.funding_cut.fraction=0.97",
            "city.base_crime_per_1000=330",
        ],
    ),
    # A shock that a fast-moving legal cynicism writes into the neighbourhoods' frame.
    "cynicism": (
        "reactive",
        [
            "modifiers.misconduct_shock.day=0",
            "modifiers.misconduct_shock.trust_drop=0.8",
            "params.legitimacy.cynicism_half_life_days=5",
            "params.legitimacy.mobility_per_year=1",
            "sim.days=40",
        ],
    ),
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
    # A cut while the full partnership runs: how it is shared between officer-hours and the
    # components' spending (and so their joint work with partners).
    "partnership_cut": (
        "full_partnership",
        ["modifiers.funding_cut.day=2", "modifiers.funding_cut.fraction=0.3"],
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
    # ``gis*``: the tiny GIS city of conftest.gis_files (4x4 grid of 1 km squares);
    # ``key=@name`` names one of its files. Counts of two periods, one builds the city.
    "gis": (
        "reactive",
        [
            "@gis",
            "city.neighbourhood_column=beat",
            "city.crime_types=[violent,property]",
            "city.crime_periods={early: [v_early, p_early], late: [v_late, p_late]}",
            "city.period_days={early: 30, late: 60}",
            "city.calibration_periods=[early]",
        ],
    ),
    # A shapefile without .prj: city.crs says what its coordinates are. Counts of one
    # period by city.crime_columns.
    "gis_nocrs": (
        "reactive",
        [
            "@gis",
            "city.areas=@areas_nocrs",
            "city.layer=null",
            "city.crs=EPSG:32610",
            "city.crime_columns=[v_early,p_early]",
            "city.crime_types=[violent,property]",
            "city.crime_period_days=30",
        ],
    ),
    # The grid and an island 2 km east of it, dropped.
    "gis_island": ("reactive", ["@gis", "city.layer=island", "city.disconnected=largest"]),
    "gis_table": (
        "reactive",
        [
            "@gis",
            "city.population_table=@population",
            "city.population_table_id_column=GEOID",
            "city.population_column=total_pop",
        ],
    ),
    # Dated incidents (lon/lat found by name), keyword types, "CODE 10" by type_map,
    # "LOST PROPERTY" dropped; built from 2019 (December), 2020 and 2021 held back.
    "gis_incidents": (
        "reactive",
        [
            "@gis",
            "city.incidents=@incidents",
            *GIS_DATED_INCIDENTS,
        ],
    ),
    # The same incidents by projected x/y columns, undated (30 days).
    "gis_xy": (
        "reactive",
        [
            "@gis",
            "city.incidents=@incidents",
            "city.incident_type_column=category",
            "city.incident_x_column=east",
            "city.incident_y_column=north",
            "city.incident_crs=EPSG:32610",
            "city.type_map={CODE 10: violent}",
            "city.unmapped=ignore",
            "city.crime_period_days=30",
        ],
    ),
    # The grid's first row with the whole grid's incidents: most fall outside it.
    "gis_part": (
        "reactive",
        [
            "@gis",
            "city.layer=row",
            "city.incidents=@incidents",
            *GIS_DATED_INCIDENTS,
            "city.incidents_outside=ignore",
        ],
    ),
    # Beats by overlay: West and East halves, and a small Core beat inside place r1c1.
    "gis_beats": (
        "reactive",
        ["@gis", "city.neighbourhoods=@beats", "city.neighbourhood_name_column=beat"],
    ),
    # Partners at work in the GIS city (as "partners"): business associations sit at the
    # most commercial places and, as their partnership grows, guard them (process 6b).
    "gis_partners": (
        "full_partnership",
        [
            "@gis",
            "strategy.community_events.per_month=10",
            "sim.days=60",
            "city.base_crime_per_1000=330",
        ],
    ),
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
    "city.areas": "gis",
    "city.layer": "gis",
    "city.population_scale": "gis",
    "city.crime_periods": "gis",
    "city.period_days": "gis",
    "city.calibration_periods": "gis",
    "city.crs": "gis_nocrs",
    "city.population_table": "gis_table",
    "city.population_table_id_column": "gis_table",
    "city.incidents": "gis_incidents",
    "city.incident_type_column": "gis_incidents",
    "city.incident_date_column": "gis_incidents",
    "city.incident_date_format": "gis_incidents",
    "city.type_map": "gis_incidents",
    "city.type_keywords": "gis_incidents",
    "city.unmapped": "gis_incidents",
    "city.incidents_outside": "gis_part",
    "city.calibration_years": "gis_incidents",
    "city.incident_x_column": "gis_xy",
    "city.incident_y_column": "gis_xy",
    "city.incident_crs": "gis_xy",
    "city.neighbourhoods": "gis_beats",
    "city.neighbourhood_name_column": "gis_beats",
    "city.neighbourhood_method": "gis_beats",
    "city.commercial_column": "gis_partners",
    # Built from population and disadvantage alone: the gis scenario's counts held back.
    "city.withhold_crime": "gis",
    "strategy.equal_budget": "full",
    "strategy.patrol.hotspot_share": "hotspot",
    "strategy.patrol.hotspot_places": "hotspot",
    "strategy.patrol.trial_": "trial",
    "strategy.patrol.foot_negative_multiplier": "community",
    "strategy.patrol.foot_stop_multiplier": "community",
    "strategy.meetings.": "community",
    # The scenario built for transparency (frequent meetings and reviews, reports within
    # the run); in "full" its reports can change no count within 25 days.
    "strategy.meetings.transparency": "voice",
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
    "params.voice.": "voice",
    "params.accountability.": "accountability",
    "params.accountability.transparency_trust_gain": "voice",
    "strategy.feedback_channel.": "accountability",
    "strategy.rights_education.": "accountability",
    "params.partners.": "partners",
    "params.partners.referral_boost": "programs",
    "strategy.business_partnership.": "partners",
    "params.crime.compliance_trust_effect": "efficacy",
    # Acts through trust's distance from its start: a shock opens one (in "busy" trust
    # barely moves within the run, so halving the effect flipped no arrest draw).
    "params.police.witness_trust_effect": "efficacy",
    "params.police.cynicism_arrest_effect": "cynicism",
    "params.engagement.watch_trust_effect": "watch",
    "params.legitimacy.": "cynicism",
    "params.legitimacy.unanswered_call_loss": "overload",
    "params.engagement.crime_moving_effect": "moving",
    "params.legitimacy.vicarious_": "busy",
    "params.legitimacy.resolved_report_gain": "busy",
    "params.legitimacy.area_safety_effect": "busy",
    "params.contacts.stop_hit_rate": "busy",
    "params.contacts.at_risk_hit_ratio": "busy",
    "params.contacts.no_cause_negative_ratio": "busy",
    "params.contacts.group_b_fairness_ratio": "busy",
    "params.engagement.engagement_relaxation": "community",
    "params.engagement.education_engagement_gain": "watch",
    "params.engagement.watch_participation": "watch",
    "params.costs.": "full",
    "params.costs.officer_hour": "reactive",
    "params.costs.youth_jobs_place_day": "programs",
    "params.costs.job_training_place_day": "programs",
    "params.costs.mental_health_hour": "programs",
    "params.costs.cut_exposure": "partnership_cut",
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
    "city.areas": "@areas2",  # the same places as a 2 x 8 strip
    "city.layer": "grid_east",  # the grid 10 km east, other populations
    "city.crs": "EPSG:32611",  # the next UTM zone: the city 6 degrees east
    "city.crime_periods": {"early": ["v_late", "p_late"], "late": ["v_early", "p_early"]},
    "city.period_days": {"early": 15.0, "late": 60.0},
    "city.calibration_periods": ["late"],
    "city.population_table": "@population2",
    "city.population_table_id_column": "old_id",  # the ids in reverse order
    "city.incidents": "@incidents2",
    "city.incident_type_column": "category2",  # another coding of the same incidents
    "city.incident_date_column": "reported",  # some incidents move to the next year
    # Month first: 1 December 2019, the first incident, is read as 12 January (2019 has
    # 354 days instead of 31).
    "city.incident_date_format": "%m/%d/%Y",
    "city.type_map": {"Code 10": "property"},  # matched case-insensitively
    "city.unmapped": "error",  # "LOST PROPERTY" makes the run fail
    "city.incidents_outside": "error",  # most incidents outside the row: the run fails
    "city.calibration_years": [2020],
    "city.incident_x_column": "east2",  # the points mirrored east-west
    "city.incident_y_column": "north2",  # and north-south
    # NAD27 / UTM 10N read into WGS 84: the datum shift moves points about 200 m.
    "city.incident_crs": "EPSG:26710",
    "city.neighbourhoods": "@beats2",  # three strips
    "city.neighbourhood_name_column": "code",
    "city.neighbourhood_method": "point",  # r1c1's centre is in the Core beat
    # The areas' own commercial shares instead of the crime-per-resident proxy.
    "city.commercial_column": "shop",
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
    # Small effects whose halving moves too few offending draws to show within 25 days on
    # every seed and default set (issue 11 moved other defaults): a large change instead.
    "params.crime.specific_deterrence": 0.5,
    # Moves are rare (a few a week): double the crime response instead of halving it.
    "params.engagement.crime_moving_effect": 1.0,
    "params.programs.youth_jobs_effect[2]": 0.9,
    "params.programs.job_training_effect[2]": 0.9,
    "modifiers.historical_tension.neighbourhoods": ["nb1"],
    "modifiers.misconduct_shock.day": 5,
    "modifiers.misconduct_shock.neighbourhoods": ["nb1"],
    "modifiers.funding_cut.day": 10,
    "modifiers.rollout.start_day": 10,
    "modifiers.rollout.treated": ["nb1"],
}

#: Options of ``city=file`` that ``city=gis`` reads too (with code of its own): they act in
#: SCENARIO's ``file`` scenarios and are checked again in a ``gis`` one,
#: path -> (scenario, perturbed value).
GIS_SHARED: dict[str, tuple[str, Any]] = {
    "city.id_column": ("gis", "code"),  # other ids: the places table names places by them
    "city.population_column": ("gis", "pop2"),
    "city.disadvantage_columns": ("gis", ["income"]),
    "city.neighbourhood_column": ("gis", None),  # each place its own neighbourhood
    "city.contiguity": ("gis", "rook"),  # libpysal rook: no corner neighbours
    "city.crime_columns": ("gis_nocrs", ["v_late", "p_late"]),
    "city.crime_types": ("gis_nocrs", ["property", "violent"]),
    "city.crime_period_days": ("gis_nocrs", 15.0),
    "city.disconnected": ("gis_island", "nearest"),  # the island is linked, not dropped
}

#: Parameters that by design change no output. Keep this list short and explain each.
EXEMPT: dict[str, str] = {
    # A label: it is written to run.json (test_cli) and, by design, a renamed baseline must
    # reproduce the baseline exactly (test_reproducibility).
    "strategy.name": "label only",
    # Place names are shown by the trainer app and reports (test_city_gis, test_viz_*), never
    # read by a mechanism.
    "city.name_column": "label only: names of places for the trainer app and reports",
    # test_exempt_gis_options_change_no_output checks these two: a cached build and a
    # build with the bar shown give the outputs of a fresh one.
    "city.cache": "speed only: reuses a cached build of the same city",
    "city.progress": "display only: a progress bar of the build stages on standard error",
    # How a run is carried out (issue 9): not part of a run's identity (sim.NOT_IN_IDENTITY).
    "sim.allow_large": "permission only: skips the memory check before building",
    "sim.progress": "display only: a progress bar of the days on standard error",
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


def resolve_override(override: str, files: dict) -> str:
    """``key=@name`` -> ``key=<path of file name>``; other overrides unchanged."""
    key, _, value = override.partition("=")
    return f"{key}={resolve(value, files)}" if value.startswith("@") else override


def scenario_files(name: str, request: pytest.FixtureRequest) -> dict:
    """The files a scenario reads (the GIS files, which need geopandas, only when used)."""
    files = dict(request.getfixturevalue("city_files"))
    if name.startswith("gis"):
        files |= request.getfixturevalue("gis_files")
    return files


def scenario_config(name: str, files: dict) -> RunConfig:
    if name not in _SCENARIO_CACHE and name.startswith(EXAMPLE):
        _SCENARIO_CACHE[name] = tiny_config(overrides=RUN + example_overrides(name))
    if name not in _SCENARIO_CACHE:
        strategy, overrides = SCENARIOS[name]
        plain = [resolve_override(o, files) for o in overrides if not o.startswith("@")]
        if "@file" in overrides:
            plain = file_city_overrides(files) + plain
        if "@gis" in overrides:
            plain = gis_city_overrides(files) + plain
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
    for table in (SCENARIO, PERTURB, EXEMPT, GIS_SHARED):
        for key in table:
            if "[" in key:  # one element of a list parameter
                assert key in ALL_PATHS, f"{key}: no such element (stale entry?)"
            elif key.endswith((".", "_")):
                assert any(p.startswith(key) for p in base_paths), key
            else:
                assert key in base_paths, f"{key}: no such parameter (stale entry?)"


def check_changes_output(path: str, name: str, change: Callable[[Any], Any], request) -> None:
    """Setting ``path`` to ``change(value)`` in scenario ``name`` changes some output."""
    files = scenario_files(name, request)
    cfg = scenario_config(name, files)
    before = get_path(cfg, path)
    after = resolve(change(before), files)
    assert after != before, f"{path}: perturbation leaves {before!r} unchanged"
    set_path(cfg, path, after)
    out = outputs(cfg)
    assert not same(out, baseline(name, files)), (
        f"{path}: changing {before!r} -> {after!r} (scenario {name!r}) changes no output"
    )


@pytest.mark.parametrize("path", [p for p in ALL_PATHS if p not in EXEMPT])
def test_every_parameter_changes_some_output(path, request):
    check_changes_output(path, scenario_of(path), lambda v: perturbed(path, v), request)


@pytest.mark.parametrize("path", sorted(GIS_SHARED))
def test_shared_city_options_act_under_gis(path, request):
    name, value = GIS_SHARED[path]
    check_changes_output(path, name, lambda _: value, request)


def test_scenarios_are_active(city_files):
    """The scenarios do switch their mechanisms on (else a test above proves little)."""
    ts = {n: baseline(n, city_files)["timeseries"] for n in ("programs", "community", "busy")}
    assert ts["programs"]["program_enrolled"].max() > 0
    assert ts["community"]["meetings"].sum() > 0
    busy, reactive = ts["busy"]["arrests"].sum(), baseline("reactive", city_files)["timeseries"]
    assert busy > 2 * reactive["arrests"].sum()


def test_exempt_gis_options_change_no_output(request, tmp_path, monkeypatch, capsys):
    """The ``city=gis`` options in EXEMPT do change nothing (else they need a perturbation).

    A build with the progress bar shown and stored in the cache, and the same city read
    from the cache, give the outputs of a fresh build.
    """
    from cspsim.city import gis as gis_module

    files = scenario_files("gis", request)
    base = baseline("gis", files)  # no cache, no bar, no commercial column
    monkeypatch.setenv("CSPSIM_CACHE", str(tmp_path / "cache"))
    cfg = scenario_config("gis", files)
    cfg.city.cache, cfg.city.progress = True, True
    stats = gis_module.STATS
    builds, hits = stats["builds"], stats["cache_hits"]
    built = outputs(copy.deepcopy(cfg))  # built with the bar shown, then cached
    assert "city=gis: assembling" in capsys.readouterr().err
    cached = outputs(cfg)  # read from the cache
    assert (stats["builds"], stats["cache_hits"]) == (builds + 1, hits + 1)
    assert same(built, base) and same(cached, base)
