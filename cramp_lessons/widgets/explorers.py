"""One name for every explorer in the course: ``show_explorer("twitch")`` in a notebook."""
from __future__ import annotations

import importlib
from typing import Any

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
}


def show_explorer(name: str, **defaults: Any) -> Any:
    """Build the named explorer; displaying it shows its controls, figure and text summary."""
    try:
        module, factory = EXPLORERS[name]
    except KeyError:
        raise KeyError(f"no explorer {name!r}; choose from {', '.join(sorted(EXPLORERS))}") from None
    return getattr(importlib.import_module(f"cramp_lessons.widgets.{module}"), factory)(**defaults)
