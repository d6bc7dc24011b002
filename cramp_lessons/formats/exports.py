"""Quiz banks out to other tools, and jupyterquiz banks in.

- :func:`export_gift`: Moodle GIFT text, with per-answer feedback (``#``) and general
  feedback (``####``). GIFT's special characters ``~ = # { } :`` (and the backslash itself)
  are escaped with a backslash, newlines become ``\\n``, exactly as Moodle's own GIFT export
  does (``qformat_gift::repchar``).
- :func:`export_jupyterquiz`: a list of question dicts in jupyterquiz's JSON format
  (``multiple_choice``, ``many_choice``, ``numeric``).
- :func:`export_markdown`: a printable worksheet, answer key on a separate page.
- :func:`import_jupyterquiz`: a jupyterquiz JSON file -> the YAML text of a quiz bank.

A question a format cannot express is left out of that export; :func:`skipped` lists
which and why (the CLI prints that list on stderr).
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from cramp_lessons.course.model import (
    MAX_FILE_BYTES,
    Bank,
    Course,
    Id,
    Lesson,
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)
from cramp_lessons.errors import CrampLessonsError, echo
from cramp_lessons.learner.assessment import lesson_link
from cramp_lessons.questions.grading import TYPE_LABELS, shuffled_choices

FORMATS = ("gift", "jupyterquiz", "markdown")
PAGE_BREAK = '<div style="page-break-before: always"></div>'


class ExportError(CrampLessonsError, ValueError):
    """A bank cannot be exported or imported as asked."""


# ------------------------------------------------------------------ selection
def _selection(course: Course, lesson: str | None) -> list[tuple[Lesson, Bank, Question]]:
    """(lesson, bank, question) for the chosen lesson (or all), in lesson then bank order."""
    if lesson is not None and lesson not in course.lessons:
        raise ExportError(f"unknown lesson {lesson!r}; lessons: {', '.join(sorted(course.lessons))}")
    out = []
    for les in sorted(course.lessons.values(), key=lambda x: (x.number, x.id)):
        if lesson is not None and les.id != lesson:
            continue
        for bank in sorted(course.banks_for(les.id), key=lambda b: b.bank):
            out += [(les, bank, q) for q in bank.questions]
    if not out:
        raise ExportError(
            f"lesson {lesson!r} has no quiz questions" if lesson else "the course has no quiz questions"
        )
    return out


def unsupported(fmt: str, question: Question) -> str | None:
    """Why ``question`` cannot be exported to ``fmt``, or None if it can."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "gift":
        if isinstance(question, Ordering):
            return "GIFT has no ordering question type"
        if isinstance(question, Matching) and any("->" in p.left for p in question.pairs):
            return "a left-hand item contains '->', which GIFT matching cannot escape"
    if fmt == "jupyterquiz" and isinstance(question, (Ordering, Matching)):
        return f"jupyterquiz has no {TYPE_LABELS[question.type]} question type"
    return None


def skipped(course: Course, fmt: str, lesson: str | None = None) -> list[tuple[str, str]]:
    """(question id, reason) for every question the export to ``fmt`` leaves out."""
    return [(q.id, why) for _l, _b, q in _selection(course, lesson) if (why := unsupported(fmt, q))]


# ------------------------------------------------------------------ GIFT
_GIFT_ESCAPES = {
    "\\": "\\\\",
    "~": "\\~",
    "=": "\\=",
    "#": "\\#",
    "{": "\\{",
    "}": "\\}",
    ":": "\\:",
    "\n": "\\n",
    "\r": "",
}
GIFT_SPECIAL = "~=#{}:"


def gift_escape(text: str) -> str:
    """Escape text for GIFT (as Moodle's exporter does): ``\\ ~ = # { } :`` get a backslash, newline -> ``\\n``."""
    return "".join(_GIFT_ESCAPES.get(c, c) for c in text)


def gift_unescape(text: str) -> str:
    """The inverse of :func:`gift_escape`, read the way Moodle's importer reads it."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in GIFT_SPECIAL + "\\n":
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt)
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _num(x: float) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _weight(w: float) -> str:
    # Moodle's grade fractions are given to 5 decimals (33.33333, 14.28571, ...).
    return f"{w:.5f}".rstrip("0").rstrip(".")


def _general_feedback(course: Course, q: Question) -> str:
    text = f"{q.explanation} (Evidence: {q.evidence}.)"
    cites = course.cite(q.references)
    if cites:
        text += " Sources: " + "; ".join(cites)
    return text


def _gift_question(course: Course, q: Question) -> str:
    e = gift_escape
    prompt = q.prompt
    if isinstance(q, Numeric) and q.unit:
        prompt += f" (in {q.unit})"
    head = f"::{e(q.id)}::[markdown]{e(prompt)}"
    general = f"\t####{e(_general_feedback(course, q))}\n"
    if isinstance(q, SingleChoice):
        body = "".join(f"\t{'=' if o.correct else '~'}{e(o.text)}#{e(o.feedback)}\n" for o in q.options)
    elif isinstance(q, MultipleSelect):
        n_good = sum(o.correct for o in q.options)
        w = 100 / n_good  # each right pick earns 1/n, each wrong pick costs 1/n: as grading.grade scores it
        body = "".join(
            f"\t~%{_weight(w if o.correct else -w)}%{e(o.text)}#{e(o.feedback)}\n" for o in q.options
        )
    elif isinstance(q, TrueFalse):
        right, wrong = (
            (q.feedback_true, q.feedback_false) if q.answer else (q.feedback_false, q.feedback_true)
        )
        # {T#feedback for a wrong answer#feedback for a right answer####general}
        return f"{head}{{{'T' if q.answer else 'F'}#{e(wrong)}#{e(right)}####{e(_general_feedback(course, q))}}}\n"
    elif isinstance(q, Numeric):
        lo, hi = q.bounds  # min and max when the question gives no value
        key = f"{_num(q.value)}:{_num(q.tolerance)}" if q.value is not None else f"{_num(lo)}..{_num(hi)}"
        body = f"\t={key}#{e('Within the accepted range.')}\n\t~#{e('Not within the accepted range.')}\n"
        return f"{head}{{#\n{body}{general}}}\n"
    elif isinstance(q, Matching):
        body = "".join(f"\t={e(p.left)} -> {e(p.right)}\n" for p in q.pairs)
    else:  # pragma: no cover - callers skip what unsupported() names
        raise ExportError(f"{q.id}: GIFT cannot express a {q.type} question")
    return f"{head}{{\n{body}{general}}}\n"


def export_gift(course: Course, lesson: str | None = None) -> str:
    """The quiz banks (of one lesson, or all) as Moodle GIFT text. See :func:`skipped` for what is left out."""
    parts = [
        "// Cramp Lessons quiz banks in Moodle GIFT format (generated by cramp-lessons; edit the course, not this file).\n"
    ]
    category = None
    for les, bank, q in _selection(course, lesson):
        if unsupported("gift", q):
            continue
        if les.id != category:
            category = les.id
            parts.append(f"$CATEGORY: cramp-lessons/{les.number}_{les.id}\n")
        parts.append(
            f"// {q.id} ({TYPE_LABELS[q.type]}), bank {bank.bank}, lesson {les.number} {les.title}\n"
            + _gift_question(course, q)
        )
    return "\n".join(parts)


# ------------------------------------------------------------------ jupyterquiz
def _h(text: str) -> str:
    # jupyterquiz puts questions, answers and feedback into the page as HTML.
    return html.escape(text, quote=False)


def _jq_question(course: Course, q: Question) -> dict[str, Any]:
    why = f" {q.explanation}"
    if isinstance(q, (SingleChoice, MultipleSelect)):
        return {
            "question": _h(q.prompt),
            "type": "multiple_choice" if isinstance(q, SingleChoice) else "many_choice",
            "answers": [
                {
                    "answer": _h(o.text),
                    "correct": o.correct,
                    "feedback": _h(o.feedback + (why if o.correct else "")),
                }
                for o in q.options
            ],
        }
    if isinstance(q, TrueFalse):
        return {
            "question": _h(q.prompt),
            "type": "multiple_choice",
            "answers": [
                {
                    "answer": "Fact",
                    "correct": q.answer,
                    "feedback": _h(q.feedback_true + (why if q.answer else "")),
                },
                {
                    "answer": "Myth",
                    "correct": not q.answer,
                    "feedback": _h(q.feedback_false + ("" if q.answer else why)),
                },
            ],
        }
    if isinstance(q, Numeric):
        unit = f" (in {q.unit})" if q.unit else ""
        ok = _h("Correct." + why)
        lo, hi = q.bounds
        if q.value is not None and q.tolerance == 0:
            answers = [{"type": "value", "value": q.value, "correct": True, "feedback": ok}]
        else:
            # jupyterquiz ranges are [a, b): the upper bound itself is added as a value.
            answers = [
                {"type": "range", "range": [lo, hi], "correct": True, "feedback": ok},
                {"type": "value", "value": hi, "correct": True, "feedback": ok},
            ]
        answers.append({"type": "default", "feedback": "Not within the accepted range. Try again."})
        return {"question": _h(q.prompt + unit), "type": "numeric", "answers": answers}
    raise ExportError(f"{q.id}: jupyterquiz cannot express a {q.type} question")  # pragma: no cover


def export_jupyterquiz(course: Course, lesson: str | None = None) -> list[dict[str, Any]]:
    """The quiz banks as jupyterquiz question dicts (``display_quiz(this_list)`` shows them).

    Myth-or-fact questions become multiple choice with the answers Fact and Myth; ordering and
    matching are left out (see :func:`skipped`).
    """
    return [
        _jq_question(course, q)
        for _l, _b, q in _selection(course, lesson)
        if not unsupported("jupyterquiz", q)
    ]


# ------------------------------------------------------------------ Markdown worksheet
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _letter(k: int) -> str:
    return _LETTERS[k] if k < len(_LETTERS) else f"Z{k - len(_LETTERS) + 1}"


def export_markdown(course: Course, lesson: str | None = None, seed: int | str = "worksheet") -> str:
    """A printable worksheet: the questions, then (after a page break) the answer key.

    Items to put in order and right-hand matches are shuffled with ``seed`` (the same seed,
    the same worksheet).
    """
    sel = _selection(course, lesson)
    title = f"{sel[0][0].number} {sel[0][0].title}" if lesson else "the whole course"
    sheet = [
        f"# Cramp Lessons: check yourself ({title})",
        "",
        "Name: ______________________  Date: ____________",
        "",
    ]
    key = [PAGE_BREAK, "", f"# Answer key ({title})", ""]
    current = None
    for n, (les, _bank, q) in enumerate(sel, start=1):
        if les.id != current:
            current = les.id
            sheet += [f"## Lesson {les.number}: {les.title}", ""]
            key += [f"## Lesson {les.number}: {les.title}", ""]
        sheet.append(f"**{n}.** *({TYPE_LABELS[q.type]})* {q.prompt}")
        sheet.append("")
        answer = _worksheet_body(q, seed, sheet)
        sheet.append("")
        key += [
            f"**{n}.** {answer}  ",
            f"*Why:* {q.explanation} *[evidence: {q.evidence}]*  ",
            f"*Read again:* [{lesson_link(course, q.id)}]({lesson_link(course, q.id)})",
            "",
        ]
    return "\n".join(sheet + key) + "\n"


def _worksheet_body(q: Question, seed: int | str, out: list[str]) -> str:
    """Append the answer area of ``q`` to ``out``; return its line in the answer key."""
    if isinstance(q, (SingleChoice, MultipleSelect)):
        how = "Tick one." if isinstance(q, SingleChoice) else "Tick every answer that applies."
        out += [f"*{how}*", ""]
        for k, o in enumerate(q.options):
            out.append(f"- [ ] {_letter(k)}. {o.text}")
        right = [f"{_letter(k)} ({o.text})" for k, o in enumerate(q.options) if o.correct]
        return ", ".join(right)
    if isinstance(q, TrueFalse):
        out += ["- [ ] Fact", "- [ ] Myth"]
        return "Fact" if q.answer else "Myth"
    if isinstance(q, Numeric):
        out.append(f"Answer: ______________ {q.unit}".rstrip())
        return _numeric_key(q)
    if isinstance(q, Ordering):
        text = {i.id: i.text for i in q.items}
        shown = shuffled_choices(q, seed)
        out += ["*Number the steps in order (1 = first).*", ""]
        out += [f"- ____ {_letter(k)}. {text[i]}" for k, i in enumerate(shown)]
        letter = {i: _letter(k) for k, i in enumerate(shown)}
        return " → ".join(f"{letter[i.id]} ({i.text})" for i in q.items)
    if isinstance(q, Matching):
        rights = shuffled_choices(q, seed)
        out += ["*Write the letter of the matching description beside each item.*", ""]
        out += [f"{k + 1}. {p.left} ____" for k, p in enumerate(q.pairs)]
        out.append("")
        out += [f"- {_letter(k)}. {r}" for k, r in enumerate(rights)]
        letter = {r: _letter(k) for k, r in enumerate(rights)}
        return "; ".join(f"{k + 1} → {letter[p.right]} ({p.right})" for k, p in enumerate(q.pairs))
    raise ExportError(f"{q.id}: no worksheet form for a {q.type} question")  # pragma: no cover


def _numeric_key(q: Numeric) -> str:
    unit = f" {q.unit}" if q.unit else ""
    if q.value is not None:
        tol = f" (±{_num(q.tolerance)})" if q.tolerance else ""
        return f"{_num(q.value)}{unit}{tol}"
    lo, hi = q.bounds  # min and max, as the question gives no value
    return f"between {_num(lo)} and {_num(hi)}{unit}"


# ------------------------------------------------------------------ import from jupyterquiz
_TAG = re.compile(r"<[^>]+>")
_OPTION_IDS = [c for c in "abcdefghijklmnopqrstuvwxyz"]


def _plain(text: Any) -> tuple[str, bool]:
    """HTML from a jupyterquiz file -> plain text; also says whether tags were removed."""
    s = str(text)
    stripped = _TAG.sub("", s)
    return html.unescape(stripped).strip(), stripped != s


def _option_id(k: int) -> str:
    return _OPTION_IDS[k] if k < len(_OPTION_IDS) else f"o{k + 1}"


def convert_jupyterquiz(
    data: Any,
    bank_id: str,
    lesson: str,
    title: str,
    source: str = "a jupyterquiz file",
    course: Course | None = None,
) -> tuple[str, list[tuple[int, str]]]:
    """jupyterquiz question dicts -> (YAML text of a bank, [(question number, why skipped)])."""
    if not _valid_id(bank_id):
        raise ExportError(
            f"bank id {bank_id!r} is not valid: use lower-case words joined by dots, like causes.cold"
        )
    if not _valid_id(lesson):
        raise ExportError(
            f"lesson id {lesson!r} is not valid: use a lesson id from lessons.yaml, like what_is_a_cramp"
        )
    if course is not None and lesson not in course.lessons:
        raise ExportError(f"unknown lesson {lesson!r}; lessons: {', '.join(sorted(course.lessons))}")
    if course is not None and bank_id in course.banks:
        raise ExportError(f"a bank {bank_id!r} already exists; choose another --bank id")
    if not title or not str(title).strip():
        raise ExportError("the bank needs a title")
    if isinstance(data, dict) and isinstance(data.get("questions"), list):
        data = data["questions"]
    if not isinstance(data, list):
        raise ExportError("a jupyterquiz file holds a JSON list of questions")

    questions: list[tuple[dict[str, Any], list[str]]] = []
    skips: list[tuple[int, str]] = []
    for n, item in enumerate(data, start=1):
        try:
            q, notes = _from_jq(item, f"{bank_id}.q{len(questions) + 1}")
        except _Skip as s:
            skips.append((n, str(s)))
            continue
        questions.append((q, [f"jupyterquiz question {n} ({item.get('type')})", *notes]))
    if not questions:
        more = f"; and {len(skips) - 5} more" if len(skips) > 5 else ""  # a message, not a dump of the file
        raise ExportError(
            "no question in the file could be imported: "
            + "; ".join(f"question {n}: {why}" for n, why in skips[:5])
            + more
        )

    header = [
        f"# Imported from {source} (jupyterquiz format) by `cramp-lessons import`.",
        "# Defaults chosen on import, to review before this bank is used in a lesson:",
        "# - evidence: 'unproven' on every question. A jupyterquiz file says nothing about evidence,",
        "#   so no question claims more than its source shows. Set the real tag and add references.",
        "# - explanation: copied from the feedback of the correct answer; where there was none, a",
        "#   placeholder that says so. Write a real explanation (why the answer is right).",
        "# - option feedback: 'Correct.' / 'Not correct.' where the file gave none.",
        "# - numeric ranges: jupyterquiz's [a, b) becomes min a, max b (both ends accepted).",
        "# - HTML tags in the text were removed (marked below where that happened).",
    ]
    header += [f"# Skipped: jupyterquiz question {n}: {why}" for n, why in skips]
    top = yaml.safe_dump(
        {"bank": bank_id, "title": str(title).strip(), "lesson": lesson},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    body = ["questions:"]
    for q, notes in questions:
        body += [f"  # {note}" for note in notes]
        dumped = yaml.safe_dump([q], sort_keys=False, allow_unicode=True, width=100)
        body += ["  " + line if line else line for line in dumped.rstrip("\n").split("\n")]
    text = "\n".join(header) + "\n" + top + "\n".join(body) + "\n"
    try:
        TypeAdapter(Bank).validate_python(yaml.safe_load(text))
    except ValidationError as e:  # pragma: no cover - a bug here, not in the input
        raise ExportError(f"the imported bank does not validate: {e}") from None
    return text, skips


def _valid_id(x: Any) -> bool:
    try:
        TypeAdapter(Id).validate_python(x)
    except ValidationError:
        return False
    return True


class _Skip(Exception):
    pass


def _feedback(item: dict[str, Any], default: str) -> tuple[str, bool]:
    fb = item.get("feedback")
    if fb is None or not str(fb).strip():
        return default, False
    text, tags = _plain(fb)
    return (text or default), tags


def _from_jq(item: Any, qid: str) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(item, dict):
        raise _Skip("not a question object")
    kind = item.get("type")
    prompt, tags = _plain(item.get("question", ""))
    if item.get("code"):
        prompt = f"{prompt}\n\n```\n{html.unescape(str(item['code']))}\n```".strip()
    if not prompt:
        raise _Skip("it has no question text")
    notes = ["HTML tags removed from the question"] if tags else []
    q: dict[str, Any]  # the bank's question as its YAML will hold it
    answers = item.get("answers")
    if not isinstance(answers, list) or not answers or not all(isinstance(a, dict) for a in answers):
        raise _Skip("it has no list of answers")

    if kind in ("multiple_choice", "many_choice"):
        for a in answers:
            if "answer" not in a or not isinstance(a.get("correct"), bool):
                raise _Skip("an answer lacks 'answer' text or a true/false 'correct'")
        texts = [_plain(a["answer"])[0] for a in answers]
        right = [a for a in answers if a["correct"]]
        if not right:
            raise _Skip("no answer is marked correct")
        explanation, has_expl = _explanation(right)
        if not has_expl:
            notes.append("placeholder explanation: write one")
        if len(answers) == 2 and sorted(t.lower() for t in texts) == ["fact", "myth"] and len(right) == 1:
            fact = answers[[t.lower() for t in texts].index("fact")]
            myth = answers[[t.lower() for t in texts].index("myth")]
            q = {
                "id": qid,
                "type": "truefalse",
                "prompt": prompt,
                "answer": bool(fact["correct"]),
                "feedback_true": _feedback(fact, "Correct." if fact["correct"] else "Not correct.")[0],
                "feedback_false": _feedback(myth, "Correct." if myth["correct"] else "Not correct.")[0],
            }
        else:
            if len(set(texts)) != len(texts) or any(not t for t in texts):
                raise _Skip("answers are empty or repeated")
            single = kind == "multiple_choice" and len(right) == 1
            options = []
            for k, (a, t) in enumerate(zip(answers, texts, strict=False)):
                opt: dict[str, Any] = {"id": _option_id(k), "text": t}
                if a["correct"]:
                    opt["correct"] = True
                opt["feedback"] = _feedback(a, "Correct." if a["correct"] else "Not correct.")[0]
                options.append(opt)
            q = {"id": qid, "type": "single" if single else "multiple", "prompt": prompt, "options": options}
            if kind == "multiple_choice" and len(right) > 1:
                notes.append("multiple_choice with several correct answers: imported as multiple select")
        q.update({"explanation": explanation, "evidence": "unproven"})
        return q, notes

    if kind == "numeric":
        right = [a for a in answers if a.get("correct") is True]
        ranges = [a for a in right if _is_range(a.get("range"))]
        values = [a for a in right if _is_number(a.get("value"))]
        explanation, has_expl = _explanation(right)
        if not has_expl:
            notes.append("placeholder explanation: write one")
        q = {"id": qid, "type": "numeric", "prompt": prompt}
        if ranges:
            lo, hi = sorted(float(x) for x in ranges[0]["range"])
            q.update({"min": lo, "max": hi})
            dropped = len(right) - 1 - sum(1 for v in values if float(v["value"]) == hi)
        elif values:
            v = float(values[0]["value"])
            q["value"] = v
            precision = item.get("precision")
            if isinstance(precision, int) and not isinstance(precision, bool) and precision > 0 and v != 0:
                # jupyterquiz rounds the answer to `precision` significant digits before comparing.
                q["tolerance"] = 0.5 * 10 ** (math.floor(math.log10(abs(v))) - precision + 1)
                notes.append(f"precision {precision} became tolerance {q['tolerance']:g}")
            dropped = len(right) - 1
        else:
            raise _Skip("no correct value or range")
        if dropped > 0:
            notes.append(
                f"{dropped} other correct answer(s) dropped: a bank question takes one value or range"
            )
        q.update({"explanation": explanation, "evidence": "unproven"})
        return q, notes

    if kind == "string":
        raise _Skip("free-text (string) answers have no matching question type here")
    raise _Skip(f"unknown question type {echo(kind, 60)}")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_range(r: Any) -> bool:
    return isinstance(r, list) and len(r) == 2 and all(_is_number(x) for x in r)


def _explanation(right: list[dict[str, Any]]) -> tuple[str, bool]:
    for a in right:
        fb, _tags = _feedback(a, "")
        if fb and fb.lower().rstrip(".!") not in ("correct", "right", "yes"):
            return fb, True
    return "No explanation came with the imported question: write one before using it.", False


def import_jupyterquiz(
    path: Path | str, bank_id: str, lesson: str, title: str, course: Course | None = None
) -> str:
    """Read a jupyterquiz JSON file and return the YAML text of a quiz bank that ``cramp-lessons check`` accepts.

    Questions it cannot take (``string`` answers, malformed ones) are left out and named in a
    comment at the top of the YAML. With ``course``, the lesson must exist and the bank id be new.
    """
    text, _skips = convert_jupyterquiz(
        read_jupyterquiz(path), bank_id, lesson, title, Path(path).name, course
    )
    return text


def read_jupyterquiz(path: Path | str) -> Any:
    p = Path(path)
    try:
        with p.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ExportError(f"cannot read {p}: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        # The bank it becomes must fit the same cap as every content file.
        raise ExportError(f"{p} is larger than {MAX_FILE_BYTES:,} bytes; a quiz file is a few KB")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ExportError(f"{p} is not a JSON file: {e}") from None
    except RecursionError:
        raise ExportError(f"{p} is nested too deeply to be a jupyterquiz file") from None


__all__ = [
    "export_gift",
    "export_jupyterquiz",
    "export_markdown",
    "import_jupyterquiz",
    "convert_jupyterquiz",
    "read_jupyterquiz",
    "skipped",
    "unsupported",
    "gift_escape",
    "gift_unescape",
    "ExportError",
    "FORMATS",
    "PAGE_BREAK",
]
