"""The learner's mastery: per lesson, over time, and which lesson comes next.

Pure logic over the progress store and the course, with no figures or widgets: the progress
dashboard (:mod:`cramp_lessons.widgets.dashboard`) lays it out and
:mod:`cramp_lessons.figures.progress` draws it. A question is *answered* once it has an attempt
and *mastered* once an attempt scored 1.0 (its best score is what counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cramp_lessons.course.model import Course, Lesson
from cramp_lessons.learner.progress import ProgressStore


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    label: str
    total: int  # questions in the lesson's banks
    answered: int
    mastered: int  # best score 1.0
    score: float = 0.0  # mean best score over the lesson's questions
    due: int = 0  # questions due for review

    @property
    def mastery(self) -> float:
        return self.mastered / self.total if self.total else 0.0


def lesson_progress(
    course: Course, store: ProgressStore, due: set[str] | None = None
) -> list[LessonProgress]:
    """One row per lesson with questions, in lesson order; ``due`` is the question ids due for review."""
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


def next_lesson(course: Course, rows: list[LessonProgress]) -> Lesson | None:
    """The first available lesson (after the start page) with a question not yet answered, else None."""
    by_id = {r.lesson_id: r for r in rows}
    for les in sorted(course.lessons.values(), key=lambda x: x.number):
        r = by_id.get(les.id)
        if les.status == "available" and les.id != "start" and (r is None or r.answered < r.total):
            return les
    return None
