"""Numeric: type a number, right within a tolerance or a range."""

from __future__ import annotations

import math
import random
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from cramp_lessons.questions.base import Escape, Pick, QuestionBase, Scored, num, number

_SLACK = 1e-9  # a typed 6.25 is 6.25, whatever the float arithmetic of the bounds


def _fmt(x: float) -> str:
    return f"{x:g}"


class Numeric(QuestionBase):
    LABEL = "number"
    ORDER = 4
    type: Literal["numeric"]
    value: float | None = None
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    min: float | None = None
    max: float | None = None
    unit: str = ""

    @field_validator("value", "tolerance", "min", "max")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            why = (
                "no answer could ever equal it" if math.isnan(v) else "every answer (or none) would be right"
            )
            raise ValueError(f"must be a finite number, not {v}: {why}")
        return v

    @model_validator(mode="after")
    def _key(self) -> Numeric:
        if self.generator is not None:
            return self  # the generator gives value and tolerance
        if self.value is None and (self.min is None or self.max is None):
            raise ValueError(
                "a numeric question needs 'value' (with optional 'tolerance') or both 'min' and 'max'"
            )
        if self.value is not None and (self.min is not None or self.max is not None):
            raise ValueError("give either 'value'/'tolerance' or 'min'/'max', not both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' must not be greater than 'max'")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        if self.value is not None:
            return self.value - self.tolerance, self.value + self.tolerance
        assert self.min is not None and self.max is not None  # _key: value, or both min and max
        return float(self.min), float(self.max)

    def _within(self, x: float) -> bool:
        lo, hi = self.bounds
        return lo - _SLACK <= x <= hi + _SLACK

    def _unit(self) -> str:
        return f" {self.unit}" if self.unit else ""

    # A number, or a string holding one ("6.25", "6,25").
    def read(self, answer: Any) -> float:
        return number(answer, self.id)

    def score(self, answer: float) -> Scored:
        if self._within(answer):
            return 1.0, [f"{_fmt(answer)}{self._unit()} is within the accepted range."]
        return 0.0, [f"{_fmt(answer)}{self._unit()} is too {'low' if answer < self.bounds[0] else 'high'}."]

    def right_answer(self) -> float:
        lo, hi = self.bounds
        return self.value if self.value is not None else (lo + hi) / 2

    def answer_text(self) -> str:
        if self.value is not None:
            return f"{_fmt(self.value)}{self._unit()} (±{_fmt(self.tolerance)})"
        lo, hi = self.bounds
        return f"between {_fmt(lo)} and {_fmt(hi)}{self._unit()}"

    def full_prompt(self) -> str:
        return f"{self.prompt} (in {self.unit})" if self.unit else self.prompt

    def picks(self, answer: float) -> list[Pick]:
        return [(f"{answer:g}", not self._within(answer))]

    def pick_label(self, key: str) -> str:
        return f"{key} {self.unit}".strip()

    def key_order(self, key: str, count: int) -> tuple[float, str]:
        return (float(key), "")  # numbers in order

    def public(self, order: list[str]) -> dict[str, Any]:
        return {"unit": self.unit}

    # chance and cue: a number to type, nothing to guess from (the base's 0).

    def wrong_answer(self, rng: random.Random) -> float:
        lo, hi = self.bounds
        return round(hi + (hi - lo + 1) * rng.choice([1, 2, 3]) * rng.choice([-1, 1]), 2)

    def gift(self, esc: Escape, general: str) -> str:
        lo, hi = self.bounds  # min and max when the question gives no value
        key = (
            f"{num(self.value)}:{num(self.tolerance)}" if self.value is not None else f"{num(lo)}..{num(hi)}"
        )
        body = f"\t={key}#{esc('Within the accepted range.')}\n\t~#{esc('Not within the accepted range.')}\n"
        return f"{{#\n{body}\t####{general}\n}}"

    def jupyterquiz(self, esc: Escape, why: str) -> dict[str, Any]:
        ok = esc("Correct." + why)
        lo, hi = self.bounds
        answers: list[dict[str, Any]]
        if self.value is not None and self.tolerance == 0:
            answers = [{"type": "value", "value": self.value, "correct": True, "feedback": ok}]
        else:
            # jupyterquiz ranges are [a, b): the upper bound itself is added as a value.
            answers = [
                {"type": "range", "range": [lo, hi], "correct": True, "feedback": ok},
                {"type": "value", "value": hi, "correct": True, "feedback": ok},
            ]
        answers.append({"type": "default", "feedback": "Not within the accepted range. Try again."})
        return {"question": esc(self.full_prompt()), "type": "numeric", "answers": answers}

    def worksheet(self, order: list[str], letter: Any) -> tuple[list[str], str]:
        line = f"Answer: ______________ {self.unit}".rstrip()
        if self.value is not None:
            tol = f" (±{num(self.tolerance)})" if self.tolerance else ""
            return [line], f"{num(self.value)}{self._unit()}{tol}"
        lo, hi = self.bounds
        return [line], f"between {num(lo)} and {num(hi)}{self._unit()}"
