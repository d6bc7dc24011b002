"""Lessons and content stay in step: every available lesson's notebook follows the skeleton,
shows every topic of its lesson, quizzes every bank, and has the anchors its questions link to."""

import json
import re
from pathlib import Path

import pytest

import cramp_lessons
from cramp_lessons.course import load_course

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
COURSE = load_course()
AVAILABLE = [les for les in COURSE.lessons.values() if les.status == "available"]


def _nb(lesson):
    return json.loads((NOTEBOOKS / lesson.notebook).read_text())


def _source(nb, kind=None):
    return "\n".join("".join(c["source"]) for c in nb["cells"] if kind is None or c["cell_type"] == kind)


def test_available_lessons_are_exactly_the_notebooks():
    on_disk = {p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    assert on_disk == {les.notebook for les in AVAILABLE}


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_notebook_follows_the_skeleton(lesson):
    nb = _nb(lesson)
    md = _source(nb, "markdown")
    code = _source(nb, "code")
    assert nb["cells"][0]["cell_type"] == "markdown" and "".join(nb["cells"][0]["source"]).startswith("# ")
    assert f'lesson_header("{lesson.id}")' in code and f'lesson_footer("{lesson.id}")' in code
    assert "## Check yourself" in md and "## Summary" in md


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_notebook_teaches_every_topic_and_bank_of_its_lesson(lesson):
    code = _source(_nb(lesson), "code")
    for t in COURSE.topics.values():
        if t.lesson == lesson.id and COURSE.kinds[t.id] != "situation":
            assert f'"{t.id}"' in code, f"{t.id} is never shown in {lesson.notebook}"
    for b in COURSE.banks_for(lesson.id):
        assert f'quiz("{b.bank}")' in code, f"bank {b.bank} is never quizzed in {lesson.notebook}"


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_question_sections_exist_as_anchors(lesson):
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', _source(_nb(lesson), "markdown")))
    for b in COURSE.banks_for(lesson.id):
        for q in b.questions:
            if q.section:
                assert q.section in anchors, f"{q.id} links to #{q.section}, missing in {lesson.notebook}"


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_notebook_was_run_top_to_bottom_without_widget_state(lesson):
    path = NOTEBOOKS / lesson.notebook
    nb = _nb(lesson)
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "run `make notebooks`"
    assert "widgets" not in nb["metadata"], "execute with store_widget_state=False"
    assert path.stat().st_size < 1_500_000
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []


def test_public_api_resolves():
    for name in cramp_lessons.__all__:
        assert getattr(cramp_lessons, name) is not None, name
    from cramp_lessons.grading import grade

    assert callable(cramp_lessons.quiz) and cramp_lessons.grade is grade


def test_lesson_08_teaches_the_one_scale_and_the_conditions_that_cause_cramps():
    lesson = COURSE.lessons["see_a_doctor"]
    nb = _nb(lesson)
    code = _source(nb, "code")
    assert "urgency_scale()" in code and "by_level=True" in code
    for t in COURSE.of_kind("secondary_cause"):
        assert t.lesson == lesson.id and f'"{t.id}"' in code
    # The summary names the levels with the labels of content/urgency.yaml, most urgent first.
    summary = next(c for c in nb["cells"] if "".join(c["source"]).startswith("## Summary"))
    bold = re.findall(r"^- \*\*(.+?)\*\*", "".join(summary["source"]), re.MULTILINE)
    assert bold == [lv.label for lv in COURSE.urgency]


def test_the_cause_finder_lesson_mentions_the_conditions_it_can_name():
    md = _source(_nb(COURSE.lessons["pregnancy_and_life_stages"]), "markdown")
    for words in ("nerve damage", "kidney", "thyroid", "liver", "medicines"):
        assert words in md, words
