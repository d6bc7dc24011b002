"""What every explorer shares: labelled controls, an in-place figure, a one-line text summary."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import numpy as np


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


def figure_widget(fig: Any) -> Any:
    """A ``FigureWidget`` of a figure builder's ``go.Figure``, its data as plain lists (see :func:`plain`)."""
    import plotly.graph_objects as go

    return go.FigureWidget(plain(fig.to_dict()))


class Explorer:
    """An interactive figure driven by labelled controls.

    Subclasses build ``self.figure`` with :func:`figure_widget` and ``self.controls``
    (name -> ipywidget with a ``value``), then call ``self._wire()``. ``update()`` must
    replace trace data in place through :meth:`restyle`, never rebuild the figure, so a
    dragged slider stays live. Benchmarks set control values and time ``update``.
    """

    title: str = ""
    caption: str = ""

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
        """Replace properties of traces (by index) and the layout in one message, as plain lists."""
        fig = self.figure
        with fig.batch_update():
            for i, props in traces.items():
                fig.data[i].update(plain(props))
            if layout:
                fig.layout.update(plain(layout))

    def values(self) -> dict[str, Any]:
        return {name: w.value for name, w in self.controls.items()}

    def _on_change(self, _change: Any = None) -> None:
        self.update(**self.values())
        self._summary.value = f"<p role='status' aria-live='polite'>{self.summary()}</p>"

    def _wire(self) -> None:
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        self._on_change()

    @property
    def widget(self) -> W.Box:
        if self._box is None:
            caption = W.HTML(f"<p><em>{self.caption}</em></p>") if self.caption else W.HTML()
            self._box = Panel(
                [
                    W.HTML(f"<h4>{self.title}</h4>"),
                    W.VBox(list(self.controls.values())),
                    self.figure,
                    self._summary,
                    caption,
                ],
                label=lambda: f"[explorer] {self.title} | {self.summary()}",
                layout=W.Layout(width="100%"),
            )
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
