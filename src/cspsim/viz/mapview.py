"""The city map component: places coloured by a layer, outlines, officers, organizations.

Drawn as SVG by a small Vue template (``map.vue``): hovering a place shows its details in
the browser at once; clicking it reports the place to Python (``on_pick``). Only colours,
details, outlines and markers change from day to day, so an update is a few tens of
kilobytes. The legend is an SVG too, so an exported picture carries it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from html import escape

import numpy as np
import solara

from cspsim.viz.charts import text_width
from cspsim.viz.geometry import ORG_COLOURS, MapGeometry, geometry, officer_points
from cspsim.viz.layers import LAYERS, colours, layer_range, layer_values, legend
from cspsim.viz.models import SideBySideModel, TrainerModel
from cspsim.viz.names import neighbourhood_names, org_name, place_names

#: The session's model lock: the play loop steps under it, and components read the models
#: under it, so a render started by a click never sees a day half done.
MODEL_LOCK = solara.create_context(threading.RLock(), "cspsim-model-lock")
#: Order of the per-place details shown on hover.
DETAIL_KEYS = tuple(LAYERS)
#: Offset between organizations at the same place (their 10 px squares side by side).
ORG_STEP = 11.0
#: Outline kinds: how the legend names them.
OUTLINE_LABELS = {
    "hot": "hot spot",
    "ring": "around a hot spot",
    "low": "low-trust neighbourhood",
    "programs": "program neighbourhood",
}


@solara.component_vue("map.vue", vuetify=False)
def CityMapSvg(
    width: int,
    height: int,
    shapes: str,
    colors: str,
    names: str,
    details: str,
    detail_labels: list,
    officers: str,
    orgs: list,
    outlines: str,
    legend_svg: str,
    dark: bool = False,
    selected: int = -1,
    event_pick: Callable[[int], None] | None = None,
) -> None:
    """The SVG map (a Vue template; see the module docstring).

    The per-place arrays travel as one string each (JSON, or comma-joined colours): Reacton
    walks list props item by item on every render, which would cost more than the model step.
    """


_GEOMETRY: dict[tuple[int, int, int], MapGeometry] = {}
_SHAPES: dict[int, str] = {}
_NAMES: dict[int, str] = {}


def map_geometry(model: TrainerModel, width: int, height: int | None = None) -> MapGeometry:
    """The (cached) pixel geometry of the model's city in a ``width`` x ``height`` box."""
    height = int(width * 0.95) if height is None else int(height)
    key = (id(model.city), int(width), height)
    if key not in _GEOMETRY:
        if len(_GEOMETRY) > 32:
            _GEOMETRY.clear()
            _SHAPES.clear()
        _GEOMETRY[key] = geometry(model.city, width=int(width), max_height=height)
    return _GEOMETRY[key]


def _shapes_json(geo: MapGeometry) -> str:
    key = id(geo)
    if key not in _SHAPES:
        shapes: dict[str, object] = {"points": geo.points()}
        if geo.paths is not None:
            shapes["paths"] = geo.paths
        _SHAPES[key] = json.dumps(shapes)
    return _SHAPES[key]


def place_titles(model: TrainerModel) -> str:
    """Hover title of each place (readable name, neighbourhood, residents) as a JSON list."""
    key = id(model.city)
    if key not in _NAMES:
        if len(_NAMES) > 16:
            _NAMES.clear()
        city = model.city
        names = place_names(city)
        nbs = neighbourhood_names(city)
        titles = []
        for i, name in enumerate(names):
            nb = nbs[int(city.neighbourhood[i])]
            where = "" if nb in name else f" · {nb}"
            titles.append(f"{name}{where} · {int(city.population[i]):,} residents")
        _NAMES[key] = json.dumps(titles)
    return _NAMES[key]


def marked_places(pair: SideBySideModel, marks: tuple[str, ...]) -> list[tuple[int, str]]:
    """Places to outline for the lesson's ``marks``: ``(place, kind)`` pairs."""
    out: list[tuple[int, str]] = []
    a = pair.a
    if "low_trust" in marks:
        low = a.low_trust_nbhd[a.city.neighbourhood]
        out += [(int(p), "low") for p in np.flatnonzero(low)]
    if "programs" in marks and a.organizations:
        nbs = {o.neighbourhood for o in a.organizations}
        mask = np.isin(a.city.neighbourhood, list(nbs))
        out += [(int(p), "programs") for p in np.flatnonzero(mask)]
    hot, ring = pair.zones()
    if "ring" in marks:
        out += [(int(p), "ring") for p in ring]
    if "hot_spots" in marks or "ring" in marks:
        out += [(int(p), "hot") for p in hot]
    return out


def watched_places(model: TrainerModel, outlines: list[tuple[int, str]]) -> np.ndarray:
    """Places the room is asked to watch: the outlined ones, else every place."""
    if outlines:
        return np.array(sorted({p for p, _ in outlines}), dtype=np.int64)
    return np.arange(model.n_places)


def legend_svg(
    model: TrainerModel,
    layer: str,
    width: int,
    font: int = 13,
    outline_kinds: tuple[str, ...] = (),
    dark: bool = False,
) -> str:
    """The map legend as SVG: colour scale, markers and outlines, wrapped to ``width``."""
    lg = legend(model, layer)
    ink = "#ffffff" if dark else "#111111"
    size = float(font)
    items: list[tuple[str, str]] = []  # (svg of the swatch at x=0, label)
    bar_w = 120.0
    stops = "".join(
        f'<stop offset="{i / (len(lg["stops"]) - 1):.3f}" stop-color="{c}"/>'
        for i, c in enumerate(lg["stops"])
    )
    scale_label = f"{lg['title']} ({lg['unit']})"
    kinds = sorted({o.kind for o in model.organizations})
    for kind in kinds:
        colour = ORG_COLOURS.get(kind, "#ff7f0e")
        items.append(
            (
                f'<rect x="1" y="{-size * 0.8:.1f}" width="10" height="10" fill="{colour}" '
                f'stroke="{ink}"/>',
                org_name(kind),
            )
        )
    items.append(
        (f'<circle cx="6" cy="{-size * 0.35:.1f}" r="2.5" fill="{ink}"/>', "officer on patrol")
    )
    styles = {
        "hot": ("", 2.6),
        "ring": ("3,2", 1.2),
        "low": ("4,2", 1.6),
        "programs": ("", 2.0),
    }
    for kind in outline_kinds:
        dash, w = styles[kind]
        colour = {"low": "#ce93d8" if dark else "#6a1b9a", "programs": "#1b5e20"}.get(kind, ink)
        if kind == "programs" and dark:
            colour = "#b9f6ca"
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            (
                f'<circle cx="7" cy="{-size * 0.35:.1f}" r="5.5" fill="none" stroke="{colour}" '
                f'stroke-width="{w}"{dash_attr}/>',
                OUTLINE_LABELS[kind],
            )
        )
    items.append(("", "disc size: population" if model.city.geometry is None else ""))
    # first row: the colour scale; then the other items, wrapped
    row_h = size + 10
    parts = [
        f'<defs><linearGradient id="cspsim-grad-{layer}">{stops}</linearGradient></defs>',
        f'<text x="0" y="{size:.1f}" font-weight="bold">{escape(scale_label)}</text>',
    ]
    x0 = text_width(scale_label, size) + 12
    if x0 + bar_w + 3 * text_width("0.000+", size) > width:
        y_bar = row_h + size
        x0 = 0.0
    else:
        y_bar = size
    parts.append(f'<text class="lo" x="{x0:.1f}" y="{y_bar:.1f}">{escape(str(lg["low"]))}</text>')
    bx = x0 + text_width(str(lg["low"]), size) + 6
    parts.append(
        f'<rect x="{bx:.1f}" y="{y_bar - size * 0.85:.1f}" width="{bar_w}" height="{size:.1f}" '
        f'fill="url(#cspsim-grad-{layer})" stroke="{ink}" stroke-opacity="0.5"/>'
    )
    parts.append(
        f'<text x="{bx + bar_w / 2:.1f}" y="{y_bar + size + 2:.1f}" text-anchor="middle" '
        f'font-size="{size - 2:.0f}">{escape(str(lg["mid"]))}</text>'
    )
    parts.append(
        f'<text class="hi" x="{bx + bar_w + 6:.1f}" y="{y_bar:.1f}">'
        f"{escape(str(lg['high']))}</text>"
    )
    x = bx + bar_w + 6 + text_width(str(lg["high"]), size) + 18
    y = y_bar
    for swatch, label in items:
        if not label:
            continue
        w = 18 + text_width(label, size) + 16
        if x + w > width:
            x = 0.0
            y += row_h + (size if y == y_bar else 0)
        parts.append(f'<g transform="translate({x:.1f},{y:.1f})">{swatch}</g>')
        parts.append(f'<text x="{x + 18:.1f}" y="{y:.1f}">{escape(label)}</text>')
        x += w
    total = int(y + size + 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cspsim-legend-svg" width="{width}" '
        f'height="{total}" viewBox="0 0 {width} {total}" font-family="sans-serif" '
        f'font-size="{size:g}" fill="{ink}">{"".join(parts)}</svg>'
    )


def map_props(
    model: TrainerModel,
    layer: str,
    width: int = 640,
    height: int | None = None,
    outlines: list[tuple[int, str]] | None = None,
    font: int = 13,
    dark: bool = False,
) -> dict[str, object]:
    """Everything the map template needs for the model's current day.

    Args:
        model: The model.
        layer: Layer key (see :data:`cspsim.viz.layers.LAYERS`).
        width: Width of the box the map fits in (pixels).
        height: Height of that box (default: 0.95 x width).
        outlines: Places to outline, ``(place, kind)`` (kinds: :data:`OUTLINE_LABELS`):
            the places the lesson asks the room to watch, where the colour scale never
            saturates; with none, the room watches the whole city (every place).
        font: Legend font size.
        dark: Dark theme.
    """
    geo = map_geometry(model, width, height)
    values = layer_values(model)
    outlines = outlines or []
    watched = watched_places(model, outlines)
    low, high = layer_range(model, layer, values[layer], watched)
    spec = LAYERS[layer]
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
    orgs = []
    at_place: dict[int, int] = {}  # organizations at the same place stand side by side
    for o in model.organizations:
        k = at_place.get(o.place, 0)
        at_place[o.place] = k + 1
        orgs.append(
            [
                round(float(geo.x[o.place]) + ORG_STEP * k, 1),
                round(float(geo.y[o.place]), 1),
                ORG_COLOURS.get(o.kind, "#ff7f0e"),
            ]
        )
    kinds = tuple(k for k in OUTLINE_LABELS if any(kind == k for _, kind in outlines))
    return {
        "width": geo.width,
        "height": geo.height,
        "shapes": _shapes_json(geo),
        "colors": ",".join(colours(values[layer], low, high, spec.cmap, spec.scale)),
        "details": json.dumps(table.tolist()),
        "detail_labels": [LAYERS[k].label for k in DETAIL_KEYS],
        "officers": json.dumps(officer_points(geo, where[keep], on_duty[keep])),
        "orgs": orgs,
        "outlines": json.dumps([[int(p), k] for p, k in outlines]),
        "legend_svg": legend_svg(model, layer, geo.width, font, kinds, dark),
        "dark": bool(dark),
    }


@solara.component
def CityMap(
    model: TrainerModel,
    layer: str,
    selected: int = -1,
    on_pick: Callable[[int], None] | None = None,
    width: int = 640,
    height: int | None = None,
    outlines: list[tuple[int, str]] | None = None,
    font: int = 13,
    dark: bool = False,
    tick: int = 0,  # noqa: ARG001
) -> None:
    """The map of one model (``tick`` changes after each step, so it re-renders)."""
    with solara.use_context(MODEL_LOCK):
        props = map_props(model, layer, width, height, outlines, font, dark)
        names = place_titles(model)
    CityMapSvg(
        **props,
        names=names,
        selected=selected,
        event_pick=on_pick or (lambda i: None),
    )
