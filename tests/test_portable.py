"""Progress export / import / reset, and the `progress` commands."""

import argparse
import hashlib
import json
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cramp_lessons.cli.learner import register
from cramp_lessons.course.grading import Grade
from cramp_lessons.errors import ProgressError
from cramp_lessons.learner import portable, review
from cramp_lessons.learner.portable import (
    FORMAT,
    canonical_json,
    checksum,
    export_data,
    export_progress,
    import_progress,
    read_progress_file,
    reset_progress,
)
from cramp_lessons.learner.progress import ProgressStore

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def g(score):
    return Grade("x", score, score >= 1, [], "why", "strong")


@pytest.fixture
def source(tmp_path):
    s = ProgressStore(tmp_path / "source.sqlite", clock=lambda: 1_700_000_000.0)
    s.record("causes.cold.q1", "b", 0.0, False, 12.5)
    s.record("causes.cold.q2", {"a", "b"}, 1.0, True, 3.0)
    s.record("causes.cold.q7", {"cramp": "Électrique ✓"}, 0.5, False)
    review.record_outcome(s, "causes.cold.q1", g(0.0), 12.5, 1, T0)
    review.record_outcome(s, "causes.cold.q7", g(0.5), 40, 1, T0)
    return s


def snapshot(store):
    return (
        [(a.uid, a.question_id, a.answer, a.score, a.correct, a.seconds, a.at) for a in store.attempts()],
        [c.as_dict() for c in review.cards(store)],
    )


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def resign(data):
    """Recompute the checksum, as a careful forger (or a buggy exporter) would."""
    payload = {k: v for k, v in data.items() if k != "checksum"}
    return {**payload, "checksum": checksum(payload)}


# ------------------------------------------------------------------ export
def test_export_format_and_checksum(source, tmp_path):
    counts = export_progress(source, tmp_path / "out.json", now=T0)
    assert counts == {"attempts": 3, "reviews": 2}
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "cramp-lessons-progress" and data["version"] == 1
    assert data["exported_at"] == "2025-03-01T09:00:00Z"
    assert set(data) == {"format", "version", "exported_at", "attempts", "reviews", "checksum"}
    payload = {k: v for k, v in data.items() if k != "checksum"}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert (
        data["checksum"]
        == hashlib.sha256(canonical).hexdigest()
        == hashlib.sha256(canonical_json(payload)).hexdigest()
    )
    assert data["attempts"][1]["answer"] == ["a", "b"]
    assert data["attempts"][2]["answer"] == {"cramp": "Électrique ✓"}
    assert {r["question_id"] for r in data["reviews"]} == {"causes.cold.q1", "causes.cold.q7"}
    assert read_progress_file(tmp_path / "out.json").checksum == data["checksum"]


# ------------------------------------------------------------------ import
def test_round_trip_into_an_empty_store_and_double_import_adds_nothing(source, tmp_path):
    f = tmp_path / "out.json"
    export_progress(source, f)
    target = ProgressStore(tmp_path / "target.sqlite")
    first = import_progress(target, f)
    assert (first.attempts_added, first.attempts_skipped, first.reviews_added) == (3, 0, 2)
    assert snapshot(target) == snapshot(source)
    assert review.next_due(target, "causes.cold.q1") == T0 + timedelta(minutes=10)
    second = import_progress(target, f)
    assert (second.added, second.skipped) == (0, 5)
    assert snapshot(target) == snapshot(source)
    assert "0 attempts added, 3 already there" in second.summary()


def test_merge_keeps_local_work_and_newer_cards(source, tmp_path):
    f = tmp_path / "out.json"
    export_progress(source, f)
    target = ProgressStore(tmp_path / "target.sqlite")
    mine = target.record("causes.cold.q3", True, 1.0, True, 2.0)
    # The target reviewed q1 later than the file did; q7 it never reviewed.
    review.record_outcome(target, "causes.cold.q1", g(0.0), 5, 1, T0 + timedelta(days=2))
    result = import_progress(target, f)
    assert (result.attempts_added, result.reviews_added, result.reviews_updated, result.reviews_skipped) == (
        3,
        1,
        0,
        1,
    )
    assert mine.uid in {a.uid for a in target.attempts()} and len(target.attempts()) == 4
    assert review.next_due(target, "causes.cold.q1") == T0 + timedelta(days=2, minutes=10)
    # The other way round, the newer card from the target replaces the source's.
    export_progress(target, tmp_path / "back.json")
    back = import_progress(source, tmp_path / "back.json")
    assert back.reviews_updated == 1 and back.attempts_added == 1
    assert review.next_due(source, "causes.cold.q1") == T0 + timedelta(days=2, minutes=10)


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda p, d: p.write_text("{not json", encoding="utf-8"), "not a JSON file"),
        (lambda p, d: p.write_bytes(b"\xff\xfe\x00"), "not a JSON file"),
        (lambda p, d: write(p, [1, 2]), "expected a JSON object"),
        (lambda p, d: write(p, resign({**d, "format": "anki"})), "not a Cramp Lessons progress file"),
        (lambda p, d: write(p, resign({**d, "version": 2})), "version 2 is not supported"),
        (lambda p, d: write(p, resign({**d, "version": True})), "version True is not supported"),
        (lambda p, d: write(p, {k: v for k, v in d.items() if k != "checksum"}), "no checksum"),
        # Tampered: a wrong answer turned right, the checksum left as it was.
        (
            lambda p, d: write(
                p,
                {**d, "attempts": [{**d["attempts"][0], "correct": True, "score": 1.0}, *d["attempts"][1:]]},
            ),
            "checksum does not match",
        ),
        (lambda p, d: write(p, {**d, "checksum": "0" * 64}), "checksum does not match"),
        # Bad types and values, with a checksum that matches them.
        (
            lambda p, d: write(p, resign({**d, "attempts": [{**d["attempts"][0], "score": "1.0"}]})),
            "attempts.0.score",
        ),
        (
            lambda p, d: write(p, resign({**d, "attempts": [{**d["attempts"][0], "correct": 1}]})),
            "attempts.0.correct",
        ),
        (
            lambda p, d: write(p, resign({**d, "attempts": [{**d["attempts"][0], "score": 7}]})),
            "attempts.0.score",
        ),
        (
            lambda p, d: write(
                p, resign({**d, "attempts": [{**d["attempts"][0], "question_id": "DROP TABLE"}]})
            ),
            "attempts.0.question_id",
        ),
        (
            lambda p, d: write(p, resign({**d, "attempts": [{**d["attempts"][0], "extra": 1}]})),
            "attempts.0.extra",
        ),
        (lambda p, d: write(p, resign({**d, "attempts": {"a": 1}})), "attempts"),
        (lambda p, d: write(p, resign({**d, "surprise": []})), "surprise"),
        (
            lambda p, d: write(
                p,
                resign(
                    {
                        **d,
                        "reviews": [{**d["reviews"][0], "card": {**d["reviews"][0]["card"], "due": "soon"}}],
                    }
                ),
            ),
            "reviews.0.card.due",
        ),
        (
            lambda p, d: write(
                p,
                resign(
                    {**d, "reviews": [{**d["reviews"][0], "card": {**d["reviews"][0]["card"], "state": 9}}]}
                ),
            ),
            "reviews.0.card.state",
        ),
        (
            lambda p, d: p.write_text(
                json.dumps(d).replace('"seconds": 12.5', '"seconds": NaN'), encoding="utf-8"
            ),
            "NaN is not allowed",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_changes(source, tmp_path, breakage, message):
    good = tmp_path / "good.json"
    export_progress(source, good)
    data = json.loads(good.read_text(encoding="utf-8"))
    target = ProgressStore(tmp_path / "target.sqlite")
    target.record("causes.cold.q3", True, 1.0, True, 2.0)
    review.record_outcome(target, "causes.cold.q4", g(0.0), 5, 1, T0)
    before, before_bytes = snapshot(target), digest(target.path)
    bad = tmp_path / "bad.json"
    breakage(bad, data)
    with pytest.raises(ProgressError, match=message) as err:
        import_progress(target, bad)
    assert "Nothing was imported" in str(err.value) and str(bad) in str(err.value)
    assert snapshot(target) == before and digest(target.path) == before_bytes


def test_a_failure_midway_rolls_everything_back(source, tmp_path, monkeypatch):
    f = tmp_path / "out.json"
    export_progress(source, f)
    target = ProgressStore(tmp_path / "target.sqlite")

    def boom(con, cards):
        raise ProgressError("disk full (simulated)")

    monkeypatch.setattr(review, "merge_cards", boom)  # after every attempt was inserted
    with pytest.raises(ProgressError, match="simulated"):
        import_progress(target, f)
    assert target.attempts() == [] and review.cards(target) == []


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProgressError, match="cannot read the file"):
        import_progress(ProgressStore(tmp_path / "t.sqlite"), tmp_path / "nope.json")


@pytest.mark.parametrize(
    "breakage",
    [
        lambda p, d: p.write_bytes(b"\x00garbage"),  # not a progress file at all
        lambda p, d: write(p, {**d, "attempts": d["attempts"][:1]}),  # checksum no longer matches
        lambda p, d: write(p, resign({**d, "version": 2})),  # another schema
        lambda p, d: write(p, resign({**d, "attempts": [{**d["attempts"][0], "score": 2}]})),  # invalid
    ],
    ids=["bad file", "bad checksum", "wrong schema", "invalid row"],
)
def test_a_refused_import_command_leaves_the_store_byte_identical(source, tmp_path, capsys, breakage):
    good = tmp_path / "good.json"
    export_progress(source, good)
    bad = tmp_path / "bad.json"
    breakage(bad, json.loads(good.read_text(encoding="utf-8")))
    folder = source.path.parent
    before = {p.name: digest(p) for p in folder.iterdir() if p.name.startswith("source.sqlite")}
    code, out, err = run(["progress", "--store", str(source.path), "import", str(bad)], capsys)
    assert code == 1 and out == "" and "Nothing was imported" in err and "Traceback" not in err
    after = {p.name: digest(p) for p in folder.iterdir() if p.name.startswith("source.sqlite")}
    assert after == before == {"source.sqlite": before["source.sqlite"]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    depth=st.one_of(st.integers(1, 3000), st.just(100_000)),
    opener=st.sampled_from(["[", '{"a":']),
    where=st.sampled_from(["whole file", "an answer"]),
)
def test_deeply_nested_json_is_refused_or_read_never_a_recursion_error(
    source, tmp_path, depth, opener, where
):
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "1" + closer * depth
    f = tmp_path / "deep.json"
    if where == "whole file":
        f.write_text(nested, encoding="utf-8")
    else:  # a forger's file: valid checksum, a deep answer
        data = json.loads(json.dumps(export_data(source)))
        text = json.dumps(resign({**data, "attempts": [{**data["attempts"][0], "answer": "@"}]}))
        f.write_text(text.replace('"answer": "@"', f'"answer": {nested}'), encoding="utf-8")
    target = ProgressStore(Path(tempfile.mkdtemp(dir=tmp_path)) / "t.sqlite")
    try:
        import_progress(target, f)
    except ProgressError as e:
        assert "Nothing was imported" in str(e)
        assert target.attempts() == []


def test_a_hundred_thousand_levels_give_a_clear_error(tmp_path, capsys):
    f = tmp_path / "deep.json"
    f.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = run(["progress", "--store", str(tmp_path / "s.sqlite"), "import", str(f)], capsys)
    assert code == 1 and "nested far too deeply" in err and "Traceback" not in err


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    assert portable.MAX_FILE_BYTES >= 10 * 1024 * 1024  # room for any real course's progress
    monkeypatch.setattr(portable, "MAX_FILE_BYTES", 1000)
    f = tmp_path / "big.json"
    f.write_text(json.dumps({"format": FORMAT, "pad": "x" * 1000}), encoding="utf-8")
    with pytest.raises(ProgressError, match="larger than") as err:
        import_progress(ProgressStore(tmp_path / "t.sqlite"), f)
    assert "Nothing was imported" in str(err.value)


def test_the_checksum_catches_damage_not_a_deliberate_edit(source, tmp_path, capsys):
    """What the docs promise, no more: a hand edit with a recomputed checksum imports as genuine."""
    data = export_data(source)
    wrong = data["attempts"][0]
    assert not wrong["correct"]
    forged = resign({**data, "attempts": [{**wrong, "correct": True, "score": 1.0}, *data["attempts"][1:]]})
    target = ProgressStore(tmp_path / "t.sqlite")
    import_progress(target, write(tmp_path / "forged.json", forged))
    assert {a.uid: a.correct for a in target.attempts()}[wrong["uid"]] is True
    doc = " ".join(portable.__doc__.split())
    assert "does not stop anyone from editing answers on purpose" in doc and "classroom" in doc
    parser = argparse.ArgumentParser(prog="cramp-lessons")
    register(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit):
        parser.parse_args(["progress", "import", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "does not stop someone from editing answers on purpose" in help_text and "tamper" not in help_text


# ------------------------------------------------------------------ reset
def test_reset_keeps_a_backup_first(source, tmp_path):
    before = snapshot(source)
    result = reset_progress(source, tmp_path / "backups", now=T0)
    assert source.attempts() == [] and review.cards(source) == []
    assert (result.attempts_deleted, result.reviews_deleted) == (3, 2)
    assert result.backup_json.name == "progress-20250301T090000Z.json"
    assert result.backup_json.exists() and result.backup_sqlite.exists()
    # The full copy is a store with everything; the JSON backup imports back to where we were.
    assert snapshot(ProgressStore(result.backup_sqlite)) == before
    import_progress(source, result.backup_json)
    assert snapshot(source) == before
    # A second reset in the same second does not overwrite the first backup.
    again = reset_progress(source, tmp_path / "backups", now=T0)
    assert again.backup_json != result.backup_json and again.backup_json.exists()


def test_reset_does_nothing_if_the_backup_cannot_be_made(source, tmp_path):
    before = snapshot(source)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ProgressError, match="Nothing was reset"):
        reset_progress(source, blocker / "backups")
    assert snapshot(source) == before


# ------------------------------------------------------------------ commands
def run(argv, capsys, stdin=None, monkeypatch=None):
    parser = argparse.ArgumentParser(prog="cramp-lessons")
    register(parser.add_subparsers(dest="command"))
    if stdin is not None:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_progress_commands(source, tmp_path, capsys, monkeypatch):
    store = str(source.path)
    f = tmp_path / "mine.json"
    code, out, err = run(["progress", "--store", store, "export", str(f)], capsys)
    assert code == 0 and "exported 3 attempts and 2 review cards" in out and f.exists()

    other = str(tmp_path / "other.sqlite")
    code, out, _ = run(["progress", "--store", other, "import", str(f)], capsys)
    assert code == 0 and "3 attempts added" in out
    code, out, _ = run(["progress", "--store", other, "import", str(f)], capsys)
    assert code == 0 and "0 attempts added, 3 already there" in out

    f.write_text(f.read_text().replace('"b"', '"a"', 1))
    code, out, err = run(["progress", "--store", other, "import", str(f)], capsys)
    assert code == 1 and out == "" and err.startswith("error: ") and "checksum does not match" in err
    assert "Traceback" not in err

    code, out, err = run(
        ["progress", "--store", other, "reset", "--backup-dir", str(tmp_path / "bk")],
        capsys,
        stdin="no\n",
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "Nothing was reset" in err and len(ProgressStore(other).attempts()) == 3
    code, out, err = run(
        ["progress", "--store", other, "reset", "--backup-dir", str(tmp_path / "bk")],
        capsys,
        stdin="yes\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and "Deleted 3 attempts and 2 review cards" in out and str(tmp_path / "bk") in out
    assert ProgressStore(other).attempts() == []
    code, out, _ = run(["progress", "--store", other, "reset", "--yes"], capsys)
    assert code == 0 and str(tmp_path / "backups") in out  # default: beside the store

    code, _, err = run(["progress"], capsys)
    assert code == 2 and "export" in err


def test_progress_commands_use_the_learners_store_by_default(tmp_path, capsys):
    # conftest points CRAMP_LESSONS_HOME at a temporary folder.
    from cramp_lessons.learner.progress import get_store

    get_store().record("causes.cold.q1", "a", 1.0, True)
    code, out, _ = run(["progress", "export", str(tmp_path / "p.json")], capsys)
    assert code == 0 and "exported 1 attempts" in out and str(get_store().path) in out


@pytest.mark.parametrize("stdin", ["empty", "closed"])
def test_reset_with_no_one_to_confirm_changes_nothing(source, tmp_path, stdin):
    import os
    import subprocess
    import sys

    before = source.attempts()
    r = subprocess.run(
        [sys.executable, "-m", "cramp_lessons.cli.main", "progress", "--store", str(source.path), "reset",
         "--backup-dir", str(tmp_path / "bk")],
        stdin=subprocess.DEVNULL if stdin == "empty" else None,
        preexec_fn=(lambda: os.close(0)) if stdin == "closed" else None,  # Python then sets sys.stdin = None
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "no answer to the confirmation; pass --yes to reset without asking" in r.stderr
    assert "Nothing was reset" in r.stderr
    assert ProgressStore(source.path).attempts() == before and not (tmp_path / "bk").exists()
