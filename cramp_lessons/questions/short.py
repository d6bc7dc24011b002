"""Type the word: a short typed answer, right when it is one of the author's accepted answers.

The author lists every accepted spelling and synonym (``accept``; the first is the one shown), the
wrong answers people really give with feedback on each (``wrong``), and the feedback for any other
answer. Matching ignores case, spaces around and between words, and a final full stop, as Moodle's
GIFT short answer and jupyterquiz's string question ignore case.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.questions.base import Escape, Pick, QuestionBase, Scored
from cramp_lessons.schema import ContentModel, Text

MAX_LENGTH = 80  # a word or a short phrase; a paste is refused before it is echoed
Typed = Annotated[str, Field(min_length=1, max_length=MAX_LENGTH)]


def normal(text: str) -> str:
    """How a typed answer is compared: lower case, single spaces, no final full stop."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip().casefold()


class WrongAnswer(ContentModel):
    text: Typed
    feedback: Text  # why it tempts, and why it is wrong


class ShortAnswer(QuestionBase):
    LABEL = "type the word"
    ORDER = 7
    type: Literal["short"]
    accept: list[Typed] = Field(min_length=1)  # accepted spellings and synonyms; the first is shown
    feedback: Text  # for an accepted answer
    wrong: list[WrongAnswer] = Field(default_factory=list)  # answers people give, each with its feedback
    feedback_other: Text  # for any other answer

    @model_validator(mode="after")
    def _distinct(self) -> ShortAnswer:
        seen: dict[str, str] = {}
        for text in [*self.accept, *(w.text for w in self.wrong)]:
            key = normal(text)
            if not key:
                raise ValueError(f"{text!r} is empty once spaces and a final full stop are ignored")
            if key in seen:
                raise ValueError(f"{text!r} and {seen[key]!r} are the same answer (case and spaces ignored)")
            seen[key] = text
        return self

    # The typed text.
    def read(self, answer: Any) -> str:
        if not isinstance(answer, str):
            raise AnswerError(
                f"{self.id}: expected the typed word (text), got {type(answer).__name__} {echo(answer)}"
            )
        if len(answer) > MAX_LENGTH:
            raise AnswerError(
                f"{self.id}: the answer is longer than {MAX_LENGTH} characters; type a word or two"
            )
        if not normal(answer):
            raise AnswerError(f"{self.id}: the answer is empty; type a word")
        return normal(answer)

    def _accepted(self) -> set[str]:
        return {normal(a) for a in self.accept}

    def score(self, answer: str) -> Scored:
        if answer in self._accepted():
            return 1.0, [self.feedback]
        known = next((w.feedback for w in self.wrong if normal(w.text) == answer), None)
        return 0.0, [known or self.feedback_other]

    def right_answer(self) -> str:
        return self.accept[0]

    def answer_text(self) -> str:
        others = self.accept[1:]
        return self.accept[0] + (f" (also accepted: {', '.join(others)})" if others else "")

    def picks(self, answer: str) -> list[Pick]:
        return [(answer, answer not in self._accepted())]

    # chance and cue: a word to type, nothing to guess from (the base's 0).

    def wrong_answer(self, rng: random.Random) -> str:
        return rng.choice([w.text for w in self.wrong]) if self.wrong else "not sure"

    def gift(self, esc: Escape, general: str) -> str:
        right = "".join(f"\t={esc(a)}#{esc(self.feedback)}\n" for a in self.accept)
        wrong = "".join(f"\t=%0%{esc(w.text)}#{esc(w.feedback)}\n" for w in self.wrong)
        return f"{{\n{right}{wrong}\t####{general}\n}}"

    def jupyterquiz(self, esc: Escape, why: str) -> dict[str, Any]:
        answers: list[dict[str, Any]] = [
            {"answer": esc(a), "correct": True, "match_case": False, "feedback": esc(self.feedback + why)}
            for a in self.accept
        ]
        answers += [
            {"answer": esc(w.text), "correct": False, "match_case": False, "feedback": esc(w.feedback)}
            for w in self.wrong
        ]
        answers.append({"type": "default", "feedback": esc(self.feedback_other)})
        return {"question": esc(self.prompt), "type": "string", "answers": answers}

    def worksheet(self, order: list[str], letter: Callable[[int], str]) -> tuple[list[str], str]:
        return ["Answer: ______________"], self.answer_text()
