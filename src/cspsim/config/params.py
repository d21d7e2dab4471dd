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
    compliance_trust_effect: float = p(
        0.2,
        "log offending propensity lost per unit trust above the start",
        "assumption; Nagin & Telep 2017 (weak evidence legitimacy changes compliance); "
        "Walters & Bolger 2019",
        kind="assumed",
        range=(0.0, 0.5),
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
        1.0,
        "log-odds of reporting per unit trust",
        "derived from NCVS 2006-10 reasons for not reporting (Langton et al. 2012: 'police "
        "would not help' 20% of unreported violent crime); Goudriaan et al. 2006 null",
        kind="sourced",
        range=(0.0, 2.0),
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

    witness_trust_effect: float = p(
        0.5,
        "log-odds of an arrest per recorded offence per unit trust of the victim or witness",
        "assumption; direction: Tyler & Fagan 2008 (legitimacy and helping police locate "
        "criminals)",
        kind="assumed",
        range=(0.0, 1.5),
    )
    cynicism_arrest_effect: float = p(
        1.0,
        "log-odds of an arrest per unit legal cynicism of the neighbourhood",
        "assumption; direction: Kirk & Matsuda 2011 (cynical neighbourhoods clear fewer crimes)",
        kind="assumed",
        range=(0.3, 2.0),
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
    stop_hit_rate: float = p(
        0.10,
        "share of stops ending in an arrest, summons or a find",
        "NYCLU 2011 (NYC stops: about 1 in 10 led to an arrest or summons)",
        kind="sourced",
        range=(0.06, 0.15),
    )
    at_risk_hit_ratio: float = p(
        16.0,
        "hit rate of stops of at-risk residents relative to other residents",
        "assumption: stops of people who offend find something far more often",
        kind="assumed",
        range=(4.0, 40.0),
    )
    no_cause_negative_ratio: float = p(
        1.5,
        "negative share of stops that find nothing relative to stops that find something",
        "assumption; direction: Tyler, Fagan & Geller 2014 (stops seen as unjustified cost "
        "legitimacy)",
        kind="assumed",
        range=(1.0, 3.0),
    )
    group_b_fairness_ratio: float = p(
        1.0,
        "negative share of contacts of group B relative to group A",
        "Wolfe et al. 2016: procedural justice judged alike across groups (largely invariant)",
        kind="sourced",
        range=(0.8, 1.2),
    )
    foot_informal_contacts_per_hour: float = p(
        1.0,
        "informal (non-enforcement) contacts per community foot-patrol officer-hour",
        "assumption (time use of foot officers; Trojanowicz 1982; Skogan & Hartnett 1997)",
        kind="assumed",
        range=(0.5, 3.0),
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
    victim_trust_loss: float = p(
        0.05,
        "share of trust lost by a victim whose report goes unresolved (no arrest)",
        "assumption; direction: Skogan 2006 (dissatisfaction with how reports are handled)",
        kind="assumed",
        range=(0.0, 0.1),
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

    education_engagement_gain: float = p(0.002, "engagement per day of campaign", "assumption")
    engagement_relaxation: float = p(0.005, "1/day back to disposition", "assumption")
    efficacy_rate: float = p(0.01, "1/day", "assumption")
    efficacy_police_weight: float = p(
        0.2,
        "weight of residents' trust in police (expected backing) in collective efficacy",
        "assumption; direction: Silver & Miller 2004; Kochel 2009; Kirk & Matsuda 2011",
        kind="assumed",
        range=(0.0, 0.4),
    )
    efficacy_ties_weight: float = p(
        0.5,
        "weight of local ties (share of residents' ties within their place)",
        "Sampson, Raudenbush & Earls 1997 (r = 0.49 with friendship and kinship ties)",
        kind="sourced",
        range=(0.35, 0.65),
    )
    efficacy_engagement_weight: float = p(
        0.45,
        "weight of civic engagement and shared activity (watch, events, volunteering)",
        "Sampson, Raudenbush & Earls 1997 (r = 0.45 with organizational participation)",
        kind="sourced",
        range=(0.3, 0.6),
    )
    efficacy_crime_erosion: float = p(
        0.1, "per unit of crime ratio above baseline", "Skogan 1990: disorder and decline"
    )
    watch_trust_effect: float = p(
        0.5,
        "log-odds of joining a watch per unit trust above the start",
        "assumption; Tyler & Fagan 2008 (legitimacy matters less for helping neighbours)",
        kind="assumed",
        range=(0.0, 1.0),
    )
    watch_participation: float = p(
        0.8, "share of watch effect at mean engagement", "Bennett et al. 2008"
    )


@dataclass
class LegitimacyParams:
    """Trust that is earned and lost: recent experience, long-run belief, legal cynicism.

    A resident's trust ``T`` moves with each experience and relaxes toward their long-run
    belief ``A``; the belief learns from the gap, faster when experience is worse than belief;
    a neighbourhood's legal cynicism ``C`` follows its residents' beliefs over a decade and
    shapes newcomers, how bad news is heard, complaints and witness cooperation.
    """

    recent_half_life_days: float = p(
        180.0,
        "days for half of a recent experience's effect to fade into the belief",
        "derived: Peyton et al. 2019 (a single contact still matters at 21 days); Gallup "
        "2020-21 (most of a shock's drop gone within a year)",
        kind="sourced",
        range=(60.0, 365.0),
    )
    permanent_share_bad: float = p(
        0.3,
        "share of a bad experience's effect written into the long-run belief",
        "Gallup 2020-21: a year after 2020, 3 of the 11 points Black adults' high confidence "
        "lost were still lost (all 4 points for White adults)",
        kind="sourced",
        range=(0.1, 0.9),
    )
    good_learning_half_life_days: float = p(
        1825.0,
        "days for the belief to close half its gap to a better experience",
        "assumption: beliefs are sticky (Augustyn 2016; Posch et al. 2020)",
        kind="assumed",
        range=(730.0, 3650.0),
    )
    vicarious_weight: float = p(
        0.5,
        "effect of a tie's experience relative to one's own",
        "assumption; direction: Rosenbaum et al. 2005 (vicarious experience changes attitudes)",
        kind="assumed",
        range=(0.25, 1.0),
    )
    vicarious_share_heard: float = p(
        0.3,
        "share of a person's ties who hear of their police contact",
        "assumption",
        kind="assumed",
        range=(0.1, 0.6),
    )
    cynicism_half_life_days: float = p(
        3650.0,
        "days for a neighbourhood's legal cynicism to close half its gap to its residents' "
        "distrust",
        "assumption: a frame that outlasts the experiences that formed it (Kirk & "
        "Papachristos 2011; Kirk 2016)",
        kind="assumed",
        range=(1825.0, 10950.0),
    )
    cynicism_amplification: float = p(
        1.0,
        "extra weight of bad news per unit legal cynicism",
        "assumption; direction: Sampson & Bartusch 1998; Kirk & Papachristos 2011",
        kind="assumed",
        range=(0.0, 2.0),
    )
    mobility_per_year: float = p(
        0.11,
        "share of residents replaced by newcomers per year",
        "US Census Bureau CPS ASEC: 10-12% of people moved in a year in the 2010s",
        kind="sourced",
        range=(0.08, 0.14),
    )
    newcomer_frame_weight: float = p(
        0.7,
        "weight of the neighbourhood's frame (1 - cynicism) in a newcomer's belief",
        "assumption; Kirk & Papachristos 2011 (legal cynicism as a cultural frame)",
        kind="assumed",
        range=(0.4, 1.0),
    )
    resolved_report_gain: float = p(
        0.01,
        "share of (1 - trust) gained by a victim whose report led to an arrest",
        "assumption: good outcomes count less than bad ones (Skogan 2006)",
        kind="assumed",
        range=(0.0, 0.05),
    )
    unanswered_call_loss: float = p(
        0.05,
        "share of trust lost by a caller whose call no officer could answer",
        "assumption; direction: Skogan 2005 (response decides satisfaction)",
        kind="assumed",
        range=(0.0, 0.1),
    )
    area_safety_effect: float = p(
        0.0003,
        "trust per day per unit fall of visible crime around the home (its ratio to start)",
        "assumption: outcomes matter less than treatment (Sunshine & Tyler 2003)",
        kind="assumed",
        range=(0.0, 0.001),
    )


@dataclass
class VoiceParams:
    """Beat meetings: who attends, what they raise, and what responsiveness does."""

    attendance: float = p(
        0.0025,
        "share of a neighbourhood's residents at a meeting (at mean propensity)",
        "Chicago CAPS 1998: about 25 residents per beat meeting of ~10,000 residents "
        "(Skogan & Hartnett 1997)",
        kind="sourced",
        range=(0.001, 0.005),
    )
    attendance_engagement_effect: float = p(
        3.0,
        "log-odds of attending per unit civic engagement above the mean",
        "assumption; direction: Skogan & Hartnett 1997 (the active attend)",
        kind="assumed",
        range=(1.0, 5.0),
    )
    attendance_trust_effect: float = p(
        1.0,
        "log-odds of attending per unit trust above the mean",
        "assumption; direction: Tyler & Fagan 2008",
        kind="assumed",
        range=(0.3, 2.0),
    )
    attendance_tenure_effect: float = p(
        0.7,
        "log-odds of attending per log of tenure relative to the median",
        "assumption; Skogan 2006: homeowners and long-time residents attend more (odds ~2)",
        kind="assumed",
        range=(0.4, 1.1),
    )
    meeting_trust_gain: float = p(
        0.02,
        "share of (1 - trust) gained by an attendee at a meeting",
        "assumption: a positive contact (Peyton et al. 2019: one non-enforcement visit moves "
        "attitudes)",
        kind="assumed",
        range=(0.005, 0.05),
    )
    meeting_engagement_gain: float = p(
        0.05,
        "share of (1 - engagement) gained by an attendee",
        "assumption",
        kind="assumed",
        range=(0.01, 0.1),
    )
    responsiveness_trust_gain: float = p(
        0.02,
        "share of (1 - trust) gained by attendees per problem raised that was acted on",
        "assumption; Skogan 2006: what builds trust is visible responsiveness",
        kind="assumed",
        range=(0.0, 0.05),
    )
    ignored_trust_loss: float = p(
        0.02,
        "share of trust lost by attendees per problem raised and ignored",
        "assumption; Skogan 2006",
        kind="assumed",
        range=(0.0, 0.05),
    )
    acted_presence_ratio: float = p(
        1.25,
        "police presence at a raised place, relative to before, that counts as acting",
        "assumption",
        kind="assumed",
        range=(1.1, 2.0),
    )
    victim_memory_half_life_days: float = p(
        90.0,
        "days for half of a victimization to leave residents' concerns",
        "assumption",
        kind="assumed",
        range=(30.0, 365.0),
    )


@dataclass
class AccountabilityParams:
    """Complaints after negative contacts, their review, and transparency reports."""

    complaint_probability: float = p(
        0.04,
        "probability that a person who felt treated improperly files a complaint",
        "BJS PPCS 2011: fewer than 5% of those who felt police behaved improperly complained",
        kind="sourced",
        range=(0.01, 0.05),
    )
    cynicism_complaint_suppression: float = p(
        0.5,
        "log-odds of complaining lost per unit legal cynicism ('no use complaining')",
        "assumption",
        kind="assumed",
        range=(0.0, 1.0),
    )
    anonymous_channel_effect: float = p(
        1.5,
        "complaints filed with an anonymous channel relative to without",
        "assumption (no estimate found)",
        kind="assumed",
        range=(1.0, 2.0),
    )
    rights_education_effect: float = p(
        1.25,
        "complaints filed by residents who know their rights relative to others",
        "assumption (no estimate found)",
        kind="assumed",
        range=(1.0, 1.5),
    )
    retraining_skill_gain: float = p(
        0.1,
        "procedural-justice skill gained by an officer retrained after repeat complaints",
        "assumption; Wood, Tyler & Papachristos 2020 (training and complaints)",
        kind="assumed",
        range=(0.0, 0.3),
    )
    transparency_trust_gain: float = p(
        0.02,
        "share of (1 - trust) gained by engaged residents reading a report on acted problems",
        "assumption; Skogan 2006 on accountability",
        kind="assumed",
        range=(0.0, 0.05),
    )


@dataclass
class PartnerParams:
    """Community organizations and businesses as partners of the police."""

    organizations_per_10k: float = p(
        3.0,
        "community organizations (faith, tenant, school, business) per 10,000 residents",
        "assumption; Sharkey, Torrats-Espinosa & Takyar 2017 (nonprofit density)",
        kind="assumed",
        range=(1.0, 6.0),
    )
    baseline_strength: float = p(
        0.1,
        "partnership strength of an organization with no joint work (0-1)",
        "assumption",
        kind="assumed",
        range=(0.0, 0.3),
    )
    strength_half_life_days: float = p(
        180.0,
        "days for a partnership without joint work to lose half its strength",
        "assumption; Rosenbaum 2002 (partnerships need maintenance)",
        kind="assumed",
        range=(90.0, 365.0),
    )
    strength_gain: float = p(
        0.05,
        "share of (1 - strength) gained per day of joint work",
        "assumption",
        kind="assumed",
        range=(0.01, 0.1),
    )
    problem_solving_boost: float = p(
        0.5,
        "problem-solving progress gained at full partnership strength (relative)",
        "assumption; Goldstein 1990 (problem solving relies on partners)",
        kind="assumed",
        range=(0.0, 1.0),
    )
    referral_boost: float = p(
        0.5,
        "program effect gained at full partnership strength (relative)",
        "assumption",
        kind="assumed",
        range=(0.0, 1.0),
    )
    place_manager_effect: float = p(
        0.2,
        "log-rate reduction of crime at a fully commercial place with a fully active manager",
        "assumption; direction: Eck 2002; Eck & Wartell 1998",
        kind="assumed",
        range=(0.05, 0.4),
    )
    manager_base_effort: float = p(
        0.3,
        "effort of place managers without a partnership (0-1)",
        "assumption",
        kind="assumed",
        range=(0.1, 0.5),
    )
    event_cohesion_gain: float = p(
        0.1,
        "share of (1 - engagement) gained by residents at a community event",
        "assumption",
        kind="assumed",
        range=(0.02, 0.2),
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
    feedback_channel_day: float = p(
        300.0, "USD per day for an anonymous feedback channel and complaint review", "assumption"
    )
    community_event: float = p(2000.0, "USD per community event", "assumption")
    partnership_day: float = p(
        50.0, "USD per partner organization per day of joint work (liaison time)", "assumption"
    )


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
    legitimacy: LegitimacyParams = field(default_factory=LegitimacyParams)
    voice: VoiceParams = field(default_factory=VoiceParams)
    accountability: AccountabilityParams = field(default_factory=AccountabilityParams)
    partners: PartnerParams = field(default_factory=PartnerParams)
    survey: SurveyParams = field(default_factory=SurveyParams)
    costs: CostParams = field(default_factory=CostParams)
