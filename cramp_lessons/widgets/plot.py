"""A plotly figure in the notebook that the page draws with its one plotly.js, updated by small messages
or, for an explorer, drawn by the browser from its controls (:class:`Driver`).

:class:`LiveFigure` is a ``go.Figure`` (``data[i]``, ``layout``, ``update``, ``batch_update`` as usual)
whose edits are also sent to its :attr:`~LiveFigure.widget`, a :class:`Plot`. The widget sends the
whole figure once, when it appears; after that each edit travels as one message holding only the
properties that changed, numeric arrays as binary buffers (typed arrays in the browser).

Its front end (``plot.js``) brings in plotly.js once per page, not once per plot: the plotly.js
JupyterLab already loads for plotly's static figures (the ``jupyterlab-plotly`` extension that comes
with plotly), else a ``window.Plotly`` the page has (a website), else the kernel sends plotly's own
bundle, gzip-compressed, once. It draws with ``Plotly.react``, at most once a frame, fills the width it
is given and follows it when it changes (a ``ResizeObserver``).

Unlike plotly's ``FigureWidget``, which sends its 4.9 MB bundle with every figure and imports plotly's
renderer machinery (nbformat, jsonschema) into the kernel, this module imports neither.
"""

from __future__ import annotations

import datetime as dt
import gzip
import math
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal
from importlib import resources
from typing import Any

import anywidget
import numpy as np
import plotly.graph_objects as go
import traitlets
from plotly.basedatatypes import Undefined

__all__ = ["LiveFigure", "Plot", "Driver", "live_figure", "encode", "BINARY_MIN"]

_HERE = resources.files("cramp_lessons.widgets")

BINARY_MIN = 16
"""Numeric arrays of at least this many values travel as binary buffers; shorter ones as JSON lists."""

PLOTLY_SOURCE_ENV = "CRAMP_PLOTLY_SOURCE"
"""``auto`` (default): the page's plotly.js, else the kernel's; ``kernel``: always the kernel's (to measure it)."""

_CSS = """
.cramp-plot { width: 100%; min-width: 0; max-width: 100%; position: relative; overflow: hidden; }
.cramp-plot .cramp-plot-title { font-family: "Open Sans", verdana, arial, sans-serif; color: #444;
  padding: 6px 8px 0 8px; line-height: 1.25; overflow-wrap: anywhere; }
.cramp-plot .cramp-plot-loading { color: var(--jp-ui-font-color2, #555); font-size: var(--jp-ui-font-size1, 13px);
  padding: 8px 0; }
"""


def _typed(a: np.ndarray) -> np.ndarray | None:
    """``a`` as a little-endian array a browser has a typed array for, or None (send it as a list)."""
    kind, size = a.dtype.kind, a.dtype.itemsize
    if kind == "f":
        if size == 2:
            a = a.astype(np.float32)
    elif kind in "iu":
        if size == 8:  # no BigInt for plotly: int32 if the values fit, else float64
            lo, hi = (int(a.min()), int(a.max())) if a.size else (0, 0)
            a = a.astype(np.int32 if -(2**31) <= lo and hi < 2**31 else np.float64)
    else:
        return None
    return np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"), copy=False))


def encode(value: Any, buffers: list[Any] | None = None) -> Any:
    """``value`` as JSON, with its numeric numpy arrays of :data:`BINARY_MIN` values or more as binary.

    Such an array becomes ``{"nd": dtype, "shape": [...], "data": ...}``: ``data`` is the bytes
    themselves (a memoryview, which ipywidgets moves into a buffer of the widget's state) or, when
    ``buffers`` is given, the index of the bytes appended to it (a custom message's buffers). Other
    arrays become lists; NaN and infinities become None (not JSON; plotly draws a gap); dates ISO text.
    """
    if isinstance(value, np.ndarray):
        typed = _typed(value) if value.size >= BINARY_MIN else None
        if typed is None:
            return encode(value.tolist(), buffers)
        data = typed.data.cast("B")
        ref: Any = data
        if buffers is not None:
            buffers.append(data)
            ref = len(buffers) - 1
        return {"nd": str(typed.dtype.newbyteorder("=")), "shape": list(typed.shape), "data": ref}
    if isinstance(value, dict):
        return {str(k): encode(v, buffers) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v, buffers) for v in value]
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return encode(value.item(), buffers)
    if isinstance(value, Decimal):
        return encode(float(value), buffers)
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    if hasattr(value, "to_plotly_json"):
        return encode(value.to_plotly_json(), buffers)
    raise TypeError(f"a figure cannot send {type(value).__name__} {value!r}")


def _figure_state(_revision: int, widget: Plot) -> dict[str, Any]:
    """The ``figure`` trait's JSON: the live figure as it is now (read, not copied), with its update
    number and, for a driven plot, the state of the controls it shows."""
    fig = widget.figure_object
    out = {
        "data": encode(fig._data),
        "layout": encode(fig._layout),
        "config": encode(widget.config),
        "seq": widget.seq,
    }
    if widget.state_of is not None:
        out["state"] = encode(widget.state_of())
    return out


_BUNDLE: bytes | None = None


def plotly_bundle() -> bytes:
    """plotly's own plotly.min.js (the version plotly.py was made for), gzip-compressed once per kernel."""
    global _BUNDLE
    if _BUNDLE is None:
        raw = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
        _BUNDLE = gzip.compress(raw, compresslevel=6, mtime=0)
    return _BUNDLE


class Plot(anywidget.AnyWidget):
    """The browser side of a :class:`LiveFigure`: build it with ``live_figure(fig).widget``.

    ``figure`` is synced as the whole figure (when the widget appears, or a page asks for its state);
    every later edit is a custom message ``{"type": "update", "seq": n, "traces": [[i, {path: value}]],
    "layout": {path: value}}`` with binary buffers. ``seq`` numbers the updates, so a view that got the
    whole figure after an update skips it.
    """

    # The explorers' models first (they set globalThis.CrampExplorerModel), then the widget.
    _esm = _HERE.joinpath("explorer_model.js").read_text(encoding="utf-8") + _HERE.joinpath(
        "plot.js"
    ).read_text(encoding="utf-8")
    _css = _CSS
    figure = traitlets.Int(0).tag(sync=True, to_json=_figure_state)  # a revision; its JSON is the figure
    plotly_source = traitlets.Unicode("auto").tag(sync=True)
    driver = traitlets.Dict().tag(sync=True)  # Driver.trait(): pack, controls' and summary's model ids

    def __init__(
        self,
        figure: LiveFigure,
        config: dict[str, Any] | None = None,
        driver: Driver | None = None,
        **kwargs: Any,
    ) -> None:
        self.figure_object = figure
        self.config = {"displaylogo": False, **(config or {})}
        self.seq = 0
        self.messages = 0  # update messages sent (tests, benchmarks)
        self.state_of: Callable[[], dict[str, Any]] | None = None
        self._held: list[tuple[dict[str, Any], list[Any]]] | None = None
        source = os.environ.get(PLOTLY_SOURCE_ENV, "auto")
        if driver is not None:
            self.state_of = driver.state
            kwargs["driver"] = driver.trait()
        super().__init__(plotly_source=source if source in ("auto", "kernel") else "auto", **kwargs)
        self.on_msg(self._on_browser_msg)

    @property
    def driven(self) -> bool:
        """The browser computes this plot's updates from its controls (see :class:`Driver`)."""
        return self.state_of is not None

    def __repr__(self) -> str:  # deterministic (nbval compares it), unlike the default object repr
        return f"[plot] {self.figure_object.layout.title.text or ''}".rstrip()

    def resend(self) -> None:
        """Send the whole figure again (traces added, removed or moved)."""
        self.seq += 1
        self.figure += 1

    def send_update(self, traces: dict[int, dict[str, Any]], layout: dict[str, Any]) -> None:
        """Send changed trace properties (trace index -> {"marker.color": value}) and layout properties."""
        if (not traces and not layout) or self.driven:  # driven: the browser has drawn it already
            return
        self.seq += 1
        buffers: list[Any] = []
        msg = {
            "type": "update",
            "seq": self.seq,
            "traces": [[i, encode(props, buffers)] for i, props in sorted(traces.items())],
            "layout": encode(layout, buffers),
        }
        self.messages += 1
        if self._held is not None:
            self._held.append((msg, buffers))
        else:
            self.send(msg, buffers)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Send the updates made inside at the end: an explorer sets its text summary first, so the
        browser shows the text, then spends its time drawing the plot, not the other way round."""
        if self._held is not None:
            yield
            return
        self._held = []
        try:
            yield
        finally:
            pending, self._held = self._held, None
            for msg, buffers in pending:
                self.send(msg, buffers)

    def _on_browser_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "plotly-bundle?":
            self.send({"type": "plotly-bundle", "encoding": "gzip"}, [plotly_bundle()])
        elif kind == "draw?":  # a driven plot met a state its pack cannot draw: the kernel's figure
            self.resend()


class Driver:
    """What lets the browser redraw a plot from its controls with no kernel round trip.

    ``pack`` is the explorer's pack (:func:`cramp_lessons.widgets.packs.lab_pack`), ``controls`` its
    control widgets by name, ``state`` returns their values. In the browser, ``plot.js`` listens to
    the controls' models, draws each step with ``explorer_model.js`` and writes its sentence into
    ``summary`` (an HTML widget) at once; the kernel still runs the explorer (its figure, its summary
    sentence, which says the same later) but sends no figure updates. A state the pack cannot draw is
    asked of the kernel (``draw?``), which sends its whole figure.
    """

    def __init__(
        self,
        pack: dict[str, Any],
        controls: dict[str, Any],
        state: Callable[[], dict[str, Any]],
        summary: Any = None,
    ) -> None:
        self.pack, self.controls, self.state, self.summary = pack, controls, state, summary

    def trait(self) -> dict[str, Any]:
        out = {"pack": self.pack, "controls": {n: w.model_id for n, w in self.controls.items()}}
        if self.summary is not None:
            out["summary"] = self.summary.model_id
        return out


def _trace_indexes(trace_indexes: int | Iterable[int] | None, n: int) -> list[int]:
    if trace_indexes is None:
        return list(range(n))
    if isinstance(trace_indexes, int):
        return [trace_indexes]
    return list(trace_indexes)


class LiveFigure(go.Figure):
    """A ``go.Figure`` whose edits its :attr:`widget` shows: ``fig.data[0].y = y`` redraws the plot.

    Edit it as any plotly figure; inside ``with fig.batch_update():`` the edits go as one message.
    Built from a figure builder's ``go.Figure`` by :func:`live_figure`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plot: Plot | None = None
        self._driver: Driver | None = None

    def drive(self, driver: Driver) -> None:
        """Let the browser draw this figure's updates from controls (see :class:`Driver`); before
        :attr:`widget` is first used."""
        if self._plot is not None:
            raise RuntimeError("drive() a live figure before its widget is made")
        self._driver = driver

    def held(self) -> AbstractContextManager[None]:
        """Edits made inside reach the browser at the end (see :meth:`Plot.held`)."""
        return self._plot.held() if self._plot is not None else nullcontext()

    @property
    def widget(self) -> Plot:
        """The widget that draws this figure (made on first use)."""
        if self._plot is None:
            self._plot = Plot(self, driver=self._driver)
        return self._plot

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs)

    # -- plotly's hooks for a front end (BaseFigure calls them after every edit) ----------------
    def _emit(
        self,
        restyle: dict[str, Any] | None,
        relayout: dict[str, Any] | None,
        trace_indexes: int | Iterable[int] | None,
    ) -> None:
        if self._plot is None:
            return
        traces: dict[int, dict[str, Any]] = {}
        if restyle:
            indexes = _trace_indexes(trace_indexes, len(self.data))
            for path, values in restyle.items():
                # plotly's form: a list of values, one per trace index (cycled); Undefined where unchanged
                per = values if isinstance(values, list) else [values]
                for k, i in enumerate(indexes):
                    v = per[k % len(per)] if per else Undefined
                    if v is Undefined:
                        continue
                    traces.setdefault(i, {})[path] = v
        self._plot.send_update(traces, dict(relayout or {}))

    def _send_restyle_msg(self, style: Any, trace_indexes: Any = None, source_view_id: Any = None) -> None:
        self._emit(style, None, trace_indexes)

    def _send_relayout_msg(self, layout: Any, source_view_id: Any = None) -> None:
        self._emit(None, layout, None)

    def _send_update_msg(
        self, restyle_data: Any, relayout_data: Any, trace_indexes: Any = None, source_view_id: Any = None
    ) -> None:
        self._emit(restyle_data, relayout_data, trace_indexes)

    def _send_addTraces_msg(self, new_traces_data: Any) -> None:
        if self._plot is not None:
            self._plot.resend()

    def _send_deleteTraces_msg(self, delete_inds: Any) -> None:
        if self._plot is not None:
            self._plot.resend()

    def _send_moveTraces_msg(self, current_inds: Any, new_inds: Any) -> None:
        if self._plot is not None:
            self._plot.resend()


def live_figure(fig: go.Figure | dict[str, Any]) -> LiveFigure:
    """A :class:`LiveFigure` holding a copy of ``fig`` (a figure builder's ``go.Figure``)."""
    return LiveFigure(fig)
