"""A classroom a school can trust (issue 15): limits on refused joins, a roster cap, the teacher's
hold on the roster, and a class that ends. Real servers on loopback, over SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import delete

from cramp_lessons.classroom import ClassroomError
from cramp_lessons.classroom.server.store import JoinFailure, JoinLimits, Store
from tests.classroom.conftest import ServerProcess, new_classroom

Q1 = "causes.cold.q1"  # single: a = slower (right)


@pytest.fixture
def strict(db_url, tmp_path):
    """A server of its own with small limits on refused joins: 3 per client, 5 per class, 8 wrong codes."""
    store = Store(db_url)  # the database is shared by the whole run: start with no refusals counted
    with store.engine.begin() as con:
        con.execute(delete(JoinFailure))
    store.close()
    server = ServerProcess(db_url, tmp_path / "home", extra=("--failed-joins", "3,5,8")).start()
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield server, http
    server.stop()


def _join(http: httpx.Client, code: str, name: str) -> httpx.Response:
    return http.post("/api/join", json={"code": code, "name": name})


def test_wrong_codes_from_one_client_are_limited_and_told_when_to_come_back(strict):
    server, http = strict
    c = new_classroom(server.url, server.db_url, http)
    for _ in range(3):
        assert _join(http, "ZZZZZZ", "Guess").status_code == 404
    r = _join(http, "ZZZZZZ", "Guess")
    assert r.status_code == 429 and "try again in" in r.json()["detail"]
    assert 1 <= int(r.headers["Retry-After"]) <= 61
    # Blocked even with the right code: a guesser learns nothing from the next tries.
    assert _join(http, c.code, "Ann").status_code == 429
    assert c.t("GET", "/roster").json() == []


def test_refused_joins_to_one_class_are_limited_across_clients(strict):
    """Five names taken in one class, from several addresses: the class stops taking refusals."""
    server, http = strict
    c = new_classroom(server.url, server.db_url, http)
    assert _join(http, c.code, "Ann").status_code == 201
    store = Store(server.db_url, JoinLimits(3, 5, 8))
    try:
        for k in range(5):  # from five addresses, so the per-client limit never trips
            with pytest.raises(ClassroomError) as taken:
                store.join(c.code, "Ann", client=f"10.0.0.{k}")
            assert taken.value.status == 409
        with pytest.raises(ClassroomError) as limited:
            store.join(c.code, "Bo", client="10.0.0.99")
        assert limited.value.status == 429
        # Another class on the same server is not affected.
        other = new_classroom(server.url, server.db_url, http)
        assert store.join(other.code, "Bo", client="10.0.0.99")[1].name == "Bo"
    finally:
        store.close()


def test_wrong_codes_from_many_clients_are_limited_for_the_whole_server(strict):
    server, http = strict
    store = Store(server.db_url, JoinLimits(3, 5, 8))
    try:
        for k in range(8):
            with pytest.raises(ClassroomError) as wrong:
                store.join("ZZZZZZ", "Guess", client=f"10.1.0.{k}")
            assert wrong.value.status == 404
        with pytest.raises(ClassroomError) as limited:
            store.join("YYYYYY", "Guess", client="10.1.0.200")
        assert limited.value.status == 429
    finally:
        store.close()


def test_the_failed_joins_option_refuses_nonsense(tmp_path):
    for bad in ("3,5", "a,b,c", "0,5,8", "3,5,8,9"):
        with pytest.raises(ClassroomError, match="three whole numbers"):
            JoinLimits.parse(bad)
    assert JoinLimits.parse("3,5,8") == JoinLimits(3, 5, 8)


def test_the_class_is_full_at_the_cap_the_teacher_sets(classroom):
    c = classroom
    r = c.t("PUT", "/settings", json={"max_students": 2})
    assert r.status_code == 200 and r.json()["max_students"] == 2
    c.join("Ann")
    c.join("Bo")
    r = c.http.post("/api/join", json={"code": c.code, "name": "Cy"})
    assert r.status_code == 409 and "full (2 students)" in r.json()["detail"]
    assert [s["name"] for s in c.t("GET", "/roster").json()] == ["Ann", "Bo"]
    c.t("PUT", "/settings", json={"max_students": 3})
    assert c.http.post("/api/join", json={"code": c.code, "name": "Cy"}).status_code == 201


@pytest.mark.parametrize("cap", [0, -1, 5001, "ten", None])
def test_a_nonsense_cap_is_refused_and_changes_nothing(classroom, cap):
    c = classroom
    before = c.t("GET", "").json()["max_students"]
    r = c.t("PUT", "/settings", json={"max_students": cap})
    assert r.status_code == 422
    assert c.t("GET", "").json()["max_students"] == before == 200


def test_the_cap_holds_when_many_join_at_once(classroom):
    """Twenty joins racing for five places: exactly five get in (the count is taken inside the write)."""
    import concurrent.futures

    c = classroom
    c.t("PUT", "/settings", json={"max_students": 5})

    def join(k: int) -> int:
        with httpx.Client(base_url=c.url, timeout=20) as h:
            return h.post("/api/join", json={"code": c.code, "name": f"Racer {k}"}).status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        codes = list(pool.map(join, range(20)))
    assert sorted(codes) == [201] * 5 + [409] * 15
    assert len(c.t("GET", "/roster").json()) == 5


def test_the_teacher_removes_a_student_and_their_answers(classroom):
    c = classroom
    ann, fake = c.join("Ann"), c.join("Fake Name")
    c.t("POST", "/pose", json={"question_id": Q1})
    c.submit(ann, Q1, "a")
    c.submit(fake, Q1, "b")
    roster = {s["name"]: s["id"] for s in c.t("GET", "/roster").json()}
    r = c.t("DELETE", f"/students/{roster['Fake Name']}")
    assert r.status_code == 200 and r.json() == {"answers_removed": 1}
    assert [s["name"] for s in c.t("GET", "/roster").json()] == ["Ann"]
    d = c.t("GET", f"/questions/{Q1}/distribution").json()
    assert d["answers"] == 1 and d["correct"] == 1
    # The removed student's token no longer works; removing again is a clear 404.
    assert c.http.get(f"/api/sessions/{c.sid}/state", headers=fake).status_code == 401
    assert c.t("DELETE", f"/students/{roster['Fake Name']}").status_code == 404


def test_the_teacher_renames_a_student(classroom):
    c = classroom
    me = c.join("Anm")
    c.join("Bo")
    roster = {s["name"]: s["id"] for s in c.t("GET", "/roster").json()}
    r = c.t("PATCH", f"/students/{roster['Anm']}", json={"name": "Ann"})
    assert r.status_code == 200 and r.json()["name"] == "Ann"
    assert c.state(me)["name"] == "Ann"  # the student sees it too
    # A taken or look-alike name, or an invisible character, is refused and changes nothing.
    for bad, status in (("BO", 409), ("B\u043e", 409), ("A\u200bnn", 422), ("", 422)):
        r = c.t("PATCH", f"/students/{roster['Anm']}", json={"name": bad})
        assert r.status_code == status, (bad, r.text)
    assert [s["name"] for s in c.t("GET", "/roster").json()] == ["Ann", "Bo"]


def test_a_student_of_another_class_cannot_be_touched(classroom):
    c = classroom
    other = new_classroom(c.url, c.db_url, c.http)
    theirs = other.join("Ann")
    their_id = {s["name"]: s["id"] for s in other.t("GET", "/roster").json()}["Ann"]
    assert c.t("DELETE", f"/students/{their_id}").status_code == 404
    assert c.t("PATCH", f"/students/{their_id}", json={"name": "Zed"}).status_code == 404
    assert other.state(theirs)["name"] == "Ann"


def test_ending_the_class_expires_its_code_and_closes_answering(classroom):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    r = c.t("POST", "/end")
    assert r.status_code == 200 and r.json()["ended"] is True and r.json()["open"] is False
    r = c.http.post("/api/join", json={"code": c.code, "name": "Late"})
    assert r.status_code == 410 and "ended" in r.json()["detail"]
    assert c.submit(me, Q1, "a").status_code == 409
    assert c.state(me)["ended"] is True
    # Nothing can restart it; the report stays readable.
    assert c.t("POST", "/open").status_code == 409
    assert c.t("POST", "/pose", json={"question_id": "causes.cold.q3"}).status_code == 409
    assert c.t("GET", "/report").status_code == 200
    assert c.t("POST", "/end").json()["ended"] is True  # ending twice is harmless
