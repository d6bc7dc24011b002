"""The learner's progress store: one SQLite file in the user's data directory.

- Location: ``$CRAMP_LESSONS_HOME/progress.sqlite`` when that variable is set, else the
  platform's user data directory (platformdirs).
- Two kernels may write at once: WAL journal, a busy timeout, one short transaction per write.
  A store another program keeps locked is retried with backoff, then refused with a
  :class:`ProgressError`; it is never moved aside (the other program may still be writing to it).
- Only a damaged file (not a database, malformed, failing ``PRAGMA quick_check``) is moved aside
  (``progress.sqlite.corrupt-<time>``) with a warning and a fresh store is started: nothing is
  silently overwritten.
- A read-only store (file or folder) is opened for reading: earlier answers can be read, and
  saving one raises a :class:`ProgressError` saying why.
- Every table is created by the numbered migrations of :mod:`cramp_lessons.learner.schema`, applied
  on open in one transaction; a store written by a newer cramp-lessons is refused, never touched.
- Opening writes nothing unless the store has to be created or migrated, so reading (or a refused
  ``progress import``) leaves the file byte-identical.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cramp_lessons.errors import ProgressError
from cramp_lessons.learner import schema

FILENAME = "progress.sqlite"
RETRIES = 3  # after the first try, while another program holds the lock
T = TypeVar("T")


class ProgressWarning(UserWarning):
    """The store had to be moved aside and started afresh, or can only be read."""


class _Damaged(Exception):
    """The file is not a usable database: the one case where it is moved aside."""


def _kind(e: sqlite3.Error) -> str:
    """busy | readonly | damaged | cantopen | other, from SQLite's own error code (never from the wording)."""
    name = getattr(e, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "busy"
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM")):
        return "readonly"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return "damaged"
    return "cantopen" if name.startswith("SQLITE_CANTOPEN") else "other"


def is_damaged(e: sqlite3.Error) -> bool:
    """The file is not a database or is malformed (not merely busy, read-only or missing)."""
    return _kind(e) == "damaged"


def move_aside(path: Path) -> Path:
    """Rename a damaged SQLite file (and its -wal and -shm) to ``<name>.corrupt-<time>``; never delete it."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


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
        return datetime.fromtimestamp(self.at, tz=UTC)


def _jsonable(answer: Any) -> Any:
    if isinstance(answer, (set, frozenset, tuple)):
        return sorted(answer) if isinstance(answer, (set, frozenset)) else list(answer)
    return answer


class ProgressStore:
    """One learner's file: attempts here; reviews, diary entries and plans through their modules.

    Opening brings the file up to the latest schema (:mod:`cramp_lessons.learner.schema`), so every
    table is there for whoever reads or writes it.

    ``busy_timeout`` (seconds) is how long one try waits for another program's lock; there are
    :data:`RETRIES` more tries, with a growing pause between them, before a :class:`ProgressError`.
    """

    def __init__(self, path: Path | str | None = None, *, clock=time.time, busy_timeout: float = 5.0) -> None:
        self.path = Path(path) if path else default_home() / FILENAME
        self.clock = clock
        self.busy_timeout = busy_timeout
        self.read_only = False
        self._immutable = False  # read-only folder: read the file as it is (see _open)
        self._seed: str | None = None  # learner_seed(), once read: it is written once and never changes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ProgressError(
                f"cannot create the folder for the progress store {self.path}: {e.strerror or e}. "
                f"Set CRAMP_LESSONS_HOME to a folder you can write to."
            ) from None
        self._open_or_recover()

    # -- opening ------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        uri = self.path.absolute().as_uri() + ("?immutable=1" if self._immutable else "")
        return sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, isolation_level=None)

    def _patiently(self, fn: Callable[[], T]) -> T:
        """``fn()``, tried again with backoff while the store is busy; an SQLite error becomes a ProgressError."""
        for attempt in range(RETRIES + 1):
            try:
                return fn()
            except sqlite3.Error as e:
                if _kind(e) == "busy" and attempt < RETRIES:
                    time.sleep(min(0.5, self.busy_timeout) * 2**attempt)
                    continue
                raise self._error(e) from None
        raise AssertionError("unreachable")

    def _error(self, e: sqlite3.Error) -> ProgressError:
        kind = _kind(e)
        if kind == "busy":
            return ProgressError(
                f"The progress store {self.path} is in use by another program (another notebook kernel or "
                f"a cramp-lessons command) and stayed locked after {RETRIES + 1} tries ({e}). Nothing was "
                f"changed and nothing was moved; close the other program, or try again in a moment."
            )
        if kind == "readonly":
            return ProgressError(
                f"The progress store {self.path} is read-only ({e}): your earlier answers can be read, but "
                f"nothing new can be saved, and nothing was changed. Make the file and its folder writable, "
                f"or set CRAMP_LESSONS_HOME to a folder you can write to."
            )
        return ProgressError(f"The progress store {self.path} cannot be used ({e}). Nothing was moved.")

    def _open_or_recover(self) -> None:
        try:
            self._patiently(self._open)
        except _Damaged as e:
            self._move_aside(str(e))
            self._patiently(self._open)

    def _open(self) -> None:
        """Check the file and create or migrate it; a store that is up to date is only read."""
        if 0 < (self.path.stat().st_size if self.path.exists() else 0) < 512:
            # SQLite would take a file this short for an empty database and write over it.
            raise _Damaged("the file is too short to be a database")
        con = self._connect()
        try:
            ok = con.execute("PRAGMA quick_check").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            journal = con.execute("PRAGMA journal_mode").fetchone()[0]
        except sqlite3.Error as e:
            if is_damaged(e):
                raise _Damaged(str(e)) from None
            wal = self.path.with_name(self.path.name + "-wal")
            if (
                _kind(e) in ("readonly", "cantopen")
                and not self._immutable
                and self.path.exists()
                and not wal.exists()
            ):
                # In a read-only folder SQLite cannot create its -shm file. With no -wal file, every
                # committed answer is in the main file, so it can be read as it is.
                self._immutable = True
                return self._open()
            raise
        finally:
            con.close()
        if ok != "ok":
            raise _Damaged(f"integrity check failed: {ok}")
        self.read_only = self._immutable or not os.access(self.path, os.W_OK)
        if version > schema.LATEST:
            raise schema.too_new(self.path, version)
        if self.read_only:
            if version == 0:
                raise ProgressError(
                    f"The progress store {self.path} is read-only and is not a progress store yet, so it "
                    f"cannot be set up. Nothing was changed. Set CRAMP_LESSONS_HOME to a folder you can write to."
                )
            if version < schema.LATEST:
                raise ProgressError(
                    f"The progress store {self.path} is read-only and was written by an older version of "
                    f"cramp-lessons (store version {version}, this one needs {schema.LATEST}); it must be "
                    f"brought up to date before it can be read, and a read-only file cannot be. Nothing was "
                    f"changed. Make the file and its folder writable, then open it again."
                )
            warnings.warn(
                f"The progress store {self.path} is read-only: your answers so far can be read, "
                f"but new ones cannot be saved.",
                ProgressWarning,
                stacklevel=5,
            )
            return
        # Create or migrate, the only time opening writes: the journal mode and user_version live in
        # the file's header, so setting them on every open would change the file every time.
        if journal != "wal":
            con = self._connect()
            try:
                con.execute("PRAGMA journal_mode = WAL")
            finally:
                con.close()
        if version < schema.LATEST:
            try:
                with self.transaction() as con:  # every pending migration, or none of them
                    schema.migrate(con, self.path)
            except sqlite3.Error as e:  # not busy, read-only or damaged: those are ProgressErrors already
                raise ProgressError(
                    f"The progress store {self.path} could not be brought up to date from store version "
                    f"{version} to {schema.LATEST} ({e}). It was left at version {version}, and nothing was moved."
                ) from None

    def _move_aside(self, reason: str) -> None:
        try:
            target = move_aside(self.path)
        except OSError as e:
            raise ProgressError(
                f"The progress store {self.path} cannot be read ({reason}) and could not be moved aside ({e}). "
                f"Move or delete it by hand, or set CRAMP_LESSONS_HOME to another folder."
            ) from None
        warnings.warn(
            f"The progress store {self.path} could not be read ({reason}). It was moved to {target} "
            f"and a fresh store was started; your old file is kept there.",
            ProgressWarning,
            stacklevel=4,
        )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. The lock is waited for (with retries); a busy or read-only store, or
        a write the store refuses, raises :class:`ProgressError` and nothing of the transaction is kept."""
        con = self._patiently(self._connect)
        try:
            self._patiently(lambda: con.execute("BEGIN IMMEDIATE"))
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as e:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error) and _kind(e) != "other":
                    raise self._error(e) from None
                raise
        finally:
            con.close()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        def run() -> list[tuple]:
            con = self._connect()
            try:
                return con.execute(sql, params).fetchall()
            finally:
                con.close()

        return self._patiently(run)

    # -- the learner --------------------------------------------------------
    def learner_seed(self) -> str:
        """This learner's random seed, made once and kept: it orders each question's options.

        The same learner sees the same order every time (so a retry is not a new puzzle), and
        another learner a different one, so no option's place says whether it is right.
        """
        # Every question widget asks; the store is read once, not twice per question.
        if self._seed is not None:
            return self._seed
        row = self.query("SELECT value FROM learner WHERE key = 'seed'")
        if row:
            self._seed = str(row[0][0])
            return self._seed
        import secrets

        seed = secrets.token_hex(8)
        with self.transaction() as con:
            con.execute("INSERT OR IGNORE INTO learner(key, value) VALUES ('seed', ?)", (seed,))
            self._seed = str(con.execute("SELECT value FROM learner WHERE key = 'seed'").fetchone()[0])
        return self._seed

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


_SESSION_SEED: str | None = None


def learner_seed() -> str:
    """The learner's seed from their progress store; a seed for this kernel if the store cannot
    keep one (read-only, locked): options are still shuffled, only not the same next time."""
    global _SESSION_SEED
    try:
        return get_store().learner_seed()
    except ProgressError:
        if _SESSION_SEED is None:
            import secrets

            _SESSION_SEED = secrets.token_hex(8)
        return _SESSION_SEED


def get_store() -> ProgressStore:
    """The store for this kernel (re-opened if CRAMP_LESSONS_HOME changed)."""
    global _STORE
    want = default_home() / FILENAME
    if _STORE is None or _STORE.path != want:
        _STORE = ProgressStore(want)
    return _STORE
