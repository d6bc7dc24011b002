"""Put in order: the items are listed in the right order; the learner sees them shuffled."""

from __future__ import annotations

import random
from typing import Any, Literal

from pydantic import Field, model_validator

from cramp_lessons.errors import AnswerError
from cramp_lessons.questions.base import Pick, QuestionBase, Scored, Scorer, ids, random_plays
from cramp_lessons.schema import ContentModel, Id, Text, unique


class Item(ContentModel):
    id: Id
    text: Text


class Ordering(QuestionBase):
    """Items are listed in the correct order; the widget shuffles them."""

    LABEL = "put in order"
    ORDER = 5
    RESHUFFLE_SOLVED = True
    type: Literal["ordering"]
    items: list[Item] = Field(min_length=2)

    @model_validator(mode="after")
    def _key(self) -> Ordering:
        unique([i.id for i in self.items], "items")
        return self

    def _text(self) -> dict[str, str]:
        return {i.id: i.text for i in self.items}

    # Every item id once, in the chosen order.
    def read(self, answer: Any) -> list[str]:
        keys = [i.id for i in self.items]
        order = ids(answer, keys, self.id, "item")
        if len(order) != len(keys):
            raise AnswerError(f"{self.id}: put all {len(keys)} items in order; got {len(order)}")
        return order

    def score(self, answer: list[str]) -> Scored:
        keys = [i.id for i in self.items]
        pos = {i: k for k, i in enumerate(answer)}
        pairs = [(a, b) for k, a in enumerate(keys) for b in keys[k + 1 :]]
        # Partial credit: the share of item pairs in the right relative order.
        score = sum(pos[a] < pos[b] for a, b in pairs) / len(pairs)
        text = self._text()
        wrong = [f"Step {k + 1} should be: {text[keys[k]]}" for k, i in enumerate(answer) if i != keys[k]]
        return score, wrong or ["Every step is in its place."]

    def right_answer(self) -> list[str]:
        return [i.id for i in self.items]

    def answer_text(self) -> str:
        return " → ".join(i.text for i in self.items)

    def choice_keys(self) -> list[str]:
        return [i.id for i in self.items]

    def picks(self, answer: list[str]) -> list[Pick]:
        return [(">".join(answer), answer != self.right_answer())]

    def pick_label(self, key: str) -> str:
        text = self._text()
        return " → ".join(text.get(i, i) for i in key.split(">"))

    def public(self, order: list[str]) -> dict[str, Any]:
        text = self._text()
        return {"items": [{"id": i, "text": text[i]} for i in order]}

    def chance(self, score: Scorer) -> float:
        rng = random.Random(self.id)  # deterministic: the linter prints the same numbers every run
        keys = self.right_answer()
        return random_plays(score, [rng.sample(keys, len(keys)) for _ in range(200)])

    def wrong_answer(self, rng: random.Random) -> list[str]:
        return rng.sample(self.right_answer(), len(self.items))

    def unsupported(self, fmt: str) -> str | None:
        if fmt == "gift":
            return "GIFT has no ordering question type"
        return f"jupyterquiz has no {self.LABEL} question type" if fmt == "jupyterquiz" else None

    def worksheet(self, order: list[str], letter: Any) -> tuple[list[str], str]:
        text = self._text()
        lines = ["*Number the steps in order (1 = first).*", ""]
        lines += [f"- ____ {letter(k)}. {text[i]}" for k, i in enumerate(order)]
        shown = {i: letter(k) for k, i in enumerate(order)}
        return lines, " → ".join(f"{shown[i.id]} ({i.text})" for i in self.items)
