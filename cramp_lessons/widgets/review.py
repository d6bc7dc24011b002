"""The Review widget: the questions due for spaced review now, each with its next due time once answered.

Scheduling is :mod:`cramp_lessons.learner.review`. A question is reviewed on its **first** check: the
feedback then shows the right answer, so trying again is allowed but does not change the
schedule.
"""

from __future__ import annotations

import html
import time as _time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

import ipywidgets as W

from cramp_lessons.course.grading import Grade
from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.learner import review
from cramp_lessons.learner.progress import ProgressStore, get_store
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.quiz import QuestionWidget

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def end_of_day(now: datetime) -> datetime:
    """The end of ``now``'s day in the machine's local time zone (the learner's, for a local Jupyter)."""
    local = review.as_utc(now).astimezone()
    return datetime.combine(local.date(), time(23, 59, 59), tzinfo=local.tzinfo).astimezone(UTC)


class ReviewWidget:
    """What is due now, one question widget each, and when each comes back."""

    def __init__(
        self,
        *,
        course: Course | None = None,
        store: ProgressStore | None = None,
        clock: Clock = _utc_now,
        seed: int | str | None = None,
    ) -> None:
        self.course = course or load_course()
        self._store = store
        self.clock = clock
        self.seed = seed
        self.session = uuid.uuid4().hex
        self.header = W.HTML()
        self.questions_box = W.VBox()
        self.refresh_button = W.Button(
            description="Check again", icon="refresh", tooltip="Look again for questions that have come due"
        )
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.question_widgets: list[QuestionWidget] = []
        self.notes: dict[str, W.HTML] = {}
        self.outcomes: dict[str, review.Outcome] = {}
        self._seconds: dict[str, float] = {}
        self.text = ""
        self.widget = Panel(
            [W.HTML("<h4>Review</h4>"), self.header, self.questions_box, self.refresh_button],
            label="[review] Spaced review of questions you missed or found hard.",
        )
        self.widget.add_class("cramp-review")
        self.refresh()

    @property
    def store(self) -> ProgressStore:
        return self._store or get_store()

    def refresh(self) -> list[str]:
        """Load the questions due now; returns their ids."""
        now = self.clock()
        ids = review.due(self.store, now)
        known = [q for q in ids if q in self.course.questions]
        gone = len(ids) - len(known)
        later = [
            q for q in review.due(self.store, end_of_day(now)) if q not in ids and q in self.course.questions
        ]
        self.question_widgets, self.notes, self.outcomes, self._seconds = [], {}, {}, {}
        self._mark = _time.monotonic()
        boxes = []
        for k, qid in enumerate(known):
            qw = QuestionWidget(
                self.course.question(qid),
                k + 1,
                seed=self.seed,
                course=self.course,
                record=self._record,
                on_graded=self._graded,
                variant_seed=f"review:{self.session}",  # new numbers at each review of a variant
                publish=False,  # the review session reschedules its own questions
            )
            note = W.HTML()
            self.question_widgets.append(qw)
            self.notes[qid] = note
            boxes.append(W.VBox([qw.box, note]))
        self.questions_box.children = boxes
        self.text = self._header_text(now, known, later, gone)
        self.header.value = f"<p role='status'>{html.escape(self.text)}</p>"
        return known

    def _header_text(self, now: datetime, known: list[str], later: list[str], gone: int) -> str:
        if known:
            text = f"{len(known)} question{'s are' if len(known) != 1 else ' is'} due for review today."
        elif not review.cards(self.store):
            return (
                "Nothing to review yet: questions you miss, or get right only slowly, in the quizzes and the "
                "check-yourself assessment come back here on a schedule."
            )
        else:
            nxt = review.upcoming(self.store, now)
            text = "Nothing is due for review now." + (
                f" The next question comes back {review.describe_due(nxt, now)}." if nxt else ""
            )
        if later:
            text += f" {len(later)} more {'come' if len(later) != 1 else 'comes'} due later today."
        if gone:
            text += f" ({gone} due question{'s are' if gone != 1 else ' is'} no longer in the course and skipped.)"
        return text

    def _record(self, qid: str, answer: Any, g: Grade, seconds: float) -> None:
        # The due questions are answered one after another: the time since the previous answer
        # measures this one (QuestionWidget's own clock starts only at the first touch).
        now = _time.monotonic()
        seconds, self._mark = now - self._mark, now
        self._seconds.setdefault(qid, seconds)
        self.store.record(qid, answer, g.score, g.correct, seconds, at=self.clock().timestamp())

    def _graded(self, qw: QuestionWidget, g: Grade) -> None:
        qid = qw.question.id
        note = self.notes[qid]
        if qw.hint_pending:
            note.value = (
                "<p role='status'><i>Use the hint and try again: this review waits for that try.</i></p>"
            )
            return
        if qw.tries > 1 + qw.hinted:
            note.value = (
                "<p role='status'><i>Tries after the answer was shown do not change when this question "
                "comes back.</i></p>"
            )
            return
        now = self.clock()
        try:
            out = review.record_outcome(
                self.store,
                qid,
                g,
                self._seconds.get(qid),
                qw.tries,  # 2 after the hint: a success then is rated Hard, not Good
                now,
                question_type=qw.question.type,
                session=self.session,
            )
        except CrampLessonsError as e:
            note.value = f"<p role='alert'>⚠ The review was not saved: {html.escape(str(e))}</p>"
            return
        self.outcomes[qid] = out
        if out.due is None:
            msg = "Well known: this question leaves your review."
        else:
            msg = f"Next review of this question: {review.describe_due(out.due, now)}."
        note.value = f"<p role='status'><b>{html.escape(msg)}</b></p>"
        done = len(self.outcomes)
        if done == len(self.question_widgets):
            nxt = review.upcoming(self.store, now)
            when = f" The next review is {review.describe_due(nxt, now)}." if nxt else ""
            self.text = f"Review done: {done} question{'s' if done != 1 else ''} reviewed.{when}"
            self.header.value = f"<p role='status'>{html.escape(self.text)}</p>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.text)


def review_due(*, seed: int | str | None = None) -> ReviewWidget:
    """Show today's review in one line: ``review_due()``."""
    return ReviewWidget(seed=seed)
