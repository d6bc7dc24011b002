import ipywidgets as W
import numpy as np
import pytest
from ipywidgets.widgets.widget_description import DescriptionWidget

from cramp_lessons.figures import acupressure as acupressure_fig
from cramp_lessons.figures import leg as leg_fig
from cramp_lessons.figures.palette import OKABE_ITO
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.physiology import leg as legm
from cramp_lessons.widgets import explorers_body as X
from cramp_lessons.widgets.base import Explorer
from cramp_lessons.widgets.controls import IntSlider
from cramp_lessons.widgets.plot import LiveFigure, Plot

PALETTE = {c.upper() for c in OKABE_ITO.values()} | {"#FFFFFF"}


def _colours(fig):
    """Every explicit colour in traces, shapes and annotations."""
    out = []
    for t in fig.data:
        for part in ("line", "marker", "textfont"):
            obj = getattr(t, part, None)
            c = getattr(obj, "color", None) if obj is not None else None
            if c is not None:
                out.extend(c if isinstance(c, (list, tuple)) else [c])
        m = getattr(t, "marker", None)
        if m is not None and m.line is not None and m.line.color is not None:
            out.append(m.line.color)
    for s in fig.layout.shapes:
        out += [c for c in (s.fillcolor, s.line.color) if c is not None]
    for a in fig.layout.annotations:
        out += [c for c in (a.font.color, a.arrowcolor, a.bordercolor) if c is not None]
    return out


@pytest.fixture(scope="module")
def explorers():
    return {
        "leg": X.leg_explorer(),
        "flow": X.flow_explorer(),
        "abi": X.abi_calculator(),
        "sweat": X.sweat_calculator(),
        "stretch": X.stretch_animation("toe_pull_knee_straight", 5),
    }


def test_explorers_are_explorers_with_labelled_controls(explorers):
    for name, e in explorers.items():
        assert isinstance(e, Explorer)
        assert isinstance(e.figure, LiveFigure) and isinstance(e.figure.widget, Plot)
        assert e.title and e.caption
        assert e.figure.layout.title.text
        assert e.controls
        for cname, w in e.controls.items():
            assert w.description.strip(), f"{name}.{cname} has no description"
            if isinstance(w, DescriptionWidget):  # ours (the sliders) have no ipywidgets style
                assert w.style.description_width == "initial"
            if isinstance(w, (IntSlider, W.BoundedFloatText)):
                assert "(" in w.description and ")" in w.description, f"{name}.{cname}: no unit"
        assert e.summary() and "\n" not in e.summary()
        assert isinstance(e.widget, W.Box)
        assert e.summary() in repr(e)


def test_figures_use_only_palette_colours(explorers):
    figs = [e.figure for e in explorers.values()] + [
        X.spine_nerve_roots_figure(),
        X.acupressure_map_figure(),
    ]
    for fig in figs:
        bad = {c for c in _colours(fig) if str(c).upper() not in PALETTE}
        assert not bad, f"{fig.layout.title.text}: {bad}"


def test_leg_explorer_moves_the_leg_and_says_so():
    e = X.leg_explorer(knee=0, ankle=15)
    s = legm.leg_state(0, 15)
    assert e.summary().startswith(
        f"Knee 0 deg, ankle +15 deg: gastrocnemius {leg_fig.pct(s.gastrocnemius_fraction)}% and soleus "
        f"{leg_fig.pct(s.soleus_fraction)}% of standing length: both stretched."
    )
    before_x = np.array(e.figure.data[1].x)
    before_summary = e.summary()
    e.controls["knee"].value = 90
    assert not np.allclose(np.array(e.figure.data[1].x), before_x)
    assert e.summary() != before_summary
    assert "gastrocnemius shortened, soleus stretched" in e.summary()
    g, s = legm.calf_lengths(90, 15)
    assert e.figure.data[6].y[0] == pytest.approx(float(g) * 100)
    assert e.figure.data[7].y[0] == pytest.approx(float(s) * 100)
    assert f"G {leg_fig.pct(g)}%" in e.figure.data[3].text


def test_choosing_a_posture_sets_the_sliders_once():
    e = X.leg_explorer()
    calls = []
    original = e.update
    e.update = lambda **v: (calls.append(v), original(**v))
    e.controls["posture"].value = "lying_on_stomach_feet_pointed"
    p = legm.POSTURES["lying_on_stomach_feet_pointed"]
    assert (e.controls["knee"].value, e.controls["ankle"].value) == (p.knee, p.ankle)
    assert len(calls) == 1
    assert "both shortened" in e.summary() and p.label in e.summary()
    e.controls["ankle"].value = -10  # moving a slider leaves the named posture
    assert e.controls["posture"].value == X.LegExplorer.CUSTOM
    assert "Posture:" not in e.summary()


def test_leg_explorer_rejects_unknown_posture():
    with pytest.raises(legm.PostureError):
        X.leg_explorer(posture="handstand")


def test_flow_explorer():
    e = X.flow_explorer()
    assert e.summary() == "Radius 50% of normal: flow 6.3% (1/16) of normal at the same pressure."
    e.controls["radius"].value = 80
    assert e.figure.data[1].y[0] == pytest.approx(0.8**4 * 100)
    assert e.figure.data[1].x[0] == 80
    assert e.summary() == "Radius 80% of normal: flow 41% (1/2.4) of normal at the same pressure."
    e.controls["radius"].value = 120
    assert "207%" in e.summary() and "2.1 times" in e.summary()
    e.controls["radius"].value = 100
    assert "unchanged" in e.summary()
    assert e.figure.layout.yaxis.type == "log"


def test_abi_calculator_shows_band_and_handles_bad_input():
    e = X.abi_calculator(ankle_systolic=108, arm_systolic=120)
    assert e.figure.data[0].y[0] == pytest.approx(0.9)
    assert "0.90" in e.summary() and "abnormal: peripheral artery disease" in e.summary()
    assert "Not a diagnosis" in e.summary()
    e.controls["ankle_systolic"].value = 130
    assert e.band.id == "normal" and "normal" in e.figure.data[0].text[0]
    e.controls["arm_systolic"].value = 20  # implausible: message, no exception
    assert e.summary().startswith("Cannot compute the ABI") and "40-300" in e.summary()
    assert e.figure.data[0].y[0] is None
    assert "Cannot compute" in e._summary.value
    e.controls["arm_systolic"].value = 0
    assert "positive" in e.summary()
    e.controls["arm_systolic"].value = 90
    assert e.band.id == "noncompressible"
    assert len(e.figure.layout.shapes) >= len(circ.ABI_BANDS)


def test_sweat_calculator_updates_bars_and_reports_bad_input():
    e = X.sweat_calculator()
    before = e.summary()
    e.controls["fluid_drunk_l"].value = 0.5
    assert e.figure.data[1].y[0] == pytest.approx(0.5)
    assert e.figure.data[0].y[0] == pytest.approx(e.balance.fluid_lost_l)
    assert e.figure.data[2].y[0] == pytest.approx(e.balance.sodium_lost_mg)
    assert e.summary() != before and "not a cramp risk" in e.summary()
    e.controls["body_mass_kg"].value = 0
    assert e.summary().startswith("Cannot compute the balance") and "Body mass" in e.summary()
    assert e.figure.data[0].y[0] == 0
    e.controls["body_mass_kg"].value = 70
    assert e.error is None
    with pytest.raises(ValueError):
        X.sweat_calculator(speed=3)


@pytest.mark.parametrize("tid", list(legm.TECHNIQUES))
def test_stretch_animation_steps_match_the_model(tid):
    a = X.stretch_animation(tid, n_frames=12)
    step = a.controls["step"]
    assert (step.min, step.max, step.value) == (1, 12, 1) and step.play_interval_ms > 0  # Play/Pause
    fig = a.figure
    g0 = fig.data[1].customdata[0]
    step.value = 12
    end = legm.TECHNIQUES[tid].end
    model = legm.leg_state(end.knee, end.ankle)
    assert fig.data[1].customdata[0] == pytest.approx(model.gastrocnemius_fraction)
    assert fig.data[2].customdata[0] == pytest.approx(model.soleus_fraction)
    assert f"gastrocnemius {leg_fig.pct(model.gastrocnemius_fraction)}%" in fig.layout.annotations[0].text
    assert g0 < fig.data[1].customdata[0]
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    s = X.stretch_animation_summary(tid)
    assert f"soleus {leg_fig.pct(model.soleus_fraction)}%" in s
    assert a.summary().startswith(f"Step 12 of 12: knee {model.knee_deg:.0f} deg") and a.summary().endswith(s)
    assert "llustrative" in a.caption


def test_stretch_animation_unknown_technique():
    with pytest.raises(legm.PostureError):
        X.stretch_animation("headstand")


def test_spine_figure_and_summary():
    fig = X.spine_nerve_roots_figure()
    names = " ".join(t.name for t in fig.data)
    assert "S1, S2" in names and "L5" in names and "Disc herniation" in names and "stenosis" in names
    hover = " ".join(str(t.hovertext) for t in fig.data if t.hovertext)
    assert "S1 nerve root" in hover and "Matsumoto" in hover
    text = X.spine_nerve_roots_summary()
    assert "S1 and S2" in text and "L5" in text and "70.8%" in text and "stenosis" in text
    assert fig.layout.title.text


def test_acupressure_map():
    fig = X.acupressure_map_figure()
    points = {t.name: t for t in fig.data if t.mode == "markers"}
    assert set(points) == {"BL40 Weizhong", "BL56 Chengjin", "BL57 Chengshan", "LI4 Hegu"}
    assert "knee" in points["BL40 Weizhong"].hovertext and "metacarpal" in points["LI4 Hegu"].hovertext
    assert len({t.marker.symbol for t in points.values()}) == 4  # not colour alone
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "no trial evidence" in notes.lower()
    assert any("LI4" in a.text and "pregnancy" in a.text for a in fig.layout.annotations)
    # BL40 on the knee crease, BL56 above BL57 on the calf, LI4 on the hand (right of the leg)
    y = {k: v.y[0] for k, v in points.items()}
    assert y["BL40 Weizhong"] == 0 and y["BL40 Weizhong"] > y["BL56 Chengjin"] > y["BL57 Chengshan"]
    assert points["LI4 Hegu"].x[0] > 0.5
    s = X.acupressure_map_summary()
    assert "traditional practice" in s and "pregnancy" in s


# ------------------------------------------------------------------ words from content/figures.yaml
def test_every_acupressure_point_the_content_names_is_placed_and_no_other():
    from cramp_lessons.course.model import load_course

    names = [p.id for p in load_course().figure("acupressure").points]
    assert sorted(names) == sorted(acupressure_fig.ACUPOINT_PLACES)


@pytest.fixture(scope="module")
def reworded(tmp_path_factory):
    """A copy of the course whose figures say other words."""
    import shutil

    import yaml

    from cramp_lessons.course.model import CONTENT_DIR, load_course

    root = tmp_path_factory.mktemp("course") / "content"
    shutil.copytree(CONTENT_DIR, root)
    f = root / "figures.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    for fig in data["figures"]:
        for key in ("title", "caption", "summary", "hover", "stenosis", "calculator_caption", "bands_source"):
            if key in fig:
                fig[key] = f"New {key} of {fig['id']}"
        for p in fig.get("points", []):
            p.update(name=f"Name{p['id']}", where=f"place of {p['id']}")
            p.pop("note", None)
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_course(root)


def test_the_figures_take_their_words_from_the_course(reworded):
    fig = X.acupressure_map_figure(reworded)
    assert fig.layout.title.text == "New title of acupressure"
    points = {t.name: t for t in fig.data if t.mode == "markers"}
    assert set(points) == {"BL40 NameBL40", "BL56 NameBL56", "BL57 NameBL57", "LI4 NameLI4"}
    assert points["LI4 NameLI4"].hovertext == "LI4 NameLI4: place of LI4. New hover of acupressure"
    notes = [a.text for a in fig.layout.annotations]
    assert "New caption of acupressure" in notes and "<b>LI4 NameLI4</b>" in notes
    assert X.acupressure_map_summary(reworded) == (
        "New summary of acupressure: BL40 NameBL40: place of BL40; BL56 NameBL56: place of BL56; "
        "BL57 NameBL57: place of BL57; LI4 NameLI4: place of LI4."
    )
    spine = X.spine_nerve_roots_figure(reworded)
    assert spine.layout.title.text == "New title of spine"
    assert "New stenosis of spine" in [t.hovertext for t in spine.data]
    assert "New caption of spine" in [a.text for a in spine.layout.annotations]
    assert X.spine_nerve_roots_summary(reworded) == "New summary of spine"
    abi = X.abi_calculator(course=reworded)
    assert abi.caption == "New calculator_caption of abi"
    assert abi.figure.layout.title.text == "New title of abi"
    assert "New caption of abi" in [a.text for a in abi.figure.layout.annotations]
    assert abi.summary().endswith("(New bands_source of abi). Not a diagnosis.")


def test_the_shipped_figure_words_read_as_before():
    """The words moved to content/figures.yaml unchanged (what learners read, and nbval compares)."""
    s = X.acupressure_map_summary()
    assert s.startswith(
        "Acupressure points the article names (traditional practice, no trial evidence for cramps; "
        "locations from WHO Standard Acupuncture Point Locations 2008): BL40 Weizhong: midpoint of the crease"
    )
    assert s.endswith("1st and 2nd metacarpal bones; traditionally avoided in pregnancy.")
    notes = [a.text for a in X.acupressure_map_figure().layout.annotations]
    assert "<b>LI4 Hegu</b> ('tiger's mouth')<br>traditionally avoided in pregnancy" in notes
    assert X.abi_calculator().caption.startswith("ABI = ankle systolic / arm systolic pressure. Bands from")
