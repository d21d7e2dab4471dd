"""Report section of the pilot design: power of the city's evaluation, its bias, the figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cspsim.analysis.pilot import TARGET_POWER, PilotSetup, analyse
from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.runs import RunSet
from cspsim.analysis.tables import fmt_ci
from cspsim.report.document import Document

#: Survey answer drawn in the figure beside recorded crime.
SURVEY_ANSWER = "trust"


def _share(v: float, lo: float, hi: float) -> str:
    if not np.isfinite(v):
        return "n/a"
    return f"{100 * v:.0f}% [{100 * lo:.0f}, {100 * hi:.0f}]"


#: A placebo false-positive rate above this flags intervals too narrow for the design.
FALSE_ALARM = 0.10


def power_grid(power: pd.DataFrame, prefix: str, stat: str | None = None) -> pd.DataFrame:
    """Rows: pilot sizes; columns: durations; cells: a share with its Wilson interval.

    ``stat``: ``power``, ``reject``, ``false`` (placebo) or ``wrong``; default power, or
    the rejection rate when the strategy has no true effect.
    """
    if stat is None:
        stat = "power" if power[f"{prefix}_power"].notna().any() else "reject"
    cells = {
        (r.size, r.duration): _share(
            getattr(r, f"{prefix}_{stat}"),
            getattr(r, f"{prefix}_{stat}_low"),
            getattr(r, f"{prefix}_{stat}_high"),
        )
        for r in power.itertuples()
    }
    sizes = sorted(power["size"].unique())
    durations = sorted(power["duration"].unique())
    out = pd.DataFrame(
        {f"{d} months": [cells.get((s, d), "") for s in sizes] for d in durations},
    )
    out.insert(0, "Treated neighbourhoods", sizes)
    return out


def bias_table(power: pd.DataFrame) -> pd.DataFrame:
    """What the evaluation estimates against the truth, per size and duration."""
    return pd.DataFrame(
        {
            "Treated": power["size"],
            "Months": power["duration"],
            "Replicates": power["replicates"],
            "DiD on recorded crime, %": power["rec_pct"].map(lambda v: f"{v:+.1f}%"),
            "True effect on true crime, %": power["true_pct"].map(lambda v: f"{v:+.1f}%"),
            "Bias, % pts": [
                fmt_ci("dec", r.bias_pct, r.bias_low, r.bias_high) for r in power.itertuples()
            ],
            "Recorded crime by CRN, %": power["true_rec_pct"].map(lambda v: f"{v:+.1f}%"),
            "DiD on true crime, %": power["tdid_pct"].map(lambda v: f"{v:+.1f}%"),
            "Wrong-sign detections": [
                _share(r.rec_wrong, r.rec_wrong_low, r.rec_wrong_high) for r in power.itertuples()
            ],
        }
    )


def smallest_sentence(row: pd.Series | None, power: pd.DataFrame, prefix: str, what: str) -> str:
    """The smallest pilot reaching the target power, in words (or why there is none)."""
    target = f"{100 * TARGET_POWER:.0f}%"
    col = f"{prefix}_power"
    if power.empty or col not in power or power[col].isna().all():
        return (
            f"**{what}:** the strategy has no true effect here (common random numbers), so "
            "there is nothing to detect; the table shows how often the evaluation wrongly "
            "finds one (the test's false-positive rate, 5% if it is well calibrated)."
        )
    if row is None:
        best = power.loc[power[col].idxmax()]
        return (
            f"**{what}:** no pilot of the grid reaches {target} power; the best, "
            f"{int(best['size'])} neighbourhoods for {int(best['duration'])} months, detects "
            f"the effect in {100 * best[col]:.0f}% of replicates. A larger or longer pilot, "
            "or another outcome, is needed."
        )
    return (
        f"**{what}:** the smallest pilot with at least {target} power treats "
        f"**{int(row['size'])} neighbourhoods for {int(row['duration'])} months** "
        f"({100 * row[col]:.0f}% [{100 * row[f'{col}_low']:.0f}, "
        f"{100 * row[f'{col}_high']:.0f}] of {int(row['replicates'])} replicates detect it)."
    )


def smallest_sentences(res: dict) -> list[str]:
    """The smallest pilot with 80% power for recorded crime and each survey answer."""
    power = res["power"]
    lines = [smallest_sentence(res["smallest"], power, "rec", "Recorded crime")]
    lines.append(
        smallest_sentence(
            res["smallest_true"],
            power,
            "tdid",
            "True crime, were it measured (e.g. by a victimization survey)",
        )
    )
    for answer, row in res["smallest_survey"].items():
        lines.append(smallest_sentence(row, power, answer, f"Survey {answer}"))
    return lines


def false_alarms(power: pd.DataFrame) -> str:
    """A warning when the placebo rejects more often than :data:`FALSE_ALARM`."""
    bad = power[power["rec_false"] > FALSE_ALARM]
    if bad.empty:
        return ""
    worst = bad.loc[bad["rec_false"].idxmax()]
    return (
        f"**Warning:** without any strategy the recorded-crime evaluation still finds an "
        f"effect in up to {100 * worst['rec_false']:.0f}% of replicates "
        f"({int(worst['size'])} neighbourhoods, {int(worst['duration'])} months), not 5%: "
        "its intervals are too narrow for pilots this small, and its power is overstated "
        "there. Treat more neighbourhoods, or use a randomization (permutation) test."
    )


def plot_pilot(power: pd.DataFrame, path: Path, answer: str = SURVEY_ANSWER) -> None:
    """Power against pilot size, one line per duration; and the recorded estimate's bias."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    durations = sorted(power["duration"].unique())
    sizes = sorted(power["size"].unique())
    colours = plt.cm.viridis(np.linspace(0.1, 0.85, len(durations)))
    # Durations side by side around each size, so that their intervals do not hide.
    step = 0.15 * (min(np.diff(sizes)) if len(sizes) > 1 else 1.0)
    shift = {d: (k - (len(durations) - 1) / 2) * step for k, d in enumerate(durations)}
    panels = (("rec", "DiD on recorded crime"), (answer, f"Survey DiD: {answer}"))
    for ax, (prefix, title) in zip(axes[:2], panels, strict=True):
        stat = "power" if power[f"{prefix}_power"].notna().any() else "reject"
        for d, c in zip(durations, colours, strict=True):
            g = power[power["duration"] == d].sort_values("size")
            y = g[f"{prefix}_{stat}"]
            err = np.nan_to_num([y - g[f"{prefix}_{stat}_low"], g[f"{prefix}_{stat}_high"] - y])
            x = g["size"] + shift[d]
            ax.errorbar(x, y, yerr=err, marker="o", capsize=3, color=c, label=f"{d} mo")
        ax.axhline(TARGET_POWER, color="tab:red", ls="--", lw=0.8, label="80%")
        ax.axhline(0.05, color="grey", ls=":", lw=0.8, label="5%")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xticks(sizes)
        ax.set_xlabel("treated neighbourhoods")
        ax.set_ylabel("power" if stat == "power" else "rejection rate (no true effect)")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=7)
    ax = axes[2]
    for d, c in zip(durations, colours, strict=True):
        g = power[power["duration"] == d].sort_values("size")
        ax.plot(g["size"] + shift[d], g["true_pct"], color=c, ls="--", marker="s", ms=4)
        ax.errorbar(
            g["size"] + shift[d],
            g["rec_pct"],
            yerr=np.nan_to_num([g["bias_pct"] - g["bias_low"], g["bias_high"] - g["bias_pct"]]),
            marker="o",
            capsize=3,
            color=c,
            label=f"{d} mo",
        )
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(sizes)
    ax.set_xlabel("treated neighbourhoods")
    ax.set_ylabel("effect at treated places, %")
    ax.set_title("Recorded-crime DiD (o, CI of the bias) vs true effect (s, dashed)", fontsize=9)
    ax.legend(fontsize=7)
    fig.suptitle("Pilot design: does the city's evaluation detect the effect?")
    fig.tight_layout()
    save_png(fig, path)


def describe(setup: PilotSetup) -> str:
    """The design in one paragraph."""
    how = {
        "random": "drawn at random in each replicate (nested: a larger pilot adds "
        "neighbourhoods to a smaller one); controls are every other neighbourhood",
        "list": "the first neighbourhoods of the planner's list; controls are every other "
        "neighbourhood",
        "matched": "matched pairs: neighbourhoods paired by pre-period recorded crime, pairs "
        "drawn at random and one of each pair treated; controls are the other halves",
    }[setup.selection]
    return (
        f"Pilots of **{setup.strategy}** starting on day {setup.start_day} in "
        f"{'/'.join(map(str, setup.sizes))} of the city's {setup.neighbourhoods} "
        f"neighbourhoods, evaluated after {'/'.join(map(str, setup.durations))} months. "
        f"Treated neighbourhoods are {how}. Each of {setup.replicates} replicates is "
        "evaluated as the city would: difference-in-differences of recorded crime "
        f"(`{setup.outcome}`, place x month fixed effects, 95% CI clustered by "
        "neighbourhood) and of the monthly survey (respondents, 2x2). The same seed without "
        "the strategy (common random numbers) gives the true effect. *Power* is the share "
        "of replicates whose 95% CI excludes zero on the side of the true effect (on true "
        "crime; for a survey answer, on that answer); brackets: Wilson 95% intervals. "
        + parameters_sentence(setup)
    )


def parameters_sentence(setup: PilotSetup) -> str:
    """Whether the replicates carry parameter uncertainty, in words."""
    if setup.parameter_draws:
        return (
            f"Each replicate also runs under its own draw of {setup.parameter_draws} sourced "
            "and assumed parameters from their plausible ranges (Latin hypercube; both runs of "
            "a replicate share the draw), so the power and the bias include what we do not "
            "know about the parameters: power is the chance that the evaluation detects the "
            "effect given that uncertainty, and the true effect itself varies across "
            "replicates."
        )
    return (
        "Every replicate runs at the configured parameters (`parameter_draws: false`): the "
        "power is that of a world whose parameters are exactly these, and leaves out what "
        "we do not know about them."
    )


def report_section(doc: Document, rs: RunSet, summary: pd.DataFrame, out: Path) -> None:
    """The pilot section (only for sweeps made by the ``pilot_power`` design)."""
    res = analyse(rs)
    if res is None:
        return
    power, setup = res["power"], res["setup"]
    doc.h2("Pilot design: will the evaluation detect the effect?")
    doc.p(describe(setup))
    if power.empty:
        doc.p("No complete pilot and counterfactual run of one replicate yet.")
        return
    power.to_csv(out / "pilot_power.csv", index=False)
    res["replicates"].to_csv(out / "pilot_replicates.csv", index=False)
    doc.items(smallest_sentences(res))
    doc.h3("Power: difference-in-differences on recorded crime")
    doc.table(power_grid(power, "rec"))
    for answer in res["smallest_survey"]:
        doc.h3(f"Power: survey ({answer}), respondent-level DiD")
        doc.table(power_grid(power, answer))
    doc.h3("False positives: the same evaluation without the strategy (placebo)")
    doc.p(
        "Each replicate's pilot evaluated, with the same treated and control "
        "neighbourhoods, on the run without the strategy: how often the evaluation finds "
        "an effect that is not there. A well calibrated 95% interval does so 5% of the "
        "time; cluster-robust intervals with few treated neighbourhoods are too narrow "
        "(Conley & Taber 2011; MacKinnon & Webb 2017), which also inflates the power above."
    )
    doc.table(
        pd.concat(
            [
                power_grid(power, "rec", "false").add_prefix("Recorded crime: "),
                power_grid(power, SURVEY_ANSWER, "false")
                .drop(columns="Treated neighbourhoods")
                .add_prefix("Survey: "),
            ],
            axis=1,
        ).rename(columns={"Recorded crime: Treated neighbourhoods": "Treated neighbourhoods"})
    )
    alarms = false_alarms(power)
    if alarms:
        doc.p(alarms)
    doc.h3("What the evaluation estimates, against the truth")
    doc.p(
        "Means over replicates, in percent of the treated places' level without the "
        "strategy. *Bias* is the recorded-crime DiD minus the true change in true crime "
        "(t-CI over replicates): it is the share of the apparent effect that comes from "
        "what gets recorded (reporting, discovery) rather than from crime. *Recorded crime "
        "by CRN* is the true change in recorded crime; *DiD on true crime* is what an "
        "evaluator who saw every offence would estimate. Every replicate's estimates are "
        "in `pilot_replicates.csv`, the grid in `pilot_power.csv`."
    )
    doc.table(bias_table(power))
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    plot_pilot(power, figs / "pilot_power.png")
    doc.img(figs / "pilot_power.png", "Power by pilot size and duration; estimate against truth")
