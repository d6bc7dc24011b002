"""What every question type is and does: the shared fields, and the behaviour each type defines.

A question type is one module in this folder (``single.py``, ``numeric.py``, ...): its content
schema (a pydantic model) and every behaviour that differs by type, as methods of that model:

- reading and scoring an answer (:meth:`~QuestionBase.read`, :meth:`~QuestionBase.score`), the right
  answer and its words;
- what is shown in a shuffled order (:meth:`~QuestionBase.choice_keys`);
- how answers are counted for a class's chart and the item analysis (:meth:`~QuestionBase.picks`);
- how a learner who guesses, or uses only answer cues, scores (:meth:`~QuestionBase.chance`,
  :meth:`~QuestionBase.cue`), for the item-writing linter;
- its form in Moodle GIFT, jupyterquiz and the printable worksheet.

The widget that takes the answer in a notebook is the type's builder in ``widgets/inputs.py``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, PrivateAttr, model_validator

from cramp_lessons.errors import AnswerError, echo
from cramp_lessons.schema import Cited, ContentModel, Id, Text, unique

# The largest question has a few dozen choices and a number is a few characters: an answer with more
# items or characters than this is a slip (a paste, a loop), refused before it is looked at or echoed.
MAX_ANSWER_SIZE = 1000

Level = Literal["recall", "understand", "apply"]
LEVELS: tuple[str, ...] = Level.__args__  # type: ignore[attr-defined]

Scored = tuple[float, list[str]]  # a score from 0 to 1 (partial credit where the type allows it), feedback
Pick = tuple[str, bool]  # a choice key an answer counts for, and whether it is a wrong one
Scorer = Callable[[Any], float]  # an answer's score, 0 for a malformed one (for the linter's plays)
Escape = Callable[[str], str]


class Option(ContentModel):
    id: Id
    text: Text
    correct: bool = False
    feedback: Text


class QuestionBase(Cited):
    """The fields every question has, and the behaviour each type defines (see the module docstring)."""

    LABEL: ClassVar[str]  # how the type reads to a learner: "single choice", "myth or fact"
    ORDER: ClassVar[int]  # where the type comes in lists and reports (score by type)
    # An ordering or a matching shown in its solved order gives the answer away: shuffle again.
    RESHUFFLE_SOLVED: ClassVar[bool] = False

    if TYPE_CHECKING:
        type: str  # each type's own Literal ("single", ...): what tells the types apart in a bank

    id: Id
    prompt: Text
    explanation: Text
    section: str | None = None  # anchor in the lesson notebook, for "go back to" links
    # What the question asks of the learner: recall a fact, understand an idea, or apply it to a
    # situation. `cramp-lessons check --strict` wants every question to have one (course/itemlint.py).
    level: Level | None = None
    # A variant: the named generator (course/variants.py) draws each learner's numbers and computes
    # the answer with the course's own model; the text's {placeholders} take its numbers.
    generator: str | None = None
    _template: QuestionBase | None = PrivateAttr(default=None)  # a variant's template
    _seed: str | None = PrivateAttr(default=None)  # and the seed of this draw
    # Shown after a wrong first try: points to the reasoning without giving the answer. Every
    # `apply` question has one; a success after the hint counts less (grading.HINTED_WEIGHT).
    hint: str | None = None

    @model_validator(mode="after")
    def _apply_has_hint(self) -> QuestionBase:
        if self.level == "apply" and not (self.hint and self.hint.strip()):
            raise ValueError("an 'apply' question needs a hint: the nudge shown after a wrong first try")
        return self

    # -- an answer ---------------------------------------------------------------------------
    def read(self, answer: Any) -> Any:
        """The answer in this type's form; :class:`AnswerError` if it is malformed (never "wrong")."""
        raise NotImplementedError

    def score(self, answer: Any) -> Scored:
        """The score and feedback of an answer :meth:`read` accepted."""
        raise NotImplementedError

    def right_answer(self) -> Any:
        """The answer that scores 1, in the form :meth:`read` accepts (tests, exports, demos)."""
        raise NotImplementedError

    def answer_text(self) -> str:
        """The right answer in words, shown after a wrong answer."""
        raise NotImplementedError

    def full_prompt(self) -> str:
        """The prompt as another tool shows it (a number's unit added)."""
        return self.prompt

    # -- display order -------------------------------------------------------------------------
    def choice_keys(self) -> list[str]:
        """The choices shown in a shuffled order (ids or texts), in the author's order; [] if none."""
        return []

    # -- counting answers: a class's chart, the item analysis --------------------------------------
    def picks(self, answer: Any) -> list[Pick]:
        """What a read answer counts for: ``(choice key, wrong?)`` pairs."""
        raise NotImplementedError

    def pick_label(self, key: str) -> str:
        """A choice key in words, for charts and reports."""
        return key

    def listed_keys(self) -> list[Pick]:
        """Choices a chart shows even before anyone picks them, in the author's order."""
        return []

    def distractors(self) -> set[str]:
        """The wrong choices an author could revise when nobody picks them."""
        return {k for k, wrong in self.listed_keys() if wrong}

    def key_order(self, key: str, count: int) -> tuple[float, str]:
        """Where an unlisted choice sorts in a chart: the most chosen first."""
        return (-count, key)

    def public(self, order: list[str]) -> dict[str, Any]:
        """What a student sees before the reveal, beyond id, type and prompt (choices in ``order``)."""
        return {}

    # -- guessing: the item-writing linter, demos ------------------------------------------------
    def chance(self, score: Scorer) -> float:
        """The expected score of a learner who picks at random (0 when there is nothing to pick)."""
        return 0.0

    def cue(self, score: Scorer) -> float:
        """The expected score of a learner who uses only answer cues (longest option, always "myth")."""
        return self.chance(score)

    def wrong_answer(self, rng: random.Random) -> Any:
        """A plausible wrong answer (for demos and load tests)."""
        raise NotImplementedError

    # -- other formats --------------------------------------------------------------------------
    def unsupported(self, fmt: str) -> str | None:
        """Why this question cannot be written in ``fmt`` ("gift", "jupyterquiz"), or None."""
        return None

    def gift(self, esc: Escape, general: str) -> str:
        """The GIFT answer block, ``{...}``, with ``general`` (escaped) as its general feedback."""
        raise NotImplementedError

    def jupyterquiz(self, esc: Escape, why: str) -> dict[str, Any]:
        """The jupyterquiz question dict; ``why`` (the explanation) goes with the right answer."""
        raise NotImplementedError

    def worksheet(self, order: list[str], letter: Callable[[int], str]) -> tuple[list[str], str]:
        """The printable answer area (Markdown lines, choices in ``order``) and the answer key's line."""
        raise NotImplementedError


class OptionQuestion(QuestionBase):
    """A question answered by picking among options (single choice, multiple select)."""

    options: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _distinct_options(self) -> OptionQuestion:
        unique([o.id for o in self.options], "options")
        return self

    def choice_keys(self) -> list[str]:
        return [o.id for o in self.options]

    def pick_label(self, key: str) -> str:
        return next((o.text for o in self.options if o.id == key), key)

    def listed_keys(self) -> list[Pick]:
        return [(o.id, not o.correct) for o in self.options]

    def public(self, order: list[str]) -> dict[str, Any]:
        text = {o.id: o.text for o in self.options}
        return {"options": [{"id": i, "text": text[i]} for i in order]}

    def _jupyterquiz(self, kind: str, esc: Escape, why: str) -> dict[str, Any]:
        return {
            "question": esc(self.prompt),
            "type": kind,
            "answers": [
                {
                    "answer": esc(o.text),
                    "correct": o.correct,
                    "feedback": esc(o.feedback + (why if o.correct else "")),
                }
                for o in self.options
            ],
        }

    def _worksheet(self, how: str, order: list[str], letter: Callable[[int], str]) -> tuple[list[str], str]:
        text = {o.id: o.text for o in self.options}
        right = {o.id for o in self.options if o.correct}
        lines = [f"*{how}*", "", *(f"- [ ] {letter(k)}. {text[i]}" for k, i in enumerate(order))]
        return lines, ", ".join(f"{letter(k)} ({text[i]})" for k, i in enumerate(order) if i in right)


# ------------------------------------------------------------------ answer forms the types share
def ids(answer: Any, known: list[str], qid: str, what: str) -> list[str]:
    """A list of distinct known ids (option or item ids)."""
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


def number(answer: Any, qid: str) -> float:
    """A finite number, from a number or a string holding one ("6.25", "6,25")."""
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


def num(x: float) -> str:
    """A number as other tools read it: 6 not 6.0, full precision otherwise."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def random_plays(score: Scorer, answers: list[Any]) -> float:
    """The mean score of some answers (a learner's random plays)."""
    return sum(score(a) for a in answers) / len(answers)
