"""Historical tension: lower starting trust in some neighbourhoods (e.g. after past abuses).

Named neighbourhoods, or the most disadvantaged ``share`` of them (past abuses concentrate
where disadvantage is highest), start with trust lowered by ``trust_drop``, both current
trust and residents' long-run belief; their legal cynicism starts higher accordingly. Only
sustained good experience narrows the gap (see the legitimacy process).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register


@dataclass
class HistoricalTensionSettings:
    """Lower starting trust in some neighbourhoods."""

    neighbourhoods: list[str] = field(
        default_factory=list,
        metadata={"unit": "neighbourhood names", "doc": "neighbourhoods with a history of tension"},
    )
    share: float = setting(
        0.0,
        "share of neighbourhoods",
        "the most disadvantaged neighbourhoods, when none are named",
        low=0,
        high=1,
    )
    trust_drop: float = setting(0.2, "trust (0-1)", "starting trust lowered by", low=0, high=1)


@register
class HistoricalTension(Component):
    """Lowers residents' starting trust where there is a history of tension."""

    key = "historical_tension"
    group = "modifiers"
    Params = HistoricalTensionSettings
    order = 0
    example = {"share": 0.5}

    @on("residents")
    def apply(self) -> None:
        """Lower trust and trust disposition of residents of the tense neighbourhoods."""
        c = self.params
        if not c.neighbourhoods and c.share <= 0:
            return
        world = self.model.world
        city = world.city
        if c.neighbourhoods:
            mask = world.neighbourhood_mask(
                c.neighbourhoods, 0.0, None, "modifiers.historical_tension.neighbourhoods"
            )
        else:
            nb_dis = np.bincount(
                city.neighbourhood, weights=city.disadvantage, minlength=city.n_neighbourhoods
            )
            nb_dis /= np.maximum(np.bincount(city.neighbourhood), 1)
            mask = np.zeros(city.n_neighbourhoods, dtype=bool)
            mask[np.argsort(-nb_dis)[: max(1, int(round(c.share * len(mask))))]] = True
        r = world.residents
        hit = mask[city.neighbourhood[r.place]]
        for arr in (r.trust, r.trust_belief):
            arr[hit] = np.clip(arr[hit] - c.trust_drop, 0.0, 1.0)
