"""The quiz widget: every type renders labelled controls, Check grades, bad input explains, retry works."""

import pytest

from cramp_lessons.learner.progress import get_store
from cramp_lessons.widgets.quiz import QuestionWidget, QuizWidget


@pytest.fixture
def make(fixture_course):
    recorded = []

    def build(qid, **kw):
        q = fixture_course.question(qid)
        w = QuestionWidget(q, course=fixture_course, record=lambda *a: recorded.append(a), seed=1, **kw)
        return w, recorded

    return build


def test_every_type_has_labelled_controls(fixture_course, make):
    for qid in fixture_course.questions:
        w, _ = make(qid)
        controls = w.input.controls  # instructions (HTML) and figures (boxes) left out
        assert controls, qid
        assert all(c.description for c in controls), qid
        assert w.check_button.description == "Check"


def test_single_choice_check_and_retry(make):
    w, rec = make("causes.cold.q1")
    w.input.fill("b")
    g = w.check()
    assert not g.correct and "cooling slows kinetics" in w.feedback.value
    assert w.input.controls[0].disabled and w.check_button.disabled and w.retry_button.layout.display is None
    assert rec[0][0] == "causes.cold.q1" and rec[0][1] == "b"
    w.retry()
    assert not w.input.controls[0].disabled and w.feedback.value == ""
    w.input.fill("a")
    assert w.check().correct and "✔ Correct" in w.feedback.value
    assert w.tries == 2 and len(rec) == 2


def test_empty_answer_warns_and_records_nothing(make):
    w, rec = make("causes.cold.q1")
    assert w.check() is None
    assert "no answer" in w.feedback.value and rec == []
    assert not w.check_button.disabled


def test_numeric_bad_format_is_explained(make):
    w, rec = make("causes.cold.q4")
    w.input.fill("six")
    assert w.check() is None
    assert "not a number" in w.feedback.value and rec == []
    w.input.fill("6.25")
    assert w.check().correct


def test_ordering_needs_every_slot(make):
    w, rec = make("causes.cold.q6")
    w.input.controls[0].value = "ap"
    assert w.check() is None and "every position" in w.feedback.value
    w.input.fill(["ap", "sr", "tn", "xb"])
    assert w.check().correct


def test_matching_and_multiple(make):
    w, _ = make("causes.cold.q7")
    w.input.fill(
        {
            "cramp": "Sudden, painful, eased by stretch",
            "contracture": "Electrically silent",
            "tetany": "Low calcium nerve excitability",
        }
    )
    assert w.check().correct
    m, _ = make("causes.cold.q2")
    m.input.fill(["a"])
    g = m.check()
    assert g.score == 0.5 and "Partly right" in m.feedback.value


def test_truefalse_toggle(make):
    w, _ = make("causes.cold.q3")
    w.input.fill(False)
    assert w.check().correct


def test_exam_mode_hides_feedback(make):
    w, rec = make("causes.cold.q1", show_feedback=False)
    w.input.fill("b")
    w.check()
    assert "Answer recorded" in w.feedback.value and "cooling" not in w.feedback.value
    assert len(rec) == 1


def test_quiz_bank_records_to_store_and_scores(fixture_course):
    qz = QuizWidget("causes.cold", course=fixture_course)
    assert repr(qz.widget).startswith("[quiz] Quiz 'Cold': 9 questions")
    first = next(q for q in qz.questions if q.question.id == "causes.cold.q1")
    first.input.fill("a")
    first.check()
    assert "1 of 1 answered" in qz.score.value
    stored = get_store().attempts()
    assert [(a.question_id, a.correct) for a in stored] == [("causes.cold.q1", True)]


def test_unknown_bank_is_a_clear_error(fixture_course):
    with pytest.raises(KeyError, match="known banks: causes.cold"):
        QuizWidget("causes.hot", course=fixture_course)


def test_answer_time_runs_from_first_touch(make, monkeypatch):
    import cramp_lessons.widgets.quiz as wq

    now = [1000.0]
    monkeypatch.setattr(wq.time, "monotonic", lambda: now[0])
    w, rec = make("causes.cold.q1")
    now[0] += 600  # ten minutes reading the lesson before touching the question
    w.input.fill("b")
    now[0] += 4
    w.check()
    assert rec[-1][3] == 4
    w.retry()
    now[0] += 100
    w.input.fill("a")
    now[0] += 2
    w.check()
    assert rec[-1][3] == 2
