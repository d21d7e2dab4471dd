"""The text of ``validation.md``: results, failures with reasons, and how each fact is measured."""

from __future__ import annotations

from cspsim import __version__
from cspsim.validation.report import _fmt, reason, table_markdown
from cspsim.validation.suite import Validation

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

CAVEATS = """\
## Caveats a sceptic should know

- San Francisco opportunity per place is set from the observed counts, so the SF rows test
  that the dynamics keep the data's pattern, not that they create it; Columbus is the
  out-of-sample check, and there the model does as well as its input, not better.
- Simulated concentration runs 0-4 points under the observed one: near-repeat boosts spread
  to adjacent block groups (`params.crime.near_repeat_spread`), while the calibration assumes
  each place keeps its own boost, so contrasts between neighbouring places flatten a little.
- Effects are on true crime; recorded crime at treated places moves differently (more patrol
  finds more low-level offences).
- The community-policing trust effect rests on informal foot-patrol contacts whose rate
  (`params.contacts.foot_informal_contacts_per_hour`) is calibrated to this fact; trust moves
  little per contact (Skogan's asymmetry) and relaxes to each resident's disposition.
- Trial effects are averages over the seeds of one city; CIs are over seeds (simulation
  noise), not over cities or program designs.
"""


def _sf_section(result: Validation) -> list[str]:
    lines = [
        "## San Francisco 2012: simulated vs observed recorded crime per block group",
        "",
        "Simulated recorded crime over the data's 184 days (first 184 recorded days of the "
        "baseline) per block group, against the SFPD counts. Opportunity per place is set from "
        "the observed counts, so this checks that recording (trust-driven reporting, patrol "
        "discovery), near-repeat dynamics and offender movement keep the city's concentration "
        "and ranking rather than blur them.",
        "",
        "| type | observed top 10% | simulated top 10% (CI) | observed Gini | simulated Gini (CI) "
        "| Spearman rho (CI) | simulated / observed total |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in result.sf.table:
        lines.append(
            f"| {t['type']} | {_fmt(t['observed_top10'])} | {_fmt(t['sim_top10'])} "
            f"({t['sim_top10_ci']}) | {_fmt(t['observed_gini'])} | {_fmt(t['sim_gini'])} "
            f"({t['sim_gini_ci']}) | {_fmt(t['spearman'])} ({t['spearman_ci']}) | "
            f"{_fmt(t['sim_over_observed_total'], 2)} |"
        )
    lines += ["", "![Lorenz curves](figures/sf_lorenz.png)", ""]
    return lines


def _columbus_section(result: Validation) -> list[str]:
    c = result.columbus
    rho, lo, hi = c.value
    seeds = ", ".join(f"{r:.2f}" for r in c.per_seed)
    return [
        "## Columbus 1980: out of sample",
        "",
        "The city is built from household income and housing value only (the disadvantage "
        "index); the observed CRIME column (residential burglaries and vehicle thefts per 1,000 "
        "households) is held out. Simulated recorded property crime per resident (seed mean) "
        f"against CRIME: Spearman rho = {rho:.3f} (95% CI {lo:.3f} to {hi:.3f}); per seed: "
        f"{seeds}. For reference, the input index itself ranks CRIME at rho = "
        f"{c.disadvantage_rho:.3f}: the simulated pattern comes from the mechanisms acting on "
        "that input (opportunity and offenders concentrated by disadvantage, offender travel, "
        "near-repeat spread, trust-driven recording), and the check shows they reproduce the "
        "observed ranking without having seen it; it cannot show more than the input carries.",
        "",
        "![Columbus map](figures/columbus_map.png)",
        "",
    ]


def _trials_section(result: Validation) -> list[str]:
    e = result.effects

    def eff(key: str) -> str:
        v, lo, hi = e.get(key, (float("nan"),) * 3)
        return f"{_fmt(v)} ({_fmt(lo)} to {_fmt(hi)})"

    lines = [
        "## Interventions: in-silico trials against the baseline",
        "",
        "| trial | treated | presence there vs baseline | effect at treated (CI) | city-wide "
        "(CI) |",
        "|---|---|---|---|---|",
    ]
    names = [
        ("hotspot", "hot spots (hotspot)", "hotspot_treated"),
        ("problem_oriented", "problem-oriented policing", "pop_targeted"),
        ("neighbourhood_watch", "neighbourhood watch", "watch_covered"),
        ("responders", "mental-health responders (low-level)", "mh_low_level"),
    ]
    for name, label, key in names:
        lines.append(
            f"| {label} | {_fmt(e[f'{name}_places'][0], 1)} places | "
            f"{_fmt(e[f'{name}_dose'][0], 2)}x | {eff(key)} | {eff(f'{name}_city')} |"
        )
    lines += [
        "",
        f"Summer jobs, participants' violent offending: year 1 {eff('summer_jobs_year1')}, "
        f"year 2 {eff('summer_jobs_year2')}. Community policing: high-confidence share "
        f"{eff('cp_trust')}, satisfied share {eff('cp_satisfaction')}, true victim crime "
        f"{eff('cp_crime')}.",
        "",
        "![Interventions](figures/interventions.png)",
        "",
    ]
    return lines


def render(result: Validation, meta: dict[str, str]) -> str:
    """The whole ``validation.md``."""
    rows = result.rows
    passed = sum(r.passed for r in rows)
    failed = [r for r in rows if not r.passed]
    lines = [
        "# cspsim validation report",
        "",
        f"`{meta['command']}` - cspsim {__version__}, commit {meta['commit']}, {meta['date']}; "
        f"seeds {', '.join(map(str, result.seeds))}; {result.days} recorded days per year; "
        f"{result.seconds / 60:.1f} min.",
        "",
        f"**{passed} of {len(rows)} facts passed.**",
        "",
        table_markdown(rows),
        "",
        "## Failed facts and why",
        "",
    ]
    if result.overrides:
        lines[2] += f" Overrides on the SF runs: `{' '.join(result.overrides)}`."
    if failed:
        lines += [f"- **{r.fact.fact}**: {reason(r)}." for r in failed]
    else:
        lines.append("None.")
    lines += ["", *_sf_section(result), *_columbus_section(result), *_trials_section(result)]
    lines += [CAVEATS, "## How each fact is measured", "", METHOD]
    lines += ["| fact | model metric |", "|---|---|"]
    lines += [f"| {r.fact.fact} | {r.fact.metric} |" for r in rows]
    return "\n".join(lines) + "\n"
