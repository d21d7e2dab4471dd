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
from cspsim.validation.labels import LABELS
from cspsim.validation.suite import BASELINE, Row, Validation, tally

METHOD = """\
**Runs.** For every seed: the reactive baseline on San Francisco 2012 (two years plus 60
days, the default 60-day burn-in first), one run per intervention on the same seed (common
random numbers: every random decision has its own stream, so two runs differ only by what
the strategy changed), and the reactive baseline on Columbus 1980. All runs use the default
configuration (`configs/params/calibrated.yaml`, shipped strategies). Summaries are means over
seeds with t-based 95% CIs (for trials: of the per-seed paired effects); rank correlations
have Fisher-z CIs.

**Bands.** Where docs/design.md gives a band it is used as is. An approximate value ("about 45%")
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
residents enrolled early enough to be followed two years (first program cycle); their
violent offences (each offence is attributed to an offender when it happens) and their
violent-crime arrests (what Heller 2014 counted) in the first and second year from
enrolment are compared with the same residents in the baseline run, the CRN counterfactual of
a lottery loser. Procedural-justice training:
complaints filed over two years (Wood, Tyler & Papachristos 2020 followed two years) against
the baseline's.

**Labels.** Each fact lists what its value runs through (mechanism parameters, city inputs,
strategy settings taken from a study). A fact is *fitted* when a fitted parameter names it
as a calibration target; a *calibrated echo* when something it runs through cites one of the
fact's own studies (or is fitted to a fact that does): the result restates an input taken
from the evidence it is compared with; otherwise a *prediction*. The labels are derived from
the parameter declarations (`src/cspsim/validation/labels.py`), and only predictions count.
"""

#: What a sceptic should know (the last section of ``validation.md``).
CAVEATS = (
    "San Francisco opportunity per place is set from the observed counts, so the SF rows are "
    "echoes: they test that the dynamics keep the data's pattern, not that they create it. "
    "Columbus is the out-of-sample check.",
    "Echoed effects (summer jobs, responders, watch, problem solving) are measured on outcomes "
    "(arrests, offences) but restate the strength the model was given from the same study; "
    "they show the mechanism delivers its input through the dynamics, nothing more.",
    "Effects are on true crime; recorded crime at treated places moves differently (more patrol "
    "finds more low-level offences).",
    "Trial effects are averages over the seeds of one city; the CIs here are over seeds "
    "(simulation noise) at the default parameters; the parameter-uncertainty intervals, where "
    "shown, are wider.",
)

#: What a failure of a fact would most likely mean in the model (shown only when it fails).
WHY: dict[str, str] = {
    "hotspot_treated": "the effect scales with the dosage at hot spots (configs/strategy/"
    "hotspot.yaml, set from the trials' doses) and with params.crime.police_deterrence "
    "(set from police-crime elasticities, not from this band)",
    "cp_trust": "trust moves little per contact (Skogan's asymmetry) and what is learned "
    "slowly becomes belief; foot-patrol informal contacts and meetings carry the effect",
    "pj_complaints": "the shipped strategy raises officers' skill to 0.8 and each unit of "
    "skill avoids params.contacts.procedural_justice_mitigation of bad experiences; the "
    "trial's one-day training was a far smaller dose",
    "columbus_beyond_input": "the simulated ranking is built on the same disadvantage index; "
    "spillover, near repeats and offender travel blur it rather than add information",
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


def runs_through(r: Row) -> str:
    """What a fact's value runs through, with each parameter's kind."""
    return ", ".join(f"`{d.key}` ({d.kind or 'unclassified'})" for d in r.label.depends)


def facts_table(rows: list[Row], why: bool = False) -> pd.DataFrame:
    """One row per fact: the finding, its source, the band, the model's value, passed.

    Args:
        rows: The facts' rows.
        why: Add the label's reason (what is fitted to it, which input it echoes).
    """
    table = pd.DataFrame(
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
    if any(r.draws for r in rows):
        table["with parameter uncertainty (95% PI)"] = [_with_parameters(r) for r in rows]
        table["draws in band"] = [
            "n/a" if r.draws_in_band != r.draws_in_band else f"{r.draws_in_band:.0%}" for r in rows
        ]
    if why:
        table["why not evidence"] = [r.label.reason for r in rows]
    else:
        table["runs through"] = [runs_through(r) for r in rows]
    return table


def _with_parameters(r: Row) -> str:
    mean, low, high = r.with_parameters
    return f"{fmt_value(mean)} ({fmt_value(low)} to {fmt_value(high)})"


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
    gain, glo, ghi = c.beyond
    seeds = ", ".join(f"{r:.2f}" for r in c.per_seed)
    doc.h2("Columbus 1980: out of sample, and against its own input")
    doc.p(
        "The city is built from household income and housing value only (the disadvantage "
        "index); the observed CRIME column (residential burglaries and vehicle thefts per 1,000 "
        "households) is held out. Simulated recorded property crime per resident (seed mean) "
        f"against CRIME: Spearman rho = {rho:.3f} (95% CI {lo:.3f} to {hi:.3f}); per seed: "
        f"{seeds}. The input index alone ranks CRIME at rho = {c.disadvantage_rho:.3f}."
    )
    if glo > 0:
        verdict = (
            "The model ranks neighbourhoods better than its input alone: its dynamics (offender "
            "travel, near-repeat spread, displacement, trust-driven recording) add information."
        )
    else:
        verdict = (
            "The dynamics do not add information here: the simulated ranking is no better than "
            "the input index it was built from (spillover, near repeats and offender travel "
            "smooth the index rather than sharpen it). The out-of-sample check shows the "
            "model keeps what its input carries, not more."
        )
    doc.p(
        f"Model minus input: {gain:+.3f} (95% CI {glo:+.3f} to {ghi:+.3f}, paired bootstrap "
        f"over the 49 neighbourhoods). {verdict}"
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
        f"Summer jobs, participants' violent offences: year 1 {eff('summer_jobs_year1')}, "
        f"year 2 {eff('summer_jobs_year2')}; their violent-crime arrests: year 1 "
        f"{eff('summer_jobs_arrests_year1')}, year 2 {eff('summer_jobs_arrests_year2')}. "
        "Community policing: high-confidence share "
        f"{eff('cp_trust')}, satisfied share {eff('cp_satisfaction')}, true victim crime "
        f"{eff('cp_crime')}. Procedural-justice training over two years: complaints "
        f"{eff('pj_complaints')}, negative contacts {eff('pj_negative_contacts')}."
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


def summary_sentence(rows: list[Row]) -> str:
    """The honest summary: predictions passed, then fitted and echoed facts apart."""
    t = tally(rows)
    p_ok, p_n = t.get("predicted", (0, 0))
    f_ok, f_n = t.get("fitted", (0, 0))
    e_ok, e_n = t.get("echo", (0, 0))
    return (
        f"**{p_ok} of {p_n} predictions passed.** Not counted as evidence: {f_ok} of {f_n} "
        f"fitted facts met (calibration targets) and {e_ok} of {e_n} calibrated echoes met "
        "(facts that restate an input from the same study or data)."
    )


def render(result: Validation, meta: dict[str, str], out: Path) -> str:
    """The whole ``validation.md`` (figures linked relative to ``out``)."""
    rows = result.rows
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
    doc.p(summary_sentence(rows))
    if len(result.draws):
        doc.p(
            f"Each fact is also measured under {len(result.draws)} parameter draws (the sourced "
            "and assumed parameters from their plausible ranges, each draw with its own seed): "
            "the 95% prediction interval says where the model's value may lie given what we "
            "do not know about its parameters, and *draws in band* how often it meets the "
            "fact. A prediction that passes at the default parameters but in few draws rests "
            "on parameter values the evidence does not pin down. The pass/fail verdict is at "
            "the default parameters."
        )
    by = {kind: [r for r in rows if r.label.kind == kind] for kind in LABELS}
    doc.h2("Predictions: the evidence")
    doc.p(
        "Facts whose value nothing in the model was set from: no parameter they run through "
        "was fitted to them or cites their studies."
    )
    doc.table(facts_table(by["predicted"]))
    doc.h2("Failed facts and why")
    if failed:
        doc.items([f"**{r.fact.fact}** ({r.label.kind}): {reason(r)}." for r in failed])
    else:
        doc.p("None.")
    doc.h2("Fitted facts: the calibration targets")
    doc.p(
        "Met by fitting (`experiment=calibrate`); meeting them shows the fit worked, not that "
        "the model is right."
    )
    doc.table(facts_table(by["fitted"], why=True))
    doc.h2("Calibrated echoes: not counted")
    doc.p(
        "Each restates an input taken from the same evidence it is compared with; it checks "
        "that the dynamics deliver the input, not that the model predicts the fact."
    )
    doc.table(facts_table(by["echo"], why=True))
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
