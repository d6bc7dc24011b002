"""The learner's progress, read from the store: per-lesson table, charts, reviews due, what next."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from IPython.display import Markdown, display

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.figures.progress import LessonProgress, mastery_bar, mastery_over_time
from cramp_lessons.learner.progress import ProgressStore, get_store
from cramp_lessons.widgets.base import show_figure


def lesson_progress(
    course: Course, store: ProgressStore, due: set[str] | None = None
) -> list[LessonProgress]:
    best = store.best_scores()
    due = due or set()
    rows = []
    for les in sorted(course.lessons.values(), key=lambda x: x.number):
        qids = [q.id for b in course.banks_for(les.id) for q in b.questions]
        if not qids:
            continue
        rows.append(
            LessonProgress(
                les.id,
                f"{les.number} {les.title}",
                len(qids),
                sum(q in best for q in qids),
                sum(best.get(q, 0) >= 1 for q in qids),
                sum(best.get(q, 0) for q in qids) / len(qids),
                sum(q in due for q in qids),
            )
        )
    return rows


def mastery_timeline(store: ProgressStore) -> list[tuple[str, int]]:
    """(day, questions fully mastered by the end of that day), one point per day with answers."""
    first_mastered: dict[str, float] = {}
    for a in store.attempts():
        if a.correct and a.question_id not in first_mastered:
            first_mastered[a.question_id] = a.at
    days: dict[str, int] = {}
    for at in sorted(first_mastered.values()):
        day = datetime.fromtimestamp(at, tz=UTC).date().isoformat()
        days[day] = days.get(day, 0) + 1
    out, total = [], 0
    for day in sorted(days):
        total += days[day]
        out.append((day, total))
    return out


def next_lesson(course: Course, rows: list[LessonProgress]) -> str:
    by_id = {r.lesson_id: r for r in rows}
    for les in sorted(course.lessons.values(), key=lambda x: x.number):
        r = by_id.get(les.id)
        if les.status == "available" and les.id != "start" and (r is None or r.answered < r.total):
            return f"**Continue where you left off:** [{les.number} {les.title}]({les.notebook})"
    return "**You have answered every question of the lessons so far.** Try the final assessment or your reviews."


def progress_summary(rows: list[LessonProgress]) -> str:
    answered = sum(r.answered for r in rows)
    total = sum(r.total for r in rows)
    due = sum(r.due for r in rows)
    tail = f" {due} question(s) are due for review today." if due else ""
    if not answered:
        return f"You have not answered any of the course's {total} questions yet: start with lesson 01.{tail}"
    mastered = sum(r.mastered for r in rows)
    best = max(rows, key=lambda r: r.mastery)
    return (
        f"You have answered {answered} of {total} questions and fully mastered {mastered}; "
        f"your strongest lesson is {best.label} ({best.mastery:.0%}).{tail}"
    )


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
    display(Markdown(progress_table(rows) + "\n\n" + next_lesson(course, rows)))
    show_figure(mastery_bar(rows), progress_summary(rows))
    timeline = mastery_timeline(store)
    text = (
        f"Mastered questions over time: {timeline[-1][1]} by {timeline[-1][0]}."
        if timeline
        else "Mastered questions over time: none yet; the line grows as you get questions fully right."
    )
    show_figure(mastery_over_time(timeline), text)
