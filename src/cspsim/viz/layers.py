"""Map layers: one value per place, its colour scale and its legend.

Scales are fixed for a model's life (set from its starting state), so a colour means the
same thing on day 0 and on day 300 and the class sees change, not re-scaling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_hex

if TYPE_CHECKING:
    from cspsim.viz.models import TrainerModel

#: Colours per scale (the legend bar and the lookup table).
N_COLOURS = 64


@dataclass(frozen=True)
class Layer:
    """A map layer.

    Attributes:
        key: Identifier.
        label: Name in the layer picker and the legend.
        unit: What the numbers are.
        cmap: Matplotlib colormap name.
        digits: Decimals shown in hover details.
    """

    key: str
    label: str
    unit: str
    cmap: str
    digits: int = 2


LAYERS: dict[str, Layer] = {
    layer.key: layer
    for layer in (
        Layer("true_crime", "True crime", "offences per day (recent)", "YlOrRd"),
        Layer("recorded_crime", "Recorded crime", "recorded per day (recent)", "YlOrRd"),
        Layer("trust", "Trust in police", "mean trust 0-1", "RdYlBu"),
        Layer("trust_change", "Trust change", "since day 0", "RdBu", 3),
        Layer("fear", "Fear of crime", "mean fear 0-1", "PuRd"),
        Layer("patrol", "Patrol presence", "officer-hours per day (recent)", "Blues", 1),
        Layer("programs", "Program enrolment", "participants", "Greens", 0),
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
    }


def layer_range(model: TrainerModel, key: str) -> tuple[float, float]:
    """Colour-scale range (low, high) of a layer for this model."""
    if key in ("true_crime", "recorded_crime"):
        return 0.0, model.crime_scale
    if key == "trust":
        return 0.2, 0.8
    if key == "trust_change":
        return -0.03, 0.03
    if key == "fear":
        return 0.0, 0.6
    if key == "patrol":
        return 0.0, model.presence_scale
    if key == "programs":
        return 0.0, max(10.0 * model.residents_per_agent, 1.0)
    raise KeyError(f"unknown layer {key!r}; expected one of {sorted(LAYERS)}")


def colours(values: np.ndarray, low: float, high: float, cmap: str) -> list[str]:
    """Hex colour of each value on a linear scale clipped to [low, high]."""
    table = lut(cmap)
    scaled = (np.asarray(values, dtype=float) - low) / max(high - low, 1e-12)
    idx = np.clip(np.nan_to_num(scaled) * (N_COLOURS - 1), 0, N_COLOURS - 1).astype(int)
    return [table[i] for i in idx]


def legend(model: TrainerModel, key: str) -> dict[str, object]:
    """Legend data of a layer: title, unit, colour stops and end labels."""
    layer = LAYERS[key]
    low, high = layer_range(model, key)
    table = lut(layer.cmap)
    fmt = f"{{:.{max(layer.digits, 1) if high - low < 10 else 0}f}}"
    return {
        "title": layer.label,
        "unit": layer.unit,
        "stops": table[:: N_COLOURS // 8] + [table[-1]],
        "low": fmt.format(low),
        "high": fmt.format(high) + "+",
    }
