"""Parameter draws for the uncertainty ensemble: what we do not know, as config overrides.

The sourced and assumed mechanism parameters are drawn from their declared plausible ranges
(:mod:`cspsim.config.evidence`) by a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`,
seeded), uniformly, or log-uniformly where the range spans a factor of 10 or more; a
list-valued parameter moves all its elements together with one number (log-uniformly only
if every element's range is that wide). Fitted parameters
stay at their fitted values unless a posterior sample is given (the rows of
``configs/params/posterior.csv`` from ``experiment=calibrate``), from which each draw takes
one row. Every draw has its own seed, so an ensemble mixes parameter and simulation
uncertainty the way a planner meets them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from omegaconf import OmegaConf
from scipy.stats import qmc

from cspsim.config.evidence import Declared, uncertain
from cspsim.paths import CONFIG_DIR

#: The posterior sample ``experiment=calibrate`` ships (fitted parameters; optional).
POSTERIOR = CONFIG_DIR / "params" / "posterior.csv"
#: The shipped point fit (values of fitted parameters the posterior does not hold).
CALIBRATED = CONFIG_DIR / "params" / "calibrated.yaml"

#: A range spanning this factor or more is drawn log-uniformly.
LOG_RATIO = 10.0
#: Column of a draw table holding the draw's seed.
SEED = "seed"
#: Column of a draw table holding the draw's number.
DRAW = "draw"


@dataclass(frozen=True)
class Draws:
    """An ensemble's parameter draws.

    Attributes:
        table: One row per draw: ``draw``, ``seed`` and one column per drawn parameter path
            (``params.crime.police_deterrence``); list-valued parameters hold lists.
        kinds: Kinds of parameters drawn from their ranges.
        posterior: Whether the fitted parameters came from a posterior sample.
    """

    table: pd.DataFrame
    kinds: tuple[str, ...]
    posterior: bool

    @property
    def parameters(self) -> list[str]:
        """The drawn parameter paths."""
        return [c for c in self.table.columns if c not in (DRAW, SEED)]

    def overrides(self, i: int) -> list[str]:
        """Config overrides of draw ``i`` (without the seed)."""
        row = self.table.iloc[i]
        return [f"{path}={_literal(row[path])}" for path in self.parameters]

    def seed(self, i: int) -> int:
        """Seed of draw ``i``."""
        return int(self.table.iloc[i][SEED])

    def without(self, paths: set[str]) -> Draws:
        """The same draws with the given parameters left at their configured values."""
        keep = [c for c in self.table.columns if c not in paths]
        return Draws(self.table[keep], self.kinds, self.posterior)


def _literal(value: float | np.generic | Sequence[float] | np.ndarray) -> str:
    """A value as a Hydra override literal (lists in brackets, floats in full precision)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ",".join(_literal(v) for v in value) + "]"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def scale(d: Declared, u: float) -> int | float | list[int | float]:
    """The value of parameter ``d`` at quantile ``u`` (0-1) of its plausible range."""
    if isinstance(d.low, (list, tuple)):
        # One scale for every element, so one number moves them all alike.
        log = all(_is_log(lo, hi) for lo, hi in zip(d.low, d.high, strict=True))
        bounds = zip(d.low, d.high, d.default, strict=True)
        return [_scalar(lo, hi, u, _is_int(v), log) for lo, hi, v in bounds]
    return _scalar(d.low, d.high, u, _is_int(d.default), _is_log(d.low, d.high))


def _is_log(low: float, high: float) -> bool:
    """Whether a range is drawn log-uniformly (it spans a factor of :data:`LOG_RATIO`)."""
    return low > 0 and high / low >= LOG_RATIO


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar(low: float, high: float, u: float, integer: bool, log: bool) -> int | float:
    if log:
        x = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    else:
        x = low + u * (high - low)
    return int(round(x)) if integer else float(x)


def draw(
    n: int,
    seed: int,
    kinds: Sequence[str] = ("sourced", "assumed"),
    posterior: pd.DataFrame | None = None,
    first_seed: int = 1000,
    only: Sequence[str] | None = None,
) -> Draws:
    """Draw ``n`` parameter sets by a seeded Latin hypercube.

    Args:
        n: Number of draws.
        seed: Seed of the hypercube (and of the posterior rows taken).
        kinds: Kinds of parameters drawn from their declared ranges.
        posterior: Optional posterior sample of the fitted parameters (one column per
            parameter path, rows equally likely); each draw takes one row.
        first_seed: Seed of draw 0; draw ``i`` runs with seed ``first_seed + i``.
        only: Draw only these parameter paths (``params.crime.police_deterrence``); the
            others keep their configured values.

    Raises:
        ValueError: ``n`` < 1, a posterior column is not a fitted parameter, or a path in
            ``only`` is not a parameter of the given kinds with a range.
    """
    if n < 1:
        raise ValueError(f"draws: expected an integer >= 1, got {n}")
    params = uncertain(tuple(kinds))
    if only is not None:
        known = {d.path for d in params}
        missing = sorted(set(only) - known)
        if missing:
            raise ValueError(
                f"only: {missing} are not {'/'.join(kinds)} parameters with a declared range"
            )
        params = [d for d in params if d.path in set(only)]
    rng = np.random.default_rng(seed)
    u = qmc.LatinHypercube(d=max(len(params), 1), seed=rng).random(n)
    rows = []
    for i in range(n):
        row = {DRAW: i, SEED: first_seed + i}
        row |= {d.path: scale(d, float(u[i, j])) for j, d in enumerate(params)}
        rows.append(row)
    table = pd.DataFrame(rows)
    if posterior is not None and len(posterior):
        fitted = {d.path for d in uncertain(("fitted",))}
        cols = [c for c in posterior.columns if c.startswith("params.")]
        unknown = sorted(
            {c.rsplit(".", 1)[0] if c.rsplit(".", 1)[-1].isdigit() else c for c in cols} - fitted
        )
        if unknown:
            raise ValueError(f"posterior: {unknown} are not fitted parameters")
        weight = posterior["weight"].to_numpy(np.float64) if "weight" in posterior else None
        p = None if weight is None else weight / weight.sum()
        take = rng.choice(len(posterior), size=n, p=p)
        for path, values in _whole_lists(posterior.iloc[take][cols]).items():
            table[path] = values
    return Draws(table, tuple(kinds), posterior is not None and len(posterior) > 0)


def _configured(path: str) -> Any:
    """A fitted parameter's value: ``calibrated.yaml`` if it sets it, else the default."""
    calibrated = OmegaConf.load(CALIBRATED)
    value = OmegaConf.select(calibrated, path.removeprefix("params."))
    if value is None:
        value = next(d.default for d in uncertain(("fitted",)) if d.path == path)
    return OmegaConf.to_container(value) if OmegaConf.is_config(value) else value


def merge_elements(values: Mapping[str, Any], current: Callable[[str], list]) -> dict[str, Any]:
    """Values by parameter path, with list elements (``a.b.0``) merged into whole lists.

    Hydra cannot override one element of a list, so the elements given are written into the
    list ``current(path)`` returns and the whole list is overridden; the elements not given
    keep their current values.

    Returns:
        Scalar parameters first (in their order), then the merged lists.
    """
    scalars: dict[str, Any] = {}
    lists: dict[str, list] = {}
    for name, v in values.items():
        head, _, idx = name.rpartition(".")
        if idx.isdigit():
            if head not in lists:
                lists[head] = list(current(head))
            lists[head][int(idx)] = float(v)
        else:
            scalars[name] = v
    return scalars | lists


def _whole_lists(rows: pd.DataFrame) -> dict[str, list]:
    """Posterior rows as whole parameters: list elements kept at their calibrated values."""
    merged = [merge_elements(row, _configured) for row in rows.to_dict("records")]
    return {path: [m[path] for m in merged] for path in (merged[0] if merged else {})}


def load_shipped_posterior() -> pd.DataFrame | None:
    """The shipped posterior sample of the fitted parameters, or None if there is none."""
    return pd.read_csv(POSTERIOR, comment="#") if POSTERIOR.is_file() else None
