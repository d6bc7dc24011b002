"""The practical tools in a real browser: the red-flag checker puts emergencies first, the cause
finder and the ABI calculator work made-up cases after the learner decides, the planner builds a
checklist, the diary refuses a bad entry, and the routine's timer counts while the kernel stays
free for other cells."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cramp_lessons.course.model import load_course
from cramp_lessons.physiology import circulation as circ
from cramp_lessons.practical import redflags
from cramp_lessons.widgets.cases import band_label
from tests.browser.lab import open_notebook, page_problems, run_all, shutdown_sessions

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
COURSE = load_course()
LEVEL = redflags.level_labels(COURSE)  # the urgency scale's labels, from content


@pytest.fixture
def lesson(lab, page, request):
    base, token, _home = lab

    def open_and_run(notebook: str):
        open_notebook(page, base, token, notebook)
        run_all(page)
        return page

    yield open_and_run
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"))
    assert page_problems(page) == []
    shutdown_sessions(base, token)


def test_red_flag_checker_puts_emergencies_first(lesson):
    page = lesson("09_when_to_see_a_doctor.ipynb")
    tool = page.locator(".cramp-redflags").first
    tool.scroll_into_view_if_needed()
    result = tool.locator("[aria-live]").first
    tool.get_by_label(COURSE.topic("redflags.dvt").title, exact=True).check()
    result.filter(has_text=LEVEL["same_day"]).wait_for()
    tool.get_by_label(COURSE.topic("redflags.pe").title, exact=True).check()
    # Wait for the new sign itself: has_text ignores case, and the DVT card already says "an emergency: call
    # an ambulance", so waiting for the level's label could return before the update arrives.
    result.filter(has_text=COURSE.topic("redflags.pe").title).wait_for()
    text = result.inner_text()
    assert text.index(LEVEL["emergency"]) < text.index(LEVEL["same_day"])
    assert "you have" not in text.lower()


def test_cause_finder_works_a_case_after_the_learner_decides(lesson):
    page = lesson("06_cramps_in_pregnancy_and_life_stages.ipynb")
    tool = page.locator(".cramp-cases").first
    tool.scroll_into_view_if_needed()
    tool.locator("[role=note]").filter(has_text="not a diagnosis").wait_for()
    finder = tool.locator(".cramp-causefinder")
    assert not finder.is_visible()  # the learner reasons first
    neuropathy = COURSE.topic("secondary.neuropathy").title
    tool.get_by_label("Most likely cause:").select_option(label=neuropathy)
    tool.get_by_label("How soon should they see a doctor?").select_option(label=LEVEL["routine"])
    tool.get_by_role("button", name="Show the tool's reasoning").click()
    tool.locator("[role=status]").filter(has_text="The worked answer").first.wait_for()
    finder.wait_for()
    result = finder.locator(".widget-html").last
    result.filter(has_text=neuropathy).wait_for()
    # What if? One more sign, and the tool's answer moves up the scale, red flags first.
    finder.get_by_label("One leg swollen, warm, red or dark, and painful", exact=True).check()
    result.filter(has_text=LEVEL["same_day"]).wait_for()
    text = result.inner_text()
    assert text.index(LEVEL["same_day"]) < text.index(neuropathy)


def test_abi_calculator_works_a_case_and_explains_a_wrong_band(lesson):
    page = lesson("04_causes_calcium_and_arteries.ipynb")
    tool = page.locator(".cramp-cases").first
    tool.scroll_into_view_if_needed()
    tool.get_by_label("Worked case:").select_option(label="Mr Hall, 80")
    tool.locator("blockquote").filter(has_text="Mr Hall").wait_for()
    normal = next(b for b in circ.ABI_BANDS if b.id == "normal")
    tool.get_by_label("Which ABI band?").select_option(label=band_label(normal))
    tool.get_by_label("How soon should they see a doctor?").select_option(label=LEVEL["within_days"])
    tool.get_by_role("button", name="Show the tool's reasoning").click()
    tool.locator("[role=status]").filter(has_text="too stiff").first.wait_for()
    tool.locator(".cramp-explorer [role=status]").filter(has_text="1.53").wait_for()


def test_planner_and_diary(lesson):
    page = lesson("08_prevention.ipynb")
    planner = page.locator(".cramp-planner").first
    planner.scroll_into_view_if_needed()
    planner.get_by_label(COURSE.topic("situations.pregnant").title, exact=True).check()
    planner.locator(".widget-html").filter(
        has_text=COURSE.topic("prevention.stretch_before_sleep").title
    ).first.wait_for()
    diary = page.locator(".cramp-diary").first
    diary.scroll_into_view_if_needed()
    diary.get_by_label("How long (seconds):").fill("forever")
    diary.get_by_role("button", name="Add to diary").click()
    diary.locator("[role=alert]").filter(has_text=re.compile("duration|seconds|long", re.I)).first.wait_for()


def test_routine_timer_runs_without_blocking_the_kernel(lesson):
    page = lesson("07_relief_techniques.ipynb")
    tool = page.locator(".cramp-routine").first
    tool.scroll_into_view_if_needed()
    tool.get_by_role("button", name="Start").click()
    timer = tool.locator("[role=timer]").first
    timer.wait_for()
    first = timer.inner_text()
    # The widget re-renders its HTML on every tick, so look the timer up afresh each time.
    page.wait_for_function(
        "t => document.querySelector('.cramp-routine [role=timer]').innerText !== t",
        arg=first,
        timeout=15_000,
    )
    # While it counts, the kernel still runs a new cell.
    page.evaluate("window.jupyterapp.commands.execute('notebook:insert-cell-below')")
    page.keyboard.press("Enter")
    page.keyboard.type("print(6 * 7)")
    page.keyboard.press("Shift+Enter")
    page.locator(".jp-OutputArea-output").filter(has_text=re.compile(r"^\s*42\s*$")).first.wait_for(
        timeout=15_000
    )
    tool.get_by_role("button", name="Pause").click()
    tool.get_by_role("button", name="Resume").wait_for()
