"""Answer events: a lesson quiz publishes each checked answer; whoever cares subscribes.

The quiz widget knows nothing of the live classroom or of spaced review. Spaced review subscribes
when the quiz widgets load (``widgets/quiz.py``); the classroom subscribes while a session is
joined (``classroom.set_active``). So no module imports the one that imports it, and any
recorder (not only the default one) still feeds review and the class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cramp_lessons.errors import CrampLessonsError

__all__ = ["AnswerEvent", "subscribe", "unsubscribe", "publish"]


@dataclass(frozen=True)
class AnswerEvent:
    question: Any  # the question as the learner saw it (a variant's own draw)
    answer: Any  # as stored: a variant's answer carries its seed
    grade: Any  # grading.Grade
    seconds: float | None
    tries: int  # checks so far, this one included
    # The outcome spaced review hears: the first answer the learner reached on their own, or the
    # one after the hint; not the tries after the answer was shown.
    for_review: bool


Subscriber = Callable[[AnswerEvent], None]
_SUBSCRIBERS: list[Subscriber] = []


def subscribe(fn: Subscriber) -> None:
    """Call ``fn`` with every answer event (once, however often it subscribes)."""
    if fn not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(fn)


def unsubscribe(fn: Subscriber) -> None:
    if fn in _SUBSCRIBERS:
        _SUBSCRIBERS.remove(fn)


def publish(event: AnswerEvent) -> list[str]:
    """Tell every subscriber; the problems they report (the package's own errors), in words.

    One subscriber failing (a read-only store, say) does not keep the others from hearing.
    """
    problems = []
    for fn in list(_SUBSCRIBERS):
        try:
            fn(event)
        except CrampLessonsError as e:
            problems.append(str(e))
    return problems
