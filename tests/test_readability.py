"""Readability: Flesch-Kincaid grades per lesson and per card, from text stripped to plain sentences."""

import json
import re
from pathlib import Path

import pytest
import yaml

from cramp_lessons.cli import main as cli
from cramp_lessons.course.model import load_course
from cramp_lessons.course.readability import card_grades, card_text, grade, lesson_grades
from cramp_lessons.course.rendered import plain_text

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

VERBOSE = (
    "Notwithstanding considerable methodological heterogeneity, contemporary physiological investigations "
    "consistently demonstrate that neuromuscular hyperexcitability, originating predominantly within "
    "spinal motoneuronal populations and their associated proprioceptive afferent circuitry, constitutes "
    "the fundamental pathophysiological determinant of exercise-associated involuntary muscular "
    "contractions, particularly following prolonged, fatiguing, eccentric locomotor activity."
)
PLAIN = "A cramp is a sudden pull in a muscle. It hurts. It stops by itself. A stretch can help."


def _notebook(path, *cells):
    nb = {
        "cells": [
            {"cell_type": k, "metadata": {}, "source": s, **({"outputs": []} if k == "code" else {})}
            for k, s in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture
def course_dir(content_copy):
    cards = {
        "kind": "definition",
        "items": [
            {
                "id": "defs.verbose",
                "title": "A long-winded card",
                "summary": VERBOSE,
                "lesson": "two",
                "evidence": "moderate",
                "references": ["ref_a"],
            },
            {
                "id": "defs.plain",
                "title": "A plain card",
                "summary": PLAIN,
                "article_says": VERBOSE,  # a quotation of the article: not graded as the card's own words
                "lesson": "one",
                "evidence": "moderate",
                "references": ["ref_a"],
            },
        ],
    }
    (content_copy / "topics" / "defs.yaml").write_text(yaml.safe_dump(cards), encoding="utf-8")
    return content_copy


@pytest.fixture
def nb_dir(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    _notebook(d / "01_one.ipynb", ("markdown", "# One\n\n" + PLAIN), ("code", 'show("defs.plain")'))
    _notebook(d / "02_two.ipynb", ("markdown", "# Two\n\n" + PLAIN), ("code", 'show("defs.verbose")'))
    return d


# ------------------------------------------------------------------ stripping
def test_stripping_drops_urls_code_and_markup_and_keeps_the_words():
    md = (
        "## What to read\n\n"
        "Read **the NHS page** on [leg cramps](https://www.nhs.uk/conditions/leg-cramps/) or "
        '<https://example.org/raw> or www.example.com/x, then run `show_explorer("twitch")`.\n\n'
        "```python\nimport numpy as np\nprint(np.pi)\n```\n\n"
        "| Measure | Verdict |\n|---|:---:|\n| Stretching | may help |\n\n"
        "- first <b>point</b>\n- second point\n\n"
        "> A quoted line &amp; more\n\n"
        '<details><summary>Sources</summary><a href="https://doi.org/10.1/x">A paper</a></details>'
    )
    text = plain_text(md)
    for gone in (
        "https",
        "nhs.uk",
        "example",
        "www",
        "show_explorer",
        "numpy",
        "print",
        "|",
        "---",
        "#",
        "**",
        "<",
        ">",
        "&amp;",
        "`",
    ):
        assert gone not in text, gone
    assert text.split("\n\n") == [
        "What to read.",
        "Read the NHS page on leg cramps or or, then run.",
        "Measure, Verdict.",
        "Stretching, may help.",
        "first point.",
        "second point.",
        "A quoted line & more.",
        "Sources A paper.",
    ]


def test_stripping_can_keep_dfn_marks_and_drop_headings():
    from cramp_lessons.course.rendered import DFN_CLOSE, DFN_OPEN

    text = plain_text("# Title <dfn>term</dfn>\n\nA <dfn>word</dfn> here.", dfn_marks=True, headings=False)
    assert text == f"{DFN_OPEN}term{DFN_CLOSE}.\n\nA {DFN_OPEN}word{DFN_CLOSE} here."
    assert plain_text("A <dfn>word</dfn> here.") == "A word here."


# ------------------------------------------------------------------ grades
def test_grades_rank_long_winded_text_above_plain_text():
    assert grade(PLAIN) < 5 < 10 < grade(VERBOSE)
    assert grade("") == 0.0 and grade("```\ncode only\n```") == 0.0
    # Markup does not change the grade of the words it wraps.
    assert grade(f"**{PLAIN}** [link](https://a.very.long.example.org/with/many/parts)") == grade(
        PLAIN + " link"
    )


def test_card_grades_read_summary_and_body(course_dir):
    course = load_course(course_dir)
    grades = card_grades(course)
    assert set(grades) == set(course.topics)
    assert grades["defs.verbose"] > 10 > grades["defs.plain"]
    assert VERBOSE not in card_text(course.topics["defs.plain"])


def test_lesson_grades_read_markdown_cells_and_shown_cards(course_dir, nb_dir):
    course = load_course(course_dir)
    grades = lesson_grades(course, nb_dir)
    assert list(grades) == ["one", "two"]
    # Same Markdown in both lessons; two shows the long-winded card, so it reads harder.
    assert grades["two"] > grades["one"] + 3
    # A lesson without its notebook has no grade.
    (nb_dir / "02_two.ipynb").unlink()
    assert list(lesson_grades(course, nb_dir)) == ["one"]


def test_readability_command_prints_a_grade_per_lesson_and_card(capsys, course_dir, nb_dir):
    rc = cli.main(["readability", "--content-dir", str(course_dir), "--notebooks", str(nb_dir)])
    out = capsys.readouterr().out
    assert rc == 0
    grades = lesson_grades(load_course(course_dir), nb_dir)
    lesson_lines = re.findall(r"^ +(\d+\.\d)  (\d\d) (\w+): (.+)$", out, re.M)
    assert [(float(g), lid) for g, _n, lid, _t in lesson_lines] == [
        (grades["two"], "two"),
        (grades["one"], "one"),
    ]
    card_lines = re.findall(r"^ +(\d+\.\d)  ([\w.]+) \((\w+)\)(.*)$", out, re.M)
    assert card_lines[0][1] == "defs.verbose" and "above 10" in card_lines[0][3]
    assert [float(g) for g, *_ in card_lines] == sorted((float(g) for g, *_ in card_lines), reverse=True)


def test_check_warns_about_a_long_winded_card_without_failing(capsys, course_dir, nb_dir):
    rc = cli.main(["check", str(course_dir), "--notebooks", str(nb_dir)])
    out, err = capsys.readouterr()
    assert rc == 0 and out.startswith("ok:")
    warned = [ln for ln in err.splitlines() if ln.startswith("WARNING: readability")]
    assert len(warned) == 1 and "card defs.verbose reads at grade" in warned[0]


def test_every_lesson_of_the_course_gets_a_grade():
    course = load_course()
    grades = lesson_grades(course, NOTEBOOKS)
    available = [les.id for les in course.in_order() if (NOTEBOOKS / les.notebook).exists()]
    assert list(grades) == available and all(0 < g < 20 for g in grades.values())
