"""Matching: each item on the left goes with its own description on the right."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.questions.base import Escape, Pick, QuestionBase, Scored, Scorer, random_plays
from cramp_lessons.schema import ContentModel, Id, Text, unique


class Pair(ContentModel):
    id: Id
    left: Text
    right: Text


class Matching(QuestionBase):
    """Each pair's left goes with its own right; the learner matches lefts to shuffled rights."""

    LABEL = "matching"
    ORDER = 6
    RESHUFFLE_SOLVED = True
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)

    @model_validator(mode="after")
    def _key(self) -> Matching:
        unique([p.id for p in self.pairs], "pairs")
        unique([p.right for p in self.pairs], "pairs (right)")
        return self

    # A mapping {pair id: chosen right-hand text} for every pair.
    def read(self, answer: Any) -> dict[str, str]:
        if not isinstance(answer, Mapping):
            raise AnswerError(
                f"{self.id}: expected a mapping {{pair id: right-hand text}}, got {type(answer).__name__}"
            )
        lefts = [p.id for p in self.pairs]
        rights = [p.right for p in self.pairs]
        for k in answer:
            if k not in lefts:
                raise AnswerError(f"{self.id}: unknown item {echo(k)}; items are {', '.join(lefts)}")
        missing = [k for k in lefts if k not in answer or answer[k] in (None, "")]
        if missing:
            raise AnswerError(f"{self.id}: match every item; missing {', '.join(missing)}")
        for k, v in answer.items():
            if v not in rights:
                raise AnswerError(f"{self.id}: {echo(v)} is not one of the choices for {k!r}")
        return dict(answer)

    def score(self, answer: dict[str, str]) -> Scored:
        hits = [p for p in self.pairs if answer[p.id] == p.right]
        feedback = [
            f"{p.left} → {p.right}" + (" ✓" if p in hits else f" (you chose: {answer[p.id]})")
            for p in self.pairs
        ]
        return len(hits) / len(self.pairs), feedback

    def right_answer(self) -> dict[str, str]:
        return {p.id: p.right for p in self.pairs}

    def answer_text(self) -> str:
        return "; ".join(f"{p.left} → {p.right}" for p in self.pairs)

    def choice_keys(self) -> list[str]:
        return [p.right for p in self.pairs]

    def picks(self, answer: dict[str, str]) -> list[Pick]:
        return [(f"{p.id}={answer[p.id]}", answer[p.id] != p.right) for p in self.pairs]

    def pick_label(self, key: str) -> str:
        pid, _, right = key.partition("=")
        left = next((p.left for p in self.pairs if p.id == pid), pid)
        return f"{left} → {right}"

    def public(self, order: list[str]) -> dict[str, Any]:
        return {"lefts": [{"id": p.id, "text": p.left} for p in self.pairs], "rights": order}

    def chance(self, score: Scorer) -> float:
        rng = random.Random(self.id)  # deterministic: the linter prints the same numbers every run
        keys, rights = [p.id for p in self.pairs], self.choice_keys()
        return random_plays(
            score, [dict(zip(keys, rng.sample(rights, len(rights)), strict=True)) for _ in range(200)]
        )

    def wrong_answer(self, rng: random.Random) -> dict[str, str]:
        rights = rng.sample(self.choice_keys(), len(self.pairs))
        return {p.id: r for p, r in zip(self.pairs, rights, strict=True)}

    def unsupported(self, fmt: str) -> str | None:
        if fmt == "gift" and any("->" in p.left for p in self.pairs):
            return "a left-hand item contains '->', which GIFT matching cannot escape"
        if fmt == "jupyterquiz":
            return f"jupyterquiz has no {self.LABEL} question type"
        return None

    def gift(self, esc: Escape, general: str) -> str:
        body = "".join(f"\t={esc(p.left)} -> {esc(p.right)}\n" for p in self.pairs)
        return f"{{\n{body}\t####{general}\n}}"

    def worksheet(self, order: list[str], letter: Any) -> tuple[list[str], str]:
        lines = ["*Write the letter of the matching description beside each item.*", ""]
        lines += [f"{k + 1}. {p.left} ____" for k, p in enumerate(self.pairs)]
        lines.append("")
        lines += [f"- {letter(k)}. {r}" for k, r in enumerate(order)]
        shown = {r: letter(k) for k, r in enumerate(order)}
        return lines, "; ".join(f"{k + 1} → {shown[p.right]} ({p.right})" for k, p in enumerate(self.pairs))
