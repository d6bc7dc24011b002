"""The student join widget and the teacher dashboard, driven without a kernel against a real
server (uvicorn in a thread on loopback), plus their pure rendering functions."""

from __future__ import annotations

import argparse
import csv
import io

import pytest

import cramp_lessons.classroom as classroom
from cramp_lessons.classroom.client.dashboard import (
    Dashboard,
    info_text,
    report_html,
    roster_html,
)
from cramp_lessons.classroom.client.http import Outbox, Status, TeacherClient
from cramp_lessons.classroom.client.widgets import JoinWidget, join, phase_text, reveal_html, status_html
from cramp_lessons.classroom.server.demo import demo_server
from cramp_lessons.figures.classroom import chart_data
from cramp_lessons.learner.progress import get_store
from tests.classroom.conftest import FIXTURE

Q1 = "causes.cold.q1"


@pytest.fixture(scope="module")
def demo():
    d = demo_server(content_dir=str(FIXTURE))
    yield d
    d.stop()


@pytest.fixture
def teacher(demo):
    return TeacherClient(demo.url, demo.session_id, demo.teacher_key)


@pytest.fixture(autouse=True)
def _no_active_session():
    yield
    classroom.leave()


def joined(demo, fixture_course, name, tmp_path) -> JoinWidget:
    w = join(
        demo.url, demo.join_code, name, course=fixture_course, outbox=tmp_path / "outbox.sqlite", interval=30
    )  # the tests drive refresh() themselves
    assert w.client is not None, w.message.value
    w.client.stop()
    return w


# --------------------------------------------------------------------------- student widget
def test_join_widget_follows_the_posed_question_and_sends_answers_once(
    demo, teacher, fixture_course, tmp_path
):
    teacher.pose(Q1)
    w = joined(demo, fixture_course, "Widget Ann", tmp_path)
    assert classroom.active() is w.client
    assert "Joined as <b>Widget Ann</b>" in w.message.value and all(c.disabled for c in w.form.children)
    w.client.fetch_state()
    w.refresh()
    assert w.question is not None and w.question.question.id == Q1
    assert "answering is open" in w.phase.value

    w.question.input.fill("b")
    g = w.question.check()
    assert g is not None and "Answer recorded" in w.question.feedback.value
    assert "faster" not in w.question.feedback.value  # no feedback before the reveal
    assert [a.question_id for a in get_store().attempts()] == [Q1]  # the local store has it
    assert w.client.status().waiting == 1
    assert w.client.flush() == 1
    assert [(a["name"], a["answer"]) for a in teacher.answers() if a["name"] == "Widget Ann"] == [
        ("Widget Ann", "b")
    ]

    teacher.reveal()
    w.client.fetch_state()
    w.refresh()
    assert "<b>Answer:</b> slower" in w.reveal.value and "Q10 above 1." in w.reveal.value
    assert w.question.check_button.disabled  # closed with the reveal
    assert "connected · 1 answer sent" in w.status.value


def test_join_widget_reports_a_wrong_code_and_stays_editable(demo, fixture_course, tmp_path):
    w = JoinWidget(demo.url, "ZZZZZZ", "Ann", course=fixture_course, outbox=tmp_path / "o.sqlite")
    assert w.join() is False
    assert "no class with that join code" in w.message.value and "role='alert'" in w.message.value
    assert not w.code.disabled and classroom.active() is None


def test_quiz_answers_are_forwarded_only_while_joined(demo, teacher, fixture_course, tmp_path):
    teacher.pose("causes.cold.q3")
    classroom.forward_answer("causes.cold.q3", "myth")  # not joined: nothing queued anywhere
    w = joined(demo, fixture_course, "Forward Bo", tmp_path)
    classroom.forward_answer("causes.cold.q3", "myth")  # what the quiz widget's recorder will call
    assert w.client.status().waiting == 1
    classroom.leave()
    classroom.forward_answer("causes.cold.q3", "fact")
    assert w.client.status().waiting == 1 and classroom.active() is None
    assert [i["answer"] for i in Outbox(tmp_path / "outbox.sqlite").items(w.client.key)] == ["myth"]


def test_status_line_texts():
    assert Status(True, 0, 3).text() == "connected · 3 answers sent"
    assert Status(False, 2, 1).text().startswith("offline: 2 answers waiting, kept on this computer")
    assert Status(None, 1, 0).text() == "connecting… · 1 answer waiting · 0 answers sent"
    s = Status(True, 0, 1, 1, "causes.cold.q1: answering is closed (HTTP 409)")
    assert (
        s.text() == "connected · 1 answer sent · 1 answer not accepted (causes.cold.q1: answering is closed)"
    )
    assert "🔴" in status_html(Status(False, 0, 0)) and "role='status'" in status_html(None)


def test_student_facing_html_is_escaped():
    bad = "<img src=x onerror=alert(1)>"
    out = reveal_html(
        {
            "answer_text": bad,
            "explanation": bad,
            "evidence": "strong",
            "references": [bad],
            "your_correct": False,
            "your_score": 0.0,
            "your_feedback": [bad],
        }
    )
    assert "<img" not in out and "&lt;img" in out
    assert "<img" not in status_html(Status(True, 0, 0, 1, bad))
    assert phase_text(None) == "Waiting for the teacher to pose a question."


# --------------------------------------------------------------------------- dashboard
def test_dashboard_poses_counts_reveals_and_exports(demo, fixture_course, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    lessons = [v for _, v in board.lesson.options]
    assert lessons == ["one"] and Q1 in [v for _, v in board.question.options]
    board.question.value = "causes.cold.q2"
    board.pose()
    assert board.info["current_question"] == "causes.cold.q2" and board.info["open"]
    assert board.buttons["open"].disabled and not board.buttons["close"].disabled

    sent = demo.simulate(8, seed=3)
    board.refresh()
    bar = board.figure.data[0]
    assert sum(bar.y) >= sent > 0  # multiple select: each ticked option is a bar
    assert len(set(bar.marker.color)) == 1 and not any("✔" in x for x in bar.x)  # nothing given away yet
    assert sent == 8 and "causes.cold.q2 round 1: answering open, 8 answered" in board.status.value

    board.reveal()
    bar = board.figure.data[0]
    assert [x for x in bar.x if x.endswith("✔")] == ["A ✔", "B ✔"]
    assert "% correct" in board.summary.value
    assert "Student 01" in board.roster_html.value

    path = board.export_csv(tmp_path / "report.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert any(r["question_id"] == "causes.cold.q2" for r in rows)
    assert "Saved the class report" in board.message.value
    assert "causes.cold.q2 round 1: revealed, 8 answered." in board.text()


def test_dashboard_polls_in_the_background_and_stops(demo):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key, interval=0.05).start()
    try:
        assert board._thread.is_alive()
    finally:
        board.stop()
    assert board._thread is None


def test_dashboard_shows_server_errors_instead_of_raising(demo, tmp_path):
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    board.client.http.headers["X-Teacher-Key"] = "wrong"
    board.refresh()
    assert "wrong teacher key" in board.status.value
    board._act(board.reveal)
    assert "role='alert'" in board.message.value


def test_chart_hides_the_right_answer_until_revealed():
    dist = {
        "revealed": False,
        "choices": [
            {"label": "slower", "count": 2, "wrong": False},
            {"label": "faster", "count": 1, "wrong": True},
        ],
    }
    labels, counts, colors = chart_data(dist)
    assert labels == ["slower", "faster"] and counts == [2, 1] and len(set(colors)) == 1
    labels, _, colors = chart_data({**dist, "revealed": True})
    assert labels == ["slower ✔", "faster"] and colors[0] != colors[1]


def test_teacher_facing_html_is_escaped():
    bad = "<script>alert(1)</script>"
    assert "<script>" not in roster_html([{"name": bad, "answers": 1, "joined_at": 0}])
    assert "&lt;script&gt;" in roster_html([{"name": bad, "answers": 1, "joined_at": 0}])
    row = {
        "question_id": "q",
        "prompt": bad,
        "answers": 1,
        "share_correct": 0.5,
        "most_chosen_wrong": bad,
        "most_chosen_wrong_count": 1,
    }
    assert "<script>" not in report_html([row])
    info = {"students": 1, "max_students": 30, "current_question": None}
    assert info_text(info) == "1 of at most 30 students joined; no question posed yet."


def test_a_hostile_display_name_is_shown_as_text(demo, teacher, fixture_course, tmp_path):
    name = "<b onmouseover=x>Eve</b>"
    w = joined(demo, fixture_course, name, tmp_path)
    assert "<b onmouseover" not in w.message.value
    board = Dashboard(demo.url, demo.session_id, demo.teacher_key)
    assert "&lt;b onmouseover=x&gt;Eve&lt;/b&gt;" in board.roster_html.value
    assert "<b onmouseover" not in board.roster_html.value


# --------------------------------------------------------------------------- CLI
def test_cli_registers_serve_and_purge():
    from cramp_lessons.cli.classroom import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    a = parser.parse_args(["classroom", "serve"])
    assert (a.host, a.port, a.db) == ("127.0.0.1", 8765, None)  # loopback by default
    a = parser.parse_args(["classroom", "purge", "abc123", "--db", "sqlite:///x.sqlite"])
    assert (a.session, a.db) == ("abc123", "sqlite:///x.sqlite")


def test_serve_refuses_a_busy_port_clearly(demo, capsys):
    from cramp_lessons.cli.main import main

    assert main(["classroom", "serve", "--port", str(demo.server.port)]) == 1
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err
