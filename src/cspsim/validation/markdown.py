"""The text of ``validation.md``: results, failures with reasons, and how each fact is measured.

Rendered by the report layer's :class:`~cspsim.report.document.Document`, like the reports of
``cspsim-report`` and ``cspsim-demo``; the city-wide comparison of the trials is the same
comparison table (:func:`cspsim.analysis.tables.comparison_table`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cspsim import __version__
from cspsim.analysis.tables import comparison_table
from cspsim.report.document import Document, markdown_table
from cspsim.validation.suite import BASELINE, Row, Validation

METHOD = """\
**Runs.** For every seed: the reactive baseline on San Francisco 2012 (two years plus 60
days, the default 60-day burn-in first), one run per intervention on the same seed (common
random numbers: every random decision has its own stream, so two runs differ only by what
the strategy changed), and the reactive baseline on Columbus 1980. All runs use the default
configuration (`configs/params/calibrated.yaml`, shipped strategies). Summaries are means over
seeds with t-based 95% CIs (for trials: of the per-seed paired effects); rank correlations
have Fisher-z CIs.

**Bands.** Where DESIGN.md gives a band it is used as is. An approximate value ("about 45%")
becomes that value +-5 points for quantities measured on large samples (concentration, survey
shares) and +-10 points for single-trial effect sizes; "clearly up" means at least +2 points
with a CI above 0; "small" and "unchanged" mean within +-5%; "not up" means a CI that reaches
0 or below; "fading" means less than half of the year-1 effect remains in year 2. Rank
agreement uses Cohen's convention for a large correlation (rho >= 0.5).

**Trials.** Crime is true crime (recorded crime moves with patrol and trust) of the victim
types (violent, property, disorder) unless the fact names other types. Treated places:
hot spots = the places the strategy targets, as re-ranked at every review (day by day);
surrounding = their adjacent non-targeted places; problem-oriented = the problem-solving
places; watch = the covered places; responders = place-days with responder coverage >= 0.5.
Each is compared with the same place-days of the baseline run. Summer jobs: the at-risk
residents enrolled early enough to be followed two years (first program cycle); their daily
violent offending (propensity, less jail and program effect) from enrolment is compared with
the same residents in the baseline run, the CRN counterfactual of a lottery loser.
"""

#: What a sceptic should know (the last section of ``validation.md``).
CAVEATS = (
    "San Francisco opportunity per place is set from the observed counts, so the SF rows test "
    "that the dynamics keep the data's pattern, not that they create it; Columbus is the "
    "out-of-sample check, and there the model does as well as its input, not better.",
    "Simulated concentration runs 0-4 points under the observed one: near-repeat boosts spread "
    "to adjacent block groups (`params.crime.near_repeat_spread`), while the calibration assumes "
    "each place keeps its own boost, so contrasts between neighbouring places flatten a little.",
    "Effects are on true crime; recorded crime at treated places moves differently (more patrol "
    "finds more low-level offences).",
    "The community-policing trust effect rests on informal foot-patrol contacts whose rate "
    "(`params.contacts.foot_informal_contacts_per_hour`) is calibrated to this fact; trust moves "
    "little per contact (Skogan's asymmetry) and relaxes to each resident's disposition.",
    "Trial effects are averages over the seeds of one city; CIs are over seeds (simulation "
    "noise), not over cities or program designs.",
)

#: What a failure of a fact would most likely mean in the model (shown only when it fails).
WHY: dict[str, str] = {
    "hotspot_treated": "the effect scales with the dosage at hot spots (configs/strategy/"
    "hotspot.yaml) and with params.crime.police_deterrence",
    "cp_trust": "trust moves little per contact (Skogan's asymmetry) and relaxes to each "
    "resident's disposition; foot-patrol informal contacts "
    "(params.contacts.foot_informal_contacts_per_hour) and meetings carry the effect",
    "summer_jobs_year1": "set by params.programs.youth_jobs_effect (maximum) averaged over "
    "ramp-up and fade-out (params.programs.ramp_days, fade_half_life_days)",
    "mh_serious": "fewer low-level arrests mean less incapacitation of at-risk residents, "
    "which can raise serious crime a little at covered places",
}


def fmt_value(x: float, digits: int = 3) -> str:
    """A number with ``digits`` decimals, or ``n/a``."""
    return "n/a" if x != x else f"{x:.{digits}f}"


def _band(r: Row) -> str:
    f = r.fact
    if f.rule == "ci_overlap" and f.low <= -1.0:
        return f"CI reaches <= {f.high:g}"
    if f.high >= 1.0 and f.rule == "within_sig":
        return f">= {f.low:g}, CI > 0"
    if f.high >= 1.0:
        return f">= {f.low:g}"
    return f"{f.low:g} to {f.high:g}"


def reason(r: Row) -> str:
    """Why a fact failed, in words."""
    f = r.fact
    if r.value != r.value:
        return "not measured (no treated places or participants in the run)"
    if f.rule == "within_sig" and f.low <= r.value <= f.high:
        text = "the 95% CI includes 0"
    elif f.rule == "ci_overlap":
        text = f"the 95% CI ({fmt_value(r.ci_low)} to {fmt_value(r.ci_high)}) lies above {f.high:g}"
    else:
        side = "below" if r.value < f.low else "above"
        text = f"{fmt_value(r.value)} is {side} the band ({_band(r)})"
    if f.key in WHY:
        text += f"; {WHY[f.key]}"
    return text


def facts_table(rows: list[Row]) -> pd.DataFrame:
    """One row per fact: the finding, its source, the band, the model's value, passed."""
    return pd.DataFrame(
        {
            "fact": [r.fact.fact for r in rows],
            "source": [r.fact.source for r in rows],
            "band": [_band(r) for r in rows],
            "model (95% CI)": [
                f"{fmt_value(r.value)} ({fmt_value(r.ci_low)} to {fmt_value(r.ci_high)})"
                for r in rows
            ],
            "passed": ["yes" if r.passed else "**no**" for r in rows],
        }
    )


def table_markdown(rows: list[Row]) -> str:
    """The facts table in Markdown (also the README's Validation table)."""
    return markdown_table(facts_table(rows))


def _sf_section(doc: Document, result: Validation, figures: Path) -> None:
    doc.h2("San Francisco 2012: simulated vs observed recorded crime per block group")
    doc.p(
        "Simulated recorded crime over the data's 184 days (first 184 recorded days of the "
        "baseline) per block group, against the SFPD counts. Opportunity per place is set from "
        "the observed counts, so this checks that recording (trust-driven reporting, patrol "
        "discovery), near-repeat dynamics and offender movement keep the city's concentration "
        "and ranking rather than blur them."
    )
    doc.table(
        pd.DataFrame(
            [
                {
                    "type": t["type"],
                    "observed top 10%": fmt_value(t["observed_top10"]),
                    "simulated top 10% (CI)": f"{fmt_value(t['sim_top10'])} ({t['sim_top10_ci']})",
                    "observed Gini": fmt_value(t["observed_gini"]),
                    "simulated Gini (CI)": f"{fmt_value(t['sim_gini'])} ({t['sim_gini_ci']})",
                    "Spearman rho (CI)": f"{fmt_value(t['spearman'])} ({t['spearman_ci']})",
                    "simulated / observed total": fmt_value(t["sim_over_observed_total"], 2),
                }
                for t in result.sf.table
            ]
        )
    )
    doc.img(figures / "sf_lorenz.png", "Lorenz curves of recorded crime over block groups")


def _columbus_section(doc: Document, result: Validation, figures: Path) -> None:
    c = result.columbus
    rho, lo, hi = c.value
    seeds = ", ".join(f"{r:.2f}" for r in c.per_seed)
    doc.h2("Columbus 1980: out of sample")
    doc.p(
        "The city is built from household income and housing value only (the disadvantage "
        "index); the observed CRIME column (residential burglaries and vehicle thefts per 1,000 "
        "households) is held out. Simulated recorded property crime per resident (seed mean) "
        f"against CRIME: Spearman rho = {rho:.3f} (95% CI {lo:.3f} to {hi:.3f}); per seed: "
        f"{seeds}. For reference, the input index itself ranks CRIME at rho = "
        f"{c.disadvantage_rho:.3f}: the simulated pattern comes from the mechanisms acting on "
        "that input (opportunity and offenders concentrated by disadvantage, offender travel, "
        "near-repeat spread, trust-driven recording), and the check shows they reproduce the "
        "observed ranking without having seen it; it cannot show more than the input carries."
    )
    doc.img(figures / "columbus_map.png", "Columbus: observed and simulated crime by rank")


#: Trials with treated places: (trial, label, fact key of the effect at treated places).
_PLACE_TRIALS = (
    ("hotspot", "hot spots (hotspot)", "hotspot_treated"),
    ("problem_oriented", "problem-oriented policing", "pop_targeted"),
    ("neighbourhood_watch", "neighbourhood watch", "watch_covered"),
    ("responders", "mental-health responders (low-level)", "mh_low_level"),
)


def _trials_section(doc: Document, result: Validation, figures: Path) -> None:
    e = result.effects

    def eff(key: str) -> str:
        v, lo, hi = e.get(key, (float("nan"),) * 3)
        return f"{fmt_value(v)} ({fmt_value(lo)} to {fmt_value(hi)})"

    doc.h2("Interventions: in-silico trials against the baseline")
    doc.table(
        pd.DataFrame(
            [
                {
                    "trial": label,
                    "treated": f"{fmt_value(e[f'{name}_places'][0], 1)} places",
                    "presence there vs baseline": f"{fmt_value(e[f'{name}_dose'][0], 2)}x",
                    "effect at treated (CI)": eff(key),
                    "city-wide (CI)": eff(f"{name}_city"),
                }
                for name, label, key in _PLACE_TRIALS
            ]
        )
    )
    doc.p(
        f"Summer jobs, participants' violent offending: year 1 {eff('summer_jobs_year1')}, "
        f"year 2 {eff('summer_jobs_year2')}. Community policing: high-confidence share "
        f"{eff('cp_trust')}, satisfied share {eff('cp_satisfaction')}, true victim crime "
        f"{eff('cp_crime')}."
    )
    doc.img(figures / "interventions.png", "Trial effects with 95% CIs against their bands")


def _outcomes_section(doc: Document, result: Validation) -> None:
    """Every declared outcome city-wide, each trial against the baseline (first year)."""
    if result.summary.empty:
        return
    doc.h2("City-wide outcomes of each trial against the baseline")
    doc.p(
        f"The first {result.days} recorded days of every trial run against the baseline run "
        "of the same seed, for every declared outcome: the same comparison table as "
        "`cspsim-report` and `cspsim-demo` (mean paired difference over seeds, 95% CI). "
        "City-wide effects are diluted where a strategy treats few places."
    )
    doc.table(comparison_table(result.summary, BASELINE, "scenario"))


def render(result: Validation, meta: dict[str, str], out: Path) -> str:
    """The whole ``validation.md`` (figures linked relative to ``out``)."""
    rows = result.rows
    passed = sum(r.passed for r in rows)
    failed = [r for r in rows if not r.passed]
    figures = out / "figures"
    head = (
        f"`{meta['command']}` - cspsim {__version__}, commit {meta['commit']}, {meta['date']}; "
        f"seeds {', '.join(map(str, result.seeds))}; {result.days} recorded days per year; "
        f"{result.seconds / 60:.1f} min."
    )
    if result.overrides:
        head += f" Overrides on the SF runs: `{' '.join(result.overrides)}`."
    doc = Document()
    doc.h1("cspsim validation report")
    doc.p(head)
    doc.p(f"**{passed} of {len(rows)} facts passed.**")
    doc.table(facts_table(rows))
    doc.h2("Failed facts and why")
    if failed:
        doc.items([f"**{r.fact.fact}**: {reason(r)}." for r in failed])
    else:
        doc.p("None.")
    _sf_section(doc, result, figures)
    _columbus_section(doc, result, figures)
    _trials_section(doc, result, figures)
    _outcomes_section(doc, result)
    doc.h2("Caveats a sceptic should know")
    doc.items(list(CAVEATS))
    doc.h2("How each fact is measured")
    for paragraph in METHOD.split("\n\n"):
        doc.p(paragraph.strip())
    doc.table(
        pd.DataFrame(
            {"fact": [r.fact.fact for r in rows], "model metric": [r.fact.metric for r in rows]}
        )
    )
    return doc.markdown(out)
