"""What every explorer hands the browser: one small message per control move (only what changed),
figure data plotly's widget can take back on the benchmark's old path, and sliders that carry their
own accessible name."""

import json

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.serializers import _py_to_js

from cramp_lessons.widgets import controls
from cramp_lessons.widgets.base import PLOT_BACKEND_ENV, plain
from cramp_lessons.widgets.explorers import EXPLORERS, show_explorer
from cramp_lessons.widgets.plot import Plot

ARGS = {"stretch": ("sitting_forefoot_pull",)}


def browser_trace_deltas(fig: go.FigureWidget) -> dict:
    """The browser's answer to a redraw, as plotly's widget front end computes it: its full trace data
    minus the data it was sent, compared by value. A property the kernel sent as a typed-array buffer
    (plotly's own serializer, ``_py_to_js``) can come back as a dict of its elements by index (Chromium
    sent the twitch explorer's time axis so); one sent as a list comes back equal and is left out."""

    def delta(props: dict) -> dict:
        out = {}
        for k, v in props.items():
            if isinstance(v, dict):
                if sub := delta(v):
                    out[k] = sub
            elif isinstance(_py_to_js(v, None), dict):
                out[k] = {str(i): x for i, x in enumerate(np.asarray(v).tolist())}
        return out

    return {
        "trace_deltas": [{"uid": t.uid, **delta(t._props)} for t in fig.data],
        "trace_edit_id": fig._last_trace_edit_id,
    }


def _move(w) -> None:
    """Set a control to another value it allows, as a learner would."""
    if isinstance(w, W.Dropdown):
        w.value = next(v for _label, v in reversed(w.options) if v != w.value)
    elif isinstance(w, W.Checkbox):
        w.value = not w.value
    elif isinstance(w, W.BoundedFloatText):
        w.value += w.step
    else:
        w.value = w.min if w.value != w.min else w.max


def test_the_simulated_browser_reply_reproduces_the_plotly_error():
    """The simulation is not vacuous: a numpy array in a trace breaks plotly's handler as in the kernel log."""
    fig = go.FigureWidget(go.Scatter(y=np.arange(3.0)))
    fig.data[0].y = np.arange(3.0) + 1
    with pytest.raises(ValueError, match="truth value of an array"):
        fig._js2py_traceDeltas = browser_trace_deltas(fig)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_control_move_sends_one_small_update(name, monkeypatch):
    """A move is one message with the trace properties that changed (not the figure), and the figure
    the kernel holds (the one a page that reconnects is sent) has the change in it."""
    ex = show_explorer(name, *ARGS.get(name, ()))
    plot = ex.figure.widget
    sent: list = []
    monkeypatch.setattr(
        Plot, "send", lambda self, content, buffers=None: sent.append((content, buffers or []))
    )
    for w in ex.controls.values():
        before = len(sent)
        _move(w)
        msgs = sent[before:]  # none when the figure did not change (the sweat calculator's body mass)
        assert len(msgs) <= 1 and all(m[0]["type"] == "update" for m in msgs), (name, w.description, msgs)
        for content, buffers in msgs:
            assert content["traces"] or content["layout"]
            assert len(json.dumps(content)) + sum(len(b) for b in buffers) < 64_000
            assert content["seq"] == plot.seq
    assert sent, "no control changed the figure"
    state = plot.get_state()["figure"]
    assert state["seq"] == plot.seq and len(state["data"]) == len(ex.figure.data)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_the_old_figurewidget_path_takes_the_browser_reply_without_error(name, monkeypatch):
    """The benchmark's baseline (``CRAMP_PLOT_BACKEND=figurewidget``) still works: plotly's widget
    takes the browser's reply to every redraw."""
    monkeypatch.setenv(PLOT_BACKEND_ENV, "figurewidget")
    ex = show_explorer(name, *ARGS.get(name, ()))
    fig = ex.figure
    assert isinstance(fig, go.FigureWidget) and fig.widget is fig
    fig._js2py_traceDeltas = browser_trace_deltas(fig)  # after the first draw
    first = fig._last_trace_edit_id
    for w in ex.controls.values():
        _move(w)
        fig._js2py_traceDeltas = browser_trace_deltas(fig)
    assert fig._last_trace_edit_id > first  # the moves did redraw


def test_plain_turns_arrays_into_json_lists():
    out = plain(
        {"x": np.array([1.0, np.nan]), "m": [{"c": np.arange(2)}], "s": np.float64(2.5), "n": float("nan")}
    )
    assert out == {"x": [1.0, None], "m": [{"c": [0, 1]}], "s": 2.5, "n": None}
    assert type(out["s"]) is float and type(out["m"][0]["c"][0]) is int


def test_every_explorer_slider_is_a_labelled_range_input():
    """ipywidgets' sliders render a handle their label does not name; ours are native, labelled inputs."""
    for name in EXPLORERS:
        for w in show_explorer(name, *ARGS.get(name, ())).controls.values():
            assert not isinstance(w, (W.IntSlider, W.FloatSlider)), name
            if isinstance(w, controls.FloatSlider | controls.IntSlider):
                assert w.description.strip() and "(" in w.description, name


def test_slider_values_keep_their_type_range_and_readout():
    s = controls.IntSlider(value=5, min=1, max=9, description="Step (1-9)")
    s.value = 7.0  # the browser sends JSON numbers
    assert s.value == 7 and type(s.value) is int and s.decimals == 0
    s.value = 99
    assert s.value == 9
    f = controls.FloatSlider(value=1.24, min=0.5, max=2.0, step=0.02, description="Calcium (mmol/L)")
    f.value = 1
    assert f.value == 1.0 and type(f.value) is float and f.decimals == 2
    assert controls.FloatSlider(value=25, min=20, max=37, step=0.5).decimals == 1
    assert controls.FloatSlider(value=-5, min=0, max=1, step=0.05).value == 0.0
