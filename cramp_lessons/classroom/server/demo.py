"""A classroom in this process, for notebooks, tests and benchmarks: :func:`demo_server`.

:class:`ThreadedServer` runs uvicorn on a loopback socket in a background thread;
:class:`DemoServer` adds a throwaway database with one session ready to use and simulated
students (:func:`sample_answer`) for a lesson's demo. The real server is ``cramp-lessons
classroom serve``.
"""

import random
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from cramp_lessons.classroom import ClassroomError
from cramp_lessons.classroom.server.app import create_app
from cramp_lessons.course.grading import right_answer
from cramp_lessons.course.model import Course
from cramp_lessons.questions import Question


class ThreadedServer:
    """uvicorn on a loopback socket in a background thread: for notebooks, tests and benchmarks."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        self.app = app
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on such sockets (else ~40 ms delayed-ACK stalls).
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))  # bound here, so the port is known and cannot be taken meanwhile
        self.host, self.port = self.sock.getsockname()[:2]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.sock]},
            daemon=True,
            name=f"classroom-server-{self.port}",
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> "ThreadedServer":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise ClassroomError(f"the classroom server on {self.url} did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        self.app.state.store.close()


@dataclass
class DemoServer:
    """A throwaway classroom on this machine, with one session ready to use."""

    server: ThreadedServer
    session_id: str
    join_code: str
    teacher_key: str
    tmpdir: str | None = None  # the throwaway database's folder, removed by stop()

    @property
    def url(self) -> str:
        return self.server.url

    def simulate(self, n: int = 12, *, seed: int = 1, p_right: float = 0.6) -> int:
        """Let ``n`` simulated students join (once) and answer the current question. Returns answers sent."""
        import httpx

        course: Course = self.server.app.state.course
        import uuid

        rng = random.Random(seed)  # the same class every run, so a notebook's stored output is stable
        sent = 0
        with httpx.Client(base_url=self.url, timeout=10) as http:
            for k in range(n):
                token = self._tokens.get(k)
                if token is None:
                    r = http.post("/api/join", json={"code": self.join_code, "name": f"Student {k + 1:02d}"})
                    r.raise_for_status()
                    token = self._tokens[k] = r.json()["token"]
                headers = {"X-Student-Token": token}
                st = http.get(f"/api/sessions/{self.session_id}/state", headers=headers).json()
                if not st["question"] or not st["open"]:
                    continue
                q = course.question(st["question"]["id"])
                body = {
                    "uid": uuid.uuid4().hex,
                    "question_id": q.id,
                    "answer": sample_answer(q, rng, p_right),
                }
                sent += http.post(
                    f"/api/sessions/{self.session_id}/answers", json=body, headers=headers
                ).is_success
        return sent

    def stop(self) -> None:
        self.server.stop()
        if self.tmpdir:
            import shutil

            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __post_init__(self) -> None:
        self._tokens: dict[int, str] = {}

    def __repr__(self) -> str:
        return "Demo classroom running on this computer (loopback only): join code and teacher key are in this object."


def sample_answer(q: Question, rng: random.Random, p_right: float = 0.6) -> Any:
    """A plausible answer: right with probability ``p_right``, else a random wrong one (for demos and load tests)."""
    if rng.random() < p_right:
        return right_answer(q)
    return q.wrong_answer(rng)


def demo_server(db_url: str | None = None, *, content_dir: str | None = None) -> DemoServer:
    """Start a classroom server in this process on a free loopback port, with a fresh session.

    The database is a temporary SQLite file unless ``db_url`` is given. Call ``.stop()`` when done.
    """
    tmpdir = None
    if db_url is None:
        import tempfile

        tmpdir = tempfile.mkdtemp(prefix="cramp-classroom-")
        db_url = f"sqlite:///{tmpdir}/classroom.sqlite"
    app = create_app(db_url, content_dir=content_dir)
    new = app.state.store.create_session()
    return DemoServer(ThreadedServer(app).start(), new.id, new.join_code, new.teacher_key, tmpdir)
