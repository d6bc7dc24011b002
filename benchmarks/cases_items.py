"""Quiz-item timings: the item-writing linter over every bank, and drawing a variant.

Not explorers, so no CASES; REPORTS print median and p95 and a ratio against a baseline timed
in the same run (grading a fixed question: what every answer costs anyway).
"""

from __future__ import annotations

import statistics
import time

CASES: list = []


def _times(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def items_report(quick: bool) -> dict:
    from cramp_lessons.course import variants
    from cramp_lessons.course.grading import grade, right_answer
    from cramp_lessons.course.itemlint import lint
    from cramp_lessons.course.model import load_course

    course = load_course()
    plain = course.question("causes.cold.q1")
    base = _times(lambda: grade(plain, right_answer(plain), course), 50 if quick else 500)
    lint_t = _times(lambda: lint(course), 2 if quick else 5)
    rows = [
        f"baseline: grade one answer           median {statistics.median(base) * 1e3:7.3f} ms  "
        f"p95 {_p95(base) * 1e3:7.3f} ms",
        f"lint every bank ({len(course.questions)} questions)   median {statistics.median(lint_t) * 1e3:7.1f} ms  "
        f"p95 {_p95(lint_t) * 1e3:7.1f} ms",
    ]
    data = {
        "grade_ms": statistics.median(base) * 1e3,
        "lint_ms": statistics.median(lint_t) * 1e3,
        "draw_ms": {},
    }
    seeds = iter(range(10**9))
    for q in (q for q in course.questions.values() if q.generator):
        ts = _times(lambda q=q: variants.instance(q, next(seeds)), 20 if quick else 200)
        med = statistics.median(ts)
        data["draw_ms"][q.generator] = med * 1e3
        rows.append(
            f"draw {q.generator:<18} ({q.id:<26}) median {med * 1e3:7.3f} ms  p95 {_p95(ts) * 1e3:7.3f} ms  "
            f"x{med / statistics.median(base):.1f} baseline"
        )
    return {"title": "Quiz items: linter and variant draws", "text": "\n".join(rows), **data}


REPORTS = [items_report]
