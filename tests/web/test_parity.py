"""The browser grades as Python does: every question of the course, graded in Chromium by quiz.js
and in Python by grading.grade, must get the same score, verdict and feedback (and the same
explanation, evidence, sources and right answer), and a malformed answer must be refused by both.

Every option of a single-choice or myth-or-fact question, every set of ticks of a multiple select,
the right order and many wrong ones, right and wrong matchings, numbers inside, outside and at the
bounds (typed as people type them), accepted, known-wrong and near-miss spellings, every position
of an explorer's slider, and every pre-generated draw of every variant.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

import pytest

from cramp_lessons.course.grading import grade
from cramp_lessons.course.variants import instance
from cramp_lessons.errors import AnswerError
from cramp_lessons.questions.explorer import SLIDERS

QUIZ_JS = (Path(__file__).resolve().parents[2] / "cramp_lessons" / "web" / "static" / "quiz.js").read_text()
MALFORMED_COMMON: list[Any] = [None, 7, True, {"x": 1}, [], "", "x" * 1001]


def _numbers(lo: float, hi: float) -> list[Any]:
    mid = (lo + hi) / 2
    out: list[Any] = [lo, hi, mid, lo - 1e-10, hi + 1e-10, lo - 2e-9, hi + 2e-9, lo - 1, hi + 1]
    out += [lo - abs(lo) * 0.5 - 0.01, hi * 3 + 1, 0, -0.0, -mid]
    # As people type them: commas, spaces, signs, exponents, underscores.
    out += [repr(mid), repr(mid).replace(".", ","), f" {mid:g} ", f"+{mid:g}", f"{mid:e}", f"{hi:.10f}"]
    out += [
        f"{lo:g}",
        f"{hi:g}",
        "1_0",
        ".5",
        "5.",
        "-0",
        "1e3",
        "1E-5",
        "0.00001234",
        "123456.5",
        "1234567.5",
    ]
    out += ["0.125", "2.5e-5", "1e21", "99999.95", "1e500"]
    return out


_NUMBER_MALFORMED = [
    "abc",
    "",
    "  ",
    "inf",
    "-Infinity",
    "nan",
    "1,000.5",
    "0x10",
    "1__0",
    "_1",
    "1e",
    "--1",
    "6.25kg",
]


def _short_cases(q: Any, rng: random.Random) -> list[Any]:
    out: list[Any] = []
    for text in [*q.accept, *(w.text for w in q.wrong)]:
        out += [
            text,
            text.upper(),
            f"  {text}  ",
            f"{text}.",
            f"{text}...",
            f"{text} .",
            text.replace(" ", "   "),
        ]
        out += [f"\u00a0{text}\t", text.title(), text[:-1], text + "s", text[1:], f"{text}!"]
    out += [
        "something else",
        "ß",
        "STRASSE",
        "cramp",
        "x" * 80,
        "x" * 81,
        ".",
        "  .  ",
        "\u2003",
        "\u00a0word\u00a0",
    ]
    return out + [None, 5, ["x"], {"a": "b"}]


def _explorer_cases(q: Any) -> list[Any]:
    sliders = SLIDERS[q.explorer]
    s = sliders[q.control]
    state = {n: q.fixed.get(n, s.default) for n in sliders}
    out: list[Any] = [{**state, q.control: x} for x in s.positions()]
    out += [{q.control: x} for x in s.positions()[::7]]  # the held sliders left out
    for x in (q.value, q.value - q.tolerance, q.value + q.tolerance, s.lo, s.hi):
        out.append({**state, q.control: x})
    lo = s.positions()[0]
    out += [
        {**state, q.control: lo + 1e-7 * s.step},  # a hair off a position: still that position
        {**state, q.control: lo + 0.3 * s.step},
        {**state, q.control: s.lo - s.step},
        {**state, q.control: s.hi + s.step},
        {**state, q.control: True},
        {**state, q.control: "1.0"},
        {**state, "nope": 1.0},
        {n: v for n, v in state.items() if n != q.control},
        {**state, **{n: v + 1 for n, v in q.fixed.items()}},
    ]
    return out + [None, [], "1.04", 1.04]


def cases(q: Any) -> list[Any]:
    """Answers to try on ``q``: right, wrong and malformed."""
    rng = random.Random(q.id)
    t = q.type
    if t == "single":
        out: list[Any] = [o.id for o in q.options] + ["zz", [q.options[0].id], 1]
    elif t == "truefalse":
        out = [True, False, "fact", "myth", " Fact ", "MYTH", "true", "False", "\tmyth\n", "maybe", 1, 0]
    elif t == "multiple":
        keys = [o.id for o in q.options]
        subsets = [list(c) for k in range(1, len(keys) + 1) for c in itertools.combinations(keys, k)]
        out = subsets + [list(reversed(c)) for c in subsets[:: max(1, len(subsets) // 20)]]
        out += [[keys[0], keys[0]], ["zz"], keys[0], [1]]
    elif t == "numeric":
        lo, hi = q.bounds
        out = _numbers(lo, hi) + _NUMBER_MALFORMED
    elif t == "ordering":
        keys = [i.id for i in q.items]
        perms = [list(p) for p in itertools.permutations(keys)]
        out = (
            perms
            if len(perms) <= 120
            else [keys, keys[::-1], *(rng.sample(keys, len(keys)) for _ in range(100))]
        )
        out += [keys[:-1], [keys[0], *keys[:-1]], [*keys[:-1], "zz"], keys[0]]
    elif t == "matching":
        ids, rights = [p.id for p in q.pairs], [p.right for p in q.pairs]
        perms = [list(p) for p in itertools.permutations(rights)]
        chosen = (
            perms if len(perms) <= 120 else [rights, *(rng.sample(rights, len(rights)) for _ in range(100))]
        )
        out = [dict(zip(ids, c, strict=True)) for c in chosen]
        out += [
            {i: rights[0] for i in ids},  # one choice for every item
            dict(zip(ids[:-1], rights, strict=False)),  # one left out
            {**dict(zip(ids, rights, strict=True)), ids[0]: ""},
            {**dict(zip(ids, rights, strict=True)), ids[0]: None},
            {**dict(zip(ids, rights, strict=True)), "zz": rights[0]},
            {**dict(zip(ids, rights, strict=True)), ids[0]: "not a choice"},
            rights,
        ]
    elif t == "short":
        out = _short_cases(q, rng)
    elif t == "explorer":
        out = _explorer_cases(q)
    else:
        pytest.fail(f"no parity cases for question type {t!r}: add them")
    return out + MALFORMED_COMMON


def python_grade(q: Any, answer: Any, course: Any) -> dict[str, Any]:
    try:
        g = grade(q, answer, course)
    except AnswerError:
        return {"error": "AnswerError"}
    return {
        "score": g.score,
        "correct": g.correct,
        "feedback": g.feedback,
        "explanation": g.explanation,
        "evidence": g.evidence,
        "references": g.references,
        "answer_text": g.answer_text,
    }


def _same(py: dict[str, Any], js: dict[str, Any]) -> bool:
    if "error" in py or "error" in js:
        return py.get("error") == js.get("error")
    if not math.isclose(py["score"], js["score"], rel_tol=0, abs_tol=1e-9):
        return False
    return all(
        py[k] == js[k]
        for k in ("correct", "feedback", "explanation", "evidence", "references", "answer_text")
    )


GRADE_ALL = """([questions, cases]) => cases.map(([k, answer]) => {
    try {
        const r = window.CrampQuiz.grade(questions[k], answer);
        return {score: r.score, correct: r.correct, feedback: r.feedback, explanation: r.explanation,
                evidence: r.evidence, references: r.references, answer_text: r.answer_text};
    } catch (e) {
        return {error: e.name, message: String(e.message)};
    }
})"""


def test_browser_grades_every_question_as_python(chromium, course, web_data):
    shown: list[dict[str, Any]] = []  # the question objects the browser grades
    todo: list[tuple[int, Any]] = []
    expected: list[dict[str, Any]] = []
    counts = {"questions": 0, "variants": 0}
    for qid, data in web_data["questions"].items():
        template = course.questions[qid]
        draws = [(template, data)]
        if template.generator:
            draws += [(instance(template, v["seed"]), v) for v in data["variants"]]
            counts["variants"] += len(data["variants"])
        counts["questions"] += 1
        for q, d in draws:
            shown.append(d)
            for answer in cases(q):
                # JSON in between, as the page's data: tuples become lists, -0.0 stays -0.0.
                answer = json.loads(json.dumps(answer))
                todo.append((len(shown) - 1, answer))
                expected.append(python_grade(q, answer, course))

    ctx = chromium.new_context()
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<!doctype html><html lang='en'><head><title>parity</title></head><body></body></html>")
    page.add_script_tag(content=QUIZ_JS)
    got = page.evaluate(GRADE_ALL, [shown, todo])
    limits = page.evaluate("window.CrampQuiz.limits")
    ctx.close()
    assert limits == {
        "MAX_ANSWER_SIZE": web_data["max_answer_size"],
        "MAX_SHORT_LENGTH": web_data["max_short_length"],
    }

    assert not errors, errors
    differ = [
        f"{shown[k]['id']}{' (' + shown[k]['seed'] + ')' if 'seed' in shown[k] else ''} answer {answer!r}:\n"
        f"  python  {py}\n  browser {js}"
        for (k, answer), py, js in zip(todo, expected, got, strict=True)
        if not _same(py, js)
    ]
    assert not differ, f"{len(differ)} of {len(todo)} cases differ; the first:\n" + "\n".join(differ[:8])
    graded = sum("error" not in e for e in expected)
    print(
        f"\nparity: {counts['questions']} questions + {counts['variants']} variant draws, "
        f"{len(todo)} answers ({graded} graded, {len(todo) - graded} refused by both)"
    )
    assert counts["questions"] == len(course.questions)
    assert {d["type"] for d in shown} == {q.type for q in course.questions.values()}


# fmt: off
NUMBERS = [
    0, -0.0, 1, 0.5, 0.125, 0.375, 2.5, 0.03125, 0.00005, 1 / 3, 2 / 3, 1 / 7, 0.16665, 0.99995, 123456.5,
    1234567.5, 99999.95, 999999.5, 0.0001, 0.00001234, 1e-5, 1e21, 1e16, 6.25, -6.25, 1.04, 1e-7, 12.5,
    0.045, 0.0625, 0.3125, 1.5e300, 5e-324, 2.675, 1.005, 0.285, 10.657848358154297,
]
# fmt: on


def test_numbers_are_written_as_python_writes_them(chromium):
    """The formats the feedback and score lines use: :g, :.0%, round(x, 4) and round(x, 6), with
    Python's rounding of a value exactly half way (to even; JavaScript's toFixed rounds it up)."""
    ctx = chromium.new_context()
    page = ctx.new_page()
    page.set_content("<!doctype html><html lang='en'><head><title>n</title></head><body></body></html>")
    page.add_script_tag(content=QUIZ_JS)
    got = page.evaluate(
        """(xs) => xs.map((x) => { const f = window.CrampQuiz.format;
            return [f.g(x), f.percent(x), f.round(x, 4), f.round(x, 6), f.fixed(x, 2)]; })""",
        NUMBERS,
    )
    ctx.close()
    want = [[f"{x:g}", f"{x:.0%}", round(x, 4), round(x, 6), f"{x:.2f}"] for x in NUMBERS]
    # Fixed-point forms only below 1e15: scores, slider values and answers, never a 22-digit number.
    differ = [
        (x, w, g)
        for x, w, g in zip(NUMBERS, want, got, strict=True)
        if (w if abs(x) < 1e15 else w[:1] + w[2:4]) != (g if abs(x) < 1e15 else g[:1] + g[2:4])
    ]
    assert not differ, differ
