"""Evidence labels: fitted, calibrated echo, predicted, derived from the declarations.

The labels are never typed by hand: these tests change a declaration (or a fact's source) and
see the label follow, check every real fact against an independent recomputation, and show
that a prediction row can fail when the mechanism behind it is switched off.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cspsim.config import evidence
from cspsim.config.evidence import Declared, citations
from cspsim.validation import labels as labels_mod
from cspsim.validation import trials
from cspsim.validation.labels import declared, label, studies_behind
from cspsim.validation.runs import RunSpec, run
from cspsim.validation.suite import Row, tally
from cspsim.validation.targets import FACTS, FACTS_BY_KEY, Fact


def test_citations_by_hand():
    assert citations("Bennett, Holloway & Farrington 2008: -16% to -26%") == ("Bennett2008",)
    assert citations("assumption; direction: Eck 2002; Eck & Wartell 1998") == (
        "Eck2002",
        "Eck1998",
    )
    assert citations("US NCVS 2022-23 (BJS Criminal Victimization report)") == ("NCVS2022",)
    assert citations("BJS PPCS 2018/2020 (Police-Public Contact Survey)") == (
        "PPCS2018",
        "PPCS2020",
    )
    # A year after a colon is not a citation when no author precedes it.
    assert citations("Gallup 2020-21: a year after 2020, 3 of 11 points") == ("Gallup2020",)
    assert citations("assumption") == ()


def _declared(source: str, kind: str = "sourced", targets: tuple[str, ...] = ()) -> Declared:
    return Declared("params.x.y", 0.5, kind, 0.0, 1.0, source, "", targets, citations(source))


def test_label_follows_the_declarations(monkeypatch):
    fact = Fact("toy", "a toy effect", "Smith et al. 2010", "m", 0.0, 1.0, depends=("x.y",))
    # The parameter cites another study: the fact is a prediction.
    monkeypatch.setattr(labels_mod, "declared", lambda path: _declared("Jones 2001"))
    assert label(fact).kind == "predicted"
    # Re-sourced from the fact's own study: the fact becomes a calibrated echo.
    monkeypatch.setattr(labels_mod, "declared", lambda path: _declared("Smith & Lee 2010"))
    lab = label(fact)
    assert lab.kind == "echo" and "Smith2010" in lab.reason and not lab.counted
    # Fitted to a fact that cites the study: still an echo (the fit carries the study in).
    monkeypatch.setattr(
        labels_mod,
        "declared",
        lambda path: _declared("fitted", "fitted", targets=("reporting_violent",)),
    )
    ncvs = dataclasses.replace(fact, source="US NCVS 2022-23")
    assert label(ncvs).kind == "echo"
    # A fitted parameter naming the fact as its target: the fact is fitted.
    monkeypatch.setattr(labels_mod, "fitted_targets", lambda: {"toy": ("x.y",)})
    assert label(fact).kind == "fitted"


def test_every_fact_label_matches_an_independent_recomputation():
    fitted = {t for d in evidence.declarations() for t in d.targets}
    for fact in FACTS:
        deps = [declared(p) for p in fact.depends]  # every dependency is declared
        own = set(citations(fact.source))
        shared = any(own & set(studies_behind(d)) for d in deps)
        expected = "fitted" if fact.key in fitted else ("echo" if shared else "predicted")
        assert label(fact).kind == expected, fact.key


def test_unknown_dependencies_are_named():
    with pytest.raises(KeyError, match="crime.no_such"):
        declared("crime.no_such")
    with pytest.raises(KeyError, match="no strategy component"):
        declared("strategy.nothing.here")
    with pytest.raises(KeyError, match="columbus"):
        declared("city.atlantis")


def test_only_predictions_count():
    rows = [
        Row(FACTS_BY_KEY["watch_covered"], -0.2, -0.25, -0.15),  # an echo of Bennett 2008
        Row(FACTS_BY_KEY["cp_crime"], 0.0, -0.01, 0.01),
        Row(FACTS_BY_KEY["pj_complaints"], -0.5, -0.6, -0.4),
    ]
    counts = tally(rows)
    assert counts["predicted"] == (1, 2)
    assert counts["echo"] == (1, 1)


#: A coarse San Francisco for the hot-spot trial (about 8,000 agents, short burn-in).
_COARSE = ("city.residents_per_agent=100", "sim.burn_in_days=20")


def test_a_prediction_row_fails_when_its_mechanism_is_switched_off():
    """Hot spots at equal hours: with no deterrence by presence and no incapacitation of the
    offenders arrested there (the two routes by which patrol makes a place safer), the
    effect vanishes and the row fails."""
    fact = FACTS_BY_KEY["hotspot_treated"]
    days = 150

    def effect(extra: tuple[str, ...]) -> float:
        base = run(RunSpec("baseline", "reactive", 2, days, days, overrides=_COARSE + extra))
        hot = run(RunSpec("hotspot", "hotspot", 2, days, days, overrides=_COARSE + extra))
        return trials._masked_change(hot, base, hot.mask, trials.VICTIM, days)

    on = effect(())
    off = effect(
        ("params.crime.police_deterrence=0.0", "params.crime.incapacitation_days=[0,0,0,0]")
    )
    assert on < -0.03  # presence deters at hot spots
    assert abs(off) < 0.02  # nothing else in the model makes hot spots safer
    assert not Row(fact, off, off - 0.01, off + 0.01).passed
    assert np.isfinite(on)
