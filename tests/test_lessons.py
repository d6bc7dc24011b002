"""Lessons and content stay in step: every available lesson's notebook follows the skeleton,
shows every topic of its lesson, quizzes every bank, has the anchors its questions link to and a
question for every section, opens with a story its summary answers, states an honest time, and has
its background, session plan and answers in the teacher guide."""

import ast
import json
import re
from pathlib import Path

import pytest

import cramp_lessons
from cramp_lessons.course.model import load_course
from cramp_lessons.course.rendered import lesson_segments, plain_text
from cramp_lessons.learner.assessment import draw

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
    heading = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert nb["cells"][0]["cell_type"] == "markdown" and heading.startswith("# ")
    # The heading ends with the lesson's title, after its number if it shows one (lessons.yaml).
    number = re.match(r"# (\d+) ", heading)
    assert heading.lower().endswith(lesson.title.lower()) and (number is None or number[1] == lesson.number)
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


PUBLIC_API = [
    "AnswerError",
    "ContentError",
    "Course",
    "CrampLessonsError",
    "EVIDENCE_TAGS",
    "Grade",
    "ProgressError",
    "ProgressStore",
    "cause_finder",
    "check",
    "check_yourself",
    "course_map",
    "cramp_diary",
    "disclaimer",
    "get_store",
    "glossary",
    "grade",
    "join",
    "join_widget",
    "lesson_footer",
    "lesson_header",
    "load_course",
    "prevention_planner",
    "progress_dashboard",
    "quiz",
    "ranked",
    "red_flag_checker",
    "relief_routine",
    "review_due",
    "show",
    "show_explorer",
    "urgency_scale",
    "worked_cases",
]


def test_public_api_resolves():
    # Pinned exactly (issue 13): a name added to or dropped from the public API is a decision.
    assert cramp_lessons.__all__ == PUBLIC_API
    for name in cramp_lessons.__all__:
        assert getattr(cramp_lessons, name) is not None, name
    from cramp_lessons.course.grading import grade

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


# ------------------------------------------------------------------ issue 12 §6: lessons a lay adult can follow
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
# `## ` headings that are not teaching sections: they need no anchor and no question of their own.
STRUCTURAL = {"Check yourself", "Summary", "The course map", "Your progress so far"}
QUIZZED = [les for les in AVAILABLE if COURSE.banks_for(les.id)]  # the final assessment has no bank


def _sections(nb) -> list[tuple[str, set[str]]]:
    """Each `## ` heading of a lesson with the anchors from it up to the next `## ` heading.

    A heading's own anchor is the anchor line just above it (the course's scheme:
    `<a id="..."></a>` then `## Title`); anchors further down (for `###` parts) belong to it too.
    """
    sections: list[tuple[str, set[str]]] = []
    pending: list[str] = []  # anchors on the lines just above the next heading
    for line in _source(nb, "markdown").splitlines():
        stripped = line.strip()
        only_anchors = bool(stripped) and not ANCHOR.sub("", stripped).strip()
        if stripped.startswith("## "):
            sections.append((stripped[3:].strip(), set(pending)))
            pending = []
        elif only_anchors:
            pending += ANCHOR.findall(stripped)
        elif stripped:
            if sections:
                sections[-1][1].update(pending)
            pending = []
    if sections:
        sections[-1][1].update(pending)
    return sections


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_every_teaching_section_has_an_anchor(lesson):
    for title, anchors in _sections(_nb(lesson)):
        if title not in STRUCTURAL:
            assert anchors, (
                f"{lesson.notebook}: section {title!r} has no <a id> anchor for questions to link to"
            )


@pytest.mark.parametrize("lesson", QUIZZED, ids=lambda les: les.id)
def test_every_section_has_a_question(lesson):
    linked = {q.section for b in COURSE.banks_for(lesson.id) for q in b.questions}
    for title, anchors in _sections(_nb(lesson)):
        if title not in STRUCTURAL:
            assert anchors & linked, (
                f"{lesson.notebook}: no question links to section {title!r} ({sorted(anchors)})"
            )


def _cell_index(nb, test) -> int:
    return next(k for k, c in enumerate(nb["cells"]) if test(c["cell_type"], "".join(c["source"])))


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_lesson_opens_with_a_story_that_the_summary_answers(lesson):
    nb = _nb(lesson)
    header = _cell_index(nb, lambda kind, src: kind == "code" and "lesson_header(" in src)
    story = nb["cells"][header + 1]
    assert story["cell_type"] == "markdown" and "".join(story["source"]).lstrip().startswith(">"), (
        "after the header comes the story or question the lesson answers, as a block quote"
    )
    summary = nb["cells"][_cell_index(nb, lambda kind, src: src.startswith("## Summary"))]
    assert "**Back to the story:**" in "".join(summary["source"])


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_the_glossary_comes_just_before_the_summary(lesson):
    nb = _nb(lesson)
    summary = _cell_index(nb, lambda kind, src: src.startswith("## Summary"))
    before = nb["cells"][summary - 1]
    assert before["cell_type"] == "code" and "".join(before["source"]).strip() == f'glossary("{lesson.id}")'


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_lesson_code_cells_are_short(lesson):
    """A lesson reads like a lesson: logic lives in the package, so no code cell passes 3 lines."""
    for k, cell in enumerate(_nb(lesson)["cells"]):
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).strip().splitlines()
            assert len(lines) <= 3, (
                f"{lesson.notebook} cell {k} has {len(lines)} lines: move the logic into the package"
            )


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_lessons_teach_reasoning_not_python(lesson):
    """Worked examples are cases in prose; no cell shows the grading API or prints made-up results."""
    code = _source(_nb(lesson), "code")
    for call in ("check(", "grade(", "print(", "report("):
        assert call not in code, f"{lesson.notebook} calls {call}...): teach with a worked case in Markdown"


# How long a lesson takes: reading its text (Markdown, the cards it shows, and the tables its cells
# render) at 200 words a minute, a minute per quiz question (a sitting of the final assessment counts
# its questions), 2.5 minutes per explorer or practical tool, and a minute per picture or animation.
WORDS_PER_MINUTE = 200
MINUTES_PER_QUESTION = 1.0
MINUTES_PER_EXPLORER = 2.5
MINUTES_PER_PICTURE = 1.0
TOOLS = {
    "relief_routine",
    "prevention_planner",
    "cramp_diary",
    "red_flag_checker",
    "cause_finder",
    "worked_cases",
    "review_due",
}
LOOK_ONLY = {"progress_dashboard"}


def _words(markdown: str) -> int:
    return len(re.findall(r"\w[\w'’-]*", plain_text(markdown)))


def estimated_minutes(lesson) -> float:
    from cramp_lessons.widgets import content
    from cramp_lessons.widgets.explorers import PICTURES

    rendered = {
        "disclaimer": content.disclaimer,
        "course_map": content.course_map,
        "urgency_scale": content.urgency_scale,
        "ranked": content.ranked,
    }
    words = sum(_words(seg.text) for seg in lesson_segments(COURSE, NOTEBOOKS)[lesson.id])
    minutes = 0.0
    for cell in _nb(lesson)["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name, args = node.func.id, [ast.literal_eval(a) for a in node.args]
            if name == "quiz":
                minutes += MINUTES_PER_QUESTION * len(COURSE.bank(args[0]).questions)
            elif name == "check_yourself":
                minutes += MINUTES_PER_QUESTION * len(draw(COURSE, seed=0))
            elif name == "show_explorer":
                # "stretch" is an animation to watch; pictures are static
                look = args[0] in PICTURES or args[0] == "stretch"
                minutes += MINUTES_PER_PICTURE if look else MINUTES_PER_EXPLORER
            elif name in TOOLS:
                minutes += MINUTES_PER_EXPLORER
            elif name in LOOK_ONLY:
                minutes += MINUTES_PER_PICTURE
            elif name in rendered:
                words += _words(str(rendered[name](*args)))
    return words / WORDS_PER_MINUTE + minutes


@pytest.mark.parametrize("lesson", AVAILABLE, ids=lambda les: les.id)
def test_stated_minutes_are_within_a_quarter_of_the_estimate(lesson):
    est = estimated_minutes(lesson)
    assert abs(lesson.minutes - est) <= 0.25 * est, (
        f"{lesson.id} states {lesson.minutes} min; reading, quizzes and explorers take about {est:.0f} min"
    )


GUIDE = NOTEBOOKS / "teacher" / "teacher_guide.md"


def test_teacher_guide_gives_every_lesson_background_a_plan_and_the_answers():
    guide = GUIDE.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^### ", guide)
    for les in AVAILABLE:
        part = next((p for p in parts if p.startswith(f"{les.number} ")), None)
        assert part is not None, f"the guide has no '### {les.number} ...' section"
        for heading in ("Background", "Session plan"):
            assert f"**{heading}" in part, f"lesson {les.number}: no {heading} in the guide"
        for b in COURSE.banks_for(les.id):
            for q in b.questions:
                assert f"`{q.id}`" in part, f"lesson {les.number}: the guide gives no answer for {q.id}"


def test_teacher_guide_says_what_to_do_when_a_student_describes_red_flags():
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("## When a student describes their own symptoms", 1)
    assert len(section) == 2, "the guide needs its section on students' own red-flag symptoms"
    text = section[1].split("\n## ", 1)[0]
    for lv in COURSE.urgency:
        assert lv.label in text, lv.label
