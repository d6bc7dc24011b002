"""Quiz grading: pure functions over the content model. No IPython here.

Every answer is checked for form before it is graded. A malformed answer (wrong type,
unknown option, empty) raises :class:`AnswerError`; it is never silently counted as wrong.

Each question type (``questions/``) reads, scores and words its own answers; this module turns
that into a :class:`Grade` with the course's citations, re-grades a stored answer by question id,
and orders what a learner sees.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Sized
from dataclasses import dataclass, field, replace
from typing import Any

from cramp_lessons.course.model import Bank, Course, load_course
from cramp_lessons.course.variants import instance, is_variant_answer
from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.questions import Question
from cramp_lessons.questions.base import MAX_ANSWER_SIZE


@dataclass(frozen=True)
class Grade:
    question_id: str
    score: float  # 0..1, partial credit where the type allows it
    correct: bool
    feedback: list[str]
    explanation: str
    evidence: str
    references: list[str] = field(default_factory=list)  # citations, not ids
    answer_text: str = ""  # the right answer in words

    def summary(self) -> str:
        verdict = "Correct" if self.correct else ("Partly right" if self.score > 0 else "Not quite")
        return f"{self.question_id}: {verdict} ({self.score:.0%})."

    def as_text(self) -> str:
        lines = [self.summary(), *self.feedback]
        if not self.correct:
            lines.append(f"Answer: {self.answer_text}")
        lines.append(f"Why: {self.explanation} [evidence: {self.evidence}]")
        lines += [f"Source: {c}" for c in self.references]
        return "\n".join(lines)


# ------------------------------------------------------------------ grading
def grade(question: Question, answer: Any, course: Course | None = None) -> Grade:
    """Grade one answer. Raises :class:`AnswerError` if the answer's form is wrong."""
    course = course or load_course()
    qid = question.id
    if answer is None:
        raise AnswerError(f"{qid}: no answer given")
    if isinstance(answer, Sized) and len(answer) > MAX_ANSWER_SIZE:
        raise AnswerError(
            f"{qid}: the answer is too long ({len(answer):,} items or characters, at most {MAX_ANSWER_SIZE})"
        )
    score, feedback = question.score(question.read(answer))
    return Grade(
        question_id=qid,
        score=round(score, 4),
        correct=score >= 1.0,
        feedback=feedback,
        explanation=question.explanation,
        evidence=question.evidence,
        references=course.cite(question.references),
        answer_text=question.answer_text(),
    )


def check(question_id: str, answer: Any, course: Course | None = None) -> Grade:
    """Grade an answer to a question given by id: ``check("causes.cold.q2", "b")``."""
    course = course or load_course()
    if not isinstance(question_id, str) or question_id not in course.questions:
        typed = question_id if isinstance(question_id, str) else ""
        close = difflib.get_close_matches(typed, course.questions, n=3)
        hint = (
            f"did you mean {', '.join(close)}?" if close else f"quiz banks: {', '.join(sorted(course.banks))}"
        )
        raise AnswerError(f"no question {echo(question_id)} in the course; {hint}")
    q = course.questions[question_id]
    if q.generator and is_variant_answer(answer):
        # A variant's answer is stored with its seed: re-grade it against that learner's numbers.
        return grade(instance(q, str(answer["seed"])), answer["answer"], course)
    return grade(q, answer, course)


# A success after the author's hint (shown after a wrong first try) counts this much of its score.
HINTED_WEIGHT = 0.5


def hinted(g: Grade) -> Grade:
    """The grade of a success reached with the hint: the same verdict, a smaller score."""
    return replace(g, score=round(g.score * HINTED_WEIGHT, 6))


# ------------------------------------------------------------------ shuffling
def _rng(seed: int | str | None, key: str) -> random.Random:
    return random.Random(f"{seed}:{key}") if seed is not None else random.Random()


def shuffled_choices(question: Question, seed: int | str | None = None) -> list[str]:
    """The display order of a question's choices (option ids, item ids or right-hand texts).

    Always shuffled, never the author's order: authors tend to list the right option first (and
    list items to put in order, and matches, solved). A seed (the learner's, see
    ``progress.learner_seed``) makes the order reproducible for that learner and question.
    """
    ids = question.choice_keys()
    if not ids:
        return []
    rng = _rng(seed, question.id)
    out = ids[:]
    for _ in range(10):  # never show items already in the right order
        rng.shuffle(out)
        if out != ids or not question.RESHUFFLE_SOLVED:
            break
    return out


def shuffled_questions(bank: Bank, seed: int | str | None = None) -> list[Question]:
    qs = list(bank.questions)
    if seed is not None:
        _rng(seed, bank.bank).shuffle(qs)
    return qs


def right_answer(question: Question) -> Any:
    """The answer that scores 1, in the answer form ``grade`` accepts (for tests and exports)."""
    return question.right_answer()
