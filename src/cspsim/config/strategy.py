"""Schema of the ``strategy`` group: a named composition of intervention components.

Every component is present in every strategy; a component at its zero setting is off, so a
strategy that sets nothing is exactly the ``reactive`` baseline (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PATROL_MODES = ("random", "hotspot", "community")
TARGETING = ("recorded_crime", "concerns")


@dataclass
class PatrolConfig:
    """How proactive patrol hours (those left after answering calls) are spread.

    Attributes:
        mode: ``random`` (uniform over places, the reactive baseline), ``hotspot`` (a share
            of hours on the top places by *recorded* crime, re-ranked at every review) or
            ``community`` (officers fixed to neighbourhood beats on foot, spread by
            population and residents' concerns; fewer stops, more positive contacts).
        hotspot_share: Share of proactive hours sent to hot spots in ``hotspot`` mode.
        hotspot_places: Share of places that count as hot spots.
        stop_multiplier: Police-initiated contacts per patrol hour, relative to baseline
            (zero tolerance: aggressive order maintenance).
        negative_multiplier: Share of stops experienced as negative, relative to baseline.
        disorder_discovery_multiplier: Discovery of disorder and drug offences per hour,
            relative to baseline (order maintenance finds more low-level offences).
        foot_negative_multiplier: In ``community`` mode, the negative share of contacts
            relative to car patrol (Skogan & Hartnett 1997; Gill et al. 2014).
        foot_stop_multiplier: In ``community`` mode, stops per hour relative to baseline.
        community_share: Share of proactive patrol officers on community foot beats while
            the rest patrol in ``mode`` (mixes community policing into a random or hot-spot
            strategy, e.g. along a budget frontier); ignored in ``community`` mode.
        trial_places: Place-randomized trial (Sherman & Weisburd 1995): the top N places by
            recorded crime when the strategy starts form the trial; 0 = no trial.
        trial_treated_share: Share of the trial places assigned at random (stream ``trial``)
            to treatment; the others are the control arm.
        trial_dosage: Random-patrol presence at treated trial places relative to elsewhere
            (2 = about double, as in the Minneapolis experiment).
    """

    mode: str = "random"
    hotspot_share: float = 0.5
    hotspot_places: float = 0.05
    stop_multiplier: float = 1.0
    negative_multiplier: float = 1.0
    disorder_discovery_multiplier: float = 1.0
    foot_negative_multiplier: float = 0.5
    foot_stop_multiplier: float = 0.5
    community_share: float = 0.0
    trial_places: int = 0
    trial_treated_share: float = 0.5
    trial_dosage: float = 2.0


@dataclass
class MeetingsConfig:
    """Community meetings (beat meetings) and transparency reports.

    Attributes:
        per_month: Meetings per neighbourhood per month (0 = none).
        voice: 0-1, how much residents' concerns steer patrol and programs.
        transparency: Publish KPI reports at every review (raises trust among engaged
            residents when outcomes are reported honestly).
    """

    per_month: float = 0.0
    voice: float = 0.5
    transparency: bool = False


@dataclass
class ProblemSolvingConfig:
    """Problem-oriented policing (SARA) at chronic hot spots.

    Attributes:
        places: Share of places (the chronic hot spots by recorded crime) worked on.
        hours_per_place: Officer-hours per treated place per day.
        max_reduction: Reduction of the place's underlying opportunity once solved
            (Hinkle et al. 2020: about -25% to -40%).
        ramp_days: Days for a problem-solving project to reach full effect.
    """

    places: float = 0.0
    hours_per_place: float = 2.0
    max_reduction: float = 0.35
    ramp_days: float = 120.0


@dataclass
class ProceduralJusticeConfig:
    """Procedural-justice training for all officers.

    Attributes:
        skill: Target officer procedural-justice skill 0-1 (0 = no training programme).
        training_hours: Training hours per officer per year (paid from the budget).
    """

    skill: float = 0.0
    training_hours: float = 24.0


@dataclass
class ProgramsConfig:
    """Programs run by partner organizations, as shares of the daily budget.

    Attributes:
        youth_jobs_share: Budget share for summer youth jobs (Heller 2014).
        job_training_share: Budget share for job training.
        mental_health_share: Budget share for mental-health / substance responders who take
            low-level calls instead of officers (Dee & Pyne 2022).
        targeting: ``recorded_crime`` or ``concerns`` (meeting input) to site programs.
    """

    youth_jobs_share: float = 0.0
    job_training_share: float = 0.0
    mental_health_share: float = 0.0
    targeting: str = "recorded_crime"


@dataclass
class WatchConfig:
    """Neighbourhood watch.

    Attributes:
        coverage: Share of places covered (the highest recorded property plus disorder
            crime first).
    """

    coverage: float = 0.0


@dataclass
class EducationConfig:
    """Public education campaign on reporting and engagement.

    Attributes:
        intensity: 0-1 share of residents reached per year.
    """

    intensity: float = 0.0


@dataclass
class ReviewConfig:
    """Periodic partnership review (continuous improvement) on measured data.

    Attributes:
        adaptive: At each review, move hot-spot and community patrol, and responders,
            toward the places whose measured problems are largest (recorded crime since
            the last review, and low trust in the latest survey wave).
        rate: Share of the allocation moved at each review.
    """

    adaptive: bool = False
    rate: float = 0.3


@dataclass
class StrategyConfig:
    """A strategy: a name, its components and how it is funded.

    Attributes:
        name: Strategy name (a file in ``configs/strategy``).
        equal_budget: Pay every component from the baseline budget (fewer patrol hours);
            false adds the components' cost on top.
    """

    name: str = "reactive"
    equal_budget: bool = True
    patrol: PatrolConfig = field(default_factory=PatrolConfig)
    meetings: MeetingsConfig = field(default_factory=MeetingsConfig)
    problem_solving: ProblemSolvingConfig = field(default_factory=ProblemSolvingConfig)
    procedural_justice: ProceduralJusticeConfig = field(default_factory=ProceduralJusticeConfig)
    programs: ProgramsConfig = field(default_factory=ProgramsConfig)
    watch: WatchConfig = field(default_factory=WatchConfig)
    education: EducationConfig = field(default_factory=EducationConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
