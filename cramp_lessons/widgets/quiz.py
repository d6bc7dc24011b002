"""The quiz widget: any question type, a Check button, feedback in place, retry.

Thin by design: the input is the type's builder in ``widgets/inputs.py``, grading is
``course.grading.grade``, storage goes through the recorder and answer events.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from cramp_lessons import events
from cramp_lessons.course.grading import (
    HINTED_WEIGHT,
    Grade,
    grade,
    hinted,
    shuffled_choices,
    shuffled_questions,
)
from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import AnswerError, CrampLessonsError
from cramp_lessons.questions import LABELS, Question
from cramp_lessons.widgets import inputs
from cramp_lessons.widgets.base import Panel

Recorder = Callable[[str, Any, Grade, float], None]


def _store_recorder(qid: str, answer: Any, g: Grade, seconds: float) -> None:
    from cramp_lessons.learner.progress import get_store

    get_store().record(qid, answer, g.score, g.correct, seconds)


def _schedule_review(event: events.AnswerEvent) -> None:
    """Spaced review hears a lesson quiz's first outcome (or the one after the hint)."""
    if not event.for_review:
        return
    from cramp_lessons.learner import review
    from cramp_lessons.learner.progress import get_store

    review.record_outcome(
        get_store(),
        event.question.id,
        event.grade,
        event.seconds,
        event.tries,
        time.time(),
        question_type=event.question.type,
    )


events.subscribe(_schedule_review)


def grade_html(g: Grade, course: Course) -> str:
    verdict = "✔ Correct" if g.correct else ("◐ Partly right" if g.score > 0 else "✘ Not quite")
    items = "".join(f"<li>{html.escape(f)}</li>" for f in g.feedback)
    ans = "" if g.correct else f"<p><b>Answer:</b> {html.escape(g.answer_text)}</p>"
    refs = "".join(f"<li>{html.escape(r)}</li>" for r in g.references)
    refs = f"<details><summary>Sources</summary><ul>{refs}</ul></details>" if refs else ""
    return (
        f"<div class='cramp-feedback' role='status' aria-live='polite'>"
        f"<p><b>{verdict}</b> (score {g.score:.0%})</p><ul>{items}</ul>{ans}"
        f"<p><b>Why:</b> {html.escape(g.explanation)} <i>[{course.evidence[g.evidence].words}]</i></p>{refs}</div>"
    )


class QuestionWidget:
    """One question with its input, Check and Try-again buttons and a feedback area."""

    def __init__(
        self,
        question: Question,
        number: int = 1,
        *,
        seed: int | str | None = None,
        course: Course | None = None,
        record: Recorder | None = _store_recorder,
        on_graded: Callable[[QuestionWidget, Grade], None] | None = None,
        show_feedback: bool = True,
        variant_seed: str | None = None,
        publish: bool = True,
    ) -> None:
        self.variant_seed: str | None = None
        if question.generator:
            # A variant: this learner's own numbers (or the sitting's, in the final assessment and
            # in review, so that a retake is a new test of the same idea).
            from cramp_lessons.course.variants import instance
            from cramp_lessons.learner.progress import learner_seed

            self.variant_seed = variant_seed or learner_seed()
            question = instance(question, self.variant_seed)
        self.question = question
        self.course = course or load_course()
        self.record = record
        # A lesson quiz's answers go out as events (spaced review, the live class). The final
        # assessment, the review session and the class's posed question handle their own.
        self.publish = publish
        self.on_graded = on_graded
        self.show_feedback = show_feedback
        self.last: Grade | None = None
        self.tries = 0
        self.hinted = False  # the hint has been shown (after a wrong first try)
        self.hint_pending = False  # ... just now: the learner is to try again
        # Time to answer runs from the first touch of this question's controls, not from when the
        # lesson was opened: reading the lesson above must not make every answer look slow.
        self._started: float | None = None
        kind = LABELS[question.type]
        self.prompt = W.HTML(
            f"<p><b>Question {number}</b> <i>({kind})</i><br>{html.escape(question.prompt)}</p>"
        )
        if seed is None:  # options in this learner's own order (reproducible), never the author's
            from cramp_lessons.learner.progress import learner_seed

            seed = learner_seed()
        self.input = inputs.build(question, shuffled_choices(question, seed))
        self.inputs = self.input.widgets
        self.check_button = W.Button(
            description="Check", button_style="primary", tooltip="Check your answer", icon="check"
        )
        self.retry_button = W.Button(
            description="Try again", tooltip="Clear the answer and try again", layout=W.Layout(display="none")
        )
        self.feedback = W.HTML()
        self.check_button.on_click(lambda _b: self.check())
        self.retry_button.on_click(lambda _b: self.retry())
        for w in self._controls():
            w.observe(self._touched, names="value")
        self.box = W.VBox(
            [self.prompt, *self.inputs, W.HBox([self.check_button, self.retry_button]), self.feedback]
        )
        self.box.add_class("cramp-question")

    def _controls(self) -> list[W.Widget]:
        return self.input.controls

    def answer(self) -> Any:
        """The answer as entered, in the form the question reads (may be malformed)."""
        return self.input.answer()

    # -- actions ------------------------------------------------------------------
    def check(self) -> Grade | None:
        ans = self.answer()
        if missing := self.input.missing():
            self._warn(missing)
            return None
        try:
            g = grade(self.question, ans, self.course)
        except AnswerError as e:
            # A malformed answer is explained, not counted as wrong, and nothing is stored.
            self._warn(str(e).split(": ", 1)[-1])
            return None
        self.tries += 1
        # A wrong first try of a question with a hint gets the hint, not the answer; the success
        # that follows counts less (grading.HINTED_WEIGHT), and spaced review rates it Hard.
        self.hint_pending = bool(
            not g.correct and self.tries == 1 and self.question.hint and self.show_feedback
        )
        self.hinted = self.hinted or self.hint_pending
        if self.hinted and not self.hint_pending and g.correct:
            g = hinted(g)
        self.last = g
        seconds = time.monotonic() - (self._started or time.monotonic())
        stored = ""
        stored_answer = ans if self.variant_seed is None else {"seed": self.variant_seed, "answer": ans}
        if self.record is not None:
            try:
                self.record(self.question.id, stored_answer, g, seconds)
            except CrampLessonsError as e:
                stored = f"<p>⚠ Your answer was graded but not saved: {html.escape(str(e))}</p>"
            if self.publish:
                event = events.AnswerEvent(
                    self.question,
                    stored_answer,
                    g,
                    seconds,
                    self.tries,
                    for_review=not self.hint_pending and self.tries <= 1 + self.hinted,
                )
                for problem in events.publish(event):
                    stored += f"<p>⚠ {html.escape(problem)}</p>"
        if self.hint_pending:
            self.feedback.value = (
                "<div class='cramp-feedback cramp-hint' role='status' aria-live='polite'>"
                f"<p><b>✘ Not quite.</b> <b>Hint:</b> {html.escape(self.question.hint or '')}</p>"
                "<p>Think it through, then press Try again.</p></div>" + stored
            )
        elif self.show_feedback:
            note = ""
            if self.hinted and g.correct:
                note = f"<p><i>Reached with the hint: it counts {HINTED_WEIGHT:.0%}.</i></p>"
            self.feedback.value = grade_html(g, self.course) + note + stored
        else:
            self.feedback.value = "<p role='status'>Answer recorded.</p>" + stored
        for w in self._controls():
            w.disabled = True
        self.check_button.disabled = True
        self.retry_button.layout.display = None if self.show_feedback else "none"
        if self.on_graded:
            self.on_graded(self, g)
        return g

    def retry(self) -> None:
        for w in self._controls():
            w.disabled = False
        self.check_button.disabled = False
        self.retry_button.layout.display = "none"
        self.feedback.value = ""
        self._started = None

    def _touched(self, _change: Any) -> None:
        if self._started is None:
            self._started = time.monotonic()

    def _warn(self, msg: str) -> None:
        self.feedback.value = f"<p class='cramp-warning' role='alert'>⚠ {html.escape(msg)}</p>"


class QuizWidget:
    """A whole bank: its questions, and a running score line."""

    def __init__(
        self,
        bank_id: str,
        *,
        seed: int | str | None = None,
        course: Course | None = None,
        record: Recorder | None = _store_recorder,
    ) -> None:
        self.course = course or load_course()
        self.bank = self.course.bank(bank_id)
        qs = shuffled_questions(self.bank, seed)
        self.questions = [
            QuestionWidget(q, k + 1, seed=seed, course=self.course, record=record, on_graded=self._graded)
            for k, q in enumerate(qs)
        ]
        self.score = W.HTML(self._score_text())
        kinds = sorted({LABELS[q.type] for q in qs})
        self.text = f"Quiz '{self.bank.title}': {len(qs)} questions ({', '.join(kinds)})."
        self.widget = Panel(
            [
                W.HTML(f"<h4>Check yourself: {html.escape(self.bank.title)}</h4>"),
                *[q.box for q in self.questions],
                self.score,
            ],
            label=f"[quiz] {self.text} Answer each question and press Check.",
        )
        self.widget.add_class("cramp-quiz")

    def _score_text(self) -> str:
        done = [q.last for q in self.questions if q.last is not None]
        total = sum(g.score for g in done)
        return f"<p role='status'>Score so far: {total:g} of {len(done)} answered ({len(self.questions)} questions).</p>"

    def _graded(self, _qw: QuestionWidget, _g: Grade) -> None:
        self.score.value = self._score_text()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def quiz(bank_id: str, *, seed: int | str | None = None) -> QuizWidget:
    """Show a quiz bank in one line: ``quiz("causes.cold")``."""
    return QuizWidget(bank_id, seed=seed)
