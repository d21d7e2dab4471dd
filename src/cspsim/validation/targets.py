"""The facts the default model is held against: bands, sources and how each is measured.

One :class:`Fact` per calibration target of DESIGN.md ("Calibration targets") plus the
real-data checks. Where DESIGN.md gives a band it is used as is; where it gives an
approximate value ("about 45%") the band is that value plus or minus a stated tolerance:
5 points for quantities measured on large samples (concentration, survey shares), 10
points for effect sizes of single trials (their published CIs are wider than that).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Pass rules: ``within``: the point estimate lies in [low, high]; ``within_sig``: it does,
#: and its CI excludes 0; ``ci_overlap``: the CI overlaps [low, high] (a "not up" fact).
RULES = ("within", "within_sig", "ci_overlap")

NCVS = "US NCVS 2022-23 (BJS, Criminal Victimization 2023)"
SF = "SFPD 2012 via GeoDa (shipped data, cities/README.md)"
PPCS = "BJS Police-Public Contact Survey 2018/2020"
GALLUP = "Gallup confidence in police 2020-2024"
CONVENTION = "Cohen 1988: r >= 0.5 is a large correlation"


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
    """

    key: str
    fact: str
    source: str
    metric: str
    low: float
    high: float
    rule: str = "within"

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
    ),
    Fact(
        "reporting_property",
        "Share of property victimizations reported to police: 0.27-0.34",
        NCVS,
        "reported / true property offences, baseline year",
        0.27,
        0.34,
    ),
    Fact(
        "sf_top10_all",
        "SF 2012: top 10% of block groups hold ~45% of recorded crime",
        SF,
        "share of simulated recorded crime (4 types, first 184 days) in the top 10% of places",
        0.40,
        0.50,
    ),
    Fact(
        "sf_gini_all",
        "SF 2012: Gini of recorded crime over block groups ~0.57",
        SF,
        "Gini of simulated recorded crime (4 types, first 184 days) over places",
        0.52,
        0.62,
    ),
    *_sf_type_facts(),
    Fact(
        "contact_share",
        "~20% of residents have a police contact in a year",
        PPCS,
        "share of residents with >= 1 contact in the baseline year (Poisson within agents)",
        0.15,
        0.25,
    ),
    Fact(
        "contact_police_initiated",
        "About half of contacts are police-initiated",
        PPCS,
        "police-initiated / all contacts, baseline year",
        0.40,
        0.60,
    ),
    Fact(
        "high_confidence",
        "43-57% of residents have 'high confidence' in police",
        GALLUP,
        "share of residents with trust >= 0.6, baseline year mean",
        0.43,
        0.57,
    ),
    Fact(
        "high_confidence_survey",
        "43-57% 'high confidence' in the resident survey",
        GALLUP,
        "share of survey answers on trust >= 4 of 5, baseline waves pooled",
        0.43,
        0.57,
    ),
    Fact(
        "hotspot_treated",
        "Hot spots vs random patrol at equal hours: -8% to -16% at treated places",
        "Braga et al. 2019; Braga & Weisburd 2022",
        "relative change in true crime at the places the strategy targets (as re-ranked), "
        "hotspot vs reactive",
        -0.16,
        -0.08,
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
    ),
    Fact(
        "cp_trust",
        "Community policing: trust clearly up",
        "Gill et al. 2014",
        "change in share with trust >= 0.6 at year end (>= +2 points, CI above 0)",
        0.02,
        1.0,
        "within_sig",
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
    ),
    Fact(
        "cp_crime",
        "Community policing: crime change small",
        "Gill et al. 2014",
        "relative change in true crime city-wide (small: within +-5%)",
        -0.05,
        0.05,
    ),
    Fact(
        "pop_targeted",
        "Problem-oriented policing: about -25% to -40% at targeted places",
        "Hinkle et al. 2020",
        "relative change in true crime at the problem-solving places",
        -0.40,
        -0.25,
    ),
    Fact(
        "watch_covered",
        "Neighbourhood watch: -16% to -26% in covered places",
        "Bennett, Holloway & Farrington 2008",
        "relative change in true victim crime (violent, property, disorder) at covered places",
        -0.26,
        -0.16,
    ),
    Fact(
        "summer_jobs_year1",
        "Summer jobs: participants' violent offending about -40% in year 1",
        "Heller 2014",
        "relative change in participants' violent offending in their first "
        "year vs the same residents in the baseline run (CRN)",
        -0.50,
        -0.30,
    ),
    Fact(
        "summer_jobs_fade",
        "Summer jobs: the effect fades in year 2",
        "Heller 2014; Davis & Heller 2020",
        "year-2 effect as a share of the year-1 effect (fading: < 0.5)",
        0.0,
        0.5,
    ),
    Fact(
        "mh_low_level",
        "Mental-health responders: low-level incidents about -30%",
        "Dee & Pyne 2022",
        "relative change in true disorder + drugs offences at covered places",
        -0.40,
        -0.20,
    ),
    Fact(
        "mh_serious",
        "Mental-health responders: serious crime unchanged",
        "Dee & Pyne 2022",
        "relative change in true violent + property offences at covered places (within +-5%)",
        -0.05,
        0.05,
    ),
    Fact(
        "columbus_spearman",
        "Columbus 1980, out of sample: simulated crime ranks neighbourhoods like observed CRIME",
        f"Anselin 1988; {CONVENTION}",
        "Spearman rho: simulated recorded property crime per resident (city built from INC "
        "and HOVAL only) vs observed CRIME",
        0.5,
        1.0,
    ),
)

FACTS_BY_KEY: dict[str, Fact] = {f.key: f for f in FACTS}
