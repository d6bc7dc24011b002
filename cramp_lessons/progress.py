"""The learner's progress store: one SQLite file in the user's data directory.

- Location: ``$CRAMP_LESSONS_HOME/progress.sqlite`` when that variable is set, else the
  platform's user data directory (platformdirs).
- Two kernels may write at once: WAL journal, a busy timeout, one short transaction per write.
- A corrupted or unreadable file is moved aside (``progress.sqlite.corrupt-<time>``) with a
  warning and a fresh store is started: nothing is silently overwritten.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import ProgressError

FILENAME = "progress.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,          -- stable across export/import, so a merge adds nothing twice
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,              -- JSON
    score REAL NOT NULL,
    correct INTEGER NOT NULL,
    seconds REAL,                      -- time taken to answer, when known
    at REAL NOT NULL                   -- unix time
);
CREATE INDEX IF NOT EXISTS attempts_question ON attempts(question_id, at);
"""


class ProgressWarning(UserWarning):
    """The store had to be moved aside and started afresh."""


def default_home() -> Path:
    env = os.environ.get("CRAMP_LESSONS_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("cramp-lessons", appauthor=False))


@dataclass(frozen=True)
class Attempt:
    uid: str
    question_id: str
    answer: Any
    score: float
    correct: bool
    seconds: float | None
    at: float

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.at, tz=timezone.utc)


def _jsonable(answer: Any) -> Any:
    if isinstance(answer, (set, frozenset, tuple)):
        return sorted(answer) if isinstance(answer, (set, frozenset)) else list(answer)
    return answer


class ProgressStore:
    """Attempts (and, in later tables, reviews and diary entries) for one learner."""

    def __init__(self, path: Path | str | None = None, *, clock=time.time) -> None:
        self.path = Path(path) if path else default_home() / FILENAME
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._open_or_recover()

    # -- opening ------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.execute("PRAGMA busy_timeout = 30000")
        return con

    def _open_or_recover(self) -> None:
        try:
            con = self._connect()
            try:
                ok = con.execute("PRAGMA quick_check").fetchone()[0]
                if ok != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {ok}")
                con.execute("PRAGMA journal_mode = WAL")
                con.executescript(_SCHEMA)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            finally:
                con.close()
        except sqlite3.DatabaseError as e:
            self._move_aside(str(e))
            con = self._connect()
            try:
                con.execute("PRAGMA journal_mode = WAL")
                con.executescript(_SCHEMA)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            finally:
                con.close()

    def _move_aside(self, reason: str) -> None:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            self.path.rename(target)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.rename(target.with_name(target.name + suffix))
        except OSError as e:
            raise ProgressError(
                f"The progress store {self.path} cannot be read ({reason}) and could not be moved aside ({e}). "
                f"Move or delete it by hand, or set CRAMP_LESSONS_HOME to another folder."
            ) from None
        warnings.warn(
            f"The progress store {self.path} could not be read ({reason}). It was moved to {target} "
            f"and a fresh store was started; your old file is kept there.",
            ProgressWarning,
            stacklevel=3,
        )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        con = self._connect()
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    # -- attempts -----------------------------------------------------------
    def record(
        self,
        question_id: str,
        answer: Any,
        score: float,
        correct: bool,
        seconds: float | None = None,
        at: float | None = None,
    ) -> Attempt:
        import uuid

        a = Attempt(
            uuid.uuid4().hex,
            question_id,
            _jsonable(answer),
            float(score),
            bool(correct),
            seconds,
            self.clock() if at is None else at,
        )
        with self.transaction() as con:
            con.execute(
                "INSERT INTO attempts(uid, question_id, answer, score, correct, seconds, at) VALUES (?,?,?,?,?,?,?)",
                (a.uid, a.question_id, json.dumps(a.answer), a.score, int(a.correct), a.seconds, a.at),
            )
        return a

    def attempts(self, question_prefix: str | None = None) -> list[Attempt]:
        sql = "SELECT uid, question_id, answer, score, correct, seconds, at FROM attempts"
        params: tuple = ()
        if question_prefix:
            sql += " WHERE question_id = ? OR question_id LIKE ?"
            params = (question_prefix, question_prefix + ".%")
        rows = self.query(sql + " ORDER BY at, id", params)
        return [Attempt(u, q, json.loads(a), s, bool(c), sec, at) for u, q, a, s, c, sec, at in rows]

    def latest(self) -> dict[str, Attempt]:
        """The most recent attempt at each question."""
        return {a.question_id: a for a in self.attempts()}

    def best_scores(self) -> dict[str, float]:
        rows = self.query("SELECT question_id, MAX(score) FROM attempts GROUP BY question_id")
        return {q: s for q, s in rows}


_STORE: ProgressStore | None = None


def get_store() -> ProgressStore:
    """The store for this kernel (re-opened if CRAMP_LESSONS_HOME changed)."""
    global _STORE
    want = default_home() / FILENAME
    if _STORE is None or _STORE.path != want:
        _STORE = ProgressStore(want)
    return _STORE
