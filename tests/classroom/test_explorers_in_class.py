"""Explorers in class (issue 15): the teacher shares an explorer state that opens in every
student's explorer, and poses an explorer question whose answers are explorer states, graded by
the model, with the spread of submitted values on the dashboard. Real servers on loopback."""

from __future__ import annotations

import uuid

import pytest

import cramp_lessons.classroom as classroom
from cramp_lessons.classroom.client.dashboard import Dashboard
from cramp_lessons.classroom.client.widgets import join
from cramp_lessons.classroom.server.demo import demo_server
from tests.classroom.conftest import FIXTURE

QX = "causes.cold.q9"  # explorer: twitch, move rate_hz with temp_c held at 25; fuses at about 10.7 Hz
SHARED = {"explorer": "excitability", "state": {"ca_mmol": 0.9, "temp_c": 10}}


def submit(c, who, value):
    body = {"uid": uuid.uuid4().hex, "question_id": QX, "answer": value}
    return c.http.post(f"/api/sessions/{c.sid}/answers", json=body, headers=who)


# --------------------------------------------------------------------------- the API
def test_a_shared_state_reaches_every_student_and_can_be_taken_back(classroom):
    c = classroom
    ann, bo = c.join("Ann"), c.join("Bo")
    assert c.state(ann)["shared"] is None
    r = c.t("PUT", "/shared-state", json=SHARED)
    assert r.status_code == 200
    for who in (ann, bo):
        assert c.state(who)["shared"] == {
            "explorer": "excitability",
            "state": {"ca_mmol": 0.9, "temp_c": 10.0},
        }
    assert c.t("DELETE", "/shared-state").status_code == 204
    assert c.state(ann)["shared"] is None


@pytest.mark.parametrize(
    "body, why",
    [
        ({"explorer": "stretch", "state": {"step": 1}}, "no shareable explorer"),
        ({"explorer": "excitability", "state": {"calcium": 0.9}}, "no slider 'calcium'"),
        ({"explorer": "excitability", "state": {"ca_mmol": 0.91}}, "not a position of the slider"),
        ({"explorer": "excitability", "state": {"ca_mmol": 9}}, "outside the slider's range"),
        ({"explorer": "excitability", "state": {"ca_mmol": "0.9"}}, ""),
        ({"explorer": "excitability", "state": {}}, ""),
    ],
)
def test_a_state_the_explorer_cannot_take_is_refused_and_nothing_shared(classroom, body, why):
    c = classroom
    me = c.join("Ann")
    r = c.t("PUT", "/shared-state", json=body)
    assert r.status_code == 422 and why in r.text
    assert c.state(me)["shared"] is None
    student = c.http.put(f"/api/sessions/{c.sid}/shared-state", json=SHARED, headers=me)
    assert student.status_code == 401  # only the teacher shares


def test_an_explorer_question_is_graded_by_the_model_and_its_values_spread_out(classroom):
    c = classroom
    ann, bo, cy, di = (c.join(n) for n in ("Ann", "Bo", "Cy", "Di"))
    c.t("POST", "/pose", json={"question_id": QX})
    q = c.state(ann)["question"]
    assert (q["type"], q["explorer"], q["control"], q["fixed"]) == (
        "explorer",
        "twitch",
        "rate_hz",
        {"temp_c": 25.0},
    )
    assert (q["min"], q["max"], q["step"], q["start"]) == (1, 60, 1, 4)
    for who, hz in ((ann, 11), (bo, 10), (cy, 6), (di, 11)):
        assert submit(c, who, {"rate_hz": hz, "temp_c": 25}).json()["status"] == "stored"
    d = c.t("GET", f"/questions/{QX}/distribution").json()
    assert [(ch["key"], ch["count"], ch["wrong"]) for ch in d["choices"]] == [
        ("6", 1, True),
        ("10", 1, False),
        ("11", 2, False),
    ]
    assert d["correct"] == 3 and d["top_wrong"]["label"] == "6 Hz"


@pytest.mark.parametrize(
    "answer",
    [
        {"temp_c": 25},
        {"rate_hz": 11, "temp_c": 30},
        {"rate_hz": 11.5, "temp_c": 25},
        {"rate_hz": "eleven"},
        11,
    ],
)
def test_an_explorer_answer_the_model_cannot_grade_is_refused(classroom, answer):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": QX})
    r = submit(c, me, answer)
    assert r.status_code == 422, r.text
    assert c.stored() == 0


# --------------------------------------------------------------------------- the widgets
@pytest.fixture
def demo():
    d = demo_server(content_dir=str(FIXTURE))
    yield d
    d.stop()
    classroom.leave()


def test_the_dashboard_shares_its_explorer_and_the_student_sees_it(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    w = join(
        demo.url, demo.join_code, "Ann", course=fixture_course, outbox=tmp_path / "o.sqlite", interval=30
    )
    w.client.stop()
    assert [v for _, v in board.explorer_name.options] == [None, "excitability", "twitch"]
    board.explorer_name.value = "excitability"
    board.explorer.set_state({"ca_mmol": 0.9, "temp_c": 10.0})
    board.share()
    assert "excitability at ca_mmol 0.9, temp_c 10" in board.message.value
    w.client.fetch_state()
    w.refresh()
    (text, box) = w.shared_box.children
    assert "ca_mmol 0.9, temp_c 10" in text.value and "cramp-explorer" in box._dom_classes
    board.unshare()
    w.client.fetch_state()
    w.refresh()
    assert w.shared_box.children == ()


def test_a_student_answers_an_explorer_question_in_class(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    w = join(
        demo.url, demo.join_code, "Ann", course=fixture_course, outbox=tmp_path / "o.sqlite", interval=30
    )
    w.client.stop()
    board.question.value = QX
    board.pose()
    w.client.fetch_state()
    w.refresh()
    assert w.question is not None and w.question.question.id == QX
    w.question.input.fill({"rate_hz": 11, "temp_c": 25})
    assert w.question.check() is not None
    assert w.client.flush() == 1
    board.refresh()
    assert list(board.figure.data[0].x) == ["11 Hz"] and list(board.figure.data[0].y) == [1]
