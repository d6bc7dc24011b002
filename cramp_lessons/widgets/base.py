"""What every explorer shares: labelled controls, an in-place figure, a one-line text summary."""

from __future__ import annotations

import contextlib
import functools
import math
import os
from collections.abc import Callable, Iterable, Mapping
from numbers import Real
from typing import Any

import ipywidgets as W
import numpy as np

from cramp_lessons.errors import CrampLessonsError, echo
from cramp_lessons.widgets.controls import IntSlider, Slider
from cramp_lessons.widgets.plot import Driver, LiveFigure, live_figure


class Panel(W.VBox):
    """A VBox whose plain-text form is a fixed label, not a dump of its children.

    Notebooks store that text beside the widget view; nbval compares it, so it must be
    deterministic (a FigureWidget's own repr carries random uids).
    """

    def __init__(self, children=(), label: str | Callable[[], str] = "", **kwargs: Any) -> None:
        super().__init__(children, **kwargs)
        self._label = label

    def __repr__(self) -> str:
        label = self._label() if callable(self._label) else self._label
        return label or "Panel"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # ipywidgets cuts it at 110 characters
        return bundle


def plain(value: Any) -> Any:
    """``value`` with every numpy array in it (at any depth) as a list, and NaN as None.

    What a ``FigureWidget`` is given must be lists: it sends a numpy array to the browser as a
    typed-array buffer, the browser's answer to a redraw (``_js2py_traceDeltas``) can carry it back
    as a dict of its elements, and plotly 7.1's ``_remove_overlapping_props`` then tests the array
    for truth: ``ValueError ... ambiguous`` in the kernel log, on nearly every slider step. A list
    comes back equal, so not at all. NaN is not JSON (jupyter_client would warn on every message).
    """
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and np.isnan(value).any():
            nan = np.isnan(value)
            value = value.astype(object)
            value[nan] = None
        return value.tolist()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


PLOT_BACKEND_ENV = "CRAMP_PLOT_BACKEND"
"""Set to ``figurewidget`` to draw explorers with plotly's ``FigureWidget`` again: only for the browser
benchmark, which measures the old path beside the new one in the same run."""


def figure_widget(fig: Any) -> Any:
    """The live figure of a figure builder's ``go.Figure``: edit it as a plotly figure (``data[i]``,
    ``layout``, ``batch_update()``) and its ``.widget`` redraws (see :mod:`cramp_lessons.widgets.plot`).

    With ``CRAMP_PLOT_BACKEND=figurewidget`` (the benchmark's baseline) it is a plotly ``FigureWidget``
    instead, its data as plain lists (see :func:`plain`), and its ``.widget`` is itself.
    """
    if os.environ.get(PLOT_BACKEND_ENV) == "figurewidget":
        return _old_figure_widget_class()(plain(fig.to_dict()))
    return live_figure(fig)


@functools.cache
def _old_figure_widget_class() -> Any:
    import plotly.graph_objects as go  # FigureWidget imports plotly's renderers (nbformat, jsonschema): 1-2 s

    class OldFigureWidget(go.FigureWidget):
        @property
        def widget(self) -> Any:
            return self

    return OldFigureWidget


SUMMARY_HTML = "<p role='status' aria-live='polite'>{}</p>"
"""An explorer's summary sentence as its HTML widget shows it (``plot.js`` writes the same)."""

EXPLORER_DRIVER_ENV = "CRAMP_EXPLORER_DRIVER"
"""Set to ``kernel`` to have the kernel draw every slider step, as before explorers were played in the
browser: only for the browser benchmark, which measures both in the same run."""


class StateError(CrampLessonsError, ValueError):
    """A state an explorer cannot take: an unknown control, or a value its control cannot show."""


def _checked(name: str, control: Any, value: Any) -> Any:
    """``value`` as ``control`` would hold it; :class:`StateError` if the control cannot show it."""
    what = f"{name} ({control.description})" if getattr(control, "description", "") else name
    if isinstance(control, (W.Checkbox, W.ToggleButton)):
        if not isinstance(value, (bool, np.bool_)):
            raise StateError(f"{what}: expected true or false, got {type(value).__name__} {echo(value)}")
        return bool(value)
    if isinstance(control, W.Dropdown):
        known = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if not isinstance(value, str) or value not in known:
            raise StateError(
                f"{what}: {echo(value)} is not a choice; choose from {', '.join(map(str, known))}"
            )
        return value
    if not hasattr(control, "min") or not hasattr(control, "max"):
        raise StateError(f"{what}: this control cannot be set")
    if isinstance(value, bool) or not isinstance(value, Real):
        raise StateError(f"{what}: expected a number, got {type(value).__name__} {echo(value)}")
    if not isinstance(value, int) and not math.isfinite(value):  # a huge int has no float: not asked
        raise StateError(f"{what}: {echo(value)} is not a finite number")
    lo, hi = control.min, control.max
    if not lo <= value <= hi:
        raise StateError(f"{what}: {echo(value)} is outside its range, {lo:g} to {hi:g}")
    if isinstance(control, Slider):  # a range input shows only its steps
        k = (value - lo) / control.step
        if abs(k - round(k)) > 1e-6:
            raise StateError(
                f"{what}: {echo(value)} is not a position of the slider (steps of {control.step:g} from {lo:g})"
            )
        return int(round(value)) if isinstance(control, IntSlider) else float(value)
    return type(control.value)(value)


class Explorer:
    """An interactive figure driven by labelled controls.

    Subclasses build ``self.figure`` with :func:`figure_widget` (shown by ``self.figure.widget``) and ``self.controls``
    (name -> ipywidget with a ``value``), then call ``self._wire()``. ``update()`` must
    replace trace data in place through :meth:`restyle`, never rebuild the figure, so a
    dragged slider stays live. Benchmarks set control values and time ``update``.

    :attr:`state` is every control's value by name, and :meth:`set_state` puts the explorer into
    one (a state a teacher shares, an explorer question's answer).
    """

    title: str = ""
    caption: str = ""
    pack_name: str = ""  # its packer in widgets/packs.py: the browser draws its slider steps
    _holding = False  # set_state is setting several controls: redraw once, at the end
    _drove = False

    def __init__(self) -> None:
        self.figure: Any = None
        self.controls: dict[str, W.ValueWidget] = {}
        self._summary = W.HTML()
        self._box: W.Box | None = None

    # -- to implement -------------------------------------------------------
    # Called with every control's value as keywords; each explorer names the ones it reads
    # (``update(self, step: int, **_)``). Untyped ``*args, **values`` tell mypy any such override fits.
    def update(self, *args: Any, **values: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - abstract
        """One line of text saying what the figure now shows (for screen readers and nbval)."""
        raise NotImplementedError

    # -- shared -------------------------------------------------------------
    def restyle(self, traces: dict[int, dict[str, Any]], layout: dict[str, Any] | None = None) -> None:
        """Replace properties of traces (by index) and the layout in one message: only what changed goes
        to the browser, numeric arrays as binary. (A ``FigureWidget`` is given plain lists.)"""
        fig = self.figure
        conv = (lambda v: v) if isinstance(fig, LiveFigure) else plain
        with fig.batch_update():
            for i, props in traces.items():
                fig.data[i].update(conv(props))
            if layout:
                fig.layout.update(conv(layout))

    def values(self) -> dict[str, Any]:
        return {name: w.value for name, w in self.controls.items()}

    @property
    def state(self) -> dict[str, Any]:
        """Every control's value by name: ``{"ca_mmol": 1.24, "temp_c": 10.0, "drive": 10.0}``."""
        return self.values()

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Put the controls into ``state`` (control name -> value; a control left out keeps its value)
        and redraw once.

        A state the explorer cannot take (an unknown name; a value that is not a number, is out of
        range or falls between a slider's steps; values that contradict each other) raises
        :class:`StateError` saying which control and why, and changes nothing.
        """
        if not isinstance(state, Mapping):
            raise StateError(
                f"a state is a mapping of control names to values, such as {self.state}; "
                f"got {type(state).__name__} {echo(state)}"
            )
        for name in state:
            if name not in self.controls:
                raise StateError(
                    f"the {self.title or type(self).__name__} explorer has no control {echo(name)}; "
                    f"its controls: {', '.join(self.controls)}"
                )
        wanted = {name: _checked(name, self.controls[name], v) for name, v in state.items()}
        before = self.state
        try:
            self._put(wanted)
            now = self.state
            for name, v in wanted.items():  # a control that moved another (the leg's posture menu)
                if now[name] != v and not (isinstance(v, float) and math.isclose(now[name], v, abs_tol=1e-9)):
                    others = ", ".join(f"{k} {echo(x)}" for k, x in wanted.items() if k != name)
                    raise StateError(
                        f"{name} {echo(v)} does not go with {others}: together they make {name} {echo(now[name])}"
                    )
        except Exception as e:
            self._put(before)
            if isinstance(e, StateError):
                raise
            raise StateError(f"the explorer cannot take the state {echo(dict(state))}: {e}") from e

    def _put(self, values: Mapping[str, Any]) -> None:
        self._holding = True
        try:
            for name, v in values.items():
                self.controls[name].value = v
        finally:
            self._holding = False
        self._on_change()

    def _on_change(self, _change: Any = None) -> None:
        if self._holding:
            return
        # The plot's update leaves after the text's: the browser shows the text, then draws.
        with self.figure.held() if isinstance(self.figure, LiveFigure) else contextlib.nullcontext():
            self.update(**self.values())
            self._summary.value = SUMMARY_HTML.format(self.summary())

    def _wire(self) -> None:
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        self._on_change()

    def _drive(self) -> None:
        """Before its plot widget is made: give it the explorer's pack, so that the browser draws each
        step of a control and writes its summary at once, with no kernel round trip."""
        fig = self.figure
        if self._drove or not isinstance(fig, LiveFigure) or fig._plot is not None:
            return
        self._drove = True
        if os.environ.get(EXPLORER_DRIVER_ENV) == "kernel":
            return
        from cramp_lessons.widgets.packs import lab_pack

        # Making a pack of precomputed states moves the controls through every state and back:
        # the browser hears only the end (each control where it was).
        with contextlib.ExitStack() as held:
            for w in [*self.controls.values(), self._summary]:
                held.enter_context(w.hold_sync())
            pack = lab_pack(self)
        if pack is not None:
            fig.drive(Driver(pack, self.controls, lambda: self.state, self._summary))

    def panel(self, controls: Iterable[str] | None = None) -> Panel:
        """The explorer laid out: title, the named controls (all by default), figure, summary, caption."""
        self._drive()
        shown = list(self.controls) if controls is None else list(controls)
        caption = W.HTML(f"<p><em>{self.caption}</em></p>") if self.caption else W.HTML()
        return Panel(
            [
                W.HTML(f"<h4>{self.title}</h4>"),
                W.VBox([self.controls[name] for name in shown]),
                self.figure.widget,
                self._summary,
                caption,
            ],
            label=lambda: f"[explorer] {self.title} | {self.summary()}",
            layout=W.Layout(width="100%"),
        )

    @property
    def widget(self) -> W.Box:
        if self._box is None:
            self._box = self.panel()
            self._box.add_class("cramp-explorer")
        return self._box

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)  # its plain-text form is the summary, for nbval and text-only front ends

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"


class StaticFigure:
    """A plotly figure shown without a widget, with a plain-text summary beside it.

    The summary is the output's text/plain (what nbval compares and screen readers read),
    so no plotly.js is embedded in the notebook.
    """

    def __init__(self, fig: Any, text: str) -> None:
        self.fig, self.text = fig, text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        import json

        # Through plotly's own encoder: numpy arrays become lists the kernel can send.
        return {"application/vnd.plotly.v1+json": json.loads(self.fig.to_json()), "text/plain": self.text}

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
        print(self.text)  # visible beside the figure: JupyterLab hides text/plain when it can draw the plot

    def __repr__(self) -> str:
        return self.text


def show_figure(fig: Any, text: str) -> None:
    """Display a static figure and print its one-line summary."""
    StaticFigure(fig, text)._ipython_display_()
