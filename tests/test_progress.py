"""The progress store: survives restarts, two writers lose nothing, corruption is moved aside."""

import multiprocessing as mp
import sqlite3
import warnings

import pytest

from cramp_lessons.errors import ProgressError
from cramp_lessons.learner.progress import ProgressStore, ProgressWarning, default_home, get_store


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAMP_LESSONS_HOME", str(tmp_path / "x"))
    assert default_home() == tmp_path / "x"
    assert get_store().path == tmp_path / "x" / "progress.sqlite"


def test_default_home_uses_platformdirs(monkeypatch):
    monkeypatch.delenv("CRAMP_LESSONS_HOME")
    assert "cramp-lessons" in str(default_home())


def test_survives_restart(tmp_path):
    p = tmp_path / "p.sqlite"
    s = ProgressStore(p, clock=lambda: 1000.0)
    s.record("causes.cold.q1", "a", 1.0, True, seconds=4.2)
    s.record("causes.cold.q2", {"b", "a"}, 0.5, False)
    again = ProgressStore(p)
    got = again.attempts()
    assert [a.question_id for a in got] == ["causes.cold.q1", "causes.cold.q2"]
    assert got[0].seconds == 4.2 and got[0].at == 1000.0 and got[0].correct
    assert got[1].answer == ["a", "b"]
    assert again.best_scores() == {"causes.cold.q1": 1.0, "causes.cold.q2": 0.5}
    assert [a.question_id for a in again.attempts("causes.cold.q2")] == ["causes.cold.q2"]


def _writer(path, tag, n):
    s = ProgressStore(path)
    for i in range(n):
        s.record(f"{tag}.q{i}", i, 1.0, True)


def test_two_writers_lose_nothing(tmp_path):
    p = tmp_path / "p.sqlite"
    ProgressStore(p)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(p, tag, 150)) for tag in ("k1", "k2")]
    for pr in procs:
        pr.start()
    for pr in procs:
        pr.join(60)
        assert pr.exitcode == 0
    ids = [a.question_id for a in ProgressStore(p).attempts()]
    assert len(ids) == 300 and len(set(ids)) == 300


def test_corrupted_store_is_moved_aside(tmp_path):
    p = tmp_path / "p.sqlite"
    p.write_bytes(b"this is not a database" * 100)
    with pytest.warns(ProgressWarning, match="moved to"):
        s = ProgressStore(p)
    aside = list(tmp_path.glob("p.sqlite.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    s.record("q", "a", 1, True)
    assert len(s.attempts()) == 1


def test_truncated_database_is_moved_aside(tmp_path):
    p = tmp_path / "p.sqlite"
    s = ProgressStore(p)
    for i in range(200):
        s.record(f"q{i}", "x" * 200, 1, True)
    con = sqlite3.connect(p)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = p.read_bytes()
    p.write_bytes(data[:100] + b"\x00" * 50 + data[150 : len(data) // 2])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fresh = ProgressStore(p)
    assert any(issubclass(x.category, ProgressWarning) for x in w)
    assert fresh.attempts() == []
    assert list(tmp_path.glob("p.sqlite.corrupt-*"))


def test_unmovable_corrupt_store_says_what_to_do(tmp_path, monkeypatch):
    p = tmp_path / "p.sqlite"
    p.write_bytes(b"garbage" * 100)

    def no_rename(self, target):
        raise PermissionError("read-only folder")

    monkeypatch.setattr(type(p), "rename", no_rename)
    with pytest.raises(ProgressError, match="CRAMP_LESSONS_HOME"):
        ProgressStore(p)
    assert p.read_bytes().startswith(b"garbage")  # nothing overwritten
