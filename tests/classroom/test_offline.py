"""The student's offline queue: the server goes away mid-class and comes back; every answer
arrives exactly once, and the status line says what is happening meanwhile."""

from __future__ import annotations

import os
import time
import warnings

import httpx
import pytest

from cramp_lessons.classroom.client.http import Outbox, Status, StudentClient
from cramp_lessons.classroom.server.store import Store
from cramp_lessons.learner.progress import ProgressWarning
from tests.classroom.conftest import ServerProcess, new_classroom

Q1 = "causes.cold.q1"


@pytest.fixture
def server(db_url, tmp_path):
    srv = ServerProcess(db_url, tmp_path / "server").start()
    yield srv
    srv.stop()


@pytest.fixture
def room(server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        room = new_classroom(server.url, server.db_url, http)
        assert room.t("POST", "/pose", json={"question_id": Q1}).status_code == 200
        yield room


def student(server, room, name, outbox) -> StudentClient:
    return StudentClient(server.url, room.code, name, outbox=outbox, timeout=2, interval=0.05).join()


def wait_until(cond, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def server_answers(room) -> dict[str, object]:
    with httpx.Client(base_url=room.url, timeout=10) as http:
        rows = http.get(f"/api/sessions/{room.sid}/answers", headers=room.teacher).json()
    return {a["name"]: a["answer"] for a in rows}


def receipts(room) -> list[str]:
    store = Store(room.db_url)
    try:
        return store.receipts(room.sid)
    finally:
        store.close()


def test_server_stops_while_students_answer_and_every_answer_arrives_once(server, room, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    ann, bo, cy = (student(server, room, n, outbox) for n in ("Ann", "Bo", "Cy"))
    uids = [ann.record(Q1, "b")]
    assert ann.flush() == 1

    server.stop()
    uids += [ann.record(Q1, "a"), bo.record(Q1, "b"), bo.record(Q1, "a"), cy.record(Q1, "c")]
    assert [s.flush() for s in (ann, bo, cy)] == [0, 0, 0]
    assert ann.status().text().startswith("offline: 1 answer waiting")
    assert bo.status().text().startswith("offline: 2 answers waiting")
    assert (bo.status().waiting, bo.status().sent) == (2, 0)

    server.start()  # same port, same database
    for s in (ann, bo, cy):
        s.start()  # the background senders deliver, no one has to press anything
    try:
        wait_until(lambda: all(s.status().waiting == 0 for s in (ann, bo, cy)))
    finally:
        for s in (ann, bo, cy):
            s.close()
    assert sorted(receipts(room)) == sorted(uids)  # each answer exactly once
    assert server_answers(room) == {"Ann": "a", "Bo": "a", "Cy": "c"}  # the latest counts
    assert ann.status().text() == "connected · 2 answers sent"


def test_an_answer_resent_after_a_lost_reply_counts_once(server, room, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    ann = student(server, room, "Ann", outbox)
    uid = ann.record(Q1, "b")
    assert ann.flush() == 1
    outbox.mark(
        uid, "waiting"
    )  # as if the kernel died after the server stored it, before the reply was noted
    assert ann.flush() == 1  # the server recognises the uid
    assert receipts(room) == [uid] and room.stored() == 1


def test_joining_again_after_a_restart_works_offline_and_keeps_the_student(server, room, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    student(server, room, "Ann", outbox).close()
    server.stop()
    again = student(server, room, "Ann", outbox)  # a new kernel: same address, code and name; server down
    uid = again.record(Q1, "a")
    assert again.flush() == 0 and again.status().connected is False
    server.start()
    assert again.flush() == 1
    again.close()
    assert receipts(room) == [uid] and server_answers(room) == {"Ann": "a"}


def test_a_refused_answer_is_kept_and_reported_not_dropped(server, room, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    ann = student(server, room, "Ann", outbox)
    assert room.t("POST", "/close").status_code == 200
    uid = ann.record(Q1, "a")
    assert ann.flush() == 0
    s = ann.status()
    assert (s.waiting, s.sent, s.refused) == (0, 0, 1)
    assert "1 answer not accepted (causes.cold.q1: answering is closed)" in s.text()
    (item,) = outbox.items(ann.key)
    assert (item["uid"], item["answer"], item["state"]) == (uid, "a", "refused")
    ann.close()


def test_practice_answers_are_delivered_but_not_counted_as_sent(server, room, tmp_path):
    ann = student(server, room, "Ann", Outbox(tmp_path / "outbox.sqlite"))
    ann.record("causes.cold.q3", "myth")  # a lesson quiz, not the posed question
    assert ann.flush() == 0
    s = ann.status()
    assert (s.waiting, s.sent, s.refused) == (0, 0, 0) and s.text() == "connected · 0 answers sent"
    assert room.stored() == 0
    ann.close()


def test_join_fails_clearly_when_the_server_is_unreachable(tmp_path):
    from cramp_lessons.classroom import Offline
    from tests.classroom.conftest import free_port

    with pytest.raises(Offline, match="cannot reach the classroom server"):
        StudentClient(
            f"127.0.0.1:{free_port()}", "ABCDEF", "Ann", outbox=tmp_path / "o.sqlite", timeout=1
        ).join()


# --------------------------------------------------------------------------- a damaged queue file
def damage(path) -> bytes:
    """Replace the queue file with garbage in one step (a reader never sees it half-written)."""
    garbage = b"this is not a database " * 200
    tmp = path.with_name("garbage.tmp")
    tmp.write_bytes(garbage)
    os.replace(tmp, path)
    return garbage


def kept_aside(path) -> list:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def test_a_damaged_queue_file_is_moved_aside_and_memberships_survive(tmp_path):
    path = tmp_path / "outbox.sqlite"
    garbage = damage(path)
    with pytest.warns(ProgressWarning, match="moved to"):
        outbox = Outbox(path)
    assert [p.read_bytes() for p in kept_aside(path)] == [garbage]  # kept, never deleted
    outbox.remember("k", "S1", 7, "token")
    damage(path)
    with pytest.warns(ProgressWarning, match="new answers are kept"):
        assert outbox.membership("k") == {"session_id": "S1", "student_id": 7, "token": "token"}
    assert len(kept_aside(path)) == 2 and "moved aside to" in outbox.notice


def test_the_status_line_reports_a_problem():
    s = Status(
        True, 0, 2, problem="the answer queue file was damaged and moved aside to X; new answers are kept"
    )
    assert s.text() == (
        "connected · 2 answers sent · the answer queue file was damaged and moved aside to X; new answers are kept"
    )


def test_join_recovers_from_a_damaged_queue_file(server, room, tmp_path):
    path = tmp_path / "outbox.sqlite"
    outbox = Outbox(path)
    garbage = damage(path)
    with pytest.warns(ProgressWarning, match="moved to"):
        ann = student(server, room, "Ann", outbox)  # joining reads the queue first
    uid = ann.record(Q1, "b")
    assert ann.flush() == 1 and receipts(room) == [uid]
    assert "damaged and moved aside to" in ann.status().text() and "1 answer sent" in ann.status().text()
    assert [p.read_bytes() for p in kept_aside(path)] == [garbage]
    ann.close()


def test_a_queue_damaged_while_joined_does_not_stop_the_sender(server, room, tmp_path):
    path = tmp_path / "outbox.sqlite"
    ann = student(server, room, "Ann", Outbox(path))
    ann.record(Q1, "a")
    ann.start()
    try:
        wait_until(lambda: ann.status().sent == 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProgressWarning)  # found by the kernel or by the sender
            damage(path)
            wait_until(lambda: kept_aside(path))  # the sender found the damage on its own
            assert ann._thread is not None and ann._thread.is_alive()
            ann.record(Q1, "c")  # a later answer: queued in the fresh file and sent in the background
            wait_until(lambda: server_answers(room) == {"Ann": "c"})
        text = ann.status().text()
        assert "damaged and moved aside to" in text and "new answers are kept" in text
        assert ann._thread.is_alive()
    finally:
        ann.close()
    assert len(receipts(room)) == 2


def test_an_error_in_one_round_does_not_stop_the_sender(server, room, tmp_path):
    ann = student(server, room, "Ann", Outbox(tmp_path / "outbox.sqlite"))
    real, rounds, seen = ann.flush, [], []

    def flaky():
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("disk hiccup")
        return real()

    ann.flush = flaky
    ann.listeners.append(lambda c: seen.append(c.status().text()))
    ann.record(Q1, "b")
    ann.start()
    try:
        wait_until(lambda: ann.status().sent == 1)
    finally:
        ann.close()
    assert any("sending paused (RuntimeError: disk hiccup); retrying" in t for t in seen)
    assert ann.status().text() == "connected · 1 answer sent"  # cleared once a round succeeds
