"""Opening the progress store: only a damaged file is moved aside; a read-only or busy store is
refused with a ProgressError and left exactly as it was; opening and reading write nothing."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sqlite3
import tempfile
import threading
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_lessons.course.grading import Grade
from cramp_lessons.errors import ProgressError
from cramp_lessons.learner import portable, review, schema
from cramp_lessons.learner.progress import ProgressStore, ProgressWarning
from cramp_lessons.practical import planner

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
NOBODY = 65534


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def aside(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.corrupt-*"))


def filled(path: Path, n: int = 2) -> ProgressStore:
    s = ProgressStore(path)
    for i in range(n):
        s.record(f"causes.cold.q{i}", "a", 1.0, True, 3.0)
    review.record_outcome(s, "causes.cold.q0", Grade("x", 0.0, False, [], "why", "strong"), 5, 1, T0)
    return s


# ------------------------------------------------------------------ read-only, for real
@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root when run as root)."""
    d = Path(tempfile.mkdtemp(prefix="cramp-ro-"))
    d.chmod(0o755)
    yield d
    for sub in (d, *d.rglob("*")):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(d, ignore_errors=True)


def as_learner(fn):
    """Run ``fn()`` as a user whom file permissions bind, and return (result, warnings).

    Not root: in this process, as ourselves. Root, whom chmod does not stop: in a forked child that
    drops to uid/gid 65534 ("nobody"), so SQLite really meets a read-only file or folder. Everything
    the child uses is imported before the fork (nobody cannot read root's Python installation).
    """

    def run():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                value = fn()
            except Exception as e:  # handed back to the parent, which raises it
                value = e
        return value, [str(x.message) for x in w if issubclass(x.category, ProgressWarning)]

    if os.geteuid() != 0:
        value, caught = run()
    else:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 0
            try:
                os.close(r)
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                out = pickle.dumps(run())
            except BaseException as e:
                out, code = pickle.dumps((RuntimeError(f"child failed: {e!r}"), [])), 1
            with os.fdopen(w, "wb") as f:
                f.write(out)
            os._exit(code)
        os.close(w)
        with os.fdopen(r, "rb") as f:
            value, caught = pickle.loads(f.read())
        os.waitpid(pid, 0)
    if isinstance(value, Exception):
        raise value
    return value, caught


def _read_then_write(path: Path):
    s = ProgressStore(path)
    got = [a.question_id for a in s.attempts()], len(review.cards(s)), s.read_only
    try:
        s.record("causes.cold.q9", "b", 0.0, False)
    except ProgressError as e:
        return (*got, str(e))
    return (*got, "")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop root's privileges")
@pytest.mark.parametrize(
    "folder_mode, file_mode",
    [(0o777, 0o444), (0o555, 0o666), (0o555, 0o444)],
    ids=["read-only file", "read-only folder", "both"],
)
def test_a_read_only_store_can_be_read_and_refuses_writes_clearly(shared_dir, folder_mode, file_mode):
    path = shared_dir / "store" / "progress.sqlite"
    filled(path)
    before = digest(path)
    path.chmod(file_mode)
    path.parent.chmod(folder_mode)
    (ids, n_cards, read_only, error), caught = as_learner(lambda: _read_then_write(path))
    assert ids == ["causes.cold.q0", "causes.cold.q1"] and n_cards == 1 and read_only
    assert "is read-only" in error and "nothing was changed" in error
    assert any("read-only" in m for m in caught)  # the learner is told when the store opens
    assert digest(path) == before and aside(path.parent) == []  # nothing moved, not one byte changed
    assert len(ProgressStore(path).attempts()) == 2  # root sees the same two answers


def test_a_store_that_cannot_be_opened_is_not_moved(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.mkdir()  # e.g. a folder where the file should be
    with pytest.raises(ProgressError, match="cannot be used"):
        ProgressStore(path)
    assert path.is_dir() and aside(tmp_path) == []


# ------------------------------------------------------------------ busy
def test_a_store_locked_by_another_program_is_refused_and_stays_in_place(tmp_path):
    path = tmp_path / "progress.sqlite"
    filled(path, 1)
    other = sqlite3.connect(path, isolation_level=None)  # another kernel, holding the whole file
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute(
        "INSERT INTO attempts(uid, question_id, answer, score, correct, at) VALUES ('k2', 'k2.q', '1', 1, 1, 0)"
    )
    before = digest(path)
    try:
        with pytest.raises(ProgressError, match="in use by another program") as err:
            ProgressStore(path, busy_timeout=0.05)
        assert "nothing was moved" in str(err.value)
        assert digest(path) == before and aside(tmp_path) == []
        other.execute("COMMIT")
    finally:
        other.close()
    # The other kernel's answer went into the one file: progress is not split in two.
    assert {a.question_id for a in ProgressStore(path).attempts()} == {"causes.cold.q0", "k2.q"}


def test_a_write_while_another_kernel_holds_the_lock_is_refused_clearly(tmp_path):
    path = tmp_path / "progress.sqlite"
    filled(path, 1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        s = ProgressStore(path, busy_timeout=0.05)  # opening only reads, so it works
        assert len(s.attempts()) == 1
        before = digest(path)
        with pytest.raises(ProgressError, match="in use by another program"):
            s.record("causes.cold.q5", "a", 1.0, True)
        with pytest.raises(ProgressError, match="in use by another program"):
            review.record_outcome(s, "causes.cold.q5", Grade("x", 0.0, False, [], "w", "s"), 5, 1, T0)
        assert digest(path) == before and aside(tmp_path) == []
    finally:
        other.close()
    s.record("causes.cold.q5", "a", 1.0, True)
    assert len(s.attempts()) == 2


def test_a_short_lock_is_waited_out_with_retries(tmp_path):
    path = tmp_path / "progress.sqlite"
    filled(path, 1)
    locked = threading.Event()

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(0.5)  # longer than one busy timeout, shorter than all the tries together
        other.execute("COMMIT")
        other.close()

    t = threading.Thread(target=hold)
    t.start()
    locked.wait(5)
    s = ProgressStore(path, busy_timeout=0.2)
    start = time.monotonic()
    s.record("causes.cold.q5", "a", 1.0, True)
    t.join()
    assert time.monotonic() - start > 0.2 and len(s.attempts()) == 2


# ------------------------------------------------------------------ damaged
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(min_size=1, max_size=3000))
def test_any_garbage_file_is_moved_aside_and_kept(tmp_path, garbage):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "progress.sqlite"
    path.write_bytes(garbage)
    with pytest.warns(ProgressWarning, match="moved to"):
        s = ProgressStore(path)
    (old,) = aside(folder)
    assert old.read_bytes() == garbage  # kept, byte for byte
    s.record("q", "a", 1, True)
    assert len(s.attempts()) == 1


def test_a_store_failing_quick_check_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite"
    filled(path, 50)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'attempts_question'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page + 8 : root * page] = b"\x07" * (page - 8)  # scramble the index's cells
    path.write_bytes(bytes(data))
    with pytest.warns(ProgressWarning, match="moved to"):
        ProgressStore(path)
    assert len(aside(tmp_path)) == 1


def test_a_store_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "progress.sqlite"
    filled(path, 1)
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    con.close()
    before = digest(path)
    with pytest.raises(ProgressError, match="newer version"):
        ProgressStore(path)
    assert digest(path) == before and aside(tmp_path) == []


# ------------------------------------------------------------------ reading writes nothing
READS = {
    "open again": lambda s: ProgressStore(s.path),
    "attempts": lambda s: s.attempts("causes.cold"),
    "latest": lambda s: s.latest(),
    "best scores": lambda s: s.best_scores(),
    "review cards": review.cards,
    "due": lambda s: review.due(s, T0),
    "next due": lambda s: review.next_due(s, "causes.cold.q0"),
    "upcoming": lambda s: review.upcoming(s, T0),
    "export data": lambda s: portable.export_data(s, T0),
    "saved plans": planner.list_plans,
}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reads=st.lists(st.sampled_from(sorted(READS)), max_size=6), fresh=st.booleans())
def test_opening_and_reading_leave_the_file_byte_identical(tmp_path, reads, fresh):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "progress.sqlite"
    if fresh:
        ProgressStore(path)  # no answers, no reviews: reading the empty tables writes nothing
    else:
        filled(path)
    before = digest(path)
    for name in reads:
        READS[name](ProgressStore(path))
    assert digest(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["progress.sqlite"]
    assert len(review.cards(ProgressStore(path))) == (0 if fresh else 1)


def test_user_version_is_written_only_when_creating(tmp_path):
    path = tmp_path / "progress.sqlite"
    ProgressStore(path)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    changes = con.execute("PRAGMA data_version").fetchone()[0]
    ProgressStore(path)
    assert con.execute("PRAGMA data_version").fetchone()[0] == changes  # nobody committed a write
    con.close()
