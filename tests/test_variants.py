"""Question variants from the course's own models (issue 14 §4): each learner gets their own numbers,
the model computes the answer, and the seed is stored so an answer can be re-graded."""

from __future__ import annotations

import re

import pytest

from cramp_lessons.course import variants as V
from cramp_lessons.course.grading import check, grade, right_answer
from cramp_lessons.course.model import load_course
from cramp_lessons.errors import ContentError
from cramp_lessons.physiology import circulation as circ

COURSE = load_course()
VARIANTS = [q for q in COURSE.questions.values() if q.generator]


def test_at_least_ten_generators_appear_in_the_lessons():
    used = {q.generator for q in VARIANTS}
    assert used == set(V.GENERATORS) and len(used) >= 10
    assert {COURSE.lesson_of_question(q.id) for q in VARIANTS} >= {
        "what_is_a_cramp",
        "is_it_calcium",
        "causes_muscle_and_cold",
        "causes_calcium_and_arteries",
        "causes_position_spine_nutrition",
    }
    kinds = {V.GENERATORS[g].kind for g in used}
    assert kinds == {"numeric", "single"}


@pytest.mark.parametrize("q", VARIANTS, ids=lambda q: q.id)
def test_a_seed_gives_the_same_question_and_seeds_differ(q):
    a, b = V.instance(q, "ann"), V.instance(q, "ann")
    assert a.prompt == b.prompt and "{" not in a.prompt and "{" not in a.explanation
    drawn = {V.instance(q, f"learner-{k}").prompt for k in range(30)}
    assert len(drawn) > 2, "every learner would see the same numbers"
    assert a.level == "apply" and a.hint


def test_the_abi_variant_answer_is_the_model_s():
    q = COURSE.question("causes.arteries.q11")
    for k in range(20):
        v = V.instance(q, k)
        ankle, arm = map(int, re.findall(r"(\d+) mmHg", v.prompt))
        assert v.value == pytest.approx(round(circ.ankle_brachial_index(ankle, arm), 2))
    band_q = COURSE.question("causes.arteries.q12")
    for k in range(20):
        v = V.instance(band_q, k)
        ankle, arm = map(int, re.findall(r"(\d+) mmHg", v.prompt))
        band = circ.abi_band(circ.ankle_brachial_index(ankle, arm))
        assert [o.id for o in v.options if o.correct] == [band.id]


def test_a_stored_variant_answer_is_regraded_with_its_own_numbers():
    q = COURSE.question("causes.arteries.q10")
    seeds = [f"s{k}" for k in range(40)]
    a, b = next((x, y) for x in seeds for y in seeds if V.instance(q, x).value != V.instance(q, y).value)
    right_a = right_answer(V.instance(q, a))
    assert check(q.id, {"seed": a, "answer": right_a}).correct
    assert not check(q.id, {"seed": b, "answer": right_a}).correct


def test_the_course_keeps_one_draw_for_exports_and_the_classroom():
    q = COURSE.question("basics.q18")
    assert q.prompt == V.instance(q, V.COURSE_SEED).prompt
    assert grade(q, right_answer(q), COURSE).correct


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("generator: abi_value", "generator: crystal_ball"), "no generator 'crystal_ball'"),
        (("{ankle} mmHg at the ankle", "{ankel} mmHg at the ankle"), "placeholder"),
        (("generator: abi_value", "generator: abi_band"), "makes single questions, not numeric"),
    ],
)
def test_a_broken_template_names_the_question(tmp_path, change, problem):
    import shutil

    from cramp_lessons.course.model import CONTENT_DIR

    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    f = copy / "quizzes" / "causes.arteries.yaml"
    text = f.read_text()
    assert change[0] in text
    f.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(ContentError) as ei:
        load_course(copy)
    e = ei.value
    assert e.item == "causes.arteries.q11" and e.field == "generator" and problem in e.problem


def test_the_quiz_widget_draws_the_learners_numbers_and_stores_the_seed():
    from cramp_lessons.learner.progress import learner_seed
    from cramp_lessons.widgets.quiz import QuestionWidget

    q = COURSE.question("causes.arteries.q11")
    recorded = []
    w = QuestionWidget(q, course=COURSE, record=lambda *a: recorded.append(a))
    assert w.variant_seed == learner_seed() and w.question.prompt == V.instance(q, learner_seed()).prompt
    w.input.fill(str(w.question.value))
    g = w.check()
    assert g.correct and recorded[0][1] == {"seed": learner_seed(), "answer": str(w.question.value)}
    assert check(q.id, recorded[0][1]).correct  # re-graded from what was stored
    other = QuestionWidget(q, course=COURSE, record=None, variant_seed="another sitting")
    assert other.question.prompt == V.instance(q, "another sitting").prompt


def test_a_class_only_hears_the_course_draw(joined_class):
    from cramp_lessons import classroom

    client = joined_class()
    classroom.forward_answer("causes.arteries.q11", {"seed": "mine", "answer": "0.9"})
    classroom.forward_answer("causes.arteries.q11", {"seed": V.COURSE_SEED, "answer": "0.9"})
    classroom.forward_answer("causes.cold.q1", "b")
    assert client.sent == [("causes.arteries.q11", "0.9"), ("causes.cold.q1", "b")]
