"""Rewrite the answer lists of the teacher guide from the question banks (`make guide`).

Each lesson's section of `notebooks/teacher/teacher_guide.md` ("### NN Title") has an
"**Answers.**" paragraph followed by one line per question of the lesson's banks: id, type and
level, the prompt, the answer, why, and the hint. Authors edit the banks; this keeps the guide's
answers in step (tests/test_lessons.py fails when a question is missing from the guide).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from cramp_lessons.course.grading import grade, right_answer
from cramp_lessons.course.model import load_course

GUIDE = Path(__file__).resolve().parents[1] / "notebooks" / "teacher" / "teacher_guide.md"


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def answer_line(q, course) -> str:
    g = grade(q, right_answer(q), course)
    unit = f" {q.unit}" if getattr(q, "unit", "") else ""
    answer = g.answer_text + (unit if unit and not g.answer_text.endswith(unit.strip()) else "")
    answer = answer[:1].upper() + answer[1:].rstrip(".")
    level = f", {q.level}" if q.level else ""
    if q.generator:  # each learner draws their own numbers; the guide shows the course's draw
        level += f", variant from the {q.generator} model: numbers differ per learner, one draw shown"
    hint = f" **Hint:** {' '.join(q.hint.split())}" if q.hint else ""
    return (
        f"- `{q.id}` ({q.type}{level}) *{_short(q.prompt)}* **Answer:** {answer}. "
        f"**Why:** {' '.join(q.explanation.split())}{hint}"
    )


def sync(text: str, course) -> str:
    parts = re.split(r"(?m)^(?=### )", text)
    by_number = {les.number: les for les in course.lessons.values()}
    out = []
    for part in parts:
        m = re.match(r"### (\d\d) ", part)
        les = by_number.get(m[1]) if m else None
        banks = course.banks_for(les.id) if les else []
        if banks and "**Answers.**\n\n" in part:
            head, rest = part.split("**Answers.**\n\n", 1)
            tail = re.sub(r"\A(?:- `[^\n]*\n?)*", "", rest)  # the old list, line by line
            lines = [answer_line(q, course) for b in banks for q in b.questions]
            rest = "\n" + tail.lstrip("\n") if tail.strip() else "\n"
            part = head + "**Answers.**\n\n" + "\n".join(lines) + "\n" + rest
        out.append(part)
    return "".join(out)


def main() -> int:
    course = load_course()
    old = GUIDE.read_text(encoding="utf-8")
    new = sync(old, course)
    if new != old:
        GUIDE.write_text(new, encoding="utf-8")
        print(f"updated {GUIDE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
