"""Quiz grading: pure functions over the content model. No IPython here.

Every answer is checked for form before it is graded. A malformed answer (wrong type,
unknown option, empty) raises :class:`AnswerError`; it is never silently counted as wrong.

Answer forms, by question type:

- ``single``: an option id, ``"b"``
- ``multiple``: a list (or set) of option ids, ``["a", "c"]``
- ``truefalse``: ``True`` (fact) / ``False`` (myth), or the words ``"fact"``/``"myth"``/``"true"``/``"false"``
- ``numeric``: a number, or a string holding one (``"6.25"``, ``"6,25"``)
- ``ordering``: every item id once, in the chosen order
- ``matching``: a mapping ``{pair id: chosen right-hand text}`` for every pair
"""

from __future__ import annotations

import difflib
import itertools
import math
import random
from collections.abc import Iterable, Mapping, Sized
from dataclasses import dataclass, field, replace
from typing import Any

from cramp_lessons.course.model import (
    Bank,
    Course,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
    load_course,
)
from cramp_lessons.errors import AnswerError, echo

# The largest question has a few dozen choices and a number is a few characters: an answer with more
# items or characters than this is a slip (a paste, a loop), refused before it is looked at or echoed.
MAX_ANSWER_SIZE = 1000

TYPE_LABELS = {
    "single": "single choice",
    "multiple": "multiple select",
    "truefalse": "myth or fact",
    "numeric": "number",
    "ordering": "put in order",
    "matching": "matching",
}


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


# ------------------------------------------------------------------ answer forms
def _ids(answer: Any, known: list[str], qid: str, what: str) -> list[str]:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable) or isinstance(answer, Mapping):
        raise AnswerError(
            f"{qid}: expected a list of {what} ids such as {known[:2]}, got {type(answer).__name__} {echo(answer)}"
        )
    out = list(itertools.islice(answer, MAX_ANSWER_SIZE + 1))  # islice: a generator may never end
    if len(out) > MAX_ANSWER_SIZE:
        raise AnswerError(f"{qid}: more than {MAX_ANSWER_SIZE} {what}s given; choose from {', '.join(known)}")
    if not out:
        raise AnswerError(f"{qid}: the answer is empty; choose at least one {what}")
    for a in out:
        if not isinstance(a, str):
            raise AnswerError(f"{qid}: {what} ids are strings, got {echo(a)}")
        if a not in known:
            raise AnswerError(f"{qid}: unknown {what} {echo(a)}; choose from {', '.join(known)}")
    if len(set(out)) != len(out):
        raise AnswerError(f"{qid}: the same {what} is given twice in {echo(out)}")
    return out


def _number(answer: Any, qid: str) -> float:
    if isinstance(answer, bool):
        raise AnswerError(f"{qid}: expected a number, got {answer!r}")
    if isinstance(answer, int) and abs(answer) > 10**308:
        # A float holds at most ~1.8e308 (float() of a bigger int raises OverflowError), and no
        # question asks for anything near it.
        raise AnswerError(f"{qid}: {echo(answer)} is too large a number to check; type a number such as 6.25")
    if isinstance(answer, str):
        text = answer.strip().replace(",", ".")
        if not text:
            raise AnswerError(f"{qid}: the answer is empty; type a number")
        try:
            answer = float(text)
        except ValueError:
            raise AnswerError(f"{qid}: {echo(answer)} is not a number; type digits only, e.g. 6.25") from None
    if not isinstance(answer, (int, float)):
        raise AnswerError(f"{qid}: expected a number, got {type(answer).__name__} {echo(answer)}")
    if not math.isfinite(answer):
        raise AnswerError(f"{qid}: {echo(answer)} is not a finite number")
    return float(answer)


_BOOL_WORDS = {"true": True, "fact": True, "false": False, "myth": False}


def _truth(answer: Any, qid: str) -> bool:
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, str) and answer.strip().lower() in _BOOL_WORDS:
        return _BOOL_WORDS[answer.strip().lower()]
    raise AnswerError(f"{qid}: answer True (fact) or False (myth), got {echo(answer)}")


def _fmt(x: float) -> str:
    return f"{x:g}"


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
    feedback: list[str]

    if isinstance(question, SingleChoice):
        if not isinstance(answer, str):
            raise AnswerError(
                f"{qid}: expected one option id (a string), got {type(answer).__name__} {echo(answer)}"
            )
        (choice,) = _ids([answer], [o.id for o in question.options], qid, "option")
        opt = next(o for o in question.options if o.id == choice)
        right = next(o for o in question.options if o.correct)
        score, feedback, answer_text = float(opt.correct), [opt.feedback], right.text

    elif isinstance(question, MultipleSelect):
        chosen = set(_ids(answer, [o.id for o in question.options], qid, "option"))
        good = {o.id for o in question.options if o.correct}
        # Each right pick earns, each wrong pick costs; never below zero.
        score = max(0.0, (len(chosen & good) - len(chosen - good)) / len(good))
        feedback = [o.feedback for o in question.options if o.id in chosen]
        missed = [o.text for o in question.options if o.correct and o.id not in chosen]
        if missed:
            feedback.append("You left out: " + "; ".join(missed))
        answer_text = "; ".join(o.text for o in question.options if o.correct)

    elif isinstance(question, TrueFalse):
        said = _truth(answer, qid)
        score = float(said == question.answer)
        feedback = [question.feedback_true if said else question.feedback_false]
        answer_text = "fact" if question.answer else "myth"

    elif isinstance(question, Numeric):
        x = _number(answer, qid)
        lo, hi = question.bounds
        score = float(lo - 1e-9 <= x <= hi + 1e-9)
        unit = f" {question.unit}" if question.unit else ""
        if score:
            feedback = [f"{_fmt(x)}{unit} is within the accepted range."]
        else:
            feedback = [f"{_fmt(x)}{unit} is too {'low' if x < lo else 'high'}."]
        answer_text = (
            f"{_fmt(question.value)}{unit} (±{_fmt(question.tolerance)})"
            if question.value is not None
            else f"between {_fmt(lo)} and {_fmt(hi)}{unit}"
        )

    elif isinstance(question, Ordering):
        ids = [i.id for i in question.items]
        order = _ids(answer, ids, qid, "item")
        if len(order) != len(ids):
            raise AnswerError(f"{qid}: put all {len(ids)} items in order; got {len(order)}")
        pos = {i: k for k, i in enumerate(order)}
        pairs = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]]
        # Partial credit: the share of item pairs in the right relative order.
        score = sum(pos[a] < pos[b] for a, b in pairs) / len(pairs)
        text = {i.id: i.text for i in question.items}
        wrong = [f"Step {k + 1} should be: {text[ids[k]]}" for k, i in enumerate(order) if i != ids[k]]
        feedback = wrong or ["Every step is in its place."]
        answer_text = " → ".join(text[i] for i in ids)

    elif isinstance(question, Matching):
        if not isinstance(answer, Mapping):
            raise AnswerError(
                f"{qid}: expected a mapping {{pair id: right-hand text}}, got {type(answer).__name__}"
            )
        lefts = [p.id for p in question.pairs]
        rights = [p.right for p in question.pairs]
        for k in answer:
            if k not in lefts:
                raise AnswerError(f"{qid}: unknown item {echo(k)}; items are {', '.join(lefts)}")
        missing = [k for k in lefts if k not in answer or answer[k] in (None, "")]
        if missing:
            raise AnswerError(f"{qid}: match every item; missing {', '.join(missing)}")
        for k, v in answer.items():
            if v not in rights:
                raise AnswerError(f"{qid}: {echo(v)} is not one of the choices for {k!r}")
        hits = [p for p in question.pairs if answer[p.id] == p.right]
        score = len(hits) / len(question.pairs)
        feedback = [
            f"{p.left} → {p.right}" + (" ✓" if p in hits else f" (you chose: {answer[p.id]})")
            for p in question.pairs
        ]
        answer_text = "; ".join(f"{p.left} → {p.right}" for p in question.pairs)

    else:  # pragma: no cover - the model admits no other type
        raise AnswerError(f"{qid}: unknown question type {type(question).__name__}")

    return Grade(
        question_id=qid,
        score=round(score, 4),
        correct=score >= 1.0,
        feedback=feedback,
        explanation=question.explanation,
        evidence=question.evidence,
        references=course.cite(question.references),
        answer_text=answer_text,
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
    from cramp_lessons.course.variants import instance, is_variant_answer

    if getattr(q, "generator", None) and is_variant_answer(answer):
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
    if isinstance(question, (SingleChoice, MultipleSelect)):
        ids = [o.id for o in question.options]
    elif isinstance(question, Ordering):
        ids = [i.id for i in question.items]
    elif isinstance(question, Matching):
        ids = [p.right for p in question.pairs]
    else:
        return []
    rng = _rng(seed, question.id)
    out = ids[:]
    for _ in range(10):  # never show items already in the right order
        rng.shuffle(out)
        if out != ids or isinstance(question, (SingleChoice, MultipleSelect)):
            break
    return out


def shuffled_questions(bank: Bank, seed: int | str | None = None) -> list[Question]:
    qs = list(bank.questions)
    if seed is not None:
        _rng(seed, bank.bank).shuffle(qs)
    return qs


def right_answer(question: Question) -> Any:
    """The answer that scores 1, in the answer form ``grade`` accepts (for tests and exports)."""
    if isinstance(question, SingleChoice):
        return next(o.id for o in question.options if o.correct)
    if isinstance(question, MultipleSelect):
        return [o.id for o in question.options if o.correct]
    if isinstance(question, TrueFalse):
        return question.answer
    if isinstance(question, Numeric):
        lo, hi = question.bounds
        return question.value if question.value is not None else (lo + hi) / 2
    if isinstance(question, Ordering):
        return [i.id for i in question.items]
    if isinstance(question, Matching):
        return {p.id: p.right for p in question.pairs}
    raise AnswerError(f"{question.id}: unknown question type")
