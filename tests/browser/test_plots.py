"""The explorers' plot widget in a real JupyterLab: every plot fills the width it is given with nothing
cut off or overlapping, plotly.js comes once per page however many plots it shows (from JupyterLab's
own plotly extension, or sent once by the kernel), and a dragged slider ends on its last value."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from cramp_lessons.widgets.explorers import EXPLORERS
from tests.browser.lab import open_notebook, page_problems, run_all, shutdown_sessions

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = {"stretch": '"sitting_forefoot_pull"'}
ALL = [f"show_explorer({json.dumps(n)}{', ' + ARGS[n] if n in ARGS else ''})" for n in EXPLORERS]


def put_notebook(base: str, token: str, name: str, cells: list[str]) -> str:
    """Write a notebook of code cells into the served tree; its name under notebooks/."""
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
            for c in ["from cramp_lessons import show_explorer", *cells]
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
    req = urllib.request.Request(
        f"{base}/api/contents/notebooks/{name}",
        data=body,
        method="PUT",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=10).close()
    return name


def wait_for_plots(page, n: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.cramp-explorer .js-plotly-plot .main-svg').length >= {n}",
        timeout=90_000,
    )


# What sticks out or overlaps in one explorer, measured where it is drawn.
_FIT = """ex => {
    const bad = [];
    const exr = ex.getBoundingClientRect();
    if (ex.scrollWidth > ex.clientWidth + 1) bad.push(`explorer scrolls sideways: ${ex.scrollWidth} > ${ex.clientWidth}`);
    // Its parts (title, controls, plot, summary, caption) one under the other, none over another.
    const parts = [...ex.children].map(c => c.getBoundingClientRect()).filter(r => r.height > 0);
    for (let i = 1; i < parts.length; i++)
        if (parts[i].top < parts[i - 1].bottom - 1) bad.push(`part ${i} overlaps part ${i - 1}`);
    for (const c of ex.querySelectorAll('button, input, select, .cramp-slider'))
        if (c.getBoundingClientRect().right > exr.right + 1) bad.push(`control cut off: ${c.outerHTML.slice(0, 80)}`);
    for (const b of ex.querySelectorAll('button'))
        if (b.scrollWidth > b.clientWidth + 1) bad.push(`button label cut: ${b.innerText}`);
    for (const box of ex.querySelectorAll('.cramp-plot')) {
        const br = box.getBoundingClientRect();
        const svg = box.querySelector('.main-svg').getBoundingClientRect();
        if (Math.abs(svg.width - br.width) > 2) bad.push(`plot ${svg.width} px wide in ${br.width} px`);
        const title = box.querySelector('.cramp-plot-title');
        if (title && title.scrollWidth > title.clientWidth + 1) bad.push('plot title cut off');
        // Every text of the plot inside it...
        const texts = [...box.querySelectorAll('.main-svg text')].filter(t => !t.closest('.hoverlayer'))
            .map(t => [t, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
        for (const [t, r] of texts)
            if (r.left < svg.left - 1 || r.right > svg.right + 1) bad.push(`text cut off: "${t.textContent}"`);
        // ...and the labels (titles, annotations, legend entries) not over one another.
        const labels = [...box.querySelectorAll(
            '.infolayer .annotation-text-g, .infolayer g[class$="title"], .legend .traces, .gtitle')]
            .map(e => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
        for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
            const [a, ra] = labels[i], [b, rb] = labels[j];
            if (a.contains(b) || b.contains(a)) continue;
            const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
            const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
            if (w > 2 && h > 2) bad.push(`"${a.textContent.slice(0, 40)}" over "${b.textContent.slice(0, 40)}"`);
        }
    }
    return bad;
}"""


@pytest.mark.parametrize(
    ("width", "file_browser"),
    [(760, False), (1024, True), (1600, True)],
    ids=["760px", "1024px-with-file-browser", "1600px-with-file-browser"],
)
def test_every_explorer_plot_fills_its_width_with_nothing_cut_off_or_overlapping(
    lab, browser, width, file_browser
):
    base, token, _home = lab
    ctx = browser.new_context(viewport={"width": width, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        name = put_notebook(base, token, f"plots_{width}.ipynb", ALL)
        open_notebook(page, base, token, name)
        if page.evaluate("window.jupyterapp.shell.leftCollapsed") == file_browser:
            page.evaluate("window.jupyterapp.commands.execute('application:toggle-left-area')")
        run_all(page)
        wait_for_plots(page, len(EXPLORERS))
        explorers = page.locator(".cramp-explorer")
        assert explorers.count() == len(EXPLORERS)
        problems = {}
        widths = []
        for i, name in enumerate(EXPLORERS):
            ex = explorers.nth(i)
            ex.evaluate("e => e.scrollIntoView({block: 'start'})")
            # Drawn, measured and (where a text stuck out) wrapped again once it is on screen.
            page.wait_for_timeout(400)
            widths.append(ex.evaluate("e => e.querySelector('.cramp-plot').getBoundingClientRect().width"))
            if bad := ex.evaluate(_FIT):
                problems[name] = bad
                ex.screenshot(path=str(ARTIFACTS / f"plot_{width}_{name}.png"))
        assert problems == {}
        # Each plot takes the explorer's width, whatever the window (not plotly's fixed 700 px).
        notebook = page.evaluate("document.querySelector('.jp-Notebook').clientWidth")
        # (The coupling diagram shares its row with the step's text when there is room for both.)
        shares = {n: 0.4 if n == "coupling" else 0.7 for n in EXPLORERS}
        assert all(w > notebook * shares[n] for n, w in zip(EXPLORERS, widths, strict=True)), (
            widths,
            notebook,
        )
        assert page_problems(page) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"plots_{width}.png"))
        shutdown_sessions(base, token)
        ctx.close()


def _frames(page) -> list[int]:
    sizes: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda p: sizes.append(len(p))))
    return sizes


@pytest.mark.parametrize("source", ["page", "kernel"])
def test_plotly_js_comes_once_per_page_however_many_plots(lab, page, source):
    """From JupyterLab's plotly extension: nothing on the wire. From the kernel (a page without it):
    one bundle, however many plots the page shows."""
    base, token, _home = lab
    sizes = _frames(page)
    env = "import os; os.environ['CRAMP_PLOTLY_SOURCE'] = 'kernel'" if source == "kernel" else "pass"
    cells = [env, *ALL[:4], 'show_explorer("flow")', 'show_explorer("stretch", "toe_pull_knee_straight")']
    try:
        open_notebook(page, base, token, put_notebook(base, token, f"once_{source}.ipynb", cells))
        run_all(page)
        wait_for_plots(page, 6)
        stats = page.evaluate("window.__crampPlotlyStats")
        assert stats["loads"] == 1 and stats["draws"] >= 6
        big = [n for n in sizes if n > 1_000_000]
        if source == "page":
            assert stats["source"] == "jupyterlab-plotly" and stats["bundleBytes"] == 0
            assert big == []
        else:
            assert stats["source"] == "kernel" and 1_000_000 < stats["bundleBytes"] < 2_000_000
            assert len(big) == 1  # one bundle for six plots
        assert page_problems(page) == []
    finally:
        shutdown_sessions(base, token)


def test_a_dragged_slider_ends_on_its_last_value(lab, page):
    """Dragged fast from end to end, the slider's updates are not queued: when the mouse is let go,
    the summary and the plot show the last value, drawn no more often than the updates came."""
    base, token, _home = lab
    try:
        open_notebook(page, base, token, put_notebook(base, token, "drag.ipynb", ['show_explorer("reflex")']))
        run_all(page)
        wait_for_plots(page, 1)
        ex = page.locator(".cramp-explorer").first
        slider = ex.get_by_role("slider", name=re.compile("Muscle fatigue"))
        slider.scroll_into_view_if_needed()
        bb = slider.bounding_box()
        y = bb["y"] + bb["height"] / 2
        draws0 = page.evaluate("window.__crampPlotlyStats.draws")
        page.mouse.move(bb["x"] + bb["width"] - 3, y)
        page.mouse.down()
        for k in range(1, 31):
            page.mouse.move(bb["x"] + bb["width"] * (1 - k / 30) + 3, y)
            page.wait_for_timeout(15)
        page.mouse.up()
        assert slider.input_value() == "0"
        ex.locator("[role=status]").filter(has_text="Fatigue 0.00").first.wait_for(timeout=10_000)
        page.wait_for_timeout(300)
        # The plot shows the state the summary names: no stretch-ending cramp at zero fatigue.
        draws = page.evaluate("window.__crampPlotlyStats.draws") - draws0
        assert 1 <= draws <= 31
        band = page.evaluate("Array.from(document.querySelector('.js-plotly-plot').data[3].x || [])")
        assert band == []  # the cramp band is empty at zero fatigue
        assert page_problems(page) == []
    finally:
        shutdown_sessions(base, token)


# What each trace shows (x, y, marker colours and sizes, texts) as plain values: arrays and typed
# arrays as lists, NaN as None. The same in the browser (_TRACES) and in the kernel (_DUMP).
_TRACES = """ex => { const p = v => v == null ? null : typeof v === 'object' ? Array.from(v, p)
        : typeof v === 'number' ? (isFinite(v) ? v : null) : v;
    return [...ex.querySelectorAll('.js-plotly-plot')].flatMap(gd => (gd.data || []).map(t =>
        [p(t.x), p(t.y), p(t.marker && t.marker.color), p(t.marker && t.marker.size), p(t.text)])); }"""
_DUMP = """import json, math
def _p(v):
    if v is None or isinstance(v, str):
        return v
    if hasattr(v, '__len__'):
        return [_p(x) for x in v]
    return None if isinstance(v, float) and math.isnan(v) else v.item() if hasattr(v, 'item') else v
def _get(t, *path):
    for k in path:
        t = t[k] if k in t else None
        if t is None:
            return None
    return _p(t)
print(json.dumps([[_get(t, 'x'), _get(t, 'y'), _get(t, 'marker', 'color'), _get(t, 'marker', 'size'),
    _get(t, 'text')] for e in EXPLORERS for t in e.figure.data]))"""


def _close(a, b) -> bool:
    """The browser's trace data and the kernel's, equal within float32 rounding (numbers) or exactly."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-4 * max(1.0, abs(a), abs(b))
    return a == b


def test_explorer_steps_are_drawn_in_the_browser_while_the_kernel_is_busy(lab, page):
    """Every explorer's slider or number step redraws its plot while the kernel is busy running another
    cell (the browser computes it and its summary sentence from the explorer's pack, with no kernel
    round trip); once the kernel is free it writes every summary, the same sentence, and the plot the
    browser drew equals the kernel's own figure."""
    base, token, _home = lab
    cells = [f"ex{i} = {call}\nex{i}" for i, call in enumerate(ALL)]
    cells.append("import time\ntime.sleep(12)")
    cells.append(f"EXPLORERS = [{', '.join(f'ex{i}' for i in range(len(ALL)))}]\n" + _DUMP)
    try:
        open_notebook(page, base, token, put_notebook(base, token, "busy.ipynb", cells))
        n = len(ALL)
        # Run the explorers' cells, then the sleeping one, without waiting for it.
        page.evaluate(
            """n => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = 0;
            nb.mode = 'command'; for (let i = 0; i <= n + 1; i++) {
              nb.activeCellIndex = i; window.jupyterapp.commands.execute('notebook:run-cell'); } }""",
            n,
        )
        wait_for_plots(page, n)
        page.locator(".jp-Cell").nth(n + 1).locator(".jp-InputPrompt").filter(has_text="*").wait_for()
        explorers = page.locator(".cramp-explorer")
        busy_at = page.evaluate("performance.now()")
        before, said = {}, {}
        for i, name in enumerate(EXPLORERS):
            ex = explorers.nth(i)
            shown = ex.evaluate(_TRACES)
            before[name] = ex.locator("[role=status]").first.text_content()
            control = ex.locator("input[type=range], input[type=number]").first
            control.scroll_into_view_if_needed()
            control.focus()
            at_max = control.evaluate("c => c.type === 'range' && Number(c.value) >= Number(c.max)")
            page.keyboard.press(
                "ArrowLeft"
                if at_max
                else "ArrowRight"
                if control.get_attribute("type") == "range"
                else "ArrowUp"
            )
            deadline = page.evaluate("performance.now()") + 3000
            while ex.evaluate(_TRACES) == shown:
                assert page.evaluate("performance.now()") < deadline, f"{name}: the step drew nothing"
                page.wait_for_timeout(30)
            said[name] = ex.locator("[role=status]").first.text_content()
        # All drawn while the sleeping cell still ran: no kernel took part.
        assert page.locator(".jp-Cell").nth(n + 1).locator(".jp-InputPrompt").inner_text().strip() == "[*]:"
        assert page.evaluate("performance.now()") - busy_at < 11_000
        # The kernel, free again, writes every summary and has the same figure the browser drew.
        page.evaluate(
            """i => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;
            nb.mode = 'command'; return window.jupyterapp.commands.execute('notebook:run-cell'); }""",
            n + 2,
        )
        page.locator(".jp-Cell").nth(n + 2).locator(".jp-OutputArea-output").first.wait_for(timeout=60_000)
        kernel = json.loads(
            page.locator(".jp-Cell").nth(n + 2).locator(".jp-OutputArea-output").first.inner_text()
        )
        drawn = [t for i in range(n) for t in explorers.nth(i).evaluate(_TRACES)]
        assert len(drawn) == len(kernel)
        bad = [k for k, (a, b) in enumerate(zip(drawn, kernel, strict=True)) if not _close(a, b)]
        assert bad == [], bad
        for i, name in enumerate(EXPLORERS):
            after = explorers.nth(i).locator("[role=status]").first.text_content()
            assert after != before[name], name
            # The browser wrote the kernel's sentence while it slept.
            assert said[name] == after, name
        stats = page.evaluate("window.__crampPlotlyStats")
        assert stats["localSteps"] >= n
        assert page_problems(page) == []
    finally:
        shutdown_sessions(base, token)
