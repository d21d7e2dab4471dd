"""Time one app update of a lesson: both runs' step + rendering the page's dashboard.

Usage: .venv/bin/python benchmarks/bench_viz.py [--days 40] [--lesson feedback_loop]
       [--city sf2012] [--width 1920 --height 1080] [--presentation]

The dashboard (map, KPIs, the lesson's indicator, six charts) is rendered through
Solara/Reacton as the server does after each step (widgets updated, messages built; no
browser). Prints the median and 95th percentile in milliseconds; "Normal" speed plays a day
every 150 ms at most, so step + render should stay well under that. The browser test
measures the full round trip.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import solara
from mesa.visualization.utils import update_counter

from cspsim.viz.app import ChartsColumn, MapColumn
from cspsim.viz.layout import layout
from cspsim.viz.lessons import DEFAULT_LESSON, get_lesson
from cspsim.viz.models import SideBySideModel


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=40)
    ap.add_argument("--lesson", default=DEFAULT_LESSON)
    ap.add_argument("--city", default=None)
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    ap.add_argument("--presentation", action="store_true")
    args = ap.parse_args()
    lesson = get_lesson(args.lesson)
    t0 = time.perf_counter()
    pair = SideBySideModel(lesson=args.lesson, city=args.city)
    build = time.perf_counter() - t0
    lay = layout(args.width, args.height, args.presentation)

    @solara.component
    def Dashboard() -> None:
        layer = solara.use_reactive(lesson.layer)
        picked = solara.use_reactive(-1)
        MapColumn(pair, lesson, lay, layer, picked, False, False, "", {})
        ChartsColumn(pair, lesson, lay, False)

    _, rc = solara.render(Dashboard(), handle_error=False)
    step_ms, render_ms = [], []
    for _ in range(args.days):
        t = time.perf_counter()
        pair.step()
        t1 = time.perf_counter()
        update_counter.value += 1  # what the play loop does after a step: re-render
        t2 = time.perf_counter()
        step_ms.append(1e3 * (t1 - t))
        render_ms.append(1e3 * (t2 - t1))
    rc.close()
    total = np.add(step_ms, render_ms)
    print(
        f"lesson {args.lesson} on {pair.a.city.name} ({pair.a.n_places} places), "
        f"{args.width}x{args.height}{' presentation' if args.presentation else ''}: "
        f"build + burn-in of both runs {build:.2f} s; {args.days} days"
    )
    for label, v in (("step (A+B)", step_ms), ("render", render_ms), ("step + render", total)):
        print(f"{label:13s} median {np.median(v):6.1f} ms  p95 {np.percentile(v, 95):6.1f} ms")


if __name__ == "__main__":
    main()
