"""Check yourself across the course: a mixed, reproducible draw of questions and a report.

- :func:`draw` picks questions from every lesson that has some, never the same one twice,
  in a mixed order; the same seed gives the same draw.
- :class:`Assessment` runs one sitting in ``practice`` mode (feedback after each answer) or
  ``exam`` mode (no feedback until the end). The **first** answer to each question counts:
  in practice mode the feedback shows the right answer, so a later try is not a test.
- :func:`report` scores the answers by lesson and by question type, and lists each missed
  question with its explanation and a link back to the lesson section
  (``notebooks/<lesson notebook>#<section>``).

Pure logic: no IPython here (the widget is :mod:`cramp_lessons.widgets.assessment`).
"""

from __future__ import annotations

import html
import posixpath
import random
from dataclasses import dataclass, field
from typing import Any, Literal

from cramp_lessons.course.grading import Grade, grade, right_answer
from cramp_lessons.course.model import Course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.questions import LABELS, Question

Mode = Literal["practice", "exam"]
MODES: tuple[str, ...] = ("practice", "exam")
DEFAULT_PER_LESSON = 3


class AssessmentError(CrampLessonsError, ValueError):
    """An assessment cannot be drawn or answered as asked."""


# ------------------------------------------------------------------ drawing
def lesson_pools(course: Course) -> dict[str, list[Question]]:
    """Each lesson that has questions -> its questions (every bank), in lesson order."""
    pools: dict[str, list[Question]] = {}
    for les in sorted(course.lessons.values(), key=lambda x: (x.number, x.id)):
        qs = [q for b in sorted(course.banks_for(les.id), key=lambda b: b.bank) for q in b.questions]
        if qs:
            pools[les.id] = qs
    return pools


def draw(
    course: Course, seed: int | str | None = None, n_per_lesson: int | None = None, total: int | None = None
) -> list[Question]:
    """A mixed list of questions from every lesson's banks.

    Give ``n_per_lesson`` (up to that many from each lesson) or ``total`` (spread as evenly as
    the lessons allow, at least one from each); neither means ``n_per_lesson=3``. Every lesson
    that has questions is covered, no question appears twice, and the same ``seed`` gives the
    same list (``None``: a fresh random draw).
    """
    if n_per_lesson is not None and total is not None:
        raise AssessmentError("give n_per_lesson or total, not both")
    pools = lesson_pools(course)
    if not pools:
        raise AssessmentError("the course has no quiz questions to draw from")
    rng = random.Random(f"assessment:{seed}") if seed is not None else random.Random()
    shuffled = {lid: rng.sample(qs, len(qs)) for lid, qs in pools.items()}

    if total is None:
        k = DEFAULT_PER_LESSON if n_per_lesson is None else n_per_lesson
        if k < 1:
            raise AssessmentError(f"n_per_lesson must be at least 1, got {k}")
        picked = [q for qs in shuffled.values() for q in qs[:k]]
    else:
        available = sum(len(qs) for qs in pools.values())
        if total < len(pools):
            raise AssessmentError(
                f"total={total} cannot cover all {len(pools)} lessons that have questions; ask for at least {len(pools)}"
            )
        if total > available:
            raise AssessmentError(f"total={total} is more than the {available} questions in the course")
        # Round robin over the lessons, in a seeded order, until the total is reached.
        order = rng.sample(list(shuffled), len(shuffled))
        taken = {lid: 0 for lid in order}
        picked = []
        while len(picked) < total:
            for lid in order:
                if len(picked) == total:
                    break
                if taken[lid] < len(shuffled[lid]):
                    picked.append(shuffled[lid][taken[lid]])
                    taken[lid] += 1
    rng.shuffle(picked)
    return picked


# ------------------------------------------------------------------ the report
def lesson_link(course: Course, qid: str) -> str:
    """``notebooks/<lesson notebook>#<section>``, or the notebook alone when the question names no section."""
    q = course.question(qid)
    les = course.lessons[course.lesson_of_question(qid)]
    link = f"notebooks/{les.notebook}"
    return f"{link}#{q.section}" if q.section else link


@dataclass(frozen=True)
class Tally:
    score: float  # sum of scores (partial credit counts)
    count: int

    @property
    def share(self) -> float:
        return self.score / self.count if self.count else 0.0

    def __str__(self) -> str:
        return f"{self.score:g}/{self.count} ({self.share:.0%})"


@dataclass(frozen=True)
class Missed:
    question_id: str
    prompt: str
    lesson_id: str
    type: str
    score: float | None  # None: not answered
    answer_text: str
    explanation: str
    evidence: str
    link: str

    @property
    def verdict(self) -> str:
        if self.score is None:
            return "not answered"
        return "partly right" if self.score > 0 else "wrong"


@dataclass(frozen=True)
class Report:
    mode: str
    total: Tally
    by_lesson: dict[str, Tally]  # lesson id -> tally, in lesson order
    by_type: dict[str, Tally]  # question type -> tally
    missed: list[Missed]
    lesson_titles: dict[str, str] = field(default_factory=dict)  # lesson id -> "01 Title"

    def as_text(self) -> str:
        """A plain-text summary: the score, by lesson, by type, and what to go back to."""
        name = "Exam" if self.mode == "exam" else "Practice"
        lines = [f"{name} result: {self.total.score:g} of {self.total.count} ({self.total.share:.0%})."]
        lines.append(
            "By lesson: "
            + "; ".join(f"{self.lesson_titles.get(k, k)} {v}" for k, v in self.by_lesson.items())
            + "."
        )
        lines.append(
            "By question type: " + "; ".join(f"{LABELS[k]} {v}" for k, v in self.by_type.items()) + "."
        )
        if self.missed:
            lines.append(f"Go back to ({len(self.missed)}):")
            lines += [f"- {m.question_id} ({m.verdict}): {m.explanation} -> {m.link}" for m in self.missed]
        else:
            lines.append("Nothing missed: well done.")
        return "\n".join(lines)

    def as_html(self, from_dir: str | None = None) -> str:
        """The report as HTML. ``from_dir`` makes the links relative to the folder the page is shown
        from (``"notebooks"`` for a notebook in ``notebooks/``); None keeps them as in :attr:`Missed.link`."""

        def href(link: str) -> str:
            if from_dir is None:
                return link
            path, _, anchor = link.partition("#")
            rel = posixpath.relpath(path, from_dir)
            return f"{rel}#{anchor}" if anchor else rel

        def table(title: str, rows: dict[str, Tally], label: dict[str, str]) -> str:
            body = "".join(
                f"<tr><td>{html.escape(label.get(k, k))}</td><td>{v.score:g}</td><td>{v.count}</td><td>{v.share:.0%}</td></tr>"
                for k, v in rows.items()
            )
            return (
                f"<table class='cramp-report'><caption>{title}</caption><thead><tr><th scope='col'>{title.split()[-1]}</th>"
                f"<th scope='col'>score</th><th scope='col'>questions</th><th scope='col'>share</th></tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )

        name = "Exam" if self.mode == "exam" else "Practice"
        head = f"<h4>{name} result: {self.total.score:g} of {self.total.count} ({self.total.share:.0%})</h4>"
        tables = table("Score by lesson", self.by_lesson, self.lesson_titles) + table(
            "Score by type", self.by_type, LABELS
        )
        if self.missed:
            items = "".join(
                f"<li><b>{html.escape(m.prompt)}</b> <i>({m.verdict})</i><br>"
                f"Answer: {html.escape(m.answer_text)}<br>Why: {html.escape(m.explanation)} "
                f"<i>[{html.escape(m.evidence)}]</i><br>"
                f"<a href='{html.escape(href(m.link), quote=True)}' target='_blank'>Go back to the lesson "
                f"({html.escape(self.lesson_titles.get(m.lesson_id, m.lesson_id))})</a></li>"
                for m in self.missed
            )
            missed = f"<p><b>To go back to:</b></p><ol>{items}</ol>"
        else:
            missed = "<p>Nothing missed: well done.</p>"
        return f"<div class='cramp-report' role='status'>{head}{tables}{missed}</div>"


def report(
    course: Course, graded: list[Grade], drawn: list[Question] | None = None, mode: str = "exam"
) -> Report:
    """Score graded answers by lesson and question type, and list what was missed.

    ``graded`` holds one :class:`Grade` per question (the first, if several are given, counts).
    With ``drawn`` (the questions that were asked), unanswered ones count as 0 and are listed.
    """
    first: dict[str, Grade] = {}
    for given in graded:
        first.setdefault(given.question_id, given)
    asked = [q.id for q in drawn] if drawn is not None else list(first)
    unknown = [qid for qid in first if qid not in asked]
    if unknown:
        raise AssessmentError(f"graded answers to questions that were not drawn: {', '.join(unknown)}")

    lessons = lesson_pools(course)
    order = {lid: k for k, lid in enumerate(lessons)}
    by_lesson: dict[str, list[float]] = {}
    by_type: dict[str, list[float]] = {}
    missed: list[Missed] = []
    for qid in asked:
        q = course.question(qid)
        lid = course.lesson_of_question(qid)
        g = first.get(qid)
        score = g.score if g else 0.0
        by_lesson.setdefault(lid, []).append(score)
        by_type.setdefault(q.type, []).append(score)
        if g is None or not g.correct:
            answer_text = g.answer_text if g else grade(q, right_answer(q), course).answer_text
            missed.append(
                Missed(
                    qid,
                    q.prompt,
                    lid,
                    q.type,
                    None if g is None else g.score,
                    answer_text,
                    q.explanation,
                    q.evidence,
                    lesson_link(course, qid),
                )
            )

    def tally(scores: list[float]) -> Tally:
        return Tally(round(sum(scores), 4), len(scores))

    all_scores = [s for v in by_lesson.values() for s in v]
    type_order = {t: k for k, t in enumerate(LABELS)}
    return Report(
        mode=mode,
        total=tally(all_scores),
        by_lesson={
            lid: tally(by_lesson[lid]) for lid in sorted(by_lesson, key=lambda x: order.get(x, len(order)))
        },
        by_type={t: tally(by_type[t]) for t in sorted(by_type, key=type_order.__getitem__)},
        missed=missed,
        lesson_titles={lid: f"{course.lessons[lid].number} {course.lessons[lid].title}" for lid in by_lesson},
    )


# ------------------------------------------------------------------ one sitting
@dataclass
class Answered:
    grade: Grade
    seconds: float | None
    tries: int = 1


class Assessment:
    """One sitting: the drawn questions, the mode, and the first answer to each.

    ``answer`` grades an answer given as data; ``record`` takes a grade made elsewhere (the
    quiz widget grades its own input). In exam mode a question takes one answer and no
    feedback is returned until :meth:`finish`.
    """

    def __init__(
        self, course: Course, questions: list[Question], mode: str = "practice", seed: int | str | None = None
    ) -> None:
        if mode not in MODES:
            raise AssessmentError(f"mode must be 'practice' or 'exam', got {mode!r}")
        if not questions:
            raise AssessmentError("an assessment needs at least one question")
        ids = [q.id for q in questions]
        if len(set(ids)) != len(ids):
            raise AssessmentError("a question appears twice in the assessment")
        self.course, self.questions, self.mode, self.seed = course, list(questions), mode, seed
        self.answers: dict[str, Answered] = {}
        self.report: Report | None = None

    @classmethod
    def drawn(
        cls,
        course: Course,
        mode: str = "practice",
        seed: int | str | None = None,
        n_per_lesson: int | None = None,
        total: int | None = None,
    ) -> Assessment:
        return cls(course, draw(course, seed, n_per_lesson, total), mode, seed)

    @property
    def finished(self) -> bool:
        return self.report is not None

    @property
    def remaining(self) -> list[str]:
        return [q.id for q in self.questions if q.id not in self.answers]

    def record(self, g: Grade, seconds: float | None = None) -> Grade | None:
        """Take a graded answer. Returns the grade to show now (practice) or None (exam)."""
        if self.finished:
            raise AssessmentError("this assessment is finished; start a new one")
        if g.question_id not in {q.id for q in self.questions}:
            raise AssessmentError(f"{g.question_id} is not part of this assessment")
        if g.question_id in self.answers:
            if self.mode == "exam":
                raise AssessmentError(
                    f"{g.question_id} is already answered; an exam takes one answer per question"
                )
            self.answers[g.question_id].tries += 1
        else:
            self.answers[g.question_id] = Answered(g, seconds)
        return g if self.mode == "practice" else None

    def answer(self, qid: str, answer: Any, seconds: float | None = None) -> Grade | None:
        """Grade and record an answer given as data (raises ``AnswerError`` if its form is wrong)."""
        if qid not in {q.id for q in self.questions}:
            raise AssessmentError(f"{qid} is not part of this assessment")
        return self.record(grade(self.course.question(qid), answer, self.course), seconds)

    def finish(self) -> Report:
        if self.report is None:
            self.report = report(
                self.course, [a.grade for a in self.answers.values()], self.questions, self.mode
            )
        return self.report
