import numpy as np
import plotly.graph_objects as go
import pytest
from ipywidgets.widgets.widget_description import DescriptionWidget

from cramp_lessons.figures import physiology as figs
from cramp_lessons.figures.palette import OKABE_ITO
from cramp_lessons.physiology import excitability as hh
from cramp_lessons.physiology import reflex as rx
from cramp_lessons.physiology import twitch as tw
from cramp_lessons.widgets import explorers_physiology as X
from cramp_lessons.widgets.base import Explorer
from cramp_lessons.widgets.plot import LiveFigure, Plot


@pytest.fixture(scope="module")
def sweeps():
    """One cache for the module (a fresh one, so the shared kernel cache is not assumed)."""
    return hh.SweepCache()


@pytest.fixture
def explorers(sweeps):
    return {
        "twitch": X.twitch_explorer(),
        "excitability": X.ExcitabilityExplorer(cache=sweeps),
        "reflex": X.reflex_explorer(),
        "coupling": X.coupling_stepper(),
    }


def _ys(fig):
    return [None if tr.y is None else np.array(tr.y, dtype=object) for tr in fig.data]


def _changed(before, after):
    return any(
        b is None
        or a is None
        or b.shape != a.shape
        or not all((x == y) or (x != x and y != y) for x, y in zip(b, a, strict=True))
        for b, a in zip(before, after, strict=True)
    )


def test_every_explorer_is_an_explorer_with_labelled_controls_and_a_figure(explorers):
    for name, ex in explorers.items():
        assert isinstance(ex, Explorer), name
        assert isinstance(ex.figure, LiveFigure) and isinstance(ex.figure.widget, Plot), name
        assert ex.title and ex.caption, name
        assert ex.controls, name
        for key, w in ex.controls.items():
            assert w.description.strip(), (name, key)
            if isinstance(w, DescriptionWidget):  # ours (the sliders) have no ipywidgets style
                assert w.style.description_width == "initial", (name, key)
        assert ex.figure.layout.title.text, name
        s = ex.summary()
        assert s and "\n" not in s, name
        assert repr(ex.widget) == f"[explorer] {ex.title} | {s}"


def test_slider_descriptions_carry_units(explorers):
    assert "(Hz)" in explorers["twitch"].controls["rate_hz"].description
    assert "(°C)" in explorers["twitch"].controls["temp_c"].description
    ex = explorers["excitability"]
    assert "(mmol/L)" in ex.controls["ca_mmol"].description
    assert "(µA/cm²)" in ex.controls["drive"].description
    assert "(s)" in explorers["reflex"].controls["stretch_time"].description


def test_axes_have_titles_with_units(explorers):
    lay = explorers["twitch"].figure.layout
    assert "(ms)" in lay.xaxis.title.text and lay.yaxis.title.text
    lay = explorers["excitability"].figure.layout
    assert "(ms)" in lay.xaxis.title.text and "(mV)" in lay.yaxis.title.text
    assert "(mmol/L)" in lay.xaxis2.title.text and "(Hz" in lay.yaxis2.title.text
    lay = explorers["reflex"].figure.layout
    assert "(s)" in lay.xaxis2.title.text


def test_twitch_rate_change_replaces_data_and_summary(explorers):
    ex = explorers["twitch"]
    before, s0 = _ys(ex.figure), ex.summary()
    force0 = np.array(ex.figure.data[0].y)
    ex.controls["rate_hz"].value = 40
    assert _changed(before, _ys(ex.figure))
    force1 = np.array(ex.figure.data[0].y)
    assert not np.allclose(force0, force1)
    np.testing.assert_allclose(force1, tw.tetanus(40, 35.0).force, rtol=1e-6)
    assert len(ex.figure.data[2].x) == 41  # one tick per action potential in 1 s
    s1 = ex.summary()
    assert s1 != s0 and s1.startswith("At 40 Hz and 35.0 °C")
    assert "fused tetanus" in s1
    ex.controls["temp_c"].value = 20.0
    assert "20.0 °C" in ex.summary()


def test_twitch_summary_is_deterministic():
    a, b = X.TwitchExplorer(rate_hz=18), X.TwitchExplorer(rate_hz=18)
    assert a.summary() == b.summary()
    assert "At 18 Hz and 35.0 °C, twitches fuse" in a.summary()


def test_excitability_calcium_change_fires_and_moves_the_marker(explorers):
    ex = explorers["excitability"]
    assert "does not fire on its own" in ex.summary()
    before = _ys(ex.figure)
    ex.controls["ca_mmol"].value = 0.9
    assert _changed(before, _ys(ex.figure))
    direct = hh.simulate(0.9, hh.DEFAULT_TEMP_C, hh.DEFAULT_DRIVE)
    np.testing.assert_allclose(np.array(ex.figure.data[0].y, dtype=float), direct.v, atol=0.05)
    assert list(ex.figure.data[3].x) == [pytest.approx(0.9)]
    assert ex.figure.data[3].y[0] > 0
    assert len(ex.figure.data[1].x) >= 2  # spike markers
    assert "fires on its own at" in ex.summary() and "below the normal" in ex.summary()


def test_excitability_temperature_and_drive_change_the_rate_curve(explorers):
    ex = explorers["excitability"]
    curve0 = np.array(ex.figure.data[2].y)
    ex.controls["temp_c"].value = 15.0
    curve1 = np.array(ex.figure.data[2].y)
    assert not np.array_equal(curve0, curve1)
    ex.controls["drive"].value = 14.0
    assert not np.array_equal(curve1, np.array(ex.figure.data[2].y))
    assert "15.0 °C and drive 14.0" in ex.summary()


def test_excitability_normal_range_is_shaded_on_the_rate_plot(explorers):
    shapes = explorers["excitability"].figure.layout.shapes
    bands = [s for s in shapes if s.type == "rect"]
    assert len(bands) == 1
    assert (bands[0].x0, bands[0].x1) == hh.CA_NORMAL
    assert bands[0].xref == "x2"


def test_excitability_rejects_values_off_the_slider_grid(sweeps):
    with pytest.raises(ValueError):
        X.ExcitabilityExplorer(ca_mmol=1.2345, cache=sweeps)


def test_reflex_fatigue_change_ends_the_cramp(explorers):
    ex = explorers["reflex"]
    assert "a cramp" in ex.summary() and "Without stretching" in ex.summary()
    before = _ys(ex.figure)
    ex.controls["fatigue"].value = 0.0
    assert _changed(before, _ys(ex.figure))
    np.testing.assert_allclose(
        np.array(ex.figure.data[5].y), 100 * rx.simulate(0.0, 4.0).force, rtol=1e-6, atol=1e-5
    )
    np.testing.assert_allclose(
        np.array(ex.figure.data[0].y), rx.simulate(0.0, 4.0).drive, rtol=1e-6, atol=1e-6
    )
    assert "no cramp" in ex.summary()
    assert list(ex.figure.data[3].x) == []  # no cramp band


def test_reflex_stretch_toggle_and_time(explorers):
    ex = explorers["reflex"]
    ex.controls["stretch"].value = False
    assert "Without stretching" not in ex.summary()
    assert np.all(np.isnan(np.array(ex.figure.data[6].y, dtype=float)))
    ex.controls["stretch"].value = True
    ex.controls["stretch_time"].value = 6.0  # fatigue 0.8: the cramp fades at 5.9 s, before the stretch
    assert ex.summary().endswith("it fades on its own at 5.9 s, before the stretch at 6.0 s.")
    ex.controls["fatigue"].value = 1.0
    assert "stretching from 6.0 s ends it" in ex.summary()
    assert ex.summary().endswith("Without stretching it would still be going at 10 s.")


def test_reflex_can_hide_controls_and_keep_defaults():
    ex = X.ReflexExplorer(show=("stretch_time",), fatigue=1.0, stretch=True)
    assert list(ex.controls) == ["stretch_time"]
    assert ex.fixed == {"fatigue": 1.0, "stretch": True}
    s0 = ex.summary()
    ex.controls["stretch_time"].value = 7.0
    assert ex.summary() != s0 and "7.0 s" in ex.summary()
    with pytest.raises(ValueError):
        X.ReflexExplorer(show=("nonsense",))


def test_coupling_steps_load_from_yaml():
    steps = X.load_coupling_steps()
    assert len(steps) == 9
    assert len({s["id"] for s in steps}) == 9
    assert steps[0]["title"] == "Action potential" and "SERCA" in steps[7]["title"]
    assert all(s["text"] and "\n" not in s["text"] for s in steps)


def test_coupling_buttons_step_through_and_highlight(explorers):
    ex = explorers["coupling"]
    assert ex.prev_button.disabled and not ex.next_button.disabled
    assert ex.prev_button.description and ex.next_button.description
    colors0 = list(ex.figure.data[0].marker.color)
    assert colors0[0] == OKABE_ITO["orange"]
    s0 = ex.summary()
    ex.next_button.click()
    assert ex.controls["step"].value == 2
    colors1 = list(ex.figure.data[0].marker.color)
    assert colors1 != colors0 and colors1[1] == OKABE_ITO["orange"]
    assert ex.summary() != s0 and ex.summary().startswith("Step 2 of 9: T-tubule DHPR.")
    assert "T-tubule DHPR" in ex.text.value
    ex.controls["step"].value = 9
    assert ex.next_button.disabled
    ex.next_button.click()  # stays on the last step
    assert ex.controls["step"].value == 9
    ex.prev_button.click()
    assert ex.controls["step"].value == 8
    assert repr(ex.widget) == f"[explorer] {ex.title} | {ex.summary()}"


def test_figure_builders_return_plain_figures():
    fig = figs.twitch_figure([0, 1, 2], [0, 1, 0], [0, 1, 0], [0.0])
    assert type(fig) is go.Figure and [t.name for t in fig.data][:1] == ["force of the spike train"]
    assert len(figs.coupling_figure(["a", "b", "c"], 1).data) == len(figs.COUPLING_TRACES)
    xs, ys = figs.cramp_band([0, 1], [(1.0, 2.0)])
    assert xs[:5] == [1.0, 1.0, 2.0, 2.0, 1.0] and xs[5] is None
