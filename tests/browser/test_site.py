"""The website (``make site``) in Chromium: built once for the session, served on loopback.

On every page: no request leaves loopback (each one is blocked and recorded, and the test fails if
one is attempted), no script error, axe-core finds nothing serious or critical, every figure is drawn
by plotly.js with its data; the quiz, explorer and progress mount points carry what the lessons ask for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from cramp_lessons.course.model import load_course
from cramp_lessons.web import mounts
from cramp_lessons.web.build import build_site, lessons
from cramp_lessons.web.cells import read_cells
from cramp_lessons.web.render import RENDERERS
from cramp_lessons.web.serve import serve

pytestmark = pytest.mark.browser

LESSONS = lessons()
PAGES = [f"{les.docname}.html" for les in LESSONS] + [
    "progress.html",
    "disclaimer.html",
    "search.html",
    "genindex.html",
]


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(out)
    return out


@pytest.fixture(scope="session")
def site_url(site):
    with serve(site) as url:
        yield url


class Offline:
    """A page whose requests may go only to the site on loopback; any other is blocked and recorded."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(30_000)
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.missing: list[str] = []  # the site's own files that answered 4xx or 5xx
        self.page.on("response", lambda r: r.status >= 400 and self.missing.append(f"{r.status} {r.url}"))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, name: str):
        self.page.goto(self.base + name, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page


@pytest.fixture
def offline(browser, site_url):
    o = Offline(browser, site_url)
    yield o
    o.ctx.close()


def _serious(page) -> list[str]:
    found = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_loads_nothing_from_outside_and_axe_finds_nothing_serious(offline, name):
    page = offline.open(name)
    assert page.locator("main").count() == 1 and page.locator("nav").count() >= 1  # landmarks
    assert offline.outside == [], f"{name} tried to load from outside the site: {offline.outside}"
    assert offline.errors == [], f"{name}: script errors {offline.errors}"
    assert offline.missing == [], f"{name}: {offline.missing}"
    assert page.locator("link[rel='icon']").count() == 1
    assert _serious(page) == []


@pytest.mark.parametrize("name", [f"{les.docname}.html" for les in LESSONS])
def test_every_figure_is_drawn_with_its_data_and_its_summary(offline, name, site):
    page = offline.open(name)
    n = page.locator(f".{mounts.PLOT}").count()
    if n == 0:
        assert "plotly.min.js" not in (site / name).read_text(), "plotly.js is loaded only where it is used"
        return
    page.wait_for_function(f"document.querySelectorAll('.{mounts.PLOT}.js-plotly-plot').length === {n}")
    traces = page.eval_on_selector_all(f".{mounts.PLOT}", "els => els.map(e => (e.data || []).length)")
    assert all(t > 0 for t in traces), traces
    summaries = page.eval_on_selector_all(
        "figure.cramp-web-figure", "els => els.map(e => e.querySelector('.cramp-web-summary').textContent)"
    )
    assert len(summaries) == n and all(s.strip() for s in summaries)
    assert (site / name).read_text().count('src="_static/plotly.min.js"') == 1  # one plotly.js per page


def _calls(les, name: str):
    return [
        c
        for cell in read_cells(les.source.read_text(), RENDERERS, les.source.name)
        for c in cell.calls
        if c.name == name
    ]


@pytest.mark.parametrize("les", LESSONS, ids=lambda les: les.docname)
def test_quiz_and_explorer_mount_points_carry_what_the_lesson_asks_for(offline, les):
    page = offline.open(f"{les.docname}.html")
    banks = page.eval_on_selector_all(f".{mounts.QUIZ}", "els => els.map(e => e.dataset.bank)")
    assert banks == [c.args[0] for c in _calls(les, "quiz")]
    course = load_course()
    assert all(b in course.banks for b in banks)
    explorers = page.eval_on_selector_all(
        f".{mounts.EXPLORER}", "els => els.map(e => [e.dataset.explorer, JSON.parse(e.dataset.args)])"
    )
    from cramp_lessons.widgets.explorers import EXPLORERS

    wanted = [c for c in _calls(les, "show_explorer") if c.args[0] in EXPLORERS]
    assert explorers == [[c.args[0], json.loads(mounts.explorer_args(c.args[1:], c.kwargs))] for c in wanted]
    if LESSONS.index(les) > 0:  # a lesson page links to the lesson in JupyterLab
        link = page.get_by_role("link", name="Open this lesson in JupyterLab").first
        assert link.get_attribute("href").endswith(les.notebook)


def _single_choice(page, data) -> tuple[str, str, str]:
    """A single-choice or myth/fact question drawn on the page (no variant): id, a wrong and the right value."""
    for qid in page.eval_on_selector_all(".cramp-question", "els => els.map(e => e.dataset.question)"):
        q = data["questions"][qid]
        if q.get("generator"):
            continue
        if q["type"] == "single":
            right = next(o["id"] for o in q["options"] if o["correct"])
            wrong = next(o["id"] for o in q["options"] if not o["correct"])
            return qid, wrong, right
        if q["type"] == "truefalse":
            right = "fact" if q["answer"] else "myth"
            return qid, "myth" if right == "fact" else "fact", right
    raise AssertionError("no single-choice or myth/fact question on the page")


QUIZ_PAGES = [les for les in LESSONS if _calls(les, "quiz")]


@pytest.mark.parametrize("les", QUIZ_PAGES, ids=lambda les: les.docname)
def test_a_question_on_every_lesson_with_a_quiz_is_answered_wrongly_then_rightly(offline, les, web_data):
    page = offline.open(f"{les.docname}.html")
    page.wait_for_selector(".cramp-web-quiz[data-mounted] .cramp-question")
    qid, wrong, right = _single_choice(page, web_data)
    box = page.locator(f'.cramp-question[data-question="{qid}"]')
    feedback = box.locator(".cramp-feedback")
    box.locator(f'input[value="{wrong}"]').check()
    box.get_by_role("button", name="Check").click()
    assert "Not quite" in feedback.inner_text()  # the feedback, or the hint first
    box.get_by_role("button", name="Try again").click()
    box.locator(f'input[value="{right}"]').check()
    box.get_by_role("button", name="Check").click()
    assert "Correct" in feedback.inner_text()
    stored = page.evaluate("JSON.parse(localStorage.getItem('cramp-lessons.attempts') || '[]')")
    assert [(a["question_id"], a["correct"]) for a in stored] == [(qid, False), (qid, True)]
    assert offline.outside == [] and offline.errors == []


@pytest.fixture(scope="session")
def web_data():
    from cramp_lessons.formats.web import web_questions

    return web_questions(load_course())


def test_the_progress_page_shows_progress_and_downloads_it(offline):
    page = offline.open("03_causes_muscle_and_cold.html")
    page.wait_for_selector(".cramp-web-quiz[data-mounted] .cramp-question")
    box = page.locator(".cramp-question[data-type=truefalse], .cramp-question[data-type=single]").first
    box.locator("input").first.check()
    box.get_by_role("button", name="Check").click()
    page = offline.open("progress.html")
    assert page.locator(f".{mounts.PROGRESS}").count() == 1
    button = page.get_by_role("button", name="Download my progress")
    with page.expect_download() as dl:
        button.click()
    saved = json.loads(Path(dl.value.path()).read_text())
    assert saved["format"] == "cramp-lessons-progress" and len(saved["attempts"]) == 1
    assert _serious(page) == [] and offline.outside == [] and offline.errors == []


# -- explorers: live on the website -----------------------------------------------------------------

KEYS = {"range": "ArrowRight", "select": "ArrowDown", "checkbox": "Space", "number": "ArrowUp"}
EXPLORER_PAGES = [les for les in LESSONS if _calls(les, "show_explorer")]


def _signature(mount) -> str:
    """What the explorer's plot draws now: every trace's data and the layout's texts and ranges."""
    return mount.evaluate(
        """m => { const gd = m.querySelector('.cramp-web-plot');
            const arr = (v) => (v && ArrayBuffer.isView(v) ? Array.from(v) : v);
            return JSON.stringify([gd.data.map(t => [arr(t.x), arr(t.y), t.text, t.marker, t.textfont]),
                (gd.layout.annotations || []).map(a => a.text), gd.layout.yaxis && gd.layout.yaxis.range]); }"""
    )


@pytest.mark.parametrize("les", EXPLORER_PAGES, ids=lambda les: les.docname)
def test_every_explorer_control_moves_its_plot_and_its_summary_with_the_keyboard(offline, les):
    """Each control of each live explorer, moved with its key: the summary becomes the Python explorer's
    sentence for the new state, and the plot's data change wherever the Python explorer's figure does."""
    from cramp_lessons.widgets.explorers import EXPLORERS, show_explorer
    from cramp_lessons.widgets.packs import LIVE, figure_dict

    page = offline.open(f"{les.docname}.html")
    calls = [c for c in _calls(les, "show_explorer") if c.args[0] in EXPLORERS]
    mounts_ = page.locator(f".{mounts.EXPLORER}")
    assert mounts_.count() == len(calls)
    for k, call in enumerate(calls):
        mount = mounts_.nth(k)
        if call.args[0] not in LIVE:
            assert mount.get_attribute("data-live") is None
            continue
        page.wait_for_function(
            "m => m.dataset.live && m.querySelector('.js-plotly-plot')", arg=mount.element_handle()
        )
        e = show_explorer(call.args[0], *call.args[1:], **call.kwargs)
        controls = mount.locator(".cramp-web-controls input, .cramp-web-controls select")
        assert controls.count() == len(e.controls)
        # Last control first: a slider that a checkbox or menu before it switches off still matters then
        # (the reflex's stretch time, while the stretch is on).
        for i in reversed(range(controls.count())):
            control = controls.nth(i)
            kind = control.evaluate("c => c.tagName === 'SELECT' ? 'select' : c.type")
            assert control.evaluate("c => c.labels.length === 1 && c.labels[0].textContent.trim() !== ''")
            before_state = mount.evaluate("m => m.crampExplorer.state")
            e.set_state(before_state)
            before_plot, before_figure = _signature(mount), figure_dict(e.figure)
            before_text = mount.locator(".cramp-web-summary").inner_text()
            control.focus()
            key = KEYS[kind]
            if kind == "range" and control.evaluate("c => Number(c.value) >= Number(c.max)"):
                key = "ArrowLeft"
            page.keyboard.press(key)
            state = mount.evaluate("m => m.crampExplorer.state")
            assert state != before_state, f"{call}: {key} on control {i} changed nothing"
            e.set_state(state)
            want = e.summary()
            page.wait_for_function(
                "([m, want]) => m.querySelector('.cramp-web-summary').textContent === want",
                arg=[mount.element_handle(), want],
            )
            moved = _signature(mount) != before_plot  # the summary is written once the plot is redrawn
            if kind == "range":  # a slider always moves both
                assert want != before_text and moved, (
                    f"{call}: slider {i} moved {'nothing' if not moved else 'only the plot'}"
                )
            else:  # a box, menu or typed number: as the Python explorer does (70 or 71 kg can read the same)
                assert moved == (figure_dict(e.figure) != before_figure), f"{call}: control {i}"
    assert _serious(page) == []
    assert offline.outside == [] and offline.errors == []


def _boxes_overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("width", [1280, 700])
def test_a_stretch_animation_plays_and_pauses_from_the_keyboard_and_nothing_overlaps(offline, width):
    """Play runs the stretch's plotly frames (Plotly.animate) to the last step; the slider and the
    sentence follow; Pause stops it where it is. The buttons, slider, plot, summary and caption each
    have their own room."""
    from cramp_lessons.widgets.explorers import show_explorer

    offline.page.set_viewport_size({"width": width, "height": 900})
    page = offline.open("07_relief_techniques.html")
    les = next(x for x in LESSONS if x.docname == "07_relief_techniques")
    call = next(c for c in _calls(les, "show_explorer") if c.args[0] == "stretch")
    mount = page.locator(f".{mounts.EXPLORER}[data-explorer=stretch]").first
    page.wait_for_function(
        "m => m.dataset.live && m.querySelector('.js-plotly-plot')", arg=mount.element_handle()
    )
    play = mount.get_by_role("button", name="Play")
    slider = mount.locator("input[type=range]")
    e = show_explorer("stretch", *call.args[1:], **call.kwargs)
    last = e.controls["step"].max
    headline = "m => m.querySelector('.cramp-web-plot').layout.annotations[0].text"
    first_headline = mount.evaluate(headline)
    play.focus()
    page.keyboard.press("Enter")
    assert mount.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    page.wait_for_function(
        f"m => m.querySelector('input[type=range]').value === '{last}'", arg=mount.element_handle()
    )
    mount.get_by_role("button", name="Play").wait_for()  # back to Play at the end
    e.set_state({"step": last})
    assert mount.locator(".cramp-web-summary").inner_text() == e.summary()
    assert mount.evaluate(headline) != first_headline  # the frames move the plot's own headline too
    # Play from the end starts again at the first step; Pause stops it where it is.
    page.keyboard.press("Enter")
    page.wait_for_function(
        "m => Number(m.querySelector('input[type=range]').value) < 8", arg=mount.element_handle()
    )
    mount.get_by_role("button", name="Pause").press("Enter")
    stopped = slider.input_value()
    page.wait_for_timeout(600)
    assert slider.input_value() == stopped and int(stopped) < last
    e.set_state({"step": int(stopped)})
    page.wait_for_function(
        "([m, want]) => m.querySelector('.cramp-web-summary').textContent === want",
        arg=[mount.element_handle(), e.summary()],
    )
    parts = {
        "play": mount.locator("button.cramp-web-play"),
        "slider": slider,
        "plot": mount.locator(".cramp-web-plot"),
        "summary": mount.locator(".cramp-web-summary"),
        "caption": mount.locator(".cramp-web-caption"),
    }
    boxes = {k: v.bounding_box() for k, v in parts.items()}
    for a, b in [
        ("play", "caption"),
        ("slider", "caption"),
        ("play", "plot"),
        ("slider", "plot"),
        ("plot", "caption"),
        ("plot", "summary"),
    ]:
        assert not _boxes_overlap(boxes[a], boxes[b]), (
            f"{a} overlaps {b} at {width} px: {boxes[a]}, {boxes[b]}"
        )
    assert _serious(page) == [] and offline.outside == [] and offline.errors == []


def _explorer_questions() -> list:
    course = load_course()
    return [
        pytest.param(les, q, id=q.id)
        for les in QUIZ_PAGES
        for call in _calls(les, "quiz")
        for q in course.bank(call.args[0]).questions
        if q.type == "explorer"
    ]


@pytest.mark.parametrize(("les", "q"), _explorer_questions())
def test_an_explorer_question_shows_its_explorer_and_its_slider_moves_it(offline, les, q):
    """As in JupyterLab, an explorer question shows the explorer's figure; moved with the keyboard, the
    question's slider redraws it, to the Python explorer's figure for that state."""
    from cramp_lessons.widgets.explorers import show_explorer
    from cramp_lessons.widgets.packs import figure_dict

    page = offline.open(f"{les.docname}.html")
    box = page.locator(f'.cramp-question[data-question="{q.id}"]')
    plot = box.locator(".cramp-quiz-explorer .cramp-web-quiz-plot")
    plot.locator(".main-svg").first.wait_for()
    # As plotly.js holds the traces after drawing (_fullData: base64 arrays of the page decoded)
    shown = "gd => JSON.stringify(gd._fullData.map(t => [Array.from(t.x || []), Array.from(t.y || [])]))"
    before = plot.evaluate(shown)
    slider = box.get_by_role("slider")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight" if q.value > q.start_value else "ArrowLeft")
    page.wait_for_function(
        "([gd, before]) => JSON.stringify(gd._fullData.map(t => [Array.from(t.x || []), Array.from(t.y || [])])) !== before",
        arg=[plot.element_handle(), before],
    )
    page.wait_for_timeout(300)  # the last key's redraw
    x = float(slider.input_value())
    assert x != q.start_value
    python = figure_dict(show_explorer(q.explorer, **q._state(x)).figure)["data"]
    drawn = json.loads(plot.evaluate(shown))
    assert len(drawn) == len(python)
    for (bx, by), t in zip(drawn, python, strict=True):
        for got, want in ((bx, t.get("x") or []), (by, t.get("y") or [])):
            assert len(got) == len(want)
            assert all(
                (a is None and b is None) or abs(a - b) <= 1e-3 * max(1.0, abs(b))
                for a, b in zip(got, want, strict=True)
            ), q.id
    assert plot.get_attribute("aria-label")
    assert offline.outside == [] and offline.errors == [] and offline.missing == []
