"""Item analysis (``cramp_lessons.learner.itemstats`` and ``cramp-lessons items report``) on answer sets whose
statistics are known by construction. Question ids come from the shipped course, picked by type."""

from __future__ import annotations

import csv
import math
import uuid

import pytest

from cramp_lessons.cli import main as cli
from cramp_lessons.course.grading import HINTED_WEIGHT
from cramp_lessons.course.model import load_course
from cramp_lessons.learner.itemstats import (
    FLAG_NO_DISCRIMINATION,
    FLAG_TOO_EASY,
    FLAG_TOO_HARD,
    FLAG_UNPICKED_DISTRACTOR,
    MIN_LEARNERS_DIFFICULTY,
    MIN_LEARNERS_DISTRACTOR,
    Response,
    analyse,
    as_table,
    from_class,
    from_progress,
    write_csv,
)
from cramp_lessons.questions.multiple import MultipleSelect
from cramp_lessons.questions.single import SingleChoice
from cramp_lessons.questions.truefalse import TrueFalse


@pytest.fixture(scope="module")
def course():
    return load_course()


def _singles(course, n: int) -> list:
    """``n`` single-choice questions with at least two distractors."""
    qs = [
        q
        for q in course.questions.values()
        if isinstance(q, SingleChoice) and sum(not o.correct for o in q.options) >= 2
    ]
    assert len(qs) >= n, "the course needs single-choice questions with two distractors"
    return qs[:n]


def _right(q) -> str:
    return next(o.id for o in q.options if o.correct)


def _wrong(q) -> list[str]:
    return [o.id for o in q.options if not o.correct]


def _answer(q, learner: str, ok: bool, *, pick: str | None = None, **kw) -> Response:
    if pick is None:
        pick = _right(q) if ok else _wrong(q)[0]
    return Response(learner, q.id, pick, float(ok), ok, kw.get("seconds"))


def _by_id(stats) -> dict:
    return {s.question_id: s for s in stats}


# --------------------------------------------------------------------------- discrimination
def test_strong_right_weak_wrong_gives_d_one_and_high_r_pb(course):
    item, *anchors = _singles(course, 4)
    strong = [f"strong{i:02}" for i in range(10)]
    weak = [f"weak{i:02}" for i in range(10)]
    rs = []
    for i, who in enumerate(strong + weak):
        ok = who in strong
        for q in anchors:
            rs.append(_answer(q, who, ok))
        # the weak spread over every distractor, so none goes unpicked
        wrong = _wrong(item)
        rs.append(_answer(item, who, ok, pick=None if ok else wrong[i % len(wrong)]))
    s = _by_id(analyse(rs, course))[item.id]
    assert s.n == 20
    assert s.difficulty == 0.5
    assert s.discrimination == 1.0
    assert s.point_biserial is not None and s.point_biserial > 0.99
    assert s.flags == ()
    assert s.choices[_right(item)] == 10 and sum(s.choices.values()) == 20


def test_weak_right_strong_wrong_gives_negative_d(course):
    item, *anchors = _singles(course, 3)
    rs = []
    for i in range(12):
        strong = i < 6
        rs += [_answer(q, f"l{i}", strong) for q in anchors]
        rs.append(_answer(item, f"l{i}", not strong))
    s = _by_id(analyse(rs, course))[item.id]
    assert s.discrimination == -1.0
    assert s.point_biserial == pytest.approx(-1.0)
    assert FLAG_NO_DISCRIMINATION in s.flags


def test_point_biserial_against_the_rest_score(course):
    # item right for a and b, wrong for c and d; rest scores 2, 1, 1, 0 -> r = 1 / sqrt(2)
    item, q1, q2 = _singles(course, 3)
    rest = {"a": (1, 1), "b": (1, 0), "c": (0, 1), "d": (0, 0)}
    rs = [_answer(item, who, who in "ab") for who in "abcd"]
    for who, (x, y) in rest.items():
        rs += [_answer(q1, who, bool(x)), _answer(q2, who, bool(y))]
    s = _by_id(analyse(rs, course))[item.id]
    assert s.point_biserial == pytest.approx(1 / math.sqrt(2))
    # 4 learners: groups of round(0.27 * 4) = 1; the top (a) is right, the bottom (d) wrong
    assert s.discrimination == 1.0


def test_two_learners_are_enough_for_d_and_one_is_not(course):
    item, other = _singles(course, 2)
    two = [_answer(item, "x", True), _answer(other, "x", True), _answer(item, "y", False)]
    assert _by_id(analyse(two, course))[item.id].discrimination == 1.0
    one = _by_id(analyse([_answer(item, "x", True)], course))[item.id]
    assert one.discrimination is None and one.point_biserial is None


# --------------------------------------------------------------------------- difficulty
def test_item_everyone_gets_right_is_too_easy(course):
    item, other = _singles(course, 2)
    rs = []
    for i in range(12):
        rs += [_answer(item, f"l{i}", True), _answer(other, f"l{i}", i % 2 == 0)]
    s = _by_id(analyse(rs, course))[item.id]
    assert s.difficulty == 1.0
    assert s.point_biserial is None  # no variance on the item
    assert s.discrimination == 0.0
    assert FLAG_TOO_EASY in s.flags and FLAG_NO_DISCRIMINATION in s.flags


def test_too_hard_needs_enough_learners(course):
    (item,) = _singles(course, 1)
    few = [_answer(item, f"l{i}", False) for i in range(MIN_LEARNERS_DIFFICULTY - 1)]
    assert FLAG_TOO_HARD not in analyse(few, course)[0].flags
    enough = [_answer(item, f"l{i}", False) for i in range(MIN_LEARNERS_DIFFICULTY)]
    s = analyse(enough, course)[0]
    assert s.difficulty == 0.0 and FLAG_TOO_HARD in s.flags


def test_first_attempt_counts_for_repeated_answers(course):
    (item,) = _singles(course, 1)
    wrong = _wrong(item)[0]
    rs = [
        _answer(item, "a", False, pick=wrong),
        _answer(item, "a", True),
        _answer(item, "a", True),
        _answer(item, "b", True),
        _answer(item, "b", False, pick=wrong),
    ]
    s = analyse(rs, course)[0]
    assert s.n == 2
    assert s.difficulty == 0.5
    assert s.choices[wrong] == 1 and s.choices[_right(item)] == 1


def test_unknown_questions_are_skipped_with_a_count(course):
    (item,) = _singles(course, 1)
    rs = [
        _answer(item, "a", True),
        Response("a", "no.such.q", "a", 1.0, True),
        Response("b", "no.such.q", "b", 0, False),
    ]
    stats = analyse(rs, course)
    assert [s.question_id for s in stats] == [item.id]
    assert stats.skipped == {"no.such.q": 2}


# --------------------------------------------------------------------------- choices
def test_distractor_nobody_picks_is_flagged(course):
    (item,) = _singles(course, 1)
    used, *unused = _wrong(item)
    rs = [_answer(item, f"l{i}", i < 6, pick=None if i < 6 else used) for i in range(MIN_LEARNERS_DISTRACTOR)]
    s = analyse(rs, course)[0]
    assert s.unpicked_distractors == tuple(unused)
    assert FLAG_UNPICKED_DISTRACTOR in s.flags
    assert f"{FLAG_UNPICKED_DISTRACTOR} ({', '.join(unused)})" in as_table([s])
    # below the threshold the unpicked options are listed but not flagged
    s9 = analyse(rs[:-1], course)[0]
    assert s9.unpicked_distractors == tuple(unused) and FLAG_UNPICKED_DISTRACTOR not in s9.flags


def test_multiple_choice_counts_each_ticked_option(course):
    q = next(q for q in course.questions.values() if isinstance(q, MultipleSelect))
    ids = [o.id for o in q.options]
    rs = [
        Response("a", q.id, ids[:2], 0.5, False),
        Response("b", q.id, [ids[0]], 0.5, False),
        Response("c", q.id, "not a list", 0.0, False),
    ]
    s = analyse(rs, course)[0]
    assert s.choices == {ids[0]: 2, ids[1]: 1, **{i: 0 for i in ids[2:]}}


def test_myth_or_fact_counts_fact_and_myth(course):
    q = next(q for q in course.questions.values() if isinstance(q, TrueFalse))
    rs = [
        Response("a", q.id, True, float(q.answer), q.answer),
        Response("b", q.id, "myth", float(not q.answer), not q.answer),
        Response("c", q.id, "fact", float(q.answer), q.answer),
    ]
    s = analyse(rs, course)[0]
    assert s.choices == {"fact": 2, "myth": 1}  # the words the learner chose between
    assert s.unpicked_distractors == ()  # a side nobody takes is "too easy", not a distractor


# --------------------------------------------------------------------------- hints and time
def test_hinted_successes_are_counted(course):
    (item,) = _singles(course, 1)
    wrong = _wrong(item)[0]
    hinted = Response("a", item.id, _right(item), HINTED_WEIGHT, True)  # a class row: one answer
    plain = _answer(item, "b", True)
    # a learner's own history: a wrong first try, then the hinted success
    history = [
        _answer(item, "c", False, pick=wrong),
        Response("c", item.id, _right(item), HINTED_WEIGHT, True),
    ]
    # wrong, then a full-score success (no hint shown): not hinted
    unhinted = [_answer(item, "d", False, pick=wrong), _answer(item, "d", True)]
    s = analyse([hinted, plain, *history, *unhinted], course)[0]
    assert s.hint_share == 0.5  # a and c of four learners
    assert s.difficulty == 0.5  # a and b: the first answers of c and d were wrong


def test_median_time_of_the_counted_answers(course):
    (item,) = _singles(course, 1)
    rs = [
        _answer(item, "a", True, seconds=10.0),
        _answer(item, "a", True, seconds=500.0),  # a later try: not counted
        _answer(item, "b", False, seconds=30.0),
        _answer(item, "c", True, seconds=20.0),
        _answer(item, "d", True),  # not timed
    ]
    assert analyse(rs, course)[0].median_seconds == 20.0
    assert analyse([_answer(item, "a", True)], course)[0].median_seconds is None


# --------------------------------------------------------------------------- output
def test_table_is_aligned_one_row_per_question(course):
    a, b = _singles(course, 2)
    stats = analyse([_answer(a, "x", True, seconds=4.0), _answer(b, "x", False)], course)
    lines = as_table(stats).splitlines()
    assert lines[0].split()[:3] == ["question", "n", "difficulty"]
    assert [ln.split()[0] for ln in lines[1:]] == [a.id, b.id]
    end = lines[0].index("difficulty") + len("difficulty")
    assert lines[1][end - 4 : end] == "1.00" and lines[2][end - 4 : end] == "0.00"


def test_write_csv_is_readable_and_refuses_a_missing_folder(course, tmp_path):
    from cramp_lessons.errors import CrampLessonsError

    (item,) = _singles(course, 1)
    stats = analyse([_answer(item, "x", True, seconds=7.0)], course)
    path = write_csv(stats, tmp_path / "items.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["question_id"] == item.id and rows[0]["difficulty"] == "1"
    assert rows[0]["discrimination"] == "" and rows[0]["median_seconds"] == "7"
    with pytest.raises(CrampLessonsError, match="does not exist"):
        write_csv(stats, tmp_path / "missing" / "items.csv")


# --------------------------------------------------------------------------- adapters
def test_from_progress_reads_the_learners_attempts(course, tmp_path):
    from cramp_lessons.learner.progress import ProgressStore

    (item,) = _singles(course, 1)
    store = ProgressStore(tmp_path / "p.sqlite")
    store.record(item.id, _wrong(item)[0], 0.0, False, 5.0)
    store.record(item.id, _right(item), HINTED_WEIGHT, True, 9.0)
    rs = from_progress(store)
    assert [(r.question_id, r.correct) for r in rs] == [(item.id, False), (item.id, True)]
    s = analyse(rs, course)[0]
    assert (s.n, s.difficulty, s.hint_share, s.median_seconds) == (1, 0.0, 1.0, 5.0)


def _class_store(course, db_url: str, learners: dict[str, bool]):
    """A classroom database with one session where each learner answered one question."""
    from cramp_lessons.classroom.server.store import Store

    (item,) = _singles(course, 1)
    store = Store(db_url)
    sess = store.create_session()
    store.pose(sess.id, item.id)
    for name, ok in learners.items():
        _, st, _ = store.join(sess.join_code, name)
        ans = _right(item) if ok else _wrong(item)[0]
        store.submit(st, item.id, uuid.uuid4().hex, ans, float(ok), ok, item.picks(item.read(ans)))
    return store, sess.id, item


def test_from_class_reads_a_sessions_answers(course, tmp_path):

    store, sid, item = _class_store(course, f"sqlite:///{tmp_path / 'c.sqlite'}", {"ann": True, "bo": False})
    try:
        rs = from_class(store, sid)
        assert sorted((r.learner, r.correct) for r in rs) == [("ann", True), ("bo", False)]
        assert analyse(rs, course)[0].difficulty == 0.5
        assert from_class(store, "nosuchsession") == []
    finally:
        store.close()


# --------------------------------------------------------------------------- the command
def test_cli_prints_a_row_for_an_answered_question(course, capsys):
    from cramp_lessons.learner.progress import get_store

    (item,) = _singles(course, 1)
    get_store().record(item.id, _right(item), 1.0, True, 3.0)
    assert cli.main(["items", "report"]) == 0
    out = capsys.readouterr().out
    row = next(ln for ln in out.splitlines() if ln.startswith(item.id))
    assert row.split()[1:3] == ["1", "1.00"]


def test_cli_class_report(course, capsys):
    from cramp_lessons.classroom.server.store import default_url

    store, sid, item = _class_store(course, default_url(), {"ann": True, "bo": False, "cy": True})
    store.close()
    assert cli.main(["items", "report", "--class", sid]) == 0
    row = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith(item.id))
    assert row.split()[1:4] == ["3", "0.67", "1.00"]


def test_cli_unknown_session_exits_1_without_traceback(course, capsys):
    from cramp_lessons.classroom.server.store import default_url

    store, _sid, _item = _class_store(course, default_url(), {"ann": True})
    store.close()
    assert cli.main(["items", "report", "--class", "nosuchsession"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no class session 'nosuchsession'")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("what", ["missing", "garbage"])
def test_cli_unreadable_database_exits_1(tmp_path, capsys, what):
    db = tmp_path / "class.sqlite"
    if what == "garbage":
        db.write_text("not a database\n")
    assert cli.main(["items", "report", "--class", "s1", "--db", f"sqlite:///{db}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert db.exists() == (what == "garbage")  # a report creates no database


def test_cli_csv_writes_a_readable_file(course, tmp_path, capsys):
    from cramp_lessons.learner.progress import get_store

    a, b = _singles(course, 2)
    store = get_store()
    store.record(a.id, _right(a), 1.0, True, 3.0)
    store.record(b.id, _wrong(b)[0], 0.0, False, 8.0)
    out = tmp_path / "items.csv"
    assert cli.main(["items", "report", "--csv", str(out)]) == 0
    with out.open(newline="", encoding="utf-8") as f:
        rows = {r["question_id"]: r for r in csv.DictReader(f)}
    assert rows[a.id]["difficulty"] == "1" and rows[b.id]["difficulty"] == "0"
    assert rows[b.id]["choices"].startswith(f"{b.options[0].id}=")
    capsys.readouterr()
    assert cli.main(["items", "report", "--csv", str(tmp_path / "nowhere" / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and len(err.strip().splitlines()) == 1
