"""Explorers and figures for the body lessons: calf stretch geometry, blood flow, ABI, sweat,
nerve roots and acupressure points.

Interactive ones subclass :class:`~cramp_lessons.widgets.base.Explorer` (labelled controls,
a live plotly figure updated in place, a one-line ``summary()``); static ones return a plotly
``go.Figure`` and have a matching ``*_summary()`` function with the point in words.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import ipywidgets as W
import plotly.graph_objects as go

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures import acupressure as acupressure_fig
from cramp_lessons.figures import circulation as circulation_fig
from cramp_lessons.figures import leg as leg_fig
from cramp_lessons.figures import spine as spine_fig
from cramp_lessons.figures import sweat as sweat_fig
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.physiology import leg as legm
from cramp_lessons.physiology import sweat as sw
from cramp_lessons.widgets.base import Explorer, figure_widget
from cramp_lessons.widgets.controls import IntSlider

__all__ = [
    "LegExplorer",
    "StretchAnimation",
    "FlowExplorer",
    "AbiCalculator",
    "SweatCalculator",
    "leg_explorer",
    "flow_explorer",
    "abi_calculator",
    "sweat_calculator",
    "stretch_animation",
    "stretch_animation_summary",
    "spine_nerve_roots_figure",
    "spine_nerve_roots_summary",
    "acupressure_map_figure",
    "acupressure_map_summary",
]

_STYLE = {"description_width": "initial"}
_WIDE = W.Layout(width="min(100%, 520px)")


def _signed(angle: float) -> str:
    a = int(round(angle))
    return "0" if a == 0 else f"{a:+d}"


def _half_up(x: float, places: int) -> str:
    q = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def _fmt_pct(p: float) -> str:
    """Percentages as people read them: 207, 41, 6.3, 0.41, 0.010."""
    if p >= 10:
        return _half_up(p, 0)
    if p >= 1:
        return _half_up(p, 1)
    digits = 1
    while p > 0 and p * 10**digits < 10:
        digits += 1
    return _half_up(p, digits)


def _legs_words(state: legm.LegState) -> str:
    gp, sp = leg_fig.pct(state.gastrocnemius_fraction), leg_fig.pct(state.soleus_fraction)
    return (
        f"gastrocnemius {gp}% and soleus {sp}% of standing length: "
        f"{legm.verdict(state.gastrocnemius_fraction, state.soleus_fraction)}"
    )


# --------------------------------------------------------------------------- leg
class LegExplorer(Explorer):
    """Knee and ankle sliders and a posture menu -> leg drawing and calf muscle lengths."""

    pack_name = "leg"

    title = "Which calf muscle does a position stretch?"
    caption = (
        "Gastrocnemius (G, solid) crosses the knee and the ankle; soleus (S, dashed) crosses the ankle only. "
        "Lengths are muscle-tendon lengths as a % of standing, from a simple geometric model with "
        "illustrative attachment points: trust the direction of each change, not the exact %. "
        "The leg is always drawn with the thigh vertical; lying or sitting turns the whole leg but "
        "changes no length."
    )
    CUSTOM = "custom"

    def __init__(self, knee: float = 0, ankle: float = 0, posture: str | None = None) -> None:
        super().__init__()
        if posture is not None and posture != self.CUSTOM:
            if posture not in legm.POSTURES:
                raise legm.PostureError(f"unknown posture {posture!r}; known: {', '.join(legm.POSTURES)}")
            knee, ankle = legm.POSTURES[posture].knee, legm.POSTURES[posture].ankle
        state = legm.leg_state(knee, ankle)  # validates the angles
        self._suspend = False
        options = [("Custom: use the sliders", self.CUSTOM)] + [
            (p.label, p.id) for p in legm.POSTURES.values()
        ]
        self.controls = {
            "posture": W.Dropdown(
                options=options,
                value=self._matching(knee, ankle) if posture is None else posture,
                description="Posture",
                style=_STYLE,
                layout=_WIDE,
            ),
            "knee": IntSlider(
                value=round(knee),
                min=int(legm.KNEE_RANGE[0]),
                max=int(legm.KNEE_RANGE[1]),
                description="Knee bend (deg, 0 = straight)",
                layout=_WIDE,
            ),
            "ankle": IntSlider(
                value=round(ankle),
                min=int(legm.ANKLE_RANGE[0]),
                max=int(legm.ANKLE_RANGE[1]),
                description="Ankle (deg, + = toes up, - = pointed)",
                layout=_WIDE,
            ),
        }
        self.figure = figure_widget(leg_fig.leg_figure(state))
        self._state = state
        # Registered before _wire(), so they run before the shared update handler.
        self.controls["posture"].observe(self._on_posture, names="value")
        self.controls["knee"].observe(self._on_slider, names="value")
        self.controls["ankle"].observe(self._on_slider, names="value")
        self._wire()

    @staticmethod
    def _matching(knee: float, ankle: float) -> str:
        for p in legm.POSTURES.values():
            if round(p.knee) == round(knee) and round(p.ankle) == round(ankle):
                return p.id
        return LegExplorer.CUSTOM

    def _on_posture(self, change: Any) -> None:
        if self._suspend or change["new"] == self.CUSTOM:
            return
        p = legm.POSTURES[change["new"]]
        self._suspend = True
        try:
            self.controls["knee"].value = round(p.knee)
            self.controls["ankle"].value = round(p.ankle)
        finally:
            self._suspend = False

    def _on_slider(self, _change: Any) -> None:
        if self._suspend:
            return
        pid = self.controls["posture"].value
        if pid != self.CUSTOM:
            p = legm.POSTURES[pid]
            if round(p.knee) != self.controls["knee"].value or round(p.ankle) != self.controls["ankle"].value:
                self._suspend = True
                try:
                    self.controls["posture"].value = self.CUSTOM
                finally:
                    self._suspend = False

    def _on_change(self, _change: Any = None) -> None:
        if not self._suspend:
            super()._on_change(_change)

    def update(self, **values: Any) -> None:
        knee = values.get("knee", self.controls["knee"].value)
        ankle = values.get("ankle", self.controls["ankle"].value)
        state = legm.leg_state(knee, ankle)
        self._state = state
        g_curve, _soleus, g_now, s_now = leg_fig.calf_curve_data(state.knee_deg, state.ankle_deg)
        # Traces 0-3 draw the leg; the soleus curve (trace 5) never changes.
        self.restyle({**dict(enumerate(leg_fig.leg_panel_data(state))), 4: g_curve, 6: g_now, 7: s_now})

    def summary(self) -> str:
        s = self._state
        text = f"Knee {s.knee_deg:.0f} deg, ankle {_signed(s.ankle_deg)} deg: {_legs_words(s)}."
        pid = self.controls["posture"].value
        if pid != self.CUSTOM:
            text += f" Posture: {legm.POSTURES[pid].label}."
        return text


def leg_explorer(**defaults: Any) -> LegExplorer:
    """The calf stretch explorer. Keywords: ``knee``, ``ankle`` (deg) or ``posture`` (an id)."""
    return LegExplorer(**defaults)


class StretchAnimation(Explorer):
    """A technique's stretch, from the cramp position (foot pointed) to its end posture.

    The poses are computed once; a Play/Pause button and a step slider (both keyboard controls
    in the browser) pick the pose shown, and the kernel swaps in its precomputed trace data.
    """

    pack_name = "stretch"

    def __init__(self, technique_id: str, n_frames: int = 16) -> None:
        super().__init__()
        t = legm.TECHNIQUES.get(technique_id)
        if t is None:
            raise legm.PostureError(
                f"unknown technique {technique_id!r}; known: {', '.join(legm.TECHNIQUES)}"
            )
        self.technique_id = technique_id
        self.states = legm.technique_frames(technique_id, n_frames)
        self.frames = [(leg_fig.stretch_frame_data(s), leg_fig.stretch_frame_layout(s)) for s in self.states]
        self.title = f"Stretch technique: {t.label}"
        self.caption = (
            f"From a calf cramp (foot pulled into a pointed position) to: {t.end.label.lower()}. {t.note} "
            "Lengths from a simple geometric model with illustrative attachment points."
        )
        self.controls = {
            "step": IntSlider(
                value=1,
                min=1,
                max=len(self.states),
                description=f"Stretch step (1 = cramp position, {len(self.states)} = stretched)",
                play_interval_ms=120,
                layout=_WIDE,
            )
        }
        self.figure = figure_widget(leg_fig.stretch_figure(self.states[0], self.title))
        self._wire()

    def update(self, step: int, **_: Any) -> None:
        self._step = int(step) - 1
        traces, layout = self.frames[self._step]
        self.restyle(dict(enumerate(traces)), layout)

    def summary(self) -> str:
        s = self.states[self._step]
        return (
            f"Step {self._step + 1} of {len(self.states)}: knee {s.knee_deg:.0f} deg, ankle {_signed(s.ankle_deg)} "
            f"deg. {stretch_animation_summary(self.technique_id)}"
        )


def stretch_animation(technique_id: str, n_frames: int = 16) -> StretchAnimation:
    """A technique's stretch, step by step. ``technique_id``: one of :data:`cramp_lessons.physiology.leg.TECHNIQUES`."""
    return StretchAnimation(technique_id, n_frames)


def stretch_animation_summary(technique_id: str) -> str:
    """The animation's start and end in words."""
    t = legm.TECHNIQUES.get(technique_id)
    if t is None:
        raise legm.PostureError(f"unknown technique {technique_id!r}; known: {', '.join(legm.TECHNIQUES)}")
    a = legm.leg_state(t.start.knee, t.start.ankle)
    b = legm.leg_state(t.end.knee, t.end.ankle)
    return (
        f"{t.label}: from the cramp position (knee {a.knee_deg:.0f} deg, ankle {_signed(a.ankle_deg)} deg; "
        f"gastrocnemius {leg_fig.pct(a.gastrocnemius_fraction)}%, soleus {leg_fig.pct(a.soleus_fraction)}%) to knee "
        f"{b.knee_deg:.0f} deg, ankle {_signed(b.ankle_deg)} deg: {_legs_words(b)}."
    )


# -------------------------------------------------------------------------- flow
class FlowExplorer(Explorer):
    """Artery radius slider -> blood flow relative to normal (Poiseuille, r^4)."""

    pack_name = "flow"

    title = "Blood flow and artery radius (Poiseuille's law)"
    caption = (
        "At the same pressure, flow through a tube goes with the radius to the fourth power "
        "(Q = pi r^4 dP / 8 eta L). Log scale: each grid step is ten times more flow. "
        "Idealised: steady flow in a rigid tube; real arteries pulse, stretch and adjust."
    )

    def __init__(self, radius: float = 50) -> None:
        super().__init__()
        self.controls = {
            "radius": IntSlider(
                value=round(radius), min=10, max=120, description="Artery radius (% of normal)", layout=_WIDE
            ),
        }
        self.figure = figure_widget(circulation_fig.flow_figure(self.controls["radius"].value / 100))
        self._r = self.controls["radius"].value
        self._wire()

    def update(self, **values: Any) -> None:
        r = values.get("radius", self.controls["radius"].value)
        self._r = r
        self.restyle({1: circulation_fig.flow_data(r / 100)[0]})

    def summary(self) -> str:
        r = self._r
        q = circ.relative_flow(r / 100)
        p = _fmt_pct(q * 100)
        if q < 1:
            inv = 1 / q
            frac = f"1/{round(inv)}" if inv >= 10 or abs(inv - round(inv)) < 1e-9 else f"1/{_half_up(inv, 1)}"
            rel = f"({frac})"
        elif q == 1:
            return f"Radius {r}% of normal: flow 100% of normal, unchanged."
        else:
            rel = f"({_half_up(q, 1)} times)"
        return f"Radius {r}% of normal: flow {p}% {rel} of normal at the same pressure."


def flow_explorer(**defaults: Any) -> FlowExplorer:
    """The Poiseuille explorer. Keyword: ``radius`` (% of normal, 10-120)."""
    return FlowExplorer(**defaults)


# --------------------------------------------------------------------------- ABI
class AbiCalculator(Explorer):
    """Ankle and arm systolic pressures -> ankle-brachial index and its 2016 AHA/ACC band."""

    pack_name = "abi"

    title = "Ankle-brachial index (ABI) calculator"

    def __init__(
        self, ankle_systolic: float = 126, arm_systolic: float = 120, course: Course | None = None
    ) -> None:
        super().__init__()
        self.words = (course or load_course()).figure("abi")  # caption and sources: content/figures.yaml
        self.caption = self.words.calculator_caption
        self.controls = {
            "ankle_systolic": W.BoundedFloatText(
                value=ankle_systolic,
                min=0,
                max=1000,
                step=1,
                description="Ankle systolic pressure (mmHg)",
                style=_STYLE,
            ),
            "arm_systolic": W.BoundedFloatText(
                value=arm_systolic,
                min=0,
                max=1000,
                step=1,
                description="Arm systolic pressure (mmHg)",
                style=_STYLE,
            ),
        }
        self.figure = figure_widget(circulation_fig.abi_figure(None, course))
        self.abi: float | None = None
        self.band: circ.AbiBand | None = None
        self.error: str | None = None
        self._wire()

    def update(self, **values: Any) -> None:
        ankle = values.get("ankle_systolic", self.controls["ankle_systolic"].value)
        arm = values.get("arm_systolic", self.controls["arm_systolic"].value)
        self._inputs = (ankle, arm)
        try:
            self.abi = circ.ankle_brachial_index(ankle, arm)
            self.band = circ.abi_band(self.abi)
            self.error = None
        except circ.MeasurementError as exc:
            self.abi, self.band, self.error = None, None, str(exc)
        self.restyle({0: circulation_fig.abi_data(self.abi)[0]})

    def summary(self) -> str:
        if self.band is None:  # update() set the error instead
            return f"Cannot compute the ABI: {self.error}."
        ankle, arm = self._inputs
        return (
            f"ABI = {ankle:g} / {arm:g} mmHg = {self.abi:.2f}: {self.band.label} "
            f"({self.words.bands_source}). Not a diagnosis."
        )


def abi_calculator(**defaults: Any) -> AbiCalculator:
    """The ABI calculator. Keywords: ``ankle_systolic``, ``arm_systolic`` (mmHg)."""
    return AbiCalculator(**defaults)


# ------------------------------------------------------------------------- sweat
class SweatCalculator(Explorer):
    """Sweat inputs -> fluid and sodium lost vs replaced. A balance, not a cramp risk."""

    pack_name = "sweat"

    title = "Sweat calculator: what a session costs in fluid and sodium"
    caption = (
        f"{sw.MEASURE_HOWTO} Sweat sodium differs between people. The starting numbers are "
        f"illustrative, not from a source: enter your own. {sw.BALANCE_NOTE}"
    )

    def __init__(self, **defaults: float) -> None:
        super().__init__()
        unknown = set(defaults) - set(sw.DEFAULTS)
        if unknown:
            raise sw.SweatInputError(f"unknown input(s) {sorted(unknown)}; known: {', '.join(sw.DEFAULTS)}")
        values = {**sw.DEFAULTS, **defaults}
        steps = {
            "duration_h": 0.25,
            "sweat_rate_l_per_h": 0.1,
            "sweat_sodium_mg_per_l": 50,
            "fluid_drunk_l": 0.1,
            "sodium_intake_mg": 50,
            "body_mass_kg": 1,
        }
        self.controls = {
            name: W.BoundedFloatText(
                value=values[name],
                min=0,
                max=sw.LIMITS[name][1] * 10,
                step=steps[name],
                description=f"{sw.LABELS[name]} ({sw.UNITS[name]})",
                style=_STYLE,
            )
            for name in sw.DEFAULTS
        }
        self.figure = figure_widget(sweat_fig.sweat_figure(None))
        self.balance: sw.SweatBalance | None = None
        self.error: str | None = None
        self._wire()

    def update(self, **values: Any) -> None:
        args = {name: values.get(name, self.controls[name].value) for name in sw.DEFAULTS}
        try:
            self.balance, self.error = sw.sweat_balance(**args), None
        except sw.SweatInputError as exc:
            self.balance, self.error = None, str(exc)
        self.restyle(dict(enumerate(sweat_fig.sweat_data(self.balance))))

    def summary(self) -> str:
        if self.balance is None:  # update() set the error instead
            return f"Cannot compute the balance: {self.error}."
        return self.balance.summary()


def sweat_calculator(**defaults: Any) -> SweatCalculator:
    """The sweat calculator. Keywords: any of :data:`cramp_lessons.physiology.sweat.DEFAULTS`."""
    return SweatCalculator(**defaults)


# ------------------------------------------------------------------ static figures
# Their words (titles, captions, summaries, the acupressure points) are content/figures.yaml.
def spine_nerve_roots_figure(course: Course | None = None) -> go.Figure:
    """The lower spine (L1-S2), the roots that reach the calf, and where they can be pressed."""
    return spine_fig.spine_nerve_roots_figure(course)


def spine_nerve_roots_summary(course: Course | None = None) -> str:
    return (course or load_course()).figure("spine").summary


def acupressure_map_figure(course: Course | None = None) -> go.Figure:
    """The acupressure points the content names: on the back of the leg and the back of the hand."""
    return acupressure_fig.acupressure_map_figure(course)


def acupressure_map_summary(course: Course | None = None) -> str:
    words = (course or load_course()).figure("acupressure")
    points = "; ".join(f"{p.full_name}: {p.where}" for p in words.points)
    return f"{words.summary}: {points}."
