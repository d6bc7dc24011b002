"""The check-yourself widget: choose practice or exam, a seed, Start; answer; Finish for the report.

Thin by design: drawing and scoring are :mod:`cramp_lessons.learner.assessment`, each question is a
:class:`~cramp_lessons.widgets.quiz.QuestionWidget`, attempts go to the progress store, and on
Finish every answered question is handed to spaced review (:mod:`cramp_lessons.learner.review`).
"""

from __future__ import annotations

import html
import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import ipywidgets as W

from cramp_lessons.course.grading import Grade
from cramp_lessons.course.model import Course, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.learner import review
from cramp_lessons.learner.assessment import Assessment, Report
from cramp_lessons.learner.progress import ProgressStore, get_store
from cramp_lessons.widgets.base import Panel
from cramp_lessons.widgets.quiz import QuestionWidget, grade_html

_STYLE = {"description_width": "initial"}
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AssessmentWidget:
    """Mode toggle, seed, Start and Finish around a drawn set of questions."""

    def __init__(
        self,
        *,
        course: Course | None = None,
        store: ProgressStore | None = None,
        clock: Clock = _utc_now,
        mode: str = "practice",
        seed: int | None = None,
        n_per_lesson: int | None = None,
        total: int | None = None,
        to_review: bool = True,
        link_dir: str | None = "notebooks",
    ) -> None:
        self.course = course or load_course()
        self._store = store
        self.clock = clock
        self.n_per_lesson, self.total, self.to_review, self.link_dir = (
            n_per_lesson,
            total,
            to_review,
            link_dir,
        )
        self.mode = W.ToggleButtons(
            options=[("Practice", "practice"), ("Exam", "exam")],
            value=mode,
            description="Mode:",
            style=_STYLE,
            tooltips=[
                "Feedback after each answer; you may try again",
                "No feedback until you press Finish; one answer each",
            ],
        )
        self.seed = W.IntText(
            value=random.randrange(1000, 10000) if seed is None else seed,
            description="Seed (same seed, same questions):",
            style=_STYLE,
        )
        self.start_button = W.Button(
            description="Start",
            button_style="primary",
            icon="play",
            tooltip="Draw questions from every lesson",
        )
        self.finish_button = W.Button(
            description="Finish",
            icon="flag-checkered",
            disabled=True,
            tooltip="End the assessment and show your report",
        )
        self.status = W.HTML("<p role='status'>Choose a mode and press Start.</p>")
        self.questions_box = W.VBox()
        self.report_html = W.HTML()
        self.summary = W.HTML()
        self.start_button.on_click(lambda _b: self.start())
        self.finish_button.on_click(lambda _b: self.finish())
        self.assessment: Assessment | None = None
        self.question_widgets: list[QuestionWidget] = []
        self.report: Report | None = None
        self.text = (
            "Check yourself: questions drawn from every lesson. Choose practice or exam, then press Start."
        )
        self.widget = Panel(
            [
                W.HTML("<h4>Check yourself across the course</h4>"),
                W.HBox([self.mode, self.seed]),
                W.HBox([self.start_button, self.finish_button]),
                self.status,
                self.questions_box,
                self.report_html,
                self.summary,
            ],
            label=f"[assessment] {self.text}",
        )
        self.widget.add_class("cramp-assessment")

    @property
    def store(self) -> ProgressStore:
        return self._store or get_store()

    # -- actions ------------------------------------------------------------------
    def start(self) -> Assessment | None:
        try:
            a = Assessment.drawn(self.course, self.mode.value, self.seed.value, self.n_per_lesson, self.total)
        except CrampLessonsError as e:
            self.status.value = f"<p role='alert'>⚠ {html.escape(str(e))}</p>"
            return None
        self.assessment, self.report = a, None
        self._session = uuid.uuid4().hex
        self._mark = time.monotonic()
        exam = a.mode == "exam"
        self.question_widgets = [
            QuestionWidget(
                q,
                k + 1,
                seed=self.seed.value,
                course=self.course,
                record=self._record,
                on_graded=self._graded,
                show_feedback=not exam,
                variant_seed=f"sitting:{self._session}",  # a retake draws new numbers
                publish=False,  # the sitting schedules its own reviews when it ends
            )
            for k, q in enumerate(a.questions)
        ]
        self.questions_box.children = [qw.box for qw in self.question_widgets]
        self.report_html.value = self.summary.value = ""
        self.finish_button.disabled = False
        lessons = len({self.course.lesson_of_question(q.id) for q in a.questions})
        how = "no feedback until you press Finish" if exam else "feedback after each answer"
        self.text = (
            f"{'Exam' if exam else 'Practice'} with seed {self.seed.value}: {len(a.questions)} questions "
            f"from {lessons} lessons, {how}."
        )
        self.status.value = f"<p role='status'>{html.escape(self.text)}</p>"
        return a

    def _record(self, qid: str, answer: Any, g: Grade, seconds: float) -> None:
        assert self.assessment is not None
        # In a sitting the questions are read one after another, so the time since the previous
        # answer (or Start) measures this one; QuestionWidget's own clock starts at the first touch.
        now = time.monotonic()
        seconds, self._mark = now - self._mark, now
        self.assessment.record(g, seconds)  # the first answer counts; later ones are tries
        self.store.record(qid, answer, g.score, g.correct, seconds, at=self.clock().timestamp())

    def _graded(self, _qw: QuestionWidget, _g: Grade) -> None:
        a = self.assessment
        if a is not None:
            self.status.value = (
                f"<p role='status'>{html.escape(self.text)} Answered {len(a.answers)} of "
                f"{len(a.questions)}.</p>"
            )

    def finish(self) -> Report | None:
        a = self.assessment
        if a is None or a.finished:
            return self.report
        self.report = rep = a.finish()
        self.finish_button.disabled = True
        for qw in self.question_widgets:
            first = a.answers.get(qw.question.id)
            if first is not None and a.mode == "exam":
                qw.feedback.value = grade_html(
                    first.grade, self.course
                )  # the end of the exam: now show the feedback
            for w in qw._controls():
                w.disabled = True
            qw.check_button.disabled = True
            qw.retry_button.layout.display = "none"
        note = ""
        if self.to_review and a.answers:
            try:
                now = self.clock()
                queued = 0
                for qid, ans in a.answers.items():
                    out = review.record_outcome(
                        self.store,
                        qid,
                        ans.grade,
                        ans.seconds,
                        1,
                        now,
                        question_type=self.course.question(qid).type,
                        session=self._session,
                    )
                    queued += out.enrolled
                note = f" {queued} of the questions you answered will come back in your review."
            except CrampLessonsError as e:
                note = f" (Could not schedule reviews: {e}.)"
        self.report_html.value = rep.as_html(self.link_dir)
        self.text = rep.as_text().split("\n", 1)[0] + note
        self.summary.value = (
            f"<pre role='status' style='white-space: pre-wrap'>{html.escape(rep.as_text())}"
            f"{html.escape(note)}</pre>"
        )
        self.status.value = f"<p role='status'>{html.escape(self.text)}</p>"
        return rep

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        print(self.text)


def check_yourself(
    mode: str = "practice",
    *,
    seed: int | None = None,
    n_per_lesson: int | None = None,
    total: int | None = None,
) -> AssessmentWidget:
    """Show the course-wide assessment in one line: ``check_yourself("exam", total=12)``."""
    return AssessmentWidget(mode=mode, seed=seed, n_per_lesson=n_per_lesson, total=total)
