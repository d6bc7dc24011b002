"""What a learner waits for: every explorer in a real JupyterLab in Chromium, the plot widget of
``cramp_lessons.widgets.plot`` beside plotly's ``FigureWidget`` (the old path), in the same run.

    python benchmarks/browser_explorers.py [--quick] [--steps N] [--lessons 02 03 ...] [--json FILE]

Prints numbers; never asserts on them. Four paths, each in a fresh kernel and a fresh page:

* ``new``: the plot widget drawing each step in the browser from the explorer's pack (the default);
  the kernel writes only the summary;
* ``new+kernel-draws``: the plot widget, every step drawn from the kernel's update message
  (``CRAMP_EXPLORER_DRIVER=kernel``; how the plot widget worked before explorers were driven);
* ``new+kernel-js``: the default, with plotly.js sent by the kernel once per page
  (``CRAMP_PLOTLY_SOURCE=kernel``; what a page without JupyterLab's plotly extension gets);
* ``old``: plotly's ``FigureWidget`` (``CRAMP_PLOT_BACKEND=figurewidget``).

For each explorer: the slider step (arrow key -> new plot data drawn and the text summary changed,
to the next painted frame; median, p95; and the plot alone), the bytes on the wire (kernel websocket frames and HTTP
responses) and the main-thread long tasks from running the cell that shows it until it is drawn and
the kernel quiet, the plot updates a second while its slider is dragged (and how long after the
mouse is let go the plot shows the last value); the kernel time of the first explorer in a fresh
kernel (``import cramp_lessons`` included); kernel -> browser bytes for whole lesson runs.
Targets (issue 16): step median <= 33 ms and p95 <= 50 ms; an explorer appearing <= 300 KB and
<= 100 ms blocking; a lesson run <= 2 MB; the first plot < 1 s of kernel time; >= 20 updates/s dragging.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.browser.lab import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    api,
    jupyterlab,
    open_notebook,
    run_all,
    shutdown_sessions,
)

TOKEN = "cramp-bench"
PATHS = {
    "new": {},
    "new+kernel-draws": {"CRAMP_EXPLORER_DRIVER": "kernel"},
    "new+kernel-js": {"CRAMP_PLOTLY_SOURCE": "kernel"},
    "old": {"CRAMP_PLOT_BACKEND": "figurewidget"},
}
# explorer -> (call, the control moved by a step: "range" or "number")
EXPLORERS = {
    "twitch": ('show_explorer("twitch")', "range"),
    "excitability": ('show_explorer("excitability")', "range"),
    "reflex": ('show_explorer("reflex")', "range"),
    "coupling": ('show_explorer("coupling")', "range"),
    "leg": ('show_explorer("leg")', "range"),
    "flow": ('show_explorer("flow")', "range"),
    "abi": ('show_explorer("abi")', "number"),
    "sweat": ('show_explorer("sweat")', "number"),
    "stretch": ('show_explorer("stretch", "sitting_forefoot_pull")', "range"),
}
LESSONS_WITH_PLOTS = ["01", "02", "03", "04", "05", "06", "07", "08"]


# -- a JupyterLab of our own ---------------------------------------------------------------------


@contextmanager
def lab_server():
    """(base URL, root folder) of a JupyterLab on loopback serving a copy of the notebooks."""
    tmp = Path(tempfile.mkdtemp(prefix="cramp-bench-"))
    env = dict(os.environ)
    for var in ("CRAMP_PLOT_BACKEND", "CRAMP_PLOTLY_SOURCE", "CRAMP_EXPLORER_DRIVER"):
        env.pop(var, None)  # each notebook sets its own path in its first cell
    try:
        with jupyterlab(tmp, TOKEN, env) as base:
            yield base, tmp / "root"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_notebook(path: Path, cells: list[str]) -> None:
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": c}
            for c in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))


def env_cell(path: str) -> str:
    return "import os\n" + "".join(f"os.environ[{k!r}] = {v!r}\n" for k, v in PATHS[path].items())


# -- what the page sends and receives ------------------------------------------------------------


class Wire:
    """Bytes the page receives: kernel websocket frames and HTTP responses (Chrome DevTools Protocol)."""

    def __init__(self, page: Any) -> None:
        self.ws = 0
        self.http = 0
        self.frames: list[int] = []
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.loadingFinished", self._loaded)
        self.cdp = cdp

    def _frame(self, e: dict) -> None:
        r = e["response"]
        n = (
            len(base64.b64decode(r["payloadData"]))
            if r.get("opcode") == 2
            else len(r["payloadData"].encode())
        )
        self.ws += n
        self.frames.append(n)

    def _loaded(self, e: dict) -> None:
        self.http += int(e.get("encodedDataLength", 0))

    def mark(self) -> tuple[int, int, int]:
        return self.ws, self.http, len(self.frames)


_PAGE_HELPERS = """() => {
  window.__benchLong = [];
  new PerformanceObserver(l => { for (const e of l.getEntries()) window.__benchLong.push([e.startTime, e.duration]); })
    .observe({type: 'longtask', buffered: true});
  window.__benchKey = 0;
  document.addEventListener('keydown', e => { window.__benchKey = e.timeStamp; }, true);
  // One step: times (from the key) when new plot data are drawn, the summary changes, the frame after both.
  window.__benchArm = (i) => {
    const ex = document.querySelectorAll('.cramp-explorer')[i];
    const st = {plot: null, text: null, paint: null};
    const status = ex.querySelector('[role=status]');
    const before = status ? status.innerText : null;
    // Done when both are in the DOM: painted in the frame that follows (the new path draws inside a
    // frame callback, so its time includes the wait for that frame; the old one's does not).
    const finish = () => { if (st.plot !== null && st.text !== null && st.paint === null)
        st.paint = Math.max(st.plot, st.text); };
    for (const gd of ex.querySelectorAll('.js-plotly-plot')) {
      const h = () => { if (st.plot === null) { st.plot = performance.now(); finish(); } };
      gd.once ? gd.once('plotly_afterplot', h) : gd.on('plotly_afterplot', h);
    }
    const mo = new MutationObserver(() => {
      const now = ex.querySelector('[role=status]');
      if (st.text === null && now && now.innerText !== before) { st.text = performance.now(); finish(); mo.disconnect(); }
    });
    mo.observe(ex, {subtree: true, childList: true, characterData: true});
    window.__benchStep = st;
  };
  // A drag: every plot redraw and summary change, timed.
  window.__benchWatch = (i) => {
    const ex = document.querySelectorAll('.cramp-explorer')[i];
    const w = {draws: [], texts: []};
    for (const gd of ex.querySelectorAll('.js-plotly-plot')) gd.on('plotly_afterplot', () => w.draws.push(performance.now()));
    let last = ex.querySelector('[role=status]')?.innerText;
    new MutationObserver(() => {
      const t = ex.querySelector('[role=status]')?.innerText;
      if (t !== last) { last = t; w.texts.push([performance.now(), t]); }
    }).observe(ex, {subtree: true, childList: true, characterData: true});
    window.__benchDrag = w;
  };
}"""


def quiet(page: Any, quiet_ms: int = 700, timeout_s: float = 60) -> None:
    """Wait until the kernel is idle and nothing arrived on the websocket for ``quiet_ms``."""
    page.evaluate(
        """() => { if (window.__benchWs) return; window.__benchWs = performance.now();
        window.jupyterapp.shell.currentWidget.context.sessionContext.iopubMessage.connect(
            () => { window.__benchWs = performance.now(); }); }"""
    )
    page.wait_for_function(
        """q => window.jupyterapp.shell.currentWidget.sessionContext.kernelDisplayStatus === 'idle'
            && performance.now() - window.__benchWs >= q""",
        arg=quiet_ms,
        polling=100,
        timeout=timeout_s * 1000,
    )


def run_cell(page: Any, index: int) -> None:
    page.evaluate(
        """i => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;
        nb.mode = 'command'; return window.jupyterapp.commands.execute('notebook:run-cell'); }""",
        index,
    )


def _ms(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "max": float("nan")}
    s = sorted(samples)
    return {
        "n": len(s),
        "median": statistics.median(s),
        "p95": s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))],
        "max": s[-1],
    }


# -- one path: every explorer, one after the other, in one notebook and page -----------------------


def bench_explorers(browser: Any, base: str, root: Path, path: str, steps: int) -> dict[str, Any]:
    name = f"bench_{path.replace('+', '_').replace('-', '_')}.ipynb"
    first = (
        "import time as _t\n_t0 = _t.perf_counter()\nfrom cramp_lessons import show_explorer\n"
        "_ex = show_explorer('twitch')\ndisplay(_ex)\nprint(f'FIRST-PLOT {_t.perf_counter() - _t0:.3f} s')"
    )
    cells = [env_cell(path), first] + [call for call, _kind in EXPLORERS.values()]
    write_notebook(root / "notebooks" / name, cells)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    wire = Wire(page)
    out: dict[str, Any] = {"explorers": {}}
    try:
        open_notebook(page, base, TOKEN, name)
        page.evaluate(_PAGE_HELPERS)
        run_cell(page, 0)
        quiet(page)
        # The first explorer: kernel time (in the cell) and what its appearing costs.
        order = ["twitch (first)"] + list(EXPLORERS)
        for k, label in enumerate(order):
            cell = k + 1
            ws0, http0, _f0 = wire.mark()
            t0 = page.evaluate("performance.now()")
            run_cell(page, cell)
            page.wait_for_function(
                """n => document.querySelectorAll('.cramp-explorer').length >= n
                    && [...document.querySelectorAll('.cramp-explorer')][n - 1].querySelector('.js-plotly-plot .main-svg')""",
                arg=k + 1,
                timeout=120_000,
            )
            quiet(page)
            t1 = page.evaluate("performance.now()")
            ws1, http1, _ = wire.mark()
            long = page.evaluate(
                "([a, b]) => window.__benchLong.filter(([s, d]) => s >= a && s <= b).map(([s, d]) => d)",
                [t0, t1],
            )
            out["explorers"].setdefault(label, {})["appear"] = {
                "ws_bytes": ws1 - ws0,
                "ws_frames": wire.frames[_f0:],
                "http_bytes": http1 - http0,
                "long_tasks_ms": sum(long),
                "longest_ms": max(long, default=0.0),
            }
        out["first_plot_s"] = page.evaluate(
            """() => { for (const e of document.querySelectorAll('.jp-OutputArea-output')) {
                const m = /FIRST-PLOT ([0-9.]+) s/.exec(e.textContent || ''); if (m) return Number(m[1]); }
                return null; }"""
        )
        stats = page.evaluate("window.__crampPlotlyStats || null")
        out["plotly"] = stats
        # Steps and drags, explorer by explorer (index k + 1: the first twitch is explorer 0).
        for k, (label, (_call, kind)) in enumerate(EXPLORERS.items()):
            ex = page.locator(".cramp-explorer").nth(k + 1)
            ex.scroll_into_view_if_needed()
            control = ex.locator("input[type=range]" if kind == "range" else "input[type=number]").first
            lat = step_latencies(page, ex, control, k + 1, kind, steps)
            out["explorers"][label]["step"] = lat
            if kind == "range":
                out["explorers"][label]["drag"] = drag(page, ex, control, k + 1)
            quiet(page)
    finally:
        out["page_ws_bytes"] = wire.ws
        shutdown_sessions(base, TOKEN)
        ctx.close()
    return out


def step_latencies(page: Any, ex: Any, control: Any, index: int, kind: str, steps: int) -> dict[str, Any]:
    samples: list[float] = []
    plot_only: list[float] = []  # key -> the new plot drawn (the summary may come later, from the kernel)
    to_msg: list[float] = []  # new path: key -> the plot's update message arrives
    draw_ms: list[float] = []  # new path: Plotly.react of that update
    timeouts = 0
    control.focus()
    for s in range(steps):
        if kind == "range":
            at_max = control.evaluate("c => Number(c.value) >= Number(c.max)")
            at_min = control.evaluate("c => Number(c.value) <= Number(c.min)")
            key = "ArrowLeft" if at_max or (s // 5) % 2 and not at_min else "ArrowRight"
        else:
            key = "ArrowUp" if (s // 5) % 2 == 0 else "ArrowDown"
        page.evaluate("i => window.__benchArm(i)", index)
        control.press(key)
        try:
            page.wait_for_function("() => window.__benchStep.paint !== null", timeout=5_000, polling="raf")
            st = page.evaluate(
                "() => [window.__benchStep.paint, window.__benchKey, window.__crampPlotlyStats?.lastUpdateAt,"
                " window.__crampPlotlyStats?.drawMs?.at(-1), window.__benchStep.plot]"
            )
            samples.append(st[0] - st[1])
            plot_only.append(st[4] - st[1])
            if st[2] is not None and st[2] > st[1]:
                to_msg.append(st[2] - st[1])
                draw_ms.append(st[3])
        except Exception:  # noqa: BLE001 - a step that changed nothing within 5 s
            timeouts += 1
        page.wait_for_timeout(60)
    out = {**_ms(samples), "timeouts": timeouts, "plot": _ms(plot_only)}
    if to_msg:
        out["key_to_message_ms"] = statistics.median(to_msg)
        out["draw_ms"] = statistics.median(draw_ms)
    return out


def drag(
    page: Any, ex: Any, control: Any, index: int, rate_hz: int = 60, seconds: float = 2.0
) -> dict[str, Any]:
    """Drag the slider from one end to the other in ``seconds``: the page itself moves it ``rate_hz``
    times a second (an ``input`` event each time, as a dragged range input fires; Playwright's mouse
    cannot move that often), and counts the plot's redraws a second, the values its summary showed, and
    the time from the last move until the summary shows the last value."""
    control.scroll_into_view_if_needed()
    quiet(page)
    page.evaluate("i => window.__benchWatch(i)", index)
    t = control.evaluate(
        """(c, [hz, seconds]) => new Promise(done => {
            const lo = Number(c.min), hi = Number(c.max), step = Number(c.step) || 1;
            const n = Math.max(1, Math.round(hz * seconds));
            let k = 0;
            const t0 = performance.now();
            const timer = setInterval(() => {
                k += 1;
                const v = lo + Math.round(((hi - lo) * k) / n / step) * step;
                c.value = String(Math.min(hi, v));
                c.dispatchEvent(new Event('input', { bubbles: true }));
                if (k >= n) { clearInterval(timer); c.dispatchEvent(new Event('change', { bubbles: true }));
                    done([t0, performance.now(), n]); }
            }, 1000 / hz);
        })""",
        [rate_hz, seconds],
    )
    t_down, t_up, moves = t
    final = control.input_value()
    try:
        quiet(page, 500, 30)
    except Exception:  # noqa: BLE001
        pass
    w = page.evaluate("() => window.__benchDrag")
    during = [x for x in w["draws"] if t_down <= x <= t_up]
    texts = w["texts"]
    last_text_at = texts[-1][0] if texts else t_up
    return {
        "updates_per_s": len(during) / ((t_up - t_down) / 1000),
        "values_shown": len(texts),
        "moves": moves,
        "settle_ms": max(0.0, last_text_at - t_up),
        "final_value": final,
    }


def bench_lesson(browser: Any, base: str, root: Path, path: str, lesson: str) -> dict[str, Any]:
    src = next((root / "notebooks").glob(f"{lesson}_*.ipynb"))
    nb = json.loads(src.read_text())
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": env_cell(path),
    }
    nb["cells"].insert(0, cell)
    name = f"{src.stem}__{path.replace('+', '_').replace('-', '_')}.ipynb"
    (root / "notebooks" / name).write_text(json.dumps(nb))
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    wire = Wire(page)
    try:
        open_notebook(page, base, TOKEN, name)
        page.evaluate(_PAGE_HELPERS)
        ws0, _http0, _ = wire.mark()
        t0 = time.time()
        run_all(page, timeout=300)
        try:
            page.wait_for_function(
                """() => [...document.querySelectorAll('.cramp-explorer')].every(e => e.querySelector('.js-plotly-plot .main-svg'))""",
                timeout=60_000,
            )
        except Exception:  # noqa: BLE001 - an explorer hidden until the learner decides (worked cases)
            pass
        quiet(page, 1000, 120)
        long = page.evaluate("() => window.__benchLong.map(([s, d]) => d)")
        return {
            "ws_bytes": wire.ws - ws0,
            "seconds": time.time() - t0,
            "long_tasks_ms": sum(long),
            "explorers": page.locator(".cramp-explorer").count(),
        }
    finally:
        shutdown_sessions(base, TOKEN)
        ctx.close()


def first_plot_fresh(path: str, repeats: int = 5) -> dict[str, float]:
    """Kernel time of the first explorer in a fresh interpreter (median of ``repeats``), the kernel's
    part without JupyterLab: import, build, and the widget's state as it would be sent."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from cramp_lessons import show_explorer\n"
        "ex = show_explorer('twitch'); w = ex.widget\n"
        "from ipywidgets.widgets.widget import _remove_buffers\n"
        "[_remove_buffers(c.get_state()) for c in w.children]\n"
        "import sys; heavy = [m for m in ('plotly.io._renderers', 'nbformat', 'jsonschema') if m in sys.modules]\n"
        "print(time.perf_counter() - t0, len(heavy))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMP_PLOT")}
    env.update(PATHS[path])
    subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, check=True
    )  # warm the disk cache
    times, heavy = [], 0
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        t, h = out.stdout.split()
        times.append(float(t))
        heavy = int(h)
    return {"median_s": statistics.median(times), "renderer_modules": heavy}


# -- report ---------------------------------------------------------------------------------------


def _kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.2f} MB"


def _ratio(old: float, new: float) -> str:
    return f"{old / new:,.1f}x" if new and new == new and old == old else "-"


def report(res: dict[str, Any]) -> str:
    lines: list[str] = []
    paths = [p for p in PATHS if p in res["paths"]]
    lines.append("First plot, kernel time  [target < 1 s]:")
    lines.append(
        "  in JupyterLab, a fresh kernel's first cell (import cramp_lessons, show_explorer('twitch'), display)"
    )
    for p in paths:
        st = res["paths"][p].get("plotly") or {}
        js = (
            f"plotly.js from {st['source']} in {st['ms']:.0f} ms"
            if st
            else "plotly.js in FigureWidget's bundle"
        )
        lines.append(f"    {p:14s} {res['paths'][p]['first_plot_s']:.2f} s   ({js})")
    if res.get("first_plot_fresh"):
        lines.append("  in a fresh interpreter, median of 5 (import, build, widget state serialised)")
        for p, f in res["first_plot_fresh"].items():
            lines.append(
                f"    {p:14s} {f['median_s']:.2f} s   (plotly renderers, nbformat, jsonschema imported: "
                f"{f['renderer_modules']})"
            )
    lines.append("")
    lines.append("Slider step -> plot and summary repainted (ms), median / p95  [target <= 33 / 50]")
    head = f"  {'explorer':14s}" + "".join(f"{p:>22s}" for p in paths) + f"{'old/new (median)':>18s}"
    lines.append(head)
    for ex in EXPLORERS:
        row = f"  {ex:14s}"
        for p in paths:
            st = res["paths"][p]["explorers"][ex]["step"]
            row += f"{st['median']:>12.0f} / {st['p95']:<5.0f}" + (
                f"!{st['timeouts']}" if st["timeouts"] else "   "
            )
        if "old" in paths and "new" in paths:
            row += f"{_ratio(res['paths']['old']['explorers'][ex]['step']['median'], res['paths']['new']['explorers'][ex]['step']['median']):>16s}"
        lines.append(row)
    all_steps = {}
    for p in paths:
        meds = [res["paths"][p]["explorers"][ex]["step"]["median"] for ex in EXPLORERS]
        p95s = [res["paths"][p]["explorers"][ex]["step"]["p95"] for ex in EXPLORERS]
        all_steps[p] = (statistics.median(meds), max(p95s))
    lines.append(
        "  all (median of medians / worst p95): "
        + ", ".join(f"{p} {m:.0f} / {q:.0f}" for p, (m, q) in all_steps.items())
    )
    lines.append("")
    lines.append("The plot alone: slider step -> new plot drawn (ms), median / p95")
    lines.append(head.replace(f"{'old/new (median)':>18s}", ""))
    for ex in EXPLORERS:
        row = f"  {ex:14s}"
        for p in paths:
            st = res["paths"][p]["explorers"][ex]["step"].get("plot") or _ms([])
            row += f"{st['median']:>12.0f} / {st['p95']:<5.0f}   "
        lines.append(row)
    lines.append("")
    lines.append(
        "An explorer appearing: kernel websocket bytes + HTTP bytes, long tasks (sum)  [target <= 300 KB, <= 100 ms]"
    )
    lines.append(f"  {'explorer':16s}" + "".join(f"{p:>34s}" for p in paths))
    for ex in ["twitch (first)", *EXPLORERS]:
        row = f"  {ex:16s}"
        for p in paths:
            a = res["paths"][p]["explorers"][ex]["appear"]
            row += f"{_kb(a['ws_bytes']):>10s} + {_kb(a['http_bytes']):>9s} {a['long_tasks_ms']:>7.0f} ms"
        lines.append(row)
    lines.append(
        "  (HTTP: once a page, JupyterLab loads ipywidgets' controls for a first checkbox or button)"
    )
    lines.append("")
    lines.append(
        "Dragging a slider end to end in 2 s (60 moves a second): plot updates/s, values shown, ms to the last value  [target >= 20/s]"
    )
    for ex in EXPLORERS:
        if "drag" not in res["paths"][paths[0]]["explorers"][ex]:
            continue
        row = f"  {ex:14s}"
        for p in paths:
            d = res["paths"][p]["explorers"][ex].get("drag")
            row += (
                f"   {p}: {d['updates_per_s']:5.1f}/s {d['values_shown']:3d} values {d['settle_ms']:5.0f} ms"
            )
        lines.append(row)
    if res.get("lessons"):
        lines.append("")
        lines.append("A whole lesson run (run all): kernel -> browser bytes, long tasks  [target <= 2 MB]")
        for lesson, by in res["lessons"].items():
            row = f"  {lesson:4s}"
            for p in paths:
                if p in by:
                    row += f"   {p}: {_kb(by[p]['ws_bytes']):>9s} {by[p]['long_tasks_ms']:7.0f} ms"
            if "old" in by and "new" in by:
                row += f"   old/new {_ratio(by['old']['ws_bytes'], by['new']['ws_bytes'])}"
            lines.append(row)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="8 steps per explorer, lessons 02 and 03 only")
    ap.add_argument("--steps", type=int, default=None, help="slider steps per explorer (default 30)")
    ap.add_argument("--lessons", nargs="*", default=None, help="lesson numbers to run whole (default: 01-08)")
    ap.add_argument("--paths", nargs="*", default=list(PATHS), choices=list(PATHS))
    ap.add_argument("--json", metavar="FILE", help="also write every number as JSON")
    ap.add_argument("--report", metavar="FILE", help="print the report of an earlier --json run, and exit")
    args = ap.parse_args(argv)
    if args.report:
        res = json.loads(Path(args.report).read_text())
        print(report(res))
        return res
    steps = args.steps or (8 if args.quick else 30)
    lessons = (
        args.lessons if args.lessons is not None else (["02", "03"] if args.quick else LESSONS_WITH_PLOTS)
    )
    from playwright.sync_api import sync_playwright

    res: dict[str, Any] = {"paths": {}, "lessons": {}, "first_plot_fresh": {}}
    for p in ("new", "old"):
        if p in args.paths:
            print(f"... first plot, fresh interpreter, {p}", file=sys.stderr, flush=True)
            res["first_plot_fresh"][p] = first_plot_fresh(p)
    with lab_server() as (base, root), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # Warm JupyterLab's own caches (first page load of a fresh server) out of the measurements,
            # and the disk cache of the kernel's imports (a first kernel after a boot is slower).
            write_notebook(root / "notebooks" / "warm.ipynb", ["import cramp_lessons.widgets.explorers"])
            warm = browser.new_page()
            open_notebook(warm, base, TOKEN, "warm.ipynb")
            run_all(warm)
            shutdown_sessions(base, TOKEN)
            warm.close()
            for p in args.paths:
                print(f"... explorers, {p}", file=sys.stderr, flush=True)
                res["paths"][p] = bench_explorers(browser, base, root, p, steps)
            for lesson in lessons:
                for p in args.paths:
                    if p in ("new+kernel-js", "new+kernel-draws"):
                        continue  # the bytes of "new" plus a bundle, or its figures: measured per explorer above
                    print(f"... lesson {lesson}, {p}", file=sys.stderr, flush=True)
                    res["lessons"].setdefault(lesson, {})[p] = bench_lesson(browser, base, root, p, lesson)
        finally:
            browser.close()
        assert api(base, TOKEN, "/api/status")
    print(report(res))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, default=str))
    return res


if __name__ == "__main__":
    main()
