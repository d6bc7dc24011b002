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

Over HTTPS with a self-signed certificate (``classroom serve --tls``) the client pins the
certificate's SHA-256: a fingerprint given with the address
(``https://192.168.1.5:8765#sha256=1A2B-3C4D-5E6F-7A8B-9C0D``) or as ``fingerprint=`` must match;
with none, the first certificate seen for that host and port is remembered in the data directory
(trust on first use) and a different one later is refused with :class:`UntrustedServer`. A
certificate from an authority the computer trusts (a server behind a proxy) is accepted as a
browser accepts it, unless a fingerprint was given.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import ssl
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from cramp_lessons.classroom import ClassroomError, Conflict, NotFound, Offline, Unauthorized
from cramp_lessons.classroom import fingerprint as fp
from cramp_lessons.learner.progress import ProgressWarning, default_home, is_damaged, move_aside

_log = logging.getLogger(__name__)
OUTBOX_FILE = "classroom-outbox.sqlite"
KNOWN_SERVERS_FILE = "classroom-known-servers.json"  # host:port -> certificate SHA-256 (trust on first use)
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
    """``192.168.1.5:8765`` -> ``http://192.168.1.5:8765``; refuse anything but http(s).

    A pinned fingerprint after ``#`` is checked and left out (see :func:`split_server`)."""
    return split_server(server)[0]


def split_server(server: str) -> tuple[str, str | None]:
    """``https://host:8765#sha256=1A2B-…`` -> (``https://host:8765``, the pinned fingerprint's hex digits).

    Without a scheme, an address with a fingerprint is https (only a certificate has one), else http.
    """
    s, _, pinned = server.strip().partition("#")
    pin = fp.parse(pinned) if pinned.strip() else None
    s = s.strip().rstrip("/")
    if not s:
        raise ClassroomError("give the server address the teacher shows, e.g. http://192.168.1.5:8765")
    if "://" not in s:
        s = ("https://" if pin else "http://") + s
    if not s.startswith(("http://", "https://")):
        raise ClassroomError(f"the server address must start with http:// or https://, not {server!r}")
    if pin and not s.startswith("https://"):
        raise ClassroomError(
            f"{server!r} gives a certificate fingerprint for a plain http:// address; "
            "use the https:// address the teacher shows"
        )
    return s, pin


# --------------------------------------------------------------------------- certificate pinning
class UntrustedServer(ClassroomError):
    """The server's certificate is not the one pinned or remembered: no request was sent to it."""

    status = 495  # nginx's "SSL certificate error"


class _Refused(ssl.SSLError):
    """Raised inside the TLS handshake; the transport turns it into :class:`UntrustedServer`."""


class KnownServers:
    """Certificate fingerprints seen per ``host:port``, a JSON file in the data directory.

    Read at each new connection (another kernel may have added one), written only when one changes.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_home() / KNOWN_SERVERS_FILE
        self._lock = threading.Lock()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            # Never treat an unreadable list as empty: that would trust any certificate again.
            raise _Refused(
                f"the list of classroom servers this computer trusts, {self.path}, cannot be read ({e}); "
                "delete it to trust the servers anew"
            ) from None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, where: str) -> str | None:
        with self._lock:
            return self._read().get(where)

    def remember(self, where: str, sha256: str) -> None:
        with self._lock:
            known = self._read()
            if known.get(where) == sha256:
                return
            known[where] = sha256
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            os.replace(tmp, self.path)


class _Pin:
    """What one client accepts from its server's certificate: the pinned fingerprint, else the known one."""

    def __init__(self, server: str, pinned: str | None, known: KnownServers) -> None:
        u = urlsplit(server)
        self.server, self.pinned, self.known = server, pinned, known
        self.where = f"{(u.hostname or '').lower()}:{u.port or 443}"

    def check(self, der: bytes | None) -> None:
        if der is None:
            raise _Refused(f"the classroom server at {self.server} showed no certificate")
        seen = fp.sha256_hex(der)
        if self.pinned is not None:
            if not fp.matches(self.pinned, seen):
                raise _Refused(
                    f"the classroom server at {self.server} does not show the certificate you gave: its "
                    f"fingerprint is {fp.short_form(seen)}, not {fp.short_form(self.pinned)}. Check the "
                    "address and fingerprint the teacher shows; if they are what you typed, someone on "
                    "this network may be listening in, so tell the teacher and do not join"
                )
        else:
            before = self.known.get(self.where)
            if before is not None and before != seen:
                raise _Refused(
                    f"the classroom server at {self.server} shows a different certificate from the one this "
                    f"computer saw there before (fingerprint {fp.short_form(seen)}, before "
                    f"{fp.short_form(before)}). If the teacher made a new one, join with the address the "
                    "teacher shows now, fingerprint included (…#sha256=…); otherwise someone on this "
                    "network may be listening in, so tell the teacher and do not join"
                )
        try:
            self.known.remember(self.where, seen)  # first use, or a new certificate the student pinned
        except OSError as e:
            _log.warning("classroom: could not remember the certificate of %s: %s", self.where, e)


class _PinnedSocket(ssl.SSLSocket):
    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        pin: _Pin = self.context._pin  # type: ignore[attr-defined]
        pin.check(self.getpeercert(binary_form=True))


def _pinning_context(pin: _Pin) -> ssl.SSLContext:
    # No certificate authority and no host name check: the fingerprint alone says who the server is,
    # checked right after the handshake, before any byte of a request is sent.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.sslsocket_class = _PinnedSocket
    ctx._pin = pin  # type: ignore[attr-defined]
    return ctx


def _cause(e: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The ``kind`` error behind ``e``: httpx and httpcore each wrap the handshake's error once."""
    cause: BaseException | None = e
    while cause is not None and not isinstance(cause, kind):
        cause = cause.__cause__ or cause.__context__
    return cause


class _PinnedTransport(httpx.BaseTransport):
    """An https server is trusted as a browser trusts it, or by its pinned fingerprint.

    With a fingerprint given, only that certificate. Without one, the first connection checks the
    certificate against the certificate authorities this computer trusts (a school's server behind a
    proxy with a real certificate, renewed every few months); if it is not from one (``serve --tls``,
    self-signed), this client pins from then on: the remembered certificate, or the first one seen.
    A refused certificate is an :class:`UntrustedServer`; the request was not sent.
    """

    def __init__(self, pin: _Pin) -> None:
        self._pinning = httpx.HTTPTransport(verify=_pinning_context(pin))
        self._by_authority = httpx.HTTPTransport() if pin.pinned is None else None
        self._chosen: httpx.HTTPTransport | None = self._pinning if pin.pinned is not None else None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._chosen is None and self._by_authority is not None:
            try:
                response = self._by_authority.handle_request(request)
            except httpx.ConnectError as e:
                if _cause(e, ssl.SSLCertVerificationError) is None:
                    raise  # not reached at all: decide on a later connection
                # Not from an authority: the handshake failed before any request byte was sent.
            else:
                self._chosen = self._by_authority
                return response
            self._chosen = self._pinning
        try:
            return (self._chosen or self._pinning).handle_request(request)
        except httpx.ConnectError as e:
            refused = _cause(e, _Refused)
            if refused is not None:
                raise UntrustedServer(str(refused)) from None
            raise

    def close(self) -> None:
        self._pinning.close()
        if self._by_authority is not None:
            self._by_authority.close()


def _http_client(
    server: str,
    *,
    fingerprint: str | None,
    known_servers: KnownServers | Path | str | None,
    transport: httpx.BaseTransport | None,
    timeout: float,
    headers: dict[str, str] | None = None,
) -> tuple[str, httpx.Client]:
    """The server's address (no fingerprint) and an httpx client that pins https servers."""
    url, pinned = split_server(server)
    if fingerprint is not None:
        given = fp.parse(fingerprint)
        if pinned is not None and not (given.startswith(pinned) or pinned.startswith(given)):
            raise ClassroomError("the address and fingerprint= give two different fingerprints")
        pinned = given if len(given) >= len(pinned or "") else pinned
    if pinned is not None and not url.startswith("https://"):
        raise ClassroomError("a certificate fingerprint needs the server's https:// address")
    if transport is None and url.startswith("https://"):
        known = known_servers if isinstance(known_servers, KnownServers) else KnownServers(known_servers)
        transport = _PinnedTransport(_Pin(url, pinned, known))
        # No proxy from the environment for a pinned server: its transport would not pin.
        return url, httpx.Client(
            base_url=url, timeout=timeout, headers=headers, transport=transport, trust_env=False
        )
    return url, httpx.Client(base_url=url, timeout=timeout, headers=headers, transport=transport)


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
        fingerprint: str | None = None,
        known_servers: KnownServers | Path | str | None = None,
    ) -> None:
        self.server, self.http = _http_client(
            server, fingerprint=fingerprint, known_servers=known_servers, transport=transport, timeout=timeout
        )
        self.code, self.name = code.strip().upper(), name.strip()
        self.key = f"{self.server}|{self.code}|{self.name}"
        try:
            self.outbox = outbox if isinstance(outbox, Outbox) else Outbox(outbox)
        except BaseException:
            self.http.close()
            raise
        self.interval = interval
        self.connected: bool | None = None
        self.membership: dict[str, Any] | None = None
        self.state: dict[str, Any] | None = None
        self.listeners: list[Callable[[StudentClient], None]] = []
        self.confidence: dict[str, int] = {}  # answer uid -> how sure the student said they were
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
    def record(self, question_id: str, answer: Any, confidence: int | None = None) -> str:
        """Queue an answer (on disk, at once) and nudge the sender. Returns the answer's uid.

        ``confidence`` (peer instruction's 1 guessing .. 3 sure) travels with it; it is kept in
        memory only, so an answer re-sent after a kernel restart goes without it."""
        if self.membership is None:
            raise ClassroomError("not joined yet: call join() first")
        try:
            uid = self.outbox.add(self.key, question_id, answer)
        except (sqlite3.Error, OSError, TypeError, ValueError) as e:
            raise ClassroomError(f"could not queue the answer for the class: {e}") from None
        if confidence is not None:
            self.confidence[uid] = confidence
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
                        json={"uid": uid, "question_id": qid, "answer": answer}
                        | ({"confidence": self.confidence[uid]} if uid in self.confidence else {}),
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
        fingerprint: str | None = None,
        known_servers: KnownServers | Path | str | None = None,
    ) -> None:
        self.server, self.http = _http_client(
            server,
            fingerprint=fingerprint,
            known_servers=known_servers,
            transport=transport,
            timeout=timeout,
            headers={"X-Teacher-Key": key},
        )
        self.session_id = session_id

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

    # -- peer instruction, the projector, shared explorer states --------------------
    def round_two(self) -> dict[str, Any]:
        return self._call("POST", "/round2").json()

    def rounds(self, question_id: str) -> dict[str, Any]:
        return self._call("GET", f"/questions/{question_id}/rounds").json()

    def projector_url(self) -> str:
        """A new link for the projector (the previous one stops working)."""
        return self.server + self._call("POST", "/projector").json()["path"]

    def share(self, explorer: str, state: dict[str, float]) -> dict[str, Any]:
        return self._call("PUT", "/shared-state", json={"explorer": explorer, "state": state}).json()

    def unshare(self) -> None:
        self._call("DELETE", "/shared-state")

    # -- the roster and the session ---------------------------------------------------
    def set_max_students(self, n: int) -> dict[str, Any]:
        return self._call("PUT", "/settings", json={"max_students": n}).json()

    def rename(self, student_id: int, name: str) -> dict[str, Any]:
        return self._call("PATCH", f"/students/{student_id}", json={"name": name}).json()

    def remove(self, student_id: int) -> dict[str, Any]:
        return self._call("DELETE", f"/students/{student_id}").json()

    def end(self) -> dict[str, Any]:
        return self._call("POST", "/end").json()
