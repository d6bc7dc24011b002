"""The teacher guide and dashboard notebook stay in step with the course content."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

import cramp_lessons.classroom as classroom
from cramp_lessons.course.model import load_course

TEACHER = Path(__file__).resolve().parents[2] / "notebooks" / "teacher"
GUIDE = (TEACHER / "teacher_guide.md").read_text(encoding="utf-8")


def test_guide_lists_every_lessons_objectives_and_banks():
    course = load_course()
    for les in course.lessons.values():
        row = next((line for line in GUIDE.splitlines() if line.startswith(f"| {les.number} ")), None)
        assert row is not None, f"lesson {les.number} missing from the guide's objectives table"
        for objective in les.objectives:
            assert objective in row, f"lesson {les.number}: objective {objective!r} not in the guide"
        for bank in course.banks_for(les.id):
            assert f"`{bank.bank}`" in row, f"lesson {les.number}: bank {bank.bank} not in the guide"


def test_every_question_the_guide_names_exists():
    course = load_course()
    named = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)*\.q\d+)`", GUIDE))
    assert len(named) >= 20
    missing = sorted(q for q in named if q not in course.questions)
    assert not missing, f"the guide names questions the course does not have: {missing}"


def test_guide_steers_away_from_rise_for_presenting():
    assert "Presentation Mode" in GUIDE and "Voila" in GUIDE and "RISE" in GUIDE


def test_dashboard_notebook_uses_the_package_and_stops_its_server():
    nb = nbformat.read(TEACHER / "classroom_dashboard.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert all(len(src.splitlines()) <= 5 for src in code), (
        "keep notebook cells short: call package functions"
    )
    assert "demo_server()" in code[0] and "demo.stop()" in code[-1]
    posed = re.findall(r'pose\("([^"]+)"\)', "\n".join(code))
    assert posed and all(q in load_course().questions for q in posed)


def test_public_api_is_listed():
    for name in classroom.__all__:
        assert getattr(classroom, name) is not None, name


def test_the_guide_answers_are_in_step_with_the_banks():
    """`make guide` writes each lesson's answers from the banks; a changed bank without it fails here."""
    import importlib.util

    tool = TEACHER.parents[1] / "tools" / "sync_guide_answers.py"
    spec = importlib.util.spec_from_file_location("sync_guide_answers", tool)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.GUIDE.read_text(encoding="utf-8")
    assert mod.sync(text, load_course()) == text, "run `make guide`"
