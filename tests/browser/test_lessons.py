"""Each lesson in a real JupyterLab and Chromium: every cell runs, widgets and plots render,
a quiz answer shows its feedback, and moving an explorer's slider changes the plot."""
from __future__ import annotations

from pathlib import Path

import pytest

from cramp_lessons.course import SingleChoice, load_course

from .lab import open_notebook, page_problems, plot_data, run_all, shutdown_sessions

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"

# notebook -> (quiz bank used in it, explorers expected, least number of plots)
LESSONS = {
    "00_start_here.ipynb": ("start", 0, 1),
    "01_what_is_a_cramp.ipynb": ("basics", 1, 1),
}


def answer_first_single_choice(page, bank_id: str) -> None:
    """Pick the right option of the bank's first single-choice question; expect its own feedback."""
    course = load_course()
    q = next(x for x in course.bank(bank_id).questions if isinstance(x, SingleChoice))
    right = next(o for o in q.options if o.correct)
    wrong = next(o for o in q.options if not o.correct)
    box = page.locator(".cramp-question").filter(has_text=q.prompt[:40]).first
    box.scroll_into_view_if_needed()
    box.get_by_label(wrong.text, exact=True).check()
    box.get_by_role("button", name="Check").click()
    fb = box.locator(".cramp-feedback")
    fb.wait_for()
    assert "Not quite" in fb.inner_text() and wrong.feedback[:40] in fb.inner_text()
    box.get_by_role("button", name="Try again").click()
    box.get_by_label(right.text, exact=True).check()
    box.get_by_role("button", name="Check").click()
    box.locator(".cramp-feedback").filter(has_text="Correct").wait_for()
    assert right.feedback[:40] in box.locator(".cramp-feedback").inner_text()


def move_first_slider(page) -> None:
    explorer = page.locator(".cramp-explorer").first
    explorer.scroll_into_view_if_needed()
    plots = ".cramp-explorer .js-plotly-plot"
    page.wait_for_function(f"document.querySelector('{plots}') && document.querySelector('{plots}').data")
    before = plot_data(page, plots)
    summary = explorer.locator("[role=status]").first.inner_text()
    handle = explorer.locator(".noUi-handle").first
    handle.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"""(before) => JSON.stringify([...document.querySelectorAll('{plots}')].map(el => (el.data||[]).map(t => [t.x && Array.from(t.x).slice(0,400), t.y && Array.from(t.y).slice(0,400)]))) !== before""",
        arg=__import__("json").dumps(before),
    )
    assert plot_data(page, plots) != before
    explorer.locator("[role=status]").first.filter(has_not_text=summary).wait_for()


@pytest.mark.parametrize("notebook", sorted(LESSONS))
def test_lesson_runs_and_renders(lab, page, notebook):
    base, token, _home = lab
    bank, explorers, plots = LESSONS[notebook]
    try:
        open_notebook(page, base, token, notebook)
        run_all(page)
        page.wait_for_selector(".jp-OutputArea-output .widget-box, .jp-OutputArea-output .jupyter-widgets", timeout=60_000)
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {plots}")
        assert page.locator(".cramp-quiz").count() >= 1
        assert page.locator(".cramp-explorer").count() >= explorers
        answer_first_single_choice(page, bank)
        if explorers:
            move_first_slider(page)
        assert page_problems(page) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{notebook}.png"), full_page=False)
        shutdown_sessions(base, token)
