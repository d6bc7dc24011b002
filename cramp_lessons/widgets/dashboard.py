"""The learner's progress, read from the store and shown as a chart with a text summary."""
from __future__ import annotations

from ..course import Course, load_course
from ..figures.progress import LessonProgress, mastery_bar
from ..progress import ProgressStore, get_store
from .base import show_figure


def lesson_progress(course: Course, store: ProgressStore) -> list[LessonProgress]:
    best = store.best_scores()
    rows = []
    for les in sorted(course.lessons.values(), key=lambda x: x.number):
        qids = [q.id for b in course.banks_for(les.id) for q in b.questions]
        if not qids:
            continue
        rows.append(LessonProgress(les.id, f"{les.number} {les.title}", len(qids),
                                   sum(q in best for q in qids), sum(best.get(q, 0) >= 1 for q in qids)))
    return rows


def progress_summary(rows: list[LessonProgress]) -> str:
    answered = sum(r.answered for r in rows)
    total = sum(r.total for r in rows)
    if not answered:
        return f"You have not answered any of the course's {total} questions yet: start with lesson 01."
    mastered = sum(r.mastered for r in rows)
    best = max(rows, key=lambda r: r.mastery)
    return (f"You have answered {answered} of {total} questions and fully mastered {mastered}; "
            f"your strongest lesson is {best.label} ({best.mastery:.0%}).")


def progress_dashboard(store: ProgressStore | None = None) -> None:
    """Show the learner's progress so far: a chart per lesson and a one-line summary."""
    course = load_course()
    rows = lesson_progress(course, store or get_store())
    text = progress_summary(rows)
    show_figure(mastery_bar(rows), text)
