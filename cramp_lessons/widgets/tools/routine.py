"""The relief routine timer: a relief technique step by step, with Start, Pause/Resume and Skip,
a countdown and a progress bar. A thin front end over :mod:`cramp_lessons.practical.routine`.

The countdown runs on a background thread (:class:`ThreadTicker`), so the kernel stays free: the
next cell runs while it counts. The clock and the ticker are injectable, so tests drive time by
hand and never sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from html import escape
from typing import Protocol

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.tools.base import STYLE, WIDE, Tool, status_html

__all__ = ["Ticker", "ThreadTicker", "RoutineWidget", "relief_routine"]


class Ticker(Protocol):
    def start(self, callback: Callable[[], None]) -> None: ...
    def stop(self) -> None: ...


class ThreadTicker:
    """Calls ``callback`` every ``interval`` seconds on a daemon thread until stopped.

    The kernel's main thread is never blocked, so other cells run while a countdown is shown.
    ``wait(event, seconds)`` is the sleep; it returns True when stopped (``Event.wait`` by default),
    so a test can pass one that returns at once.
    """

    def __init__(
        self, interval: float = 0.25, wait: Callable[[threading.Event, float], bool] | None = None
    ) -> None:
        self.interval = interval
        self._wait = wait or (lambda ev, s: ev.wait(s))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.errors: list[BaseException] = []

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def start(self, callback: Callable[[], None]) -> None:
        self.stop()
        stop = self._stop = threading.Event()

        def run() -> None:
            while not self._wait(stop, self.interval):
                try:
                    callback()
                except Exception as exc:  # noqa: BLE001 - a failing update must not kill the kernel
                    self.errors.append(exc)
                    stop.set()

        self._thread = threading.Thread(target=run, name="cramp-lessons-timer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


def _fmt_clock(s: float | None) -> str:
    if s is None:
        return ""
    s = max(0, int(-(-s // 1)))  # round up: "1 s left" until it is really over
    return f"{s // 60}:{s % 60:02d}"


class RoutineWidget(Tool):
    """A relief technique step by step: Start, Pause/Resume and Skip, a countdown and a progress bar."""

    #: A step left open this long (seconds) is paused, so a forgotten timer stops ticking.
    IDLE_PAUSE = 1800

    def __init__(
        self,
        topic_ids: str | Iterable[str] = "relief.toe_pull",
        *,
        course: Course | None = None,
        clock: Callable[[], float] = time.monotonic,
        ticker: Ticker | None = None,
    ) -> None:
        from cramp_lessons.practical.routine import build_routine, relief_techniques

        self.course = course or load_course()
        self.clock = clock
        self.ticker = ticker or ThreadTicker()
        self._lock = threading.RLock()
        self._build = build_routine
        techniques = relief_techniques(self.course)
        ids = [topic_ids] if isinstance(topic_ids, str) else list(topic_ids)
        options: list[tuple[str, str | tuple[str, ...]]] = [(t.title, t.id) for t in techniques]
        if len(ids) > 1:
            options.insert(0, (" + ".join(self.course.topic(i).title for i in ids), tuple(ids)))
        self.technique = W.Dropdown(
            options=options,
            value=tuple(ids) if len(ids) > 1 else ids[0],
            description="Technique:",
            style=STYLE,
            layout=WIDE,
        )
        self.own_time = W.BoundedIntText(
            value=0,
            min=0,
            max=600,
            step=5,
            style=STYLE,
            layout=WIDE,
            description="Stretch timer, your choice (seconds; 0 = no timer, hold until it eases):",
        )
        self.start_button = W.Button(
            description="Start",
            button_style="primary",
            icon="play",
            tooltip="Start the routine from the first step",
        )
        self.pause_button = W.Button(
            description="Pause", icon="pause", tooltip="Pause or resume the timer", disabled=True
        )
        self.skip_button = W.Button(
            description="Skip (next step)",
            icon="forward",
            tooltip="Go to the next step, for example when the cramp has eased",
            disabled=True,
        )
        self.step_html = W.HTML()
        self.countdown = W.HTML()
        self.progress = W.FloatProgress(
            value=0.0, min=0.0, max=1.0, description="Progress:", style=STYLE, layout=WIDE
        )
        self.cautions = W.HTML()
        self.status = W.HTML()
        self.message = W.HTML()
        self._shown: tuple | None = None
        self.start_button.on_click(lambda _b: self.start())
        self.pause_button.on_click(lambda _b: self.toggle_pause())
        self.skip_button.on_click(lambda _b: self.skip())
        self.technique.observe(lambda _c: self._rebuild(), names="value")
        self.own_time.observe(lambda _c: self._rebuild(), names="value")
        self._rebuild()
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Relief routine: step by step</h4>"
                    "<p><i>Choose a technique, then press Start. The timer runs in the background: "
                    "you can keep working in the notebook.</i></p>"
                ),
                self.technique,
                self.own_time,
                W.HBox([self.start_button, self.pause_button, self.skip_button]),
                self.step_html,
                self.countdown,
                self.progress,
                self.status,
                self.message,
                self.cautions,
            ],
            label="[relief routine] choose a technique and press Start",
        )
        self.widget.add_class("cramp-routine")

    # -- building -------------------------------------------------------------
    def _rebuild(self) -> None:
        with self._lock:
            self.ticker.stop()
            own = self.own_time.value or None
            try:
                self.routine = self._build(self.technique.value, course=self.course, stretch_seconds=own)
                self.message.value = ""
            except CrampLessonsError as exc:
                self.message.value = status_html(str(exc), alert=True)
                return
            items = "".join(f"<li>{escape(c)}</li>" for c in self.routine.cautions)
            self.cautions.value = (
                f"<details><summary>Take care</summary><ul>{items}</ul></details>" if items else ""
            )
            self._shown = None
            self.pause_button.description, self.pause_button.icon = "Pause", "pause"
            self._render()

    # -- actions --------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            self.routine.start(self.clock())
            self.pause_button.description, self.pause_button.icon = "Pause", "pause"
            self._render()
        self.ticker.start(self.refresh)

    def toggle_pause(self) -> None:
        with self._lock:
            if self.routine.state == "running":
                self.routine.pause(self.clock())
                self.ticker.stop()
                self.pause_button.description, self.pause_button.icon = "Resume", "play"
                self._render()
                return
            if self.routine.state == "paused":
                self.routine.resume(self.clock())
                self.pause_button.description, self.pause_button.icon = "Pause", "pause"
                self._render()
        self.ticker.start(self.refresh)

    def skip(self) -> None:
        with self._lock:
            self.routine.skip(self.clock())
            self._render()

    def refresh(self) -> None:
        """One tick: called by the ticker (or a test) to move the countdown on."""
        with self._lock:
            self._render()

    def stop(self) -> None:
        self.ticker.stop()

    # -- view -----------------------------------------------------------------
    def _render(self) -> None:
        r = self.routine
        t = r.tick(self.clock())
        if t.state == "running" and t.elapsed > self.IDLE_PAUSE:
            t = r.pause(self.clock())
            self.pause_button.description, self.pause_button.icon = "Resume", "play"
        if t.state in ("done", "paused"):
            self.ticker.stop()
        self.progress.value = t.progress
        self.pause_button.disabled = t.state not in ("running", "paused")
        self.skip_button.disabled = t.state == "done"
        self.start_button.description = "Start again" if t.state in ("running", "paused", "done") else "Start"
        if t.step is not None and t.step.seconds is not None:
            self.countdown.value = (
                f"<p role='timer' aria-live='off' style='font-size:1.6em'>"
                f"<b>{_fmt_clock(t.remaining)}</b> left <small>({escape(t.step.duration_text)})</small></p>"
            )
        elif t.step is not None and t.state != "ready":
            self.countdown.value = (
                f"<p role='timer' aria-live='off' style='font-size:1.6em'>{_fmt_clock(t.elapsed)} "
                f"<small>so far ({escape(t.step.duration_text)})</small></p>"
            )
        else:
            self.countdown.value = ""
        key = (t.state, t.index, t.long_hold)
        if key != self._shown:  # the step text and the spoken status change only when the step does
            self._shown = key
            if t.step is not None:
                self.step_html.value = (
                    f"<p><b>Step {t.index + 1} of {t.total_steps}</b> "
                    f"<i>({escape(t.step.topic_title)})</i></p><p style='font-size:1.2em'>{escape(t.step.text)}</p>"
                )
            else:
                self.step_html.value = "<p><b>All steps done.</b></p>"
            self.status.value = status_html(r.summary(self.clock(), timing=False), alert=t.long_hold)

    def summary(self) -> str:
        with self._lock:
            return self.routine.summary(self.clock())


def relief_routine(topic_ids: str | Iterable[str] = "relief.toe_pull") -> RoutineWidget:
    """A guided relief routine with a timer: ``relief_routine("relief.acupressure")``."""
    return RoutineWidget(topic_ids)
