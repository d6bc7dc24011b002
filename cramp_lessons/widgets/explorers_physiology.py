"""Physiology explorers: twitch summation, calcium and nerve excitability, the cramp
reflex loop, and a stepper through excitation-contraction coupling.

Each explorer builds its figure once (``cramp_lessons.figures.physiology``) as a live figure
(:mod:`cramp_lessons.widgets.plot`) and then only replaces trace data inside ``figure.batch_update()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as W
import numpy as np

from cramp_lessons.course.model import load_course
from cramp_lessons.figures import physiology as figs
from cramp_lessons.physiology import excitability as hh
from cramp_lessons.physiology import reflex as rx
from cramp_lessons.physiology import twitch as tw
from cramp_lessons.widgets.base import Explorer, figure_widget
from cramp_lessons.widgets.controls import FloatSlider, IntSlider

__all__ = [
    "TwitchExplorer",
    "ExcitabilityExplorer",
    "ReflexExplorer",
    "CouplingStepper",
    "twitch_explorer",
    "excitability_explorer",
    "reflex_explorer",
    "coupling_stepper",
    "load_coupling_steps",
    "SHARED_SWEEPS",
]

_STYLE = {"description_width": "initial"}
_LAYOUT = W.Layout(width="min(100%, 560px)")


def _slider(cls, description: str, value, lo, hi, step):
    return cls(value=value, min=lo, max=hi, step=step, description=description, layout=_LAYOUT)


def _snap(value: float, grid: np.ndarray, what: str) -> float:
    i = int(np.argmin(np.abs(grid - value)))
    if abs(grid[i] - value) > 1e-6:
        raise ValueError(f"{what} {value!r} is not one of the slider's values {grid[0]:g}..{grid[-1]:g}")
    return float(grid[i])


# -- twitch ------------------------------------------------------------------------------


class TwitchExplorer(Explorer):
    """Force of one motor unit firing at a chosen rate and muscle temperature."""

    pack_name = "twitch"

    title = "From twitch to tetanus: firing rate and temperature"
    caption = (
        "Each action potential (tick) gives a twitch; at higher rates the twitches overlap and add up. "
        "Fusion = 1 - (ripple / peak) of the steady force. Contraction time 66.5 ms at 35 °C, the middle of the "
        "35-98 ms range of single human motor units (Sica & McComas 1971); cooling slows contraction (Q10 1.43) "
        "and relaxation (Q10 1.7) (Ranatunga et al. 1987; strong as physiology, unproven as a cause of "
        "cramps). Twitches add linearly here, so force at high rates is overstated."
    )

    def __init__(self, rate_hz: int = 10, temp_c: float = 35.0, t_end_ms: float = 1000.0) -> None:
        super().__init__()
        self.t_end_ms = float(t_end_ms)
        self.controls = {
            "rate_hz": _slider(IntSlider, "Motor-unit firing rate (Hz)", int(rate_hz), *tw.RATE_SLIDER_HZ),
            "temp_c": _slider(FloatSlider, "Muscle temperature (°C)", float(temp_c), *tw.TEMP_SLIDER_C),
        }
        r = tw.tetanus(rate_hz, temp_c, self.t_end_ms)
        self.result = r
        self.figure = figure_widget(figs.twitch_figure(r.t, r.force, r.single, r.spikes, y_max=r.peak_force))
        self._wire()

    def update(self, rate_hz: int, temp_c: float, **_: Any) -> None:
        r = tw.tetanus(float(rate_hz), float(temp_c), self.t_end_ms)
        self.result = r
        y_max = max(1.0, r.peak_force)
        self.restyle(
            {
                0: {"y": r.force},
                1: {"y": r.single},
                2: {"x": r.spikes, "y": np.full(r.spikes.shape, -0.04 * y_max)},
            },
            layout={"yaxis": {"range": [-0.08 * y_max, 1.05 * y_max]}},
        )

    def summary(self) -> str:
        r = self.result
        return (
            f"At {r.rate_hz:.0f} Hz and {r.temp_c:.1f} °C, twitches fuse {r.fusion:.0%}: {tw.fusion_word(r.fusion)}. "
            f"Mean force {r.mean_force:.1f} x one twitch; a twitch peaks at {r.times.contraction_ms:.0f} ms "
            f"and is half relaxed {r.times.half_relaxation_ms:.0f} ms later."
        )


# -- excitability ------------------------------------------------------------------------

SHARED_SWEEPS = hh.SweepCache()
"""Sweeps shared by every ExcitabilityExplorer in the kernel (about 9 MB for all temperatures)."""


class ExcitabilityExplorer(Explorer):
    """A Hodgkin-Huxley axon: membrane potential, and firing rate over the whole calcium range.

    ``precompute=True`` (default) computes every slider position when the first explorer
    is built (about 0.3-0.5 s, about 9 MB, shared through ``SHARED_SWEEPS``), so every
    slider move is a lookup; ``False`` computes each temperature on first visit instead.
    """

    pack_name = "excitability"

    title = "Calcium and nerve excitability"
    caption = (
        "Low ionised calcium outside the nerve shifts its sodium and potassium channels to open at more negative "
        "voltages (the direction is Frankenhaeuser & Hodgkin 1957, strong; the size, 10 mV per tenfold change, is "
        "this model's teaching approximation): the "
        "threshold falls and the axon can fire on its own, as in tetany. Model: the Hodgkin-Huxley (1952) squid "
        "axon, a teaching model, so rates and temperatures are the squid's, not a human nerve's; warmed much "
        "above 20 °C it stops firing repetitively. The shaded band is the normal ionised range, 1.16-1.32 mmol/L (MedlinePlus). "
        "The calcium level where the model starts firing is illustrative, not a clinical threshold."
    )

    def __init__(
        self,
        ca_mmol: float = hh.CA_REF,
        temp_c: float = hh.DEFAULT_TEMP_C,
        drive: float = hh.DEFAULT_DRIVE,
        *,
        cache: hh.SweepCache | None = None,
        precompute: bool = True,
    ) -> None:
        super().__init__()
        self.cache = SHARED_SWEEPS if cache is None else cache
        grid_ca, grid_t, grid_i = self.cache.ca_grid, self.cache.temp_grid, self.cache.drive_grid
        ca_mmol = _snap(ca_mmol, grid_ca, "calcium")
        temp_c = _snap(temp_c, grid_t, "temperature")
        drive = _snap(drive, grid_i, "drive")
        self.controls = {
            "ca_mmol": _slider(
                FloatSlider, "Blood ionised calcium (mmol/L)", ca_mmol, grid_ca[0], grid_ca[-1], 0.02
            ),
            "temp_c": _slider(FloatSlider, "Axon temperature (°C)", temp_c, grid_t[0], grid_t[-1], 2.5),
            "drive": _slider(FloatSlider, "Background drive (µA/cm²)", drive, grid_i[0], grid_i[-1], 0.5),
        }
        if precompute:  # every slider position now (once per kernel with the shared cache)
            self.cache.precompute()
        res, curve = self.cache.lookup(ca_mmol, temp_c, drive)
        self.result, self.curve = res, curve
        self.figure = figure_widget(
            figs.excitability_figure(
                res.t,
                res.v,
                res.spike_times,
                grid_ca,
                curve,
                res.ca_mmol,
                res.rate_hz,
                normal=hh.CA_NORMAL,
                t_end=self.cache.t_end,
            )
        )
        self._wire()

    def update(self, ca_mmol: float, temp_c: float, drive: float, **_: Any) -> None:
        res, curve = self.cache.lookup(
            _snap(ca_mmol, self.cache.ca_grid, "calcium"),
            _snap(temp_c, self.cache.temp_grid, "temperature"),
            _snap(drive, self.cache.drive_grid, "drive"),
        )
        self.result, self.curve = res, curve
        spikes = res.spike_times
        self.restyle(
            {
                0: {"y": res.v},
                1: {"x": spikes, "y": np.full(spikes.shape, 55.0)},
                2: {"y": curve},
                3: {"x": [res.ca_mmol], "y": [res.rate_hz]},
            }
        )

    def onset_mmol(self) -> float | None:
        """Highest calcium on the grid at which the axon still fires on its own (None: never)."""
        firing = self.cache.ca_grid[self.curve > 0]
        return float(firing.max()) if firing.size else None

    def summary(self) -> str:
        r = self.result
        lo, hi = hh.CA_NORMAL
        where = (
            "below the normal"
            if r.ca_mmol < lo - 1e-9
            else ("above the normal" if r.ca_mmol > hi + 1e-9 else "inside the normal")
        )
        head = (
            f"At {r.ca_mmol:.2f} mmol/L calcium ({where} {lo:.2f}-{hi:.2f}), {r.temp_c:.1f} °C and drive "
            f"{r.drive:.1f} µA/cm², "
        )
        if r.spontaneous:
            body = f"the axon fires on its own at {r.rate_hz:.0f} Hz: over-excitable, as in tetany."
        else:
            body = f"the axon rests at {float(r.v[-1]):.0f} mV and does not fire on its own."
        onset = self.onset_mmol()
        tail = (
            " It would fire on its own at no calcium level shown."
            if onset is None
            else f" In this model it starts firing on its own at {onset:.2f} mmol/L and below; that level comes "
            "from how the model was tuned and is illustrative, not a clinical threshold (real tetany usually "
            "needs a much lower calcium)."
        )
        return head + body + tail


# -- reflex ------------------------------------------------------------------------------


class ReflexExplorer(Explorer):
    """The fatigue / reflex-loop theory of cramps, with an optional stretch.

    ``show`` picks which controls appear (any of ``"fatigue"``, ``"stretch"``,
    ``"stretch_time"``); hidden ones keep their default. Later lessons reuse it, e.g.
    ``ReflexExplorer(show=("stretch", "stretch_time"), fatigue=0.9)`` for relief.
    """

    pack_name = "reflex"

    title = "Fatigue, the reflex loop and a cramp"
    caption = (
        "The alpha motor neuron adds excitation from muscle spindles (Ia) and subtracts inhibition from Golgi tendon "
        "organs (Ib). In this model fatigue raises the first and lowers the second; after a hard push the motor "
        "neuron can stay locked in high-rate firing: a cramp. Stretching loads the tendon, the tendon organs inhibit "
        "the motor neuron and the cramp ends. Parameters are illustrative and dimensionless. The theory is "
        "plausible, not proven (Schwellnus 2009; Miller et al. 2022; moderate)."
    )
    CONTROLS = ("fatigue", "stretch", "stretch_time")

    def __init__(
        self,
        fatigue: float = 0.8,
        stretch: bool = True,
        stretch_time: float = 4.0,
        *,
        show: Iterable[str] = CONTROLS,
        title: str | None = None,
        caption: str | None = None,
    ) -> None:
        super().__init__()
        show = tuple(show)
        unknown = set(show) - set(self.CONTROLS)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; choose from {self.CONTROLS}")
        if title is not None:
            self.title = title
        if caption is not None:
            self.caption = caption
        all_controls = {
            "fatigue": _slider(
                FloatSlider, "Muscle fatigue (0 = fresh, 1 = exhausted)", float(fatigue), 0.0, 1.0, 0.05
            ),
            "stretch": W.Checkbox(
                value=bool(stretch), description="Stretch the muscle", indent=False, style=_STYLE
            ),
            "stretch_time": _slider(FloatSlider, "Stretch starts at (s)", float(stretch_time), 2.0, 9.0, 0.5),
        }
        self.fixed = {k: w.value for k, w in all_controls.items() if k not in show}
        self.controls = {k: all_controls[k] for k in self.CONTROLS if k in show}
        self.result, self.no_stretch = self._simulate(**{k: w.value for k, w in all_controls.items()})
        r = self.result
        self.figure = figure_widget(
            figs.reflex_figure(
                r.t,
                r.drive,
                r.spindle,
                r.gto,
                r.rate,
                r.force,
                r.stretch,
                r.episodes,
                threshold=rx.THRESHOLD,
                force_no_stretch=None if self.no_stretch is None else self.no_stretch.force,
            )
        )
        self._wire()

    @staticmethod
    def _simulate(fatigue: float, stretch: bool, stretch_time: float):
        res = rx.simulate(round(float(fatigue), 2), float(stretch_time) if stretch else None)
        ref = rx.simulate(round(float(fatigue), 2), None) if stretch else None
        return res, ref

    def update(self, **values: Any) -> None:
        v = {**self.fixed, **values}
        r, ref = self._simulate(v["fatigue"], v["stretch"], v["stretch_time"])
        self.result, self.no_stretch = r, ref
        bx, by = figs.cramp_band(r.t, r.episodes)
        self.restyle(
            {
                0: {"y": r.drive},
                1: {"y": r.spindle},
                2: {"y": r.gto},
                3: {"x": bx, "y": by},
                4: {"y": 100 * r.rate},
                5: {"y": 100 * r.force},
                6: {"y": np.full(r.t.shape, np.nan) if ref is None else 100 * ref.force},
                7: {"y": 100 * r.stretch},
            }
        )

    def summary(self) -> str:
        text = rx.describe(self.result)
        ref = self.no_stretch
        if ref is not None and self.result.episodes and ref.episodes and ref.episodes != self.result.episodes:
            end_ref = ref.episodes[0][1]
            if end_ref >= rx.T_END_S - rx.DT_S / 2:
                text += f" Without stretching it would still be going at {rx.T_END_S:.0f} s."
            else:
                text += f" Without stretching it would last until {end_ref:.1f} s."
        return text


# -- excitation-contraction coupling -----------------------------------------------------


def load_coupling_steps() -> list[dict[str, str]]:
    """The coupling steps from ``content/physiology/coupling.yaml`` (id, title, text), via the course model."""
    return [
        {"id": st.id, "title": st.title, "text": " ".join(st.text.split())}
        for st in load_course().sequences["coupling"]
    ]


class CouplingStepper(Explorer):
    """Excitation-contraction coupling, one step at a time: Previous / Next buttons and a
    step slider; the current step is highlighted in the diagram and explained beside it."""

    pack_name = "coupling"

    title = "Excitation-contraction coupling, step by step"
    caption = (
        "From the action potential to relaxation: the textbook chain (strong). Contraction runs on "
        "calcium stored inside the fibre."
    )

    def __init__(self, step: int = 1, steps: list[dict[str, str]] | None = None) -> None:
        super().__init__()
        self.steps = load_coupling_steps() if steps is None else steps
        n = len(self.steps)
        self.controls = {
            "step": _slider(IntSlider, f"Step of the coupling chain (1-{n})", int(step), 1, n, 1)
        }
        self.prev_button = W.Button(
            description="Previous step",
            icon="arrow-left",
            tooltip="Go to the previous step",
            layout=W.Layout(width="auto"),
        )
        self.next_button = W.Button(
            description="Next step",
            icon="arrow-right",
            tooltip="Go to the next step",
            layout=W.Layout(width="auto"),
        )
        self.prev_button.on_click(lambda _b: self.go(-1))
        self.next_button.on_click(lambda _b: self.go(+1))
        self.text = W.HTML(layout=W.Layout(width="min(100%, 340px)"))
        labels = [s["title"] for s in self.steps]
        self.figure = figure_widget(figs.coupling_figure(labels, int(step) - 1))
        self._wire()

    def go(self, delta: int) -> None:
        """Move ``delta`` steps, staying within the first and last step."""
        s = self.controls["step"]
        s.value = min(s.max, max(s.min, s.value + delta))

    def update(self, step: int, **_: Any) -> None:
        n = len(self.steps)
        i = int(step) - 1
        colors, sizes, text_colors = figs.coupling_style(n, i)
        self.restyle(
            {
                0: {"marker": {"color": colors, "size": sizes}, "textfont": {"color": text_colors}},
                1: {"text": [figs.coupling_centre_text([s["title"] for s in self.steps], i)]},
            }
        )
        st = self.steps[i]
        self.text.value = (
            f"<div role='region' aria-live='polite' aria-label='current step'>"
            f"<h4>{i + 1}. {st['title']}</h4><p>{st['text']}</p></div>"
        )
        self.prev_button.disabled = i == 0
        self.next_button.disabled = i == n - 1
        self._step = i

    def summary(self) -> str:
        st = self.steps[self._step]
        return f"Step {self._step + 1} of {len(self.steps)}: {st['title']}. {st['text']}"

    @property
    def widget(self) -> W.Box:
        """The base layout, with the buttons beside the step slider and the text beside the diagram."""
        if self._box is None:
            box = super().widget
            children = list(box.children)
            plot = self.figure.widget
            # The diagram takes the room the text leaves, down to 420 px; below that the text goes under it.
            diagram = W.Box([plot], layout=W.Layout(flex="1 1 420px", min_width="0", display="block"))
            children[children.index(plot)] = W.HBox(
                [diagram, self.text],
                layout=W.Layout(flex_flow="row wrap", align_items="center", width="100%"),
            )
            controls = next(
                c for c in children if isinstance(c, W.VBox) and self.controls["step"] in c.children
            )
            for b in (self.prev_button, self.next_button):
                b.layout.flex = "0 0 auto"  # never squeezed to "Previo..."
            self.controls["step"].layout = W.Layout(width="min(100%, 560px)", flex="1 1 260px")
            children[children.index(controls)] = W.HBox(
                [self.prev_button, self.next_button, self.controls["step"]],
                layout=W.Layout(flex_flow="row wrap", align_items="center", width="100%"),
            )
            box.children = tuple(children)
        return self._box


# -- factories ---------------------------------------------------------------------------


def twitch_explorer(**defaults: Any) -> TwitchExplorer:
    return TwitchExplorer(**defaults)


def excitability_explorer(**defaults: Any) -> ExcitabilityExplorer:
    return ExcitabilityExplorer(**defaults)


def reflex_explorer(**defaults: Any) -> ReflexExplorer:
    return ReflexExplorer(**defaults)


def coupling_stepper(**defaults: Any) -> CouplingStepper:
    return CouplingStepper(**defaults)
