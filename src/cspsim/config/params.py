"""Model parameters: every number the mechanisms use, with its unit and source.

Each field carries ``metadata={"unit": ..., "source": ...}`` (see :func:`p`); ``docs/ODD.md``
lists them from here. "calibrated" means set by ``experiment=calibrate`` against the bands in
docs/design.md; "assumption" means a modelling choice with no direct empirical estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cspsim.config.declare import p


@dataclass
class CrimeParams:
    """Offending, near-repeat attractiveness, guardianship, displacement."""

    near_repeat_branching: float = p(
        0.2,
        "offences triggered per offence",
        "Mohler et al. 2011 (self-exciting burglary/crime models, branching 0.1-0.3); "
        "Short et al. 2008",
    )
    near_repeat_decay: float = p(
        0.1, "1/day", "Johnson 2008: near-repeat risk elevated for about 1-2 weeks"
    )
    near_repeat_spread: float = p(
        0.3, "share of boost to adjacent places", "Short et al. 2008 (diffusion term eta)"
    )
    offender_travel: float = p(
        0.3,
        "share of offending pressure on adjacent places",
        "Bernasco & Nieuwbeerta 2005: most offences close to home",
    )
    police_deterrence: float = p(
        0.2,
        "log-rate per log-unit of presence, log(1 + h/h0)",
        "calibrated: hot spots vs random -8% to -16% at treated places (Braga et al. 2019)",
    )
    presence_half_saturation: float = p(
        1.0, "officer-hours per day (h0)", "Koper 1995: diminishing returns to patrol dosage"
    )
    diffusion_of_benefits: float = p(
        0.3,
        "share of deterrence felt at adjacent places",
        "Weisburd et al. 2006; Bowers et al. 2011 (diffusion more likely than displacement)",
    )
    displacement: float = p(
        0.1, "share of deterred offences moved to adjacent places", "Bowers et al. 2011"
    )
    collective_efficacy_effect: float = p(
        1.5, "log-rate per unit collective efficacy", "Sampson, Raudenbush & Earls 1997"
    )
    watch_effect: float = p(
        0.28,
        "log-rate reduction at full watch coverage (property, disorder)",
        "Bennett, Holloway & Farrington 2008: -16% to -26%",
    )
    disadvantage_rate_effect: float = p(
        0.6,
        "log-rate per sd of disadvantage (cities without crime data)",
        "Sampson et al. 1997; Krivo & Peterson 1996",
    )
    at_risk_share: float = p(
        0.06, "share of residents", "Wolfgang, Figlio & Sellin 1972: ~6% chronic offenders"
    )
    incapacitation_days: list[float] = p(
        [120.0, 45.0, 5.0, 30.0],
        "days per arrest by type (violent, property, disorder, drugs)",
        "assumption from BJS jail/prison stay lengths",
    )
    specific_deterrence: float = p(
        0.05, "propensity reduction per arrest", "Nagin 2013 (certainty, not severity, deters)"
    )


@dataclass
class ReportingParams:
    """Victims' and witnesses' reporting, patrol discovery."""

    base_probability: list[float] = p(
        [0.47, 0.33, 0.28, 0.02],
        "probability at baseline trust (violent, property, disorder, drugs)",
        "US NCVS 2022-23 (violent 0.38-0.48, property 0.27-0.34); drugs: nearly all police-found",
    )
    trust_effect: float = p(
        2.0, "log-odds per unit trust", "Tyler & Fagan 2008; Kwak, Dierenfeldt & McNeeley 2019"
    )
    education_effect: float = p(
        0.5, "log-odds at full campaign exposure", "assumption (reporting campaigns)"
    )
    discovery_per_hour: list[float] = p(
        [0.004, 0.004, 0.02, 0.03],
        "probability per officer-hour that an unreported offence is found",
        "calibrated: SF 2012 drugs incidents concentrated where police patrol",
    )


@dataclass
class PoliceParams:
    """Officers, calls, stops and arrests."""

    officer_hours_per_1000: float = p(
        3.2,
        "patrol officer-hours per day per 1,000 residents",
        "assumption: SFPD ~1,700 patrol officers, ~1/3 on duty (Police Executive Research Forum)",
    )
    shift_hours: float = p(8.0, "hours", "standard patrol shift")
    call_hours: float = p(1.0, "officer-hours per call for service", "assumption (SFPD CAD)")
    other_calls_per_1000: float = p(
        0.26, "non-crime calls per 1,000 residents per day", "calibrated: PPCS contact share"
    )
    stops_per_patrol_hour: float = p(
        0.095,
        "police-initiated contacts per patrol officer-hour",
        "calibrated: BJS PPCS ~half of contacts police-initiated",
    )
    arrest_probability: list[float] = p(
        [0.45, 0.13, 0.2, 0.9],
        "per recorded offence (violent, property, disorder, drugs)",
        "FBI UCR clearance rates 2019 (violent 45.5%, property 17.2%)",
    )


@dataclass
class ContactParams:
    """Police-resident contacts and their effect on trust."""

    negative_probability_stop: float = p(
        0.35,
        "share of police-initiated contacts experienced as negative",
        "Epp et al. 2014; BJS PPCS 2020",
    )
    negative_probability_call: float = p(
        0.10, "share of resident-initiated contacts experienced as negative", "BJS PPCS 2020"
    )
    negative_trust_loss: float = p(
        0.15, "trust lost per negative contact (share of current trust)", "Skogan 2006"
    )
    asymmetry: float = p(
        8.0, "negative/positive effect ratio", "Skogan 2006: negative contacts 4-14x stronger"
    )
    procedural_justice_skill: float = p(
        0.3, "0-1 baseline officer skill", "assumption; Mazerolle et al. 2013"
    )
    procedural_justice_mitigation: float = p(
        0.6,
        "share of negative outcomes avoided at full skill",
        "Mazerolle et al. 2013 (procedural justice raises satisfaction and legitimacy)",
    )
    group_stop_bias: float = p(
        0.0, "log stop-rate ratio group B vs A", "0 by default; Gelman, Fagan & Kiss 2007"
    )
    at_risk_stop_ratio: float = p(
        4.0, "stop rate ratio of at-risk residents", "assumption (stops target suspicion)"
    )
    arrest_tie_trust_loss: float = p(
        0.02, "trust lost by each social tie of an arrestee", "Rosenbaum et al. 2005 (vicarious)"
    )
    foot_informal_contacts_per_hour: float = p(
        2.0,
        "informal (non-enforcement) contacts per community foot-patrol officer-hour",
        "calibrated: community policing trust clearly up (Gill et al. 2014); foot officers "
        "talk with residents (Trojanowicz 1982; Skogan & Hartnett 1997)",
    )
    negative_probability_informal: float = p(
        0.02,
        "share of informal foot-patrol conversations experienced as negative",
        "assumption: Skogan & Hartnett 1997 (beat officers' informal contacts mostly positive)",
    )


@dataclass
class SocialParams:
    """Resident social network and word of mouth (Friedkin-Johnsen opinion dynamics)."""

    ties_per_resident: float = p(8.0, "ties", "assumption; Hampton & Wellman 2003")
    share_ties_local: float = p(
        0.7, "share of ties within the home place", "Sampson 2012 (neighbourhood networks)"
    )
    influence_rate: float = p(
        0.02, "1/day pull of trust and fear towards ties' mean", "Friedkin & Johnsen 1990"
    )
    anchor_rate: float = p(
        0.005, "1/day pull back to a resident's own disposition", "Friedkin & Johnsen 1990"
    )
    victim_trust_loss: float = p(
        0.05, "trust lost by a victim whose report goes unresolved", "Skogan 2006"
    )
    victim_fear_gain: float = p(
        0.3, "fear gained per victimization (share of 1-fear)", "Skogan & Maxfield 1981"
    )
    vicarious_fear_gain: float = p(
        0.03, "fear gained per victimization among ties", "Skogan & Maxfield 1981"
    )
    local_crime_fear: float = p(
        0.05,
        "fear anchor shift per unit of local crime ratio above (or below) baseline",
        "Hale 1996 (fear follows local crime and disorder); assumption for the size",
    )
    fear_relaxation: float = p(0.01, "1/day", "assumption")


@dataclass
class ResidentParams:
    """Initial resident state."""

    trust_mean: float = p(0.63, "0-1", "calibrated: Gallup 43-57% 'high confidence' (trust >= 0.6)")
    trust_concentration: float = p(6.0, "Beta a+b", "assumption")
    trust_disadvantage_effect: float = p(
        0.06, "trust lower per sd of disadvantage", "Sampson & Bartusch 1998"
    )
    group_b_share: float = p(0.35, "share of residents in group B", "assumption (SF 2010 Census)")
    group_segregation: float = p(
        1.0, "log-odds of group B per sd of disadvantage", "Massey & Denton 1993"
    )
    group_b_trust_gap: float = p(
        0.08, "trust gap of group B", "Gallup 2020: confidence gap by race"
    )
    engagement_mean: float = p(0.25, "0-1", "assumption: ~1 in 4 residents civically active")
    fear_mean: float = p(0.3, "0-1", "Gallup: ~1/3 afraid to walk alone at night")


@dataclass
class ProgramParams:
    """Organization programs: youth jobs, mental-health responders, job training."""

    youth_jobs_effect: list[float] = p(
        [0.6, 0.0, 0.1, 0.0],
        "max propensity reduction by type (reached after the ramp, then fading)",
        "calibrated: participants' violent offending about -40% in year 1 (Heller 2014: "
        "violent-crime arrests -43% over 16 months, an average over ramp-up and fade-out)",
    )
    job_training_effect: list[float] = p(
        [0.1, 0.15, 0.05, 0.1], "max propensity reduction by type", "Lipsey 2009; Uggen 2000"
    )
    mental_health_effect: list[float] = p(
        [0.0, 0.0, 0.34, 0.2],
        "low-level incident reduction at covered places",
        "Dee & Pyne 2022: STAR, less serious crime -34%, violent unchanged",
    )
    duration_days: float = p(56.0, "days enrolled", "Heller 2014: 8-week summer program")
    ramp_days: float = p(30.0, "days to full effect", "assumption")
    fade_half_life_days: float = p(
        240.0, "days", "Heller 2014: effect concentrated in year 1, fading in year 2"
    )
    engagement_enrol_effect: float = p(2.0, "enrolment odds per unit engagement", "assumption")


@dataclass
class EngagementParams:
    """Meetings, education, watch and collective efficacy."""

    meeting_attendance: float = p(
        0.05,
        "share of residents attending a meeting at full engagement",
        "Skogan & Hartnett 1997: CAPS beat meetings",
    )
    meeting_trust_gain: float = p(
        0.05, "trust gained per meeting attended", "Skogan 2006; Gill et al. 2014"
    )
    meeting_engagement_gain: float = p(0.05, "engagement gained per meeting", "assumption")
    education_engagement_gain: float = p(0.002, "engagement per day of campaign", "assumption")
    engagement_relaxation: float = p(0.005, "1/day back to disposition", "assumption")
    efficacy_rate: float = p(0.01, "1/day", "assumption")
    efficacy_trust_weight: float = p(0.5, "weight", "Sampson et al. 1997; Kochel 2012")
    efficacy_engagement_weight: float = p(0.5, "weight", "Sampson et al. 1997")
    efficacy_crime_erosion: float = p(
        0.1, "per unit of crime ratio above baseline", "Skogan 1990: disorder and decline"
    )
    watch_participation: float = p(
        0.8, "share of watch effect at mean engagement", "Bennett et al. 2008"
    )


@dataclass
class SurveyParams:
    """The simulated resident survey."""

    sample_size: int = p(400, "residents contacted per wave", "typical city survey")
    response_base: float = p(0.25, "response rate at mean trust", "Pew 2019: phone ~6-25%")
    response_trust_effect: float = p(
        1.5, "log-odds per unit trust", "assumption: trusting residents answer more"
    )


@dataclass
class CostParams:
    """Unit costs (US dollars, 2024)."""

    officer_hour: float = p(110.0, "USD per officer-hour", "SFPD fully loaded cost")
    youth_jobs_place_day: float = p(
        55.0, "USD per participant-day", "Heller 2014: ~$3,000 per 8-week slot"
    )
    job_training_place_day: float = p(30.0, "USD per participant-day", "assumption")
    mental_health_hour: float = p(80.0, "USD per responder-hour", "Denver STAR budget")
    meeting: float = p(1500.0, "USD per meeting", "assumption")
    watch_place_month: float = p(400.0, "USD per covered place-month", "assumption")
    procedural_justice_training_hour: float = p(
        110.0, "USD per officer-hour of training", "Chicago PJ training (Wood et al. 2020)"
    )
    education_day: float = p(500.0, "USD per campaign-day", "assumption")


@dataclass
class ModelParams:
    """All mechanism parameters, one group per submodel."""

    crime: CrimeParams = field(default_factory=CrimeParams)
    reporting: ReportingParams = field(default_factory=ReportingParams)
    police: PoliceParams = field(default_factory=PoliceParams)
    contacts: ContactParams = field(default_factory=ContactParams)
    social: SocialParams = field(default_factory=SocialParams)
    residents: ResidentParams = field(default_factory=ResidentParams)
    programs: ProgramParams = field(default_factory=ProgramParams)
    engagement: EngagementParams = field(default_factory=EngagementParams)
    survey: SurveyParams = field(default_factory=SurveyParams)
    costs: CostParams = field(default_factory=CostParams)
