"""Spaced review: outcome -> rating, scheduling with injected time, persistence, and the Review widget."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating
from hypothesis import given
from hypothesis import strategies as st

from cramp_lessons.course.grading import Grade, grade, right_answer
from cramp_lessons.learner import review
from cramp_lessons.learner.progress import ProgressStore
from cramp_lessons.learner.review import as_utc, describe_due, due, next_due, rating_for, record_outcome

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def g(score: float) -> Grade:
    return Grade("causes.cold.q1", score, score >= 1, [], "why", "strong")


WRONG, PARTLY, RIGHT = g(0.0), g(0.5), g(1.0)


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "p.sqlite")


# ------------------------------------------------------------------ rating
def test_outcome_to_rating():
    assert rating_for(WRONG, 5, 1) == Rating.Again
    assert rating_for(WRONG, 5, 3) == Rating.Again
    assert rating_for(PARTLY, 5, 1) == Rating.Hard
    assert rating_for(RIGHT, 5, 2) == Rating.Hard  # right after a retry
    assert rating_for(RIGHT, 31, 1) == Rating.Good  # slow
    assert rating_for(RIGHT, None, 1) == Rating.Good  # unknown time: not claimed effortless
    assert rating_for(RIGHT, 29, 1) == Rating.Easy
    assert rating_for(RIGHT, 45, 1, "matching") == Rating.Easy  # matching has a 60 s limit
    assert rating_for(RIGHT, 61, 1, "ordering") == Rating.Good
    with pytest.raises(ValueError):
        rating_for(RIGHT, 5, 0)


@given(score=st.floats(0, 1), seconds=st.one_of(st.none(), st.floats(0, 1e4)), tries=st.integers(1, 20))
def test_rating_never_rewards_a_worse_outcome(score, seconds, tries):
    """More score never rates lower; more tries or more time never rate higher."""
    r = rating_for(g(score), seconds, tries)
    assert rating_for(g(1.0), seconds, tries) >= r
    assert rating_for(g(score), seconds, tries + 1) <= r
    if seconds is not None:
        assert rating_for(g(score), seconds + 60, tries) <= r


# ------------------------------------------------------------------ reading writes nothing
def test_reading_reviews_never_writes_the_store(store, monkeypatch):
    assert review.cards(store) == [] and due(store, T0) == [] and review.upcoming(store, T0) is None
    assert next_due(store, "b.q1") is None
    record_outcome(store, "b.q1", WRONG, 5, 1, T0)
    before = hashlib.sha256(store.path.read_bytes()).hexdigest()

    def no_writes():
        raise AssertionError("a read opened a write transaction")

    monkeypatch.setattr(store, "transaction", no_writes)
    assert due(store, T0 + timedelta(hours=1)) == ["b.q1"] and len(review.cards(store)) == 1
    assert next_due(store, "b.q1") and review.upcoming(store, T0) is not None
    assert hashlib.sha256(store.path.read_bytes()).hexdigest() == before


# ------------------------------------------------------------------ scheduling with injected time
def test_wrong_comes_back_sooner_than_hard_than_slow(store):
    a = record_outcome(store, "b.q1", WRONG, 5, 1, T0)
    h = record_outcome(store, "b.q2", PARTLY, 5, 1, T0)
    s = record_outcome(store, "b.q3", RIGHT, 50, 1, T0)
    e = record_outcome(store, "b.q4", RIGHT, 5, 1, T0)
    assert (a.rating, h.rating, s.rating, e.rating) == (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)
    assert T0 < a.due < h.due < s.due
    assert a.due - T0 == timedelta(minutes=10)
    # A quick right answer to a question not under review does not enrol it.
    assert e.due is None and not e.enrolled and next_due(store, "b.q4") is None
    assert due(store, T0) == []
    assert due(store, T0 + timedelta(minutes=10)) == ["b.q1"]
    assert due(store, T0 + timedelta(days=1)) == ["b.q1", "b.q2", "b.q3"]  # longest overdue first
    assert review.upcoming(store, T0) == a.due


def test_once_under_review_an_easy_answer_is_due_later_than_a_wrong_one(store):
    for qid in ("b.q1", "b.q2"):
        record_outcome(store, qid, WRONG, 5, 1, T0)
    t1 = T0 + timedelta(minutes=15)
    assert set(due(store, t1)) == {"b.q1", "b.q2"}
    wrong = record_outcome(store, "b.q1", WRONG, 5, 1, t1)
    easy = record_outcome(store, "b.q2", RIGHT, 5, 1, t1)
    assert easy.enrolled and wrong.due < easy.due
    assert easy.due - t1 >= timedelta(days=1)
    assert next_due(store, "b.q2") == easy.due
    # Reviewing it easily again pushes it further out.
    again = record_outcome(store, "b.q2", RIGHT, 5, 1, easy.due)
    assert again.due - easy.due > easy.due - t1


def test_state_survives_a_new_store_on_the_same_file(tmp_path):
    path = tmp_path / "p.sqlite"
    first = ProgressStore(path)
    out = record_outcome(first, "b.q1", PARTLY, 12, 1, T0)
    reopened = ProgressStore(path)
    assert next_due(reopened, "b.q1") == out.due
    assert due(reopened, out.due) == ["b.q1"]
    [card] = review.cards(reopened)
    assert card.reps == 1 and card.lapses == 0 and card.last_rating == Rating.Hard
    nxt = record_outcome(reopened, "b.q1", RIGHT, 12, 1, out.due)
    assert nxt.due > out.due and review.cards(ProgressStore(path))[0].reps == 2


def test_one_session_counts_once(store):
    """Several checks in one sitting replace that sitting's review rather than stacking up."""
    record_outcome(store, "b.q1", WRONG, 5, 1, T0, session="s1")
    right = record_outcome(store, "b.q1", RIGHT, 8, 2, T0 + timedelta(seconds=30), session="s1")
    [card] = review.cards(store)
    assert card.reps == 1 and card.lapses == 0 and card.last_rating == Rating.Hard
    fresh = ProgressStore(store.path)
    record_outcome(fresh, "b.q2", RIGHT, 8, 2, T0, session="x")
    assert next_due(store, "b.q1") == right.due == next_due(store, "b.q2") + timedelta(seconds=30)
    # A new sitting is a new review.
    later = record_outcome(store, "b.q1", WRONG, 5, 1, right.due, session="s2")
    [c1, _] = review.cards(store)
    assert c1.reps == 2 and c1.lapses == 1 and later.due == right.due + timedelta(minutes=10)
    # Same-sitting undo of an enrolment: an Easy redo of a new card leaves review altogether.
    record_outcome(store, "b.q3", WRONG, 5, 1, T0, session="s3")
    assert record_outcome(store, "b.q3", RIGHT, 5, 1, T0, session="s3").due is None
    assert next_due(store, "b.q3") is None


def test_time_can_be_unix_seconds_or_naive(store):
    out = record_outcome(store, "b.q1", WRONG, 5, 1, T0.timestamp())
    assert out.due == T0 + timedelta(minutes=10)
    assert as_utc(datetime(2025, 3, 1, 9, 0)) == T0
    assert due(store, (T0 + timedelta(minutes=10)).replace(tzinfo=None)) == ["b.q1"]
    with pytest.raises(TypeError):
        as_utc("tomorrow")


def test_describe_due():
    assert describe_due(T0, T0) == "now"
    assert describe_due(T0 + timedelta(minutes=10), T0) == "in 10 minutes"
    assert describe_due(T0 + timedelta(hours=12), T0) == "in 12 hours"
    assert describe_due(T0 + timedelta(days=3), T0) == "in 3 days (2025-03-04)"


def test_works_with_real_grades(store, fixture_course):
    q = fixture_course.question("causes.cold.q6")
    out = record_outcome(
        store, q.id, grade(q, right_answer(q), fixture_course), 45, 1, T0, question_type=q.type
    )
    assert out.rating == Rating.Easy and out.due is None  # 45 s is quick for an ordering question


# ------------------------------------------------------------------ the widget
class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_review_widget_shows_what_is_due_and_records_each_review(store, fixture_course):
    from cramp_lessons.widgets.review import ReviewWidget

    clock = Clock(T0)
    empty = ReviewWidget(course=fixture_course, store=store, clock=clock)
    assert "Nothing to review yet" in empty.text and empty.question_widgets == []

    record_outcome(store, "causes.cold.q1", WRONG, 5, 1, T0)
    record_outcome(store, "causes.cold.q3", WRONG, 5, 1, T0)
    record_outcome(store, "causes.cold.q4", PARTLY, 5, 1, T0)
    record_outcome(store, "gone.q1", WRONG, 5, 1, T0)  # a question no longer in the course
    w = ReviewWidget(course=fixture_course, store=store, clock=clock)
    assert w.question_widgets == [] and "Nothing is due for review now" in w.text
    assert "comes back in 10 minutes" in w.text

    clock.now = T0 + timedelta(minutes=20)
    w.refresh()
    assert [qw.question.id for qw in w.question_widgets] == ["causes.cold.q1", "causes.cold.q3"]
    assert w.text.startswith("2 questions are due for review today.")
    assert "1 due question is no longer in the course" in w.text

    q1, q3 = w.question_widgets
    q1.input.fill("a")  # right, quickly
    assert q1.check().correct
    assert "Next review of this question: in" in w.notes["causes.cold.q1"].value
    assert w.outcomes["causes.cold.q1"].rating == Rating.Easy
    q3.input.fill(True)  # wrong: it is a myth
    assert not q3.check().correct
    assert w.outcomes["causes.cold.q3"].rating == Rating.Again
    assert "in 10 minutes" in w.notes["causes.cold.q3"].value
    assert w.text.startswith("Review done: 2 questions reviewed. The next review is in 10 minutes.")
    # Each check is an attempt in the store, stamped with the injected clock.
    assert [(a.question_id, a.at) for a in store.attempts()] == [
        ("causes.cold.q1", clock.now.timestamp()),
        ("causes.cold.q3", clock.now.timestamp()),
    ]
    # A retry after the answer was shown does not move the schedule.
    before = next_due(store, "causes.cold.q3")
    q3.retry()
    q3.input.fill(False)
    assert q3.check().correct
    assert next_due(store, "causes.cold.q3") == before
    assert "do not change" in w.notes["causes.cold.q3"].value
    assert len(store.attempts()) == 3
