"""Before building: how much memory and time a run needs, and whether the machine has it.

The estimate is linear in what a run holds: resident agents and their social ties (the
state arrays and the sparse tie matrix, built at once), and per simulated day the output
tables (one timeseries row a day, one events row per offence, one places row per place a
month), twice over for the moment they are written. The constants were measured with
``benchmarks/bench_resources.py`` (2026-12-01, this project's 2-core machine, Python 3.12,
numpy 2.5.5): synthetic cities of 20,000 to 200,000 agents with 8 and 24 ties each, 30
days, peak RSS by ``ru_maxrss`` in a child process per size; a least-squares fit gave 71
bytes per agent + 52 bytes per tie (+ 10 MB), 0.32 µs of step time per resident-day
(median; 0.42 µs at worst), 6.4 ms per day for 20,000 agents, 20 bytes per offence in the
events table and 532 bytes per timeseries day. The constants below round these up (about
2x for memory, which also covers the recorder's buffers before the tables are made) so the
check errs towards refusing a run that would fail.

A run whose estimate exceeds the memory available (``MemAvailable``, or the cgroup's limit
in a container or SLURM job) is refused with :class:`~cspsim.errors.ResourceError`;
``sim.allow_large=true`` skips the check on a machine known to hold it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cspsim.errors import ResourceError

#: Bytes per resident agent (state arrays, indices, Mesa views), measured 71.
BYTES_PER_AGENT = 160.0
#: Bytes per social tie sent (both directions of the sparse matrix, build buffers), 52.
BYTES_PER_TIE = 110.0
#: Bytes per offence in the events table (recorder buffer, table, Arrow copy), measured 20.
BYTES_PER_OFFENCE = 64.0
#: Bytes per recorded day in the timeseries table (about 60 columns), measured 532.
BYTES_PER_DAY = 2_000.0
#: Bytes per place-month row of the places table (28 columns), measured 206.
BYTES_PER_PLACE_MONTH = 500.0
#: Fixed memory of a built model beyond the imports (places, officers, organizations).
FIXED_BYTES = 64e6
#: Step seconds per resident-day (measured 0.32 µs median, 0.42 µs at worst).
SECONDS_PER_RESIDENT_DAY = 0.45e-6
#: Step seconds per tie-day (word of mouth is a sparse product over the ties; measured:
#: 100,000 agents with 24 instead of 8 ties stepped 0.1 s slower over 30 days, 2 ns).
SECONDS_PER_TIE_DAY = 3e-9
#: Step seconds per day whatever the size (officers, organizations, recording).
SECONDS_PER_DAY = 0.004
#: True offences a day per 1,000 residents and per unit of ``city.base_crime_per_1000``
#: (measured: 0.885 offences a day per 1,000 residents at 33 recorded per 1,000 a year;
#: recorded crime is about a tenth of true crime).
OFFENCES_PER_1000_PER_RATE = 0.885 / 33.0
#: Share of the available memory a run may plan to use.
MEMORY_HEADROOM = 0.9


@dataclass(frozen=True)
class RunEstimate:
    """What a run is expected to need.

    Attributes:
        agents: Resident agents.
        ties: Social ties sent (about half the symmetric matrix's entries).
        places: Places.
        days: Days simulated (burn-in included).
        offences: Offences expected over the recorded days (rows of the events table).
        memory_bytes: Peak memory beyond the imported packages.
        seconds: Build and step time on a core like this project's.
    """

    agents: int
    ties: int
    places: int
    days: int
    offences: float
    memory_bytes: float
    seconds: float

    def record(self) -> dict[str, float]:
        """What ``run.json`` keeps (``estimate``): the memory and time of the log line.

        ``memory_mb`` is the model's peak beyond Python and the imported packages (about
        0.25 GB more for the whole process); ``seconds`` is build and step time.
        """
        return {"memory_mb": round(self.memory_bytes / 1e6, 1), "seconds": round(self.seconds, 1)}

    def describe(self) -> str:
        """One line: sizes, memory and time."""
        return (
            f"{self.agents:,} resident agents, {self.ties:,} ties, {self.places:,} places, "
            f"{self.days:,} days: about {fmt_bytes(self.memory_bytes)} of memory and "
            f"{fmt_seconds(self.seconds)}"
        )


def fmt_bytes(n: float) -> str:
    """``1.2 GB``, ``340 MB``."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n / 1e3:,.0f} kB"


def fmt_seconds(s: float) -> str:
    """``3 s``, ``4.2 min``, ``5.1 h``, ``12 days``."""
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.1f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:,.0f} days"


def _ties_sent(agents: int, ties_per_resident: float) -> int:
    # As the model draws them: round(T / 2) per resident, at least 1 (model/residents.py).
    return agents * max(1, int(round(ties_per_resident / 2))) if agents > 1 else 0


def estimate(
    agents: int,
    places: int,
    population: float,
    cfg: Any,
    observed_per_day: float | None = None,
) -> RunEstimate:
    """Memory and time of a run of ``agents`` resident agents on ``places`` places.

    Args:
        agents: Resident agents.
        places: Places.
        population: Real residents (for the expected number of offences).
        cfg: The run config (``sim`` days, ties per resident, the city's crime rate).
        observed_per_day: Recorded incidents a day of a city with crime data (else the
            rate comes from ``city.base_crime_per_1000``).
    """
    days = int(cfg.sim.days) + int(cfg.sim.burn_in_days)
    ties = _ties_sent(agents, float(cfg.params.social.ties_per_resident))
    if observed_per_day is not None:
        per_day = 10.0 * observed_per_day  # recorded is about a tenth of true crime
    else:
        rate = float(cfg.city.base_crime_per_1000) * OFFENCES_PER_1000_PER_RATE
        per_day = population / 1000.0 * rate
    offences = per_day * int(cfg.sim.days)
    tables = (
        offences * BYTES_PER_OFFENCE
        + days * BYTES_PER_DAY
        + places * math.ceil(days / 30) * BYTES_PER_PLACE_MONTH
    )
    memory = FIXED_BYTES + agents * BYTES_PER_AGENT + ties * BYTES_PER_TIE + 2 * tables
    step_per_day = SECONDS_PER_DAY + agents * SECONDS_PER_RESIDENT_DAY + ties * SECONDS_PER_TIE_DAY
    seconds = days * step_per_day + agents * 1e-5 + ties * 1e-7  # + building
    return RunEstimate(agents, ties, places, days, offences, memory, seconds)


def estimate_config(cfg: Any) -> RunEstimate | None:
    """The estimate of a synthetic city from its config alone (before the city is built).

    A synthetic city of a billion agents must be refused before its places are made; the
    other kinds are estimated from the loaded city (:func:`estimate_city`). None for them.
    """
    if cfg.city.kind != "synthetic":
        return None
    agents = int(cfg.city.residents)
    places = int(cfg.city.places) or max(1, agents // 200)
    population = agents * float(cfg.city.residents_per_agent)
    return estimate(agents, places, population, cfg)


def estimate_city(city: Any, cfg: Any) -> RunEstimate:
    """The estimate of a run on a loaded :class:`~cspsim.city.City`."""
    population = float(city.population.sum())
    agents = int(round(population / float(cfg.city.residents_per_agent)))
    observed = getattr(city, "observed_crime", None)
    # Types without data are NaN (a city file with fewer crime columns than types).
    per_day = float(np.nansum(observed)) if observed is not None else None
    return estimate(agents, int(city.n_places), population, cfg, per_day)


def _meminfo_available() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_available() -> float | None:
    """Memory left under the cgroup v2 (or v1) limit of this process, if limited."""
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ):
        try:
            limit = Path(limit_file).read_text().strip()
            if limit == "max" or float(limit) >= 2**60:
                continue
            used = float(Path(usage_file).read_text().strip())
            return max(float(limit) - used, 0.0)
        except (OSError, ValueError):
            continue
    return None


def available_memory() -> float | None:
    """Bytes of memory this process can still use, or None when unknown.

    The smaller of the machine's available memory and what is left under the cgroup's limit.
    """
    found = [v for v in (_meminfo_available(), _cgroup_available()) if v is not None]
    if found:
        return min(found)
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_fits(est: RunEstimate, allow_large: bool, available: float | None = None) -> None:
    """Refuse a run whose estimated memory exceeds what is available.

    Args:
        est: The run's estimate.
        allow_large: ``sim.allow_large``: skip the check.
        available: Bytes available (default: :func:`available_memory`).

    Raises:
        ResourceError: With the estimate, the memory available and what to do.
    """
    if allow_large:
        return
    available = available_memory() if available is None else available
    if available is None or est.memory_bytes <= MEMORY_HEADROOM * available:
        return
    # The offences' share of the estimate (estimate() counts the tables twice).
    if 2 * est.offences * BYTES_PER_OFFENCE > 0.5 * est.memory_bytes:
        cause = (
            f"; most of it is the {est.offences:,.0f} offences expected, from the city's "
            "crime counts (city.crime_columns, or the incidents): check them for a wrong value"
        )
    else:
        cause = ""
    raise ResourceError(
        f"run too large for this machine: {est.describe()}{cause}, but only "
        f"{fmt_bytes(available)} of memory is available. Make it smaller (city.residents, "
        "city.residents_per_agent, params.social.ties_per_resident, sim.days), or on a "
        "machine that can hold it set sim.allow_large=true"
    )
