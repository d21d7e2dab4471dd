"""Time one app update of the default lesson: model step + rendering the page's dashboard.

Usage: .venv/bin/python benchmarks/bench_viz.py [--days 40] [--lesson feedback_loop]

The dashboard (map, KPIs, details, five charts) is rendered through Solara/Reacton as the
server does after each step (widgets updated, messages built; no browser). Prints the
median and 95th percentile in milliseconds; the trainer app's budget is 200 ms per step.
The browser test measures the full round trip (press Step -> new day on screen).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import solara
from mesa.visualization.utils import update_counter

from cspsim.viz.app import Dashboard
from cspsim.viz.lessons import DEFAULT_LESSON, get_lesson
from cspsim.viz.models import TrainerModel


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=40)
    ap.add_argument("--lesson", default=DEFAULT_LESSON)
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = TrainerModel(lesson=args.lesson)
    build = time.perf_counter() - t0
    layer = get_lesson(args.lesson).layer
    solara.render(Dashboard(model, layer, lambda _: None, 0, lambda _: None), handle_error=False)
    step_ms, render_ms = [], []
    for _ in range(args.days):
        t = time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        update_counter.value += 1  # what SolaraViz does after a step: re-render
        t2 = time.perf_counter()
        step_ms.append(1e3 * (t1 - t))
        render_ms.append(1e3 * (t2 - t1))
    total = np.add(step_ms, render_ms)
    print(f"lesson {args.lesson}: build + burn-in {build:.2f} s; {args.days} days")
    for label, v in (("step", step_ms), ("render", render_ms), ("step + render", total)):
        print(f"{label:13s} median {np.median(v):6.1f} ms  p95 {np.percentile(v, 95):6.1f} ms")


if __name__ == "__main__":
    main()
