"""Ready-made lessons: a preset (city, strategy, overrides, map layer) plus what to watch.

A lesson is data. The trainer picks one, presses Play and reads the text aloud; the
``finding`` says which published result the run illustrates, and ``compare`` names the
strategy shown next to it in the side-by-side view (same seed, so only the strategy differs).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lesson:
    """One lesson preset.

    Attributes:
        name: Short identifier (used in the URL-free app state and in tests).
        title: Title shown in the lesson picker.
        text: What to watch while the model runs (a few sentences for the class).
        finding: The research finding the run illustrates.
        citation: Where the finding comes from.
        city: A file in ``configs/city``.
        strategy: A file in ``configs/strategy``.
        overrides: Dotted config overrides applied on top (``make_config`` syntax).
        layer: Map layer shown first (a key of :data:`cspsim.viz.layers.LAYERS`).
        compare: Strategy run next to it in the side-by-side view.
        days: Suggested number of days to play (the effect is visible by then).
    """

    name: str
    title: str
    text: str
    finding: str
    citation: str
    city: str = "sf2012"
    strategy: str = "reactive"
    overrides: tuple[str, ...] = field(default_factory=tuple)
    layer: str = "true_crime"
    compare: str = "reactive"
    days: int = 180


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        name="feedback_loop",
        title="1. The runaway feedback loop",
        text=(
            "60% of proactive patrol hours go where recorded crime is highest. Watch the "
            "'patrol presence' and 'recorded crime' layers: patrols find offences nobody "
            "reports (drugs, disorder), so the patrolled places record more crime, which keeps "
            "the patrols there at every review. True crime (the other layer) is not "
            "concentrated the same way."
        ),
        finding=(
            "Predictive and hot-spot deployment fed by the police's own records can lock onto "
            "the same places: the data confirm where police look, not only where crime is."
        ),
        citation="Ensign, Friedler, Neville, Scheidegger & Venkatasubramanian (2018), FAT*.",
        strategy="hotspot",
        overrides=(
            "strategy.patrol.hotspot_share=0.6",
            "strategy.patrol.hotspot_places=0.05",
            "sim.review_period_days=30",
        ),
        layer="patrol",
        compare="reactive",
        days=180,
    ),
    Lesson(
        name="bad_contact",
        title="2. One bad contact outweighs many good ones",
        text=(
            "Zero-tolerance order maintenance multiplies stops. Most contacts are still "
            "positive (see the contacts chart), yet trust falls: a negative contact moves "
            "trust several times more than a positive one. Watch trust on the map fade "
            "where the stops concentrate, and the reporting rate follow it down."
        ),
        finding=(
            "The impact of a bad police encounter on confidence is 4 to 14 times that of a "
            "positive one; good contacts barely move it."
        ),
        citation="Skogan (2006), Policing & Society 16(2): 99-126.",
        strategy="zero_tolerance",
        layer="trust",
        compare="community_policing",
        days=180,
    ),
    Lesson(
        name="rebuilding_trust",
        title="3. Rebuilding trust after historical tension",
        text=(
            "A third of the city's neighbourhoods (the most disadvantaged) start with low "
            "trust after past abuses. Community policing with monthly beat meetings, "
            "procedural-justice training and transparency reports works on it. Watch the "
            "red areas on the trust layer: they recover slowly, over months, not days."
        ),
        finding=(
            "Community policing raises trust and satisfaction clearly while its effect on "
            "crime is small; procedural justice in encounters builds legitimacy."
        ),
        citation="Gill, Weisburd, Telep, Vitter & Bennett (2014), J. Exp. Criminology; "
        "Tyler (2004).",
        strategy="full_partnership",
        overrides=(
            "modifiers.historical_tension.share=0.33",
            "modifiers.historical_tension.trust_drop=0.25",
            "strategy.meetings.per_month=2",
        ),
        layer="trust",
        compare="reactive",
        days=270,
    ),
    Lesson(
        name="root_causes",
        title="4. Root causes take time",
        text=(
            "New money pays for summer youth jobs and job training in the neighbourhoods with "
            "the most recorded violence (program layer). Enrolment fills in the first days, "
            "but a participant's offending falls only as the program works on them, over "
            "weeks, and the effect fades after they leave. City-wide crime moves little and "
            "late: participants are a small share of offenders. Compare with the baseline in "
            "the side-by-side view."
        ),
        finding=(
            "A summer youth employment program cut violent-crime arrests of participants by "
            "about 40% over the following 16 months; most of the drop came after the "
            "program had ended."
        ),
        citation="Heller (2014), Science 346(6214): 1219-1223.",
        strategy="root_causes",
        overrides=(
            "strategy.programs.youth_jobs_share=0.08",
            "strategy.programs.job_training_share=0.04",
            "strategy.responders.budget_share=0",
            "strategy.equal_budget=false",
        ),
        layer="programs",
        compare="reactive",
        days=180,
    ),
    Lesson(
        name="hot_spot",
        title="5. Around a patrolled hot spot",
        text=(
            "Hot-spot patrol about doubles police presence at the top 5% of places by "
            "recorded crime (the dosage of the trials). "
            "Watch true crime at the patrolled places fall, then look at the places around "
            "them: does crime move around the corner (displacement) or fall there too "
            "(diffusion of benefits)? Click a hot spot and its neighbours to compare."
        ),
        finding=(
            "Hot-spot policing reduces crime at treated places by a modest amount and "
            "nearby areas more often gain (diffusion of benefits) than lose (displacement)."
        ),
        citation="Braga, Turchan, Papachristos & Hureau (2019), Campbell Syst. Rev.; "
        "Weisburd et al. (2006), Criminology.",
        strategy="hotspot",
        layer="true_crime",
        compare="reactive",
        days=180,
    ),
    Lesson(
        name="misconduct",
        title="6. When trust falls, recorded crime falls too",
        text=(
            "On day 30 a publicized misconduct case cuts trust city-wide. Victims report "
            "less: recorded crime drops while true crime does not (crime chart). A planner "
            "reading only the police data would think the city got safer."
        ),
        finding=(
            "After a publicized police beating of a Black man in Milwaukee, 911 calls fell "
            "for over a year, most in Black neighbourhoods."
        ),
        citation="Desmond, Papachristos & Kirk (2016), American Sociological Review 81(5).",
        strategy="reactive",
        overrides=(
            "modifiers.misconduct_shock.day=30",
            "modifiers.misconduct_shock.trust_drop=0.3",
        ),
        layer="recorded_crime",
        compare="procedural_justice",
        days=120,
    ),
)

#: Lessons by name.
LESSONS_BY_NAME: dict[str, Lesson] = {lesson.name: lesson for lesson in LESSONS}
#: The lesson the app opens with.
DEFAULT_LESSON = LESSONS[0].name


def get_lesson(name: str) -> Lesson:
    """The lesson called ``name``.

    Raises:
        KeyError: No such lesson (the message lists the known ones).
    """
    if name not in LESSONS_BY_NAME:
        raise KeyError(f"unknown lesson {name!r}; expected one of {sorted(LESSONS_BY_NAME)}")
    return LESSONS_BY_NAME[name]
