"""Explorer questions (issue 15, "Explorers in class"): the answer is an explorer's state, graded by the
model with a tolerance; and the state API every explorer has (``state``, ``set_state``)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import yaml

from cramp_lessons.course.grading import check, grade
from cramp_lessons.course.model import collect_errors, load_course
from cramp_lessons.errors import AnswerError, CrampLessonsError
from cramp_lessons.formats.exports import export_gift, export_jupyterquiz, export_markdown, skipped
from cramp_lessons.physiology import excitability as hh
from cramp_lessons.physiology import twitch as tw
from cramp_lessons.questions.explorer import SLIDERS, TARGETS
from cramp_lessons.widgets.base import Explorer, StateError
from cramp_lessons.widgets.controls import Slider
from cramp_lessons.widgets.explorers import EXPLORERS, show_explorer
from cramp_lessons.widgets.inputs import build
from cramp_lessons.widgets.quiz import QuestionWidget

COURSE = load_course()
CALCIUM = COURSE.question("calcium.q17")  # excitability: the calcium at which the nerve starts firing
COLD = COURSE.question("causes.cold.q8")  # twitch at 25 °C: the rate at which the twitches fuse
NAN, INF = float("nan"), float("inf")


def _ca(x: float) -> dict:
    return {"ca_mmol": x, "temp_c": 10.0, "drive": 10.0}


# ------------------------------------------------------------------ the model computes the answer
def test_the_calcium_target_is_where_the_models_rest_turns_unstable():
    v = CALCIUM.value
    assert CALCIUM.fixed == {"temp_c": 10.0, "drive": 10.0}
    assert hh.rest_unstable(v - 1e-4, 10.0, 10.0) and not hh.rest_unstable(v + 1e-4, 10.0, 10.0)
    # The explorer the learner moves says the same: it fires at 1.04 and below, and rests above.
    ex = show_explorer("excitability", **CALCIUM.start_state())
    assert ex.onset_mmol() == 1.04 and 1.04 < v < 1.06
    assert CALCIUM.right_positions() == [1.04, 1.06] and CALCIUM.right_answer() == _ca(1.04)


def test_the_fusion_target_is_where_the_twitches_first_fuse_90_percent():
    v = COLD.value
    assert tw.fusion_index(v - 0.01, 25.0) < tw.NEARLY_FUSED <= tw.fusion_index(v + 0.01, 25.0)
    assert COLD.right_positions() == [10, 11]
    # Warm, the same twitches need a faster rate: the lesson's point, from the same target.
    assert TARGETS["twitches_fuse"].find({"temp_c": 35.0}) > v + 4
    ex = show_explorer("twitch", rate_hz=11, temp_c=25.0)
    assert "a nearly fused tetanus" in ex.summary()
    ex.set_state({"rate_hz": 10})
    assert "an unfused tetanus" in ex.summary()


@pytest.mark.parametrize("q", [CALCIUM, COLD], ids=lambda q: q.id)
def test_every_slider_position_is_graded_by_its_distance_from_the_target(q):
    s = q.slider
    for x in s.positions():
        g = grade(q, {q.control: x}, COURSE)
        right = abs(x - q.value) <= q.tolerance
        assert g.correct is right and g.score == float(right), x
        says = TARGETS[q.target].says(q.read({q.control: x}))
        assert g.feedback[0] == says
        side = q.feedback if right else (q.feedback_low if x < q.value else q.feedback_high)
        assert g.feedback[1] == side


def test_the_feedback_says_what_the_model_does_at_the_value_sent():
    low, right, high = (grade(CALCIUM, _ca(x), COURSE) for x in (1.02, 1.06, 1.08))
    assert not low.correct and low.feedback == [
        "At 1.02 mmol/L calcium, the model nerve fires on its own, as in tetany.",
        CALCIUM.feedback_low,
    ]
    assert right.correct and right.feedback[0].endswith("the model nerve rests: it does not fire on its own.")
    assert not high.correct and high.feedback[1] == CALCIUM.feedback_high
    assert high.answer_text.startswith("about 1.04 mmol/L (1.04 to 1.06 mmol/L on the slider): the highest")
    assert "with the axon temperature at 10 °C and the background drive at 10 µA/cm²" in high.answer_text
    cold = grade(COLD, {"rate_hz": 8, "temp_c": 25}, COURSE)
    assert cold.feedback[0] == "At 8 Hz and 25 °C, the twitches fuse 83%: an unfused tetanus."
    assert check("causes.cold.q8", {"rate_hz": 11}).correct  # by id, as the classroom grades


# ------------------------------------------------------------------ answers that are not states
@pytest.mark.parametrize(
    "answer, problem",
    [
        (1.04, "expected the explorer's state, slider names and values such as {'ca_mmol': 1.24"),
        ([1.04], "expected the explorer's state"),
        ("ca_mmol=1.04", "expected the explorer's state"),
        ({}, "the state has no ca_mmol; move the blood calcium slider"),
        ({"temp_c": 10}, "the state has no ca_mmol"),
        ({"ca_mmol": 1.04, "calcium": 1}, "has no slider 'calcium'; its sliders: ca_mmol, temp_c, drive"),
        ({"ca_mmol": 1.04, 3: 1}, "has no slider 3"),
        (
            {"ca_mmol": 1.04, "temp_c": 15.0, "drive": 10},
            "the axon temperature is 15 °C, but this question holds it at 10 °C: put the axon temperature "
            "slider back to 10 °C",
        ),
        ({"ca_mmol": 1.04, "drive": 0}, "put the background drive slider back to 10 µA/cm²"),
        ({"ca_mmol": "1.04"}, "ca_mmol must be a number, got str '1.04'"),
        ({"ca_mmol": None}, "ca_mmol must be a number, got NoneType"),
        ({"ca_mmol": True}, "ca_mmol must be a number, got bool"),
        ({"ca_mmol": [1.04]}, "ca_mmol must be a number, got list"),
        ({"ca_mmol": NAN}, "ca_mmol is nan, not a finite number"),
        ({"ca_mmol": -INF}, "not a finite number"),
        ({"ca_mmol": 3.0}, "ca_mmol 3.0 is outside the slider's range, 0.5 to 2 mmol/L"),
        ({"ca_mmol": 10**400}, "is outside the slider's range"),
        ({"ca_mmol": 1.05}, "ca_mmol 1.05 is not a position of the slider (steps of 0.02 mmol/L from 0.5)"),
    ],
)
def test_a_malformed_state_is_explained_not_counted(answer, problem):
    with pytest.raises(AnswerError) as e:
        grade(CALCIUM, answer, COURSE)
    assert str(e.value).startswith("calcium.q17: ") and problem in str(e.value)


def test_a_state_may_leave_out_the_held_sliders_and_reads_whole():
    assert (
        CALCIUM.read({"ca_mmol": 1.04})
        == CALCIUM.read({"drive": 10, "ca_mmol": 1.04, "temp_c": 10})
        == _ca(1.04)
    )
    assert COLD.read({"rate_hz": 11}) == {"rate_hz": 11.0, "temp_c": 25.0}


# ------------------------------------------------------------------ the content names, the model checks
def _bank_with(content_copy, **changes):
    path = content_copy / "quizzes" / "causes.cold.yaml"
    data = yaml.safe_load(path.read_text())
    q = next(q for q in data["questions"] if q["id"] == "causes.cold.q9")
    for key, value in changes.items():
        if value is None:
            q.pop(key, None)
        else:
            q[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return collect_errors(content_copy)


def test_the_fixture_question_loads(fixture_course):
    q = fixture_course.question("causes.cold.q9")
    assert q.right_positions() == [10, 11] and q.start_state() == {"rate_hz": 4, "temp_c": 25.0}


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"explorer": "flow"}, "no explorer 'flow' takes questions; choose from excitability, twitch"),
        ({"control": "speed"}, "the twitch explorer has no slider 'speed'; its sliders: rate_hz, temp_c"),
        ({"fixed": {}}, "'fixed' must hold every other slider (the target depends on them): add temp_c"),
        ({"fixed": None}, "'fixed' must hold every other slider"),
        ({"fixed": {"temp_c": 25, "rate_hz": 4}}, "'fixed' holds 'rate_hz', the slider the learner moves"),
        ({"fixed": {"temp_c": 25, "cold": 1}}, "'fixed' names 'cold', no slider of the twitch explorer"),
        ({"fixed": {"temp_c": 50}}, "fixed temp_c 50 is outside the slider's range, 20 to 37 °C"),
        ({"fixed": {"temp_c": 25.2}}, "fixed temp_c 25.2 is not a position of the slider"),
        ({"fixed": {"temp_c": "cold"}}, "valid number"),
        ({"target": "nope"}, "no target 'nope'; known: nerve_fires, twitches_fuse"),
        ({"target": None}, "Field required"),
        (
            {"target": "nerve_fires"},
            "is read on the excitability explorer's ca_mmol slider, not on the twitch",
        ),
        (
            {"tolerance": 0.1},
            "no position of the firing rate slider (steps of 1 Hz) is within ±0.1 of the target",
        ),
        ({"tolerance": 0}, "greater than 0"),
        ({"start": 11}, "the slider starts at 11 Hz, a right answer: choose another 'start'"),
        ({"start": None}, "the slider starts at 10 Hz, a right answer"),  # the explorer's own start
        ({"start": 70}, "start 70 is outside the slider's range, 1 to 60 Hz"),
        ({"value": 11}, "Extra inputs are not permitted"),  # the answer is the model's, never the content's
        ({"feedback_high": None}, "Field required"),
    ],
)
def test_a_bad_explorer_question_is_refused_naming_what_is_wrong(content_copy, changes, problem):
    course, errors = _bank_with(content_copy, **changes)
    assert course is None and len(errors) == 1, [str(e) for e in errors]
    assert "causes.cold.q9" in str(errors[0]) and problem in str(errors[0]), str(errors[0])


@pytest.mark.parametrize(
    "fixed, problem",
    [
        ({"temp_c": 20, "drive": 0}, "the model nerve fires on its own at no calcium on the slider"),
        ({"temp_c": 5, "drive": 15}, "the model nerve fires on its own even at the top of the slider"),
    ],
)
def test_a_target_the_slider_cannot_reach_is_refused(content_copy, fixed, problem):
    _course, errors = _bank_with(
        content_copy,
        explorer="excitability",
        control="ca_mmol",
        target="nerve_fires",
        tolerance=0.02,
        start=None,
        fixed=fixed,
    )
    assert len(errors) == 1 and "target 'nerve_fires' is not reached on the blood calcium slider" in str(
        errors[0]
    )
    assert problem in str(errors[0])


# ------------------------------------------------------------------ counting: the class's chart
def test_picks_bin_the_value_sent_at_the_sliders_step_and_sort_as_numbers():
    assert CALCIUM.picks(CALCIUM.read({"ca_mmol": 1.04})) == [("1.04", False)]
    assert CALCIUM.picks(CALCIUM.read({"ca_mmol": 1.1})) == [("1.1", True)]
    assert CALCIUM.picks(CALCIUM.read({"ca_mmol": 0.9})) == [("0.9", True)]
    assert COLD.picks(COLD.read({"rate_hz": 11})) == [("11", False)]
    assert CALCIUM.pick_label("1.04") == "1.04 mmol/L" and COLD.pick_label("11") == "11 Hz"
    keys = ["1.1", "0.9", "1.04", "2", "0.56"]
    assert sorted(keys, key=lambda k: CALCIUM.key_order(k, 1)) == ["0.56", "0.9", "1.04", "1.1", "2"]
    assert CALCIUM.listed_keys() == [] and CALCIUM.choice_keys() == []


def test_what_a_student_sees_builds_the_explorer_and_holds_no_answer():
    pub = CALCIUM.public([])
    assert pub == {
        "explorer": "excitability",
        "control": "ca_mmol",
        "fixed": {"temp_c": 10.0, "drive": 10.0},
        "start": 1.24,
        "unit": "mmol/L",
        "min": 0.5,
        "max": 2.0,
        "step": 0.02,
    }
    ex = show_explorer(pub["explorer"], **pub["fixed"], **{pub["control"]: pub["start"]})
    assert ex.state == CALCIUM.start_state() and not grade(CALCIUM, ex.state, COURSE).correct


def test_guessing_a_slider_position_scores_the_share_of_right_positions():
    def score(a):
        try:
            return grade(CALCIUM, a, COURSE).score
        except AnswerError:
            return 0.0

    assert CALCIUM.chance(score) == pytest.approx(2 / 76) == CALCIUM.cue(score)
    rng = random.Random(3)
    for _ in range(20):
        wrong = CALCIUM.wrong_answer(rng)
        assert not grade(CALCIUM, wrong, COURSE).correct and set(wrong) == set(SLIDERS["excitability"])


def test_exports_leave_it_out_and_say_why_and_the_worksheet_has_it():
    assert "calcium.q17" not in export_gift(COURSE, "is_it_calcium")
    assert "calcium.q17" not in str(export_jupyterquiz(COURSE, "is_it_calcium"))
    why = dict(skipped(COURSE, "gift", "is_it_calcium"))
    assert why["calcium.q17"] == "GIFT has no question answered by setting an interactive model"
    assert dict(skipped(COURSE, "jupyterquiz", "is_it_calcium"))["calcium.q17"].startswith(
        "jupyterquiz has no"
    )
    sheet = export_markdown(COURSE, "causes_muscle_and_cold")
    assert "set the muscle temperature at 25 °C, then move the firing rate slider" in sheet
    assert "about 11 Hz (10 to 11 Hz on the slider)" in sheet


# ------------------------------------------------------------------ the input: the explorer itself
@pytest.mark.parametrize("q", [CALCIUM, COLD], ids=lambda q: q.id)
def test_the_input_is_the_explorer_with_the_held_state_and_one_labelled_slider(q):
    inp = build(q, [])
    assert inp.answer() == q.start_state()
    (slider,) = inp.controls
    assert isinstance(slider, Slider) and slider.description and slider.value == q.start_value
    assert q.held() in inp.widgets[0].value
    inp.fill(q.right_answer())
    assert inp.answer() == q.right_answer() and grade(q, inp.answer(), COURSE).correct
    slider.value = q.slider.positions()[0]  # the learner drags the slider
    assert inp.answer()[q.control] == q.slider.positions()[0]
    before = inp.answer()
    with pytest.raises(StateError, match="not a finite number"):
        inp.fill({q.control: NAN})
    assert inp.answer() == before


def test_a_checked_answer_locks_the_slider_until_try_again():
    qw = QuestionWidget(CALCIUM, seed="s", course=COURSE, record=None, publish=False)
    (slider,) = qw.input.controls
    slider.value = 0.9
    g = qw.check()
    assert g is not None and not g.correct and slider.disabled
    qw.retry()
    assert not slider.disabled
    slider.value = 1.04
    assert qw.check().correct


# ------------------------------------------------------------------ the explorers' state API
def _explorer(name: str) -> Explorer:
    ex = show_explorer(name, "toe_pull_knee_straight") if name == "stretch" else show_explorer(name)
    assert isinstance(ex, Explorer)
    return ex


def _another(control) -> object:
    """A value the control can take other than its own."""
    if isinstance(control, Slider):
        return next(x for x in (control.max, control.min) if x != control.value)
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return next(v for v in values if v != control.value)
    if isinstance(control.value, bool):
        return not control.value
    return control.value + 1


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_explorer_reports_and_takes_a_state(name):
    ex = _explorer(name)
    state = ex.state
    assert list(state) == list(ex.controls) and state == {k: w.value for k, w in ex.controls.items()}
    ex.set_state(state)
    assert ex.state == state
    for key, control in ex.controls.items():
        other = _explorer(name)
        value = _another(control)
        other.set_state({key: value})
        assert other.state[key] == value, key
        assert other.summary() == _explorer_with(name, other.state).summary(), key


def _explorer_with(name: str, state: dict) -> Explorer:
    ex = _explorer(name)
    ex.set_state(state)
    return ex


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_a_state_an_explorer_cannot_take_changes_nothing(name):
    ex = _explorer(name)
    state, summary = ex.state, ex.summary()
    bad = [("nope", 1, "has no control 'nope'; its controls: ")]
    for key, control in ex.controls.items():
        if hasattr(control, "min"):
            bad += [
                (key, control.max + 1000, "is outside its range"),
                (key, NAN, "not a finite number"),
                (key, "5", "expected a number, got str"),
                (key, True, "expected a number, got bool"),
            ]
            if isinstance(control, Slider):
                bad.append((key, control.min + control.step / 2, "is not a position of the slider"))
        elif isinstance(control.value, bool):
            bad.append((key, 1, "expected true or false"))
        else:
            bad.append((key, "nowhere", "is not a choice; choose from"))
    for key, value, problem in bad:
        good = {
            k: _another(c) for k, c in ex.controls.items() if k != key
        }  # set along with it: not set either
        with pytest.raises(StateError) as e:
            ex.set_state({**good, key: value})
        assert problem in str(e.value) and isinstance(e.value, CrampLessonsError), (key, value)
        assert ex.state == state and ex.summary() == summary, (key, value)
    with pytest.raises(StateError, match="a state is a mapping of control names to values"):
        ex.set_state([1, 2])


def test_set_state_redraws_once_and_names_each_control():
    ex = show_explorer("excitability")
    calls = []
    update = ex.update
    ex.update = lambda **v: (calls.append(v), update(**v))  # type: ignore[method-assign]
    ex.set_state({"ca_mmol": 0.9, "temp_c": 12.5, "drive": 9.5})
    assert len(calls) == 1 and ex.state == {"ca_mmol": 0.9, "temp_c": 12.5, "drive": 9.5}
    assert "At 0.90 mmol/L calcium" in ex.summary() and "12.5 °C" in ex.summary()
    with pytest.raises(
        StateError, match=r"ca_mmol \(Blood ionised calcium \(mmol/L\)\): 0.91 is not a position"
    ):
        ex.set_state({"ca_mmol": 0.91})


def test_values_that_contradict_each_other_are_refused_whole():
    leg = show_explorer("leg")
    state = leg.state
    with pytest.raises(StateError, match="posture 'lying_on_stomach_feet_pointed' does not go with knee 10"):
        leg.set_state({"posture": "lying_on_stomach_feet_pointed", "knee": 10})
    assert leg.state == state
    leg.set_state({"posture": "lying_on_stomach_feet_pointed"})
    assert leg.state == {"posture": "lying_on_stomach_feet_pointed", "knee": 0, "ankle": -40}


# ------------------------------------------------------------------ the questions' sliders are the explorers'
@pytest.mark.parametrize("name", sorted(SLIDERS))
def test_the_sliders_questions_know_are_the_explorers_own(name):
    ex = _explorer(name)
    assert list(SLIDERS[name]) == list(ex.controls)
    for key, s in SLIDERS[name].items():
        w = ex.controls[key]
        assert (w.min, w.max, w.step, w.value) == pytest.approx((s.lo, s.hi, s.step, s.default)), key
        assert s.unit in w.description, key
        assert np.allclose(s.positions(), np.arange(s.lo, s.hi + s.step / 2, s.step)), key


def test_every_target_reads_a_slider_of_an_explorer():
    for name, t in TARGETS.items():
        assert t.explorer in EXPLORERS and t.control in SLIDERS[t.explorer], name
        assert t.about and not t.about.endswith(".")
        held = {k: s.default for k, s in SLIDERS[t.explorer].items() if k != t.control}
        value = t.find(held)
        s = SLIDERS[t.explorer][t.control]
        assert s.lo < value < s.hi and math.isfinite(value), name
