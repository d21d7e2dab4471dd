"""Every mechanism parameter says how its value is known (issue 11, item 1).

The declarations in :mod:`cspsim.config.params` carry a kind (sourced, fitted, assumed), a
plausible range and a source text whose citations the validation reads to tell predictions
from fitted facts and calibrated echoes. These tests hold every declaration to that: a kind,
a range that contains the default and that the range checks accept at both ends, targets
that are calibration facts for fitted parameters, at least one study for sourced ones, and
no "calibrated:" label on anything that is not fitted.
"""

from __future__ import annotations

import dataclasses

import pytest

from cspsim.config.checks import check_params
from cspsim.config.declare import KINDS
from cspsim.config.evidence import by_key, citations, declarations
from cspsim.config.params import ModelParams
from cspsim.validation.targets import FACTS_BY_KEY

DECLARED = declarations()
IDS = [d.key for d in DECLARED]


def _elements(d):
    """``(low, default, high)`` per element (one triple for a scalar parameter)."""
    if isinstance(d.default, list):
        assert isinstance(d.low, list) and isinstance(d.high, list), d.key
        assert len(d.low) == len(d.default) == len(d.high), d.key
        return list(zip(d.low, d.default, d.high, strict=True))
    return [(d.low, d.default, d.high)]


@pytest.mark.parametrize("d", DECLARED, ids=IDS)
def test_every_parameter_has_a_kind_and_a_range_containing_its_default(d):
    assert d.kind in KINDS, f"{d.key}: kind {d.kind!r}"
    assert d.has_range, f"{d.key}: no plausible range"
    for low, value, high in _elements(d):
        assert low <= value <= high, f"{d.key}: default {value} outside [{low}, {high}]"


@pytest.mark.parametrize("d", DECLARED, ids=IDS)
def test_both_ends_of_every_range_pass_the_range_checks(d):
    """The uncertainty ensemble draws inside the range: its ends must be valid values."""
    for end in (d.low, d.high):
        params = ModelParams()
        group, name = d.key.split(".")
        value = list(end) if isinstance(end, list) else end
        if isinstance(d.default, int) and not isinstance(d.default, bool):
            value = int(value)
        setattr(getattr(params, group), name, value)
        check_params(params)


def test_fitted_parameters_name_calibration_facts():
    fitted = [d for d in DECLARED if d.kind == "fitted"]
    assert fitted
    for d in fitted:
        assert d.targets, d.key
        unknown = set(d.targets) - set(FACTS_BY_KEY)
        assert not unknown, f"{d.key}: targets {sorted(unknown)} are not validation facts"


def test_only_fitted_parameters_name_targets():
    for d in DECLARED:
        assert bool(d.targets) == (d.kind == "fitted"), d.key


def test_the_fitted_parameters_are_the_baseline_ones():
    """Fitted only to baseline facts: reporting, contacts, confidence, SF concentration."""
    fitted = {d.key: set(d.targets) for d in DECLARED if d.kind == "fitted"}
    assert fitted == {
        "reporting.base_probability": {"reporting_violent", "reporting_property"},
        "reporting.discovery_per_hour": {"sf_top10_drugs", "sf_gini_drugs"},
        "police.other_calls_per_1000": {"contact_share"},
        "police.stops_per_patrol_hour": {"contact_police_initiated"},
        "residents.trust_mean": {"high_confidence"},
    }


@pytest.mark.parametrize("d", [d for d in DECLARED if d.kind == "sourced"], ids=lambda d: d.key)
def test_every_sourced_parameter_cites_a_study(d):
    assert d.studies, f"{d.key}: sourced but its source text cites no 'Author 2008' study"


@pytest.mark.parametrize("d", DECLARED, ids=IDS)
def test_no_calibrated_label_unless_fitted(d):
    if d.kind != "fitted":
        assert "calibrated:" not in d.source.lower(), d.key


def test_predictions_are_not_set_from_their_own_studies():
    """Parameters re-derived for issue 11 cite no study of the facts they are meant to predict.

    Hot spots (Braga et al.), community policing (Gill et al.), problem-oriented policing
    (Hinkle et al.) and procedural-justice training (Wood, Tyler & Papachristos 2020) stay
    predictions: no parameter may be taken from them.
    """
    cited = {s for d in DECLARED for s in d.studies}
    for key in ("hotspot_treated", "cp_trust", "cp_satisfaction", "cp_crime", "pop_targeted"):
        own = set(citations(FACTS_BY_KEY[key].source))
        assert own, key
        assert not own & cited, f"{key}: parameters cite {sorted(own & cited)}"
    assert "Wood2020" not in cited


def test_echoes_are_declared_honestly():
    """Effects taken from the very trial a fact reports cite it (the fact becomes an echo)."""
    declared = by_key()
    for param, fact in [
        ("programs.youth_jobs_effect", "summer_jobs_year1"),
        ("programs.fade_half_life_days", "summer_jobs_fade"),
        ("programs.mental_health_effect", "mh_low_level"),
        ("programs.mental_health_effect", "mh_serious"),
        ("crime.watch_effect", "watch_covered"),
    ]:
        own = set(citations(FACTS_BY_KEY[fact].source))
        assert own & set(declared[param].studies), (param, fact)


def test_police_deterrence_from_police_crime_elasticities():
    d = by_key()["crime.police_deterrence"]
    assert d.kind == "sourced"
    assert {"Chalfin2018", "Draca2011"} <= set(d.studies)
    assert not any(s.startswith("Braga") for s in d.studies)


def test_declarations_cover_every_parameter():
    n = sum(
        1
        for group in dataclasses.fields(ModelParams)
        for _ in dataclasses.fields(getattr(ModelParams(), group.name))
    )
    assert len(DECLARED) == n
