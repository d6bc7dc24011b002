"""Single choice: one right option among several."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Literal

from pydantic import model_validator

from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.questions.base import (
    Escape,
    Option,
    OptionQuestion,
    Pick,
    Scored,
    Scorer,
    ids,
)


class SingleChoice(OptionQuestion):
    LABEL = "single choice"
    ORDER = 1
    type: Literal["single"]

    @model_validator(mode="after")
    def _key(self) -> SingleChoice:
        if self.generator is None and sum(o.correct for o in self.options) != 1:
            raise ValueError("a single-choice question needs exactly one option with correct: true")
        return self

    @property
    def right(self) -> Option:
        return next(o for o in self.options if o.correct)

    # An option id, "b".
    def read(self, answer: Any) -> str:
        if not isinstance(answer, str):
            raise AnswerError(
                f"{self.id}: expected one option id (a string), got {type(answer).__name__} {echo(answer)}"
            )
        (choice,) = ids([answer], [o.id for o in self.options], self.id, "option")
        return choice

    def score(self, answer: str) -> Scored:
        opt = next(o for o in self.options if o.id == answer)
        return float(opt.correct), [opt.feedback]

    def right_answer(self) -> str:
        return self.right.id

    def answer_text(self) -> str:
        return self.right.text

    def picks(self, answer: str) -> list[Pick]:
        return [(o.id, not o.correct) for o in self.options if o.id == answer]

    def chance(self, score: Scorer) -> float:
        return 1 / len(self.options)

    def cue(self, score: Scorer) -> float:
        # The longest option (ties shared out).
        longest = max(len(o.text) for o in self.options)
        tied = [o for o in self.options if len(o.text) == longest]
        return sum(o.correct for o in tied) / len(tied)

    def wrong_answer(self, rng: random.Random) -> str:
        return rng.choice([o.id for o in self.options if not o.correct])

    def gift(self, esc: Escape, general: str) -> str:
        body = "".join(
            f"\t{'=' if o.correct else '~'}{esc(o.text)}#{esc(o.feedback)}\n" for o in self.options
        )
        return f"{{\n{body}\t####{general}\n}}"

    def jupyterquiz(self, esc: Escape, why: str) -> dict[str, Any]:
        return self._jupyterquiz("multiple_choice", esc, why)

    def worksheet(self, order: list[str], letter: Callable[[int], str]) -> tuple[list[str], str]:
        return self._worksheet("Tick one.", order, letter)
