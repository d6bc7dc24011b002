"""Myth or fact: the statement in the prompt is true (fact) or false (myth)."""

from __future__ import annotations

import random
from typing import Any, Literal

from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.questions.base import Escape, Pick, QuestionBase, Scored, Scorer
from cramp_lessons.schema import Text

_WORDS = {"true": True, "fact": True, "false": False, "myth": False}


def truth(answer: Any, qid: str) -> bool:
    """True (fact) or False (myth), from a bool or the words fact/myth/true/false."""
    if isinstance(answer, bool):
        return answer
    if isinstance(answer, str) and answer.strip().lower() in _WORDS:
        return _WORDS[answer.strip().lower()]
    raise AnswerError(f"{qid}: answer True (fact) or False (myth), got {echo(answer)}")


class TrueFalse(QuestionBase):
    LABEL = "myth or fact"
    ORDER = 3
    type: Literal["truefalse"]
    answer: bool
    feedback_true: Text
    feedback_false: Text

    # True (fact) / False (myth), or the words "fact"/"myth"/"true"/"false".
    def read(self, answer: Any) -> bool:
        return truth(answer, self.id)

    def score(self, answer: bool) -> Scored:
        return float(answer == self.answer), [self.feedback_true if answer else self.feedback_false]

    def right_answer(self) -> bool:
        return self.answer

    def answer_text(self) -> str:
        return "fact" if self.answer else "myth"

    def picks(self, answer: bool) -> list[Pick]:
        return [("fact" if answer else "myth", answer != self.answer)]

    def pick_label(self, key: str) -> str:
        return "Fact" if key == "fact" else "Myth"

    def listed_keys(self) -> list[Pick]:
        return [("fact", not self.answer), ("myth", self.answer)]

    def distractors(self) -> set[str]:
        return set()  # no option to revise: nobody choosing the wrong side means the item is easy

    def chance(self, score: Scorer) -> float:
        return 0.5

    def cue(self, score: Scorer) -> float:
        return 0.0 if self.answer else 1.0  # always "myth"

    def wrong_answer(self, rng: random.Random) -> bool:
        return not self.answer

    def gift(self, esc: Escape, general: str) -> str:
        right, wrong = (
            (self.feedback_true, self.feedback_false)
            if self.answer
            else (self.feedback_false, self.feedback_true)
        )
        # {T#feedback for a wrong answer#feedback for a right answer####general}
        return f"{{{'T' if self.answer else 'F'}#{esc(wrong)}#{esc(right)}####{general}}}"

    def jupyterquiz(self, esc: Escape, why: str) -> dict[str, Any]:
        return {
            "question": esc(self.prompt),
            "type": "multiple_choice",
            "answers": [
                {
                    "answer": "Fact",
                    "correct": self.answer,
                    "feedback": esc(self.feedback_true + (why if self.answer else "")),
                },
                {
                    "answer": "Myth",
                    "correct": not self.answer,
                    "feedback": esc(self.feedback_false + ("" if self.answer else why)),
                },
            ],
        }

    def worksheet(self, order: list[str], letter: Any) -> tuple[list[str], str]:
        return ["- [ ] Fact", "- [ ] Myth"], "Fact" if self.answer else "Myth"
