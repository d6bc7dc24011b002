"""Readability grades of the lessons and cards (Flesch-Kincaid grade level, via textstat).

The course is for lay adults: it aims at about grade 8, and ``cramp-lessons check`` warns about any
card above grade 10. A lesson's text is what its learner reads (:mod:`cramp_lessons.course.rendered`): its
Markdown cells and the cards it shows. A card's text is its summary and body. Both are stripped to
plain sentences by :func:`cramp_lessons.course.rendered.plain_text` before they are graded.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

from cramp_lessons.course.model import Course, Topic
from cramp_lessons.course.rendered import lesson_segments, plain_text

TARGET_GRADE = 8.0  # what the course aims at
CARD_LIMIT = 10.0  # a card above this grade is a warning in `check`


@functools.lru_cache(maxsize=1)
def _fk_grade():  # textstat.flesch_kincaid_grade, imported on first use
    # textstat 0.7.3 imports pkg_resources, which warns that it is deprecated: not our warning to show.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import textstat

    return textstat.flesch_kincaid_grade


def grade(markdown: str) -> float:
    """The Flesch-Kincaid grade of Markdown text, after stripping it to plain sentences (0.0 if empty)."""
    text = plain_text(markdown)
    if not text.strip():
        return 0.0
    return round(float(_fk_grade()(text)), 1)


def card_text(t: Topic) -> str:
    """The text a card's readability is graded on: its summary and body."""
    return "\n\n".join(p for p in (t.summary, t.body) if p)


def card_grades(course: Course) -> dict[str, float]:
    """Topic id -> the Flesch-Kincaid grade of its card (summary and body)."""
    return {tid: grade(card_text(t)) for tid, t in course.topics.items()}


def lesson_grades(course: Course, notebooks_dir: Path | None) -> dict[str, float]:
    """Lesson id -> the Flesch-Kincaid grade of all it shows (Markdown cells and cards), in course order.

    Lessons whose notebook is not in ``notebooks_dir`` are left out.
    """
    return {
        lesson_id: grade("\n\n".join(seg.text for seg in segs))
        for lesson_id, segs in lesson_segments(course, notebooks_dir).items()
    }


def hard_cards(course: Course, limit: float = CARD_LIMIT) -> list[tuple[str, float]]:
    """(topic id, grade) of every card above ``limit``, hardest first."""
    return sorted(((t, g) for t, g in card_grades(course).items() if g > limit), key=lambda x: -x[1])
