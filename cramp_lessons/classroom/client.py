"""Student and teacher clients for the classroom server (httpx).

A student's answers go first into an *outbox* on disk (SQLite in the data directory), then to
the server. Each answer carries a uuid made when it was recorded, and the server stores a uid
once, so an answer re-sent after a lost response or a restart still counts exactly once.
When the server cannot be reached the answers wait in the outbox, the status line says so,
and a background thread sends them when the server is back. Nothing is dropped silently: an
answer the server refuses for good (answering closed, session purged) is kept, marked refused,
and counted in the status.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from . import ClassroomError, Conflict, NotFound, Offline, Unauthorized

OUTBOX_FILE = "classroom-outbox.sqlite"
DEFAULT_SERVER = "http://127.0.0.1:8765"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS memberships (
    key TEXT PRIMARY KEY,              -- server|code|name: joining again reuses the token
    session_id TEXT NOT NULL,
    student_id INTEGER NOT NULL,
    token TEXT NOT NULL,
    joined_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- sending order
    uid TEXT NOT NULL UNIQUE,
    membership TEXT NOT NULL,
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,                    -- JSON
    created_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',   -- waiting | sent | practice (not posed) | refused
    detail TEXT,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox(membership, state, seq);
"""


def normalize_server(server: str) -> str:
    """``192.168.1.5:8765`` -> ``http://192.168.1.5:8765``; refuse anything but http(s)."""
    s = server.strip().rstrip("/")
    if not s:
        raise ClassroomError("give the server address the teacher shows, e.g. http://192.168.1.5:8765")
    if "://" not in s:
        s = "http://" + s
    if not s.startswith(("http://", "https://")):
        raise ClassroomError(f"the server address must start with http:// or https://, not {server!r}")
    return s


def _raise_for(r: httpx.Response) -> None:
    """Turn a refused request into a ClassroomError carrying the server's own explanation."""
    if r.is_success:
        return
    try:
        detail = r.json().get("detail", r.text)
    except ValueError:
        detail = r.text
    if isinstance(detail, list):  # FastAPI validation errors: say which field and why
        detail = "; ".join(
            f"{'.'.join(str(x) for x in d.get('loc', [])[1:])}: {d.get('msg')}" for d in detail
        )
    cls = {401: Unauthorized, 404: NotFound, 409: Conflict}.get(r.status_code, ClassroomError)
    raise cls(f"{detail} (HTTP {r.status_code})", r.status_code)


def _sets_as_lists(obj: Any) -> Any:
    if isinstance(obj, (set, frozenset)):  # a multiple-select answer may come as a set
        return sorted(obj)
    raise TypeError(f"an answer of type {type(obj).__name__} cannot be sent")


class Outbox:
    """Memberships and queued answers, on disk so a kernel restart loses nothing."""

    def __init__(self, path: Path | str | None = None) -> None:
        if path is None:
            from ..progress import default_home

            path = default_home() / OUTBOX_FILE
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._con() as con:
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript(_SCHEMA)

    @contextmanager
    def _con(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    def membership(self, key: str) -> dict[str, Any] | None:
        with self._con() as con:
            row = con.execute(
                "SELECT session_id, student_id, token FROM memberships WHERE key = ?", (key,)
            ).fetchone()
        return dict(zip(("session_id", "student_id", "token"), row, strict=True)) if row else None

    def remember(self, key: str, session_id: str, student_id: int, token: str) -> None:
        with self._con() as con:
            con.execute(
                "INSERT OR REPLACE INTO memberships VALUES (?,?,?,?,?)",
                (key, session_id, student_id, token, time.time()),
            )

    def forget(self, key: str) -> None:
        with self._con() as con:
            con.execute("DELETE FROM memberships WHERE key = ?", (key,))

    def add(self, membership: str, question_id: str, answer: Any) -> str:
        uid = uuid.uuid4().hex
        with self._con() as con:
            con.execute(
                "INSERT INTO outbox(uid, membership, question_id, answer, created_at) VALUES (?,?,?,?,?)",
                (uid, membership, question_id, json.dumps(answer, default=_sets_as_lists), time.time()),
            )
        return uid

    def waiting(self, membership: str) -> list[tuple[str, str, Any]]:
        with self._con() as con:
            rows = con.execute(
                "SELECT uid, question_id, answer FROM outbox WHERE membership = ? AND state = 'waiting' "
                "ORDER BY seq",
                (membership,),
            ).fetchall()
        return [(u, q, json.loads(a)) for u, q, a in rows]

    def mark(self, uid: str, state: str, detail: str | None = None) -> None:
        with self._con() as con:
            con.execute(
                "UPDATE outbox SET state = ?, detail = ?, done_at = ? WHERE uid = ?",
                (state, detail, time.time(), uid),
            )

    def counts(self, membership: str) -> dict[str, int]:
        with self._con() as con:
            rows = con.execute(
                "SELECT state, COUNT(*) FROM outbox WHERE membership = ? GROUP BY state", (membership,)
            ).fetchall()
        return {"waiting": 0, "sent": 0, "practice": 0, "refused": 0, **dict(rows)}

    def items(self, membership: str) -> list[dict[str, Any]]:
        with self._con() as con:
            rows = con.execute(
                "SELECT uid, question_id, answer, state, detail FROM outbox WHERE membership = ? "
                "ORDER BY seq",
                (membership,),
            ).fetchall()
        return [
            {"uid": u, "question_id": q, "answer": json.loads(a), "state": s, "detail": d}
            for u, q, a, s, d in rows
        ]

    def last_refusal(self, membership: str) -> str:
        with self._con() as con:
            row = con.execute(
                "SELECT detail FROM outbox WHERE membership = ? AND state = 'refused' "
                "ORDER BY done_at DESC LIMIT 1",
                (membership,),
            ).fetchone()
        return row[0] if row else ""


@dataclass(frozen=True)
class Status:
    connected: bool | None  # None: not tried yet
    waiting: int
    sent: int
    refused: int = 0
    last_refusal: str = ""

    def text(self) -> str:
        """The student's status line: connected / offline: N answers waiting / sent."""

        def n(k: int) -> str:
            return f"{k} answer{'s' if k != 1 else ''}"

        if self.connected is False:
            head = (
                f"offline: {n(self.waiting)} waiting, kept on this computer and sent when the server is back"
                if self.waiting
                else "offline: the server cannot be reached; your answers will wait here"
            )
        else:
            head = ("connected" if self.connected else "connecting…") + (
                f" · {n(self.waiting)} waiting" if self.waiting else ""
            )
        parts = [head, f"{n(self.sent)} sent"]
        if self.refused:
            parts.append(f"{n(self.refused)} not accepted ({self.last_refusal.split(' (HTTP')[0]})")
        return " · ".join(parts)


class StudentClient:
    """One student in one class: join, record answers, follow the posed question."""

    def __init__(
        self,
        server: str,
        code: str,
        name: str,
        *,
        outbox: Outbox | Path | str | None = None,
        timeout: float = 3.0,
        interval: float = 2.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server = normalize_server(server)
        self.code, self.name = code.strip().upper(), name.strip()
        self.key = f"{self.server}|{self.code}|{self.name}"
        self.outbox = outbox if isinstance(outbox, Outbox) else Outbox(outbox)
        self.http = httpx.Client(base_url=self.server, timeout=timeout, transport=transport)
        self.interval = interval
        self.connected: bool | None = None
        self.membership: dict[str, Any] | None = None
        self.state: dict[str, Any] | None = None
        self.listeners: list[Callable[[StudentClient], None]] = []
        self._flush_lock = threading.Lock()
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    # -- joining --------------------------------------------------------------
    def join(self) -> StudentClient:
        """Join the class. Joining again with the same server, code and name reuses the saved token,
        so it works offline and after a kernel restart."""
        self.membership = self.outbox.membership(self.key)
        if self.membership is None:
            try:
                r = self.http.post("/api/join", json={"code": self.code, "name": self.name})
            except httpx.TransportError as e:
                self.connected = False
                raise Offline(
                    f"cannot reach the classroom server at {self.server} ({type(e).__name__}). "
                    f"Check the address the teacher shows and that the server is running."
                ) from None
            _raise_for(r)
            body = r.json()
            self.outbox.remember(self.key, body["session_id"], body["student_id"], body["token"])
            self.membership = self.outbox.membership(self.key)
            self.connected = True
        return self

    @property
    def session_id(self) -> str:
        if self.membership is None:
            raise ClassroomError("not joined yet: call join() first")
        return self.membership["session_id"]

    def _headers(self) -> dict[str, str]:
        assert self.membership is not None
        return {"X-Student-Token": self.membership["token"]}

    # -- answers --------------------------------------------------------------
    def record(self, question_id: str, answer: Any) -> str:
        """Queue an answer (on disk, at once) and nudge the sender. Returns the answer's uid."""
        if self.membership is None:
            raise ClassroomError("not joined yet: call join() first")
        try:
            uid = self.outbox.add(self.key, question_id, answer)
        except (sqlite3.Error, OSError, TypeError, ValueError) as e:
            raise ClassroomError(f"could not queue the answer for the class: {e}") from None
        self._wake.set()
        return uid

    def flush(self) -> int:
        """Send every waiting answer, oldest first. Returns how many the class accepted.

        Stops at the first network failure or server error (the rest keep waiting); a definite
        refusal (4xx) marks that answer refused and moves on, since re-sending cannot help.
        """
        if self.membership is None:
            return 0
        sent = 0
        with self._flush_lock:  # the kernel and the background thread may both flush
            for uid, qid, answer in self.outbox.waiting(self.key):
                try:
                    r = self.http.post(
                        f"/api/sessions/{self.session_id}/answers",
                        headers=self._headers(),
                        json={"uid": uid, "question_id": qid, "answer": answer},
                    )
                except httpx.TransportError:
                    self.connected = False
                    break
                if r.status_code >= 500 or r.status_code in (408, 429):
                    self.connected = False  # the server is there but unwell: keep the answer, retry later
                    break
                self.connected = True
                if r.is_success:
                    # Not posed: self-paced practice the class does not need; delivered, not counted.
                    posed = r.json().get("status") != "not_posed"
                    self.outbox.mark(uid, "sent" if posed else "practice")
                    sent += posed
                else:
                    try:
                        _raise_for(r)
                    except ClassroomError as e:
                        self.outbox.mark(uid, "refused", str(e))
        return sent

    def status(self) -> Status:
        c = self.outbox.counts(self.key)
        return Status(
            self.connected,
            c["waiting"],
            c["sent"],
            c["refused"],
            self.outbox.last_refusal(self.key) if c["refused"] else "",
        )

    # -- the posed question -------------------------------------------------------
    def fetch_state(self) -> dict[str, Any] | None:
        """The current question as students see it (None when offline)."""
        if self.membership is None:
            return None
        try:
            r = self.http.get(f"/api/sessions/{self.session_id}/state", headers=self._headers())
        except httpx.TransportError:
            self.connected = False
            return None
        if r.status_code >= 500:
            self.connected = False
            return None
        self.connected = True
        _raise_for(r)
        self.state = r.json()
        return self.state

    # -- background sender ----------------------------------------------------------
    def start(self) -> StudentClient:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, daemon=True, name=f"classroom-student-{self.name}"
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None

    def _run(self) -> None:
        delay = self.interval
        while not self._stop.is_set():
            before = (self.status(), self.state)
            self.flush()
            try:
                self.fetch_state()
            except ClassroomError:
                pass  # e.g. the session was purged; the status shows the refusals
            if (self.status(), self.state) != before:
                for listener in list(self.listeners):
                    try:
                        listener(self)
                    except Exception:  # a display error must not stop the sender
                        pass
            # Back off while offline so a class of laptops does not hammer a restarting server.
            delay = self.interval if self.connected else min(delay * 2, 8 * self.interval)
            self._wake.wait(delay)
            self._wake.clear()

    def close(self) -> None:
        self.stop()
        self.http.close()


class TeacherClient:
    """The teacher's side of the API. Every call needs the session id and the teacher key."""

    def __init__(
        self,
        server: str,
        session_id: str,
        key: str,
        *,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server = normalize_server(server)
        self.session_id = session_id
        self.http = httpx.Client(
            base_url=self.server, timeout=timeout, headers={"X-Teacher-Key": key}, transport=transport
        )

    def _call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            r = self.http.request(method, f"/api/sessions/{self.session_id}{path}", **kw)
        except httpx.TransportError as e:
            raise Offline(
                f"cannot reach the classroom server at {self.server} ({type(e).__name__})"
            ) from None
        _raise_for(r)
        return r

    def info(self) -> dict[str, Any]:
        return self._call("GET", "").json()

    def questions(self) -> list[dict[str, Any]]:
        return self._call("GET", "/questions").json()

    def pose(self, question_id: str, open: bool = True) -> dict[str, Any]:
        return self._call("POST", "/pose", json={"question_id": question_id, "open": open}).json()

    def open(self) -> dict[str, Any]:
        return self._call("POST", "/open").json()

    def close(self) -> dict[str, Any]:
        return self._call("POST", "/close").json()

    def reveal(self) -> dict[str, Any]:
        return self._call("POST", "/reveal").json()

    def roster(self) -> list[dict[str, Any]]:
        return self._call("GET", "/roster").json()

    def answers(self) -> list[dict[str, Any]]:
        return self._call("GET", "/answers").json()

    def distribution(self, question_id: str) -> dict[str, Any]:
        return self._call("GET", f"/questions/{question_id}/distribution").json()

    def report(self) -> list[dict[str, Any]]:
        return self._call("GET", "/report").json()

    def report_csv(self) -> str:
        return self._call("GET", "/report.csv").text
