"""The city map component: places coloured by a layer, officers, organizations, a legend.

Drawn as SVG by a small Vue template (``map.vue``): hovering a place shows its details in
the browser at once; clicking it reports the place to Python (``on_pick``). Only colours,
details and markers change from day to day, so an update is a few tens of kilobytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import solara

from cspsim.viz.geometry import ORG_COLOURS, MapGeometry, geometry, officer_points
from cspsim.viz.layers import LAYERS, colours, layer_range, layer_values, legend
from cspsim.viz.models import TrainerModel

#: Order of the per-place details shown on hover.
DETAIL_KEYS = tuple(LAYERS)


@solara.component_vue("map.vue", vuetify=False)
def CityMapSvg(
    width: int,
    height: int,
    points: str,
    colors: str,
    names: str,
    details: str,
    detail_labels: list,
    officers: str,
    orgs: list,
    org_legend: list,
    legend: dict,
    selected: int = -1,
    event_pick: Callable[[int], None] | None = None,
) -> None:
    """The SVG map (a Vue template; see the module docstring).

    The per-place arrays travel as one string each (JSON, or comma-joined colours): Reacton
    walks list props item by item on every render, which would cost more than the model step.
    """


_GEOMETRY: dict[tuple[int, int], MapGeometry] = {}


def map_geometry(model: TrainerModel, width: int) -> MapGeometry:
    """The (cached) pixel geometry of the model's city at ``width`` pixels."""
    key = (id(model.city), width)
    if key not in _GEOMETRY:
        if len(_GEOMETRY) > 32:
            _GEOMETRY.clear()
        _GEOMETRY[key] = geometry(model.city, width=width, max_height=int(width * 0.95))
    return _GEOMETRY[key]


def _points_json(geo: MapGeometry) -> str:
    key = id(geo)
    if key not in _POINTS:
        _POINTS.clear() if len(_POINTS) > 32 else None
        _POINTS[key] = json.dumps(geo.points())
    return _POINTS[key]


_POINTS: dict[int, str] = {}


def place_names(model: TrainerModel) -> str:
    """Hover title of each place (id, neighbourhood, residents) as a JSON list."""
    city = model.city
    nb = np.asarray(city.neighbourhood_names)[city.neighbourhood]
    pop = city.population
    return json.dumps(
        [
            f"{pid} · neighbourhood {n} · {int(p):,} residents"
            for pid, n, p in zip(city.place_ids, nb, pop, strict=True)
        ]
    )


def map_props(model: TrainerModel, layer: str, width: int = 640) -> dict[str, object]:
    """Everything the map template needs for the model's current day.

    Args:
        model: The model.
        layer: Layer key (see :data:`cspsim.viz.layers.LAYERS`).
        width: Map width in pixels.
    """
    geo = map_geometry(model, width)
    values = layer_values(model)
    low, high = layer_range(model, layer)
    table = np.column_stack(
        [
            np.round(values[k], LAYERS[k].digits + (1 if LAYERS[k].digits < 3 else 0))
            for k in DETAIL_KEYS
        ]
    )
    force = model.police.force
    on_duty = np.flatnonzero(force.on_duty)
    where = force.place[on_duty]
    keep = where >= 0
    orgs = [
        [
            round(float(geo.x[o.place]), 1),
            round(float(geo.y[o.place]), 1),
            ORG_COLOURS.get(o.kind, "#ff7f0e"),
        ]
        for o in model.organizations
    ]
    kinds = sorted({o.kind for o in model.organizations})
    return {
        "width": geo.width,
        "height": geo.height,
        "points": _points_json(geo),
        "colors": ",".join(colours(values[layer], low, high, LAYERS[layer].cmap)),
        "details": json.dumps(table.tolist()),
        "detail_labels": [LAYERS[k].label for k in DETAIL_KEYS],
        "officers": json.dumps(officer_points(geo, where[keep], on_duty[keep])),
        "orgs": orgs,
        "org_legend": [[k.replace("_", " "), ORG_COLOURS.get(k, "#ff7f0e")] for k in kinds],
        "legend": legend(model, layer),
    }


@solara.component
def CityMap(
    model: TrainerModel,
    layer: str,
    selected: int = -1,
    on_pick: Callable[[int], None] | None = None,
    width: int = 640,
    tick: int = 0,  # noqa: ARG001
) -> None:
    """The map of one model (``tick`` changes after each step, so it re-renders)."""
    names = solara.use_memo(lambda: place_names(model), [id(model.city)])
    props = map_props(model, layer, width)
    CityMapSvg(**props, names=names, selected=selected, event_pick=on_pick or (lambda i: None))
