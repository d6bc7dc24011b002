"""The practical tools: relief routine timer, prevention planner, cramp diary, red-flag checker,
cause finder.

Thin front ends over the pure modules (``routine``, ``planner``, ``diary``, ``redflags``,
``causefinder``). Every control is a labelled native ipywidget; every tool has a one-line text
summary in a ``role=status`` element and prints it when displayed, for screen readers and nbval.

The routine's countdown runs on a background thread (:class:`ThreadTicker`), so the kernel stays
free: the next cell runs while it counts. The clock and the ticker are injectable, so tests
drive time by hand and never sleep.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as W

from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.figures import diary as diary_figures
from cramp_lessons.practical import causefinder, planner, redflags
from cramp_lessons.practical import diary as diary_logic
from cramp_lessons.widgets.base import Panel

__all__ = [
    "ThreadTicker",
    "RoutineWidget",
    "PlannerWidget",
    "DiaryWidget",
    "RedFlagWidget",
    "CauseFinderWidget",
    "relief_routine",
    "prevention_planner",
    "cramp_diary",
    "red_flag_checker",
    "cause_finder",
]

_STYLE = {"description_width": "initial"}
_WIDE = W.Layout(width="min(100%, 560px)")
_AUTO = W.Layout(width="auto")


def _level(lv: Any) -> str:
    """A level of the urgency scale (content/urgency.yaml) as HTML: icon (decorative), then label."""
    return f"<span aria-hidden='true'>{escape(lv.icon)}</span> {escape(lv.label)}"


def _status(text: str, *, alert: bool = False) -> str:
    role = "alert" if alert else "status"
    live = "assertive" if alert else "polite"
    return f"<p role='{role}' aria-live='{live}'>{escape(text)}</p>"


def _data_link(text: str, filename: str, mime: str) -> str:
    b64 = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"<a download='{escape(filename)}' href='data:{mime};charset=utf-8;base64,{b64}'>download {escape(filename)}</a>"


def _file_link(path: Path, base: Path) -> str:
    """A link relative to the notebook's folder; the plain path when the file is elsewhere."""
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return f"<code>{escape(str(path))}</code>"
    return f"<a href='{escape(rel)}' target='_blank'>{escape(path.name)}</a>"


class _Tool:
    """Shared display: the panel, and the summary printed as text."""

    widget: Panel

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.summary())

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"


# =========================================================================== routine
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


class RoutineWidget(_Tool):
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
        options = [(t.title, t.id) for t in techniques]
        if len(ids) > 1:
            options.insert(0, (" + ".join(self.course.topic(i).title for i in ids), tuple(ids)))
        self.technique = W.Dropdown(
            options=options,
            value=tuple(ids) if len(ids) > 1 else ids[0],
            description="Technique:",
            style=_STYLE,
            layout=_WIDE,
        )
        self.own_time = W.BoundedIntText(
            value=0,
            min=0,
            max=600,
            step=5,
            style=_STYLE,
            layout=_WIDE,
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
            value=0.0, min=0.0, max=1.0, description="Progress:", style=_STYLE, layout=_WIDE
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
                self.message.value = _status(str(exc), alert=True)
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
            self.status.value = _status(r.summary(self.clock(), timing=False), alert=t.long_hold)

    def summary(self) -> str:
        with self._lock:
            return self.routine.summary(self.clock())


def relief_routine(topic_ids: str | Iterable[str] = "relief.toe_pull") -> RoutineWidget:
    """A guided relief routine with a timer: ``relief_routine("relief.acupressure")``."""
    return RoutineWidget(topic_ids)


# =========================================================================== planner
def _plan_fragment(plan: Any, course: Course) -> str:
    from cramp_lessons.practical.planner import MARK, measure_tag, plan_sections

    def li(i: Any, mark: str) -> str:
        cautions = "".join(f"<li>⚠ {escape(c)}</li>" for c in i.cautions)
        return (
            f"<li><span aria-hidden='true'>{mark}</span> <b>{escape(i.title)}</b> "
            f"<i>({escape(measure_tag(i, course))})</i><br>{escape(i.summary)}"
            + (f"<ul>{cautions}</ul>" if cautions else "")
            + "</li>"
        )

    parts = [
        f"<h5>{escape(heading)}</h5><ul style='list-style:none;padding-left:0'>"
        + "".join(li(i, MARK[key]) for i in items)
        + "</ul>"
        for key, heading, items in plan_sections(plan)
    ] or ["<p>No measures for these situations.</p>"]
    adv = [a for a in plan.advice if a.cautions]
    if adv:
        parts.append(
            "<h5>For your situations</h5><ul>"
            + "".join(
                f"<li><b>{escape(a.title)}</b>: " + " ".join(escape(c) for c in a.cautions) + "</li>"
                for a in adv
            )
            + "</ul>"
        )
    parts.append("<h5>Red flags: when to get help</h5>")
    for lv, flags in plan.flags_by_level():
        parts.append(
            f"<p><b>{_level(lv)}.</b> {escape(lv.action)}</p><ul>"
            + "".join(f"<li>{escape(f.title)}</li>" for f in flags)
            + "</ul>"
        )
    return "".join(parts)


class PlannerWidget(_Tool):
    """Tick your situations; get a checklist; save it, export it as Markdown and HTML."""

    def __init__(
        self,
        *,
        course: Course | None = None,
        store: Any = None,
        export_dir: str | Path | None = None,
        name: str = "my plan",
    ) -> None:

        self.course = course or load_course()
        self._store = store
        self.name = name
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.boxes = {
            sid: W.Checkbox(value=False, description=label, indent=False, layout=_AUTO)
            for sid, label in planner.situation_choices(self.course)
        }
        self.checklist = W.HTML()
        self.status = W.HTML()
        self.message = W.HTML()
        self.save_button = W.Button(
            description="Save my plan", icon="save", tooltip="Save the ticked situations"
        )
        self.export_button = W.Button(
            description="Export as Markdown",
            icon="download",
            tooltip="Write my_cramp_plan.md and a print-friendly my_cramp_plan.html",
        )
        self.save_button.on_click(lambda _b: self.save())
        self.export_button.on_click(lambda _b: self.export())
        try:
            saved = planner.load_plan(self.store, name, self.course)
        except CrampLessonsError as exc:
            saved = None
            self.message.value = _status(f"Your saved plan could not be loaded: {exc}", alert=True)
        if saved is not None:
            for sid in saved.situations:
                self.boxes[sid].value = True
        for b in self.boxes.values():
            b.observe(lambda _c: self.update(), names="value")
        self.update()
        if saved is not None:
            self.message.value = _status(f"Loaded your saved plan {name!r}.")
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Your prevention plan</h4><p><i>Tick every situation that fits you. "
                    "The advice for everyone is always included.</i></p>"
                ),
                W.VBox(list(self.boxes.values()), layout=W.Layout(border="1px solid #ccc", padding="4px")),
                W.HBox([self.save_button, self.export_button]),
                self.message,
                self.status,
                self.checklist,
            ],
            label="[prevention planner] tick your situations",
        )
        self.widget.add_class("cramp-planner")

    @property
    def store(self) -> Any:
        if self._store is None:
            from cramp_lessons.learner.progress import get_store

            self._store = get_store()
        return self._store

    def selected(self) -> list[str]:
        return [sid for sid, b in self.boxes.items() if b.value]

    def update(self) -> None:
        self.plan = planner.make_plan(self.selected(), self.course)
        self.checklist.value = _plan_fragment(self.plan, self.course)
        self.status.value = _status(self.summary())

    def save(self) -> None:
        try:
            planner.save_plan(self.store, self.plan, self.name)
        except CrampLessonsError as exc:
            self.message.value = _status(f"Not saved: {exc}", alert=True)
            return
        self.message.value = _status(
            f"Saved as {self.name!r}: {len(self.plan.situations)} situations ticked."
        )

    def export(self) -> tuple[Path, Path] | None:
        md = planner.plan_markdown(self.plan, self.course)
        page = planner.plan_html(self.plan, self.course)
        md_path, html_path = self.export_dir / "my_cramp_plan.md", self.export_dir / "my_cramp_plan.html"
        try:
            md_path.write_text(md, encoding="utf-8")
            html_path.write_text(page, encoding="utf-8")
        except OSError as exc:
            self.message.value = (
                _status(f"Could not write the files ({exc}); use the download links instead.", alert=True)
                + f"<p>{_data_link(md, 'my_cramp_plan.md', 'text/markdown')} · "
                f"{_data_link(page, 'my_cramp_plan.html', 'text/html')}</p>"
            )
            return None
        self.message.value = (
            _status(f"Exported {md_path.name} and {html_path.name} next to the notebook.")
            + f"<p>Open {_file_link(md_path, Path.cwd())} or the print-friendly {_file_link(html_path, Path.cwd())}; "
            f"or {_data_link(md, 'my_cramp_plan.md', 'text/markdown')}.</p>"
        )
        return md_path, html_path

    def summary(self) -> str:
        return planner.plan_summary(self.plan, self.course)


def prevention_planner() -> PlannerWidget:
    """Tick your situations and get a personal prevention checklist."""
    return PlannerWidget()


# =========================================================================== diary
class DiaryWidget(_Tool):
    """A labelled entry form, the diary's charts, CSV export and import, delete."""

    def __init__(
        self,
        *,
        course: Course | None = None,
        store: Any = None,
        now: Callable[[], datetime] | None = None,
        export_dir: str | Path | None = None,
        charts: bool = True,
    ) -> None:
        import plotly.graph_objects as go

        self.course = course or load_course()
        if store is None:
            from cramp_lessons.learner.progress import get_store

            store = get_store()
        self.diary = diary_logic.Diary(store, course=self.course, now=now)
        self.export_dir = Path(export_dir) if export_dir else Path.cwd()
        self.helped_labels = diary_logic.helped_choices(self.course)

        now_v = self.diary.now().replace(second=0, microsecond=0)
        self.when = W.NaiveDatetimePicker(value=now_v, description="Date and time:", style=_STYLE)
        self.muscle = W.Dropdown(
            options=[(v, k) for k, v in diary_logic.MUSCLES.items()],
            value="calf",
            description="Muscle:",
            style=_STYLE,
            layout=_WIDE,
        )
        self.muscle_other = W.Text(
            description="If other, which muscle:", placeholder="e.g. neck", style=_STYLE, layout=_WIDE
        )
        self.duration = W.Text(
            description="How long (seconds):",
            placeholder="e.g. 45 (2 minutes = 120)",
            style=_STYLE,
            layout=_WIDE,
        )
        self.activity = W.Dropdown(
            options=[(v, k) for k, v in diary_logic.ACTIVITIES.items()],
            value="sleep",
            description="What you were doing:",
            style=_STYLE,
            layout=_WIDE,
        )
        self.helped = {
            k: W.Checkbox(value=False, description=v, indent=False, layout=_AUTO)
            for k, v in self.helped_labels.items()
        }
        self.helped_other = W.Text(description="If something else helped, what:", style=_STYLE, layout=_WIDE)
        self.notes = W.Textarea(
            description="Notes:",
            placeholder="new medicine? long walk? cold night?",
            style=_STYLE,
            layout=_WIDE,
        )
        self.save_button = W.Button(
            description="Add to diary",
            button_style="primary",
            icon="plus",
            tooltip="Check the entry and save it",
        )
        self.message = W.HTML()
        self.entry_list = W.Dropdown(options=[], description="Entry:", style=_STYLE, layout=_WIDE)
        self.delete_button = W.Button(
            description="Delete entry", icon="trash", tooltip="Delete the chosen entry"
        )
        self.export_button = W.Button(
            description="Export CSV", icon="download", tooltip="Write cramp_diary.csv next to the notebook"
        )
        self.upload = W.FileUpload(accept=".csv", multiple=False, description="Import CSV")
        self.status = W.HTML()
        self.save_button.on_click(lambda _b: self.add())
        self.delete_button.on_click(lambda _b: self.delete())
        self.export_button.on_click(lambda _b: self.export())
        self.upload.observe(self._on_upload, names="value")
        self.figures = (
            [go.FigureWidget(f) for f in diary_figures.diary_figures([], self.helped_labels)]
            if charts
            else []
        )
        self.refresh()
        form = W.VBox(
            [
                self.when,
                self.muscle,
                self.muscle_other,
                self.duration,
                self.activity,
                W.HTML("<p><b>What helped?</b> <i>(tick all that apply)</i></p>"),
                *self.helped.values(),
                self.helped_other,
                self.notes,
                self.save_button,
                self.message,
            ],
            layout=W.Layout(border="1px solid #ccc", padding="4px"),
        )
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Your cramp diary</h4><p><i>Note each cramp after it has passed. "
                    "Your diary is saved on this computer and stays after a restart.</i></p>"
                ),
                form,
                self.status,
                *self.figures,
                W.HTML(f"<p><em>{escape(diary_figures.CAPTION)}</em></p>"),
                W.HBox([self.entry_list, self.delete_button]),
                W.HBox([self.export_button, self.upload]),
            ],
            label="[cramp diary] add an entry with the form",
        )
        self.widget.add_class("cramp-diary")

    def form_data(self) -> dict[str, Any]:
        return {
            "when": self.when.value,
            "muscle": self.muscle.value,
            "muscle_other": self.muscle_other.value,
            "duration_seconds": self.duration.value.strip().replace(",", "."),
            "activity": self.activity.value,
            "helped": [k for k, b in self.helped.items() if b.value],
            "helped_other": self.helped_other.value,
            "notes": self.notes.value,
        }

    def add(self) -> Any:
        data = self.form_data()
        if data["when"] is None:
            data.pop("when")
        try:
            entry = self.diary.add(data)
        except diary_logic.DiaryError as exc:
            self.message.value = (
                "<div role='alert' aria-live='assertive'><p>⚠ Not saved. Please check:</p><ul>"
                + "".join(
                    f"<li>{escape(diary_logic.LABELS.get(f, f))}: {escape(m)}</li>"
                    if f
                    else f"<li>{escape(m)}</li>"
                    for f, m in exc.problems
                )
                + "</ul></div>"
            )
            return None
        extra = ""
        if entry.long:
            limit = redflags.long_cramp(self.course)
            extra = f" It lasted more than {limit.seconds / 60:g} minutes. {limit.warning}"
        self.message.value = _status(
            f"Saved: {entry.muscle_text}, {entry.duration_seconds:g} s, {entry.when:%Y-%m-%d %H:%M}.{extra}",
            alert=bool(extra),
        )
        self.duration.value = ""
        self.notes.value = ""
        for b in self.helped.values():
            b.value = False
        self.refresh()
        return entry

    def delete(self) -> None:
        uid = self.entry_list.value
        if not uid:
            self.message.value = _status("Choose an entry to delete first.", alert=True)
            return
        ok = self.diary.delete(uid)
        self.message.value = _status("Entry deleted." if ok else "That entry was already gone.")
        self.refresh()

    def export(self) -> Path | None:
        text = self.diary.to_csv()
        path = self.export_dir / "cramp_diary.csv"
        link = _data_link(text, "cramp_diary.csv", "text/csv")
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.message.value = (
                _status(f"Could not write the file ({exc}); use the download link.", alert=True)
                + f"<p>{link}</p>"
            )
            return None
        self.message.value = (
            _status(f"Exported {len(self.diary)} entries to {path.name} next to the notebook.")
            + f"<p>Open {_file_link(path, Path.cwd())} or {link}.</p>"
        )
        return path

    def import_text(self, text: str | bytes) -> Any:
        try:
            report = self.diary.import_csv(text)
        except diary_logic.DiaryError as exc:
            self.message.value = _status(f"Nothing imported: {exc}", alert=True)
            return None
        self.message.value = _status(report.text, alert=bool(report.errors))
        self.refresh()
        return report

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        content = f["content"] if isinstance(f, dict) else f.content
        self.import_text(bytes(content))

    def refresh(self) -> None:
        entries = self.diary.entries()
        self.entries = entries
        self.entry_list.options = [
            (f"{x.when:%Y-%m-%d %H:%M} {x.muscle_text}, {x.duration_seconds:g} s", x.uid)
            for x in reversed(entries)
        ]
        self.entry_list.value = self.entry_list.options[0][1] if entries else None
        self.delete_button.disabled = not entries
        if self.figures:
            # Only the trace data: building three whole figures per entry took ~45 ms.
            for fw, d in zip(
                self.figures, diary_figures.diary_data(entries, self.helped_labels), strict=False
            ):
                with fw.batch_update():
                    fw.data[0].x, fw.data[0].y = d["x"], d["y"]
                    if d["text"] is not None:
                        fw.data[0].text = d["text"]
                    fw.layout.yaxis.dtick = d["dtick"]
        self.status.value = _status(self.summary())

    def summary(self) -> str:
        return diary_figures.diary_summary(self.diary.entries(), self.helped_labels)


def cramp_diary() -> DiaryWidget:
    """Your cramp diary: add entries, see patterns, export CSV."""
    return DiaryWidget()


# =========================================================================== red flags
class RedFlagWidget(_Tool):
    """Tick the signs that apply; the result says how soon to get help, emergencies first."""

    def __init__(self, *, course: Course | None = None) -> None:

        self.course = course or load_course()
        self.boxes = {
            s.id: W.Checkbox(value=False, description=s.title, indent=False, layout=_AUTO)
            for s in sorted(redflags.signs(self.course), key=lambda s: list(self.course.topics).index(s.id))
        }
        self.result = W.HTML()
        for b in self.boxes.values():
            b.observe(lambda _c: self.update(), names="value")
        self.update()
        self.widget = Panel(
            [
                W.HTML(
                    "<h4>Red-flag checker</h4><p><i>Tick every sign that goes with the cramps. "
                    f"{escape(redflags.TEACHING_NOTE)}</i></p>"
                ),
                W.VBox(list(self.boxes.values()), layout=W.Layout(border="1px solid #ccc", padding="4px")),
                self.result,
            ],
            label="[red-flag checker] tick the signs that apply",
        )
        self.widget.add_class("cramp-redflags")

    def ticked(self) -> list[str]:
        return [k for k, b in self.boxes.items() if b.value]

    def update(self) -> None:
        self.last = r = redflags.check_signs(self.ticked(), self.course)
        alert = r.most_urgent  # a sign on the top level of the scale
        role = "alert" if alert else "status"
        live = "assertive" if alert else "polite"
        if not r.signs:
            self.result.value = f"<div role='{role}' aria-live='{live}'><p>{escape(r.headline)}</p></div>"
            return
        rows = []
        for lv, signs in r.by_level():
            rows.append(
                f"<p><b>{_level(lv)}</b></p><ul>"
                + "".join(
                    f"<li><b>{escape(s.title)}</b>: {escape(s.summary)}"
                    + "".join(f"<br>⚠ {escape(c)}" for c in s.cautions)
                    + "</li>"
                    for s in signs
                )
                + "</ul>"
            )
        self.result.value = (
            f"<div role='{role}' aria-live='{live}'><p style='font-size:1.15em'><b>{escape(r.headline)}</b></p>"
            + "".join(rows)
            + f"<p><i>{escape(redflags.TEACHING_NOTE)}</i></p></div>"
        )

    def summary(self) -> str:
        return self.last.summary()


def red_flag_checker() -> RedFlagWidget:
    """Tick the signs that go with your cramps; see how soon to get help."""
    return RedFlagWidget()


# =========================================================================== cause finder
class CauseFinderWidget(_Tool):
    """Describe a cramp with labelled controls; red flags first, then possible causes with reasons."""

    def __init__(self, *, course: Course | None = None, intro: str = "Tick what the case describes.") -> None:

        self._holding = False  # set_answers changes many controls: one update at the end
        self.course = course or load_course()
        rules = causefinder.load_rules(course=None if course is None else self.course)
        self.rules = rules
        self.controls: dict[str, Any] = {}
        blocks: list[W.Widget] = []
        single: list[W.Widget] = []  # one-answer questions share a column with the age
        for g, (label, multiple, options) in causefinder.answer_options(rules).items():
            if multiple:
                boxes = {
                    k: W.Checkbox(value=False, description=v, indent=False, layout=_AUTO)
                    for k, v in options.items()
                }
                self.controls[g] = boxes
                blocks.append(W.VBox([W.HTML(f"<p><b>{escape(label)}</b></p>"), *boxes.values()]))
                for b in boxes.values():
                    b.observe(lambda _c: self.update(), names="value")
            else:
                dd = W.Dropdown(
                    options=[("— not given —", ""), *[(v, k) for k, v in options.items()]],
                    value="",
                    description=label,
                    style=_STYLE,
                    layout=_AUTO,
                )
                self.controls[g] = dd
                single.append(dd)
                dd.observe(lambda _c: self.update(), names="value")
        self.age = W.Text(
            description="Age (years, optional):",
            placeholder="e.g. 67",
            style=_STYLE,
            layout=_AUTO,
            continuous_update=False,
        )
        self.age.observe(lambda _c: self.update(), names="value")
        blocks.insert(min(2, len(blocks)), W.VBox([*single, self.age]))
        self.result = W.HTML()
        self.update()
        grid = W.GridBox(
            blocks,
            layout=W.Layout(
                grid_template_columns="repeat(auto-fill, minmax(380px, 1fr))",
                grid_gap="4px 16px",
                border="1px solid #ccc",
                padding="4px",
            ),
        )
        self.widget = Panel(
            [
                W.HTML(
                    f"<h4>Cause finder</h4><p><i>{escape(intro)} {escape(causefinder.TEACHING_AID)}</i></p>"
                ),
                grid,
                self.result,
            ],
            label="[cause finder] describe the cramp",
        )
        self.widget.add_class("cramp-causefinder")

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for g, c in self.controls.items():
            out[g] = (
                [k for k, b in c.items() if b.value]
                if isinstance(c, dict)
                else ([c.value] if c.value else [])
            )
        out["age"] = self.age.value
        return out

    def set_answers(self, answers: dict[str, Any]) -> None:
        """Fill the controls with a worked case's answers (option ids, as in ``content/cases.yaml``)."""
        self._holding = True
        try:
            for g, c in self.controls.items():
                given = answers.get(g) or []
                given = [given] if isinstance(given, str) else list(given)
                if isinstance(c, dict):
                    for k, box in c.items():
                        box.value = k in given
                else:
                    c.value = given[0] if given else ""
            age = answers.get("age")
            self.age.value = "" if age is None else str(age)
        finally:
            self._holding = False
        self.update()

    def update(self) -> None:
        if self._holding:
            return
        self.last = r = causefinder.find_causes(self.answers(), rules=self.rules, course=self.course)
        alert = r.most_urgent  # a red flag on the top level of the scale
        role, live = ("alert", "assertive") if alert else ("status", "polite")
        parts = [f"<p style='font-size:1.1em'><b>{escape(r.message)}</b></p>"]
        if r.problems:
            parts.append("<ul>" + "".join(f"<li>⚠ {escape(p)}</li>" for p in r.problems) + "</ul>")
        if r.red_flags:
            parts.append(
                "<p><b>Red flags first: these need a doctor</b></p><ul>"
                + "".join(
                    f"<li>{_level(f.level)}: <b>{escape(f.title)}</b>. {escape(f.summary)}"
                    f"<br><small>Because: {escape(' '.join(f.reasons))}</small></li>"
                    for f in r.red_flags
                )
                + "</ul>"
            )
        if r.causes:
            parts.append(
                "<p><b>Possible contributing causes, for learning</b></p><ul>"
                + "".join(
                    f"<li><b>{escape(f.title)}</b> <i>({escape(self.course.evidence[f.evidence].words)})</i>: "
                    f"{escape(' '.join(f.reasons))}</li>"
                    for f in r.causes
                )
                + "</ul>"
            )
        if r.notes:
            parts.append(
                "<p><b>Also worth knowing</b></p><ul>"
                + "".join(
                    f"<li><b>{escape(f.title)}</b>: {escape(' '.join(f.reasons))}</li>" for f in r.notes
                )
                + "</ul>"
            )
        if r.status != "empty":
            parts.append(f"<p><i>{escape(causefinder.TEACHING_AID)}</i></p>")
        self.result.value = f"<div role='{role}' aria-live='{live}'>" + "".join(parts) + "</div>"

    def summary(self) -> str:
        return self.last.summary()


def cause_finder() -> CauseFinderWidget:
    """Describe your cramps and see the causes and red flags the course links with them."""
    return CauseFinderWidget()
