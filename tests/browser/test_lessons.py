"""Each lesson in a real JupyterLab and Chromium: every cell runs, every widget and plot renders,
a quiz answer shows its own feedback, every explorer control is reached and moved with the keyboard
alone and changes what the explorer shows, the kernel logs no error or warning meanwhile, and axe-core
finds no serious or critical violation in the lesson's outputs."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cramp_lessons.course.model import load_course
from cramp_lessons.questions.single import SingleChoice
from cramp_lessons.widgets.explorers import EXPLORERS, PICTURES
from tests.browser.lab import (
    api,
    kernel_log,
    open_notebook,
    page_problems,
    run_all,
    settle,
    shutdown_sessions,
    watch_kernel_log,
)

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
        # worked_cases("abi") holds the ABI calculator, shown once the learner has decided
        "explorers": sum(c in EXPLORERS for c in calls) + code.count('worked_cases("abi")'),
        "pictures": sum(c in PICTURES for c in calls),
        "banks": re.findall(r'quiz\("([^"]+)"\)', code),
        "assessment": "check_yourself(" in code,
    }


def decide_worked_cases(page) -> None:
    """In every worked-case panel, choose an answer to both questions and reveal the tool's reasoning:
    the tool (an explorer, for the ABI) is hidden until the learner has decided."""
    panels = page.locator(".cramp-cases")
    for i in range(panels.count()):
        box = panels.nth(i)
        box.scroll_into_view_if_needed()
        box.locator("[role=note]").first.wait_for()
        choices = box.locator("select")
        for k in (1, 2):  # the case picker is the first; then the likely answer and how soon
            choices.nth(k).select_option(index=1)
        box.get_by_role("button", name="Show the tool's reasoning").click()
        box.locator("[role=status]").filter(has_text="The worked answer").first.wait_for()


def answer_single_choice(page, bank_id: str) -> bool:
    """Pick a wrong option, expect the hint (or, for a question without one, the option's feedback);
    try again with the right one, expect 'Correct' (and, after the hint, that it counts less)."""
    singles = [x for x in COURSE.bank(bank_id).questions if isinstance(x, SingleChoice)]
    q = next((x for x in singles if x.hint), singles[0] if singles else None)  # a hinted one if any
    if q is None:
        return False
    wrong_then_right(page, q)
    return True


def question_box(page, q, prompt_chars: int = 40, timeout: float = 60_000):
    """The question as the learner sees it (found by the start of its prompt), once shown, on screen."""
    box = page.locator(".cramp-question").filter(has_text=q.prompt[:prompt_chars]).first
    box.wait_for(timeout=timeout)
    box.scroll_into_view_if_needed()
    return box


def wrong_then_right(page, q, prompt_chars: int = 40) -> None:
    """On the question as the learner sees it: a wrong option brings the hint (or, without one, the
    option's feedback), never the answer; the right one then counts, with the hint if it was shown."""
    right = next(o for o in q.options if o.correct)
    wrong = next(o for o in q.options if not o.correct)
    box = question_box(page, q, prompt_chars)
    box.get_by_label(wrong.text, exact=True).check()
    box.get_by_role("button", name="Check").click()
    fb = box.locator(".cramp-hint" if q.hint else ".cramp-feedback")
    fb.wait_for()
    shown = " ".join(fb.inner_text().split())
    expect = q.hint if q.hint else wrong.feedback
    assert "Not quite" in shown and " ".join(expect.split())[:40] in shown
    if q.hint:
        assert right.text not in shown, "the hint must not give the answer away"
    box.get_by_role("button", name="Try again").click()
    box.get_by_label(right.text, exact=True).check()
    box.get_by_role("button", name="Check").click()
    box.locator(".cramp-feedback").filter(has_text="Correct").wait_for()
    if q.hint:
        assert "with the hint" in box.inner_text()


# What an explorer shows: its summary, and its plots' coordinates, marker colours and sizes, texts.
_SHOWN = """el => JSON.stringify([el.querySelector('[role=status]')?.innerText,
    [...el.querySelectorAll('.js-plotly-plot')].map(p => (p.data || []).map(t => [
        t.x && Array.from(t.x).slice(0, 300), t.y && Array.from(t.y).slice(0, 300),
        t.marker && [t.marker.color, t.marker.size], t.text]))])"""
_CONTROLS = "input, select, button, [role=slider]"
_UNREACHED = """el => [...el.querySelectorAll('CONTROLS')].filter(
    c => !c.closest('.js-plotly-plot') && !c.disabled && !c.dataset.crampReached).length""".replace(
    "CONTROLS", _CONTROLS
)
# The focused element, if inside the explorer: marked as reached; the key that moves it, and how many
# times to press it (0: reached before, not a control, or Plotly's own toolbar, which changes the view,
# not the explorer). A checkbox is toggled back: unticked, it can make other controls moot (no stretch time).
_FOCUSED = """el => {
    const a = document.activeElement;
    if (!el.contains(a)) return null;
    const atMax = a.type === 'range' ? a.value === a.max : a.ariaValueNow === a.ariaValueMax;
    const key = a.type === 'range' || a.role === 'slider' ? (atMax ? 'ArrowLeft' : 'ArrowRight')
        : a.type === 'checkbox' ? 'Space'
        : a.type === 'number' ? 'ArrowUp'
        : a.tagName === 'SELECT' ? (a.selectedIndex === a.options.length - 1 ? 'ArrowUp' : 'ArrowDown')
        : 'Enter';
    const skip = !a.matches('CONTROLS') || a.closest('.js-plotly-plot') || a.dataset.crampReached;
    const times = skip ? 0 : a.type === 'checkbox' ? 2 : 1;
    a.dataset.crampReached = 'yes';
    return {key, times, name: (a.labels && a.labels[0] ? a.labels[0].innerText : a.innerText).trim()};
}""".replace("CONTROLS", _CONTROLS)


def _changes(page, ex, before: str, key: str, presses: int = 6) -> bool:
    """Press ``key`` until what the explorer shows differs from ``before`` (a number input may need
    a few steps before its rounded summary moves)."""
    for _ in range(presses):
        page.keyboard.press(key)
        deadline = time.time() + 1.5
        while time.time() < deadline:
            if ex.evaluate(_SHOWN) != before:
                return True
            time.sleep(0.05)
    return False


def operate_explorers_by_keyboard(page) -> int:
    """Reach every control of every explorer with Tab alone and move it with its keys; each must change
    the explorer's plot or summary. Returns how many explorers were operated."""
    explorers = page.locator(".cramp-explorer")
    for i in range(explorers.count()):
        ex = explorers.nth(i)
        ex.scroll_into_view_if_needed()
        ex.locator(".js-plotly-plot .main-svg").first.wait_for()
        start = ex.evaluate(_SHOWN)
        # Two passes: a control enabled by another one (a Previous button) is reached on the second.
        for _ in range(2):
            # Tab starts from the explorer's heading (focused, not clicked: no mouse near the controls).
            ex.locator("h4").first.evaluate("h => { h.tabIndex = -1; h.focus(); }")
            for _ in range(3 * ex.locator(_CONTROLS).count() + 3):
                page.keyboard.press("Tab")
                focused = ex.evaluate(_FOCUSED)
                if focused is None:
                    break
                for _ in range(focused["times"]):
                    before = ex.evaluate(_SHOWN)
                    assert _changes(page, ex, before, focused["key"]), (
                        f"{focused['name']!r}: {focused['key']} changed nothing"
                    )
                if focused["times"] and focused["name"] == "Play":  # it plays; the same key pauses it
                    page.keyboard.press("Enter")
                    assert page.evaluate("document.activeElement.innerText") == "Play"
            missed = ex.evaluate(_UNREACHED)
            if not missed:
                break
        assert not missed, f"explorer {i}: {missed} control(s) never reached with Tab"
        assert json.loads(ex.evaluate(_SHOWN))[1] != json.loads(start)[1], (
            f"explorer {i}: no control changed the plot"
        )
        settle(page)  # plotly ignores the browser's answer to a redraw once a newer one is under way
    return explorers.count()


def serious_violations(page) -> list[str]:
    """axe-core over the lesson's outputs (not JupyterLab's own interface): serious and critical findings."""
    found = Axe().run(page, context=".jp-OutputArea", options={"resultTypes": ["violations"]}).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda les: les.notebook)
def test_lesson_runs_and_renders(lab, page, lesson):
    """Every cell runs and renders; every explorer control works from the keyboard alone without a
    kernel error or warning; axe finds nothing serious in the outputs."""
    base, token, _home = lab
    want = expected(lesson.notebook)
    try:
        open_notebook(page, base, token, lesson.notebook)
        run_all(page)
        if want["explorers"] or want["banks"] or want["assessment"]:
            page.wait_for_selector(".jp-OutputArea-output .widget-box", timeout=60_000)
        decide_worked_cases(page)
        assert page.locator(".cramp-explorer").count() == want["explorers"]
        n_plots = want["explorers"] + want["pictures"]
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n_plots}")
        assert page.locator(".cramp-quiz").count() == len(want["banks"])
        assert any(answer_single_choice(page, b) for b in want["banks"]) or not want["banks"]
        # Watched from here, not from the notebook's opening: there ipywidgets' front end asks a kernel that
        # has not imported ipywidgets yet for its widgets (request_states), and the kernel logs "No such comm".
        watch_kernel_log(page)
        assert operate_explorers_by_keyboard(page) == want["explorers"]
        assert kernel_log(page) == []
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
        assert serious_violations(page) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{lesson.notebook}.png"), full_page=False)
        shutdown_sessions(base, token)


def test_a_variant_gets_the_learners_numbers_a_hint_then_a_right_answer(lab, page):
    """Issue 14: a variant drawn from the ABI model with this learner's seed; a wrong answer brings
    the hint (not the answer), and the right one then counts with the hint."""
    from cramp_lessons.course.variants import instance
    from cramp_lessons.learner.progress import ProgressStore

    base, token, home = lab
    try:
        open_notebook(page, base, token, "04_causes_calcium_and_arteries.ipynb")
        run_all(page)
        page.wait_for_selector(".cramp-quiz .cramp-question", timeout=60_000)
        seed = ProgressStore(Path(home) / "progress.sqlite").learner_seed()  # the kernel made it
        wrong_then_right(page, instance(COURSE.question("causes.arteries.q12"), seed), prompt_chars=60)
        assert page_problems(page) == []
    finally:
        shutdown_sessions(base, token)


def test_a_typed_answer_gets_the_hint_then_counts(lab, page):
    """Issue 14: a "type the word" question in lesson 02: a wrong word brings the hint (not the
    answer); the right word, typed in another case with a full stop, then counts with the hint."""
    base, token, _home = lab
    q = COURSE.question("calcium.q16")
    try:
        open_notebook(page, base, token, "02_is_it_calcium.ipynb")
        run_all(page)
        box = question_box(page, q)
        field = box.get_by_role("textbox", name="Your answer:")
        field.fill("cramp")
        box.get_by_role("button", name="Check").click()
        hint = box.locator(".cramp-hint")
        hint.wait_for()
        assert q.hint in " ".join(hint.inner_text().split()) and "tetany" not in hint.inner_text().lower()
        box.get_by_role("button", name="Try again").click()
        field.fill("Tetany.")
        box.get_by_role("button", name="Check").click()
        box.locator(".cramp-feedback").filter(has_text="Correct").wait_for()
        assert "with the hint" in box.inner_text()
        assert page_problems(page) == []
    finally:
        shutdown_sessions(base, token)


def test_an_explorer_question_is_answered_with_the_slider_and_the_keyboard(lab, page):
    """Issue 15: an explorer question in lesson 02: its one slider is named by its label and moved with
    the arrow keys; the model grades the state sent: the start is wrong (the hint), the edge is right."""
    base, token, _home = lab
    q = COURSE.question("calcium.q17")
    steps = round((q.start_value - q.right_answer()[q.control]) / q.slider.step)
    try:
        open_notebook(page, base, token, "02_is_it_calcium.ipynb")
        run_all(page)
        box = question_box(page, q)
        box.locator(".js-plotly-plot .main-svg").first.wait_for()
        slider = box.get_by_role("slider", name="Blood ionised calcium (mmol/L)")
        assert box.get_by_role("slider").count() == 1  # the held sliders are not shown
        box.get_by_role("button", name="Check").click()
        hint = box.locator(".cramp-hint")
        hint.wait_for()
        assert q.hint in " ".join(hint.inner_text().split()) and slider.is_disabled()
        box.get_by_role("button", name="Try again").click()
        # Try again unlocks the slider through the kernel: keys pressed before that reach a disabled slider.
        expect(slider).to_be_enabled()
        slider.focus()
        for _ in range(steps):
            page.keyboard.press("ArrowLeft")
        box.locator("[role=status]").filter(has_text="At 1.04 mmol/L calcium").first.wait_for()
        box.get_by_role("button", name="Check").click()
        box.locator(".cramp-feedback").filter(has_text="Correct").wait_for()
        assert "with the hint" in box.inner_text() and "fires on its own" in box.inner_text()
        assert page_problems(page) == []
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
        assert explorer.get_by_role("slider").first.is_visible()
        quiz = page.locator(".cramp-quiz").first
        quiz.scroll_into_view_if_needed()
        assert quiz.get_by_role("button", name="Check").first.is_visible()
        assert page_problems(page) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "presentation_mode.png"))
        shutdown_sessions(base, token)
