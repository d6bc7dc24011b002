"""The teacher's dashboard: pose a question, open and close answering, watch the answers
arrive, reveal, and read the class report.

A background thread polls the server (once a second by default), so the kernel is never
blocked while the chart updates. The chart (:mod:`cramp_lessons.figures.classroom`) keeps every
bar the same colour until the reveal: the teacher's screen is often on the projector, and
colouring the right bar would give it away.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as W

from cramp_lessons.classroom import ClassroomError
from cramp_lessons.classroom.client.http import TeacherClient
from cramp_lessons.figures.classroom import answers_figure, chart_data, chart_title, shorten
from cramp_lessons.widgets.base import Panel, figure_widget

_WIDE = W.Layout(width="auto")
_STYLE = {"description_width": "initial"}


# --------------------------------------------------------------------------- pure rendering
def info_text(info: dict[str, Any]) -> str:
    people = f"{info['students']} student{'s' if info['students'] != 1 else ''} joined"
    if not info["current_question"]:
        return f"{people}; no question posed yet."
    phase = "revealed" if info["revealed"] else ("answering open" if info["open"] else "answering closed")
    return f"{people}; {info['current_question']}: {phase}, {info['answers']} answered."


def distribution_text(dist: dict[str, Any]) -> str:
    """One line on the current question, for the text summary and screen readers."""
    n = dist["answers"]
    line = f"{dist['question_id']}: {n} answer{'s' if n != 1 else ''}"
    if dist["revealed"] and n:
        line += f"; {dist['share_correct']:.0%} correct"
        if dist["top_wrong"]:
            line += (
                f"; most chosen wrong answer: {dist['top_wrong']['label']!r} ({dist['top_wrong']['count']})"
            )
    return line + "."


def roster_html(roster: list[dict[str, Any]]) -> str:
    if not roster:
        return "<p><i>No one has joined yet.</i></p>"
    items = "".join(
        f"<li>{html.escape(r['name'])} <small>({r['answers']} answered)</small></li>" for r in roster
    )
    return f"<p>{len(roster)} joined:</p><ol class='cramp-roster'>{items}</ol>"


def report_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p><i>No question posed yet.</i></p>"

    def pct(x: float | None) -> str:
        return "–" if x is None else f"{x:.0%}"

    def wrong(r: dict[str, Any]) -> str:
        return f"{r['most_chosen_wrong']} ({r['most_chosen_wrong_count']})" if r["most_chosen_wrong"] else "–"

    body = "".join(
        f"<tr><td>{html.escape(r['question_id'])}</td><td>{html.escape(shorten(r['prompt'], 60))}</td>"
        f"<td>{r['answers']}</td><td>{pct(r['share_correct'])}</td><td>{html.escape(wrong(r))}</td>"
        f"<td>{'–' if r.get('discrimination') is None else format(r['discrimination'], '+.2f')}</td>"
        f"<td>{html.escape('; '.join(r.get('flags') or [])) or '–'}</td></tr>"
        for r in rows
    )
    return (
        "<table class='cramp-report'><thead><tr><th>Question</th><th>Prompt</th><th>Answers</th>"
        "<th>Correct</th><th>Most chosen wrong answer (misconception)</th>"
        "<th>Discrimination (D)</th><th>Flags</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def question_options(questions: list[dict[str, Any]], lesson: str | None) -> list[tuple[str, str]]:
    return [(f"{q['id']}: {shorten(q['prompt'], 50)}", q["id"]) for q in questions if q["lesson"] == lesson]


# --------------------------------------------------------------------------- the widget
class Dashboard:
    """The teacher's controls, live chart, roster and report for one session."""

    def __init__(
        self, server: str, session_id: str, key: str, *, interval: float = 1.0, **client_kwargs: Any
    ) -> None:
        self.client = TeacherClient(server, session_id, key, **client_kwargs)
        self.interval = interval
        self.questions = self.client.questions()
        self.info: dict[str, Any] = {}
        self.dist: dict[str, Any] | None = None
        self.roster: list[dict[str, Any]] = []
        self.rows: list[dict[str, Any]] = []
        lessons = list(dict.fromkeys((q["lesson_title"], q["lesson"]) for q in self.questions))
        self.lesson = W.Dropdown(options=lessons, description="Lesson:", style=_STYLE, layout=_WIDE)
        self.question = W.Dropdown(
            options=question_options(self.questions, self.lesson.value),
            description="Question:",
            style=_STYLE,
            layout=_WIDE,
        )
        self.lesson.observe(
            lambda _c: setattr(self.question, "options", question_options(self.questions, self.lesson.value)),
            names="value",
        )
        self.buttons = {
            "pose": W.Button(
                description="Pose and open",
                button_style="primary",
                icon="play",
                tooltip="Show this question to the class and open answering",
            ),
            "close": W.Button(description="Close answering", icon="stop", tooltip="Stop taking answers"),
            "open": W.Button(description="Reopen", icon="repeat", tooltip="Take answers again"),
            "reveal": W.Button(
                description="Reveal answer",
                button_style="warning",
                icon="eye",
                tooltip="Close answering and show the answer and explanation to the class",
            ),
            "export": W.Button(
                description="Export CSV", icon="download", tooltip="Save the class report as CSV"
            ),
        }
        actions = {
            "pose": lambda: self.pose(),
            "close": self.close,
            "open": self.reopen,
            "reveal": self.reveal,
            "export": lambda: self.export_csv(),
        }
        for name, b in self.buttons.items():
            b.on_click(lambda _b, f=actions[name]: self._act(f))
        self.status = W.HTML()
        self.message = W.HTML()
        self.summary = W.HTML()
        self.figure = figure_widget(answers_figure(None))
        caption = W.HTML(
            "<p><em>Each bar counts the students who chose that answer (for multiple select, each "
            "ticked option). Right answers are marked with ✔ and coloured only after Reveal.</em></p>"
        )
        self.roster_html = W.HTML()
        self.report_html = W.HTML()
        details = W.Accordion(children=[self.roster_html, self.report_html], selected_index=None)
        details.set_title(0, "Roster")
        details.set_title(
            1, "Class report (per question: share correct, most chosen wrong answer, discrimination, flags)"
        )
        self.widget = Panel(
            [
                W.HTML("<h4>Classroom dashboard</h4>"),
                self.status,
                W.HBox([self.lesson, self.question]),
                W.HBox(list(self.buttons.values())),
                self.message,
                self.figure,
                self.summary,
                caption,
                details,
            ],
            label="[classroom] Teacher dashboard",
            layout=W.Layout(width="100%"),
        )
        self.widget.add_class("cramp-classroom-dashboard")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.refresh()

    # -- teacher actions ----------------------------------------------------------
    def pose(self, question_id: str | None = None) -> None:
        self.client.pose(question_id or self.question.value)
        self.refresh()

    def close(self) -> None:
        self.client.close()
        self.refresh()

    def reopen(self) -> None:
        self.client.open()
        self.refresh()

    def reveal(self) -> None:
        self.client.reveal()
        self.refresh()

    def export_csv(self, path: str | Path | None = None) -> Path:
        target = Path(path or f"classroom-report-{self.client.session_id}.csv")
        target.write_text(self.client.report_csv(), encoding="utf-8")
        self.message.value = f"<p>Saved the class report to <code>{html.escape(str(target))}</code>.</p>"
        return target

    def _act(self, action: Callable[[], object]) -> None:
        try:
            self.message.value = ""
            action()
        except (ClassroomError, OSError) as e:
            self.message.value = f"<p class='cramp-warning' role='alert'>⚠ {html.escape(str(e))}</p>"

    # -- live updates ---------------------------------------------------------------
    def refresh(self) -> None:
        """Fetch the session state and redraw what changed. Errors show in the message line."""
        with self._lock:  # the poller and a button click may refresh at once
            try:
                info = self.client.info()
                qid = info["current_question"]
                dist = self.client.distribution(qid) if qid else None
                roster, rows = self.client.roster(), self.client.report()
            except ClassroomError as e:
                self.status.value = f"<p role='status'>⚠ {html.escape(str(e))}</p>"
                return
            code = html.escape(info["join_code"])
            self.status.value = (
                f"<p role='status'>Join code <b style='font-size:1.3em'>{code}"
                f"</b> · {html.escape(info_text(info))}</p>"
            )
            if dist != self.dist:
                self._draw(dist)
            if roster != self.roster:
                self.roster_html.value = roster_html(roster)
            if rows != self.rows:
                self.report_html.value = report_html(rows)
            self.info, self.dist, self.roster, self.rows = info, dist, roster, rows
            self.buttons["close"].disabled = not info["open"]
            self.buttons["open"].disabled = info["open"] or info["revealed"] or not info["current_question"]
            self.buttons["reveal"].disabled = info["revealed"] or not info["current_question"]

    def _draw(self, dist: dict[str, Any] | None) -> None:
        labels, counts, colors = chart_data(dist)
        with self.figure.batch_update():
            bar = self.figure.data[0]
            bar.x, bar.y, bar.text, bar.marker.color = labels, counts, counts, colors
            self.figure.layout.title.text = chart_title(dist)
        self.summary.value = (
            f"<p role='status' aria-live='polite'>{html.escape(distribution_text(dist))}</p>" if dist else ""
        )

    def start(self) -> Dashboard:
        """Poll the server on a background thread until :meth:`stop`."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, daemon=True, name="classroom-dashboard")
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.refresh()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = None

    def text(self) -> str:
        line = (
            f"Classroom dashboard: {info_text(self.info)}"
            if self.info
            else "Classroom dashboard: not connected."
        )
        return line + (f" {distribution_text(self.dist)}" if self.dist else "")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.text())


def dashboard(server: str, session_id: str, key: str, *, interval: float = 1.0) -> Dashboard:
    """Show the teacher dashboard and keep it live: ``dashboard(url, session_id, teacher_key)``."""
    return Dashboard(server, session_id, key, interval=interval).start()
