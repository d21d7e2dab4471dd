"""A one-page handout of a lesson: the question, what the room saw, the finding.

Plain HTML with the charts and the map inline as SVG (no files next to it, prints on one
A4 or letter page): the lesson's title and preset, the questions asked at its pause points,
what the run showed (the indicator's numbers and the "what changed" table, day 0 against
now and against the comparison strategy), and the research finding with its citation.
"""

from __future__ import annotations

import json
from html import escape

from cspsim.viz.card import what_changed
from cspsim.viz.charts import chart_svgs
from cspsim.viz.indicators import INDICATORS, indicator_svg
from cspsim.viz.layers import LAYERS
from cspsim.viz.lessons import Lesson
from cspsim.viz.levers import describe
from cspsim.viz.mapview import map_props, marked_places
from cspsim.viz.models import SideBySideModel
from cspsim.viz.names import city_name, strategy_name
from cspsim.viz.readings import events, rows

#: Page width the handout is laid out for (pixels; about A4 at 96 dpi minus margins).
PAGE = 720


def map_svg(pair: SideBySideModel, lesson: Lesson, layer: str, width: int = 340) -> str:
    """A static SVG of run A's map (places coloured by ``layer``, outlines, legend)."""
    outlines = marked_places(pair, lesson.marks)
    props = map_props(pair.a, layer, width, int(width * 1.1), outlines, font=11)
    shapes = json.loads(str(props["shapes"]))
    colours = str(props["colors"]).split(",")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{props["width"]}" '
        f'height="{props["height"]}" viewBox="0 0 {props["width"]} {props["height"]}" '
        'style="background:#eef0f2">'
    ]
    if "paths" in shapes:
        for d, c in zip(shapes["paths"], colours, strict=True):
            parts.append(f'<path d="{d}" fill="{c}" fill-rule="evenodd" stroke="#fff" '
                         'stroke-width="0.4"/>')  # fmt: skip
    else:
        for (x, y, r), c in zip(shapes["points"], colours, strict=True):
            parts.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{c}"/>')
    styles = {"hot": ("#000", 2.4, ""), "ring": ("#000", 1.1, "3,2"),
              "low": ("#6a1b9a", 1.5, "4,2"), "programs": ("#1b5e20", 2.0, "")}  # fmt: skip
    for place, kind in outlines:
        colour, w, dash = styles[kind]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if "paths" in shapes:
            parts.append(f'<path d="{shapes["paths"][place]}" fill="none" stroke="{colour}" '
                         f'stroke-width="{w}"{dash_attr}/>')  # fmt: skip
        else:
            x, y, r = shapes["points"][place]
            parts.append(f'<circle cx="{x}" cy="{y}" r="{r + 1}" fill="none" stroke="{colour}" '
                         f'stroke-width="{w}"{dash_attr}/>')  # fmt: skip
    for x, y, c in props["orgs"]:
        parts.append(f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{c}" '
                     'stroke="#000" stroke-width="1"/>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts) + str(props["legend_svg"])


def handout_html(pair: SideBySideModel, lesson: Lesson, layer: str | None = None) -> str:
    """The lesson's one-page handout for the pair's days so far (an HTML document)."""
    layer = layer or lesson.layer
    a, b = pair.a, pair.b
    day = a.days_run
    name_a, name_b = strategy_name(a.cfg.strategy.name), strategy_name(b.cfg.strategy.name)
    ind = INDICATORS[lesson.indicator]
    saw = ind.summary(pair)
    table = what_changed(pair, lesson)
    changed = pair.preset_changes()
    key_chart = indicator_svg(pair, lesson, width=PAGE // 2 - 8, height=220, font=11)
    crime = chart_svgs([("", rows(a))], PAGE // 2 - 8, 170, events(pair), 11, ["crime"])["crime"]
    questions = "".join(f"<li><b>Day {p.day}.</b> {escape(p.question)}</li>" for p in lesson.pauses)
    saw_items = "".join(f"<li>{escape(s)}</li>" for s in saw) or "<li>(not run yet)</li>"
    head = (
        "<tr><th></th><th>day 0 / before</th><th>now</th><th>change</th>"
        f"<th>{escape(name_b)}</th><th>vs it</th></tr>"
    )
    body = "".join(
        f"<tr><td>{escape(r.label)}</td>" + "".join(f"<td>{escape(c)}</td>" for c in r.cells)
        + "</tr>"
        for r in table
    )  # fmt: skip
    lever_note = (
        "<p class='note'>Changed from the lesson's preset: "
        + escape("; ".join(changed))
        + ". The lesson text describes the preset.</p>"
        if changed
        else ""
    )
    preset = "; ".join(f"{k}: {v}" for k, v in describe(a.levers).items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(lesson.title)} — cspsim handout</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: sans-serif; font-size: 11pt; color: #111; max-width: {PAGE}px;
       margin: 0 auto; }}
h1 {{ font-size: 16pt; margin: 0 0 4px; }}
h2 {{ font-size: 12pt; margin: 10px 0 4px; }}
p, li {{ margin: 2px 0; line-height: 1.3; }}
.meta, .note {{ color: #444; font-size: 9.5pt; }}
table {{ border-collapse: collapse; font-size: 9.5pt; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
.row {{ display: flex; gap: 12px; align-items: flex-start; }}
.finding {{ border-left: 4px solid #1976d2; padding: 4px 8px; background: #f3f7fb; }}
</style></head><body>
<h1>{escape(lesson.title)}</h1>
<p class="meta">cspsim trainer · {
        escape(city_name(a.cfg.city.kind if a.cfg.city.kind != "gis" else a.city.name))
    } · {escape(name_a)} compared with {escape(name_b)} (same seed) · day
{day} of {lesson.days} · map: {escape(LAYERS[layer].label)}</p>
<p class="meta">Levers: {escape(preset)}</p>
{lever_note}
<h2>The question</h2>
<ol>{questions}</ol>
<h2>What the room saw</h2>
<ul>{saw_items}</ul>
<table>{head}{body}</table>
<div class="row"><div>{map_svg(pair, lesson, layer)}</div>
<div>{key_chart}{crime}</div></div>
<h2>The finding</h2>
<div class="finding"><p>{escape(lesson.finding)}</p><p><i>{escape(lesson.citation)}</i></p></div>
<p class="note">{escape(lesson.text)}</p>
<p class="note">A simulation, not a forecast: the model shows how the mechanisms it contains
play out; the finding is what studies of real cities found.</p>
</body></html>
"""
