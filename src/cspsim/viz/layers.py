"""Map layers: one value per place, its colour scale and its legend.

A scale starts from the model's starting state and only ever widens (to the next "nice"
number), so a colour means the same thing from day to day and the class sees change, not
re-scaling; it widens as soon as a place the lesson asks the room to watch (hot spots,
the ring around them, the low-trust neighbourhoods, program neighbourhoods) would reach the
end of the scale, so those places never saturate. Crime and patrol use a square-root scale
(a few hot spots hold many times the median), the others a linear one; trust change is
diverging around zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex

if TYPE_CHECKING:
    from cspsim.viz.models import TrainerModel

#: Colours per scale (the legend bar and the lookup table).
N_COLOURS = 64
#: A watched place may reach this share of the scale before the scale widens.
HEADROOM = 0.95


@dataclass(frozen=True)
class Layer:
    """A map layer.

    Attributes:
        key: Identifier.
        label: Name in the layer picker and the legend.
        unit: What the numbers are.
        cmap: Matplotlib colormap name.
        digits: Decimals shown in hover details.
        scale: ``linear``, ``sqrt`` (0 up) or ``diverging`` (symmetric around 0).
        start: Starting (low, high) range, or None to take it from the model.
        bounds: Values can never leave this range (the scale stops widening there).
    """

    key: str
    label: str
    unit: str
    cmap: str
    digits: int = 2
    scale: str = "linear"
    start: tuple[float, float] | None = None
    bounds: tuple[float, float] = (-math.inf, math.inf)


LAYERS: dict[str, Layer] = {
    layer.key: layer
    for layer in (
        Layer("true_crime", "True crime", "offences a day, recent", "YlOrRd", 2, "sqrt"),
        Layer("recorded_crime", "Recorded crime", "a day, recent", "YlOrRd", 2, "sqrt"),
        Layer("trust", "Trust", "mean, 0-1", "RdYlBu", 2, "linear", (0.2, 0.8), (0, 1)),
        Layer(
            "trust_change",
            "Trust change",
            "since day 0",
            "RdBu",
            3,
            "diverging",
            (-0.03, 0.03),
            (-1, 1),
        ),
        Layer("fear", "Fear", "mean, 0-1", "PuRd", 2, "linear", (0.0, 0.6), (0, 1)),
        Layer("patrol", "Patrol", "officer-hours a day", "Blues", 1, "sqrt"),
        Layer("programs", "Programs", "participants living here", "Greens", 0, "linear"),
        Layer(
            "cynicism",
            "Cynicism",
            "neighbourhood, 0-1",
            "Purples",
            2,
            "linear",
            (0.2, 0.8),
            (0, 1),
        ),
    )
}


def _lut(cmap: str) -> list[str]:
    cm = colormaps[cmap]
    return [to_hex(cm(i / (N_COLOURS - 1))) for i in range(N_COLOURS)]


_LUTS: dict[str, list[str]] = {}


def lut(cmap: str) -> list[str]:
    """Hex colours of ``cmap`` (cached)."""
    if cmap not in _LUTS:
        _LUTS[cmap] = _lut(cmap)
    return _LUTS[cmap]


def nice_ceil(x: float) -> float:
    """The next "nice" number at or above ``x`` (1, 1.5, 2, 3, 4, 5, 6, 8 x 10^k)."""
    if x <= 0 or not np.isfinite(x):
        return 1.0
    exp = math.floor(math.log10(x))
    for m in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * 10**exp >= x * (1 - 1e-12):
            return m * 10**exp
    return 10.0 ** (exp + 1)


def enrolled_by_place(model: TrainerModel) -> np.ndarray:
    """Program participants (people) enrolled today, by home place."""
    idx = model.world.at_risk_index
    enrolled = idx[model.programs.enrolled_mask(idx, model.day - 1)]
    counts = np.bincount(model.residents.place[enrolled], minlength=model.n_places)
    return counts * model.residents_per_agent


def layer_values(model: TrainerModel) -> dict[str, np.ndarray]:
    """Every layer's value by place for the model's current day."""
    means = model.world.place_means
    trust = means(model.residents.trust)
    return {
        "true_crime": model.crime.recent,
        "recorded_crime": model.recorded_recent,
        "trust": trust,
        "trust_change": trust - model.trust_start,
        "fear": means(model.residents.fear),
        "patrol": model.presence_recent,
        "programs": enrolled_by_place(model),
        "cynicism": model.legitimacy.place_cynicism(),
    }


def _start_range(model: TrainerModel, key: str) -> tuple[float, float]:
    layer = LAYERS[key]
    if layer.start is not None:
        return layer.start
    if key in ("true_crime", "recorded_crime"):
        return 0.0, nice_ceil(model.crime_scale)
    if key == "patrol":
        return 0.0, nice_ceil(model.presence_scale)
    if key == "programs":
        return 0.0, nice_ceil(max(10.0 * model.residents_per_agent, 1.0))
    raise KeyError(f"unknown layer {key!r}; expected one of {sorted(LAYERS)}")


def layer_range(
    model: TrainerModel,
    key: str,
    values: np.ndarray | None = None,
    watched: np.ndarray | None = None,
) -> tuple[float, float]:
    """Colour-scale range (low, high) of a layer for this model (kept on the model).

    Args:
        model: The model (its scales are kept in ``model.viz_scales``).
        key: Layer key.
        values: Today's values (default: computed); the scale widens to cover the 99th
            percentile of all places and every watched place.
        watched: Places the lesson asks the room to watch (never saturated).
    """
    if key not in LAYERS:
        raise KeyError(f"unknown layer {key!r}; expected one of {sorted(LAYERS)}")
    scales = model.__dict__.setdefault("viz_scales", {})
    low, high = scales.get(key) or _start_range(model, key)
    layer = LAYERS[key]
    arr = layer_values(model)[key] if values is None else np.asarray(values, dtype=float)
    v = arr[np.isfinite(arr)]
    if len(v):
        w = arr[watched] if watched is not None and len(watched) else v
        w = w[np.isfinite(w)]
        top = max(float(np.quantile(v, 0.99)), float(w.max()) if len(w) else -math.inf)
        bottom = min(float(np.quantile(v, 0.01)), float(w.min()) if len(w) else math.inf)
        if layer.scale == "diverging":
            reach = max(abs(top), abs(bottom))
            if reach > HEADROOM * high:
                high = min(nice_ceil(reach / HEADROOM), layer.bounds[1])
                low = -high
        else:
            span = high - low
            if top > low + HEADROOM * span:
                high = min(nice_ceil((top - low) / HEADROOM + low), layer.bounds[1])
            if layer.scale == "linear" and bottom < low + (1 - HEADROOM) * span and low > 0:
                low = max(math.floor(10 * (bottom - 0.05 * span)) / 10, layer.bounds[0])
    scales[key] = (low, high)
    return low, high


def scaled(values: np.ndarray, low: float, high: float, scale: str) -> np.ndarray:
    """Values mapped onto 0-1 of the colour scale (clipped)."""
    v = np.nan_to_num(np.asarray(values, dtype=float))
    if scale == "sqrt":
        s = np.sqrt(np.clip(v - low, 0, None)) / math.sqrt(max(high - low, 1e-12))
    else:
        s = (v - low) / max(high - low, 1e-12)
    return np.clip(s, 0.0, 1.0)


def colours(
    values: np.ndarray, low: float, high: float, cmap: str, scale: str = "linear"
) -> list[str]:
    """Hex colour of each value on the layer's scale, clipped to [low, high]."""
    table = lut(cmap)
    idx = (scaled(values, low, high, scale) * (N_COLOURS - 1)).round().astype(int)
    return [table[i] for i in idx]


def saturated(values: np.ndarray, low: float, high: float, scale: str) -> np.ndarray:
    """Which values sit at either end of the colour scale (their colour says "or more")."""
    s = scaled(values, low, high, scale)
    return (s >= 1.0 - 0.5 / N_COLOURS) | ((s <= 0.5 / N_COLOURS) & (np.asarray(values) < low))


def legend(model: TrainerModel, key: str) -> dict[str, object]:
    """Legend data of a layer: title, unit, colour stops and low, middle and high labels."""
    layer = LAYERS[key]
    low, high = layer_range(model, key)
    table = lut(layer.cmap)
    digits = 0 if high - low >= 10 else (3 if layer.scale == "diverging" else max(layer.digits, 1))
    f = f"{{:.{digits}f}}"
    mid = low + (0.25 if layer.scale == "sqrt" else 0.5) * (high - low)
    return {
        "title": layer.label,
        "unit": layer.unit,
        "stops": table[:: N_COLOURS // 8] + [table[-1]],
        "low": ("+" if layer.scale == "diverging" and low > 0 else "") + f.format(low),
        "mid": f.format(mid),
        "high": ("+" if layer.scale == "diverging" else "") + f.format(high),
        "scale": layer.scale,
    }
