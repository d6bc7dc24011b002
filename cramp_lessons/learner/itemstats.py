"""Item analysis: how each quiz question worked, from a learner's history or a class's answers.

Pure logic. :func:`from_progress` and :func:`from_class` turn stored answers into
:class:`Response` records; :func:`analyse` computes, per question:

- **difficulty**: the share of learners whose counted answer is correct. The first answer of each
  learner to each question counts (later tries after feedback measure the feedback, not the item).
- **discrimination** (needs at least two learners): the upper-lower index. The learners who
  answered the item are ranked by their total score over all the questions they answered (ties
  broken by name, so the result is reproducible); the top and bottom :data:`GROUP_SHARE` (at least
  one each) form the upper and lower groups, and D = share correct in the upper group minus share
  correct in the lower group. Also the **point-biserial** correlation between being right on the
  item (0/1) and the learner's total score on the *other* items (the rest score); None when either
  has no variance.
- **choices**: how often each option was chosen (single and multiple choice: per option id; myth
  or fact: ``true`` / ``false``), and the distractors (wrong options of a choice question) nobody
  picked.
- **hint use**: the share of learners whose success was reached with the author's hint. The quiz
  widget shows the hint after a wrong first try and scales the success that follows by
  :data:`cramp_lessons.course.grading.HINTED_WEIGHT`, so a correct answer scored below 1 was hinted.
  Counted: a correct first answer scored below 1 (a class row, which holds one answer per
  learner), or a wrong first answer followed by such a correct one (a learner's own history).
- **time**: the median seconds of the counted answers, when known.

:func:`as_table` prints the result as aligned plain text; :func:`write_csv` writes it as CSV.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cramp_lessons.course.model import Course
from cramp_lessons.course.variants import plain_answer
from cramp_lessons.errors import AnswerError, CrampLessonsError
from cramp_lessons.questions import Question

__all__ = [
    "GROUP_SHARE",
    "TOO_EASY",
    "TOO_HARD",
    "MIN_LEARNERS_DIFFICULTY",
    "LOW_DISCRIMINATION",
    "MIN_LEARNERS_DISCRIMINATION",
    "MIN_LEARNERS_DISTRACTOR",
    "FLAG_TOO_EASY",
    "FLAG_TOO_HARD",
    "FLAG_NO_DISCRIMINATION",
    "FLAG_UNPICKED_DISTRACTOR",
    "Response",
    "ItemStats",
    "Analysis",
    "analyse",
    "from_progress",
    "from_class",
    "as_table",
    "write_csv",
]

GROUP_SHARE = 0.27  # of the ranked learners in each of the upper and lower groups
TOO_EASY = 0.9  # difficulty above this: nearly everyone gets it right
TOO_HARD = 0.2  # difficulty below this: nearly everyone gets it wrong
MIN_LEARNERS_DIFFICULTY = 5  # learners needed before "too easy" / "too hard" is said
LOW_DISCRIMINATION = 0.2  # D below this: strong and weak learners do about as well
MIN_LEARNERS_DISCRIMINATION = 10  # learners needed before "does not discriminate" is said
MIN_LEARNERS_DISTRACTOR = 10  # learners needed before "distractor nobody picks" is said

FLAG_TOO_EASY = "too easy"
FLAG_TOO_HARD = "too hard"
FLAG_NO_DISCRIMINATION = "does not discriminate"
FLAG_UNPICKED_DISTRACTOR = "distractor nobody picks"

YOU = "you"  # the learner's name in their own history


@dataclass(frozen=True)
class Response:
    """One answer by one learner; several for one question are tries, in the order given."""

    learner: str
    question_id: str
    answer: Any
    score: float
    correct: bool
    seconds: float | None = None


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    type: str
    n: int  # learners with an answer
    difficulty: float  # share correct, 0..1
    discrimination: float | None  # upper-lower index D, -1..1
    point_biserial: float | None  # item vs rest score
    hint_share: float  # share of the n learners whose success was hinted
    median_seconds: float | None
    choices: dict[str, int] = field(default_factory=dict)  # option id (or true/false) -> times chosen
    unpicked_distractors: tuple[str, ...] = ()  # wrong options nobody chose
    flags: tuple[str, ...] = ()


class Analysis(list[ItemStats]):
    """The per-question statistics, in the course's order; ``skipped`` counts the answers to
    questions the course does not have (question id -> number of answers)."""

    def __init__(self, stats: Iterable[ItemStats] = (), skipped: dict[str, int] | None = None) -> None:
        super().__init__(stats)
        self.skipped: dict[str, int] = dict(skipped or {})


# --------------------------------------------------------------------------- adapters
def from_progress(store: Any) -> list[Response]:
    """A learner's own attempts (``ProgressStore.attempts()``, oldest first) as responses."""
    return [
        Response(YOU, a.question_id, plain_answer(a.answer), float(a.score), bool(a.correct), a.seconds)
        for a in store.attempts()
    ]


def from_class(store: Any, session_id: str) -> list[Response]:
    """A class session's answers (``classroom.server.store.Store.answers``) as responses.

    The classroom keeps one answer per student and question (a resubmission replaces it), and
    it does not time answers. An unknown session gives no responses: the caller names it.
    """
    return [
        Response(str(r["name"]), r["question_id"], r["answer"], float(r["score"]), bool(r["correct"]), None)
        for r in store.answers(session_id)
    ]


# --------------------------------------------------------------------------- analysis
def _chosen(question: Question, answer: Any) -> list[str]:
    """The listed choice keys an answer counts for; nothing for a malformed answer."""
    listed = {k for k, _ in question.listed_keys()}
    try:
        return [k for k, _ in question.picks(question.read(answer)) if k in listed]
    except AnswerError:
        return []


def _choice_keys(question: Question) -> tuple[list[str], set[str]]:
    """All listed choice keys in the author's order, and the distractors an author could revise."""
    return [k for k, _ in question.listed_keys()], question.distractors()


def _hinted(tries: Sequence[Response]) -> bool:
    first = tries[0]
    if first.correct:
        return first.score < 1.0
    return len(tries) > 1 and tries[1].correct and tries[1].score < 1.0


def _point_biserial(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r of a 0/1 variable and a score; None without variance in either."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def analyse(responses: Iterable[Response], course: Course) -> Analysis:
    """Statistics for every question with at least one answer, in the course's order."""
    tries: dict[str, dict[str, list[Response]]] = defaultdict(dict)  # qid -> learner -> tries
    skipped: dict[str, int] = defaultdict(int)
    for r in responses:
        if r.question_id not in course.questions:
            skipped[r.question_id] += 1
            continue
        tries[r.question_id].setdefault(r.learner, []).append(r)

    totals: dict[str, float] = defaultdict(float)  # learner -> sum of counted scores
    for per_learner in tries.values():
        for learner, ts in per_learner.items():
            totals[learner] += ts[0].score

    out = []
    for qid, question in course.questions.items():
        by_learner = tries.get(qid)
        if not by_learner:
            continue
        learners = sorted(by_learner, key=lambda who: (-totals[who], who))  # strongest first
        counted = {who: by_learner[who][0] for who in learners}
        n = len(learners)
        right = {who: counted[who].correct for who in learners}
        difficulty = sum(right.values()) / n

        d = r_pb = None
        if n >= 2:
            k = max(1, int(GROUP_SHARE * n + 0.5))
            d = sum(right[w] for w in learners[:k]) / k - sum(right[w] for w in learners[-k:]) / k
            r_pb = _point_biserial(
                [float(right[w]) for w in learners], [totals[w] - counted[w].score for w in learners]
            )

        keys, wrong = _choice_keys(question)
        choices = dict.fromkeys(keys, 0)
        for r in counted.values():
            for key in _chosen(question, r.answer):
                choices[key] += 1
        unpicked = tuple(key for key in keys if key in wrong and choices[key] == 0)

        seconds = [
            float(r.seconds)
            for r in counted.values()
            if isinstance(r.seconds, (int, float)) and math.isfinite(r.seconds) and r.seconds >= 0
        ]
        flags = []
        if n >= MIN_LEARNERS_DIFFICULTY and difficulty > TOO_EASY:
            flags.append(FLAG_TOO_EASY)
        if n >= MIN_LEARNERS_DIFFICULTY and difficulty < TOO_HARD:
            flags.append(FLAG_TOO_HARD)
        if n >= MIN_LEARNERS_DISCRIMINATION and d is not None and d < LOW_DISCRIMINATION:
            flags.append(FLAG_NO_DISCRIMINATION)
        if n >= MIN_LEARNERS_DISTRACTOR and unpicked:
            flags.append(FLAG_UNPICKED_DISTRACTOR)
        out.append(
            ItemStats(
                question_id=qid,
                type=getattr(question, "type", type(question).__name__),
                n=n,
                difficulty=difficulty,
                discrimination=d,
                point_biserial=r_pb,
                hint_share=sum(_hinted(by_learner[w]) for w in learners) / n,
                median_seconds=statistics.median(seconds) if seconds else None,
                choices=choices,
                unpicked_distractors=unpicked,
                flags=tuple(flags),
            )
        )
    return Analysis(out, skipped)


# --------------------------------------------------------------------------- output
def _num(x: float | None, fmt: str = ".2f") -> str:
    return "-" if x is None else format(x, fmt)


def _flags_text(s: ItemStats) -> str:
    return "; ".join(
        f"{f} ({', '.join(s.unpicked_distractors)})" if f == FLAG_UNPICKED_DISTRACTOR else f for f in s.flags
    )


def _choices_text(s: ItemStats) -> str:
    return " ".join(f"{k}={v}" for k, v in s.choices.items())


COLUMNS = ("question", "n", "difficulty", "D", "r_pb", "hint", "median s", "flags", "choices")


def as_table(stats: Iterable[ItemStats]) -> str:
    """One aligned row per question: id, n, difficulty, D, r_pb, hint share, median s, flags, choices."""
    rows = [
        (
            s.question_id,
            str(s.n),
            _num(s.difficulty),
            _num(s.discrimination),
            _num(s.point_biserial),
            _num(s.hint_share),
            _num(s.median_seconds, ".1f"),
            _flags_text(s) or "-",
            _choices_text(s) or "-",
        )
        for s in stats
    ]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    left = {0, 7, 8}  # text columns; numbers are right-aligned

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join(line(r) for r in [COLUMNS, *rows]) + "\n"


CSV_FIELDS = (
    "question_id",
    "type",
    "n",
    "difficulty",
    "discrimination",
    "point_biserial",
    "hint_share",
    "median_seconds",
    "choices",
    "unpicked_distractors",
    "flags",
)


def write_csv(stats: Iterable[ItemStats], path: str | Path) -> Path:
    """Write the statistics as CSV (empty cells for values that are undefined). Returns the path."""
    path = Path(path).expanduser()
    if not path.parent.is_dir():
        raise CrampLessonsError(f"cannot write {path}: the folder {path.parent} does not exist")

    def cell(x: float | None) -> str:
        return "" if x is None else f"{x:.4g}"

    try:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(CSV_FIELDS)
            for s in stats:
                w.writerow(
                    [
                        s.question_id,
                        s.type,
                        s.n,
                        cell(s.difficulty),
                        cell(s.discrimination),
                        cell(s.point_biserial),
                        cell(s.hint_share),
                        cell(s.median_seconds),
                        _choices_text(s),
                        " ".join(s.unpicked_distractors),
                        "; ".join(s.flags),
                    ]
                )
    except OSError as e:
        raise CrampLessonsError(f"cannot write {path}: {e.strerror or e}") from None
    return path
