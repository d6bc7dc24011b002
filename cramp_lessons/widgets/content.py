"""Course content rendered for a lesson: topic cards, lesson header and footer, the course map.

Everything shown here comes from ``content/``; these functions only lay it out as Markdown,
which JupyterLab renders, screen readers read and nbval compares as text.
"""

from __future__ import annotations

from ..course import EVIDENCE_WORDS, Course, Topic, load_course

DISCLAIMER_PATH = "../cramp_lessons/content/disclaimer.md"  # relative to notebooks/
_EMOJI = {"strong": "🟢", "moderate": "🔵", "weak": "🟠", "traditional practice": "🟣", "unproven": "⚪"}
EVIDENCE_BADGE = {tag: f"{_EMOJI[tag]} {words}" for tag, words in EVIDENCE_WORDS.items()}
URGENCY = {
    "emergency": "🚨 Emergency: call for help now",
    "soon": "⚠️ See a doctor soon",
    "routine": "🩺 Mention it to your doctor",
}


class Markdown:
    """Markdown for display, with the same text as its plain-text form."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


def _refs(course: Course, ids: list[str]) -> str:
    return "".join(f"\n- {course.references[r].citation}" for r in ids)


def topic_markdown(t: Topic, course: Course, heading: str = "###") -> str:
    badge = f"*{EVIDENCE_BADGE[t.evidence]}*" + (f" that it **{t.verdict}**" if t.verdict else "")
    parts = [f"{heading} {t.title}", badge + (f": {t.evidence_note}" if t.evidence_note else ""), t.summary]
    if t.body:
        parts.append(t.body.strip())
    if t.article_says:
        parts.append(f"> **The article says:** {t.article_says}")
    if t.correction:
        parts.append(f"**What the evidence says:** {t.correction}")
    for label, values in (("Who is most at risk", t.risk_groups), ("Where it happens", t.where)):
        if values:
            parts.append(f"**{label}:**" + "".join(f"\n- {v}" for v in values))
    if t.steps:
        hold = f" Hold {t.hold_seconds[0]}–{t.hold_seconds[1]} seconds." if t.hold_seconds else ""
        parts.append(
            "**How to do it:**"
            + "".join(f"\n{k}. {s}" for k, s in enumerate(t.steps, 1))
            + (f"\n\n{hold.strip()}" if hold else "")
        )
    if t.cautions:
        parts.append("**Take care:**" + "".join(f"\n- ⚠️ {c}" for c in t.cautions))
    if t.urgency:
        parts.append(f"**{URGENCY[t.urgency]}**")
    if t.references:
        parts.append("<details><summary>Sources</summary>\n" + _refs(course, t.references) + "\n</details>")
    return "\n\n".join(parts)


def show(*topic_ids: str, heading: str = "###") -> Markdown:
    """Show one or more topics from the content as cards: ``show("causes.cold")``."""
    course = load_course()
    return Markdown("\n\n---\n\n".join(topic_markdown(course.topic(t), course, heading) for t in topic_ids))


def show_kind(kind: str, lesson: str | None = None, heading: str = "###") -> Markdown:
    """Every topic of a kind (``"cause"``, ``"relief"``...), optionally only one lesson's."""
    course = load_course()
    ts = [t for t in course.of_kind(kind) if lesson is None or t.lesson == lesson]
    return Markdown("\n\n---\n\n".join(topic_markdown(t, course, heading) for t in ts))


def red_flags_markdown(course: Course | None = None) -> str:
    course = course or load_course()
    order = {"emergency": 0, "soon": 1, "routine": 2}
    flags = sorted(course.of_kind("red_flag"), key=lambda t: order[t.urgency or "routine"])
    lines = []
    for level in ("emergency", "soon", "routine"):
        items = [t for t in flags if t.urgency == level]
        if items:
            lines.append(f"**{URGENCY[level]}**" + "".join(f"\n- {t.title}: {t.summary}" for t in items))
    return "\n\n".join(lines)


def disclaimer() -> Markdown:
    """The course disclaimer and the red flags, emergencies first."""
    course = load_course()
    return Markdown(course.documents["disclaimer"].strip())


def lesson_header(lesson_id: str) -> Markdown:
    """What you will learn, time needed, and the disclaimer link, from ``lessons.yaml``."""
    course = load_course()
    les = course.lessons[lesson_id]
    goals = "".join(f"\n- {o}" for o in les.objectives)
    return Markdown(
        f"**What you will learn:**{goals}\n\n**Time needed:** about {les.minutes} minutes.\n\n"
        f"*This course teaches; it does not diagnose. Read the [disclaimer and red flags]({DISCLAIMER_PATH}).*"
    )


def lesson_footer(lesson_id: str) -> Markdown:
    """References used by the lesson's topics and quizzes, the next lesson, and the disclaimer link."""
    course = load_course()
    ids: list[str] = []
    for t in course.topics.values():
        if t.lesson == lesson_id:
            ids += t.references
    for b in course.banks_for(lesson_id):
        for q in b.questions:
            ids += q.references
    unique = sorted(set(ids), key=lambda r: course.references[r].citation)
    refs = "".join(
        f"\n{k}. {course.references[r].citation} *({course.references[r].evidence})*"
        for k, r in enumerate(unique, 1)
    )
    lessons = sorted(course.lessons.values(), key=lambda x: x.number)
    nxt = next((x for x in lessons if x.number > course.lessons[lesson_id].number), None)
    nxt_line = ""
    if nxt:
        nxt_line = (
            f"**Next:** [{nxt.number} {nxt.title}]({nxt.notebook})"
            if nxt.status == "available"
            else f"**Next:** {nxt.number} {nxt.title} (coming soon)"
        )
    return Markdown(
        f"### References\n{refs or chr(10) + 'None for this lesson.'}\n\n{nxt_line}\n\n"
        f"*This course teaches; it does not diagnose. [Disclaimer and red flags]({DISCLAIMER_PATH}).*"
    )


def course_map() -> Markdown:
    """All lessons, including those still to come, with their status."""
    course = load_course()
    rows = ["| # | Lesson | Time | Status |", "|---|---|---|---|"]
    for les in sorted(course.lessons.values(), key=lambda x: x.number):
        title = f"[{les.title}]({les.notebook})" if les.status == "available" else les.title
        status = "ready" if les.status == "available" else "coming soon"
        rows.append(f"| {les.number} | {title}: {les.summary} | {les.minutes} min | {status} |")
    return Markdown("\n".join(rows))


def ranked(kind: str, lesson: str | None = None) -> Markdown:
    """A table of a kind's topics, strongest evidence first, with which way the evidence points."""
    course = load_course()
    order = {
        tag: k for k, tag in enumerate(("strong", "moderate", "weak", "traditional practice", "unproven"))
    }
    ts = sorted(
        (t for t in course.of_kind(kind) if lesson is None or t.lesson == lesson),
        key=lambda t: (t.verdict is not None, order[t.evidence]),
    )
    rows = ["| Measure | Evidence | Verdict |", "|---|---|---|"]
    rows += [f"| {t.title} | {EVIDENCE_BADGE[t.evidence]} | {t.verdict or 'worth trying'} |" for t in ts]
    return Markdown("\n".join(rows))
