"""The learner's file and its numbered migrations (cramp_lessons.learner.schema).

A file from the version before the schema module (tests/fixtures/progress_v1.sql, made with that
version's own API) opens without losing a row; a new file gets every table; a file from a newer
cramp-lessons is refused and left byte for byte; an up-to-date file is only read; a migration that
fails leaves the file as it was.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating

from cramp_lessons.course.grading import Grade
from cramp_lessons.errors import ProgressError
from cramp_lessons.learner import portable, review, schema
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.practical import planner
from cramp_lessons.practical.diary import Diary
from tests.test_progress_safety import as_learner, shared_dir  # noqa: F401 (shared_dir is a fixture)

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "progress_v1.sql"
TABLES = {"attempts", "reviews", "diary", "plans", "learner"}
INDEXES = {"attempts_question", "reviews_due", "diary_at"}
LAZY = ("reviews", "diary", "plans", "learner")  # what version 1 made only when a feature was first used
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # the fixture's first answer
WRITES = re.compile(
    r"^\s*(BEGIN|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b|^\s*PRAGMA\s+\w+\s*=", re.I
)


# ------------------------------------------------------------------ helpers
def load_v1(path: Path, drop: tuple[str, ...] = ()) -> Path:
    """A version 1 file from the fixture, without the lazily made tables in ``drop``."""
    con = sqlite3.connect(path)
    try:
        con.executescript(FIXTURE_V1.read_text(encoding="utf-8"))
        for table in drop:
            con.execute(f"DROP TABLE {table}")
        con.commit()
    finally:
        con.close()
    return path


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (the autoincrement counters too), read straight from the file."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in names}
    finally:
        con.close()


def schema_of(path: Path) -> set[tuple]:
    """The file's tables and indexes as SQLite keeps their CREATE statements."""
    con = sqlite3.connect(path)
    try:
        return set(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        con.close()


def pragma(path: Path, name: str):
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def state(path: Path) -> tuple[bytes, int, list[str]]:
    """The file's bytes and mtime, and what is in its folder."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def right(qid: str) -> Grade:
    return Grade(qid, 1.0, True, [], "why", "strong")


# ------------------------------------------------------------------ (e) the list itself
def test_migrations_are_numbered_one_to_n_without_gaps():
    versions = [m.version for m in schema.MIGRATIONS]
    assert versions == list(range(1, len(schema.MIGRATIONS) + 1))
    assert schema.LATEST == len(schema.MIGRATIONS) == versions[-1]
    schema.check_numbering(schema.MIGRATIONS)
    assert all(m.what.strip() and schema.statements(m.sql) for m in schema.MIGRATIONS)


@pytest.mark.parametrize("versions", [[], [0, 1], [2], [1, 3], [1, 1, 2], [2, 1], [1, 2, 4]])
def test_the_numbering_check_catches_a_gap_a_repeat_or_a_wrong_start(versions):
    with pytest.raises(ValueError, match="numbered"):
        schema.check_numbering([schema.Migration(v, "m", "SELECT 1;") for v in versions])


# ------------------------------------------------------------------ (a) today's files keep every row
def test_a_version_1_file_keeps_every_row_and_every_reader_returns_it(tmp_path):
    path = load_v1(tmp_path / "progress.sqlite")
    before = rows(path)
    assert pragma(path, "user_version") == 1 and TABLES <= set(before)
    assert {t: len(before[t]) for t in TABLES} == {
        "attempts": 9,
        "reviews": 4,
        "diary": 3,
        "plans": 2,
        "learner": 1,
    }

    store = ProgressStore(path)
    assert pragma(path, "user_version") == schema.LATEST
    assert rows(path) == before  # every row, every value, the autoincrement counters too

    # Attempts, as progress.py reads them.
    got = [(a.uid, a.question_id, a.answer, a.score, a.correct, a.seconds, a.at) for a in store.attempts()]
    assert got == [
        (uid, qid, json.loads(answer), score, bool(correct), seconds, at)
        for _id, uid, qid, answer, score, correct, seconds, at in before["attempts"]
    ]
    assert got[0][1:3] == ("basics.q1", "c") and got[0][5] == 21.4
    assert isinstance(got[7][2], dict) and got[7][1] == "basics.q2"  # a matching answer
    assert [a.seconds for a in store.attempts("causes.cold")] == [None, None]
    assert store.best_scores()["basics.q7"] == 0.5

    # Review cards, as review.py reads them: the FSRS card JSON comes back as the same card.
    cards = {c.question_id: c for c in review.cards(store)}
    assert set(cards) == {"basics.q1", "basics.q5", "basics.q7", "causes.cold.q1"}  # basics.q2 was Easy
    for qid, card, due, reps, lapses, last, updated, _session, _before in before["reviews"]:
        c = cards[qid]
        assert c.card.to_dict() == json.loads(card) and c.due.timestamp() == due
        assert (c.reps, c.lapses, int(c.last_rating), c.updated) == (reps, lapses, last, updated)
    assert (cards["causes.cold.q1"].reps, cards["causes.cold.q1"].lapses) == (2, 1)
    assert review.next_due(store, "basics.q1") == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert review.due(store, T0 + timedelta(days=1, minutes=10)) == [
        "basics.q7",
        "basics.q5",
        "causes.cold.q1",
    ]
    assert review.upcoming(store, T0 + timedelta(days=2)) == datetime(2025, 3, 4, 9, 0, tzinfo=UTC)

    # Diary entries, as diary.py reads them.
    entries = Diary(store).entries()
    assert [(e.uid, e.when.isoformat(), e.muscle, e.muscle_other, e.duration_seconds) for e in entries] == [
        (uid, at, muscle, mo, dur) for _id, uid, at, muscle, mo, dur, *_ in before["diary"]
    ]
    assert [(e.activity, list(e.helped), e.helped_other, e.notes) for e in entries] == [
        (act, json.loads(helped), ho, notes) for *_, act, helped, ho, notes, _created in before["diary"]
    ]
    assert entries[2].notes == 'Café "au lait"; 2 cups, then cramp'

    # Plans, as planner.py reads them, and the learner's seed.
    assert planner.list_plans(store) == [("for my mother", 1741082400.0), ("my plan", 1741078800.0)]
    assert planner.load_plan(store).situations == ("athlete", "night_cramps")
    assert planner.load_plan(store, "for my mother").situations == ("older_adult",)
    assert store.learner_seed() == "e01382de45940b47"

    # The export sees all of it.
    data = portable.export_data(store, T0)
    assert (len(data["attempts"]), len(data["reviews"])) == (9, 4)


def test_a_migrated_version_1_file_takes_new_writes(tmp_path):
    store = ProgressStore(load_v1(tmp_path / "progress.sqlite"))
    later = T0 + timedelta(days=5)
    store.record("basics.q8", "b", 1.0, True, 6.0, at=later.timestamp())
    assert rows(store.path)["attempts"][-1][0] == 10  # the autoincrement counter carried on
    # The same sitting as the file's last review of basics.q1 (Easy): redone from the card saved before it.
    out = review.record_outcome(
        store, "basics.q1", right("basics.q1"), 40.0, 1, T0 + timedelta(days=1), session="s2"
    )
    [q1] = [c for c in review.cards(store) if c.question_id == "basics.q1"]
    assert out.rating == Rating.Good and (q1.reps, q1.last_rating) == (2, Rating.Good)  # replaced, not added
    review.record_outcome(store, "basics.q7", right("basics.q7"), 50.0, 1, later)
    assert [c.reps for c in review.cards(store) if c.question_id == "basics.q7"] == [2]
    Diary(store, now=lambda: datetime(2025, 3, 6, 12, 0)).add(
        dict(
            when="2025-03-05 23:40", muscle="calf", duration_seconds=30, activity="sleep", helped=["nothing"]
        )
    )
    assert len(Diary(store)) == 4
    planner.save_plan(store, ["pregnant"], name="third")
    assert [n for n, _ in planner.list_plans(store)][0] == "third"


@pytest.mark.parametrize(
    "missing",
    [(), LAZY, ("diary", "learner"), ("reviews", "plans")],
    ids=["all tables", "attempts only", "no diary or seed", "no reviews or plans"],
)
def test_a_version_1_file_gets_the_tables_it_lacked_and_the_schema_of_a_new_file(tmp_path, missing):
    path = load_v1(tmp_path / "progress.sqlite", drop=missing)
    before = rows(path)
    ProgressStore(path)
    after = rows(path)
    assert {t: after[t] for t in before} == before
    assert all(after[t] == [] for t in missing)
    # Word for word the tables and indexes a new file gets: version 1 files and new ones do not drift apart.
    assert schema_of(path) == schema_of(ProgressStore(tmp_path / "new.sqlite").path)


# ------------------------------------------------------------------ (b) a new file
def test_a_new_file_gets_the_latest_version_and_every_table(tmp_path):
    path = tmp_path / "progress.sqlite"
    store = ProgressStore(path)
    made = {(kind, name) for kind, name, *_ in schema_of(path)}
    assert {n for k, n in made if k == "table"} == TABLES | {"sqlite_sequence"}
    assert {n for k, n in made if k == "index" and not n.startswith("sqlite_autoindex")} == INDEXES
    declared = set(
        re.findall(
            r"CREATE\s+(?:TABLE|INDEX)\s+IF\s+NOT\s+EXISTS\s+(\w+)", "".join(m.sql for m in schema.MIGRATIONS)
        )
    )
    assert declared == TABLES | INDEXES  # every table the migrations declare, and no other
    assert pragma(path, "user_version") == schema.LATEST and pragma(path, "journal_mode") == "wal"
    assert store.attempts() == [] and review.cards(store) == [] and len(Diary(store)) == 0
    assert planner.list_plans(store) == [] and planner.load_plan(store) is None


# ------------------------------------------------------------------ (c) a newer file is refused untouched
@pytest.mark.parametrize("ahead", [1, 40])
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_file_from_a_newer_version_is_refused_and_left_byte_for_byte(tmp_path, ahead, journal):
    path = load_v1(tmp_path / "progress.sqlite")
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.execute(f"PRAGMA user_version = {schema.LATEST + ahead}")
    con.close()
    before = state(path)
    with pytest.raises(ProgressError, match="newer version of cramp-lessons") as err:
        ProgressStore(path)
    assert f"store version {schema.LATEST + ahead}" in str(err.value) and "Upgrade" in str(err.value)
    assert state(path) == before  # same bytes, same mtime, nothing beside it (no -wal, nothing moved)


def test_migrate_itself_refuses_a_newer_file_under_the_lock(tmp_path):
    """Another program may upgrade the file between the open's check and the write lock."""
    path = load_v1(tmp_path / "progress.sqlite")
    con = sqlite3.connect(path, isolation_level=None)
    con.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    con.execute("BEGIN IMMEDIATE")
    with pytest.raises(ProgressError, match="newer version"):
        schema.migrate(con, path)
    con.execute("ROLLBACK")
    con.close()


def test_migrate_runs_only_inside_a_transaction_and_skips_what_is_done(tmp_path):
    path = ProgressStore(tmp_path / "progress.sqlite").path
    con = sqlite3.connect(path, isolation_level=None)
    try:
        with pytest.raises(RuntimeError, match="inside a write transaction"):
            schema.migrate(con, path)
        con.execute("BEGIN IMMEDIATE")
        assert schema.migrate(con, path) == []  # e.g. another kernel migrated it first
        con.execute("COMMIT")
    finally:
        con.close()


# ------------------------------------------------------------------ (d) an up-to-date file is only read
def test_opening_an_up_to_date_file_twice_writes_nothing(tmp_path, monkeypatch):
    path = load_v1(tmp_path / "progress.sqlite")
    ProgressStore(path)  # migrated: up to date from here on
    before = state(path)
    watcher = sqlite3.connect(path)
    changes = watcher.execute("PRAGMA data_version").fetchone()[0]

    issued: list[str] = []
    connect = ProgressStore._connect

    def traced(self):
        con = connect(self)
        con.set_trace_callback(issued.append)
        return con

    def no_writes(self):
        raise AssertionError("opening or reading an up-to-date store began a write transaction")

    monkeypatch.setattr(ProgressStore, "_connect", traced)
    monkeypatch.setattr(ProgressStore, "transaction", no_writes)
    reads = [
        ProgressStore.attempts,
        ProgressStore.learner_seed,
        review.cards,
        lambda s: review.due(s, T0),
        lambda s: Diary(s).entries(),
        planner.list_plans,
        planner.load_plan,
    ]
    for _ in range(2):
        store = ProgressStore(path)
        for read in reads:
            read(store)
    assert issued and not [s for s in issued if WRITES.search(s)]
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == changes  # nobody committed anything
    watcher.close()
    assert state(path) == before


# ------------------------------------------------------------------ a failed migration changes nothing
def test_a_migration_that_fails_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = load_v1(tmp_path / "progress.sqlite", drop=LAZY)
    before = state(path)
    broken = schema.Migration(
        schema.LATEST + 1, "fails halfway", "CREATE TABLE extra (x); CREATE TABLE attempts (x);"
    )
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "LATEST", broken.version)
    with pytest.raises(ProgressError, match="could not be brought up to date from store version 1") as err:
        ProgressStore(path)
    assert "left at version 1" in str(err.value)
    assert state(path) == before  # migration 2's tables, the "extra" table and the version: all rolled back
    assert pragma(path, "user_version") == 1 and set(rows(path)) == {"attempts", "sqlite_sequence"}


# ------------------------------------------------------------------ read-only and out of date
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop root's privileges")
def test_a_read_only_file_from_an_older_version_is_refused_untouched(shared_dir):  # noqa: F811
    path = load_v1(shared_dir / "progress.sqlite")
    path.chmod(0o444)
    before = state(path)

    def open_it():
        try:
            ProgressStore(path)
        except ProgressError as e:
            return str(e)
        return ""

    message, _ = as_learner(open_it)
    assert "read-only" in message and "older version" in message and "Nothing was changed" in message
    assert state(path) == before
    path.chmod(0o644)
    assert (
        pragma(path, "user_version") == 1 and len(ProgressStore(path).attempts()) == 9
    )  # writable: migrated


def test_the_fixture_cards_are_cards_fsrs_reads():
    """The fixture's cards are what fsrs wrote (a later fsrs must still read them)."""
    con = sqlite3.connect(":memory:")
    con.executescript(FIXTURE_V1.read_text(encoding="utf-8"))
    for (text,) in con.execute(
        "SELECT card FROM reviews UNION ALL SELECT before FROM reviews WHERE before IS NOT NULL"
    ):
        assert Card.from_dict(json.loads(text)).due.tzinfo is not None
    con.close()
