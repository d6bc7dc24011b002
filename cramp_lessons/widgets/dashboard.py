"""The learner's progress dashboard: per-lesson table, charts, reviews due, what next.

What it shows is computed in :mod:`cramp_lessons.learner.mastery` and drawn in
:mod:`cramp_lessons.figures.progress`; this module lays it out.
"""

from __future__ import annotations

import time

from IPython.display import Markdown, display

from cramp_lessons.course.model import Lesson, load_course
from cramp_lessons.figures.progress import mastery_bar, mastery_over_time, progress_summary, timeline_summary
from cramp_lessons.learner.mastery import LessonProgress, lesson_progress, mastery_timeline, next_lesson
from cramp_lessons.learner.progress import ProgressStore, get_store
from cramp_lessons.widgets.base import show_figure


def next_step(lesson: Lesson | None) -> str:
    """Where to go next (:func:`~cramp_lessons.learner.mastery.next_lesson`), as a Markdown line."""
    if lesson is None:
        return (
            "**You have answered every question of the lessons so far.** "
            "Try the final assessment or your reviews."
        )
    return f"**Continue where you left off:** [{lesson.number} {lesson.title}]({lesson.notebook})"


def progress_table(rows: list[LessonProgress]) -> str:
    lines = ["| Lesson | Done | Score | Due for review |", "|---|---|---|---|"]
    for r in rows:
        done = "✔ done" if r.answered == r.total else f"{r.answered}/{r.total} answered"
        lines.append(f"| {r.label} | {done} | {r.score:.0%} | {r.due or '–'} |")
    return "\n".join(lines)


def progress_dashboard(store: ProgressStore | None = None, now: float | None = None) -> None:
    """Show the learner's progress: table, chart by lesson, mastery over time, and what to do next."""
    from cramp_lessons.learner import review

    course = load_course()
    store = store or get_store()
    due = set(review.due(store, time.time() if now is None else now))
    rows = lesson_progress(course, store, due)
    display(Markdown(progress_table(rows) + "\n\n" + next_step(next_lesson(course, rows))))
    show_figure(mastery_bar(rows), progress_summary(rows))
    timeline = mastery_timeline(store)
    show_figure(mastery_over_time(timeline), timeline_summary(timeline))
