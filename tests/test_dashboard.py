"""The progress dashboard reads the store right: counts, scores, timeline, reviews due, what next."""

from cramp_lessons.course.model import load_course
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.widgets.dashboard import (
    lesson_progress,
    mastery_timeline,
    next_lesson,
    progress_summary,
    progress_table,
)

DAY = 86_400.0


def test_progress_by_lesson_and_next_step(tmp_path):
    course = load_course()
    store = ProgressStore(tmp_path / "p.sqlite")
    basics = [q.id for q in course.bank("basics").questions]
    store.record(basics[0], "x", 0.0, False, at=1 * DAY)
    store.record(basics[0], "x", 1.0, True, at=2 * DAY)
    store.record(basics[1], "x", 0.5, False, at=2 * DAY)
    rows = {r.lesson_id: r for r in lesson_progress(course, store, due={basics[1]})}
    b = rows["what_is_a_cramp"]
    assert (b.answered, b.mastered, b.due) == (2, 1, 1)
    assert b.score == (1.0 + 0.5) / len(basics)
    assert "01 What is a cramp?" in next_lesson(course, list(rows.values()))
    assert mastery_timeline(store) == [("1970-01-03", 1)]
    text = progress_summary(list(rows.values()))
    assert "answered 2 of" in text and "1 question(s) are due" in text
    row = f"| 01 What is a cramp? | 2/{len(basics)} answered | {b.score:.0%} | 1 |"
    assert row in progress_table(list(rows.values()))


def test_empty_store(tmp_path):
    course = load_course()
    rows = lesson_progress(course, ProgressStore(tmp_path / "p.sqlite"))
    assert progress_summary(rows).startswith("You have not answered any")
    assert mastery_timeline(ProgressStore(tmp_path / "p.sqlite")) == []
