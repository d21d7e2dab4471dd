"""The facts the default model is held against: bands, sources and how each is measured.

One :class:`Fact` per calibration target of docs/design.md ("Calibration targets") plus the
real-data checks. Where docs/design.md gives a band it is used as is; where it gives an
approximate value ("about 45%") the band is that value plus or minus a stated tolerance:
5 points for quantities measured on large samples (concentration, survey shares), 10
points for effect sizes of single trials (their published CIs are wider than that).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Pass rules: ``within``: the point estimate lies in [low, high]; ``within_sig``: it does,
#: and its CI excludes 0; ``ci_overlap``: the CI overlaps [low, high] (a "not up" fact).
RULES = ("within", "within_sig", "ci_overlap")

NCVS = "US NCVS 2022-23 (BJS Criminal Victimization report)"
SF = "SFPD 2012 incidents via GeoDa (shipped data, cities/README.md)"
PPCS = "BJS PPCS 2018/2020 (Police-Public Contact Survey)"
GALLUP = "Gallup 2020-2024 (confidence in police)"
CONVENTION = "a large correlation by Cohen's convention (r >= 0.5)"

#: What the police-contact facts run through.
_CONTACTS = (
    "police.officer_hours_per_1000",
    "police.stops_per_patrol_hour",
    "police.other_calls_per_1000",
    "contacts.at_risk_stop_ratio",
)
#: What recorded crime per place runs through (the SF and Columbus checks).
_RECORDING = (
    "reporting.base_probability",
    "reporting.trust_effect",
    "reporting.discovery_per_hour",
    "crime.near_repeat_branching",
    "crime.near_repeat_spread",
    "crime.offender_travel",
)
#: What moves trust after contacts (the community-policing and legitimacy facts).
_TRUST = (
    "contacts.negative_trust_loss",
    "contacts.asymmetry",
    "legitimacy.recent_half_life_days",
    "legitimacy.good_learning_half_life_days",
    "legitimacy.permanent_share_bad",
    "legitimacy.vicarious_weight",
    "legitimacy.vicarious_share_heard",
)
#: What police presence does to crime at and around places.
_DETERRENCE = (
    "crime.police_deterrence",
    "crime.presence_half_saturation",
    "crime.diffusion_of_benefits",
    "crime.displacement",
)


@dataclass(frozen=True)
class Fact:
    """One published finding or observed pattern, as a band on a model metric.

    Attributes:
        key: Stable identifier (used in tests and figures).
        fact: The finding in words.
        source: Citation.
        metric: What is measured in the model, and on which runs.
        low: Lower end of the band.
        high: Upper end of the band.
        rule: How a value and its CI pass (see :data:`RULES`).
        depends: What the model's value runs through: mechanism parameters (paths under
            ``params``) and city inputs (``city.<name>``, :data:`cspsim.config.evidence.
            CITY_INPUTS`). The fact's label (fitted, echo, predicted) is derived from their
            declarations (:mod:`cspsim.validation.labels`).
    """

    key: str
    fact: str
    source: str
    metric: str
    low: float
    high: float
    rule: str = "within"
    depends: tuple[str, ...] = ()

    def passes(self, value: float, ci_low: float, ci_high: float) -> bool:
        """Whether a value (with its CI) meets the fact."""
        if value != value:  # NaN: not measured
            return False
        inside = self.low <= value <= self.high
        if self.rule == "within":
            return inside
        if self.rule == "within_sig":
            return inside and (ci_low > 0 or ci_high < 0)
        return ci_low <= self.high and ci_high >= self.low


def _sf_type_facts() -> list[Fact]:
    observed = {  # top-10% share, Gini of the shipped counts (computed, cities/README.md)
        "drugs": ("Drugs", 0.745, 0.844),
        "violent": ("Robbery", 0.552, 0.722),
        "disorder": ("Vandalism", 0.403, 0.541),
        "property": ("CarTheft", 0.312, 0.466),
    }
    depends = ("city.sf2012", *_RECORDING)
    facts = []
    for model_type, (sf_type, top10, g) in observed.items():
        facts.append(
            Fact(
                f"sf_top10_{model_type}",
                f"SF 2012 {sf_type}: top 10% of block groups hold ~{top10:.0%} of incidents",
                SF,
                f"share of simulated recorded {model_type} crime (first 184 days) in the top 10%",
                round(top10 - 0.05, 2),
                round(top10 + 0.05, 2),
                depends=depends,
            )
        )
        facts.append(
            Fact(
                f"sf_gini_{model_type}",
                f"SF 2012 {sf_type}: Gini of recorded incidents over block groups ~{g:.2f}",
                SF,
                f"Gini of simulated recorded {model_type} crime over places (first 184 days)",
                round(g - 0.05, 2),
                round(g + 0.05, 2),
                depends=depends,
            )
        )
        facts.append(
            Fact(
                f"sf_spearman_{model_type}",
                f"SF 2012 {sf_type}: simulated and observed counts rank places alike",
                f"{SF}; {CONVENTION}",
                f"Spearman rho over places: mean simulated recorded {model_type} vs observed",
                0.5,
                1.0,
                depends=depends,
            )
        )
    return facts


FACTS: tuple[Fact, ...] = (
    Fact(
        "reporting_violent",
        "Share of violent victimizations reported to police: 0.38-0.48",
        NCVS,
        "reported / true violent offences, baseline year",
        0.38,
        0.48,
        depends=("reporting.base_probability", "reporting.trust_effect", "residents.trust_mean"),
    ),
    Fact(
        "reporting_property",
        "Share of property victimizations reported to police: 0.27-0.34",
        NCVS,
        "reported / true property offences, baseline year",
        0.27,
        0.34,
        depends=("reporting.base_probability", "reporting.trust_effect", "residents.trust_mean"),
    ),
    Fact(
        "sf_top10_all",
        "SF 2012: top 10% of block groups hold ~45% of recorded crime",
        SF,
        "share of simulated recorded crime (4 types, first 184 days) in the top 10% of places",
        0.40,
        0.50,
        depends=("city.sf2012", *_RECORDING),
    ),
    Fact(
        "sf_gini_all",
        "SF 2012: Gini of recorded crime over block groups ~0.57",
        SF,
        "Gini of simulated recorded crime (4 types, first 184 days) over places",
        0.52,
        0.62,
        depends=("city.sf2012", *_RECORDING),
    ),
    *_sf_type_facts(),
    Fact(
        "contact_share",
        "~20% of residents have a police contact in a year",
        PPCS,
        "share of residents with >= 1 contact in the baseline year (Poisson within agents)",
        0.15,
        0.25,
        depends=_CONTACTS,
    ),
    Fact(
        "contact_police_initiated",
        "About half of contacts are police-initiated",
        PPCS,
        "police-initiated / all contacts, baseline year",
        0.40,
        0.60,
        depends=_CONTACTS,
    ),
    Fact(
        "high_confidence",
        "43-57% of residents have 'high confidence' in police",
        GALLUP,
        "share of residents with trust >= 0.6, baseline year mean",
        0.43,
        0.57,
        depends=("residents.trust_mean", "residents.trust_concentration"),
    ),
    Fact(
        "high_confidence_survey",
        "43-57% 'high confidence' in the resident survey",
        GALLUP,
        "share of survey answers on trust >= 4 of 5, baseline waves pooled",
        0.43,
        0.57,
        depends=(
            "residents.trust_mean",
            "residents.trust_concentration",
            "survey.response_base",
            "survey.response_trust_effect",
        ),
    ),
    Fact(
        "hotspot_treated",
        "Hot spots vs random patrol at equal hours: -8% to -16% at treated places",
        "Braga et al. 2019; Braga & Weisburd 2022",
        "relative change in true crime at the places the strategy targets (as re-ranked), "
        "hotspot vs reactive",
        -0.16,
        -0.08,
        depends=(
            *_DETERRENCE,
            "crime.incapacitation_days",
            "crime.near_repeat_branching",
            "crime.offender_travel",
        ),
    ),
    Fact(
        "hotspot_surrounding",
        "Hot spots: surrounding places not up (no displacement net of diffusion)",
        "Braga et al. 2019; Bowers et al. 2011",
        "relative change in true crime at non-targeted places adjacent to targets; passes when "
        "its CI reaches 0 or below",
        -1.0,
        0.0,
        "ci_overlap",
        depends=(*_DETERRENCE, "crime.near_repeat_spread", "crime.offender_travel"),
    ),
    Fact(
        "cp_trust",
        "Community policing: trust clearly up",
        "Gill et al. 2014",
        "change in share with trust >= 0.6 at year end (>= +2 points, CI above 0)",
        0.02,
        1.0,
        "within_sig",
        depends=(
            "contacts.foot_informal_contacts_per_hour",
            "contacts.negative_probability_informal",
            "voice.attendance",
            "voice.meeting_trust_gain",
            "voice.responsiveness_trust_gain",
            "voice.ignored_trust_loss",
            *_TRUST,
        ),
    ),
    Fact(
        "cp_satisfaction",
        "Community policing: satisfaction clearly up",
        "Gill et al. 2014",
        "change in share satisfied (survey score >= 0.6, all residents) at year end "
        "(>= +2 points, CI above 0)",
        0.02,
        1.0,
        "within_sig",
        depends=(
            "contacts.foot_informal_contacts_per_hour",
            "contacts.negative_probability_informal",
            "voice.meeting_trust_gain",
            *_TRUST,
        ),
    ),
    Fact(
        "cp_crime",
        "Community policing: crime change small",
        "Gill et al. 2014",
        "relative change in true crime city-wide (small: within +-5%)",
        -0.05,
        0.05,
        depends=(
            *_DETERRENCE,
            "crime.compliance_trust_effect",
            "crime.collective_efficacy_effect",
            "engagement.efficacy_police_weight",
        ),
    ),
    Fact(
        "pop_targeted",
        "Problem-oriented policing: about -25% to -40% at targeted places",
        "Hinkle et al. 2020",
        "relative change in true crime at the problem-solving places",
        -0.40,
        -0.25,
        depends=("strategy.problem_solving.max_reduction", "partners.problem_solving_boost"),
    ),
    Fact(
        "watch_covered",
        "Neighbourhood watch: -16% to -26% in covered places",
        "Bennett, Holloway & Farrington 2008",
        "relative change in true victim crime (violent, property, disorder) at covered places",
        -0.26,
        -0.16,
        depends=(
            "crime.watch_effect",
            "engagement.watch_participation",
            "engagement.watch_trust_effect",
        ),
    ),
    Fact(
        "summer_jobs_year1",
        "Summer jobs: participants' violent offending about -40% in year 1",
        "Heller 2014",
        "relative change in participants' violent offences in their first year after "
        "enrolment vs the same residents in the baseline run (CRN)",
        -0.50,
        -0.30,
        depends=("programs.youth_jobs_effect", "programs.ramp_days", "programs.duration_days"),
    ),
    Fact(
        "summer_jobs_fade",
        "Summer jobs: the effect fades in year 2",
        "Heller 2014; Davis & Heller 2020",
        "year-2 change in participants' violent offences as a share of the year-1 change "
        "(fading: < 0.5)",
        0.0,
        0.5,
        depends=("programs.youth_jobs_effect", "programs.fade_half_life_days"),
    ),
    Fact(
        "mh_low_level",
        "Mental-health responders: low-level incidents about -30%",
        "Dee & Pyne 2022",
        "relative change in true disorder + drugs offences at covered places",
        -0.40,
        -0.20,
        depends=("programs.mental_health_effect",),
    ),
    Fact(
        "mh_serious",
        "Mental-health responders: serious crime unchanged",
        "Dee & Pyne 2022",
        "relative change in true violent + property offences at covered places (within +-5%)",
        -0.05,
        0.05,
        depends=("programs.mental_health_effect", "crime.incapacitation_days"),
    ),
    Fact(
        "pj_complaints",
        "Procedural-justice training: complaints down by at most ~16% over two years",
        "Wood, Tyler & Papachristos 2020; Wood et al. 2021 (revised: CIs include zero)",
        "relative change in complaints filed over two years, procedural_justice vs reactive "
        "(original estimate -10%; the corrected estimates are negative with CIs reaching 0)",
        -0.16,
        0.0,
        depends=(
            "contacts.procedural_justice_mitigation",
            "contacts.procedural_justice_skill",
            "accountability.complaint_probability",
            "contacts.negative_probability_stop",
            "contacts.negative_probability_call",
        ),
    ),
    Fact(
        "columbus_spearman",
        "Columbus 1980, out of sample: simulated crime ranks neighbourhoods like observed CRIME",
        f"Anselin 1988; {CONVENTION}",
        "Spearman rho: simulated recorded property crime per resident (city built from INC "
        "and HOVAL only) vs observed CRIME",
        0.5,
        1.0,
        depends=("city.columbus", "crime.disadvantage_rate_effect", *_RECORDING),
    ),
    Fact(
        "columbus_beyond_input",
        "Columbus 1980: the model ranks neighbourhoods better than its input index alone",
        "Anselin 1988",
        "Spearman rho of the simulated rates minus rho of the input index (-INC - HOVAL, "
        "z-scores) with observed CRIME; passes when positive with a CI above 0",
        0.0,
        1.0,
        "within_sig",
        depends=("city.columbus", "crime.disadvantage_rate_effect", *_RECORDING),
    ),
)

FACTS_BY_KEY: dict[str, Fact] = {f.key: f for f in FACTS}
