"""The dashboard and the join widget in peer instruction, with a projector link, a managed roster,
a shared explorer state and an ended class: driven without a kernel against a real server in
this process (a fresh one per test, as each test changes its session)."""

from __future__ import annotations

import pytest

import cramp_lessons.classroom as classroom
from cramp_lessons.classroom import ClassroomError
from cramp_lessons.classroom.client.dashboard import Dashboard, shift_text
from cramp_lessons.classroom.client.widgets import join, phase_text
from cramp_lessons.classroom.server.demo import demo_server
from tests.classroom.conftest import FIXTURE

Q1 = "causes.cold.q1"  # single: a = slower (right), b = faster, c = unchanged


@pytest.fixture
def demo():
    d = demo_server(content_dir=str(FIXTURE))
    yield d
    d.stop()


@pytest.fixture(autouse=True)
def _leave():
    yield
    classroom.leave()


def student(demo, course, name, tmp_path):
    w = join(demo.url, demo.join_code, name, course=course, outbox=tmp_path / f"{name}.sqlite", interval=30)
    assert w.client is not None, w.message.value
    w.client.stop()  # the tests drive refresh() themselves
    return w


def see(w):
    w.client.fetch_state()
    w.refresh()


def answer(w, value):
    w.question.input.fill(value)
    assert w.question.check() is not None
    assert w.client.flush() == 1


def test_two_rounds_of_peer_instruction_from_the_dashboard(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    ann, bo = (student(demo, fixture_course, n, tmp_path) for n in ("Ann", "Bo"))
    board.question.value = Q1
    board.pose()
    assert not board.buttons["round2"].disabled
    for w, value, sure in ((ann, "b", 3), (bo, "c", 1)):
        see(w)
        assert w.confidence.layout.display is None  # asked in round 1
        w.confidence.value = sure
        answer(w, value)
    board.close()
    board.round_two()
    assert board.info["round"] == 2 and board.buttons["round2"].disabled
    for w, value in ((ann, "a"), (bo, "c")):
        see(w)
        assert "round 2" in w.phase.value
        assert w.confidence.layout.display == "none"  # not asked again
        assert w.question.last is None and not w.question.check_button.disabled  # a fresh question
        answer(w, value)
    board.refresh()
    now, before = board.figure.data[0], board.figure.data[1]
    assert list(now.y) == [1, 0, 1] and list(before.y) == [0, 1, 1]  # a, b, c in the author's order
    assert board.figure.layout.showlegend is True
    assert "1 moved from wrong to right" in board.peer.value
    assert "1 were sure of a wrong answer" in board.peer.value
    board.reveal()
    (row,) = board.rows
    assert (row["share_correct_round1"], row["share_correct_round2"], row["wrong_to_right"]) == (0.0, 0.5, 1)
    assert "0% → 50%; 1 moved to right" in board.report_html.value
    answers = {(a["name"], a["round"]): a["confidence"] for a in board.client.answers()}
    assert answers == {("Ann", 1): 3, ("Bo", 1): 1, ("Ann", 2): None, ("Bo", 2): None}


def test_shift_text_says_nothing_without_rounds():
    assert shift_text(None) == ""
    assert shift_text({"rounds": []}) == ""


def test_the_projector_link_opens_a_view_without_names(demo, fixture_course, tmp_path):
    import httpx

    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    student(demo, fixture_course, "Ann", tmp_path)
    url = board.projector()
    assert url.startswith(demo.url + f"/projector/{demo.session_id}#key=") and url in board.message.value
    key = url.split("#key=")[1]
    view = httpx.get(
        f"{demo.url}/api/sessions/{demo.session_id}/projector", headers={"X-Projector-Key": key}
    ).json()
    assert view["students"] == 1 and "Ann" not in str(view)


def test_the_teacher_renames_and_removes_from_the_dashboard(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    student(demo, fixture_course, "Anm", tmp_path)
    fake = student(demo, fixture_course, "Spam 1", tmp_path)
    board.refresh()
    ids = {label.split(" (")[0]: v for label, v in board.students.options}
    board.rename(ids["Anm"], "Ann")
    assert [r["name"] for r in board.roster] == ["Ann", "Spam 1"]
    board.remove(ids["Spam 1"])  # the first click asks
    assert "Click Remove again" in board.message.value and len(board.roster) == 2
    board.remove(ids["Spam 1"])
    assert [r["name"] for r in board.roster] == ["Ann"] and "Removed" in board.message.value
    with pytest.raises(ClassroomError, match="401"):
        fake.client.fetch_state()  # the removed student is disconnected
    board._act(lambda: board.rename(ids["Anm"], "Spam 1\u200b"))  # refused: shown, not raised
    assert "role='alert'" in board.message.value


def test_the_class_size_limit_from_the_dashboard(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    assert board.cap.value == 200
    board.set_max_students(1)
    assert board.info["max_students"] == 1 and "0 of at most 1 students joined" in board.status.value
    student(demo, fixture_course, "Ann", tmp_path)
    late = join(
        demo.url, demo.join_code, "Bo", course=fixture_course, outbox=tmp_path / "bo.sqlite", interval=30
    )
    assert late.client is None and "full (1 students)" in late.message.value


def test_ending_the_class_from_the_dashboard(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    w = student(demo, fixture_course, "Ann", tmp_path)
    board.question.value = Q1
    board.pose()
    board.end()
    assert board.info["ended"] and board.buttons["pose"].disabled and board.buttons["end"].disabled
    assert "Class ended" in board.status.value
    see(w)
    assert "The class has ended" in w.phase.value
    assert phase_text({"ended": True}) == "The class has ended. Thank you!"
