"""The prevention planner: the learner's situations in, a personal checklist out.

Pure logic, no IPython. Everything comes from the content:

- the situations to tick are the ``situation`` topics (``situations.athlete`` -> ``athlete``);
  ``everyone`` is always included;
- the measures are every ``prevention`` topic whose ``situations`` tags meet the ticked ones
  (or ``everyone``), each with its evidence tag, verdict and cautions. The measure's verdict
  (``content/verdicts.yaml``) decides its section: a to-do, a safety step, optional (never a
  to-do: not shown to prevent cramps), or not advised (never a to-do). Within a section: best
  verdict first, then strongest evidence;
- red flags: every sign on the most urgent level of the scale (``content/urgency.yaml``), plus any
  red flag whose ``situations`` tags meet the ticked ones, most urgent first, under the level's label.

Plans are saved in the progress store (table ``plans``) by their situations, so a saved plan
always shows the current content, and exported as Markdown or print-friendly HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from cramp_lessons.course.model import Course, Part, Topic, UrgencyLevel, load_course
from cramp_lessons.errors import CrampLessonsError
from cramp_lessons.schema import EVIDENCE_TAGS

__all__ = [
    "EVERYONE",
    "PlanItem",
    "Plan",
    "PlannerError",
    "situation_choices",
    "make_plan",
    "plan_markdown",
    "plan_html",
    "plan_summary",
    "plan_sections",
    "measure_tag",
    "SECTIONS",
    "save_plan",
    "load_plan",
    "list_plans",
    "delete_plan",
]

EVERYONE = "everyone"
# The plan's sections, in the order shown; a measure's verdict (content/verdicts.yaml) names its
# section. Only "to_do" and "safety" items get a checkbox.
SECTIONS = {
    "to_do": "My checklist: may help prevent cramps (strongest evidence first)",
    "safety": "Safety steps (not a way to prevent cramps)",
    "optional": "Optional: not shown to prevent cramps (untested, or too little evidence)",
    "not_advised": "Not advised for cramps",
}
MARK = {"to_do": "☐", "safety": "☐", "optional": "○", "not_advised": "✗"}
MD_BULLET = {"to_do": "- [ ]", "safety": "- [ ]", "optional": "-", "not_advised": "- ✗"}
DISCLAIMER_LINE = (
    "This plan is a teaching aid from Cramp Lessons, not medical advice. It cannot tell why your legs "
    "cramp. Ask a doctor, midwife or pharmacist before taking any supplement or changing a medicine."
)


class PlannerError(CrampLessonsError, ValueError):
    """A plan cannot be made or loaded as asked (unknown situation, bad name)."""


@dataclass(frozen=True)
class PlanItem:
    topic_id: str
    title: str
    summary: str
    evidence: str
    evidence_note: str | None
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    because: tuple[str, ...]  # the situation ids (or "everyone") that brought it in
    level: UrgencyLevel | None = None  # red flags only: their level on the urgency scale
    verdict: str | None = None  # measures only: "may help", "not tested"... (content/verdicts.yaml)
    section: str | None = None  # measures only: a key of SECTIONS, from the verdict
    parts: tuple[Part, ...] = ()  # a card whose parts differ in strength: each part with its own tag

    @property
    def urgency(self) -> str | None:
        """A red flag's level id, or None."""
        return self.level.id if self.level else None

    @property
    def to_do(self) -> bool:
        """Shown with a checkbox (a measure that may help, or a safety step)."""
        return self.section in ("to_do", "safety")


@dataclass(frozen=True)
class Plan:
    situations: tuple[str, ...]  # ticked, in content order (never includes "everyone")
    advice: tuple[PlanItem, ...]  # the situation topics themselves, ticked ones then everyone
    items: tuple[PlanItem, ...]  # the measures, by section, then best verdict and strongest evidence
    red_flags: tuple[PlanItem, ...]  # most urgent first
    references: tuple[str, ...]  # citations behind every item, advice and flag
    notes: tuple[str, ...] = ()  # e.g. a saved situation that no longer exists
    levels: tuple[UrgencyLevel, ...] = ()  # the urgency scale, most urgent first

    def section(self, key: str) -> list[PlanItem]:
        """The measures in one section (a key of SECTIONS)."""
        return [i for i in self.items if i.section == key]

    def flags_by_level(self) -> list[tuple[UrgencyLevel, list[PlanItem]]]:
        """The red flags grouped by level, most urgent level first; empty levels left out."""
        return [(lv, fs) for lv in self.levels if (fs := [f for f in self.red_flags if f.level == lv])]


def _item(t: Topic, because: Iterable[str], course: Course) -> PlanItem:
    verdict = course.verdict(t.verdict) if t.verdict else None
    return PlanItem(
        t.id,
        t.title,
        t.summary,
        t.evidence,
        t.evidence_note,
        tuple(t.steps),
        tuple(t.cautions),
        tuple(because),
        course.level(t.urgency) if t.urgency else None,
        verdict.id if verdict else None,
        verdict.plan if verdict else None,
        tuple(t.parts),
    )


def situation_choices(course: Course | None = None) -> list[tuple[str, str]]:
    """(situation id, label) for every situation a learner can tick, in content order."""
    course = course or load_course()
    out = []
    for t in course.of_kind("situation"):
        sid = t.id.split(".", 1)[1] if t.id.startswith("situations.") else t.id
        if sid != EVERYONE:
            out.append((sid, t.title))
    return out


def _situation_topic(course: Course, sid: str) -> Topic | None:
    return next((t for t in course.of_kind("situation") if t.id.split(".", 1)[-1] == sid), None)


def _normalise(selected: Iterable[str], course: Course) -> tuple[str, ...]:
    known = [sid for sid, _ in situation_choices(course)]
    if isinstance(selected, str):
        selected = [selected]
    chosen = set()
    for s in selected:
        sid = str(s).strip().removeprefix("situations.")
        if sid == EVERYONE:
            continue  # always included
        if sid not in known:
            raise PlannerError(f"unknown situation {s!r}; choose from: {', '.join(known)}")
        chosen.add(sid)
    return tuple(sid for sid in known if sid in chosen)


def make_plan(selected: Iterable[str] = (), course: Course | None = None, notes: Iterable[str] = ()) -> Plan:
    """The checklist for the ticked situations (ids such as ``"athlete"`` or ``"situations.athlete"``)."""
    course = course or load_course()
    sits = _normalise(selected, course)
    wanted = set(sits) | {EVERYONE}
    order = {tid: k for k, tid in enumerate(course.topics)}

    advice = []
    for sid in (*sits, EVERYONE):
        t = _situation_topic(course, sid)
        if t is not None:
            advice.append(_item(t, [sid], course))

    rank = {tag: k for k, tag in enumerate(EVIDENCE_TAGS)}
    vrank = {v.id: k for k, v in enumerate(course.verdicts)}
    srank = {key: k for k, key in enumerate(SECTIONS)}
    items = []
    for t in course.of_kind("prevention"):
        because = [s for s in t.situations if s in wanted]
        if because:
            # The ticked situations first, "everyone" last.
            because.sort(key=lambda s: (s == EVERYONE, sits.index(s) if s in sits else 0))
            items.append(_item(t, because, course))
    items.sort(
        key=lambda i: (
            srank[i.section or "optional"],
            vrank.get(i.verdict or "", len(vrank)),
            rank[i.evidence],
            -sum(b != EVERYONE for b in i.because),
            order[i.topic_id],
        )
    )

    urgency_rank = course.urgency_rank
    top = course.urgency[0].id if course.urgency else None
    flags = []
    for t in course.of_kind("red_flag"):
        because = [s for s in t.situations if s in wanted]
        if t.urgency == top and not because:
            because = [EVERYONE]
        if because:
            flags.append(_item(t, because, course))
    flags.sort(key=lambda i: (urgency_rank[i.urgency], order[i.topic_id]))  # type: ignore[index]

    refs: list[str] = []
    for i in (*advice, *items, *flags):
        for r in course.topics[i.topic_id].all_references:
            c = course.references[r].citation
            if c not in refs:
                refs.append(c)
    return Plan(sits, tuple(advice), tuple(items), tuple(flags), tuple(refs), tuple(notes), course.urgency)


# --------------------------------------------------------------------------- text
def _label(sid: str, course: Course) -> str:
    """A ticked situation as the learner saw it: its topic title ("You are pregnant")."""
    t = _situation_topic(course, sid)
    return t.title if t is not None else sid.replace("_", " ")


def plan_sections(plan: Plan) -> list[tuple[str, str, list[PlanItem]]]:
    """(section key, heading, measures) for every section that has measures, in SECTIONS order."""
    return [(key, heading, items) for key, heading in SECTIONS.items() if (items := plan.section(key))]


def measure_tag(i: PlanItem, course: Course | None = None) -> str:
    """How a measure is labelled in the plan: its verdict (optional ones say so) and its evidence,
    in the words of ``content/evidence.yaml``."""
    words = (course or load_course()).evidence[i.evidence].words
    verdict = f"optional, {i.verdict}" if i.section == "optional" else i.verdict
    return f"{verdict}; {words}" if verdict else words


def plan_summary(plan: Plan, course: Course | None = None) -> str:
    """One line: what the plan holds."""
    who = (
        ", ".join(s.replace("_", " ") for s in plan.situations) or "no situation ticked (advice for everyone)"
    )
    todo, safety = plan.section("to_do"), plan.section("safety")
    optional, skip = plan.section("optional"), plan.section("not_advised")
    top_level = plan.levels[0] if plan.levels else None
    n_top = sum(f.level == top_level for f in plan.red_flags)
    top = f" Best supported: {todo[0].title} ({measure_tag(todo[0], course)})." if todo else ""
    skipped = f" Not advised: {', '.join(i.title for i in skip)}." if skip else ""
    at_top = f" ({n_top} at '{top_level.label}')" if top_level else ""
    return (
        f"Your plan for {who}: {len(todo)} to do, {len(safety)} safety step{'s' if len(safety) != 1 else ''}, "
        f"{len(optional)} optional and not shown to prevent cramps, and "
        f"{len(plan.red_flags)} red flags{at_top}.{top}{skipped}"
    )


def _md_items(items: Iterable[PlanItem], bullet: str, course: Course) -> str:
    lines = []
    for i in items:
        why = ", ".join(b.replace("_", " ") for b in i.because)
        lines.append(f"{bullet} **{i.title}** *({measure_tag(i, course)}; for: {why})*  \n  {i.summary}")
        for p in i.parts:
            note = f" {p.note}" if p.note else ""
            lines.append(f"  - *{course.evidence[p.evidence].words.capitalize()}:* {p.claim}{note}")
        if i.evidence_note:
            lines.append(f"  - *Evidence:* {i.evidence_note}")
        for s in i.steps:
            lines.append(f"  - How: {s}")
        for c in i.cautions:
            lines.append(f"  - ⚠️ {c}")
    return "\n".join(lines)


def plan_markdown(plan: Plan, course: Course | None = None, today: date | None = None) -> str:
    """The plan as a Markdown checklist: situations, measures with evidence and cautions, red flags, sources."""
    course = course or load_course()
    today = today or date.today()
    who = ", ".join(_label(s, course) for s in plan.situations) or "none ticked"
    out = [
        "# My cramp prevention plan",
        f"*Made with Cramp Lessons on {today.isoformat()}. {DISCLAIMER_LINE}*",
        f"**My situations:** {who} (plus the advice for everyone).",
    ]
    if plan.notes:
        out.append("\n".join(f"> Note: {n}" for n in plan.notes))
    if plan.advice:
        out.append("## For my situations")
        for a in plan.advice:
            block = f"### {a.title}\n\n*{course.evidence[a.evidence].words}*\n\n{a.summary}"
            if a.cautions:
                block += "\n" + "".join(f"\n- ⚠️ {c}" for c in a.cautions)
            out.append(block)
    sections = plan_sections(plan)
    if not sections:
        out.append("No measures for these situations.")
    for key, heading, items in sections:
        out.append(f"## {heading}")
        out.append(_md_items(items, MD_BULLET[key], course))
    out.append("## Red flags: when to get help")
    for lv, flags in plan.flags_by_level():
        out.append(
            f"**{lv.label}.** {lv.action}\n"
            + "\n".join(
                f"- **{f.title}**: {f.summary}" + "".join(f"\n  - ⚠️ {c}" for c in f.cautions) for f in flags
            )
        )
    if plan.references:
        out.append("## Sources\n" + "\n".join(f"- {r}" for r in plan.references))
    return "\n\n".join(out) + "\n"


def plan_html(plan: Plan, course: Course | None = None, today: date | None = None) -> str:
    """The plan as a self-contained, print-friendly HTML page (every text escaped)."""
    course = course or load_course()
    today = today or date.today()
    who = ", ".join(_label(s, course) for s in plan.situations) or "none ticked"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>My cramp prevention plan</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:46em;margin:1em auto;line-height:1.45;color:#000}",
        "li{margin:.3em 0}.ev{font-style:italic}.box{font-size:1.2em}.caution{color:#000}",
        "h2{border-bottom:1px solid #000}@media print{a{color:#000}h2{break-after:avoid}li{break-inside:avoid}}",
        "</style></head><body>",
        "<h1>My cramp prevention plan</h1>",
        f"<p class='ev'>Made with Cramp Lessons on {escape(today.isoformat())}. {escape(DISCLAIMER_LINE)}</p>",
        f"<p><strong>My situations:</strong> {escape(who)} (plus the advice for everyone).</p>",
    ]
    for n in plan.notes:
        parts.append(f"<p><strong>Note:</strong> {escape(n)}</p>")
    if plan.advice:
        parts.append("<h2>For my situations</h2>")
        for a in plan.advice:
            cautions = "".join(f"<li class='caution'>⚠ {escape(c)}</li>" for c in a.cautions)
            parts.append(
                f"<h3>{escape(a.title)}</h3><p class='ev'>{escape(course.evidence[a.evidence].words)}</p><p>{escape(a.summary)}</p>"
                + (f"<ul>{cautions}</ul>" if cautions else "")
            )

    def items_html(items: Iterable[PlanItem], box: str) -> str:
        out = []
        for i in items:
            why = ", ".join(b.replace("_", " ") for b in i.because)
            sub = "".join(f"<li>How: {escape(s)}</li>" for s in i.steps) + "".join(
                f"<li>⚠ {escape(c)}</li>" for c in i.cautions
            )
            note = "".join(
                f"<br><span class='ev'>{escape(course.evidence[p.evidence].words.capitalize())}: "
                f"{escape(p.claim)}{escape(' ' + p.note) if p.note else ''}</span>"
                for p in i.parts
            )
            if i.evidence_note:
                note += f"<br><span class='ev'>Evidence: {escape(i.evidence_note)}</span>"
            out.append(
                f"<li><span class='box' aria-hidden='true'>{box}</span> <strong>{escape(i.title)}</strong> "
                f"<span class='ev'>({escape(measure_tag(i, course))}; for: {escape(why)})</span><br>{escape(i.summary)}{note}"
                + (f"<ul>{sub}</ul>" if sub else "")
                + "</li>"
            )
        return "<ul style='list-style:none;padding-left:0'>" + "".join(out) + "</ul>"

    sections = plan_sections(plan)
    if not sections:
        parts.append("<p>No measures for these situations.</p>")
    for key, heading, items in sections:
        parts.append(f"<h2>{escape(heading)}</h2>" + items_html(items, MARK[key]))
    parts.append("<h2>Red flags: when to get help</h2>")
    for lv, flags in plan.flags_by_level():
        parts.append(
            f"<h3>{escape(lv.label)}</h3><p>{escape(lv.action)}</p><ul>"
            + "".join(f"<li><strong>{escape(f.title)}</strong>: {escape(f.summary)}</li>" for f in flags)
            + "</ul>"
        )
    if plan.references:
        parts.append(
            "<h2>Sources</h2><ul>" + "".join(f"<li>{escape(r)}</li>" for r in plan.references) + "</ul>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- storage
# The ``plans`` table is made by cramp_lessons.learner.schema when the store is opened.
def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise PlannerError("a plan needs a name of 1 to 80 characters")
    return name


def save_plan(store, plan: Plan | Iterable[str], name: str = "my plan") -> str:
    """Save (or replace) a plan under ``name``; only its situations are stored. Returns the name."""
    name = _check_name(name)
    sits = list(plan.situations) if isinstance(plan, Plan) else list(_normalise(plan, load_course()))
    with store.transaction() as con:
        con.execute(
            "INSERT INTO plans(name, situations, saved_at) VALUES (?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET situations = excluded.situations, saved_at = excluded.saved_at",
            (name, json.dumps(sits), float(store.clock())),
        )
    return name


def load_plan(store, name: str = "my plan", course: Course | None = None) -> Plan | None:
    """The saved plan rebuilt from today's content, or None if there is none by that name.

    A saved situation that the content no longer has is left out, with a note saying so.
    """
    course = course or load_course()
    rows = store.query("SELECT situations FROM plans WHERE name = ?", (_check_name(name),))
    if not rows:
        return None
    try:
        saved = json.loads(rows[0][0])
        if not isinstance(saved, list):
            raise ValueError("not a list")
    except ValueError:
        raise PlannerError(f"the saved plan {name!r} cannot be read; save it again") from None
    known = {sid for sid, _ in situation_choices(course)}
    gone = [s for s in saved if s not in known]
    notes = [f"the saved situation {s!r} is no longer in the course and was left out" for s in gone]
    return make_plan([s for s in saved if s in known], course, notes)


def list_plans(store) -> list[tuple[str, float]]:
    """(name, saved_at) of every saved plan, newest first."""
    return [
        (n, t) for n, t in store.query("SELECT name, saved_at FROM plans ORDER BY saved_at DESC, id DESC")
    ]


def delete_plan(store, name: str) -> bool:
    with store.transaction() as con:
        cur = con.execute("DELETE FROM plans WHERE name = ?", (_check_name(name),))
        return cur.rowcount > 0
