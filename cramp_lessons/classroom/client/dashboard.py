"""The teacher's dashboard: pose a question, open and close answering, watch the answers
arrive, run a second peer-instruction round, reveal, manage the roster, open the projector view,
end the class, and read the class report.

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
from cramp_lessons.figures.classroom import (
    answers_figure,
    chart_data,
    chart_title,
    first_round_counts,
    shorten,
)
from cramp_lessons.widgets.base import Panel, figure_widget

_WIDE = W.Layout(width="auto")
_STYLE = {"description_width": "initial"}


# --------------------------------------------------------------------------- pure rendering
def info_text(info: dict[str, Any]) -> str:
    people = f"{info['students']} of at most {info['max_students']} students joined"
    if info.get("ended"):
        return f"Class ended; {people}. The join code no longer works."
    if not info["current_question"]:
        return f"{people}; no question posed yet."
    phase = "revealed" if info["revealed"] else ("answering open" if info["open"] else "answering closed")
    return f"{people}; {info['current_question']} round {info['round']}: {phase}, {info['answers']} answered."


def shift_text(peer: dict[str, Any] | None) -> str:
    """Peer instruction in one line: each round's share right, who moved, who was sure and wrong."""
    if not peer or not peer.get("rounds"):
        return ""

    def share(d: dict[str, Any]) -> str:
        return "no answers" if d["share_correct"] is None else f"{d['share_correct']:.0%} right"

    parts = [f"Round {d['round']}: {share(d)} ({d['answers']} answers)" for d in peer["rounds"]]
    if peer.get("shift"):
        m = peer["shift"]
        parts.append(
            f"{m['wrong_to_right']} moved from wrong to right, {m['right_to_wrong']} from right to wrong"
        )
    sure = next((c for c in peer.get("confidence", []) if c["confidence"] == 3), None)
    if sure and sure["wrong"]:
        parts.append(f"{sure['wrong']} were sure of a wrong answer in round 1: worth talking through")
    return "; ".join(parts) + "."


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


def student_options(roster: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(f"{r['name']} ({r['answers']} answered)", r["id"]) for r in roster]


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

    def rounds(r: dict[str, Any]) -> str:
        if r.get("share_correct_round2") is None:
            return "–"
        return html.escape(
            f"{pct(r['share_correct_round1'])} → {pct(r['share_correct_round2'])}; "
            f"{r['wrong_to_right'] or 0} moved to right"
        )

    body = "".join(
        f"<tr><td>{html.escape(r['question_id'])}</td><td>{html.escape(shorten(r['prompt'], 60))}</td>"
        f"<td>{r['answers']}</td><td>{pct(r['share_correct'])}</td><td>{html.escape(wrong(r))}</td>"
        f"<td>{rounds(r)}</td>"
        f"<td>{'–' if r.get('discrimination') is None else format(r['discrimination'], '+.2f')}</td>"
        f"<td>{html.escape('; '.join(r.get('flags') or [])) or '–'}</td></tr>"
        for r in rows
    )
    return (
        "<table class='cramp-report'><thead><tr><th>Question</th><th>Prompt</th><th>Answers</th>"
        "<th>Correct</th><th>Most chosen wrong answer (misconception)</th><th>Round 1 → 2</th>"
        "<th>Discrimination (D)</th><th>Flags</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def question_options(questions: list[dict[str, Any]], lesson: str | None) -> list[tuple[str, str]]:
    return [(f"{q['id']}: {shorten(q['prompt'], 50)}", q["id"]) for q in questions if q["lesson"] == lesson]


def _shareable() -> list[str]:
    """The explorers a class can share: those whose sliders the course describes (the server checks
    a shared state against them)."""
    from cramp_lessons.questions.explorer import SLIDERS

    return list(SLIDERS)


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
            "round2": W.Button(
                description="Round 2",
                icon="users",
                tooltip="Peer instruction: after students talk with a neighbour, they answer again",
            ),
            "export": W.Button(
                description="Export CSV", icon="download", tooltip="Save the class report as CSV"
            ),
            "projector": W.Button(
                description="Projector link",
                icon="television",
                tooltip="A page for the projector: no names, no answer and no counts until you reveal",
            ),
            "end": W.Button(
                description="End class",
                button_style="danger",
                icon="power-off",
                tooltip="The join code stops working and answering closes; the report stays",
            ),
        }
        self.cap = W.BoundedIntText(
            value=1,
            min=1,
            max=5000,
            description="Class size limit:",
            style=_STYLE,
            layout=W.Layout(width="14em"),
        )
        self.students = W.Dropdown(options=[], description="Student:", style=_STYLE, layout=_WIDE)
        self.new_name = W.Text(description="New name:", style=_STYLE, layout=W.Layout(width="16em"))
        self.roster_buttons = {
            "cap": W.Button(description="Set limit", tooltip="No more students may join past this number"),
            "rename": W.Button(
                description="Rename", icon="pencil", tooltip="Give the chosen student the new name"
            ),
            "remove": W.Button(
                description="Remove", icon="user-times", tooltip="Remove the chosen student and their answers"
            ),
        }
        actions = {
            "pose": lambda: self.pose(),
            "close": self.close,
            "open": self.reopen,
            "round2": self.round_two,
            "reveal": self.reveal,
            "export": lambda: self.export_csv(),
            "projector": self.projector,
            "end": self.end,
            "cap": lambda: self.set_max_students(self.cap.value),
            "rename": lambda: self.rename(self.students.value, self.new_name.value),
            "remove": lambda: self.remove(self.students.value),
        }
        for name, b in {**self.buttons, **self.roster_buttons}.items():
            b.on_click(lambda _b, f=actions[name]: self._act(f))
        self._confirm_remove: int | None = None
        self.status = W.HTML()
        self.message = W.HTML()
        self.summary = W.HTML()
        self.peer = W.HTML()
        self.peer_data: dict[str, Any] | None = None
        self.figure = figure_widget(answers_figure(None))
        caption = W.HTML(
            "<p><em>Each bar counts the students who chose that answer (for multiple select, each "
            "ticked option). In round 2 the hatched bar beside it is round 1. Right answers are marked "
            "with ✔ and coloured only after Reveal. This view is yours: for the projector use the "
            "projector link, which shows no names and no counts until you reveal.</em></p>"
        )
        self.roster_html = W.HTML()
        self.report_html = W.HTML()
        manage = W.VBox(
            [
                self.roster_html,
                W.HBox([self.cap, self.roster_buttons["cap"]]),
                W.HBox(
                    [
                        self.students,
                        self.new_name,
                        self.roster_buttons["rename"],
                        self.roster_buttons["remove"],
                    ]
                ),
            ]
        )
        self.explorer_name = W.Dropdown(
            options=[("(choose an explorer)", None), *((n.title(), n) for n in _shareable())],
            description="Explorer:",
            style=_STYLE,
        )
        self.explorer_box = W.VBox()
        self.explorer: Any = None
        self.share_buttons = {
            "share": W.Button(
                description="Share this state",
                icon="share",
                tooltip="Every student's copy of this explorer opens with these slider values",
            ),
            "unshare": W.Button(description="Stop sharing", tooltip="Take the shared state away"),
        }
        self.explorer_name.observe(lambda _c: self._act(self._open_explorer), names="value")
        self.share_buttons["share"].on_click(lambda _b: self._act(self.share))
        self.share_buttons["unshare"].on_click(lambda _b: self._act(self.unshare))
        sharing = W.VBox(
            [
                W.HTML(
                    "<p>Set an explorer's sliders here, then share: every student sees the same "
                    "state (for example, everyone at calcium 0.9 mmol/L and 10 °C).</p>"
                ),
                W.HBox([self.explorer_name, *self.share_buttons.values()]),
                self.explorer_box,
            ]
        )
        details = W.Accordion(children=[manage, self.report_html, sharing], selected_index=None)
        details.set_title(2, "Share an explorer state with the class")
        details.set_title(0, "Roster (class size limit, rename, remove)")
        details.set_title(
            1, "Class report (per question: share correct, most chosen wrong answer, discrimination, flags)"
        )
        self.widget = Panel(
            [
                W.HTML("<h4>Classroom dashboard</h4>"),
                self.status,
                W.HBox([self.lesson, self.question]),
                W.HBox([self.buttons[k] for k in ("pose", "close", "open", "round2", "reveal")]),
                W.HBox([self.buttons[k] for k in ("projector", "export", "end")]),
                self.message,
                self.figure.widget,
                self.summary,
                self.peer,
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

    def round_two(self) -> None:
        self.client.round_two()
        self.refresh()

    def end(self) -> None:
        self.client.end()
        self.refresh()

    def projector(self) -> str:
        """A fresh projector link, shown to open on the projector's screen."""
        url = self.client.projector_url()
        link = html.escape(url)
        self.message.value = (
            f"<p>Open this on the projector (it shows no names, and no answer or counts until you "
            f"reveal): <a href='{link}' target='_blank' rel='noopener noreferrer'>{link}</a>. "
            "A new link makes the last one stop working.</p>"
        )
        return url

    def _open_explorer(self) -> None:
        from cramp_lessons.widgets.explorers import show_explorer

        name = self.explorer_name.value
        self.explorer = show_explorer(name) if name else None
        self.explorer_box.children = [self.explorer.widget] if self.explorer is not None else []

    def share(self, explorer: str | None = None, state: dict[str, float] | None = None) -> None:
        """Share an explorer state: the one given, or the dashboard's explorer as it is set now."""
        if explorer is None:
            if self.explorer is None:
                raise ClassroomError("choose an explorer and set its sliders first")
            explorer, state = self.explorer_name.value, self.explorer.state
        values = {k: float(v) for k, v in (state or {}).items()}
        self.client.share(explorer, values)
        shown = ", ".join(f"{k} {v:g}" for k, v in values.items())
        self.message.value = f"<p>Shared with the class: {html.escape(explorer)} at {html.escape(shown)}.</p>"

    def unshare(self) -> None:
        self.client.unshare()
        self.message.value = "<p>Stopped sharing the explorer state.</p>"

    def set_max_students(self, n: int) -> None:
        self.client.set_max_students(int(n))
        self.message.value = f"<p>At most {int(n)} students can now be in this class.</p>"
        self.refresh()

    def rename(self, student_id: int | None, name: str) -> None:
        if student_id is None:
            raise ClassroomError("choose a student first")
        row = self.client.rename(student_id, name)
        self.new_name.value = ""
        self.message.value = f"<p>Renamed to {html.escape(row['name'])}.</p>"
        self.refresh()

    def remove(self, student_id: int | None, confirmed: bool = False) -> None:
        """Remove a student and their answers. From the button, the first click asks to click again."""
        if student_id is None:
            raise ClassroomError("choose a student first")
        if not confirmed and self._confirm_remove != student_id:
            self._confirm_remove = student_id
            name = next((r["name"] for r in self.roster if r["id"] == student_id), "this student")
            self.message.value = f"<p role='alert'>Remove {html.escape(name)} and their answers? Click Remove again to confirm.</p>"
            return
        self._confirm_remove = None
        n = self.client.remove(student_id)["answers_removed"]
        self.message.value = f"<p>Removed, with {n} answer{'s' if n != 1 else ''}.</p>"
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
                peer = self.client.rounds(qid) if qid and info["round"] == 2 else None
                roster, rows = self.client.roster(), self.client.report()
            except ClassroomError as e:
                self.status.value = f"<p role='status'>⚠ {html.escape(str(e))}</p>"
                return
            code = html.escape(info["join_code"])
            self.status.value = (
                f"<p role='status'>Join code <b style='font-size:1.3em'>{code}"
                f"</b> · {html.escape(info_text(info))}</p>"
            )
            if dist != self.dist or peer != self.peer_data:
                self._draw(dist, peer)
            if roster != self.roster:
                self.roster_html.value = roster_html(roster)
                self.students.options = student_options(roster)
            if info["max_students"] != self.info.get("max_students"):
                self.cap.value = info["max_students"]
            if rows != self.rows:
                self.report_html.value = report_html(rows)
            self.info, self.dist, self.peer_data, self.roster, self.rows = info, dist, peer, roster, rows
            ended, posed = info["ended"], bool(info["current_question"])
            self.buttons["pose"].disabled = ended
            self.buttons["close"].disabled = not info["open"]
            self.buttons["open"].disabled = ended or info["open"] or info["revealed"] or not posed
            self.buttons["round2"].disabled = ended or info["revealed"] or not posed or info["round"] == 2
            self.buttons["reveal"].disabled = info["revealed"] or not posed
            self.buttons["end"].disabled = ended

    def _draw(self, dist: dict[str, Any] | None, peer: dict[str, Any] | None = None) -> None:
        labels, counts, colors = chart_data(dist)
        first = peer["rounds"][0] if peer and peer["rounds"] else None
        before = first_round_counts(dist, first)
        with self.figure.batch_update():
            bar, old = self.figure.data[0], self.figure.data[1]
            bar.x, bar.y, bar.text, bar.marker.color = labels, counts, counts, colors
            old.x, old.y, old.text = (labels if before else []), before, before
            self.figure.layout.showlegend = bool(before)
            self.figure.layout.title.text = chart_title(dist)
        self.summary.value = (
            f"<p role='status' aria-live='polite'>{html.escape(distribution_text(dist))}</p>" if dist else ""
        )
        line = shift_text(peer)
        self.peer.value = f"<p role='status'>{html.escape(line)}</p>" if line else ""

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
        line += f" {distribution_text(self.dist)}" if self.dist else ""
        return line + (f" {shift_text(self.peer_data)}" if self.peer_data else "")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.text())


def dashboard(server: str, session_id: str, key: str, *, interval: float = 1.0) -> Dashboard:
    """Show the teacher dashboard and keep it live: ``dashboard(url, session_id, teacher_key)``."""
    return Dashboard(server, session_id, key, interval=interval).start()
