"""The course's questions for the browser: what the website's quizzes show, and how they grade.

:func:`web_questions` gives, per quiz bank and question, everything ``web/static/quiz.js`` needs to
show a question and grade an answer exactly as :func:`cramp_lessons.course.grading.grade` does,
with no kernel: the texts, per-option feedback, hint, explanation, evidence words and icon, the
references as the course cites them, the lesson, and the grading key (the type's own content
schema, so nothing here branches on a question's type).

- A variant (a question with a ``generator``) carries a set of pre-generated draws
  (:data:`VARIANTS`, seeds ``web-0``, ``web-1``, ...: :func:`cramp_lessons.course.variants.instance`),
  each a whole question of its own. The browser gives each learner one of them and stores the
  answer with its seed (``{"seed": "web-3", "answer": "b"}``), the form ``grading.check`` re-grades.
- An explorer question carries the model's answer, computed here by its target (``value``, within
  ``tolerance``), the sliders' grids, the held values and what the model does at every position of
  the slider the learner moves (``says``): the browser grades a state ``{control: value, ...}``
  without the model.

The browser must grade as Python does; ``tests/web/test_parity.py`` grades every option of every
question (and samples of the other types, and every variant) in Chromium and in Python and
requires the same score, verdict and feedback.
"""

from __future__ import annotations

import json
from typing import Any

from cramp_lessons.course.grading import HINTED_WEIGHT
from cramp_lessons.course.model import Bank, Course, load_course
from cramp_lessons.course.variants import instance
from cramp_lessons.questions import LABELS, Question
from cramp_lessons.questions.base import MAX_ANSWER_SIZE
from cramp_lessons.questions.explorer import SLIDERS, TARGETS
from cramp_lessons.questions.short import MAX_LENGTH

__all__ = [
    "FORMAT",
    "VERSION",
    "VARIANTS",
    "web_questions",
    "question_data",
    "script_json",
    "questions_script",
]

FORMAT = "cramp-web-questions"
VERSION = 1
VARIANTS = 8  # pre-generated draws per variant question
_MAX_DRAWS = 40  # seeds tried to find that many different draws (a generator may have fewer)


def web_questions(course: Course | None = None, *, variants: int = VARIANTS) -> dict[str, Any]:
    """The whole course's questions for the browser, JSON-ready (see the module docstring)."""
    course = course or load_course()
    lessons = course.in_order()
    banks = [b for les in lessons for b in sorted(course.banks_for(les.id), key=lambda b: b.bank)]
    return {
        "format": FORMAT,
        "version": VERSION,
        "hinted_weight": HINTED_WEIGHT,
        # The limits quiz.js keeps as constants too (tests/web checks the two agree).
        "max_answer_size": MAX_ANSWER_SIZE,
        "max_short_length": MAX_LENGTH,
        "labels": dict(LABELS),
        "evidence": {tag: {"words": e.words, "icon": e.icon} for tag, e in course.evidence.items()},
        "lessons": [
            {"id": les.id, "number": les.number, "title": les.title, "status": les.status} for les in lessons
        ],
        "banks": {
            b.bank: {"title": b.title, "lesson": b.lesson, "questions": [q.id for q in b.questions]}
            for b in banks
        },
        "questions": {q.id: _with_variants(q, b, course, variants) for b in banks for q in b.questions},
    }


def _with_variants(q: Question, bank: Bank, course: Course, n: int) -> dict[str, Any]:
    data = question_data(q, bank, course)
    if not q.generator:
        return data
    drawn: list[dict[str, Any]] = []
    seen: set[str] = set()
    for k in range(_MAX_DRAWS):
        if len(drawn) == n:
            break
        seed = f"web-{k}"
        v = question_data(instance(q, seed), bank, course)
        key = json.dumps({f: v.get(f) for f in ("prompt", "options", "value", "tolerance")}, sort_keys=True)
        if key not in seen:  # a generator with few situations repeats itself: keep each draw once
            seen.add(key)
            drawn.append({"seed": seed, **v})
    return {**data, "generator": q.generator, "variants": drawn}


def question_data(q: Question, bank: Bank, course: Course) -> dict[str, Any]:
    """One question as the browser shows and grades it (a variant's draw as it is, without others).

    The grading key is the type's own content schema (``model_dump``: options with ``correct`` and
    ``feedback``, ``answer``, ``value``/``tolerance``/``min``/``max``, ``items``, ``pairs``,
    ``accept``/``wrong``, ...), so no type is branched on here; quiz.js reads and scores each
    type as its module in ``questions/`` does. Only what a model computes is added
    (:func:`_model_answers`).
    """
    level = course.evidence[q.evidence]
    out: dict[str, Any] = q.model_dump(mode="json")
    out.update(
        label=LABELS[q.type],
        bank=bank.bank,
        lesson=bank.lesson,
        references=course.cite(q.references),
        evidence_words=level.words,
        evidence_icon=level.icon,
        answer_text=q.answer_text(),
        # The choices shown shuffled (ids, or right-hand texts), in the author's order; shuffled
        # again when a shuffle comes out solved (grading.shuffled_choices).
        choices=q.choice_keys(),
        reshuffle=q.RESHUFFLE_SOLVED,
    )
    out.update(_model_answers(q))
    return out


def _model_answers(q: Any) -> dict[str, Any]:
    """For a question graded by a model target (an explorer question, ``questions/explorer.py``):
    the model's answers, so the browser grades without the model. The target's value (right within
    ``tolerance``), the sliders' grids, where the slider starts, and what the model does at every
    position of the slider the learner moves (``says``, the first line of the feedback), with the
    held sliders at their values. {} for any other question."""
    target = TARGETS.get(getattr(q, "target", None) or "")
    if target is None:
        return {}
    sliders = SLIDERS[q.explorer]
    s = sliders[q.control]
    positions = s.positions()
    held = f"The question holds {q.held()}. " if q.fixed else ""
    return {
        "start": q.start_value,
        "value": q.value,
        "interval": [q.value - q.tolerance, q.value + q.tolerance],
        # As the notebook's quiz words it (widgets/inputs.py).
        "note": f"{held}Move the {s.label} slider, read what the model does, then press Check.",
        "sliders": {
            name: {
                "label": sl.label,
                "unit": sl.unit,
                "lo": sl.lo,
                "hi": sl.hi,
                "step": sl.step,
                "decimals": sl.decimals,
                "default": sl.default,
            }
            for name, sl in sliders.items()
        },
        "positions": positions,
        "says": [target.says({n: (x if n == q.control else q.fixed[n]) for n in sliders}) for x in positions],
    }


# ------------------------------------------------------------------ into a page
def script_json(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (``</script>`` cannot end it early)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def questions_script(data: dict[str, Any]) -> str:
    """A classic script that gives the page the questions: ``window.CRAMP_QUESTIONS = {...};``.

    Loaded with ``<script src=...>`` before ``quiz.js`` and ``progress.js``; a script file (not a
    JSON file fetched at run time) also works when the site is opened from disk (``file://``).
    """
    return f"window.CRAMP_QUESTIONS = {script_json(data)};\n"
