"""The page's layout for the browser's viewport: projector sizes and presentation mode.

The browser reports its viewport (``client.vue``); the page is laid out for it here, in
pixels, so charts are drawn at the size they are shown (fonts stay the size chosen) and the
map gets the room that is left:

* wide (1600 px and more, e.g. 1920x1080): lesson column | map (900 px or more) | charts in
  two columns, every chart on screen without scrolling;
* narrow (e.g. 1280x720): lesson column | map | one column with the KPIs and the lesson's
  indicator on screen (the other charts below it, in the column's own scroll);
* presentation: no lesson column, the map as large as the screen allows, the indicator and
  the KPIs next to it, every text 16 px or larger;
* below 1100 px the columns stack.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Height reserved for the top bar (one row of controls).
TOP_BAR = 64
#: Gap between columns and cards.
GAP = 12
#: Padding around the page.
PAD = 8
#: Height over width assumed for a city when sharing the width in presentation mode.
ASPECT = 0.9
#: Room left for the charts column's scroll bar.
SCROLLBAR = 16
#: Standard charts besides the indicator.
N_CHARTS = 6
#: The lesson's own chart is never squeezed below this height: on a short screen the charts
#: column scrolls instead (the lesson's chart is the one the room is told to watch).
INDICATOR_MIN_H = 200


@dataclass(frozen=True)
class Layout:
    """Sizes of the page's parts, in pixels.

    Attributes:
        width: Viewport width.
        height: Viewport height.
        presentation: Presentation mode.
        side_by_side: Two maps.
        stacked: Columns stacked (narrow screens).
        side: Width of the lesson column (0: hidden).
        charts: Width of the charts column.
        map_w: Box available to one map, width.
        map_h: Box available to one map, height.
        chart_w: Width of a standard chart.
        chart_h: Height of a standard chart (plus legend rows).
        chart_cols: Standard charts per row.
        indicator_w: Width of the indicator chart.
        indicator_h: Height of the indicator chart.
        font: Chart and legend font size.
        text: Body text size.
        kpi_cols: KPI tiles per row.
        layers_h: Height reserved for the layer picker.
        legend_h: Height reserved for the map legend.
    """

    width: int
    height: int
    presentation: bool
    side_by_side: bool
    stacked: bool
    side: int
    charts: int
    map_w: int
    map_h: int
    chart_w: int
    chart_h: int
    chart_cols: int
    indicator_w: int
    indicator_h: int
    font: int
    text: int
    kpi_cols: int
    layers_h: int
    legend_h: int

    @property
    def grid_columns(self) -> str:
        """CSS ``grid-template-columns`` of the main area."""
        if self.stacked:
            return "minmax(0, 1fr)"
        side = f"{self.side}px " if self.side else ""
        return f"{side}minmax(0, 1fr) {self.charts}px"


def layout(
    width: int, height: int, presentation: bool = False, side_by_side: bool = False
) -> Layout:
    """The layout for a ``width`` x ``height`` viewport.

    Args:
        width: Viewport width (CSS pixels).
        height: Viewport height.
        presentation: Presentation mode (large fonts, full-height map).
        side_by_side: Two maps next to each other.
    """
    width, height = max(int(width), 600), max(int(height), 400)
    wide = width >= 1600
    stacked = width < 1100
    font = 18 if presentation else 13
    text = 20 if presentation else 15
    layers_h = 0 if presentation else (44 if wide else 84)  # presentation: over the map
    legend_h = 92 if presentation else 50
    body_h = height - TOP_BAR - 2 * PAD
    if stacked:
        col = width - 2 * PAD
        return Layout(
            width, height, presentation, side_by_side, True, col, col,
            col, max(body_h - layers_h - legend_h, 300), col, 200, 1, col, 240,
            font, text, 2, layers_h, legend_h,
        )  # fmt: skip
    map_h = body_h - layers_h - legend_h
    if presentation:
        side = 0
        # the map is as tall as the screen allows: give the width it does not need to the
        # charts (a city about as tall as wide, like San Francisco, needs about its height)
        natural = int(map_h / ASPECT)
        charts = min(max(width - 2 * PAD - 2 * GAP - natural, 440), 760)
    else:
        side = 330 if wide else 270
        charts = 620 if wide else 340
    n_gaps = 3 if side else 2
    map_col = width - side - charts - n_gaps * GAP - 2 * PAD
    map_w = (map_col - GAP) // 2 if side_by_side else map_col
    chart_cols = 2 if (wide and not presentation) else 1
    inner = charts - SCROLLBAR
    chart_w = (inner - (chart_cols - 1) * GAP) // chart_cols - 4
    framed = inner - 16  # the indicator's frame: border and padding
    kpi_cols = 4 if charts >= (720 if presentation else 560) else (3 if presentation else 2)
    kpi_rows = -(-7 // kpi_cols)
    kpi_h = kpi_rows * (70 if presentation else 56)
    avail = body_h - kpi_h - GAP - (font + 10)  # the shared legend of events
    legend_rows = 2 * (font + 6)  # the indicator's legend wraps onto about three rows
    if presentation:
        indicator_w, indicator_h = framed, max(INDICATOR_MIN_H, min(480, avail - legend_rows - 16))
        chart_h = 220
    elif wide:
        chart_h = 180
        std = -(-N_CHARTS // chart_cols) * (chart_h + 8)
        indicator_w, indicator_h = framed, max(INDICATOR_MIN_H, avail - std - 8 - legend_rows - 12)
    else:
        indicator_w, indicator_h = framed, max(INDICATOR_MIN_H, min(260, avail - legend_rows - 16))
        chart_h = 190
    return Layout(
        width, height, presentation, side_by_side, False, side, charts,
        map_w, map_h, chart_w, chart_h, chart_cols, indicator_w, indicator_h,
        font, text, kpi_cols, layers_h, legend_h,
    )  # fmt: skip
