"""The questions exported for the browser (formats/web.py): complete, JSON, safe in a page, and each
variant draw the one Python makes for its seed."""

from __future__ import annotations

import json

from cramp_lessons.course.grading import grade
from cramp_lessons.course.variants import instance
from cramp_lessons.formats.web import FORMAT, VARIANTS, questions_script, script_json, web_questions


def test_every_question_of_every_bank(course, web_data):
    assert web_data["format"] == FORMAT
    assert list(web_data["questions"]) == [qid for b in web_data["banks"].values() for qid in b["questions"]]
    assert set(web_data["questions"]) == set(course.questions)
    assert set(web_data["banks"]) == set(course.banks)
    for qid, q in web_data["questions"].items():
        assert q["lesson"] == course.lesson_of_question(qid)
        assert q["references"] == course.cite(course.questions[qid].references)
        assert q["evidence_words"] == course.evidence[q["evidence"]].words
    # Plain JSON: it goes through json.dumps and back unchanged (no NaN, no tuples, no objects).
    text = json.dumps(web_data, allow_nan=False)
    assert json.loads(text) == web_data


def test_variant_draws_are_pythons(course, web_data):
    for qid, q in web_data["questions"].items():
        template = course.questions[qid]
        if not template.generator:
            assert "variants" not in q
            continue
        draws = q["variants"]
        assert 5 <= len(draws) <= VARIANTS
        assert len({d["prompt"] + json.dumps(d.get("options")) for d in draws}) == len(draws)  # each once
        for d in draws:
            v = instance(template, d["seed"])
            assert d["prompt"] == v.prompt and d["answer_text"] == v.answer_text()
            assert grade(v, v.right_answer(), course).correct


def test_explorer_answers_come_from_the_model(course, web_data):
    for qid, q in web_data["questions"].items():
        if q["type"] != "explorer":
            continue
        model = course.questions[qid]
        assert q["value"] == model.value and len(q["says"]) == len(q["positions"])
        right = [x for x in q["positions"] if abs(x - q["value"]) <= q["tolerance"] + 1e-9]
        assert right == model.right_positions()


def test_safe_inside_a_script_element():
    data = {"a": "</script><script>alert(1)</script> & \u2028"}
    text = script_json(data)
    assert "</" not in text and "<" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == data
    script = questions_script(data)
    assert script.startswith("window.CRAMP_QUESTIONS = ") and script.endswith(";\n")


def test_a_smaller_set_of_draws(course):
    data = web_questions(course, variants=2)
    assert all(len(q.get("variants", [])) <= 2 for q in data["questions"].values())
