"""The trainer app: a SolaraViz page with the city map, live charts and ready-made lessons.

Run it with ``cspsim-viz`` (see :mod:`cspsim.viz.cli`); the page is :mod:`cspsim.viz.app`.
Lessons are data (:mod:`cspsim.viz.lessons`); the models the page drives are in
:mod:`cspsim.viz.models`.
"""
