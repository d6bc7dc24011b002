"""Spaced review: questions the learner missed, or got right only with effort, come back on a schedule.

The schedule is FSRS (the ``fsrs`` package): each question under review has one FSRS
``Card``, stored as JSON in the ``reviews`` table of the progress store (the table is made by
:mod:`cramp_lessons.learner.schema` when the store is opened), so it survives restarts and
travels with ``progress export``/``import``.

Time is always injected (``now``): nothing here reads the clock or sleeps, so a test can
jump a week ahead by passing a later ``now``.

How an outcome becomes an FSRS rating (:func:`rating_for`)
----------------------------------------------------------
FSRS asks how hard the recall was. A quiz answer tells us that through three signals:
whether it was right, how long it took, and whether it took more than one try.

- **Again** - wrong (score 0). Nothing was recalled; FSRS puts the card back to its first
  learning step, so it is due again the same day.
- **Hard** - partly right (0 < score < 1), or right only after a retry. Something was
  recalled, but with errors; FSRS grows the interval the least of the passing ratings.
- **Good** - right on the first try, but slowly (longer than :data:`SLOW_SECONDS` for the
  question's type) or with unknown timing. Correct recall after some thought is exactly
  what FSRS calls "Good"; and when we cannot tell whether the recall was effortless, we do
  not claim it was.
- **Easy** - right on the first try, quickly. Effortless recall: the longest interval.

A question the learner answers Easy the first time is not put under review at all: it is
already known, and a review queue full of known facts is what makes people stop reviewing.
Once a question is under review, every outcome (Easy too) updates its card.

"Slow" is 30 s for questions that are read and clicked once (single, multiple, myth-or-fact,
number): reading a two-line prompt and four options takes 10-20 s, so over 30 s means
hesitation. Ordering and matching need several choices, so they get 60 s.

Retries. The quiz widget shows the right answer after a wrong check, so a right answer
after that is not evidence of recall. The widgets in this package therefore review a
question on its **first** check only (``tries=1``); ``tries > 1`` is for front ends that let
a learner try again without revealing the answer. If a front end records every check of
one sitting, pass the same ``session``: the card is then re-reviewed from its state before
that sitting, so three checks in a row count as one review, not three.

Scheduler settings (:data:`SCHEDULER`): learning steps of 10 minutes and 1 day (a course
is opened once a day or so, not every minute as in flashcard apps), relearning 10 minutes,
desired retention 0.9 (FSRS's default), and no fuzzing, so schedules are reproducible
(fuzz spreads the load of big flashcard decks; a course has a few dozen questions).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler

from cramp_lessons.course.grading import Grade
from cramp_lessons.errors import ProgressError
from cramp_lessons.learner.progress import ProgressStore

SLOW_SECONDS: dict[str, float] = {
    "single": 30.0,
    "multiple": 30.0,
    "truefalse": 30.0,
    "numeric": 30.0,
    "ordering": 60.0,
    "matching": 60.0,
    "explorer": 60.0,  # moving a slider and reading the model takes longer than a choice
}
DEFAULT_SLOW_SECONDS = 30.0

SCHEDULER = Scheduler(
    desired_retention=0.9,
    learning_steps=(timedelta(minutes=10), timedelta(days=1)),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)


@dataclass(frozen=True)
class Outcome:
    """What one review did: the rating given and when the question comes back (None: not under review)."""

    question_id: str
    rating: Rating
    due: datetime | None
    enrolled: bool  # the question is (now) under review

    def summary(self, now: datetime | float) -> str:
        if self.due is None:
            return f"{self.question_id}: known well; it will not come back for review."
        return f"{self.question_id}: rated {self.rating.name}; next review {describe_due(self.due, now)}."


@dataclass(frozen=True)
class ReviewCard:
    """One row of the ``reviews`` table."""

    question_id: str
    card: Card
    reps: int
    lapses: int
    last_rating: Rating
    updated: float

    @property
    def due(self) -> datetime:
        return self.card.due

    def as_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "card": self.card.to_dict(),
            "reps": self.reps,
            "lapses": self.lapses,
            "last_rating": int(self.last_rating),
            "updated": self.updated,
        }


# ------------------------------------------------------------------ time
def as_utc(now: datetime | float | int) -> datetime:
    """A timezone-aware UTC datetime from a datetime (naive = UTC) or unix seconds."""
    if isinstance(now, bool):
        raise TypeError(f"expected a datetime or unix time, got {now!r}")
    if isinstance(now, (int, float)):
        return datetime.fromtimestamp(float(now), tz=UTC)
    if isinstance(now, datetime):
        if now.tzinfo is None:
            return now.replace(tzinfo=UTC)
        return now.astimezone(UTC)
    raise TypeError(f"expected a datetime or unix time, got {type(now).__name__} {now!r}")


def describe_due(due: datetime, now: datetime | float) -> str:
    """'now', 'in 10 minutes', 'in 5 hours', 'in 3 days (2025-06-04)'."""
    delta = (as_utc(due) - as_utc(now)).total_seconds()
    if delta <= 0:
        return "now"
    minutes = round(delta / 60)
    if minutes < 60:
        return f"in {max(minutes, 1)} minute{'s' if minutes != 1 else ''}"
    hours = round(delta / 3600)
    if hours < 24:
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = round(delta / 86400)
    return f"in {days} day{'s' if days != 1 else ''} ({as_utc(due).date().isoformat()})"


# ------------------------------------------------------------------ rating
def is_slow(seconds: float | None, question_type: str | None = None) -> bool:
    limit = SLOW_SECONDS.get(question_type or "", DEFAULT_SLOW_SECONDS)
    return seconds is not None and seconds > limit


def rating_for(
    grade: Grade, seconds: float | None = None, tries: int = 1, question_type: str | None = None
) -> Rating:
    """The FSRS rating for one outcome (see the module docstring for why).

    ``grade`` is a :class:`cramp_lessons.course.grading.Grade` (only its ``score`` and ``correct`` are read);
    ``tries`` counts the checks up to and including this one.
    """
    if tries < 1:
        raise ValueError(f"tries counts checks and starts at 1, got {tries}")
    score = float(grade.score)
    if not grade.correct and score <= 0:
        return Rating.Again
    if not grade.correct or tries > 1:
        return Rating.Hard
    if seconds is None or is_slow(seconds, question_type):
        return Rating.Good
    return Rating.Easy


# ------------------------------------------------------------------ storage
def _card_id(qid: str) -> int:
    # Stable per question (fsrs defaults to the creation time in ms, and sleeps 1 ms to keep it unique).
    return int(hashlib.sha256(qid.encode()).hexdigest()[:13], 16)


def _load_card(text: str) -> Card:
    return Card.from_dict(json.loads(text))


def _row(r: tuple) -> ReviewCard:
    qid, card, reps, lapses, last, updated = r
    return ReviewCard(qid, _load_card(card), reps, lapses, Rating(last), updated)


_COLS = "question_id, card, reps, lapses, last_rating, updated"


def record_outcome(
    store: ProgressStore,
    qid: str,
    grade: Grade,
    seconds: float | None,
    tries: int,
    now: datetime | float,
    *,
    question_type: str | None = None,
    session: str | None = None,
) -> Outcome:
    """Review question ``qid`` with the outcome of one answer, at time ``now``.

    A question not yet under review is enrolled unless the outcome is Easy. With ``session``,
    repeated calls for the same sitting replace that sitting's review instead of adding one.
    """
    rating = rating_for(grade, seconds, tries, question_type)
    when = as_utc(now)
    with store.transaction() as con:
        row = con.execute(
            "SELECT card, reps, lapses, session, before, last_rating FROM reviews WHERE question_id = ?",
            (qid,),
        ).fetchone()
        if row is None:
            if rating == Rating.Easy:
                return Outcome(qid, rating, None, False)
            base, reps, lapses, before = Card(card_id=_card_id(qid), due=when), 0, 0, None
        elif session is not None and row[3] == session:
            # Same sitting again: redo its review from the card as it was before the sitting.
            if row[4] is None:
                if rating == Rating.Easy:
                    con.execute("DELETE FROM reviews WHERE question_id = ?", (qid,))
                    return Outcome(qid, rating, None, False)
                base = Card(card_id=_card_id(qid), due=when)
            else:
                base = _load_card(row[4])
            reps, lapses = row[1] - 1, row[2] - (row[5] == int(Rating.Again))
            before = row[4]
        else:
            base, reps, lapses, before = _load_card(row[0]), row[1], row[2], row[0]
        duration = None if seconds is None else int(seconds * 1000)
        card, _log = SCHEDULER.review_card(base, rating, review_datetime=when, review_duration=duration)
        con.execute(
            "INSERT INTO reviews(question_id, card, due, reps, lapses, last_rating, updated, session, before) "
            "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(question_id) DO UPDATE SET card=excluded.card, "
            "due=excluded.due, reps=excluded.reps, lapses=excluded.lapses, last_rating=excluded.last_rating, "
            "updated=excluded.updated, session=excluded.session, before=excluded.before",
            (
                qid,
                json.dumps(card.to_dict()),
                card.due.timestamp(),
                reps + 1,
                lapses + (rating == Rating.Again),
                int(rating),
                when.timestamp(),
                session,
                before,
            ),
        )
    return Outcome(qid, rating, card.due, True)


def due(store: ProgressStore, now: datetime | float) -> list[str]:
    """Ids of the questions due for review at ``now``, the longest overdue first."""
    rows = store.query(
        "SELECT question_id FROM reviews WHERE due <= ? ORDER BY due, question_id",
        (as_utc(now).timestamp(),),
    )
    return [r[0] for r in rows]


def next_due(store: ProgressStore, qid: str) -> datetime | None:
    """When question ``qid`` is next due, or None if it is not under review."""
    rows = store.query("SELECT card FROM reviews WHERE question_id = ?", (qid,))
    return _load_card(rows[0][0]).due if rows else None


def upcoming(store: ProgressStore, now: datetime | float) -> datetime | None:
    """When the next question not yet due comes due (None if nothing is waiting)."""
    rows = store.query("SELECT MIN(due) FROM reviews WHERE due > ?", (as_utc(now).timestamp(),))
    return None if not rows or rows[0][0] is None else as_utc(rows[0][0])


def cards(store: ProgressStore) -> list[ReviewCard]:
    """Every question under review."""
    return [_row(r) for r in store.query(f"SELECT {_COLS} FROM reviews ORDER BY question_id")]


def merge_cards(con: sqlite3.Connection, incoming: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Merge exported cards (``ReviewCard.as_dict`` form) inside an open transaction.

    A card for a question with no local card is added; one whose last review is later than the
    local card's replaces it (updated); otherwise it is skipped. Returns (added, updated, skipped).
    """
    added = updated = skipped = 0
    for item in incoming:
        card = Card.from_dict(item["card"])
        if card.card_id != _card_id(item["question_id"]):
            card.card_id = _card_id(item["question_id"])
        row = con.execute("SELECT card FROM reviews WHERE question_id = ?", (item["question_id"],)).fetchone()
        values = (
            json.dumps(card.to_dict()),
            card.due.timestamp(),
            item["reps"],
            item["lapses"],
            item["last_rating"],
            item["updated"],
            item["question_id"],
        )
        if row is None:
            con.execute(
                "INSERT INTO reviews(card, due, reps, lapses, last_rating, updated, question_id) "
                "VALUES (?,?,?,?,?,?,?)",
                values,
            )
            added += 1
            continue
        mine = _load_card(row[0])
        theirs_at = card.last_review.timestamp() if card.last_review else float("-inf")
        mine_at = mine.last_review.timestamp() if mine.last_review else float("-inf")
        if theirs_at > mine_at:
            con.execute(
                "UPDATE reviews SET card=?, due=?, reps=?, lapses=?, last_rating=?, updated=?, "
                "session=NULL, before=NULL WHERE question_id=?",
                values,
            )
            updated += 1
        else:
            skipped += 1
    return added, updated, skipped


def check_card_dict(d: dict[str, Any]) -> Card:
    """Parse an exported card dict, raising :class:`ProgressError` if fsrs cannot read it."""
    try:
        card = Card.from_dict(d)  # type: ignore[arg-type]
        if card.due.tzinfo is None or (card.last_review is not None and card.last_review.tzinfo is None):
            raise ValueError("times must carry a time zone")
        return card
    except (KeyError, TypeError, ValueError) as e:
        raise ProgressError(f"a review card cannot be read: {e}") from None


__all__ = [
    "SLOW_SECONDS",
    "SCHEDULER",
    "Outcome",
    "ReviewCard",
    "rating_for",
    "is_slow",
    "record_outcome",
    "due",
    "next_due",
    "upcoming",
    "cards",
    "describe_due",
    "as_utc",
    "merge_cards",
    "check_card_dict",
]
