"""The schema of the learner's file (``progress.sqlite``): every table in it, as numbered migrations.

This module is the one place that creates tables in the learner's file; the modules that use them
(progress, spaced review, the diary, the planner) rely on the store having been brought up to date
when it was opened (:class:`~cramp_lessons.learner.progress.ProgressStore` calls :func:`migrate`).

- The file's version is SQLite's ``PRAGMA user_version``: 0 for a new (empty) file, else the number
  of the last migration applied to it.
- :data:`MIGRATIONS` is numbered 1, 2, ... with no gaps (checked when this module is imported).
  Opening a file at version *v* applies migrations *v*+1 to :data:`LATEST`, all of them and the new
  version number in one transaction, so a failed migration leaves the file as it was.
- A file at :data:`LATEST` is only read: opening it writes nothing.
- A file at a version above :data:`LATEST` was written by a newer cramp-lessons. It is refused with a
  :class:`ProgressError` and never touched (never "downgraded").

A migration, once released, is never edited: files in learners' hands were made by it. A change of
schema is a new migration at the end of the list. Each one must work on every file the versions before
it can have made: migration 2 uses ``IF NOT EXISTS`` because version 1 files may already hold any of
its tables (features used to create them on first use).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cramp_lessons.errors import ProgressError


@dataclass(frozen=True)
class Migration:
    version: int  # the file's user_version once this migration is applied
    what: str  # one line, for people reading the list
    sql: str  # statements separated by semicolons; run in order, in the migrating transaction


# Version 1: the store as it was first released. ``ProgressStore`` created exactly this on open.
_V1 = """
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

# Version 2: the tables that spaced review, the diary, the planner and the learner seed created the
# first time each was used, in a version 1 file. Word for word the statements they ran (so a file
# that already has a table keeps it as it is, and a new file gets the same one), with IF NOT EXISTS.
_V2 = """
CREATE TABLE IF NOT EXISTS reviews (
    question_id TEXT PRIMARY KEY,
    card TEXT NOT NULL,                -- fsrs Card.to_dict() as JSON
    due REAL NOT NULL,                 -- unix time of card.due, for due() queries
    reps INTEGER NOT NULL,             -- reviews so far
    lapses INTEGER NOT NULL,           -- Again ratings so far
    last_rating INTEGER NOT NULL,      -- fsrs Rating value of the last review
    updated REAL NOT NULL,             -- unix time of the last review
    session TEXT,                      -- the sitting that made the last review
    before TEXT                        -- the card before that sitting (JSON), NULL if it was new
);
CREATE INDEX IF NOT EXISTS reviews_due ON reviews(due);

CREATE TABLE IF NOT EXISTS diary (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,          -- stable across CSV export/import: importing twice adds nothing
    at TEXT NOT NULL,                  -- ISO local date and time of the cramp
    muscle TEXT NOT NULL,
    muscle_other TEXT NOT NULL DEFAULT '',
    duration REAL NOT NULL,            -- seconds
    activity TEXT NOT NULL,
    helped TEXT NOT NULL,              -- JSON list of ids
    helped_other TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL              -- unix time the entry was saved
);
CREATE INDEX IF NOT EXISTS diary_at ON diary(at);

CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    situations TEXT NOT NULL,          -- JSON list of situation ids; the plan is rebuilt from content
    saved_at REAL NOT NULL             -- unix time
);

CREATE TABLE IF NOT EXISTS learner (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "attempts: every answer the learner checks", _V1),
    Migration(
        2, "reviews, diary, plans and learner: the tables features used to create when first used", _V2
    ),
)


def check_numbering(migrations: Sequence[Migration]) -> None:
    """Raise ValueError unless the migrations are numbered 1, 2, ..., N in order, with no gap or repeat."""
    got = [m.version for m in migrations]
    want = list(range(1, len(got) + 1))
    if not got or got != want:
        raise ValueError(f"migrations must be numbered {want or [1]} in order, found {got}")


check_numbering(MIGRATIONS)
LATEST = MIGRATIONS[-1].version


def statements(sql: str) -> list[str]:
    """The statements of a script, split at the semicolons that end one (not those in a comment)."""
    out, buf = [], ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf)
            buf = ""
    return out


def too_new(path: Path | str, version: int) -> ProgressError:
    """The error for a file written by a newer cramp-lessons (it is refused, never downgraded)."""
    return ProgressError(
        f"The progress store {path} was written by a newer version of cramp-lessons "
        f"(store version {version}, this one reads up to {LATEST}). Nothing was changed. Upgrade cramp-lessons."
    )


def user_version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def migrate(con: sqlite3.Connection, path: Path | str) -> list[int]:
    """Bring the file up to :data:`LATEST` inside the caller's write transaction (``BEGIN IMMEDIATE``).

    The version is read again here, under the write lock: another program may have migrated the
    file since it was opened. Returns the versions applied (empty if the file was up to date).
    Raises :class:`ProgressError` for a file newer than this code; the caller rolls back.
    """
    if not con.in_transaction:
        raise RuntimeError("migrate() runs inside a write transaction, so a failed migration changes nothing")
    have = user_version(con)
    if have > LATEST:
        raise too_new(path, have)
    todo = [m for m in MIGRATIONS if m.version > have]
    for m in todo:
        for stmt in statements(m.sql):
            con.execute(stmt)
    if todo:
        con.execute(f"PRAGMA user_version = {LATEST}")
    return [m.version for m in todo]


__all__ = [
    "Migration",
    "MIGRATIONS",
    "LATEST",
    "check_numbering",
    "migrate",
    "statements",
    "too_new",
    "user_version",
]
