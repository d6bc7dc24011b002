"""The plot widget's kernel side: what it sends (the figure once, then only what changed, numeric arrays
as binary), plotly.js from the kernel when a page has none, and no plotly renderer import on the way."""

import datetime as dt
import gzip
import json
import subprocess
import sys
from importlib import resources

import numpy as np
import plotly.graph_objects as go
import pytest
from ipywidgets.widgets.widget import _remove_buffers

from cramp_lessons.widgets.explorers import EXPLORERS, show_explorer
from cramp_lessons.widgets.plot import BINARY_MIN, LiveFigure, Plot, encode, live_figure


@pytest.fixture
def sent(monkeypatch):
    out: list = []
    monkeypatch.setattr(
        Plot, "send", lambda self, content, buffers=None: out.append((content, buffers or []))
    )
    return out


def _bytes(spec, buffers):
    data = buffers[spec["data"]] if isinstance(spec["data"], int) else spec["data"]
    return np.frombuffer(bytes(data), dtype=np.dtype(spec["nd"]).newbyteorder("<")).reshape(spec["shape"])


def test_numeric_arrays_travel_as_binary_and_the_rest_as_json():
    buffers: list = []
    big = np.linspace(0, 1, BINARY_MIN)
    out = encode(
        {
            "y": big,
            "small": np.array([1.0, np.nan]),
            "ints": np.arange(BINARY_MIN, dtype=np.int64),
            "grid": np.ones((BINARY_MIN, 2)),
            "text": np.array(["a", "b"], dtype=object),
            "n": np.float64(2.5),
            "inf": float("inf"),
            "day": dt.date(2026, 1, 2),
            "t": (1, 2),
        },
        buffers,
    )
    json.dumps(out)  # the rest is JSON
    assert out["y"]["nd"] == "float64" and out["y"]["shape"] == [BINARY_MIN]
    np.testing.assert_array_equal(_bytes(out["y"], buffers), big)
    assert out["small"] == [1.0, None]  # short: a list; NaN is not JSON
    assert out["ints"]["nd"] == "int32"  # no BigInt in the browser
    np.testing.assert_array_equal(_bytes(out["ints"], buffers), np.arange(BINARY_MIN))
    assert out["grid"]["shape"] == [BINARY_MIN, 2]
    assert out["text"] == ["a", "b"] and out["n"] == 2.5 and out["inf"] is None
    assert out["day"] == "2026-01-02" and out["t"] == [1, 2]
    assert len(buffers) == 3
    with pytest.raises(TypeError, match="cannot send"):
        encode({"x": object()})


def test_a_huge_int64_array_goes_as_float64():
    out = encode(np.full(BINARY_MIN, 2**40, dtype=np.int64), [])
    assert out["nd"] == "float64"


def test_the_figure_goes_whole_once_with_its_arrays_as_buffers():
    fig = live_figure(go.Figure(go.Scatter(x=np.arange(100.0), y=np.zeros(100)), layout={"height": 300}))
    state = fig.widget.get_state()
    stripped, _paths, buffers = _remove_buffers(state)
    figure = stripped["figure"]
    assert figure["layout"]["height"] == 300 and figure["seq"] == 0
    assert figure["data"][0]["type"] == "scatter"
    assert sum(len(b) for b in buffers) == 2 * 100 * 8
    assert len(json.dumps(figure["data"])) < 200  # the arrays are not in the JSON
    assert figure["config"]["displaylogo"] is False


def test_an_edit_sends_only_what_changed(sent):
    fig = live_figure(go.Figure([go.Scatter(y=np.zeros(50)), go.Scatter(y=np.ones(50))]))
    fig.widget  # noqa: B018 - the widget exists, so edits are sent
    with fig.batch_update():
        fig.data[1].y = np.arange(50.0)
        fig.data[0].y = np.zeros(50)  # the same values: not sent
        fig.layout.yaxis.range = [0, 60]
    assert len(sent) == 1
    content, buffers = sent[0]
    assert content["type"] == "update" and content["seq"] == 1
    assert [i for i, _props in content["traces"]] == [1]
    (props,) = [p for _i, p in content["traces"]]
    np.testing.assert_array_equal(_bytes(props["y"], buffers), np.arange(50.0))
    assert content["layout"] == {"yaxis.range": [0, 60]}
    fig.data[0].marker.color = "red"  # outside a batch: one message too
    assert sent[-1][0]["traces"] == [[0, {"marker.color": "red"}]] and sent[-1][0]["seq"] == 2


def test_no_message_before_the_widget_exists_and_the_widget_starts_from_the_edits(sent):
    fig = live_figure(go.Figure(go.Scatter(y=[1, 2])))
    fig.data[0].y = [3, 4]
    assert sent == []
    assert fig.widget.get_state()["figure"]["data"][0]["y"] == [3, 4]


def test_adding_a_trace_resends_the_whole_figure(sent):
    fig = live_figure(go.Figure(go.Scatter(y=[1, 2])))
    plot = fig.widget
    before = plot.figure
    fig.add_trace(go.Bar(y=[1]))
    assert plot.figure == before + 1 and plot.seq == 1  # the trait's change sends the whole figure
    assert [t["type"] for t in plot.get_state()["figure"]["data"]] == ["scatter", "bar"]


def test_a_live_figure_is_a_plotly_figure_and_displays_as_its_widget():
    fig = live_figure(go.Figure(go.Scatter(y=[1, 2]), layout={"title": "T"}))
    assert isinstance(fig, go.Figure) and isinstance(fig, LiveFigure)
    assert fig.layout.title.text == "T"
    bundle = fig._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == "[plot] T"


def test_the_kernel_sends_plotly_js_once_asked(sent):
    plot = live_figure(go.Figure()).widget
    plot._on_browser_msg(plot, {"type": "plotly-bundle?"}, [])
    ((content, buffers),) = sent
    assert content == {"type": "plotly-bundle", "encoding": "gzip"}
    raw = resources.files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    assert gzip.decompress(buffers[0]) == raw
    assert len(buffers[0]) < len(raw) / 2


def test_the_page_or_the_kernel_is_chosen_by_an_environment_variable(monkeypatch):
    assert live_figure(go.Figure()).widget.plotly_source == "auto"
    monkeypatch.setenv("CRAMP_PLOTLY_SOURCE", "kernel")
    assert live_figure(go.Figure()).widget.plotly_source == "kernel"


def test_the_explorer_path_imports_no_plotly_renderer():
    """plotly's FigureWidget imports plotly.io's renderers, and with them nbformat and jsonschema
    (2.5 s of the first plot); an explorer here imports none of them."""
    code = (
        "import sys\n"
        "from cramp_lessons import show_explorer\n"
        "ex = show_explorer('twitch'); ex.widget; ex.controls['rate_hz'].value = 20\n"
        "print(sorted(m for m in ('plotly.io._renderers', 'nbformat', 'jsonschema') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_explorer_state_round_trip_sends_one_update(sent, monkeypatch):
    """Drawn by the kernel (an explorer without a pack; the benchmark's baseline): one update per state."""
    from cramp_lessons.widgets.explorers import show_explorer

    monkeypatch.setenv("CRAMP_EXPLORER_DRIVER", "kernel")
    ex = show_explorer("twitch")
    ex.widget  # noqa: B018
    ex.set_state({"rate_hz": 30, "temp_c": 25.0})
    assert len(sent) == 1 and ex.state == {"rate_hz": 30, "temp_c": 25.0}


# -- explorers the browser draws (driven plots) -----------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_explorer_is_drawn_by_the_browser_from_its_pack(sent, name):
    """Its plot widget carries the explorer's pack and its controls' model ids; a new state sends no
    plot update (the browser has drawn it), yet the kernel's figure follows, and the figure the widget
    would send whole names the state it shows."""
    ex = show_explorer(name, *(("sitting_forefoot_pull",) if name == "stretch" else ()))
    ex.widget  # noqa: B018
    plot = ex.figure.widget
    assert plot.driven and plot.driver["pack"]["explorer"] == name
    assert plot.driver["controls"] == {n: w.model_id for n, w in ex.controls.items()}
    c, w = next((n, w) for n, w in ex.controls.items() if hasattr(w, "max"))
    before = ex.figure.to_plotly_json()
    value = w.max if w.value != w.max else w.min
    ex.set_state({c: value})
    assert sent == [] and plot.messages == 0
    assert ex.figure.to_plotly_json() != before
    assert _plot_state(plot)["state"] == json.loads(json.dumps(ex.state))


def _plot_state(plot):
    from cramp_lessons.widgets.plot import _figure_state

    return _figure_state(0, plot)


def test_a_ports_pack_is_its_models_constants_made_in_milliseconds(monkeypatch):
    """A port computes the sentence too (no table of every state's sentence: the leg's took 4.2 s to
    make); a pack of precomputed states keeps its sentences (they come with the states)."""
    import time

    from cramp_lessons.widgets import packs
    from cramp_lessons.widgets.packs import lab_pack

    monkeypatch.setattr(packs, "_MEMO", {})  # made afresh, not the one kept from an earlier test
    leg = show_explorer("leg", knee=12)
    t0 = time.perf_counter()
    pack = lab_pack(leg)
    assert time.perf_counter() - t0 < 0.5
    assert pack["how"] == "port" and "summaries" not in pack and pack["fixed"] == {"posture": leg.CUSTOM}
    flow = lab_pack(show_explorer("flow"))
    assert flow["how"] == "states" and len(flow["changes"]) > 0 and "summaries" in flow


def test_making_a_pack_of_states_tells_the_browser_only_where_the_controls_end(monkeypatch):
    """Precomputing the flow explorer's 111 states moves its slider through each: the browser hears one
    message per control and the summary at most, not hundreds."""
    import ipywidgets as W

    ex = show_explorer("flow")
    ex.controls["radius"].value = 80
    start = ex.state
    calls: list = []
    monkeypatch.setattr(W.Widget, "_send", lambda self, msg, buffers=None: calls.append((self, msg)))
    ex.widget  # noqa: B018
    mine = [m for w, m in calls if w in (*ex.controls.values(), ex._summary) and m.get("method") == "update"]
    assert len(mine) <= len(ex.controls) + 1
    assert ex.state == start


def test_a_driven_plot_sends_its_whole_figure_when_the_browser_asks(sent):
    """A state the pack cannot draw (a port that throws): the browser asks, the kernel sends it all."""
    ex = show_explorer("twitch")
    plot = ex.widget and ex.figure.widget
    revision = plot.figure
    plot._on_browser_msg(plot, {"type": "draw?"}, [])
    assert plot.figure == revision + 1


def test_the_kernel_draws_every_step_when_asked_or_when_there_is_no_pack(monkeypatch):
    monkeypatch.setenv("CRAMP_EXPLORER_DRIVER", "kernel")
    ex = show_explorer("twitch")
    ex.widget  # noqa: B018
    assert not ex.figure.widget.driven and ex.figure.widget.driver == {}
