"""Live classroom sessions: a small server, a student client with an offline queue, widgets.

The teacher runs ``cramp-lessons classroom serve`` (or :func:`demo_server` in a notebook),
students :func:`join` with the server address, the join code and a display name, and the
teacher drives the :func:`dashboard`. Every quiz answer a joined student checks is kept in the
local progress store and also queued for the server, which grades it with ``grading.grade``.

This module stays light (no FastAPI, SQLAlchemy or httpx at import time): the quiz widget
publishes every answer as an event (:mod:`cramp_lessons.events`); while a session is joined,
the classroom subscribes and :func:`forward_answer` queues it for the server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cramp_lessons.errors import CrampLessonsError

if TYPE_CHECKING:
    from cramp_lessons.events import AnswerEvent


class ClassroomError(CrampLessonsError):
    """A classroom request was refused or could not be made. ``status`` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status


class NotFound(ClassroomError):
    status = 404


class Conflict(ClassroomError):
    status = 409


class Unauthorized(ClassroomError):
    status = 401


class TooManyRequests(ClassroomError):
    """Too many refused joins in the last minute; ``retry_after`` says how many seconds to wait."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Offline(ClassroomError):
    """The server cannot be reached (network down, server stopped)."""

    status = 503


# The student session answers are forwarded to; set by join(), cleared by leave(). A StudentClient,
# typed Any: naming it here would make the server (which imports this package) import the client.
_ACTIVE: Any = None


def active() -> Any:
    """The joined :class:`~cramp_lessons.classroom.client.http.StudentClient`, or None."""
    return _ACTIVE


def set_active(client: Any) -> None:
    global _ACTIVE
    from cramp_lessons import events

    previous, _ACTIVE = _ACTIVE, client
    if previous is not None and previous is not client:
        previous.stop()
    # While joined, every lesson-quiz answer event is forwarded to the class.
    if client is None:
        events.unsubscribe(_on_answer)
    else:
        events.subscribe(_on_answer)


def _on_answer(event: AnswerEvent) -> None:
    forward_answer(event.question.id, event.answer, event.seconds)


def forward_answer(question_id: str, answer: Any, seconds: float | None = None) -> None:
    """Queue a checked answer for the classroom server; a no-op unless a session is joined.

    Never touches the network: the answer is written to the on-disk queue and the client's
    background thread sends it, so a slow or absent server never blocks the kernel.
    """
    client = _ACTIVE
    if client is None:
        return
    from cramp_lessons.course.variants import COURSE_SEED, is_variant_answer

    if is_variant_answer(answer):
        # The class works on the course's own draw of a variant; a learner's own numbers are theirs.
        if answer["seed"] != COURSE_SEED:
            return
        answer = answer["answer"]
    client.record(question_id, answer)


def leave() -> None:
    """Stop forwarding answers (queued answers stay on disk and are sent on the next join)."""
    set_active(None)


_API = {
    "create_app": "server.app",
    "demo_server": "server.demo",
    "Store": "server.store",
    "StudentClient": "client.http",
    "TeacherClient": "client.http",
    "join": "client.widgets",
    "join_widget": "client.widgets",
    "dashboard": "client.dashboard",
    "Dashboard": "client.dashboard",
}

__all__ = sorted(
    [
        *_API,
        "ClassroomError",
        "NotFound",
        "Conflict",
        "Unauthorized",
        "TooManyRequests",
        "Offline",
        "active",
        "forward_answer",
        "leave",
    ]
)


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cramp_lessons.classroom' has no attribute {name!r}")
