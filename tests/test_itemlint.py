"""The item-writing linter (issue 14 §1) on banks whose cue statistics are known by construction,
the hint (§3), and options shuffled per learner."""

from __future__ import annotations

import textwrap

import pytest

from cramp_lessons.course import itemlint as L
from cramp_lessons.course.model import load_course
from cramp_lessons.errors import ContentError


def _course(content_copy, questions: str):
    (content_copy / "quizzes" / "cues.yaml").write_text(
        "bank: cues\ntitle: Cues\nlesson: one\nquestions:\n"
        + textwrap.indent(textwrap.dedent(questions), "  ")
    )
    return load_course(content_copy)


PROMPTS = [
    "Why does a cold calf cramp more easily?",
    "Which calcium drives the contraction of a muscle?",
    "What should Ann do when her foot cramps in deep water?",
    "Where does claudication hurt, and when does it stop?",
    "Which stretch eases a night cramp in bed?",
    "How soon should Tom see a doctor about a swollen calf?",
]


def _single(k: int, right: str, wrongs: list[str], level: str = "understand") -> str:
    opts = [f"    - {{id: r, text: '{right}', correct: true, feedback: 'Right.'}}"]
    opts += [f"    - {{id: w{j}, text: '{w}', feedback: 'Tempting, but no.'}}" for j, w in enumerate(wrongs)]
    return (
        f"- id: cues.q{k}\n  type: single\n  level: {level}\n  prompt: '{PROMPTS[k]}'\n"
        "  options:\n"
        + "\n".join(opts)
        + "\n  explanation: Because.\n  evidence: strong\n  references: [ref_a]\n"
    )


STATEMENTS = [
    "Lactic acid explains exercise cramps.",
    "Stretching the calf can end a cramp.",
    "Calcium tablets prevent night cramps.",
    "Claudication eases with a short rest.",
]


def _tf(k: int, answer: bool, prompt: str | None = None) -> str:
    return (
        f"- id: cues.q{10 + k}\n  type: truefalse\n  level: understand\n"
        f"  prompt: '{prompt or STATEMENTS[k]}'\n  answer: {str(answer).lower()}\n"
        "  feedback_true: 'a'\n  feedback_false: 'b'\n  explanation: Because.\n  evidence: strong\n"
        "  references: [ref_a]\n"
    )


def _ours(course, rule=None):
    return [f for f in L.lint(course) if f.where.startswith("cues") and (rule is None or f.rule == rule)]


def test_right_option_always_longest_is_a_cue_worth_75_points(content_copy):
    body = "".join(_single(k, "a rather long right answer", ["short", "brief", "tiny"]) for k in range(4))
    course = _course(content_copy, body)
    s = L.cue_scores(course, course.bank("cues").questions)["single"]
    assert (s.cue, s.chance, s.gain) == pytest.approx((100, 25, 75))
    assert [f.rule for f in _ours(course)] == ["longest-right"]


def test_lengths_that_vary_leave_no_cue(content_copy):
    wrongs = ["an answer of some length", "brief", "another answer of length"]
    body = "".join(
        _single(k, right, wrongs)
        for k, right in enumerate(["short one", "a medium size answer", "tiny", "one of middling size"])
    )
    course = _course(content_copy, body)
    assert _ours(course) == []
    s = L.cue_scores(course, course.bank("cues").questions)["single"]
    assert s.gain <= L.MAX_CUE_GAIN


def test_all_myths_give_always_myth_full_marks(content_copy):
    course = _course(content_copy, "".join(_tf(k, False) for k in range(4)))
    s = L.cue_scores(course, course.bank("cues").questions)["truefalse"]
    assert (s.cue, s.chance) == pytest.approx((100, 50))
    assert [f.rule for f in _ours(course)] == ["myth-balance"]
    balanced = _course(content_copy, "".join(_tf(k, k % 2 == 0) for k in range(4)))
    assert _ours(balanced) == []
    assert L.cue_scores(balanced, balanced.bank("cues").questions)["truefalse"].gain == pytest.approx(0)


def test_a_fact_with_an_absolute_word_is_flagged(content_copy):
    course = _course(content_copy, _tf(0, True, "Cramps always stop by themselves.") + _tf(1, False))
    assert [f.rule for f in _ours(course)] == ["absolute-word"]


def test_ticking_every_box_must_not_beat_random_ticks(content_copy):
    def multiple(rights: int) -> str:
        opts = "\n".join(
            f"    - {{id: o{j}, text: 'option number {j}', {'correct: true, ' if j < rights else ''}"
            f"feedback: 'why {j}'}}"
            for j in range(4)
        )
        return (
            f"- id: cues.q{20 + rights}\n  type: multiple\n  level: understand\n  prompt: '{PROMPTS[rights]}'\n"
            f"  options:\n{opts}\n  explanation: Because.\n  evidence: strong\n  references: [ref_a]\n"
        )

    course = _course(content_copy, multiple(3) + multiple(2))
    flagged = {f.where for f in _ours(course, "tick-all")}
    assert flagged == {"cues.q23"}  # 3 of 4 right: ticking all beats chance; 2 of 4 does not


def test_all_of_the_above_overlap_and_missing_level(content_copy):
    body = _single(
        0, "all of the above", ["a longer wrong option", "another long wrong one", "cold"]
    ) + _single(
        1, "a warm, relaxed muscle", ["warm relaxed muscle", "a much longer wrong option here", "wet"]
    )
    course = _course(content_copy, body.replace("  level: understand\n", "", 1))
    rules = sorted(f.rule for f in _ours(course))
    assert rules == ["all-of-the-above", "level", "overlap"]


def test_near_duplicate_prompts_across_banks(content_copy):
    twin = _single(1, "y", ["x", "z"]).replace(PROMPTS[1], PROMPTS[0].replace("Why", "why"))
    course = _course(content_copy, _single(0, "x", ["y", "z"]) + twin)
    dupes = [f for f in L.lint(course) if f.rule == "near-duplicate"]
    assert [(f.where, f.message) for f in dupes] == [
        ("cues.q0", "its question is nearly the same as cues.q1's")
    ]


def test_an_apply_question_without_a_hint_is_refused(content_copy):
    with pytest.raises(ContentError, match="needs a hint"):
        _course(content_copy, _single(0, "x", ["y", "z"], level="apply")).questions  # noqa: B018


# ------------------------------------------------------------------ the hint
def test_hint_after_a_wrong_first_try_and_the_hinted_success_counts_half(fixture_course):
    from cramp_lessons.course.grading import HINTED_WEIGHT
    from cramp_lessons.widgets.quiz import QuestionWidget

    q = fixture_course.question("causes.cold.q1").model_copy(update={"hint": "Think of a cold engine."})
    recorded = []
    w = QuestionWidget(q, course=fixture_course, record=lambda *a: recorded.append(a), seed=1)
    w.input.fill("b")
    g = w.check()
    assert not g.correct and "Think of a cold engine." in w.feedback.value
    assert "Answer:" not in w.feedback.value and "slower" not in w.feedback.value  # the hint, not the answer
    assert w.hint_pending and w.retry_button.layout.display is None
    w.retry()
    w.input.fill("a")
    g = w.check()
    assert g.correct and g.score == pytest.approx(HINTED_WEIGHT) and "with the hint" in w.feedback.value
    assert [r[2].score for r in recorded] == [0.0, pytest.approx(HINTED_WEIGHT)]


def test_without_a_hint_the_first_wrong_try_shows_the_feedback(fixture_course):
    from cramp_lessons.widgets.quiz import QuestionWidget

    w = QuestionWidget(fixture_course.question("causes.cold.q1"), course=fixture_course, record=None, seed=1)
    w.input.fill("b")
    w.check()
    assert "cooling slows kinetics" in w.feedback.value and not w.hinted


def test_spaced_review_rates_a_hinted_success_hard(fixture_course):
    from fsrs import Rating

    from cramp_lessons.course.grading import grade, hinted
    from cramp_lessons.learner import review

    q = fixture_course.question("causes.cold.q1")
    right = grade(q, "a", fixture_course)
    assert review.rating_for(right, 5, 1, "single") in (Rating.Good, Rating.Easy)
    assert review.rating_for(hinted(right), 5, 2, "single") == Rating.Hard
    assert review.rating_for(grade(q, "b", fixture_course), 5, 2, "single") == Rating.Again


# ------------------------------------------------------------------ the learner's own order
def test_the_learner_seed_is_kept_and_orders_options(fixture_course):
    from cramp_lessons.learner.progress import get_store, learner_seed
    from cramp_lessons.widgets.quiz import QuestionWidget

    seed = learner_seed()
    assert seed == learner_seed() == get_store().learner_seed() and len(seed) >= 8
    q = fixture_course.question("causes.cold.q1")
    shown = [
        [v for _label, v in QuestionWidget(q, course=fixture_course, record=None).input.controls[0].options]
        for _ in range(2)
    ]
    assert shown[0] == shown[1]  # the same learner sees the same order


def test_the_shipped_banks_pass_the_strict_linter():
    """Issue 14's measure: a cue-only learner is within 10 points of chance, per type and overall,
    and every item rule holds on the shipped banks (`cramp-lessons check --strict`)."""
    course = load_course()
    assert [str(f) for f in L.lint(course)] == []
    for s in L.cue_scores(course).values():
        assert s.gain <= L.MAX_CUE_GAIN, str(s)
