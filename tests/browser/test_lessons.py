"""Each lesson in a real JupyterLab and Chromium: every cell runs, every widget and plot renders,
a quiz answer shows its own feedback, and moving each explorer's slider changes its plot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cramp_lessons.course import SingleChoice, load_course
from cramp_lessons.widgets.explorers import EXPLORERS, PICTURES

from .lab import api, open_notebook, page_problems, run_all, shutdown_sessions

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).parent / "artifacts"
COURSE = load_course()
LESSONS = sorted(
    (les for les in COURSE.lessons.values() if les.status == "available"), key=lambda les: les.number
)


def expected(notebook: str) -> dict:
    """What the notebook's own code says should appear: explorers, pictures, quizzes."""
    code = "\n".join(
        "".join(c["source"])
        for c in json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
        if c["cell_type"] == "code"
    )
    calls = re.findall(r'show_explorer\("([^"]+)"', code)
    return {
        "explorers": sum(c in EXPLORERS for c in calls),
        "pictures": sum(c in PICTURES for c in calls),
        "banks": re.findall(r'quiz\("([^"]+)"\)', code),
        "assessment": "check_yourself(" in code,
    }


def answer_single_choice(page, bank_id: str) -> bool:
    """Pick a wrong option, expect its feedback; try again with the right one, expect 'Correct'."""
    q = next((x for x in COURSE.bank(bank_id).questions if isinstance(x, SingleChoice)), None)
    if q is None:
        return False
    right = next(o for o in q.options if o.correct)
    wrong = next(o for o in q.options if not o.correct)
    box = page.locator(".cramp-question").filter(has_text=q.prompt[:40]).first
    box.scroll_into_view_if_needed()
    box.get_by_label(wrong.text, exact=True).check()
    box.get_by_role("button", name="Check").click()
    fb = box.locator(".cramp-feedback")
    fb.wait_for()
    assert "Not quite" in fb.inner_text() and " ".join(wrong.feedback.split())[:40] in " ".join(
        fb.inner_text().split()
    )
    box.get_by_role("button", name="Try again").click()
    box.get_by_label(right.text, exact=True).check()
    box.get_by_role("button", name="Check").click()
    box.locator(".cramp-feedback").filter(has_text="Correct").wait_for()
    return True


# What a plot shows: coordinates, marker colours and sizes, texts (a stepper changes only colours).
_PLOT_DATA = """el => [...el.querySelectorAll('.js-plotly-plot')].map(p => JSON.stringify((p.data || []).map(
    t => [t.x && Array.from(t.x).slice(0, 300), t.y && Array.from(t.y).slice(0, 300),
          t.marker && [t.marker.color, t.marker.size], t.text])))"""


def move_every_slider_explorer(page) -> int:
    """For each explorer with a slider: press arrow keys on it; its plot data and its summary must change."""
    moved = 0
    explorers = page.locator(".cramp-explorer")
    for i in range(explorers.count()):
        ex = explorers.nth(i)
        if ex.locator(".noUi-handle").count() == 0:
            continue
        ex.scroll_into_view_if_needed()
        ex.locator(".js-plotly-plot .main-svg").first.wait_for()
        before = ex.evaluate(_PLOT_DATA)
        summary = ex.locator("[role=status]").first.inner_text()
        handle = ex.locator(".noUi-handle").first
        handle.focus()
        for key in (
            ["ArrowLeft"] * 6
            if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            else ["ArrowRight"] * 6
        ):
            page.keyboard.press(key)
        ex.locator("[role=status]").first.filter(has_not_text=summary).wait_for(timeout=30_000)
        page.wait_for_function(
            "([el, before]) => JSON.stringify(" + _PLOT_DATA.replace("el =>", "(el =>") + ")(el)) !== before",
            arg=[ex.element_handle(), json.dumps(before)],
            timeout=30_000,
        )
        moved += 1
    return moved


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda les: les.notebook)
def test_lesson_runs_and_renders(lab, page, lesson):
    base, token, _home = lab
    want = expected(lesson.notebook)
    try:
        open_notebook(page, base, token, lesson.notebook)
        run_all(page)
        if want["explorers"] or want["banks"] or want["assessment"]:
            page.wait_for_selector(".jp-OutputArea-output .widget-box", timeout=60_000)
        assert page.locator(".cramp-explorer").count() == want["explorers"]
        n_plots = want["explorers"] + want["pictures"]
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n_plots}")
        assert page.locator(".cramp-quiz").count() == len(want["banks"])
        assert any(answer_single_choice(page, b) for b in want["banks"]) or not want["banks"]
        if want["explorers"]:
            assert move_every_slider_explorer(page) >= 1
        if want["assessment"]:
            panel = page.locator(".cramp-assessment").first
            panel.scroll_into_view_if_needed()
            panel.get_by_role("button", name="Start").click()
            panel.locator(".cramp-question").first.wait_for()
            panel.get_by_role("button", name="Finish").click()
            panel.locator("[role=status]").filter(has_text="Exam result").first.wait_for()
        # Every lesson links the disclaimer, and the link resolves in the served tree.
        links = page.locator("a[href*='disclaimer.md']")
        assert links.count() >= 1
        assert api(base, token, "/api/contents/cramp_lessons/content/disclaimer.md")["type"] == "file"
        assert page_problems(page) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{lesson.notebook}.png"), full_page=False)
        shutdown_sessions(base, token)


def test_coupling_stepper_steps(lab, page):
    """Lesson 02's stepped diagram: Next moves the highlight and the explanation."""
    base, token, _home = lab
    try:
        open_notebook(page, base, token, "02_is_it_calcium.ipynb")
        run_all(page)
        stepper = page.locator(".cramp-explorer").filter(has_text="step by step").first
        stepper.scroll_into_view_if_needed()
        status = stepper.locator("[role=status]").first
        status.filter(has_text="Step 1 of").wait_for()
        stepper.get_by_role("button", name=re.compile("Next")).click()
        status.filter(has_text="Step 2 of").wait_for()
    finally:
        shutdown_sessions(base, token)


def test_presentation_mode_keeps_widgets_and_plots(lab, page):
    """The presentation path the teacher guide recommends: JupyterLab's Presentation Mode."""
    base, token, _home = lab
    try:
        open_notebook(page, base, token, "01_what_is_a_cramp.ipynb")
        run_all(page)
        page.evaluate("window.jupyterapp.commands.execute('application:toggle-presentation-mode')")
        page.wait_for_function("window.jupyterapp.shell.presentationMode === true")
        explorer = page.locator(".cramp-explorer").first
        explorer.scroll_into_view_if_needed()
        assert explorer.locator(".js-plotly-plot .main-svg").first.is_visible()
        assert explorer.locator(".noUi-handle").first.is_visible()
        quiz = page.locator(".cramp-quiz").first
        quiz.scroll_into_view_if_needed()
        assert quiz.get_by_role("button", name="Check").first.is_visible()
        assert page_problems(page) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "presentation_mode.png"))
        shutdown_sessions(base, token)
