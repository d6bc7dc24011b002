"""Multiple select: tick every option that applies (at least one is right)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any, Literal

from pydantic import model_validator

from cramp_lessons.questions.base import (
    Escape,
    OptionQuestion,
    Pick,
    Scored,
    Scorer,
    ids,
    random_plays,
)


def _weight(w: float) -> str:
    # Moodle's grade fractions are given to 5 decimals (33.33333, 14.28571, ...).
    return f"{w:.5f}".rstrip("0").rstrip(".")


class MultipleSelect(OptionQuestion):
    LABEL = "multiple select"
    ORDER = 2
    type: Literal["multiple"]

    @model_validator(mode="after")
    def _key(self) -> MultipleSelect:
        if not any(o.correct for o in self.options):
            raise ValueError("a multiple-select question needs at least one correct option")
        return self

    # A list (or set) of option ids, ["a", "c"].
    def read(self, answer: Any) -> list[str]:
        return ids(answer, [o.id for o in self.options], self.id, "option")

    def score(self, answer: list[str]) -> Scored:
        chosen, good = set(answer), {o.id for o in self.options if o.correct}
        # Each right pick earns, each wrong pick costs; never below zero.
        score = max(0.0, (len(chosen & good) - len(chosen - good)) / len(good))
        feedback = [o.feedback for o in self.options if o.id in chosen]
        missed = [o.text for o in self.options if o.correct and o.id not in chosen]
        if missed:
            feedback.append("You left out: " + "; ".join(missed))
        return score, feedback

    def right_answer(self) -> list[str]:
        return [o.id for o in self.options if o.correct]

    def answer_text(self) -> str:
        return "; ".join(o.text for o in self.options if o.correct)

    def picks(self, answer: list[str]) -> list[Pick]:
        return [(o.id, not o.correct) for o in self.options if o.id in answer]

    def chance(self, score: Scorer) -> float:
        # Every non-empty set of ticks equally likely.
        keys = [o.id for o in self.options]
        return random_plays(
            score, [list(c) for k in range(1, len(keys) + 1) for c in itertools.combinations(keys, k)]
        )

    def cue(self, score: Scorer) -> float:
        return score([o.id for o in self.options])  # tick every box

    def wrong_answer(self, rng: random.Random) -> list[str]:
        keys = [o.id for o in self.options]
        return rng.sample(keys, rng.randint(1, len(keys)))

    def gift(self, esc: Escape, general: str) -> str:
        w = 100 / sum(o.correct for o in self.options)  # each right pick earns 1/n, each wrong one costs 1/n
        body = "".join(
            f"\t~%{_weight(w if o.correct else -w)}%{esc(o.text)}#{esc(o.feedback)}\n" for o in self.options
        )
        return f"{{\n{body}\t####{general}\n}}"

    def jupyterquiz(self, esc: Escape, why: str) -> dict[str, Any]:
        return self._jupyterquiz("many_choice", esc, why)

    def worksheet(self, order: list[str], letter: Callable[[int], str]) -> tuple[list[str], str]:
        return self._worksheet("Tick every answer that applies.", order, letter)
