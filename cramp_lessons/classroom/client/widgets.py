"""The student's side of a live class: a join form, a status line, the posed question.

``join(server, code, name)`` joins in one line; ``join_widget()`` shows the form. Once joined,
every quiz answer checked in any lesson is kept in the local progress store *and* queued for
the class (see :func:`cramp_lessons.classroom.forward_answer`). The question the teacher poses
appears here without feedback; the answer and explanation appear when the teacher reveals them.
In peer instruction's first round the student also says how sure they are; in the second round
the question comes back, fresh, to answer again after talking with a neighbour. An explorer
state the teacher shares opens here, in that explorer.

Everything shown that came from the server or a person (names, texts) is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from cramp_lessons.classroom import ClassroomError, set_active
from cramp_lessons.classroom.client.http import DEFAULT_SERVER, Status, StudentClient
from cramp_lessons.course.grading import Grade
from cramp_lessons.course.model import Course, load_course
from cramp_lessons.course.variants import COURSE_SEED, plain_answer
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.quiz import QuestionWidget

_STYLE = {"description_width": "initial"}


# --------------------------------------------------------------------------- pure rendering
def status_html(status: Status | None) -> str:
    text = "not joined" if status is None else status.text()
    icon = (
        "⚪"
        if status is None
        else ("🟢" if status.connected else ("🔴" if status.connected is False else "🟡"))
    )
    return (
        f"<p class='cramp-classroom-status' role='status' aria-live='polite'>{icon} Classroom: "
        f"{html.escape(text)}</p>"
    )


def reveal_html(reveal: dict[str, Any]) -> str:
    """The teacher's reveal: the right answer, why, and how this student did."""
    mine = ""
    if reveal.get("your_correct") is not None:
        verdict = "✔ You got it" if reveal["your_correct"] else f"You scored {reveal['your_score']:.0%}"
        items = "".join(f"<li>{html.escape(f)}</li>" for f in reveal.get("your_feedback", []))
        mine = f"<p><b>{verdict}</b></p><ul>{items}</ul>"
    refs = "".join(f"<li>{html.escape(r)}</li>" for r in reveal.get("references", []))
    refs = f"<details><summary>Sources</summary><ul>{refs}</ul></details>" if refs else ""
    return (
        f"<div class='cramp-feedback' role='status' aria-live='polite'>"
        f"<p><b>Answer:</b> {html.escape(reveal['answer_text'])}</p>{mine}"
        f"<p><b>Why:</b> {html.escape(reveal['explanation'])} "
        f"<i>[evidence: {html.escape(reveal['evidence'])}]</i></p>"
        f"{refs}</div>"
    )


CONFIDENCE_CHOICES = [("Guessing", 1), ("Unsure", 2), ("Sure", 3)]


def phase_text(state: dict[str, Any] | None) -> str:
    """One line on what the class is doing now."""
    if state and state.get("ended"):
        return "The class has ended. Thank you!"
    if not state or not state.get("question"):
        return "Waiting for the teacher to pose a question."
    qid = state["question"]["id"]
    if state.get("round") == 2 and not state["revealed"]:
        qid += " (round 2: answer again after talking with a neighbour)"
    if state["revealed"]:
        return f"{qid}: the answer is revealed."
    if state["open"]:
        return f"{qid}: answering is open" + (
            " (you answered; you may change it until it closes)." if state["answered"] else "."
        )
    return f"{qid}: answering is closed" + ("; your answer is in." if state["answered"] else ".")


# --------------------------------------------------------------------------- the widget
class JoinWidget:
    """Server address, join code and display name; then the status line and the posed question."""

    def __init__(
        self,
        server: str = DEFAULT_SERVER,
        code: str = "",
        name: str = "",
        *,
        course: Course | None = None,
        **client_kwargs: Any,
    ) -> None:
        self.course = course or load_course()
        self.client_kwargs = client_kwargs
        self.client: StudentClient | None = None
        self.server = W.Text(
            value=server, description="Server address:", placeholder="http://192.168.1.5:8765", style=_STYLE
        )
        self.code = W.Text(value=code, description="Join code:", placeholder="K7P2QX", style=_STYLE)
        self.name = W.Text(
            value=name,
            description="Display name:",
            style=_STYLE,
            placeholder="a first name or nickname (nothing else is stored)",
        )
        self.button = W.Button(
            description="Join", button_style="primary", icon="sign-in", tooltip="Join the class"
        )
        self.status = W.HTML(status_html(None))
        self.message = W.HTML()
        self.phase = W.HTML()
        self.question_box = W.VBox()
        self.reveal = W.HTML()
        self.confidence = W.ToggleButtons(
            options=CONFIDENCE_CHOICES,
            value=None,
            description="How sure are you?",
            style=_STYLE,
            tooltips=["I am guessing", "I think so, but I am not sure", "I am sure"],
        )
        self.confidence.layout.display = "none"
        self.shared_box = W.VBox()
        self.question: QuestionWidget | None = None
        self._shown: str | None = None  # "<question id>:<round>" on show
        self._shared: dict[str, Any] | None = None
        self.button.on_click(lambda _b: self.join())
        self.form = W.VBox([self.server, self.code, self.name, self.button])
        self.widget = Panel(
            [
                W.HTML("<h4>Join a live class</h4>"),
                self.form,
                self.status,
                self.message,
                self.phase,
                self.confidence,
                self.question_box,
                self.reveal,
                self.shared_box,
            ],
            label="[classroom] Join a live class",
        )
        self.widget.add_class("cramp-classroom")

    def join(self) -> bool:
        try:
            client = StudentClient(self.server.value, self.code.value, self.name.value, **self.client_kwargs)
        except ClassroomError as e:  # e.g. an empty or non-http address
            return self._fail(e)
        try:
            if not client.name or len(client.name) > 40:
                raise ClassroomError("choose a display name of 1 to 40 characters")
            client.join()
        except ClassroomError as e:
            client.close()
            return self._fail(e)
        self.client = client
        set_active(client)
        for w in self.form.children:
            w.disabled = True
        self.message.value = (
            f"<p>Joined as <b>{html.escape(client.name)}</b>. Your quiz answers in every lesson now "
            f"also go to the class.</p>"
        )
        client.listeners.append(lambda _c: self.refresh())
        client.start()
        self.refresh()
        return True

    def _fail(self, e: ClassroomError) -> bool:
        self.message.value = f"<p class='cramp-warning' role='alert'>⚠ {html.escape(str(e))}</p>"
        return False

    def refresh(self) -> None:
        """Show the client's status and the posed question (called from the client's thread)."""
        c = self.client
        if c is None:
            return
        self.status.value = status_html(c.status())
        st = c.state
        self.phase.value = f"<p>{html.escape(phase_text(st))}</p>"
        q = st.get("question") if st else None
        if st and q and f"{q['id']}:{st['round']}" != self._shown:  # a new question, or round 2: afresh
            self._show_question(q["id"])
            self._shown = f"{q['id']}:{st['round']}"
            self.confidence.value = None
        if self.question is not None and st:
            self._follow(self.question, st["open"])
        # Asked in round 1, while answering is open: round 2 measures the shift, not confidence.
        ask = bool(st and q and st["round"] == 1 and st["open"])
        self.confidence.layout.display = None if ask else "none"
        self.reveal.value = reveal_html(st["reveal"]) if st and st.get("reveal") else ""
        shared = st.get("shared") if st else None
        if shared != self._shared:
            self._show_shared(shared)

    def _show_shared(self, shared: dict[str, Any] | None) -> None:
        """Open the explorer state the teacher shares (or take it away when they stop)."""
        self._shared = shared
        if not shared:
            self.shared_box.children = []
            return
        from cramp_lessons.errors import CrampLessonsError
        from cramp_lessons.widgets.base import Explorer
        from cramp_lessons.widgets.explorers import show_explorer

        try:
            explorer = show_explorer(shared["explorer"])
            if not isinstance(explorer, Explorer):  # a picture: nothing to set
                raise KeyError(shared["explorer"])
            explorer.set_state(shared["state"])
        except (KeyError, CrampLessonsError) as e:  # an older copy of the course, say
            self.shared_box.children = [
                W.HTML(f"<p>⚠ Cannot open the shared explorer: {html.escape(str(e))}</p>")
            ]
            return
        values = ", ".join(f"{k} {v:g}" for k, v in shared["state"].items())
        self.shared_box.children = [
            W.HTML(f"<p><b>Your teacher shared this explorer state:</b> {html.escape(values)}.</p>"),
            explorer.widget,
        ]

    @staticmethod
    def _follow(qw: QuestionWidget, is_open: bool) -> None:
        """Lock the question while answering is closed; while open, allow changing an answer."""
        controls = [*qw._controls(), qw.check_button]
        if not is_open:
            for w in controls:
                w.disabled = True
            qw.retry_button.layout.display = "none"
        elif all(w.disabled for w in controls):  # answered, or locked by an earlier close
            if qw.last is None:
                for w in controls:
                    w.disabled = False
            else:
                qw.retry_button.layout.display = None

    def _show_question(self, qid: str) -> None:
        try:
            q = self.course.question(qid)
        except KeyError:
            self.question = None
            self.question_box.children = [
                W.HTML(
                    f"<p>⚠ Question {html.escape(qid)} is not in your copy of the "
                    f"course: update the course to answer it.</p>"
                )
            ]
            return
        # A posed variant shows the course's own draw: the one the server grades and the class discusses.
        self.question = QuestionWidget(
            q,
            course=self.course,
            record=self._record,
            show_feedback=False,
            variant_seed=COURSE_SEED,
            publish=False,  # _record sends it to the class itself
        )
        self.question_box.children = [self.question.box]

    def _record(self, qid: str, answer: Any, g: Grade, seconds: float) -> None:
        # Written straight to both stores (not via the quiz widget's default recorder, which
        # also forwards), so a posed question's answer is queued exactly once.
        from cramp_lessons.learner.progress import get_store

        try:
            get_store().record(qid, answer, g.score, g.correct, seconds)
        finally:  # a local store problem (shown by the quiz widget) must not keep it from the class
            if self.client is not None:
                self.client.record(qid, plain_answer(answer), self.confidence.value)

    def text(self) -> str:
        if self.client is None:
            return (
                "Classroom: not joined. Fill in the server address, the join code and a display name, "
                "then press Join."
            )
        return f"Classroom: joined as {self.client.name}: {self.client.status().text()}."

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.text())


def join_widget(server: str = DEFAULT_SERVER, code: str = "", name: str = "") -> JoinWidget:
    """Show the join form: ``join_widget()``."""
    return JoinWidget(server, code, name)


def join(server: str, code: str, name: str, **client_kwargs: Any) -> JoinWidget:
    """Join a live class in one line: ``join("http://192.168.1.5:8765", "K7P2QX", "Sam")``.

    Shows the status line and the posed question. If joining fails, the message says why
    and the form stays editable.
    """
    w = JoinWidget(server, code, name, **client_kwargs)
    w.join()
    return w
