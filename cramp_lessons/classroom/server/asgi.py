"""The classroom app for worker processes: ``classroom serve --workers N``, or uvicorn run by hand.

Each worker is a fresh process that imports this module and calls :func:`from_env`, so what the app
needs comes from environment variables, not from the process that started it:

- ``CRAMP_CLASSROOM_DB``: the SQLAlchemy URL (default: SQLite in the data directory);
- ``CRAMP_CLASSROOM_CONTENT``: a course content folder (default: the installed course);
- ``CRAMP_CLASSROOM_FAILED_JOINS``: refused joins allowed a minute, as ``serve --failed-joins`` takes
  them (``20,60,400``; default: the server's own);
- ``CRAMP_CLASSROOM_WORKER_HEADER=1``: every response names its worker's process id in
  ``X-Classroom-Worker``, for tests and benchmarks to see that several processes serve.

Workers share nothing but the database, so any of them may answer any request. By hand, behind a
reverse proxy: ``CRAMP_CLASSROOM_DB=postgresql+psycopg://… uvicorn --factory --workers 4
cramp_lessons.classroom.server.asgi:from_env`` (create the session first with ``classroom serve``).
"""

from __future__ import annotations

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cramp_lessons.classroom.server.app import create_app
from cramp_lessons.classroom.server.store import JoinLimits

DB_ENV = "CRAMP_CLASSROOM_DB"
CONTENT_ENV = "CRAMP_CLASSROOM_CONTENT"
FAILED_JOINS_ENV = "CRAMP_CLASSROOM_FAILED_JOINS"
WORKER_HEADER_ENV = "CRAMP_CLASSROOM_WORKER_HEADER"
WORKER_HEADER = "X-Classroom-Worker"
FACTORY = f"{__name__}:from_env"  # the import string uvicorn's workers load


def from_env() -> ASGIApp:
    """The classroom app on the database and content the environment names."""
    limits = os.environ.get(FAILED_JOINS_ENV)
    app: ASGIApp = create_app(
        os.environ.get(DB_ENV) or None,
        content_dir=os.environ.get(CONTENT_ENV) or None,
        join_limits=JoinLimits.parse(limits) if limits else None,
    )
    if os.environ.get(WORKER_HEADER_ENV) == "1":
        app = _name_worker(app)
    return app


def _name_worker(app: ASGIApp) -> ASGIApp:
    # A plain ASGI wrapper (Starlette's BaseHTTPMiddleware would cost a task per request).
    header = (WORKER_HEADER.lower().encode(), str(os.getpid()).encode())

    async def named(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await app(scope, receive, send_named)

    return named
