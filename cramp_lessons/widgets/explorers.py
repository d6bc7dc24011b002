"""One name for every explorer and picture in the course: ``show_explorer("twitch")`` in a notebook."""

from __future__ import annotations

import importlib
from typing import Any

from cramp_lessons.widgets.base import Explorer, StaticFigure

# name -> (module under cramp_lessons.widgets, factory)
EXPLORERS: dict[str, tuple[str, str]] = {
    "twitch": ("explorers_physiology", "twitch_explorer"),
    "excitability": ("explorers_physiology", "excitability_explorer"),
    "reflex": ("explorers_physiology", "reflex_explorer"),
    "coupling": ("explorers_physiology", "coupling_stepper"),
    "leg": ("explorers_body", "leg_explorer"),
    "flow": ("explorers_body", "flow_explorer"),
    "abi": ("explorers_body", "abi_calculator"),
    "sweat": ("explorers_body", "sweat_calculator"),
    "stretch": ("explorers_body", "stretch_animation"),
}
# Static figures: name -> (module, figure function, summary function)
PICTURES: dict[str, tuple[str, str, str]] = {
    "spine": ("explorers_body", "spine_nerve_roots_figure", "spine_nerve_roots_summary"),
    "acupressure": ("explorers_body", "acupressure_map_figure", "acupressure_map_summary"),
}


def _load(module: str, name: str) -> Any:  # a factory or a figure function, found by name
    return getattr(importlib.import_module(f"cramp_lessons.widgets.{module}"), name)


def show_explorer(name: str, *args: Any, **defaults: Any) -> Explorer | StaticFigure:
    """Build the named explorer or picture; displaying it shows the figure and its text summary.

    ``show_explorer("twitch", temp_c=25)``, ``show_explorer("stretch", "toe_pull_knee_straight")``.
    """
    if name in EXPLORERS:
        return _load(*EXPLORERS[name])(*args, **defaults)
    if name in PICTURES:
        module, fig, summary = PICTURES[name]
        return StaticFigure(_load(module, fig)(*args, **defaults), _load(module, summary)(*args))
    raise KeyError(f"no explorer {name!r}; choose from {', '.join(sorted(EXPLORERS) + sorted(PICTURES))}")
