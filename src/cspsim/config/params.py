"""Model parameters: every number the mechanisms use, with its unit, source, kind and range.

Each field is declared with :func:`p` (unit, source, ``kind``, plausible ``range``);
``docs/ODD.md`` lists them from here and ``docs/sources/parameters.md`` and
``docs/sources/legitimacy.md`` give the passages read. Kinds (:data:`KINDS`):

* ``sourced``: a micro-level estimate from a named study; the range is that study's
  uncertainty or a derivation stated in the source text;
* ``fitted``: fitted by ``experiment=calibrate`` to the named *baseline* calibration targets
  (``targets``); the range is the calibration's search range (or a stated prior);
* ``assumed``: no usable estimate found; the source gives the reasoning and the range is a
  plausible one stated a priori.

No value or range was chosen by looking at a validation band (an intervention effect the
model is meant to predict). Where a parameter is taken from the same study as a validation
fact, it cites that study, and the validation labels the fact a *calibrated echo*.
Citations are written ``Author 2008``, ``Author & Other 2008`` or ``Author et al. 2008`` so
that :func:`cspsim.config.evidence.citations` can read them.
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
        "assumption; scale: Mohler et al. 2011 (self-exciting point process fitted to burglary, "
        "the branching share 0.1-0.3 quoted earlier was not re-read); Short et al. 2008 "
        "(model form)",
        kind="assumed",
        range=(0.05, 0.4),
    )
    near_repeat_decay: float = p(
        0.1,
        "1/day",
        "derived: Johnson et al. 2007: homes within 200 m of a burglary at elevated risk for at "
        "least two weeks in 10 areas of 5 countries; Johnson & Bowers 2004: clusters within "
        "1-2 months. Mean boost life 1/0.1 = 10 days; range: mean life 5 to 30 days",
        kind="sourced",
        range=(0.033, 0.2),
    )
    near_repeat_spread: float = p(
        0.3,
        "share of boost to adjacent places",
        "assumption; scale: Johnson et al. 2007 (elevated risk within 200 m); Johnson & Bowers "
        "2004 (up to 300-400 m), on the order of a block group's width",
        kind="assumed",
        range=(0.1, 0.5),
    )
    offender_travel: float = p(
        0.3,
        "share of offending pressure on adjacent places",
        "assumption; direction: Bernasco & Nieuwbeerta 2005 (burglars choose targets close to "
        "home); no share of offences committed outside the home block group was read",
        kind="assumed",
        range=(0.1, 0.6),
    )
    police_deterrence: float = p(
        0.35,
        "log-rate per log-unit of presence, log(1 + h/h0)",
        "derived from the police elasticity of crime; Draca, Machin & Witt 2011: -0.3 to -0.4 "
        "(police redeployed to central London after the terror attacks, IV); Chalfin & McCrary "
        "2018: violent -0.35, property -0.17 (US cities, measurement-error corrected); MacDonald, "
        "Klick & Grunwald 2016: about -0.3; Klick & Tabarrok 2005: about -0.3. The elasticity "
        "at presence h is d h/(h + h0); at the baseline's felt presence (about 5.7 "
        "officer-hours a day per SF block group, h0 = 1) d = 0.3 x 1.18 = 0.35; range: "
        "elasticity 0.1 to 0.5",
        kind="sourced",
        range=(0.12, 0.6),
    )
    presence_half_saturation: float = p(
        1.0,
        "officer-hours per day at a place of sf2012's mean size, 1,391 residents (h0)",
        "assumption; scale: Koper 1995 (Minneapolis hot spots: a patrol stop needs about 10 "
        "minutes to deter, returns diminish after 11-15 minutes): returns to daily presence "
        "level off at the order of an officer-hour a day",
        kind="assumed",
        range=(0.25, 4.0),
    )
    diffusion_of_benefits: float = p(
        0.3,
        "share of deterrence felt at adjacent places",
        "assumption for the size; direction: Guerette & Bowers 2009 (diffusion observed in 27% "
        "of 574 observations, displacement in 26%); Weisburd et al. 2006; Bowers et al. 2011 "
        "(diffusion more likely than displacement)",
        kind="assumed",
        range=(0.0, 0.5),
    )
    displacement: float = p(
        0.1,
        "share of deterred offences moved to adjacent places",
        "assumption for the size; direction: Guerette & Bowers 2009 (displacement, when found, "
        "smaller than the treatment effect); Bowers et al. 2011",
        kind="assumed",
        range=(0.0, 0.3),
    )
    collective_efficacy_effect: float = p(
        2.4,
        "log-rate per unit collective efficacy",
        "derived: Sampson, Raudenbush & Earls 1997: collective efficacy 2 sd higher, about 40% "
        "fewer homicides (0.25 log-rate per sd; standardized coefficient on violence -0.53); "
        "Maxwell, Garner & Skogan 2011: replicated for homicide, no relation with recorded "
        "robbery and assault. Per model unit: 0.25 / 0.051 (sd of place efficacy at the start, "
        "SF 2012, with residential stability in efficacy) = 4.9 for the homicide estimate, 0 "
        "for the null; default the midpoint",
        kind="sourced",
        range=(0.0, 4.9),
    )
    watch_effect: float = p(
        0.30,
        "log-rate reduction at full watch coverage (property, disorder)",
        "derived: Bennett, Holloway & Farrington 2008: watch areas' crime odds ratio 1.19 "
        "(fixed effects) to 1.36 (random effects), i.e. -16% to -26%; at the mean participation "
        "0.8, 0.8 x effect = ln(sqrt(1.19 x 1.36)); range: the two estimates (0.22, 0.38) "
        "widened by 0.08 each way for their confidence intervals, not read",
        kind="sourced",
        range=(0.13, 0.47),
    )
    disadvantage_rate_effect: float = p(
        0.6,
        "log-rate per sd of disadvantage (cities without crime data)",
        "assumption for the size; direction: Sampson et al. 1997; Krivo & Peterson 1996 "
        "(violence far higher in extremely disadvantaged neighbourhoods)",
        kind="assumed",
        range=(0.3, 1.0),
    )
    at_risk_share: float = p(
        0.06,
        "share of residents",
        "Wolfgang, Figlio & Sellin 1972: 6% of a birth cohort of 9,945 boys committed 52% of "
        "its offences; range: lower for a whole population (women, older residents), higher "
        "for offending broader than chronic",
        kind="sourced",
        range=(0.03, 0.08),
    )
    incapacitation_days: list[float] = p(
        [120.0, 45.0, 5.0, 30.0],
        "days per arrest by type (violent, property, disorder, drugs)",
        "assumption: expected days in custody per arrest (most arrestees are released within "
        "days; a minority serve prison terms), no per-arrest average read",
        kind="assumed",
        range=([60.0, 20.0, 1.0, 10.0], [240.0, 90.0, 15.0, 60.0]),
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
        0.05,
        "propensity reduction per arrest",
        "assumption; Nagin 2013 (certainty, not severity, deters; evidence on the specific "
        "deterrence of an arrest is mixed)",
        kind="assumed",
        range=(0.0, 0.1),
    )


@dataclass
class ReportingParams:
    """Victims' and witnesses' reporting, patrol discovery."""

    base_probability: list[float] = p(
        [0.47, 0.33, 0.28, 0.02],
        "probability at baseline trust (violent, property, disorder, drugs)",
        "fitted by experiment=calibrate: violent and property to US NCVS 2022-23 reporting "
        "(violent 0.38-0.48, property 0.27-0.34); disorder and drugs are fixed (not fitted): "
        "drugs nearly all police-found, disorder an assumption",
        kind="fitted",
        targets=("reporting_violent", "reporting_property"),
        range=([0.35, 0.25, 0.28, 0.02], [0.6, 0.45, 0.28, 0.02]),
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
        0.5,
        "log-odds at full campaign exposure",
        "assumption (reporting campaigns; no estimate of a campaign's effect on reporting found)",
        kind="assumed",
        range=(0.0, 1.0),
    )
    discovery_per_hour: list[float] = p(
        [0.004, 0.004, 0.02, 0.03],
        "probability per officer-hour at a place of sf2012's mean size (1,391 residents) that "
        "an unreported offence there is found",
        "fitted by hand to the concentration of SF drugs incidents (shipped data); prior range "
        "stated a priori: a tenth to ten times a few finds per thousand officer-hours",
        kind="fitted",
        targets=("sf_top10_drugs", "sf_gini_drugs"),
        range=([0.001, 0.001, 0.005, 0.01], [0.01, 0.01, 0.05, 0.1]),
    )


@dataclass
class PoliceParams:
    """Officers, calls, stops and arrests."""

    officer_hours_per_1000: float = p(
        3.2,
        "patrol officer-hours per day per 1,000 residents",
        "assumption, rough reasoning (figures not read): a city force of about 2.5 sworn "
        "officers per 1,000 residents, about 60% in patrol, about 1,750 hours worked a year, "
        "part of it on the street; range from lean to well-staffed forces",
        kind="assumed",
        range=(2.0, 6.0),
    )
    shift_hours: float = p(
        8.0,
        "hours",
        "assumption: the classic shift; Amendola et al. 2011 compared 8-, 10- and 12-hour "
        "patrol shifts (not re-read)",
        kind="assumed",
        range=(8.0, 12.0),
    )
    call_hours: float = p(
        1.0,
        "officer-hours per call for service",
        "assumption: time on scene and reports, often two officers; no CAD figure read",
        kind="assumed",
        range=(0.5, 2.0),
    )
    response_base_minutes: float = p(
        10.0,
        "minutes from a call to an officer on scene when officers are free",
        "BJS 2008 (NCVS, Criminal Victimization in the United States, table 107: police came "
        "within 10 minutes for about 58% of violent crimes reported, within 5 minutes for "
        "28%); city averages 8-14 minutes for top-priority calls (Denver Auditor 2014; "
        "reported national average about 11 minutes in 2013)",
        kind="sourced",
        range=(7.0, 14.0),
    )
    other_calls_per_1000: float = p(
        0.26,
        "non-crime calls per 1,000 residents per day",
        "fitted by experiment=calibrate to the PPCS share of residents with a contact",
        kind="fitted",
        targets=("contact_share",),
        range=(0.05, 0.4),
    )
    stops_per_patrol_hour: float = p(
        0.095,
        "police-initiated contacts per patrol officer-hour",
        "fitted by experiment=calibrate to the PPCS share of contacts that are police-initiated",
        kind="fitted",
        targets=("contact_police_initiated",),
        range=(0.03, 0.12),
    )
    arrest_probability: list[float] = p(
        [0.45, 0.13, 0.2, 0.9],
        "per recorded offence (violent, property, disorder, drugs)",
        "FBI: Crime in the United States 2019 clearance rates (violent 45.5%, property 17.2%, "
        "motor vehicle theft lower); disorder an assumption; drugs: recorded drug offences are "
        "mostly found in an arrest",
        kind="sourced",
        range=([0.35, 0.08, 0.1, 0.7], [0.55, 0.2, 0.35, 1.0]),
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
        "Langton & Durose 2013 (BJS PPCS 2011): 66% of people in street stops said police "
        "behaved properly and respectfully (34% did not), 25% said not properly; traffic stops "
        "10% not properly",
        kind="sourced",
        range=(0.25, 0.45),
    )
    negative_probability_call: float = p(
        0.10,
        "share of resident-initiated contacts experienced as negative",
        "BJS PPCS 2005: about 9 in 10 people with a contact felt police acted properly (all "
        "contacts; no figure for resident-initiated ones read)",
        kind="sourced",
        range=(0.05, 0.15),
    )
    negative_trust_loss: float = p(
        0.15,
        "trust lost per negative contact (share of current trust)",
        "assumption: no per-contact change in trust units found; direction: Skogan 2006",
        kind="assumed",
        range=(0.03, 0.2),
    )
    asymmetry: float = p(
        8.0,
        "negative/positive effect ratio",
        "Skogan 2006: negative contacts 4-14x stronger (8 is near their geometric middle); "
        "Oliveira et al. 2021: about 1 for fairness in a panel",
        kind="sourced",
        range=(1.0, 14.0),
    )
    procedural_justice_skill: float = p(
        0.3,
        "0-1 baseline officer skill",
        "assumption: no measure of officers' untrained procedural-justice skill on a 0-1 scale "
        "found; direction: Mazerolle et al. 2013",
        kind="assumed",
        range=(0.1, 0.5),
    )
    procedural_justice_mitigation: float = p(
        0.5,
        "share of negative outcomes avoided at full skill",
        "assumption (the middle of 0.2-0.8); direction: Maguire et al. 2017 (experiment: a "
        "procedurally just stop raises trust); Tyler & Fagan 2008; Tyler, Fagan & Geller 2014",
        kind="assumed",
        range=(0.2, 0.8),
    )
    group_stop_bias: float = p(
        0.0,
        "log stop-rate ratio group B vs A",
        "0 by default (the no-bias reference; a policy knob); range up to a rate ratio of 2, "
        "assumed; direction: Gelman, Fagan & Kiss 2007",
        kind="assumed",
        range=(0.0, 0.7),
    )
    at_risk_stop_ratio: float = p(
        4.0,
        "stop rate ratio of at-risk residents",
        "assumption (stops target suspicion; no ratio read)",
        kind="assumed",
        range=(2.0, 8.0),
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
        "assumption, chosen a priori (not tuned): one conversation an hour is the geometric "
        "middle of 0.25 (two a shift) to 4 (one every 15 minutes on a busy beat); no rate read; "
        "direction: Trojanowicz 1982 (Flint foot patrol); Parks et al. 1999 (community "
        "specialists spent less face time with the public than generalists)",
        kind="assumed",
        range=(0.25, 4.0),
    )
    negative_probability_informal: float = p(
        0.02,
        "share of informal foot-patrol conversations experienced as negative",
        "assumption: Skogan & Hartnett 1997 (beat officers' informal contacts mostly positive)",
        kind="assumed",
        range=(0.0, 0.05),
    )


@dataclass
class SocialParams:
    """Resident social network and word of mouth (Friedkin-Johnsen opinion dynamics)."""

    ties_per_resident: float = p(
        8.0,
        "ties",
        "assumption; scale: Hampton & Wellman 2003 (neighbours known in a wired suburb)",
        kind="assumed",
        range=(4.0, 15.0),
    )
    share_ties_local: float = p(
        0.7,
        "share of ties within the home place",
        "assumption; direction: Sampson 2012 (neighbourhood networks)",
        kind="assumed",
        range=(0.4, 0.85),
    )
    influence_rate: float = p(
        0.02,
        "1/day pull of trust and fear towards ties' mean",
        "assumption; model form: Friedkin & Johnsen 1990 (no daily rate estimated)",
        kind="assumed",
        range=(0.005, 0.05),
    )
    victim_trust_loss: float = p(
        0.05,
        "share of trust lost by a victim whose report goes unresolved (no arrest)",
        "assumption; direction: Skogan 2006 (dissatisfaction with how reports are handled)",
        kind="assumed",
        range=(0.0, 0.1),
    )
    victim_fear_gain: float = p(
        0.3,
        "fear gained per victimization (share of 1-fear)",
        "assumption for the size; direction: Skogan & Maxfield 1981 (victims more fearful)",
        kind="assumed",
        range=(0.1, 0.5),
    )
    vicarious_fear_gain: float = p(
        0.03,
        "fear gained per victimization among ties",
        "assumption for the size; direction: Skogan & Maxfield 1981 (hearing of crime raises fear)",
        kind="assumed",
        range=(0.01, 0.1),
    )
    local_crime_fear: float = p(
        0.05,
        "fear anchor shift per unit of local crime ratio above (or below) baseline",
        "Hale 1996 (fear follows local crime and disorder); assumption for the size",
        kind="assumed",
        range=(0.0, 0.1),
    )
    fear_relaxation: float = p(
        0.01,
        "1/day",
        "assumption: half-life of a fear shock about 70 days (range about 3 weeks to 8 months)",
        kind="assumed",
        range=(0.003, 0.03),
    )


@dataclass
class ResidentParams:
    """Initial resident state."""

    trust_mean: float = p(
        0.63,
        "0-1",
        "fitted by experiment=calibrate to Gallup's 43-57% 'high confidence' (trust >= 0.6)",
        kind="fitted",
        targets=("high_confidence",),
        range=(0.5, 0.75),
    )
    trust_concentration: float = p(
        6.0,
        "Beta a+b",
        "assumption: spread of trust across residents (sd about 0.18 at mean 0.63)",
        kind="assumed",
        range=(3.0, 12.0),
    )
    trust_disadvantage_effect: float = p(
        0.06,
        "trust lower per sd of disadvantage",
        "assumption for the size; direction: Sampson & Bartusch 1998 (disadvantage raises "
        "dissatisfaction with police, net of composition)",
        kind="assumed",
        range=(0.02, 0.1),
    )
    group_b_share: float = p(
        0.35,
        "share of residents in group B",
        "assumption: a stylized minority group (of the order of SF's non-white, non-Asian "
        "population share)",
        kind="assumed",
        range=(0.2, 0.5),
    )
    group_segregation: float = p(
        1.0,
        "log-odds of group B per sd of disadvantage",
        "assumption for the size; direction: Massey & Denton 1993 (segregation concentrates "
        "disadvantage)",
        kind="assumed",
        range=(0.5, 1.5),
    )
    group_b_trust_gap: float = p(
        0.08,
        "trust gap of group B",
        "assumption; scale: Gallup 1993-2021 (legitimacy sheet, section 15): 'high confidence' "
        "25-37 points lower among Black adults. With the Beta spread the gap alone gives about "
        "17 points (disadvantage adds more); the range gives 8-31 points",
        kind="assumed",
        range=(0.04, 0.15),
    )
    engagement_mean: float = p(
        0.25,
        "0-1",
        "assumption: about 1 in 4 residents civically active (volunteering, groups)",
        kind="assumed",
        range=(0.15, 0.35),
    )
    fear_mean: float = p(
        0.3,
        "0-1",
        "assumption; scale: Gallup crime polls (about a third afraid to walk alone at night "
        "near home; year not recorded)",
        kind="assumed",
        range=(0.2, 0.45),
    )
    tenure_disadvantage_effect: float = p(
        0.3,
        "log of residents' moving rate per sd of disadvantage",
        "assumption for the size; direction: Sampson, Raudenbush & Earls 1997 (residential "
        "stability lower where disadvantage is concentrated: fewer owners)",
        kind="assumed",
        range=(0.0, 0.6),
    )


@dataclass
class ProgramParams:
    """Organization programs: youth jobs, mental-health responders, job training."""

    youth_jobs_effect: list[float] = p(
        [0.7, 0.0, 0.1, 0.0],
        "max propensity reduction by type (reached after the ramp, then fading)",
        "derived from Heller 2014 and Heller, Pollack & Davis 2017 (One Summer Chicago Plus "
        "RCT): participants' violent-crime arrests -45% in the first year (4.5 fewer per 100 "
        "participants); -43% over 16 months by assignment; no significant change in other "
        "arrests, property arrests up if anything in years 2-3 (Davis & Heller 2020). Violent: "
        "0.45 / 0.644 (the mean effect level over year 1 with a 30-day ramp and a 210-day "
        "half-life) = 0.70; range: confidence interval not read, significant at 5% with about "
        "9 arrests per 100 controls, so wide",
        kind="sourced",
        range=([0.25, 0.0, 0.0, 0.0], [0.95, 0.1, 0.2, 0.1]),
    )
    job_training_effect: list[float] = p(
        [0.1, 0.15, 0.05, 0.1],
        "max propensity reduction by type",
        "assumption for the sizes; direction: Uggen 2000 (a supported-work program lowered "
        "re-arrest of offenders older than about 26 only); Lipsey 2009 (meta-analysis of "
        "juvenile programs)",
        kind="assumed",
        range=([0.0, 0.0, 0.0, 0.0], [0.25, 0.3, 0.15, 0.25]),
    )
    mental_health_effect: list[float] = p(
        [0.0, 0.0, 0.34, 0.2],
        "low-level incident reduction at covered places",
        "Dee & Pyne 2022: Denver STAR, reports of targeted less serious crimes (trespassing, "
        "public disorder, resisting arrest) -34%, no detectable effect on serious crime; "
        "their confidence interval not read, and part of the drop is fewer reports by health "
        "responders, not fewer offences (Wheeler 2025 critique), hence a wide lower range; "
        "drug offences not reported separately in what was read, 0.2 an assumption",
        kind="sourced",
        range=([0.0, 0.0, 0.1, 0.0], [0.0, 0.0, 0.45, 0.3]),
    )
    duration_days: float = p(
        56.0,
        "days enrolled",
        "Heller 2014: 8-week summer program; range: 6 to 8 weeks",
        kind="sourced",
        range=(42.0, 56.0),
    )
    ramp_days: float = p(
        30.0,
        "days to full effect",
        "assumption: Heller 2014 finds the violence decline mostly after the 8-week program",
        kind="assumed",
        range=(7.0, 60.0),
    )
    fade_half_life_days: float = p(
        210.0,
        "days",
        "derived: Heller 2014: violent arrests keep falling for 13 months after the program "
        "(half-life at least about 120 days); Heller, Pollack & Davis 2017: the decline does "
        "not continue in year 2 (half-life at most about a year); default their geometric "
        "middle",
        kind="sourced",
        range=(120.0, 365.0),
    )
    engagement_enrol_effect: float = p(
        2.0,
        "enrolment odds per unit engagement",
        "assumption: engaged youth take up places first",
        kind="assumed",
        range=(0.0, 4.0),
    )
    uptake: float = p(
        0.75,
        "share of offered program places taken up at reference trust",
        "assumption; scale: Heller 2014 (not every youth offered a summer job took it up; "
        "the take-up share was not re-read)",
        kind="assumed",
        range=(0.5, 0.95),
    )
    trust_uptake_effect: float = p(
        1.5,
        "log-odds of taking up an offered place per unit trust in police above the reference",
        "assumption; direction: Tyler & Fagan 2008 (legitimacy raises cooperation with "
        "police-led initiatives); Papachristos, Meares & Fagan 2007 (offender notification "
        "forums work through perceived legitimacy); places are offered through police "
        "partners",
        kind="assumed",
        range=(0.0, 3.0),
    )


@dataclass
class EngagementParams:
    """Meetings, education, watch and collective efficacy."""

    education_engagement_gain: float = p(
        0.002,
        "engagement per day of campaign",
        "assumption",
        kind="assumed",
        range=(0.0005, 0.005),
    )
    engagement_relaxation: float = p(
        0.005,
        "1/day back to disposition",
        "assumption: half-life of a rise in engagement about 140 days",
        kind="assumed",
        range=(0.002, 0.01),
    )
    efficacy_rate: float = p(
        0.01,
        "1/day",
        "assumption: collective efficacy moves toward its target with a half-life of about 70 "
        "days; range down to a half-life of about two years (legitimacy sheet: 730 days)",
        kind="assumed",
        range=(0.001, 0.02),
    )
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
    efficacy_stability_weight: float = p(
        0.2,
        "weight of residential stability (share of residents at their address 5 years or "
        "more) in collective efficacy",
        "assumption for the size; direction: Sampson, Raudenbush & Earls 1997 (residential "
        "stability predicts collective efficacy; their coefficient was not re-read)",
        kind="assumed",
        range=(0.0, 0.4),
    )
    crime_moving_effect: float = p(
        0.5,
        "relative rise of residents' moving rate per unit of crime ratio above baseline",
        "assumption for the size; direction: Cullen & Levitt 1999 (rising crime drives "
        "residents out of cities); Xie & McDowall 2008 (victimization and neighbours' "
        "victimization raise moving); Skogan 1990 (disorder and decline)",
        kind="assumed",
        range=(0.0, 1.0),
    )
    efficacy_crime_erosion: float = p(
        0.1,
        "per unit of crime ratio above baseline",
        "assumption for the size; direction: Hipp 2016 (more perceived crime, less collective "
        "efficacy at the next wave); Skogan 1990 (disorder and decline)",
        kind="assumed",
        range=(0.0, 0.3),
    )
    watch_trust_effect: float = p(
        0.5,
        "log-odds of joining a watch per unit trust above the start",
        "assumption; Tyler & Fagan 2008 (legitimacy matters less for helping neighbours)",
        kind="assumed",
        range=(0.0, 1.0),
    )
    watch_participation: float = p(
        0.8,
        "share of watch effect at mean engagement",
        "assumption: most of a watch's effect is reached at average engagement; watch_effect "
        "is derived at this value (Bennett et al. 2008)",
        kind="assumed",
        range=(0.5, 1.0),
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
        "US Census Bureau CPS ASEC 2019: 10-12% of people moved in a year in the 2010s",
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
    response_expected_minutes: float = p(
        10.0,
        "minutes a caller expects the police to take",
        "assumption; direction: Percy 1980 and Kansas City Police Department 1977 (response "
        "time analysis: satisfaction follows response time relative to what the caller "
        "expected more than response time itself); scale: the typical response (BJS 2008)",
        kind="assumed",
        range=(5.0, 20.0),
    )
    slow_response_loss: float = p(
        0.03,
        "share of trust lost by an answered caller per unit of delay beyond the expected "
        "time (relative to it, capped at 1)",
        "assumption; direction: Percy 1980; Skogan 2005 (response decides satisfaction); "
        "kept below unanswered_call_loss (a response twice as slow as expected costs less "
        "than none)",
        kind="assumed",
        range=(0.0, 0.05),
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
        "log-odds of attending per log of tenure (years)",
        "assumption; Skogan 2006: homeowners and long-time residents attend more (odds ~2)",
        kind="assumed",
        range=(0.4, 1.1),
    )
    meeting_trust_gain: float = p(
        0.02,
        "share of (1 - trust) gained by an attendee at a meeting",
        "assumption, chosen a priori (not tuned): a meeting counts as one positive "
        "non-enforcement contact, whose gain in the model is negative_trust_loss / asymmetry "
        "= 0.15 / 8 = 0.019; direction: Peyton et al. 2019 (one non-enforcement visit moves "
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
    unimproved_credit: float = p(
        0.5,
        "share of the responsiveness gain earned when a problem was acted on but the "
        "perceived problem did not fall by the next meeting",
        "assumption; direction: Skogan 2006 (beat-meeting residents judge whether problems "
        "were solved, not only whether police came); Sunshine & Tyler 2003 (performance "
        "shapes legitimacy, less than fairness)",
        kind="assumed",
        range=(0.2, 0.8),
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
        "assumption (no estimate of a training's effect on skill found; not taken from the "
        "complaint effects of training trials, which the model predicts)",
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

    sample_size: int = p(
        400,
        "residents contacted per wave",
        "assumption: a typical city survey design, a user's choice rather than an uncertain "
        "quantity (range fixed)",
        kind="assumed",
        range=(400, 400),
    )
    response_base: float = p(
        0.25,
        "response rate at mean trust",
        "assumption; scale: Pew Research Center 2019 (telephone surveys near 6%); mailed city "
        "surveys respond more",
        kind="assumed",
        range=(0.06, 0.4),
    )
    response_trust_effect: float = p(
        1.5,
        "log-odds per unit trust",
        "assumption: trusting residents answer more",
        kind="assumed",
        range=(0.5, 2.5),
    )


@dataclass
class CostParams:
    """Unit costs (US dollars, 2024) and how a budget cut is shared."""

    officer_hour: float = p(
        110.0,
        "USD per officer-hour",
        "assumption from SFPD pay: a sworn officer's salary (about USD 103,000 to start, "
        "148,000 after 7 years) plus benefits, over about 1,750 hours worked a year; range up "
        "to the department budget per sworn officer-hour",
        kind="assumed",
        range=(90.0, 190.0),
    )
    youth_jobs_place_day: float = p(
        55.0,
        "USD per participant-day",
        "derived from Heller 2014 (One Summer Chicago Plus: 25 hours a week at the USD 8.25 "
        "minimum wage for 8 weeks, USD 1,650 wages per slot, or USD 30 a day); mentors, "
        "administration (cost not read) and inflation (to 2024 dollars) add to it: 55 assumed, "
        "up to 80",
        kind="sourced",
        range=(30.0, 80.0),
    )
    job_training_place_day: float = p(
        30.0,
        "USD per participant-day",
        "assumption",
        kind="assumed",
        range=(15.0, 60.0),
    )
    mental_health_hour: float = p(
        80.0,
        "USD per responder-hour",
        "derived from Denver budgets; STAR pilot 2020: USD 208,141 for six months of one "
        "two-person van on weekday day shifts, about USD 100 a responder-hour; STAR budget "
        "2022: USD 3.9 million for up to six vans, about USD 56",
        kind="sourced",
        range=(55.0, 110.0),
    )
    meeting: float = p(
        1500.0,
        "USD per meeting",
        "assumption: officers' and organizers' time, room and outreach for an evening meeting",
        kind="assumed",
        range=(500.0, 3000.0),
    )
    watch_place_month: float = p(
        400.0,
        "USD per covered place-month",
        "assumption: coordination by police or a community organization",
        kind="assumed",
        range=(100.0, 800.0),
    )
    procedural_justice_training_hour: float = p(
        110.0,
        "USD per officer-hour of training",
        "assumption: the trained officer's paid hour (officer_hour); trainers and materials "
        "add up to half again",
        kind="assumed",
        range=(90.0, 250.0),
    )
    education_day: float = p(
        500.0,
        "USD per campaign-day",
        "assumption",
        kind="assumed",
        range=(200.0, 1500.0),
    )
    feedback_channel_day: float = p(
        300.0,
        "USD per day for an anonymous feedback channel and complaint review",
        "assumption",
        kind="assumed",
        range=(100.0, 800.0),
    )
    community_event: float = p(
        2000.0,
        "USD per community event",
        "assumption",
        kind="assumed",
        range=(500.0, 5000.0),
    )
    partnership_day: float = p(
        50.0,
        "USD per partner organization per day of joint work (liaison time)",
        "assumption: about half an hour of an officer's or a coordinator's time",
        kind="assumed",
        range=(25.0, 110.0),
    )
    cut_exposure: float = p(
        1.0,
        "cut of each component's spending relative to the cut of the whole budget (ratio)",
        "assumption: 1 = an across-the-board cut (every line, officer-hours included, loses "
        "the same share), the common first response to cutbacks (Levine 1978; Raudla, Savi "
        "& Randma-Liiv 2013); above 1 partnership work is cut first, as neighbourhood "
        "policing was in England and Wales after 2010 (Brain 2011); below 1 it is shielded",
        kind="assumed",
        range=(0.5, 2.0),
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
