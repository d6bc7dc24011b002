"""The classroom API against a real server on loopback, over SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid

import httpx
import pytest

from cramp_lessons.course.grading import right_answer
from tests.classroom.conftest import ServerProcess, free_port, new_classroom

Q1 = "causes.cold.q1"  # single: a = slower (right), b = faster, c = unchanged


def test_serve_prints_join_code_and_teacher_key(live, classroom):
    assert set(live.banner) == {"session", "code", "key"}
    assert len(live.banner["code"]) == 6 and len(live.banner["key"]) >= 24
    # The printed key really drives the printed session.
    r = httpx.get(
        f"{live.url}/api/sessions/{live.banner['session']}", headers={"X-Teacher-Key": live.banner["key"]}
    )
    assert r.status_code == 200 and r.json()["join_code"] == live.banner["code"]


def test_serve_can_continue_a_session_after_a_restart(classroom, tmp_path):
    from cramp_lessons.cli.main import main

    srv = ServerProcess(classroom.db_url, tmp_path / "again", extra=("--session", classroom.sid)).start()
    try:
        assert srv.banner["session"] == classroom.sid and srv.banner["code"] == classroom.code
        r = httpx.get(f"{srv.url}/api/sessions/{classroom.sid}", headers=classroom.teacher)
        assert r.status_code == 200  # the key printed at creation still drives it
    finally:
        srv.stop()
    assert (
        main(
            [
                "classroom",
                "serve",
                "--session",
                "nosuch",
                "--db",
                classroom.db_url,
                "--port",
                str(free_port()),
            ]
        )
        == 1
    )


def test_openapi_page_documents_the_api(classroom):
    assert classroom.http.get("/docs").status_code == 200
    paths = classroom.http.get("/openapi.json").json()["paths"]
    for p in (
        "/api/join",
        "/api/sessions/{sid}/answers",
        "/api/sessions/{sid}/reveal",
        "/api/sessions/{sid}/report.csv",
    ):
        assert p in paths
    # The page tells a reader which key each operation needs.
    need = {"teacher": [{"TeacherKey": []}], "students": [{"StudentToken": []}]}
    for path, item in paths.items():
        for op in item.values():
            tag = op["tags"][0]
            if path != "/api/join" and tag in need:
                assert op.get("security") == need[tag], (path, op.get("security"))


def test_join_submit_resubmit_close_reveal_report(classroom):
    c = classroom
    ann, bo, cy = c.join("Ann"), c.join("Bo"), c.join("Cy")
    assert c.state(ann)["question"] is None
    assert c.t("POST", "/pose", json={"question_id": Q1}).json() == {
        "question_id": Q1,
        "open": True,
        "revealed": False,
        "round": 1,
    }

    assert c.submit(ann, Q1, "b").json()["status"] == "stored"
    assert c.submit(bo, Q1, "a").json()["status"] == "stored"
    assert c.submit(cy, Q1, "b").json()["status"] == "stored"
    assert c.submit(ann, Q1, "a").json()["status"] == "replaced"  # one answer per student: the latest counts

    d = c.t("GET", f"/questions/{Q1}/distribution").json()
    assert d["answers"] == 3 and d["correct"] == 2
    assert {ch["key"]: ch["count"] for ch in d["choices"]} == {"a": 2, "b": 1, "c": 0}

    assert c.t("POST", "/close").json()["open"] is False
    r = c.submit(cy, Q1, "a")
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    assert (
        c.t("GET", f"/questions/{Q1}/distribution").json()["correct"] == 2
    )  # the refused change did not count

    assert c.t("POST", "/reveal").json() == {"question_id": Q1, "open": False, "revealed": True, "round": 1}
    assert c.t("POST", "/open").status_code == 409  # no reopening once the answer is out
    st = c.state(ann)
    assert st["revealed"] and st["reveal"]["answer_text"] == "slower" and st["reveal"]["your_correct"] is True
    assert c.state(cy)["reveal"]["your_correct"] is False

    (row,) = c.t("GET", "/report").json()
    assert row["question_id"] == Q1 and row["answers"] == 3
    assert row["share_correct"] == pytest.approx(2 / 3, abs=1e-3)
    assert row["most_chosen_wrong"] == "faster" and row["most_chosen_wrong_count"] == 1

    r = c.t("GET", "/report.csv")
    assert r.headers["content-type"].startswith("text/csv")
    (csv_row,) = list(csv.DictReader(io.StringIO(r.text)))
    assert (
        csv_row["question_id"] == Q1
        and csv_row["most_chosen_wrong"] == "faster"
        and csv_row["answers"] == "3"
    )

    assert [(p["name"], p["answers"]) for p in c.t("GET", "/roster").json()] == [
        ("Ann", 1),
        ("Bo", 1),
        ("Cy", 1),
    ]
    assert sorted((a["name"], a["answer"]) for a in c.t("GET", "/answers").json()) == [
        ("Ann", "a"),
        ("Bo", "a"),
        ("Cy", "b"),
    ]


def test_misconception_for_every_question_type(classroom):
    c = classroom
    students = [c.join(f"S{k}") for k in range(3)]
    cases = {  # question -> (answers of three students, expected most chosen wrong label)
        "causes.cold.q2": ([["a", "c"], ["a", "b"], ["c"]], "C"),
        "causes.cold.q3": ([True, True, "myth"], "Fact"),
        "causes.cold.q4": (["6,25", "12.5", 12.5], "12.5 %"),
        "causes.cold.q6": (
            [["sr", "ap", "tn", "xb"], ["sr", "ap", "tn", "xb"], ["ap", "sr", "tn", "xb"]],
            "SR releases calcium → Action potential → Calcium binds troponin → Cross-bridges cycle",
        ),
        "causes.cold.q7": (
            [
                {
                    "cramp": "Electrically silent",
                    "contracture": "Sudden, painful, eased by stretch",
                    "tetany": "Low calcium nerve excitability",
                }
            ]
            * 2
            + [
                {
                    "cramp": "Electrically silent",
                    "contracture": "Low calcium nerve excitability",
                    "tetany": "Sudden, painful, eased by stretch",
                }
            ],
            "Cramp → Electrically silent",
        ),
        # Typed words count as typed (case and spaces ignored); the chart shows what students wrote.
        "causes.cold.q8": (["Tetany", "cramp", " Cramp. "], "cramp"),
    }
    for qid, (answers, wrong) in cases.items():
        c.t("POST", "/pose", json={"question_id": qid})
        for s, a in zip(students, answers, strict=True):
            assert c.submit(s, qid, a).status_code == 200
        d = c.t("GET", f"/questions/{qid}/distribution").json()
        assert d["answers"] == 3 and d["top_wrong"]["label"] == wrong, qid
    rows = {r["question_id"]: r for r in c.t("GET", "/report").json()}
    assert rows["causes.cold.q4"]["share_correct"] == pytest.approx(1 / 3, abs=1e-3)
    assert rows["causes.cold.q3"]["most_chosen_wrong_count"] == 2
    assert rows["causes.cold.q8"]["most_chosen_wrong_count"] == 2


def test_state_never_carries_the_answer_key_before_reveal(classroom, fixture_course):
    c = classroom
    me = c.join("Ann")
    for qid, q in fixture_course.questions.items():
        c.t("POST", "/pose", json={"question_id": qid})
        c.submit(me, qid, right_answer(q))
        text = json.dumps(c.state(me))
        assert '"correct"' not in text and q.explanation not in text, qid
        for secret in [getattr(o, "feedback", "") for o in getattr(q, "options", [])] + [
            getattr(q, "feedback_true", None),
            getattr(q, "feedback_false", None),
        ]:
            assert not secret or secret not in text, qid
        if q.type == "ordering":
            shown = [i["id"] for i in c.state(me)["question"]["items"]]
            assert shown != [i.id for i in q.items], "items must not be listed in the solved order"
        if q.type == "numeric":
            assert f"{q.bounds[0]:g}" not in text and f"{q.bounds[1]:g}" not in text, qid
        # Submitting tells the student only that the answer was stored, not whether it was right.
        assert set(c.submit(me, qid, right_answer(q)).json()) == {"status", "question_id"}


def test_same_uid_counts_once(classroom):
    c = classroom
    ann, bo = c.join("Ann"), c.join("Bo")
    c.t("POST", "/pose", json={"question_id": Q1})
    uid = uuid.uuid4().hex
    assert c.submit(ann, Q1, "b", uid).json()["status"] == "stored"
    assert c.submit(ann, Q1, "b", uid).json()["status"] == "duplicate"  # e.g. a lost response, re-sent
    assert c.stored() == 1
    r = c.submit(bo, Q1, "a", uid)  # another student cannot reuse (or probe) someone's uid
    assert r.status_code == 409
    assert [(a["name"], a["answer"]) for a in c.t("GET", "/answers").json()] == [("Ann", "b")]


def test_simultaneous_submits_by_one_student_leave_one_answer(classroom):
    """Two kernels of one student, or a re-send racing the original: never two answers, never a 5xx."""
    from concurrent.futures import ThreadPoolExecutor

    c = classroom
    ann = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    uids = [uuid.uuid4().hex for _ in range(6)] * 2  # each uid sent twice, at once
    with ThreadPoolExecutor(12) as pool, httpx.Client(base_url=c.url, timeout=10) as http:
        body = lambda u: {"uid": u, "question_id": Q1, "answer": "ab"[int(u, 16) % 2]}  # noqa: E731
        codes = list(
            pool.map(lambda u: http.post(f"/api/sessions/{c.sid}/answers", json=body(u), headers=ann), uids)
        )
    assert all(r.status_code == 200 for r in codes), [r.status_code for r in codes]
    assert sorted(r.json()["status"] for r in codes).count("duplicate") == 6  # each uid counted once
    assert c.stored() == 1
    (row,) = c.t("GET", "/answers").json()
    assert row["uid"] in uids and row["answer"] == body(row["uid"])["answer"]


def _teacher_operations(http: httpx.Client) -> list[tuple[str, str]]:
    """Every operation tagged 'teacher' in the OpenAPI document, so a new endpoint is covered by itself."""
    ops = []
    for path, item in http.get("/openapi.json").json()["paths"].items():
        for method, op in item.items():
            if "teacher" in op.get("tags", []):
                ops.append((method.upper(), path))
    return ops


def test_every_teacher_endpoint_refuses_without_the_key(classroom, live):
    c = classroom
    other = new_classroom(c.url, c.db_url, c.http)
    student = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    c.submit(student, Q1, "b")
    ops = _teacher_operations(c.http)
    assert len(ops) >= 11, ops
    bad = [
        {},
        {"X-Teacher-Key": ""},
        {"X-Teacher-Key": "wrong"},
        {"X-Teacher-Key": other.key},
        {"X-Teacher-Key": student["X-Student-Token"]},
        student,
    ]
    for method, path in ops:
        url = path.replace("{sid}", c.sid).replace("{qid}", Q1)
        body = {"question_id": "causes.cold.q3"} if path.endswith("/pose") else None
        for headers in bad:
            r = c.http.request(method, url, headers=headers, json=body)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert "Ann" not in r.text and "faster" not in r.text
    info = c.t("GET", "").json()  # nothing changed: still the first question, open, one answer
    assert (info["current_question"], info["open"], info["revealed"], info["answers"]) == (Q1, True, False, 1)


def test_a_student_cannot_act_as_another(classroom):
    c = classroom
    other = new_classroom(c.url, c.db_url, c.http)
    ann, bo = c.join("Ann"), c.join("Bo")
    eve = other.join("Eve")
    for room in (c, other):
        room.t("POST", "/pose", json={"question_id": Q1})
    ann_id, ann_secret = ann["X-Student-Token"].split(".")
    bo_id, _ = bo["X-Student-Token"].split(".")

    body = {"uid": uuid.uuid4().hex, "question_id": Q1, "answer": "a", "student_id": int(bo_id)}
    assert c.http.post(f"/api/sessions/{c.sid}/answers", json=body, headers=ann).status_code == 422
    assert c.submit({"X-Student-Token": f"{bo_id}.{ann_secret}"}, Q1, "a").status_code == 401
    assert c.submit({"X-Student-Token": f"{bo_id}.x"}, Q1, "a").status_code == 401
    assert c.submit({"X-Student-Token": "99999999999999999999.x"}, Q1, "a").status_code == 401
    assert c.submit(eve, Q1, "a").status_code == 401  # a token from another class
    assert c.submit({}, Q1, "a").status_code == 401
    assert c.http.get(f"/api/sessions/{c.sid}/state", headers=eve).status_code == 401
    assert c.stored() == 0

    assert c.submit(ann, Q1, "a").status_code == 200
    assert [(a["name"], a["answer"]) for a in c.t("GET", "/answers").json()] == [("Ann", "a")]


OVERSIZED = {"uid": uuid.uuid4().hex, "question_id": Q1, "answer": "a" * 20_000}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"uid": "x", "question_id": "causes.cold.q1", "answer": "a"}',  # uid not a uuid
        {"question_id": Q1, "answer": "a"},  # no uid
        {"uid": "0" * 32, "question_id": "Causes Cold", "answer": "a"},  # bad id form
        {"uid": "0" * 32, "question_id": "causes.cold.q99", "answer": "a"},  # no such question
        {"uid": "0" * 32, "question_id": Q1, "answer": "z"},  # unknown option
        {"uid": "0" * 32, "question_id": Q1, "answer": ["a"]},  # a list for single choice
        {"uid": "0" * 32, "question_id": Q1, "answer": None},
        {"uid": "0" * 32, "question_id": Q1, "answer": {"a": {"deep": 1}}},
        {"uid": "0" * 32, "question_id": "causes.cold.q4", "answer": 10**30},
        b'{"uid": "' + b"0" * 32 + b'", "question_id": "causes.cold.q4", "answer": NaN}',
        {"uid": "0" * 32, "question_id": "causes.cold.q4", "answer": "6.25\u0000"},
        b'{"uid": "'
        + b"0" * 32
        + b'", "question_id": "causes.cold.q1", "answer": "\\ud800"}',  # lone surrogate
        {"uid": "0" * 32, "question_id": "causes.cold.q2", "answer": ["a"] * 51},
        {"uid": "0" * 32, "question_id": Q1, "answer": "a", "extra": 1},
        OVERSIZED,
    ],
    ids=lambda b: (b if isinstance(b, bytes) else json.dumps(b))[:40],
)
def test_malformed_and_oversized_answers_are_refused_and_nothing_stored(classroom, body):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    c.t("POST", "/pose", json={"question_id": "causes.cold.q4"})
    c.t("POST", "/pose", json={"question_id": "causes.cold.q2"})
    c.http.post(f"/api/sessions/{c.sid}/open", headers=c.teacher)
    kw = (
        {"content": body, "headers": {**me, "content-type": "application/json"}}
        if isinstance(body, bytes)
        else {"json": body, "headers": me}
    )
    r = c.http.post(f"/api/sessions/{c.sid}/answers", **kw)
    assert 400 <= r.status_code < 500, r.text
    if body is OVERSIZED:
        assert r.status_code == 413
    assert c.stored() == 0


def test_oversized_chunked_body_is_refused(classroom):
    me = classroom.join("Ann")

    def chunks():
        for _ in range(40):
            yield b"x" * 1024

    r = classroom.http.post(
        f"/api/sessions/{classroom.sid}/answers",
        content=chunks(),
        headers={**me, "content-type": "application/json"},
    )
    assert r.status_code == 413 and classroom.stored() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"code": "ABCDEF"},
        {"code": "ABC", "name": "Ann"},
        {"name": "Ann", "code": "AB<>EF"},
        {"code": "{code}", "name": ""},
        {"code": "{code}", "name": "   "},
        {"code": "{code}", "name": "x" * 41},
        {"code": "{code}", "name": "Ann\u0000"},
        {"code": "{code}", "name": "Ann\nBo"},
        {"code": "{code}", "name": "Ann", "email": "a@b.c"},  # only a display name is ever stored
        {"code": "{code}", "name": "n" * 20_000},
    ],
)
def test_bad_joins_are_refused_and_nothing_stored(classroom, body):
    body = {k: v.replace("{code}", classroom.code) for k, v in body.items()}
    r = classroom.http.post("/api/join", json=body)
    assert 400 <= r.status_code < 500, r.text
    assert classroom.t("GET", "/roster").json() == []


def test_join_rules(classroom):
    c = classroom
    assert c.http.post("/api/join", json={"code": "ZZZZZZ", "name": "Ann"}).status_code == 404
    c.join("Ann")
    assert (
        c.http.post("/api/join", json={"code": c.code, "name": "Ann"}).status_code == 409
    )  # names are unique
    r = c.http.post(
        "/api/join", json={"code": c.code.lower(), "name": "  <b>Bo</b>  "}
    )  # code typed in lower case
    assert r.status_code == 201 and r.json()["name"] == "<b>Bo</b>"  # stored as typed; escaped where shown


def test_teacher_errors_are_clear(classroom):
    c = classroom
    assert c.t("POST", "/reveal").status_code == 409
    r = c.t("POST", "/pose", json={"question_id": "causes.cold.q99"})
    assert r.status_code == 404 and "causes.cold.q99" in r.json()["detail"]
    assert c.t("GET", f"/questions/{Q1}/distribution").status_code == 409  # not posed yet
    me = c.join("Ann")
    r = c.submit(me, Q1, "a")  # self-paced practice while joined: accepted, not stored
    assert r.status_code == 200 and r.json()["status"] == "not_posed" and c.stored() == 0


def test_posing_a_new_question_closes_the_previous_one(classroom):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    c.t("POST", "/pose", json={"question_id": "causes.cold.q3"})
    assert c.submit(me, Q1, "a").status_code == 409
    assert c.submit(me, "causes.cold.q3", "myth").status_code == 200
    qs = {q["id"]: q for q in c.t("GET", "/questions").json()}
    assert qs[Q1]["posed"] and not qs[Q1]["open"] and qs["causes.cold.q3"]["open"]


def test_purge_deletes_one_session_and_nothing_else(classroom, live):
    c = classroom
    other = new_classroom(c.url, c.db_url, c.http)
    for room in (c, other):
        s = room.join("Ann")
        room.t("POST", "/pose", json={"question_id": Q1})
        room.submit(s, Q1, "a")
    r = subprocess.run(
        [sys.executable, "-m", "cramp_lessons.cli.main", "classroom", "purge", c.sid, "--db", c.db_url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "1 students, 1 answers" in r.stdout
    assert c.stored() == 0 and c.t("GET", "/roster").status_code == 401
    assert c.http.post("/api/join", json={"code": c.code, "name": "Bo"}).status_code == 404
    assert other.stored() == 1 and [p["name"] for p in other.t("GET", "/roster").json()] == ["Ann"]
    again = subprocess.run(
        [sys.executable, "-m", "cramp_lessons.cli.main", "classroom", "purge", c.sid, "--db", c.db_url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 1 and "no session" in again.stderr


def test_create_app_refuses_a_fastapi_that_would_ignore_the_body_limit(monkeypatch):
    # FastAPI < 0.164 has no max_body_size parameter and silently drops it into app.extra.
    import fastapi

    from cramp_lessons.classroom import ClassroomError
    from cramp_lessons.classroom.server import app as server

    class OldFastAPI(fastapi.FastAPI):
        def __init__(self, **extra):
            super().__init__()

    monkeypatch.setattr(server, "FastAPI", OldFastAPI)
    with pytest.raises(ClassroomError, match=r"fastapi>=0\.164"):
        server.create_app("sqlite://")


def test_each_student_sees_the_options_in_their_own_order(classroom, fixture_course):
    """Issue 14: the classroom shuffles per student; answers are option ids, so they map back."""
    c = classroom
    q = fixture_course.question("causes.cold.q2")  # multiple select, 4 options
    c.t("POST", "/pose", json={"question_id": q.id})
    students = [c.join(f"Student {k}") for k in range(6)]
    orders = [tuple(o["id"] for o in c.state(s)["question"]["options"]) for s in students]
    assert len(set(orders)) > 1, "every student saw the same order"
    assert orders[0] == tuple(o["id"] for o in c.state(students[0])["question"]["options"])  # stable
    for s in students:
        assert c.submit(s, q.id, right_answer(q)).status_code == 200
    rows = {r["question_id"]: r for r in c.t("GET", "/report").json()}
    assert rows[q.id]["share_correct"] == pytest.approx(1.0)


def test_the_class_report_carries_the_item_analysis(classroom, fixture_course):
    """Issue 14 §5b: the teacher's report shows how well each question separates the class."""
    c = classroom
    strong = [c.join(f"Strong {k}") for k in range(6)]
    weak = [c.join(f"Weak {k}") for k in range(6)]
    for qid, right, wrong in (("causes.cold.q1", "a", "b"), ("causes.cold.q3", "myth", "fact")):
        c.t("POST", "/pose", json={"question_id": qid})
        for s in strong:
            assert c.submit(s, qid, right).status_code == 200
        for s in weak:
            assert c.submit(s, qid, wrong).status_code == 200
    rows = {r["question_id"]: r for r in c.t("GET", "/report").json()}
    assert rows["causes.cold.q1"]["discrimination"] == pytest.approx(1.0)
    assert rows["causes.cold.q1"]["share_correct"] == pytest.approx(0.5)
    csv_text = c.t("GET", "/report.csv").text
    assert ",discrimination,flags," in csv_text.splitlines()[0]


# --------------------------------------------------------------------------- hardening (issue 15)
def test_a_token_with_a_non_ascii_digit_is_refused_not_a_500(classroom):
    c = classroom
    c.join("Ann")
    for path in ("/state", "/answers"):
        r = c.http.request(
            "GET" if path == "/state" else "POST",
            f"/api/sessions/{c.sid}{path}",
            headers={"X-Student-Token": b"\xb2.secret"},
            json=None if path == "/state" else {"question_id": Q1, "uid": "u" * 32, "answer": "a"},
        )
        assert r.status_code == 401, (path, r.status_code, r.text)


@pytest.mark.parametrize(
    "name, why",
    [("An\u200bn", "U+200B"), ("\u202eAnn", "U+202E"), ("Ann\u2066", "U+2066")],
)
def test_invisible_characters_are_refused_in_names(classroom, name, why):
    r = classroom.http.post("/api/join", json={"code": classroom.code, "name": name})
    assert r.status_code == 422 and why in r.text and classroom.t("GET", "/roster").json() == []


def test_a_composed_and_a_decomposed_name_are_the_same_name(classroom):
    c = classroom
    first = c.http.post("/api/join", json={"code": c.code, "name": "Ren\u00e9e"})
    second = c.http.post("/api/join", json={"code": c.code, "name": "Rene\u0301e"})
    assert first.status_code == 201 and second.status_code == 409
    assert [p["name"] for p in c.t("GET", "/roster").json()] == ["Ren\u00e9e"]


def test_a_purged_name_is_not_left_in_the_database_file(tmp_path):
    from cramp_lessons.classroom.server.store import Store

    path = tmp_path / "classroom.sqlite"
    store = Store(f"sqlite:///{path}")
    try:
        new = store.create_session()
        store.join(new.join_code, "Zebedee Quill")
        store.purge(new.id)
    finally:
        store.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("classroom.sqlite"))
    assert b"Zebedee Quill" not in stored


@pytest.mark.parametrize("twin", ["\u0410nn", "\u0391nn", "ANN", "ann"])
def test_a_name_that_looks_like_one_taken_is_taken(classroom, twin):
    # A Cyrillic or a Greek capital A, another case: on a roster they read as the same student.
    c = classroom
    assert c.http.post("/api/join", json={"code": c.code, "name": "Ann"}).status_code == 201
    r = c.http.post("/api/join", json={"code": c.code, "name": twin})
    assert r.status_code == 409 and "looks the same" in r.text
    assert c.http.post("/api/join", json={"code": c.code, "name": "Anna"}).status_code == 201
    assert [p["name"] for p in c.t("GET", "/roster").json()] == ["Ann", "Anna"]
