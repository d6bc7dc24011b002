"""Answer events (issue 13 §2): the quiz publishes, spaced review and the classroom subscribe, so the
quiz widget imports neither, and any recorder still feeds review."""

from __future__ import annotations

import ast
from pathlib import Path

from cramp_lessons import classroom, events
from cramp_lessons.learner import review
from cramp_lessons.learner.progress import get_store
from cramp_lessons.widgets.quiz import QuestionWidget

PACKAGE = Path(__file__).resolve().parents[1] / "cramp_lessons"


def test_any_recorder_feeds_spaced_review(fixture_course):
    recorded = []
    w = QuestionWidget(
        fixture_course.question("causes.cold.q1"), course=fixture_course, record=lambda *a: recorded.append(a)
    )
    w.input.fill("b")  # wrong: the question comes back in review
    w.check()
    assert recorded and "causes.cold.q1" in {q for q in review.due(get_store(), review.as_utc(2e9))}


def test_a_widget_that_does_not_publish_leaves_review_alone(fixture_course):
    w = QuestionWidget(
        fixture_course.question("causes.cold.q1"),
        course=fixture_course,
        record=lambda *a: None,
        publish=False,
    )
    w.input.fill("b")
    w.check()
    assert review.due(get_store(), review.as_utc(2e9)) == []


def test_the_class_subscribes_only_while_joined(fixture_course, joined_class):
    def answer(value):
        w = QuestionWidget(
            fixture_course.question("causes.cold.q1"), course=fixture_course, record=lambda *a: None
        )
        w.input.fill(value)
        w.check()

    answer("a")
    client = joined_class()
    answer("b")
    classroom.set_active(None)
    answer("a")
    assert client.sent == [("causes.cold.q1", "b")]


def test_a_failing_subscriber_does_not_silence_the_others():
    from cramp_lessons.errors import CrampLessonsError

    heard = []

    def broken(_e):
        raise CrampLessonsError("store is read-only")

    events.subscribe(broken)
    events.subscribe(heard.append)
    try:
        problems = events.publish(events.AnswerEvent(None, "a", None, 1.0, 1, for_review=False))
    finally:
        events.unsubscribe(broken)
        events.unsubscribe(heard.append)
    assert problems == ["store is read-only"] and len(heard) == 1


def test_the_quiz_widget_imports_nothing_of_the_classroom():
    tree = ast.parse((PACKAGE / "widgets" / "quiz.py").read_text())
    imported = {(node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names
    }
    assert not any("classroom" in m for m in imported), imported
