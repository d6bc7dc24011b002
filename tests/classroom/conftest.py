"""Real classroom servers for the tests: uvicorn in a subprocess on a free loopback port,
over SQLite and over a throwaway PostgreSQL cluster.

PostgreSQL: set CRAMP_TEST_POSTGRES_URL to use a server you already run; otherwise a cluster
is created with Debian's initdb/pg_ctl (``apt-get install -y postgresql``) in a temporary
directory, as the ``postgres`` user when the tests run as root. If that cannot be done the
PostgreSQL tests FAIL and say why: they are part of the suite, not optional.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from cramp_lessons.classroom.server.store import Store
from tests.classroom.pg import PostgresUnavailable, ThrowawayPostgres

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
APT_HINT = "install it with: apt-get install -y postgresql   (or set CRAMP_TEST_POSTGRES_URL)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- PostgreSQL
@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("CRAMP_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        pg = ThrowawayPostgres()
        url = pg.new_database("classroom")
    except PostgresUnavailable as e:
        pytest.fail(f"could not start PostgreSQL for the tests: {e}\n{APT_HINT}", pytrace=False)
    try:
        yield url
    finally:
        pg.stop()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('classroom-db') / 'classroom.sqlite'}"
    return request.getfixturevalue("postgres_url")


# --------------------------------------------------------------------------- the server
class ServerProcess:
    """``cramp-lessons classroom serve`` in a subprocess, as a teacher would run it."""

    def __init__(self, db_url: str, home: Path, port: int | None = None, extra: tuple[str, ...] = ()) -> None:
        self.db_url, self.home, self.extra = db_url, home, extra
        self.port = port or free_port()
        self.url = f"{'https' if '--tls' in extra else 'http'}://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.banner: dict[str, str] = {}

    def start(self) -> ServerProcess:
        env = {**os.environ, "CRAMP_LESSONS_HOME": str(self.home), "PYTHONUNBUFFERED": "1"}
        self.home.mkdir(parents=True, exist_ok=True)
        self.log = self.home / f"server-{self.port}.log"
        with open(self.log, "ab") as out:  # a file, not a pipe: a full pipe would stall the server
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cramp_lessons.cli.main",
                    "classroom",
                    "serve",
                    "--port",
                    str(self.port),
                    "--db",
                    self.db_url,
                    "--content",
                    str(FIXTURE),
                    *self.extra,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                # verify=False: a --tls server's certificate is self-signed (test_tls.py checks its pinning).
                if httpx.get(f"{self.url}/api/health", timeout=1, verify=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the classroom server did not start:\n{self.output()}")
            time.sleep(0.05)
        for key, label in (("session", "Session"), ("code", "Join code"), ("key", "Teacher key")):
            m = re.findall(rf"{label}:\s+(\S+)", self.output())
            if m:
                self.banner[key] = m[-1]  # the latest start's banner
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def live(db_url, tmp_path_factory):
    # Refused joins add up over the whole run (the fuzzer's wrong codes, the tests' taken names), all
    # from 127.0.0.1: this server allows plenty. test_hardening.py tests the limits on a server of its own.
    server = ServerProcess(
        db_url, tmp_path_factory.mktemp("server-home"), extra=("--failed-joins", "100000,100000,100000")
    ).start()
    yield server
    server.stop()
    # Every test (the fuzzer's thousands of requests included) ran against this server: none may have
    # met an unhandled exception, even one the client saw only as a 4xx.
    log = server.output()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]


@dataclass
class Classroom:
    """A fresh session on the live server, with teacher and student helpers."""

    url: str
    db_url: str
    sid: str
    code: str
    key: str
    http: httpx.Client = field(repr=False)

    @property
    def teacher(self) -> dict[str, str]:
        return {"X-Teacher-Key": self.key}

    def t(self, method: str, path: str, **kw) -> httpx.Response:
        return self.http.request(method, f"/api/sessions/{self.sid}{path}", headers=self.teacher, **kw)

    def join(self, name: str) -> dict[str, str]:
        r = self.http.post("/api/join", json={"code": self.code, "name": name})
        assert r.status_code == 201, r.text
        return {"X-Student-Token": r.json()["token"]}

    def submit(self, headers: dict[str, str], qid: str, answer, uid: str | None = None) -> httpx.Response:
        import uuid

        body = {"uid": uid or uuid.uuid4().hex, "question_id": qid, "answer": answer}
        return self.http.post(f"/api/sessions/{self.sid}/answers", json=body, headers=headers)

    def state(self, headers: dict[str, str]) -> dict:
        r = self.http.get(f"/api/sessions/{self.sid}/state", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()

    def stored(self) -> int:
        store = Store(self.db_url)
        try:
            return store.count_answers(self.sid)
        finally:
            store.close()


def new_classroom(url: str, db_url: str, http: httpx.Client) -> Classroom:
    store = Store(db_url)  # as `classroom serve` does: the session lives in the shared database
    try:
        s = store.create_session()
    finally:
        store.close()
    return Classroom(url, db_url, s.id, s.join_code, s.teacher_key, http)


@pytest.fixture
def classroom(live):
    with httpx.Client(base_url=live.url, timeout=10) as http:
        yield new_classroom(live.url, live.db_url, http)
