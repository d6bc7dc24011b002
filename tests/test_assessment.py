"""The course-wide assessment: drawing, practice and exam sittings, the report, and its widget."""

import textwrap
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_lessons.course.grading import grade, right_answer
from cramp_lessons.course.model import load_course
from cramp_lessons.learner import review
from cramp_lessons.learner.assessment import (
    Assessment,
    AssessmentError,
    draw,
    lesson_link,
    lesson_pools,
    report,
)
from cramp_lessons.learner.progress import ProgressStore

HEAT = textwrap.dedent("""\
    bank: causes.heat
    title: Heat
    lesson: two
    questions:
      - id: causes.heat.q1
        type: single
        prompt: "Heavy sweating loses mostly:"
        section: sweat-and-salt
        options:
          - {id: a, text: water and sodium, correct: true, feedback: "Yes."}
          - {id: b, text: calcium, feedback: "No: very little."}
        explanation: Sweat is mostly water with sodium chloride.
        evidence: strong
      - id: causes.heat.q2
        type: truefalse
        prompt: "Salt tablets prevent every cramp."
        answer: false
        feedback_true: "No trial shows that."
        feedback_false: "Right."
        explanation: Unproven.
        evidence: unproven
      - id: causes.heat.q3
        type: numeric
        prompt: "Sweat rate in litres per hour, hard work in heat, up to?"
        value: 2
        tolerance: 0.5
        unit: L/h
        explanation: Up to about 2 L/h.
        evidence: moderate
    """)
THIRD_LESSON = (
    "  - id: three\n"
    '    number: "03"\n'
    "    title: Lesson three\n"
    "    notebook: 03_three.ipynb\n"
    "    status: planned\n"
    "    minutes: 10\n"
    "    summary: No quiz yet.\n"
    "    objectives: [Nothing]\n"
)


@pytest.fixture
def course(content_copy):
    """Three lessons: 'one' (9 questions), 'two' (3 questions), 'three' (no questions)."""
    (content_copy / "quizzes" / "causes.heat.yaml").write_text(HEAT)
    lessons = content_copy / "lessons.yaml"
    lessons.write_text(lessons.read_text() + THIRD_LESSON)
    return load_course(content_copy)


def lessons_of(course, qs):
    return {course.lesson_of_question(q.id) for q in qs}


# ------------------------------------------------------------------ draw
def test_pools_cover_lessons_with_questions_only(course):
    pools = lesson_pools(course)
    assert list(pools) == ["one", "two"]
    assert len(pools["one"]) == 9 and len(pools["two"]) == 3


def test_draw_per_lesson_covers_every_lesson_without_repeats(course):
    qs = draw(course, seed=1, n_per_lesson=2)
    assert len(qs) == 4
    assert lessons_of(course, qs) == {"one", "two"}
    assert len({q.id for q in qs}) == len(qs)
    # A lesson with fewer questions than asked gives all it has.
    qs = draw(course, seed=1, n_per_lesson=5)
    assert len(qs) == 5 + 3 and sum(course.lesson_of_question(q.id) == "two" for q in qs) == 3


def test_draw_is_reproducible_with_a_seed_and_differs_across_seeds(course):
    def ids(s):
        return [q.id for q in draw(course, seed=s, n_per_lesson=3)]

    assert ids(7) == ids(7) == ids("7")
    assert len({tuple(ids(s)) for s in range(12)}) > 1
    assert len({tuple(ids(s)) for s in range(12)}) > 6  # not just two alternatives


def test_draw_mixes_lessons(course):
    """The order interleaves lessons rather than listing lesson one, then lesson two."""
    orders = [
        [course.lesson_of_question(q.id) for q in draw(course, seed=s, n_per_lesson=3)] for s in range(20)
    ]
    assert any(o != sorted(o) for o in orders)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(), total=st.integers(min_value=2, max_value=10))
def test_draw_total_is_exact_covers_and_never_repeats(course, seed, total):
    qs = draw(course, seed=seed, total=total)
    assert len(qs) == total
    assert lessons_of(course, qs) == {"one", "two"}
    assert len({q.id for q in qs}) == total
    # As even as the lessons allow: lesson two (3 questions) gets its share before lesson one takes more.
    two = sum(course.lesson_of_question(q.id) == "two" for q in qs)
    assert two == min(3, total // 2) or two == min(3, (total + 1) // 2)


def test_draw_refuses_what_it_cannot_do(course):
    with pytest.raises(AssessmentError, match="cover all 2 lessons"):
        draw(course, seed=1, total=1)
    with pytest.raises(AssessmentError, match="more than the 12 questions"):
        draw(course, seed=1, total=13)
    with pytest.raises(AssessmentError, match="not both"):
        draw(course, seed=1, n_per_lesson=1, total=4)
    with pytest.raises(AssessmentError, match="at least 1"):
        draw(course, seed=1, n_per_lesson=0)


def test_draw_default_is_three_per_lesson(course):
    assert len(draw(course, seed=3)) == 3 + 3


# ------------------------------------------------------------------ sittings and the report
def test_links_name_the_section_or_the_notebook(course):
    assert lesson_link(course, "causes.heat.q1") == "notebooks/02_two.ipynb#sweat-and-salt"
    assert lesson_link(course, "causes.cold.q1") == "notebooks/01_one.ipynb"


def test_exam_gives_no_feedback_until_the_end_and_reports_by_lesson_and_type(course):
    a = Assessment.drawn(course, "exam", seed=5, n_per_lesson=10)  # every question
    assert len(a.questions) == 12
    wrong = {
        "causes.heat.q1": "b",
        "causes.cold.q3": True,
        "causes.cold.q2": ["a"],
    }  # wrong, wrong, half right
    for q in a.questions:
        assert a.answer(q.id, wrong.get(q.id, right_answer(q))) is None  # exam: nothing shown yet
    with pytest.raises(AssessmentError, match="one answer per question"):
        a.answer("causes.cold.q1", "a")
    rep = a.finish()
    assert rep.total.count == 12 and rep.total.score == pytest.approx(9.5)
    assert list(rep.by_lesson) == ["one", "two"]
    assert rep.by_lesson["one"].score == pytest.approx(7.5) and rep.by_lesson["one"].count == 9
    assert rep.by_lesson["two"].score == 2 and rep.by_lesson["two"].count == 3
    assert rep.by_type["truefalse"].score == 1 and rep.by_type["truefalse"].count == 2
    assert rep.by_type["multiple"].share == 0.5
    assert list(rep.by_type) == [
        t
        for t in ("single", "multiple", "truefalse", "numeric", "ordering", "matching", "short", "explorer")
        if t in rep.by_type
    ]
    missed = {m.question_id: m for m in rep.missed}
    assert set(missed) == set(wrong)
    heat = missed["causes.heat.q1"]
    assert heat.link == "notebooks/02_two.ipynb#sweat-and-salt"
    assert heat.explanation == "Sweat is mostly water with sodium chloride." and heat.verdict == "wrong"
    assert heat.answer_text == "water and sodium"
    assert missed["causes.cold.q2"].verdict == "partly right"
    assert missed["causes.cold.q3"].link == "notebooks/01_one.ipynb"

    text = rep.as_text()
    assert text.startswith("Exam result: 9.5 of 12 (79%).")
    assert "01 Lesson one 7.5/9 (83%)" in text and "myth or fact 1/2 (50%)" in text
    assert (
        "causes.heat.q1 (wrong): Sweat is mostly water with sodium chloride. -> notebooks/02_two.ipynb#sweat-and-salt"
        in text
    )
    page = rep.as_html(from_dir="notebooks")
    assert "href='02_two.ipynb#sweat-and-salt'" in page and "href='01_one.ipynb'" in page
    assert "<caption>Score by lesson</caption>" in page
    assert "href='notebooks/02_two.ipynb#sweat-and-salt'" in rep.as_html()


def test_practice_shows_feedback_and_the_first_answer_counts(course):
    a = Assessment.drawn(course, "practice", seed=2, n_per_lesson=1)
    q, other = a.questions
    first = a.answer(q.id, wrong_answer(q))
    assert first is not None and not first.correct  # practice: the grade comes back at once
    again = a.answer(q.id, right_answer(q))
    assert again.correct and a.answers[q.id].tries == 2
    rep = a.finish()
    assert rep.as_text().startswith("Practice result: 0 of 2")  # the retry did not erase the miss
    missed = {m.question_id: m for m in rep.missed}
    assert missed[q.id].verdict == "wrong"
    assert missed[other.id].verdict == "not answered"  # never answered: counts 0 and is listed
    with pytest.raises(AssessmentError, match="finished"):
        a.answer(other.id, right_answer(other))


def wrong_answer(q):
    """An answer of the right form that scores 0, for any question type."""
    from cramp_lessons.questions.explorer import ExplorerQuestion
    from cramp_lessons.questions.matching import Matching
    from cramp_lessons.questions.multiple import MultipleSelect
    from cramp_lessons.questions.numeric import Numeric
    from cramp_lessons.questions.ordering import Ordering
    from cramp_lessons.questions.single import SingleChoice
    from cramp_lessons.questions.truefalse import TrueFalse

    if isinstance(q, SingleChoice):
        return next(o.id for o in q.options if not o.correct)
    if isinstance(q, TrueFalse):
        return not q.answer
    if isinstance(q, Numeric):
        return q.bounds[1] + 100
    if isinstance(q, MultipleSelect):
        return [o.id for o in q.options if not o.correct]
    if isinstance(q, Ordering):
        return [i.id for i in reversed(q.items)]
    if isinstance(q, Matching):
        rights = [p.right for p in q.pairs]
        return {p.id: rights[(k + 1) % len(rights)] for k, p in enumerate(q.pairs)}
    if isinstance(q, ExplorerQuestion):
        return q.start_state()  # never a right answer: the content model refuses such a start
    raise AssertionError(q.type)


def test_report_of_grades_alone_and_bad_input(course):
    g = grade(course.question("causes.cold.q1"), "a", course)
    rep = report(course, [g])
    assert rep.total.count == 1 and rep.missed == []
    assert "Nothing missed" in rep.as_text()
    with pytest.raises(AssessmentError, match="not drawn"):
        report(course, [g], drawn=[course.question("causes.cold.q2")])
    with pytest.raises(AssessmentError, match="mode"):
        Assessment(course, [course.question("causes.cold.q1")], mode="quiz")
    with pytest.raises(AssessmentError, match="twice"):
        Assessment(course, [course.question("causes.cold.q1")] * 2)
    with pytest.raises(AssessmentError, match="not part"):
        Assessment(course, [course.question("causes.cold.q1")]).answer("causes.cold.q2", ["a"])


# ------------------------------------------------------------------ the widget
class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self):
        return self.now


def enter(qw, value):
    """Put an answer (in grade's form) into a question widget's controls and press Check."""
    qw.input.fill(value)
    return qw.check()


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_widget_exam_records_attempts_hides_feedback_and_reports(course, tmp_path, seed):
    from cramp_lessons.widgets.assessment import AssessmentWidget

    store = ProgressStore(tmp_path / "p.sqlite")
    clock = Clock()
    w = AssessmentWidget(course=course, store=store, clock=clock, mode="exam", seed=seed, total=2)
    assert w.start_button.description == "Start" and w.finish_button.disabled
    a = w.start()
    assert len(w.question_widgets) == 2 and not w.finish_button.disabled
    assert f"Exam with seed {seed}: 2 questions from 2 lessons" in w.text
    qw1, qw2 = w.question_widgets
    g1 = enter(qw1, wrong_answer(qw1.question))
    assert not g1.correct
    assert qw1.feedback.value.startswith("<p role='status'>Answer recorded.")  # no feedback in an exam
    assert qw1.retry_button.layout.display == "none"
    assert enter(qw2, right_answer(qw2.question)).correct
    assert [x.question_id for x in store.attempts()] == [qw1.question.id, qw2.question.id]
    assert store.attempts()[0].at == clock.now.timestamp()

    rep = w.finish()
    assert rep is a.report and rep.total.count == 2 and rep.total.score == 1
    assert "Exam result: 1 of 2 (50%)" in w.report_html.value
    assert "Not quite" in qw1.feedback.value  # the feedback is shown now
    assert w.finish_button.disabled and qw2.check_button.disabled
    assert "Go back to (1):" in w.summary.value
    # The miss is queued for review; the quick right answer is not.
    assert review.next_due(store, qw1.question.id) is not None
    assert review.next_due(store, qw2.question.id) is None
    assert review.due(store, clock.now + timedelta(minutes=11)) == [qw1.question.id]
    assert "1 of the questions you answered will come back in your review" in w.text
    assert w.finish() is rep  # a second Finish changes nothing
    assert len(review.cards(store)) == 1


def test_widget_practice_shows_feedback_and_allows_retry(course, tmp_path):
    from cramp_lessons.widgets.assessment import AssessmentWidget

    store = ProgressStore(tmp_path / "p.sqlite")
    w = AssessmentWidget(course=course, store=store, clock=Clock(), mode="practice", seed=3, n_per_lesson=10)
    w.start()
    qw = next(x for x in w.question_widgets if x.question.id == "causes.cold.q1")
    assert not enter(qw, "b").correct
    assert "cooling slows kinetics" in qw.feedback.value and qw.retry_button.layout.display is None
    qw.retry()
    assert enter(qw, "a").correct
    assert len(store.attempts()) == 2
    assert w.assessment.answers["causes.cold.q1"].tries == 2
    rep = w.finish()
    assert "causes.cold.q1" in [m.question_id for m in rep.missed]


def test_widget_shows_draw_errors(course, tmp_path):
    from cramp_lessons.widgets.assessment import AssessmentWidget

    w = AssessmentWidget(course=course, store=ProgressStore(tmp_path / "p.sqlite"), total=1, seed=1)
    assert w.start() is None
    assert "cover all 2 lessons" in w.status.value and w.finish_button.disabled


def test_widget_times_each_question_from_the_previous_answer(course, tmp_path, monkeypatch):
    """All questions are built at Start; the second one answered 10 s after the first took 10 s, not 110."""
    import time

    from fsrs import Rating

    from cramp_lessons.widgets.assessment import AssessmentWidget

    t = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: t[0])
    store = ProgressStore(tmp_path / "p.sqlite")
    clock = Clock()
    w = AssessmentWidget(course=course, store=store, clock=clock, mode="exam", seed=4, total=2)
    w.start()
    qw1, qw2 = w.question_widgets
    t[0] += 100
    enter(qw1, right_answer(qw1.question))
    t[0] += 10
    enter(qw2, right_answer(qw2.question))
    assert [a.seconds for a in store.attempts()] == [100, 10]
    w.finish()
    assert [c.question_id for c in review.cards(store)] == [qw1.question.id]  # slow: Good, so it comes back
    assert review.cards(store)[0].last_rating == Rating.Good
    assert review.next_due(store, qw2.question.id) is None  # quick and right: known
