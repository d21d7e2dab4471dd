"""Held-back periods as a test: does the model rank places better than "next = this"?

A GIS city built from some periods (``city.calibration_periods``) or years
(``city.calibration_years``) keeps the others' observed counts in ``City.heldout``. The
baseline runs for the longest held-back period on a few seeds; for each held-back period
``p`` of ``L`` days, the simulated *recorded* offences of the first ``L`` days per place
(mean over seeds) are ranked against the held-back counts, per crime type with data (and
all of them together):

* **Spearman's rho** with its Fisher-z 95% CI (and the mean of the per-seed rhos);
* **top-10% overlap**: the share of the held-back period's top 10% of places (by count)
  that the forecast puts in its own top 10%;
* beside the **naive forecast** "the next period ranks places as the calibration data did"
  (the counts the city was built from), the same two statistics.

The model passes a row when it **beats or matches** the naive forecast: the paired
bootstrap CI over places of ``rho_model - rho_naive`` does not lie below zero. The report
says plainly when it does not. Only ranks are compared, so the simulated period's length
and the city's population scale do not matter.

``cspsim-validate --city stl`` (or ``--city "gis city.areas=... city.crime_periods=..."``)
runs this check and writes ``heldout.csv``, ``heldout.md`` and ``figures/heldout.png``.
"""

from __future__ import annotations

import logging
import multiprocessing
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from cspsim.analysis.plots import plt, save_png
from cspsim.analysis.stats import bootstrap_ci, mean_ci, spearman_ci
from cspsim.api import make_config, simulate
from cspsim.city import CRIME_TYPES, City, load_city
from cspsim.errors import CityDataError, ConfigError
from cspsim.report.document import Document

log = logging.getLogger("cspsim.validation")

#: Share of places in the top set of the overlap statistic.
TOP_SHARE = 0.10
#: Bootstrap resamples of the places for the difference of the two rhos.
N_BOOT = 1000


def parse_city(spec: str, extra: list[str] | tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """The city config name and overrides of ``--city``.

    ``stl`` names a config of ``configs/city``; ``"gis city.areas=a.gpkg ..."`` (or
    ``"city=gis city.areas=..."``, or only overrides, meaning ``gis``) adds overrides.
    ``extra`` (the command line's positional overrides) go after them.
    """
    name, overrides = "gis", []
    tokens = shlex.split(spec)
    for i, tok in enumerate(tokens):
        if "=" not in tok and i == 0:
            name = tok
        elif tok.startswith("city=") and "." not in tok.split("=", 1)[0]:
            name = tok.split("=", 1)[1]
        elif "=" in tok:
            overrides.append(tok)
        else:
            raise ConfigError(f"--city: expected a city config name or KEY=VALUE, got {tok!r}")
    return name, [*overrides, *extra]


def _window_counts(
    city: str, overrides: list[str], seed: int, days: int, cutoffs: list[int]
) -> np.ndarray:
    """One baseline run: recorded offences per place and type in the first ``cutoff`` days.

    Returns:
        Array (cutoffs, P, 4).
    """
    for name in ("MESA", "mesa"):  # Mesa logs every step at INFO
        logging.getLogger(name).setLevel(logging.WARNING)
    cfg = make_config(
        city=city, seed=seed, days=days, overrides=[*overrides, "sim.record_events=true"]
    )
    res = simulate(cfg)
    ids = {str(p): i for i, p in enumerate(res.model.world.city.place_ids)}
    ev = res.events[res.events["recorded"]]
    place = ev["place_id"].astype(str).map(ids).to_numpy(np.int64)
    kind = pd.Categorical(ev["crime_type"].astype(str), categories=list(CRIME_TYPES)).codes
    out = np.zeros((len(cutoffs), len(ids), len(CRIME_TYPES)))
    day = ev["day"].to_numpy()
    for k, cut in enumerate(cutoffs):
        sel = day < cut
        np.add.at(out[k], (place[sel], kind[sel]), 1.0)
    return out


def simulate_periods(
    city: str, overrides: list[str], seeds: list[int], cutoffs: list[int], jobs: int = 1
) -> np.ndarray:
    """Baseline runs on every seed for the longest cutoff: (seeds, cutoffs, P, 4) counts."""
    days = max(cutoffs)
    if jobs <= 1 or len(seeds) == 1:
        runs = [_window_counts(city, overrides, s, days, cutoffs) for s in seeds]
    else:
        context = multiprocessing.get_context("forkserver")  # not a fork of a threaded process
        with ProcessPoolExecutor(max_workers=min(jobs, len(seeds)), mp_context=context) as pool:
            futures = [
                pool.submit(_window_counts, city, overrides, s, days, cutoffs) for s in seeds
            ]
            runs = [f.result() for f in futures]
    return np.stack(runs)


def top_overlap(forecast: np.ndarray, held: np.ndarray, share: float = TOP_SHARE) -> float:
    """Share of the held-back top places (by count) that the forecast also ranks on top."""
    k = max(1, int(round(share * len(held))))
    top_held = set(np.argsort(-held, kind="stable")[:k])
    top_fore = set(np.argsort(-forecast, kind="stable")[:k])
    return len(top_held & top_fore) / k


@dataclass
class HeldOutRow:
    """One held-back period and crime type: model against the naive forecast.

    Attributes:
        period: Held-back period (or year).
        crime_type: Model crime type, or ``all`` (the types with data together).
        days: Days the period covers (the simulated window).
        places: Places compared.
        seeds: Simulated seeds.
        model_rho, model_low, model_high: Spearman of the seed-mean simulated counts, with
            its Fisher 95% CI.
        seed_rho, seed_low, seed_high: Mean of the per-seed rhos with a t-CI.
        naive_rho, naive_low, naive_high: Spearman of the calibration counts.
        diff, diff_low, diff_high: ``model_rho - naive_rho`` with a paired bootstrap CI
            over places.
        model_top, naive_top: Top-10% overlap of each forecast.
        verdict: ``beats``, ``matches`` or ``worse than`` the reference forecast.
        passed: Beats or matches the naive forecast; beats the input index (a withheld
            city: the dynamics must add information to pass).
        reference: ``naive`` (the calibration counts) or ``index`` (population and
            disadvantage alone, for a city built with ``city.withhold_crime``).
    """

    period: str
    crime_type: str
    days: int
    places: int
    seeds: int
    model_rho: float
    model_low: float
    model_high: float
    seed_rho: float
    seed_low: float
    seed_high: float
    naive_rho: float
    naive_low: float
    naive_high: float
    diff: float
    diff_low: float
    diff_high: float
    model_top: float
    naive_top: float
    verdict: str
    passed: bool
    reference: str = "naive"


def _rho(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho; 0 when a ranking is constant (undefined: no ranking to match)."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    r = stats.spearmanr(x, y).statistic
    return float(r) if np.isfinite(r) else 0.0


def compare(
    period: str,
    crime_type: str,
    days: int,
    simulated: np.ndarray,
    naive: np.ndarray,
    held: np.ndarray,
    n_boot: int = N_BOOT,
    reference: str = "naive",
) -> HeldOutRow:
    """Model (seeds x places counts) and a reference forecast against the held-back counts.

    ``naive`` is passed by beating or matching it; ``index`` (the input index of a withheld
    city) only by beating it, since matching it means the dynamics add nothing.
    """
    mean = simulated.mean(axis=0)
    m = spearman_ci(mean, held)
    per_seed = mean_ci(np.array([_rho(s, held) for s in simulated]))
    n = spearman_ci(naive, held)
    diff = m[0] - n[0]

    def stat(idx: np.ndarray) -> float:
        return _rho(mean[idx], held[idx]) - _rho(naive[idx], held[idx])

    lo, hi = bootstrap_ci(np.arange(len(held)), stat, n_boot=n_boot)
    verdict = "beats" if lo > 0 else ("worse than" if hi < 0 else "matches")
    return HeldOutRow(
        period=period,
        crime_type=crime_type,
        days=int(days),
        places=len(held),
        seeds=len(simulated),
        model_rho=m[0],
        model_low=m[1],
        model_high=m[2],
        seed_rho=per_seed[0],
        seed_low=per_seed[1],
        seed_high=per_seed[2],
        naive_rho=n[0],
        naive_low=n[1],
        naive_high=n[2],
        diff=diff,
        diff_low=lo,
        diff_high=hi,
        model_top=top_overlap(mean, held),
        naive_top=top_overlap(naive, held),
        verdict=verdict,
        passed=verdict == "beats" if reference == "index" else verdict != "worse than",
        reference=reference,
    )


def types_with_data(city: City, counts: np.ndarray) -> list[int]:
    """Crime types that the held-back counts and the calibration data both have.

    A withheld city (no calibration data) compares every type the held-back counts have.
    """
    obs = city.observed_crime
    if obs is None:
        return [t for t in range(len(CRIME_TYPES)) if np.isfinite(counts[:, t]).all()]
    return [
        t
        for t in range(len(CRIME_TYPES))
        if np.isfinite(counts[:, t]).all() and np.isfinite(obs[:, t]).all()
    ]


@dataclass
class HeldOutResult:
    """The held-out check of one city.

    Attributes:
        city: City config name.
        overrides: Its overrides.
        rows: One row per held-back period and crime type.
        simulated: Seed-mean simulated counts per period (P, 4).
        naive: The calibration counts (P, 4, per day).
        held: Held-back counts per period (P, 4).
        names: Place ids.
        built_from: What the city was built from (from its config).
        seconds: Wall time.
    """

    city: str
    overrides: list[str]
    rows: list[HeldOutRow]
    simulated: dict[str, np.ndarray]
    naive: np.ndarray
    held: dict[str, np.ndarray]
    names: list[str]
    built_from: str
    seconds: float

    @property
    def passed(self) -> bool:
        """Every row passes (see :class:`HeldOutRow`)."""
        return all(r.passed for r in self.rows)

    @property
    def withheld(self) -> bool:
        """The city was built without its crime data (compared with its input index)."""
        return any(r.reference == "index" for r in self.rows)

    def table(self) -> pd.DataFrame:
        """The rows as a data frame."""
        return pd.DataFrame([asdict(r) for r in self.rows])


def heldout_check(
    city: str,
    overrides: list[str] | tuple[str, ...] = (),
    seeds: list[int] | tuple[int, ...] = (1, 2, 3),
    jobs: int = 1,
    n_boot: int = N_BOOT,
) -> HeldOutResult:
    """Run the baseline and compare its ranking of places with every held-back period.

    Args:
        city: City config name (``stl``, ``gis``, ...).
        overrides: Config overrides (``city.*``, ``sim.burn_in_days``, ``params.*``).
        seeds: Seeds of the baseline runs.
        jobs: Parallel worker processes.
        n_boot: Bootstrap resamples for the difference of the rhos.

    Raises:
        ConfigError: The city has no held-back period.
    """
    tic = time.perf_counter()
    overrides = list(overrides)
    cfg = make_config(city=city, overrides=overrides)
    c = load_city(cfg.city, seed=int(cfg.seed))
    if not c.heldout:
        raise ConfigError(
            f"--city {city}: the city has no held-back period; build it from some of its "
            "periods (city.calibration_periods) or years (city.calibration_years)"
        )
    periods = list(c.heldout)
    cutoffs = [max(1, int(round(c.heldout[p].days))) for p in periods]
    counts = simulate_periods(city, overrides, list(seeds), cutoffs, jobs)
    withheld = c.observed_crime is None
    reference = "index" if withheld else "naive"
    naive = input_index(c, cfg.params.crime.disadvantage_rate_effect) if withheld else None
    naive = c.observed_crime if naive is None else naive
    rows, simulated, held = [], {}, {}
    for k, p in enumerate(periods):
        h = c.heldout[p].counts
        kinds = types_with_data(c, h)
        sim = counts[:, k]
        simulated[p], held[p] = sim.mean(axis=0), h
        for t in kinds:
            rows.append(
                compare(
                    p, CRIME_TYPES[t], cutoffs[k], sim[:, :, t], naive[:, t], h[:, t], n_boot,
                    reference,
                )
            )  # fmt: skip
        if len(kinds) > 1:
            rows.append(
                compare(
                    p,
                    "all",
                    cutoffs[k],
                    sim[:, :, kinds].sum(axis=2),
                    naive[:, kinds].sum(axis=1),
                    h[:, kinds].sum(axis=1),
                    n_boot,
                    reference,
                )
            )
    built = cfg.city.calibration_periods or cfg.city.calibration_years or []
    if withheld:
        built = ["population and disadvantage alone (every crime period withheld)"]
    return HeldOutResult(
        city=city,
        overrides=overrides,
        rows=rows,
        simulated=simulated,
        naive=naive,
        held=held,
        names=[str(p) for p in c.place_ids],
        built_from=", ".join(map(str, built)) or "the calibration data",
        seconds=time.perf_counter() - tic,
    )


def input_index(city: City, beta: float) -> np.ndarray:
    """The forecast of a withheld city's input alone: population x exp(beta x disadvantage).

    This is the expected count per place from which the model builds such a city
    (:func:`cspsim.model.baseline.disadvantage_rates`), the same for every type; ranks only
    are compared, so its scale does not matter.
    """
    index = city.population * np.exp(beta * city.disadvantage)
    return np.repeat(index[:, None], len(CRIME_TYPES), axis=1)


# ----------------------------------------------------------------- report


def sentence(r: HeldOutRow) -> str:
    """One row in plain words."""
    what = f"{r.period}, {r.crime_type}"
    core = (
        f"model rho {r.model_rho:.2f} [{r.model_low:.2f}, {r.model_high:.2f}] vs naive "
        f"{r.naive_rho:.2f} [{r.naive_low:.2f}, {r.naive_high:.2f}] (difference "
        f"{r.diff:+.2f} [{r.diff_low:+.2f}, {r.diff_high:+.2f}]; top-10% overlap "
        f"{r.model_top:.0%} vs {r.naive_top:.0%})"
    )
    if r.reference == "index":
        return _index_sentence(r, what, core.replace("vs naive", "vs input index"))
    if r.verdict == "beats":
        return f"**{what}: the model beats the naive forecast**: {core}."
    if r.verdict == "matches":
        return f"**{what}: the model matches the naive forecast** (no clear difference): {core}."
    return (
        f"**{what}: the model does NOT beat or match the naive forecast "
        f'"next period = this period"** and fails this test: {core}.'
    )


def _index_sentence(r: HeldOutRow, what: str, core: str) -> str:
    """A withheld city's row: does the simulation add information to its input index?"""
    if r.verdict == "beats":
        return (
            f"**{what}: the model beats its input index alone** (its dynamics add "
            f"information): {core}."
        )
    if r.verdict == "matches":
        return (
            f"**{what}: the model does not beat its input index alone**: its dynamics add no "
            f"information beyond population and disadvantage here: {core}."
        )
    return (
        f"**{what}: the model ranks places WORSE than its input index alone**: its dynamics "
        f"subtract information here: {core}."
    )


def plot_heldout(res: HeldOutResult, path: Path) -> None:
    """Ranks of each forecast against the held-back ranks, per period (all types)."""
    periods = list(res.held)
    fig, axes = plt.subplots(1, len(periods), figsize=(5.2 * len(periods), 4.6), squeeze=False)
    for ax, p in zip(axes[0], periods, strict=True):
        kinds = types_with_data_arrays(res.naive, res.held[p])
        held = res.held[p][:, kinds].sum(axis=1)
        model = res.simulated[p][:, kinds].sum(axis=1)
        naive = res.naive[:, kinds].sum(axis=1)
        rh = stats.rankdata(held)
        label = "input index alone" if res.withheld else "naive (calibration data)"
        ax.scatter(rh, stats.rankdata(naive), s=14, alpha=0.7, label=label)
        ax.scatter(rh, stats.rankdata(model), s=14, alpha=0.7, label="model (mean over seeds)")
        ax.plot([1, len(rh)], [1, len(rh)], color="grey", lw=0.8)
        ax.set_xlabel(f"rank of observed {p} counts")
        ax.set_ylabel("forecast rank")
        ax.set_title(p, fontsize=10)
        ax.legend(fontsize=7)
    fig.suptitle(f"{res.city}: ranking of places in the held-back periods")
    fig.tight_layout()
    save_png(fig, path)


def types_with_data_arrays(naive: np.ndarray, held: np.ndarray) -> list[int]:
    """Types with finite data in both arrays."""
    return [
        t
        for t in range(held.shape[1])
        if np.isfinite(held[:, t]).all() and np.isfinite(naive[:, t]).all()
    ]


def write_heldout(res: HeldOutResult, out: Path, command: str) -> Path:
    """Write ``heldout.csv``, ``heldout.md`` (and HTML) and the figure into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(exist_ok=True)
    res.table().to_csv(out / "heldout.csv", index=False)
    plot_heldout(res, out / "figures" / "heldout.png")
    doc = Document()
    doc.h1(f"Held-back periods: {res.city}")
    if res.withheld:
        _withheld_text(doc, res)
    else:
        _naive_text(doc, res)
    doc.items([sentence(r) for r in res.rows])
    ref = "Index" if res.withheld else "Naive"
    t = res.table()
    doc.table(
        pd.DataFrame(
            {
                "Period": t["period"],
                "Type": t["crime_type"],
                "Days": t["days"],
                "Places": t["places"],
                "Model rho [CI]": [
                    f"{r.model_rho:.2f} [{r.model_low:.2f}, {r.model_high:.2f}]"
                    for r in t.itertuples()
                ],
                "Per-seed rho": [
                    f"{r.seed_rho:.2f} [{r.seed_low:.2f}, {r.seed_high:.2f}]"
                    for r in t.itertuples()
                ],
                f"{ref} rho [CI]": [
                    f"{r.naive_rho:.2f} [{r.naive_low:.2f}, {r.naive_high:.2f}]"
                    for r in t.itertuples()
                ],
                f"Model - {ref.lower()}": [
                    f"{r.diff:+.2f} [{r.diff_low:+.2f}, {r.diff_high:+.2f}]" for r in t.itertuples()
                ],
                "Top 10%: model": t["model_top"].map(lambda v: f"{v:.0%}"),
                f"Top 10%: {ref.lower()}": t["naive_top"].map(lambda v: f"{v:.0%}"),
                "Verdict": t["verdict"] + f" {ref.lower()}",
            }
        )
    )
    doc.img(out / "figures" / "heldout.png", "Forecast ranks against held-back ranks")
    doc.p(f"*`{command}` in {res.seconds:.0f} s.*")
    md = out / "heldout.md"
    md.write_text(doc.markdown(out))
    (out / "heldout.html").write_text(doc.html(f"Held-back periods: {res.city}"))
    return md


def _withheld_text(doc: Document, res: HeldOutResult) -> None:
    """What the withheld test compares, and its verdict."""
    doc.p(
        "The city was built from **population and disadvantage alone**: every period of its "
        "crime data was withheld (`city.withhold_crime=true`). The baseline ran on "
        f"{res.rows[0].seeds if res.rows else 0} seeds for each period's length and its "
        "simulated recorded offences per place were ranked against the withheld counts, "
        "beside the **input index alone** (population x exp(beta x disadvantage), the "
        "expected count the city's opportunity is built from). Spearman's rho with a Fisher "
        "95% CI; *difference*: model minus index, paired bootstrap CI over places. The model "
        "passes a row only when it **beats** the index (the difference's CI lies above "
        "zero): matching it means the simulation's dynamics (near repeats, spillover, "
        "displacement, trust and reporting) add nothing to what it was given."
    )
    doc.p(
        "The model's dynamics add information to its input index in every row."
        if res.passed
        else "**The model does not beat its input index alone in every row: where marked, "
        "its dynamics add no information (or subtract it).**"
    )


def _naive_text(doc: Document, res: HeldOutResult) -> None:
    """What the held-back test compares, and its verdict."""
    doc.p(
        f"The city was built from **{res.built_from}**; the baseline ran on "
        f"{res.rows[0].seeds if res.rows else 0} seeds for each held-back period's length "
        "and its simulated recorded offences per place were ranked against the held-back "
        'counts, beside the naive forecast "the next period ranks places as the data the '
        "city was built from\". Spearman's rho with a Fisher 95% CI; *difference*: model "
        "minus naive, paired bootstrap CI over places; the model passes a row when it beats "
        "or matches the naive forecast (the difference's CI does not lie below zero)."
    )
    doc.p(
        "The model beats or matches the naive forecast in every row."
        if res.passed
        else "**The model does not beat or match the naive forecast in every row: it fails "
        "this test where marked.**"
    )


def run_cli(
    spec: str,
    overrides: list[str],
    seeds: list[int],
    jobs: int,
    out: Path,
    command: str,
) -> int:
    """``cspsim-validate --city SPEC``: the held-out check, its report, a summary."""
    try:
        name, lines = parse_city(spec, overrides)
        res = heldout_check(name, lines, seeds, jobs)
        md = write_heldout(res, out, command)
    except (ConfigError, CityDataError) as exc:  # bad input (exit 2, cspsim.validation.cli)
        print(f"cspsim-validate: error: {exc}", file=sys.stderr)
        return 2
    for r in res.rows:
        print(sentence(r).replace("**", ""))
    verdict = "passes" if res.passed else "FAILS"
    kind = "withheld-crime" if res.withheld else "held-back"
    print(f"{name}: the model {verdict} the {kind} test ({res.seconds:.0f} s); wrote {md}")
    return 0
