"""Ready-made lessons: a preset, what to watch, pause points, an indicator and a finding.

A lesson is data. The trainer picks one; the app opens it on the map layer and the chart
(the lesson's *indicator*, :mod:`cspsim.viz.indicators`) that show its point, stops by
itself at each pause point with a question for the room, and at the suggested day shows a
"what changed" card (day 0 against now, and against the comparison strategy run on the same
seed). Every sentence of ``text`` is something the lesson's own run shows on screen:
``tests/test_viz_lessons.py`` runs each lesson for its days and checks each claim on the
numbers the indicator and the card show. Change the text, not the model, when a claim stops
holding.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Pause:
    """A pause point: the app stops when ``day`` days have run and asks ``question``.

    Days count from 0, so the next day to run is day ``day`` (a pause at 30 comes just
    before the events of day 30, such as a misconduct case set for day 30).
    """

    day: int
    question: str


@dataclass(frozen=True)
class Lesson:
    """One lesson preset.

    Attributes:
        name: Short identifier (used in the app state and in tests).
        title: Title shown in the lesson picker.
        text: What to watch while the model runs (read aloud; every claim holds in the run).
        finding: The research finding the run illustrates.
        citation: Where the finding comes from.
        city: A file in ``configs/city``.
        strategy: A file in ``configs/strategy``.
        overrides: Dotted config overrides applied on top (``make_config`` syntax).
        layer: Map layer shown first (a key of :data:`cspsim.viz.layers.LAYERS`).
        compare: Strategy run next to it on the same seed (card, indicator, side by side).
        days: Suggested number of days; the app stops there and shows the card.
        indicator: The lesson's own chart (a key of ``cspsim.viz.indicators.INDICATORS``).
        pauses: Pause points with a question for the room (the app stops when ``day``
            days have run, before day ``day`` itself).
        marks: Places outlined on the map (``hot_spots``, ``ring``, ``low_trust``,
            ``programs``).
        card: Rows of the "what changed" card (keys of ``cspsim.viz.card.METRICS``).
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
    indicator: str = "concentration"
    pauses: tuple[Pause, ...] = ()
    marks: tuple[str, ...] = ()
    card: tuple[str, ...] = ("crimes_true", "crimes_recorded", "trust", "reporting")


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        name="feedback_loop",
        title="1. The runaway feedback loop",
        text=(
            "60% of proactive patrol hours go to the 5% of places with the most recorded "
            "crime (outlined), re-ranked at a review every 30 days. Patrols find offences "
            "nobody reports, so the patrolled places keep recording the most crime, and the "
            "reviews keep sending the patrols back: most of the first hot spots are still hot "
            "spots at the end. The lesson's chart follows the outlined places: their share of "
            "the city's recorded crime rises in the first month, then drifts back to about "
            "where it started, while their share of true crime falls to less than half of "
            "what it was, so the gap between the two lines opens. Under random patrol "
            "(dashed), the same places' shares move little."
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
        layer="recorded_crime",
        compare="reactive",
        days=180,
        indicator="concentration",
        pauses=(
            Pause(
                30,
                "The first review re-ranks places by recorded crime. Will the patrols move "
                "to new places, or stay where they are?",
            ),
            Pause(
                90,
                "The outlined places still record more than a third of the city's recorded "
                "crime. Are they as dangerous as their records say? Switch the map to true "
                "crime and look again.",
            ),
        ),
        marks=("hot_spots",),
        card=("conc_recorded", "conc_true", "hot_kept", "found_by_patrol", "crimes_true"),
    ),
    Lesson(
        name="bad_contact",
        title="2. One bad contact outweighs many good ones",
        text=(
            "Zero-tolerance order maintenance at the hot spots triples stops. Most police "
            "contacts are still good ones, about two in three (contacts chart), yet trust "
            "falls: in the ledger, trust lost to bad contacts grows several times faster than "
            "trust gained from good ones, because a bad contact costs about ten times what a "
            "good one earns. City trust ends one to two points lower. With community policing "
            "(dashed), officers make far more good contacts and fewer bad ones, and trust rises."
        ),
        finding=(
            "The impact of a bad police encounter on confidence is 4 to 14 times that of a "
            "positive one; good contacts barely move it."
        ),
        citation="Skogan (2006), Policing & Society 16(2): 99-126.",
        strategy="zero_tolerance",
        layer="trust_change",
        compare="community_policing",
        days=180,
        indicator="ledger",
        pauses=(
            Pause(
                14,
                "Two in three contacts are good ones. Is trust rising or falling? Look at the "
                "ledger: why?",
            ),
            Pause(
                90,
                "On the ledger, trust lost runs about five times trust gained, from half as "
                "many bad contacts as good ones. How many good contacts would it take to make "
                "up for one bad one?",
            ),
        ),
        marks=("hot_spots",),
        card=("contacts_good_share", "trust_gained", "trust_lost", "trust", "reporting"),
    ),
    Lesson(
        name="rebuilding_trust",
        title="3. Rebuilding trust after historical tension",
        text=(
            "A third of the city's neighbourhoods (the most disadvantaged, outlined) start "
            "with trust about 30 points below the rest after past abuses. A full partnership "
            "(community beats, two meetings a month, procedural-justice training, programs, "
            "problem solving, transparency reports) works on it. Trust in the low-trust "
            "neighbourhoods rises steadily, by about two points in nine months, while under "
            "reactive policing (dashed) it does not move; the gap to the rest narrows a "
            "little and is still about 30 points at the end. Their long-run belief in the "
            "police has hardly moved: good experience is written into it over years."
        ),
        finding=(
            "Community policing raises trust and satisfaction clearly; legal cynicism, a "
            "neighbourhood's shared distrust, outlasts the experiences that formed it and "
            "changes slowly."
        ),
        citation="Gill, Weisburd, Telep, Vitter & Bennett (2014), J. Exp. Criminology; "
        "Kirk & Papachristos (2011), Am. J. Sociology.",
        strategy="full_partnership",
        overrides=(
            "modifiers.historical_tension.share=0.33",
            "modifiers.historical_tension.trust_drop=0.25",
            "strategy.meetings.per_month=2",
        ),
        layer="trust_change",
        compare="reactive",
        days=270,
        indicator="low_trust",
        pauses=(
            Pause(
                30,
                "Meetings, good contacts and programs have started, and trust in the "
                "outlined neighbourhoods is edging up. How long until they trust the police "
                "like the rest?",
            ),
            Pause(
                150,
                "Trust is rising in the low-trust neighbourhoods. Has their long-run belief "
                "changed as much?",
            ),
        ),
        marks=("low_trust",),
        card=("trust_low", "trust_rest", "trust_gap", "belief_low", "crimes_true"),
    ),
    Lesson(
        name="root_causes",
        title="4. Root causes take time",
        text=(
            "New money pays for summer youth jobs (green square) and job training (purple "
            "square) where recorded violent and property crime is highest (outlined on the "
            "true-crime map). The first cohort fills the programs on day 0, but its violent "
            "offending falls only as the program works on them, over about a month, to "
            "under half of the same people's without the program. After their eight weeks "
            "the effect fades slowly. City-wide violent crime hardly moves: the participants "
            "are under 2% of the city's at-risk residents. Where the model differs from the "
            "trials: in Chicago most of the drop came after the summer jobs had ended and "
            "lasted beyond the summer; in the model it comes while the youths are in the "
            "program and fades afterwards."
        ),
        finding=(
            "A summer jobs program in Chicago cut participants' violent-crime arrests by 43% "
            "over 16 months, the decline coming largely after the 8-week program ended; a "
            "second trial found violent-crime arrests fell again, also after the summer, "
            "with no gain in employment or schooling."
        ),
        citation="Heller (2014), Science 346(6214): 1219-1223; Davis & Heller (2020), "
        "Review of Economics and Statistics 102(4): 664-677.",
        strategy="root_causes",
        overrides=(
            "strategy.programs.youth_jobs_share=0.08",
            "strategy.programs.job_training_share=0.04",
            "strategy.responders.budget_share=0",
            "strategy.equal_budget=false",
        ),
        layer="true_crime",
        compare="reactive",
        days=180,
        indicator="cohort",
        pauses=(
            Pause(7, "The programs are full. Has anyone's offending changed yet?"),
            Pause(
                60,
                "The first cohort has finished its eight weeks. What happens to their "
                "offending now?",
            ),
        ),
        marks=("programs",),
        card=("cohort", "violent_true", "crimes_true", "participants_share", "budget"),
    ),
    Lesson(
        name="hot_spot",
        title="5. Around a patrolled hot spot",
        text=(
            "Hot-spot patrol about doubles police presence at the 5% of places with the most "
            "recorded crime (thick outlines), the dosage of the trials. Compared with random "
            "patrol on the same seed, true crime at the hot spots is clearly lower (the chart "
            "and the card say by how much). The places around them (thin outlines) get no "
            "extra patrol, and their crime is about the same as under random patrol (within "
            "a few percent, a small fraction of what the hot spots lost): crime is not pushed "
            "around the corner. Nor is it pushed into the rest of the city, which gave up the "
            "patrol hours. The trials more often found a small drop nearby (diffusion of "
            "benefits); this model shows no clear change there."
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
        indicator="zones",
        pauses=(
            Pause(
                30,
                "Crime at the hot spots fell well below random patrol's in the first week "
                "(red line). Where did it go: around the corner, or nowhere?",
            ),
        ),
        marks=("hot_spots", "ring"),
        card=("zone_hot", "zone_ring", "zone_rest", "presence_hot", "crimes_true"),
    ),
    Lesson(
        name="misconduct",
        title="6. When trust falls, recorded crime falls too",
        text=(
            "On day 30 a publicized misconduct case cuts trust city-wide. In the month after, "
            "victims report less (the reporting line drops by several points), so police "
            "record a smaller share of crime and recorded crime falls, while true crime does "
            "not fall. A planner reading only the police data would think the city got "
            "safer. By day 120 reporting has recovered only part of the way."
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
        layer="trust_change",
        compare="procedural_justice",
        days=120,
        indicator="recorded_share",
        pauses=(
            Pause(30, "Today a misconduct case makes the news. What will recorded crime do?"),
            Pause(60, "Recorded crime fell after the case. Is the city safer?"),
        ),
        card=("month_reporting", "month_recorded", "month_true", "recorded_share", "trust"),
    ),
    Lesson(
        name="scar",
        title="7. The scar of a scandal",
        text=(
            "The same misconduct case on day 30, now under a full partnership (green), next "
            "to reactive policing (grey). Trust falls by more than a quarter in one day in "
            "both. Over the following months about half of the fall fades as trust climbs "
            "back, a little faster with the partnership. But part of every bad experience is "
            "written into residents' long-run belief (dashed lines), and that belief keeps "
            "sinking for months after the case in both runs: the scar. Victims' reporting "
            "recovers more with the partnership than under reactive policing."
        ),
        finding=(
            "Confidence in the police fell sharply after publicized killings and recovered "
            "only partly; trust is lost quickly and rebuilt slowly, through how people are "
            "treated over time."
        ),
        citation="Tyler (1990, 2004); Gallup confidence in police 2020-2021; "
        "Kirk & Papachristos (2011).",
        strategy="full_partnership",
        overrides=(
            "modifiers.misconduct_shock.day=30",
            "modifiers.misconduct_shock.trust_drop=0.3",
        ),
        layer="trust_change",
        compare="reactive",
        days=240,
        indicator="scar",
        pauses=(
            Pause(
                30,
                "Today a misconduct case makes the news. Which will recover faster: the "
                "partnership or reactive policing?",
            ),
            Pause(
                120,
                "Trust is climbing back. Has residents' long-run belief climbed back too?",
            ),
        ),
        card=("trust", "belief", "reporting_deficit", "crimes_true"),
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
