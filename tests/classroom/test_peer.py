"""Peer instruction (issue 15): round 1 alone with a confidence rating, then round 2 after talking
with a neighbour; the teacher sees the shift; the projector shows no names and nothing of the
answer until the reveal; the class report has both rounds. Real servers, SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

Q1 = "causes.cold.q1"  # single: a = slower (right), b = faster, c = unchanged


def answer(c, who, value, confidence=None):
    body = {"uid": uuid.uuid4().hex, "question_id": Q1, "answer": value}
    if confidence is not None:
        body["confidence"] = confidence
    return c.http.post(f"/api/sessions/{c.sid}/answers", json=body, headers=who)


def two_rounds(c):
    """Four students: round 1 a, b, b, c (one right); round 2 a, a, b, a (three right)."""
    ann, bo, cy, di = (c.join(n) for n in ("Ann", "Bo", "Cy", "Di"))
    c.t("POST", "/pose", json={"question_id": Q1})
    for who, value, sure in ((ann, "a", 3), (bo, "b", 3), (cy, "b", 1), (di, "c", 2)):
        assert answer(c, who, value, sure).json()["status"] == "stored"
    assert c.t("POST", "/close").json()["open"] is False
    r = c.t("POST", "/round2")
    assert r.status_code == 200 and r.json() == {
        "question_id": Q1,
        "open": True,
        "revealed": False,
        "round": 2,
    }
    for who, value in ((ann, "a"), (bo, "a"), (cy, "b"), (di, "a")):
        assert answer(c, who, value).json()["status"] == "stored"  # a new answer, not a replacement
    return ann, bo, cy, di


def test_round_two_keeps_round_one_and_shows_the_shift(classroom):
    c = classroom
    ann, *_ = two_rounds(c)
    peer = c.t("GET", f"/questions/{Q1}/rounds").json()
    assert peer["round"] == 2 and [r["round"] for r in peer["rounds"]] == [1, 2]
    counts = [{ch["key"]: ch["count"] for ch in r["choices"]} for r in peer["rounds"]]
    assert counts == [{"a": 1, "b": 2, "c": 1}, {"a": 3, "b": 1, "c": 0}]
    assert [r["correct"] for r in peer["rounds"]] == [1, 3]
    assert peer["shift"] == {
        "both_rounds": 4,
        "wrong_to_right": 2,
        "right_to_wrong": 0,
        "stayed_right": 1,
        "stayed_wrong": 1,
    }
    # Round 1 by confidence: Bo was sure and wrong, the misconception worth talking about.
    conf = {x["label"]: (x["right"], x["wrong"]) for x in peer["confidence"]}
    assert conf == {"guessing": (0, 1), "unsure": (0, 1), "sure": (1, 1)}
    # The live distribution and the session follow the current round.
    assert c.t("GET", f"/questions/{Q1}/distribution").json()["correct"] == 3
    assert c.t("GET", "").json()["round"] == 2 and c.t("GET", "").json()["answers"] == 4


def test_a_student_sees_the_round_and_answers_it_once(classroom):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    answer(c, me, "b", 2)
    assert (c.state(me)["round"], c.state(me)["answered"]) == (1, True)
    c.t("POST", "/round2")
    assert (c.state(me)["round"], c.state(me)["answered"]) == (2, False)
    assert answer(c, me, "c").json()["status"] == "stored"
    assert answer(c, me, "a").json()["status"] == "replaced"  # within a round the latest counts
    c.t("POST", "/close")
    r = answer(c, me, "b")
    assert r.status_code == 409 and "closed" in r.json()["detail"]  # answering locks when a round closes
    c.t("POST", "/reveal")
    assert c.state(me)["reveal"]["your_correct"] is True  # graded on the round-2 answer
    rounds = sorted((a["round"], a["answer"], a["confidence"]) for a in c.t("GET", "/answers").json())
    assert rounds == [(1, "b", 2), (2, "a", None)]


def test_round_two_only_once_and_never_after_the_reveal(classroom):
    c = classroom
    assert c.t("POST", "/round2").status_code == 409  # nothing posed
    c.t("POST", "/pose", json={"question_id": Q1})
    assert c.t("POST", "/round2").status_code == 200
    r = c.t("POST", "/round2")
    assert r.status_code == 409 and "already" in r.json()["detail"]
    c.t("POST", "/reveal")
    c.t("POST", "/pose", json={"question_id": "causes.cold.q3"})
    c.t("POST", "/reveal")
    assert c.t("POST", "/round2").status_code == 409


@pytest.mark.parametrize("confidence", [0, 4, "sure", 2.5, True])
def test_a_nonsense_confidence_is_refused_and_nothing_stored(classroom, confidence):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    assert answer(c, me, "a", confidence).status_code == 422
    assert c.stored() == 0


# --------------------------------------------------------------------------- the projector
def projector(c, key):
    return c.http.get(f"/api/sessions/{c.sid}/projector", headers={"X-Projector-Key": key})


def test_the_projector_shows_no_name_answer_or_tally_before_the_reveal(classroom):
    c = classroom
    link = c.t("POST", "/projector").json()
    assert link["path"] == f"/projector/{c.sid}#key={link['key']}"
    ann, bo, cy, di = two_rounds(c)
    v = projector(c, link["key"])
    assert v.status_code == 200
    view = v.json()
    assert view["answered"] == 4 and view["students"] == 4 and view["round"] == 2
    assert view["answer_text"] is None and view["rounds"] == [] and view["wrong_to_right"] is None
    assert {o["text"] for o in view["question"]["options"]} == {"slower", "faster", "unchanged"}
    for name in ("Ann", "Bo", "Cy", "Di"):
        assert name not in v.text
    for leak in ("correct", "feedback", "explanation", '"wrong"', "count"):
        assert leak not in v.text
    c.t("POST", "/reveal")
    after = projector(c, link["key"]).json()
    assert after["answer_text"] == "slower" and after["wrong_to_right"] == 2
    shares = [(r["round"], r["answers"], r["share_correct"]) for r in after["rounds"]]
    assert shares == [(1, 4, 0.25), (2, 4, 0.75)]
    assert "Ann" not in projector(c, link["key"]).text  # still no names


def test_the_projector_key_is_needed_and_only_the_newest_works(classroom):
    c = classroom
    assert projector(c, "").status_code == 401
    first = c.t("POST", "/projector").json()["key"]
    assert projector(c, first).status_code == 200
    assert projector(c, c.key).status_code == 401  # the teacher key is not a projector key
    second = c.t("POST", "/projector").json()["key"]
    assert projector(c, first).status_code == 401 and projector(c, second).status_code == 200
    # A projector key reads the projector view and nothing else.
    for path in ("", "/roster", "/answers", "/report"):
        r = c.http.get(f"/api/sessions/{c.sid}{path}", headers={"X-Teacher-Key": second})
        assert r.status_code == 401
    assert c.http.post("/api/sessions/x/projector").status_code in (401, 404)


def test_the_projector_page_is_self_contained(classroom):
    c = classroom
    r = c.http.get(f"/projector/{c.sid}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert (
        c.code not in r.text and "http://" not in r.text and "https://" not in r.text
    )  # data comes from the API


# --------------------------------------------------------------------------- the report
def test_the_report_has_both_rounds_with_their_misconceptions(classroom):
    c = classroom
    two_rounds(c)
    c.t("POST", "/reveal")
    (row,) = c.t("GET", "/report").json()
    assert row["share_correct_round1"] == pytest.approx(0.25)
    assert row["most_chosen_wrong_round1"] == "faster"
    assert row["misconception_round1"] == "No: cooling slows kinetics."
    assert row["share_correct_round2"] == pytest.approx(0.75)
    assert row["most_chosen_wrong_round2"] == "faster"
    assert row["wrong_to_right"] == 2
    assert row["share_correct"] == pytest.approx(0.75)  # the final round
    (csv_row,) = csv.DictReader(io.StringIO(c.t("GET", "/report.csv").text))
    assert csv_row["misconception_round1"] == "No: cooling slows kinetics."
    assert csv_row["share_correct_round2"] == "0.75" and csv_row["wrong_to_right"] == "2"


def test_a_one_round_question_leaves_the_round_two_columns_empty(classroom):
    c = classroom
    me = c.join("Ann")
    c.t("POST", "/pose", json={"question_id": Q1})
    answer(c, me, "c")
    (row,) = c.t("GET", "/report").json()
    assert row["share_correct_round1"] == 0.0 and row["misconception_round1"] == "No: temperature matters."
    assert row["share_correct_round2"] is None and row["wrong_to_right"] is None
