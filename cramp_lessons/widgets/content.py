"""Course content rendered for a lesson: topic cards, lesson header and footer, the course map.

Everything shown here comes from ``content/``; these functions only lay it out as Markdown,
which JupyterLab renders, screen readers read and nbval compares as text.
"""

from __future__ import annotations

from pathlib import Path

from cramp_lessons.course.model import Course, EvidenceLevel, Topic, UrgencyLevel, load_course
from cramp_lessons.course.rendered import default_notebooks_dir
from cramp_lessons.course.terms import glosser, terms_used
from cramp_lessons.schema import EVIDENCE_TAGS

DISCLAIMER_PATH = "../cramp_lessons/content/disclaimer.md"  # relative to notebooks/


def badge(e: EvidenceLevel) -> str:
    """An evidence tag's badge on a card: its icon and its words, from ``content/evidence.yaml``."""
    return f"{e.icon} {e.words}"


def level_heading(lv: UrgencyLevel) -> str:
    """A level of the urgency scale as a heading: its icon and label, from ``content/urgency.yaml``."""
    return f"{lv.icon} {lv.label}"


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


def topic_markdown(
    t: Topic,
    course: Course,
    heading: str = "###",
    show_level: bool = True,
    lesson: str | None = None,
    notebooks_dir: Path | None = None,
) -> str:
    """A topic as a card. Glossary terms defined in a lesson before ``lesson`` (default: the topic's own)
    show their definition on hover, at their first use in the card (``notebooks_dir``: where the lessons
    are read to find each term's defining lesson; default: the repository's ``notebooks/``).
    """
    g = glosser(course, lesson or t.lesson, notebooks_dir or default_notebooks_dir())
    parts = [f"{heading} {t.title}"]
    if t.parts:
        # A card whose parts differ in strength: one badge per part, the part the card rates first.
        parts.append(
            "**How sure is each part?**"
            + "".join(
                f"\n- *{badge(course.evidence[p.evidence])}*: {g(p.claim)}"
                + (f" {g(p.note)}" if p.note else "")
                for p in t.parts
            )
        )
        if t.evidence_note:
            parts.append(f"*About the evidence:* {g(t.evidence_note)}")
    else:
        tag = f"*{badge(course.evidence[t.evidence])}*"
        parts.append(tag + (f": {g(t.evidence_note)}" if t.evidence_note else ""))
    if t.verdict:
        v = course.verdict(t.verdict)
        parts.append(f"**Does it prevent cramps? {v.id.capitalize()}.** {v.meaning}")
    parts.append(g(t.summary))
    if t.body:
        parts.append(g(t.body.strip()))
    if t.article_says:
        parts.append(f"> **The article says:** {g(t.article_says)}")
    if t.correction:
        parts.append(f"**What the evidence says:** {g(t.correction)}")
    for label, values in (("Who is most at risk", t.risk_groups), ("Where it happens", t.where)):
        if values:
            parts.append(f"**{label}:**" + "".join(f"\n- {g(v)}" for v in values))
    if t.steps:
        hold = f" Hold {t.hold_seconds[0]}–{t.hold_seconds[1]} seconds." if t.hold_seconds else ""
        parts.append(
            "**How to do it:**"
            + "".join(f"\n{k}. {g(s)}" for k, s in enumerate(t.steps, 1))
            + (f"\n\n{hold.strip()}" if hold else "")
        )
    if t.cautions:
        parts.append("**Take care:**" + "".join(f"\n- ⚠️ {g(c)}" for c in t.cautions))
    if t.urgency and show_level:
        parts.append(f"**{level_heading(course.level(t.urgency))}**")
    if t.all_references:
        parts.append(
            "<details><summary>Sources</summary>\n" + _refs(course, t.all_references) + "\n</details>"
        )
    return "\n\n".join(parts)


def show(
    *topic_ids: str, heading: str = "###", by_level: bool = False, lesson: str | None = None
) -> Markdown:
    """Show one or more topics from the content as cards: ``show("causes.cold")``.

    ``by_level=True`` groups the cards under the levels of the urgency scale (``content/urgency.yaml``),
    most urgent first, each with its label and what to do; cards without a level come last.
    ``lesson``: the lesson showing the cards, if not their own (it decides which glossary terms
    explain themselves on hover).
    """
    course = load_course()
    topics = [course.topic(t) for t in topic_ids]
    if not by_level:
        return Markdown("\n\n---\n\n".join(topic_markdown(t, course, heading, lesson=lesson) for t in topics))
    blocks = []
    for lv in course.urgency:
        group = [t for t in topics if t.urgency == lv.id]
        if group:
            intro = f"{heading} {level_heading(lv)}\n\n**What to do:** {lv.action}"
            cards = [topic_markdown(t, course, heading + "#", show_level=False, lesson=lesson) for t in group]
            blocks.append("\n\n".join([intro, *cards]))
    rest = [t for t in topics if t.urgency not in course.urgency_rank]
    blocks += [topic_markdown(t, course, heading, lesson=lesson) for t in rest]
    return Markdown("\n\n---\n\n".join(blocks))


def urgency_scale(course: Course | None = None) -> Markdown:
    """The course's levels of urgency, most urgent first: what to do, and the signs on each level.

    Everything comes from ``content/urgency.yaml`` and the red-flag topics.
    """
    course = course or load_course()
    rows = ["| Level | What to do | Signs on this level |", "|---|---|---|"]
    notes, refs = [], []
    for lv in course.urgency:
        signs = "; ".join(t.title for t in course.of_kind("red_flag") if t.urgency == lv.id)
        rows.append(f"| **{level_heading(lv)}** | {lv.action} | {signs or '-'} |")
        if lv.note:
            notes.append(f"*{lv.label}:* {lv.note}")
        refs += [r for r in lv.references if r not in refs]
    parts = ["\n".join(rows), *notes]
    parts.append("<details><summary>Sources</summary>\n" + _refs(course, refs) + "\n</details>")
    return Markdown("\n\n".join(parts))


def glossary_markdown(course: Course, lesson_id: str, notebooks_dir: Path | None = None) -> str:
    """The glossary terms a lesson uses, A to Z, each with its definition (from ``content/glossary.yaml``)."""
    terms = terms_used(course, lesson_id, notebooks_dir or default_notebooks_dir())
    if not terms:
        return "### Words in this lesson\n\nThis lesson uses no words from the course glossary."
    rows = []
    for t in sorted(terms, key=lambda t: t.term.casefold()):
        short = [a for a in t.aliases if a.isupper()]  # abbreviations help; spelling variants do not
        also = f" ({', '.join(short)})" if short else ""
        rows.append(f"- **{t.term}**{also}: {' '.join(t.definition.split())}")
    return "### Words in this lesson\n\n" + "\n".join(rows)


def glossary(lesson_id: str) -> Markdown:
    """The words of the course glossary that a lesson uses, with what they mean: ``glossary("relief")``."""
    return Markdown(glossary_markdown(load_course(), lesson_id))


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
            ids += t.all_references
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


def ranked(kind: str, lesson: str | None = None, course: Course | None = None) -> Markdown:
    """A table of a kind's measures ranked by how well they are shown to prevent cramps.

    The order is the verdicts' order in ``content/verdicts.yaml`` (best shown to help first), then
    the strength of the evidence; a legend below says what each verdict means.
    """
    course = course or load_course()
    erank = {tag: k for k, tag in enumerate(EVIDENCE_TAGS)}
    vrank = {v.id: k for k, v in enumerate(course.verdicts)}
    ts = [t for t in course.of_kind(kind) if lesson is None or t.lesson == lesson]
    # Sorting is stable: within one verdict and tag, content order.
    ts.sort(key=lambda t: (vrank.get(t.verdict or "", len(vrank)), erank[t.evidence]))
    plan = {v.id: v.plan for v in course.verdicts}

    def strength(t: Topic) -> str:
        # A safety step's tag rates another claim (that medicines can cause cramps), not prevention.
        return (
            "not rated: not a way to prevent cramps"
            if plan.get(t.verdict or "") == "safety"
            else badge(course.evidence[t.evidence])
        )

    rows = ["| Measure | Does it prevent cramps? | How strong the evidence is |", "|---|---|---|"]
    rows += [f"| {t.title} | {t.verdict or 'no verdict'} | {strength(t)} |" for t in ts]
    used = {t.verdict for t in ts}
    legend = [f"- **{v.id}**: {v.meaning}" for v in course.verdicts if v.id in used]
    return Markdown("\n".join(rows) + ("\n\n" + "\n".join(legend) if legend else ""))
