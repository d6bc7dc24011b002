"""Student and teacher clients for the classroom server (httpx).

A student's answers go first into an *outbox* on disk (SQLite in the data directory), then to
the server. Each answer carries a uuid made when it was recorded, and the server stores a uid
once, so an answer re-sent after a lost response or a restart still counts exactly once.
When the server cannot be reached the answers wait in the outbox, the status line says so,
and a background thread sends them when the server is back. Nothing is dropped silently: an
answer the server refuses for good (answering closed, session purged) is kept, marked refused,
and counted in the status. A damaged outbox file is moved aside (kept, never deleted) with a
warning, a fresh one is started, and the status line says so; an error in one round of the
background sender is shown in the status line and the sender goes on.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from cramp_lessons.classroom import ClassroomError, Conflict, NotFound, Offline, Unauthorized
from cramp_lessons.learner.progress import ProgressWarning, default_home, is_damaged, move_aside

_log = logging.getLogger(__name__)
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


class _Damaged(sqlite3.DatabaseError):
    """``PRAGMA quick_check`` found damage (SQLite itself raised nothing)."""


class Outbox:
    """Memberships and queued answers, on disk so a kernel restart loses nothing.

    A damaged file (not a database, malformed) is moved aside to ``<name>.corrupt-<time>``, kept and
    never deleted, with a warning; a fresh queue is started, the memberships this process knows are
    written back to it, and :attr:`notice` says so for the status line. Answers still waiting in the
    damaged file stay in it (they cannot be read reliably).
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_home() / OUTBOX_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.notice = ""
        self._known: dict[str, tuple[str, int, str]] = {}  # memberships, to rewrite after a recovery
        # The kernel and the sender thread share the file: one at a time, so neither writes to the
        # fresh queue between its move aside and its tables being made ("no such table: outbox").
        self._lock = threading.RLock()
        self._do(self._setup)

    def _setup(self, con: sqlite3.Connection) -> None:
        ok = con.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise _Damaged(f"integrity check failed: {ok}")
        con.execute("PRAGMA journal_mode = WAL")
        con.executescript(_SCHEMA)

    @contextmanager
    def _con(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    def _do(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """``fn(con)`` on the queue; on a damaged file, recover and run it again on the fresh queue."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    with self._con() as con:
                        return fn(con)
                except sqlite3.DatabaseError as e:
                    if attempt == 1 and (is_damaged(e) or isinstance(e, _Damaged)):
                        self._recover(str(e))
                        continue
                    raise ClassroomError(f"the answer queue {self.path} cannot be used ({e})") from None

    def _recover(self, reason: str) -> None:
        with self._lock:
            try:
                with self._con() as con:
                    if con.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                        return  # another thread already moved the damaged file aside
            except sqlite3.DatabaseError:
                pass
            try:
                target = move_aside(self.path)
            except OSError as e:
                raise ClassroomError(
                    f"the answer queue {self.path} is damaged ({reason}) and could not be moved aside ({e}); "
                    f"move it away by hand"
                ) from None
            with self._con() as con:
                self._setup(con)
                for key, (sid, student, token) in self._known.items():
                    con.execute(
                        "INSERT OR REPLACE INTO memberships VALUES (?,?,?,?,?)",
                        (key, sid, student, token, time.time()),
                    )
            self.notice = (
                f"the answer queue file was damaged and moved aside to {target}; new answers are kept"
            )
            warnings.warn(
                f"The classroom answer queue {self.path} was damaged ({reason}). It was moved to {target} "
                f"(kept, not deleted) and a fresh queue was started; new answers are kept and sent.",
                ProgressWarning,
                stacklevel=2,
            )

    def membership(self, key: str) -> dict[str, Any] | None:
        row = self._do(
            lambda con: con.execute(
                "SELECT session_id, student_id, token FROM memberships WHERE key = ?", (key,)
            ).fetchone()
        )
        if row:
            self._known[key] = tuple(row)
        return dict(zip(("session_id", "student_id", "token"), row, strict=True)) if row else None

    def remember(self, key: str, session_id: str, student_id: int, token: str) -> None:
        self._known[key] = (session_id, student_id, token)
        self._do(
            lambda con: con.execute(
                "INSERT OR REPLACE INTO memberships VALUES (?,?,?,?,?)",
                (key, session_id, student_id, token, time.time()),
            )
        )

    def add(self, membership: str, question_id: str, answer: Any) -> str:
        uid = uuid.uuid4().hex
        text = json.dumps(answer, default=_sets_as_lists)
        self._do(
            lambda con: con.execute(
                "INSERT INTO outbox(uid, membership, question_id, answer, created_at) VALUES (?,?,?,?,?)",
                (uid, membership, question_id, text, time.time()),
            )
        )
        return uid

    def waiting(self, membership: str) -> list[tuple[str, str, Any]]:
        rows = self._do(
            lambda con: con.execute(
                "SELECT uid, question_id, answer FROM outbox WHERE membership = ? AND state = 'waiting' "
                "ORDER BY seq",
                (membership,),
            ).fetchall()
        )
        return [(u, q, json.loads(a)) for u, q, a in rows]

    def mark(self, uid: str, state: str, detail: str | None = None) -> None:
        self._do(
            lambda con: con.execute(
                "UPDATE outbox SET state = ?, detail = ?, done_at = ? WHERE uid = ?",
                (state, detail, time.time(), uid),
            )
        )

    def counts(self, membership: str) -> dict[str, int]:
        rows = self._do(
            lambda con: con.execute(
                "SELECT state, COUNT(*) FROM outbox WHERE membership = ? GROUP BY state", (membership,)
            ).fetchall()
        )
        return {"waiting": 0, "sent": 0, "practice": 0, "refused": 0, **dict(rows)}

    def items(self, membership: str) -> list[dict[str, Any]]:
        rows = self._do(
            lambda con: con.execute(
                "SELECT uid, question_id, answer, state, detail FROM outbox WHERE membership = ? "
                "ORDER BY seq",
                (membership,),
            ).fetchall()
        )
        return [
            {"uid": u, "question_id": q, "answer": json.loads(a), "state": s, "detail": d}
            for u, q, a, s, d in rows
        ]

    def last_refusal(self, membership: str) -> str:
        row = self._do(
            lambda con: con.execute(
                "SELECT detail FROM outbox WHERE membership = ? AND state = 'refused' "
                "ORDER BY done_at DESC LIMIT 1",
                (membership,),
            ).fetchone()
        )
        return row[0] if row else ""


@dataclass(frozen=True)
class Status:
    connected: bool | None  # None: not tried yet
    waiting: int
    sent: int
    refused: int = 0
    last_refusal: str = ""
    problem: str = ""  # the queue file was replaced, or the sender hit an error (it keeps trying)

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
        if self.problem:
            parts.append(self.problem)
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
        self.sender_error = ""  # the background sender's last failure, until an iteration succeeds

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
            "; ".join(x for x in (self.outbox.notice, self.sender_error) if x),
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
            try:
                self._send_once()
            except Exception as e:  # one bad iteration must not end the sender: later answers still go
                _log.debug("classroom sender: iteration failed", exc_info=True)
                self.sender_error = f"sending paused ({type(e).__name__}: {e}); retrying"
                self._notify()
            # Back off while offline (or failing) so a class of laptops does not hammer a restarting server.
            ok = self.connected and not self.sender_error
            delay = self.interval if ok else min(delay * 2, 8 * self.interval)
            self._wake.wait(delay)
            self._wake.clear()

    def _send_once(self) -> None:
        before = (self.status(), self.state)
        self.flush()
        try:
            self.fetch_state()
        except ClassroomError:
            pass  # e.g. the session was purged; the status shows the refusals
        self.sender_error = ""
        if (self.status(), self.state) != before:
            self._notify()

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener(self)
            except Exception:  # a display error must not stop the sender
                pass

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
