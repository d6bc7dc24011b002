"""``classroom serve --workers 2`` on PostgreSQL: several processes share one database and no state in
memory, so answers sent through any of them all count, exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from cramp_lessons.classroom.client.http import StudentClient, TeacherClient
from cramp_lessons.classroom.server import asgi
from tests.classroom.conftest import FIXTURE, ServerProcess

Q1 = "causes.cold.q1"
pytestmark = pytest.mark.postgres


@pytest.fixture
def workers(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv(asgi.WORKER_HEADER_ENV, "1")  # each response names the process that served it
    srv = ServerProcess(postgres_url, tmp_path / "server", extra=("--workers", "2")).start()
    yield srv
    srv.stop()


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state, past the command name


def worker_pids(url: str, connections: int) -> set[int]:
    """The worker that answered each of ``connections`` new connections, made a few at a time."""
    pids: set[int] = set()
    lock = threading.Lock()

    def ask(n: int) -> None:
        for _ in range(n):
            with httpx.Client(base_url=url, timeout=10) as http:  # a new connection each time
                r = http.get("/api/health")
                assert r.status_code == 200
                with lock:
                    pids.add(int(r.headers[asgi.WORKER_HEADER]))

    threads = [threading.Thread(target=ask, args=(connections // 8,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pids


def test_answers_through_two_workers_all_count_once(workers, tmp_path):
    teacher = TeacherClient(workers.url, workers.banner["session"], workers.banner["key"])
    teacher.pose(Q1)
    students = [
        StudentClient(
            workers.url, workers.banner["code"], f"Student {k}", outbox=tmp_path / f"s{k}.sqlite"
        ).join()
        for k in range(12)
    ]
    try:
        uids = {s.record(Q1, "abc"[k % 3]) for k, s in enumerate(students)}
        errors: list[BaseException] = []

        def send(s: StudentClient) -> None:
            try:
                assert s.flush() == 1
            except BaseException as e:  # reported below: an assert in a thread would be lost
                errors.append(e)

        threads = [threading.Thread(target=send, args=(s,)) for s in students]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        stored = teacher.answers()
        assert {a["uid"] for a in stored} == uids and len(stored) == len(uids)  # none lost, none twice
        assert len(teacher.roster()) == 12
    finally:
        for s in students:
            s.close()
        teacher.http.close()


def test_requests_are_served_by_more_than_one_worker_process(workers):
    pids = worker_pids(workers.url, 200)
    assert len(pids) == 2
    assert workers.proc is not None
    assert {parent_of(p) for p in pids} == {workers.proc.pid}  # both are the server's own workers


def test_several_workers_on_sqlite_are_refused_with_a_reason(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "cramp_lessons.cli.main",
            "classroom",
            "serve",
            "--workers",
            "2",
            "--port",
            "0",
            "--db",
            f"sqlite:///{tmp_path / 'c.sqlite'}",
            "--content",
            str(FIXTURE),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CRAMP_LESSONS_HOME": str(tmp_path)},
    )
    assert r.returncode == 1
    assert "needs PostgreSQL" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "c.sqlite").exists()  # refused before anything was made
