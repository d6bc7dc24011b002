"""Benchmark cases for the body explorers (leg, flow, ABI, sweat).

Protocol: see the top of ``benchmarks/run.py``. ``CASES`` lists objects with ``name``,
``make()``, ``variations`` [(control, values)] (50+ distinct values each), ``baseline``.
Baselines do one update the straightforward way: rebuild the figure from scratch and create
a new ``FigureWidget`` (for the leg, also compute the length curve in a pure Python loop),
which is what the explorers' in-place ``batch_update`` avoids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go

from cramp_lessons.figures import circulation as circulation_fig
from cramp_lessons.figures import leg as leg_fig
from cramp_lessons.figures import sweat as sweat_fig
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.physiology import leg as legm
from cramp_lessons.physiology import sweat as sw
from cramp_lessons.widgets import explorers_body as X


class Baseline:
    """``baseline(**values)``: one update done the straightforward way (see run.py)."""

    def __init__(self, name: str, fn: Callable[..., Any], samples: int = 10, quick_samples: int = 3) -> None:
        self.name, self._fn, self.samples, self.quick_samples = name, fn, samples, quick_samples

    def __call__(self, **values: Any) -> Any:
        return self._fn(**values)


@dataclass
class Case:
    name: str
    make: Callable[[], Any]  # a fresh explorer
    variations: list[tuple[str, list[Any]]]
    baseline: Baseline | None = None
    notes: str = field(default="")


def _rebuild(fig: Any) -> Any:
    return go.FigureWidget(fig)  # a new widget for every change: what the in-place update avoids


def _leg_baseline(**values: Any) -> Any:
    knee, ankle = values["knee"], values["ankle"]
    if values.get("posture", "custom") != "custom":  # a named posture sets the sliders
        p = legm.POSTURES[values["posture"]]
        knee, ankle = p.knee, p.ankle
    # the gastrocnemius curve one state at a time (pure Python loop, no vectorisation)
    [legm.leg_state(knee, a).gastrocnemius_fraction for a in range(-60, 41)]
    return _rebuild(leg_fig.leg_figure(legm.leg_state(knee, ankle)))


def _flow_baseline(**values: Any) -> Any:
    return _rebuild(circulation_fig.flow_figure(values["radius"] / 100))


def _abi_baseline(**values: Any) -> Any:
    try:
        abi = circ.ankle_brachial_index(values["ankle_systolic"], values["arm_systolic"])
    except circ.MeasurementError:
        abi = None
    return _rebuild(circulation_fig.abi_figure(abi))


def _sweat_baseline(**values: Any) -> Any:
    try:
        b = sw.sweat_balance(**values)
    except sw.SweatInputError:
        b = None
    return _rebuild(sweat_fig.sweat_figure(b))


_REBUILD = "rebuild the figure and create a new FigureWidget per change"

_POSTURE_CYCLE = [pid for _ in range(7) for pid in legm.POSTURES]  # 8 postures x 7 = 56 values

CASES: list[Case] = [
    Case(
        name="body.leg",
        make=X.leg_explorer,
        variations=[
            ("ankle", list(range(-60, 41, 2))),  # 51 values
            ("knee", list(range(0, 151, 3))),  # 51 values
            ("posture", _POSTURE_CYCLE),
        ],
        baseline=Baseline("leg states in a Python loop + " + _REBUILD, _leg_baseline),
    ),
    Case(
        name="body.flow",
        make=X.flow_explorer,
        variations=[("radius", list(range(10, 121, 2)))],  # 56 values
        baseline=Baseline(_REBUILD, _flow_baseline),
    ),
    Case(
        name="body.abi",
        make=X.abi_calculator,
        # 30-320 mmHg: includes implausible values, so the error path is timed too
        variations=[
            ("ankle_systolic", [float(v) for v in np.linspace(30, 320, 60)]),
            ("arm_systolic", [float(v) for v in np.linspace(60, 260, 60)]),
        ],
        baseline=Baseline(_REBUILD, _abi_baseline),
    ),
    Case(
        name="body.sweat",
        make=X.sweat_calculator,
        variations=[
            ("fluid_drunk_l", [round(float(v), 2) for v in np.linspace(0, 3, 60)]),
            ("sweat_rate_l_per_h", [round(float(v), 2) for v in np.linspace(0.2, 3, 60)]),
            ("body_mass_kg", [float(v) for v in np.linspace(0, 120, 61)]),  # 0 = the error path
        ],
        baseline=Baseline(_REBUILD, _sweat_baseline),
    ),
]
