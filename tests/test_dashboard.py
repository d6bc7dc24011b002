"""The progress dashboard reads the store right: counts, scores, timeline, reviews due, what next."""

import dataclasses
import subprocess
import sys

from cramp_lessons.course.model import load_course
from cramp_lessons.figures.progress import progress_summary, timeline_summary
from cramp_lessons.learner.mastery import lesson_progress, mastery_timeline, next_lesson
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.widgets.dashboard import next_step, progress_table

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
    assert "01 What is a cramp?" in next_step(next_lesson(course, list(rows.values())))
    assert mastery_timeline(store) == [("1970-01-03", 1)]
    text = progress_summary(list(rows.values()))
    assert "answered 2 of" in text and "1 question(s) are due" in text
    assert timeline_summary(mastery_timeline(store)) == "Mastered questions over time: 1 by 1970-01-03."
    row = f"| 01 What is a cramp? | 2/{len(basics)} answered | {b.score:.0%} | 1 |"
    assert row in progress_table(list(rows.values()))


def test_empty_store(tmp_path):
    course = load_course()
    rows = lesson_progress(course, ProgressStore(tmp_path / "p.sqlite"))
    assert progress_summary(rows).startswith("You have not answered any")
    assert mastery_timeline(ProgressStore(tmp_path / "p.sqlite")) == []
    assert timeline_summary([]).startswith("Mastered questions over time: none yet")


def test_mastery_is_pure_logic_over_store_and_course(tmp_path):
    """learner.mastery alone: per-lesson mastery, the timeline and the next lesson, no figure or widget."""
    course = load_course()
    store = ProgressStore(tmp_path / "p.sqlite")
    first = next_lesson(course, lesson_progress(course, store))
    assert first is not None and first.number == "01" and first.status == "available"
    # Answer every question of the first lesson, fully right, on two days: it is no longer next.
    qids = [q.id for b in course.banks_for(first.id) for q in b.questions]
    for k, qid in enumerate(qids):
        store.record(qid, "x", 1.0, True, at=(1 + k % 2) * DAY)
    store.record(qids[0], "x", 0.0, False, at=3 * DAY)  # a later wrong try keeps the best score
    rows = lesson_progress(course, store)
    row = next(r for r in rows if r.lesson_id == first.id)
    assert (row.answered, row.mastered, row.score, row.mastery) == (len(qids), len(qids), 1.0, 1.0)
    assert next_lesson(course, rows) != first
    assert mastery_timeline(store) == [("1970-01-02", (len(qids) + 1) // 2), ("1970-01-03", len(qids))]
    # Every bank answered: next is a lesson with no questions of its own (the final assessment), if any.
    done = [r.__class__(r.lesson_id, r.label, r.total, r.total, r.total, 1.0) for r in rows]
    last = next_lesson(course, done)
    assert last is None or last.id not in {r.lesson_id for r in done}
    assert next_lesson(dataclasses.replace(course, lessons={}), done) is None
    assert next_step(None).startswith("**You have answered every question")


def test_mastery_imports_no_plotting_or_widgets():
    code = (
        "import sys, cramp_lessons.learner.mastery\n"
        "print(sorted(m for m in ('plotly', 'ipywidgets', 'IPython') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
