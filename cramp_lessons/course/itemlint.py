"""The item-writing linter: quizzes that cannot be passed from answer cues alone.

Pure logic over the course's questions. Two parts:

- :func:`cue_scores` plays a learner who knows nothing about cramps and uses only test-taking cues:
  it picks the longest option of a single-choice question, answers "myth" to every myth-or-fact
  statement and ticks every box of a multiple-select question (the first option shown is no cue:
  options are shuffled per learner). It compares that learner's expected score with blind chance,
  per question type and overall. The course's rule: no more than :data:`MAX_CUE_GAIN` points above
  chance.
- :func:`lint` lists item-writing problems (answer cues, missing levels or hints, near-duplicate
  questions, lessons with too few questions or too few that ask to apply an idea). ``cramp-lessons
  check`` prints them as warnings; ``--strict`` fails on any.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cramp_lessons.course.grading import grade
from cramp_lessons.course.model import Bank, Course
from cramp_lessons.errors import AnswerError
from cramp_lessons.questions import Question
from cramp_lessons.questions.multiple import MultipleSelect
from cramp_lessons.questions.single import SingleChoice
from cramp_lessons.questions.truefalse import TrueFalse

__all__ = [
    "MAX_CUE_GAIN",
    "MIN_PER_LESSON",
    "MIN_APPLY_SHARE",
    "ABSOLUTE",
    "Finding",
    "CueScore",
    "cue_scores",
    "lint",
]

MAX_CUE_GAIN = 10.0  # points (of 100) a cue-only learner may score above blind chance
MIN_PER_LESSON = 12  # questions per lesson, so a second sitting and spaced review see new ones
# The rule for how many applies to lessons of at least this many minutes: the 10-minute
# orientation (lesson 00) checks the way in, not a topic, and keeps a handful.
COUNTED_FROM_MINUTES = 20
MIN_APPLY_SHARE = 0.5  # of a lesson's questions ask the learner to apply an idea to a situation
MYTH_SHARE = (0.4, 0.6)  # myths among a bank's myth-or-fact statements
NEAR_DUPLICATE = 0.9  # difflib ratio of two prompts
# Words that give the answer away: test-wise learners know a statement with "always" is rarely true.
ABSOLUTE = re.compile(r"\b(always|never|proven|every(?:one|thing|body)?)\b", re.IGNORECASE)
ABOVE = re.compile(r"\b(all|none|both|neither) of (the|these) (above|options|answers)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    where: str  # a question id, a bank id, a lesson id, or "course"
    rule: str  # a short name: longest-right, myth-balance, ...
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


@dataclass(frozen=True)
class CueScore:
    kind: str  # a question type, or "all"
    questions: int
    cue: float  # the cue-only learner's mean score, 0-100
    chance: float  # blind chance's mean score, 0-100

    @property
    def gain(self) -> float:
        return self.cue - self.chance

    def __str__(self) -> str:
        return (
            f"{self.kind}: {self.questions} questions, cue-only learner {self.cue:.0f}%, "
            f"chance {self.chance:.0f}%, gain {self.gain:+.0f} points"
        )


# ------------------------------------------------------------------ one question
def _score(q: Question, answer: Any, course: Course) -> float:
    try:
        return grade(q, answer, course).score
    except AnswerError:
        return 0.0


def _cue_and_chance(q: Question, course: Course) -> tuple[float, float]:
    """The cue-only learner's expected score, and blind chance's (each type says how it guesses)."""

    def score(answer: Any) -> float:
        return _score(q, answer, course)

    return q.cue(score), q.chance(score)


def _scored(course: Course, questions: Iterable[Question]) -> dict[str, tuple[str, float, float]]:
    """Question id -> (type, cue-only score, chance), each question played once."""
    return {q.id: (q.type, *_cue_and_chance(q, course)) for q in questions}


def cue_scores(course: Course, questions: Iterable[Question] | None = None) -> dict[str, CueScore]:
    """Cue-only learner against chance, per question type and ``"all"``."""
    return _summarise(_scored(course, course.questions.values() if questions is None else questions))


def _summarise(scored: dict[str, tuple[str, float, float]]) -> dict[str, CueScore]:
    by: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for kind, cue, chance in scored.values():
        by[kind].append((cue, chance))
        by["all"].append((cue, chance))
    return {
        kind: CueScore(kind, len(v), 100 * sum(c for c, _ in v) / len(v), 100 * sum(h for _, h in v) / len(v))
        for kind, v in sorted(by.items())
    }


# ------------------------------------------------------------------ the rules
def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", "", text.lower()).strip()


def _question_findings(q: Question, scored: dict[str, tuple[str, float, float]]) -> list[Finding]:
    out: list[Finding] = []
    if q.level is None:
        out.append(Finding(q.id, "level", "no level: say whether it asks to recall, understand or apply"))
    if isinstance(q, (SingleChoice, MultipleSelect)):
        texts = [o.text for o in q.options]
        for o in q.options:
            if o.correct and (absolute := ABSOLUTE.search(o.text)):
                out.append(
                    Finding(
                        q.id,
                        "absolute-word",
                        f"a right option says {absolute[0]!r}: {o.text!r}",
                    )
                )
            if ABOVE.search(o.text):
                out.append(Finding(q.id, "all-of-the-above", f"option {o.id!r}: {o.text!r}"))
        norm = [_norm(t) for t in texts]
        for (i, a), (j, b) in itertools.combinations(enumerate(norm), 2):
            if a == b or (min(len(a), len(b)) >= 12 and (a in b or b in a)):
                out.append(
                    Finding(q.id, "overlap", f"options {q.options[i].id!r} and {q.options[j].id!r} overlap")
                )
        stem = _norm(q.prompt)
        for o, n in zip(q.options, norm, strict=True):
            if len(n) >= 12 and n in stem:
                out.append(Finding(q.id, "repeats-stem", f"option {o.id!r} repeats the question's own words"))
        if isinstance(q, MultipleSelect):
            _, tick_all, chance = scored[q.id]
            if tick_all > chance + 1e-9:
                out.append(
                    Finding(
                        q.id,
                        "tick-all",
                        f"ticking every box scores {tick_all:.0%}, more than random ticks ({chance:.0%}): "
                        "make fewer options right",
                    )
                )
    if isinstance(q, TrueFalse) and q.answer and (absolute := ABSOLUTE.search(q.prompt)):
        out.append(Finding(q.id, "absolute-word", f"a fact says {absolute[0]!r}: reword without it"))
    return out


def _bank_findings(bank: Bank) -> list[Finding]:
    out: list[Finding] = []
    singles = [q for q in bank.questions if isinstance(q, SingleChoice)]
    if singles:
        expected = sum(1 / len(q.options) for q in singles)
        for rule, pick in (("longest-right", max), ("shortest-right", min)):
            hits = 0.0
            for q in singles:
                target = pick(len(o.text) for o in q.options)
                tied = [o for o in q.options if len(o.text) == target]
                hits += sum(o.correct for o in tied) / len(tied)
            if hits - expected > max(1.0, 0.1 * len(singles)):
                word = "longest" if pick is max else "shortest"
                out.append(
                    Finding(
                        bank.bank,
                        rule,
                        f"the right option is the {word} in {hits:g} of {len(singles)} single-choice "
                        f"questions; chance is {expected:.1f}",
                    )
                )
    tfs = [q for q in bank.questions if isinstance(q, TrueFalse)]
    if tfs:
        myths = sum(not q.answer for q in tfs) / len(tfs)
        if not MYTH_SHARE[0] <= myths <= MYTH_SHARE[1]:
            out.append(
                Finding(
                    bank.bank,
                    "myth-balance",
                    f"{myths:.0%} of its {len(tfs)} myth-or-fact statements are myths; keep it within "
                    f"{MYTH_SHARE[0]:.0%}-{MYTH_SHARE[1]:.0%} so 'always myth' earns nothing",
                )
            )
    return out


def lint(course: Course) -> list[Finding]:
    """Every item-writing problem in the course's question banks (empty when all is well)."""
    out: list[Finding] = []
    scored = _scored(course, course.questions.values())
    for q in course.questions.values():
        out += _question_findings(q, scored)
    for bank in course.banks.values():
        out += _bank_findings(bank)
    prompts = [(q.id, _norm(q.prompt)) for q in course.questions.values()]
    for (ia, a), (ib, b) in itertools.combinations(prompts, 2):
        m = difflib.SequenceMatcher(None, a, b)
        # The cheap upper bounds first: most pairs are ruled out without the full comparison.
        if (
            m.real_quick_ratio() >= NEAR_DUPLICATE
            and m.quick_ratio() >= NEAR_DUPLICATE
            and m.ratio() >= NEAR_DUPLICATE
        ):
            out.append(Finding(ia, "near-duplicate", f"its question is nearly the same as {ib}'s"))
    for les in course.in_order():
        qs = [q for b in course.banks_for(les.id) for q in b.questions]
        if not qs:
            continue
        if len(qs) < MIN_PER_LESSON and les.minutes >= COUNTED_FROM_MINUTES:
            out.append(
                Finding(les.id, "too-few", f"{len(qs)} questions; at least {MIN_PER_LESSON} per lesson")
            )
        apply = sum(q.level == "apply" for q in qs) / len(qs)
        if apply < MIN_APPLY_SHARE:
            out.append(
                Finding(
                    les.id,
                    "apply-share",
                    f"{apply:.0%} of its questions ask to apply an idea to a situation; at least "
                    f"{MIN_APPLY_SHARE:.0%}",
                )
            )
    for s in _summarise(scored).values():
        if s.gain > MAX_CUE_GAIN:
            out.append(
                Finding(
                    "course",
                    "cue-only",
                    f"{s}: a learner using only test-taking cues beats chance by more than {MAX_CUE_GAIN:g} points",
                )
            )
    return out
