"""The prevention planner: the learner's situations in, a personal checklist out.

Pure logic, no IPython. Everything comes from the content:

- the situations to tick are the ``situation`` topics (``situations.athlete`` -> ``athlete``);
  ``everyone`` is always included;
- the checklist is every ``prevention`` topic whose ``situations`` tags meet the ticked ones
  (or ``everyone``), strongest evidence first, each with its evidence tag and cautions;
- red flags: every emergency, plus any red flag whose ``situations`` tags meet the ticked ones.

Plans are saved in the progress store (table ``plans``) by their situations, so a saved plan
always shows the current content, and exported as Markdown or print-friendly HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .course import EVIDENCE_TAGS, EVIDENCE_WORDS, Course, Topic, load_course
from .errors import CrampLessonsError

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
    "save_plan",
    "load_plan",
    "list_plans",
    "delete_plan",
]

EVERYONE = "everyone"
URGENCY_ORDER = ("emergency", "soon", "routine")
URGENCY_HEADING = {
    "emergency": "Get help now",
    "soon": "See a doctor soon (the same day, or within 1-2 days: see each sign)",
    "routine": "Book an appointment with your doctor",
}
DISCLAIMER_LINE = (
    "This plan is a teaching aid from Cramp Lessons, not medical advice. It cannot tell why your legs "
    "cramp. Ask a doctor, midwife or pharmacist before taking any supplement or changing a medicine."
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    situations TEXT NOT NULL,          -- JSON list of situation ids; the plan is rebuilt from content
    saved_at REAL NOT NULL             -- unix time
);
"""


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
    urgency: str | None = None  # red flags only
    helps: bool = True  # False: the evidence says the measure does NOT help (magnesium)


@dataclass(frozen=True)
class Plan:
    situations: tuple[str, ...]  # ticked, in content order (never includes "everyone")
    advice: tuple[PlanItem, ...]  # the situation topics themselves, ticked ones then everyone
    items: tuple[PlanItem, ...]  # the checklist, strongest evidence first
    red_flags: tuple[PlanItem, ...]  # emergency first
    references: tuple[str, ...]  # citations behind every item, advice and flag
    notes: tuple[str, ...] = ()  # e.g. a saved situation that no longer exists


# A measure whose evidence says it does not help (or is not for routine use) is listed apart, not ticked.
_NOT_ADVISED = {"does not help", "not for routine use"}


def _item(t: Topic, because: Iterable[str]) -> PlanItem:
    return PlanItem(
        t.id,
        t.title,
        t.summary,
        t.evidence,
        t.evidence_note,
        tuple(t.steps),
        tuple(t.cautions),
        tuple(because),
        t.urgency,
        t.verdict not in _NOT_ADVISED,
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
            advice.append(_item(t, [sid]))

    rank = {tag: k for k, tag in enumerate(EVIDENCE_TAGS)}
    items = []
    for t in course.of_kind("prevention"):
        because = [s for s in t.situations if s in wanted]
        if because:
            # The ticked situations first, "everyone" last.
            because.sort(key=lambda s: (s == EVERYONE, sits.index(s) if s in sits else 0))
            items.append(_item(t, because))
    items.sort(key=lambda i: (rank[i.evidence], -sum(b != EVERYONE for b in i.because), order[i.topic_id]))

    urgency_rank = {u: k for k, u in enumerate(URGENCY_ORDER)}
    flags = []
    for t in course.of_kind("red_flag"):
        because = [s for s in t.situations if s in wanted]
        if t.urgency == "emergency" and not because:
            because = [EVERYONE]
        if because:
            flags.append(_item(t, because))
    flags.sort(key=lambda i: (urgency_rank[i.urgency or "routine"], order[i.topic_id]))

    refs: list[str] = []
    for i in (*advice, *items, *flags):
        for r in course.topics[i.topic_id].references:
            c = course.references[r].citation
            if c not in refs:
                refs.append(c)
    return Plan(sits, tuple(advice), tuple(items), tuple(flags), tuple(refs), tuple(notes))


# --------------------------------------------------------------------------- text
def _label(sid: str, course: Course) -> str:
    """A ticked situation as the learner saw it: its topic title ("You are pregnant")."""
    t = _situation_topic(course, sid)
    return t.title if t is not None else sid.replace("_", " ")


def plan_summary(plan: Plan) -> str:
    """One line: what the plan holds."""
    who = (
        ", ".join(s.replace("_", " ") for s in plan.situations) or "no situation ticked (advice for everyone)"
    )
    n_em = sum(f.urgency == "emergency" for f in plan.red_flags)
    todo = [i for i in plan.items if i.helps]
    skip = [i for i in plan.items if not i.helps]
    top = f" Best supported: {todo[0].title} ({EVIDENCE_WORDS[todo[0].evidence]})." if todo else ""
    skipped = f" {len(skip)} not worth it ({', '.join(i.title for i in skip)})." if skip else ""
    return (
        f"Your plan for {who}: {len(todo)} measures, strongest evidence first, and "
        f"{len(plan.red_flags)} red flags ({n_em} emergencies).{top}{skipped}"
    )


def _md_items(items: Iterable[PlanItem], bullet: str) -> str:
    lines = []
    for i in items:
        why = ", ".join(b.replace("_", " ") for b in i.because)
        lines.append(f"{bullet} **{i.title}** *({EVIDENCE_WORDS[i.evidence]}; for: {why})*  \n  {i.summary}")
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
            block = f"### {a.title}\n\n*{EVIDENCE_WORDS[a.evidence]}*\n\n{a.summary}"
            if a.cautions:
                block += "\n" + "".join(f"\n- ⚠️ {c}" for c in a.cautions)
            out.append(block)
    out.append("## My checklist (strongest evidence first)")
    todo = [i for i in plan.items if i.helps]
    skip = [i for i in plan.items if not i.helps]
    out.append(_md_items(todo, "- [ ]") if todo else "No measures for these situations.")
    if skip:
        out.append("## Not advised: the evidence shows no benefit, or harms that outweigh it")
        out.append(_md_items(skip, "- ✗"))
    out.append("## Red flags: when to get help")
    for level in URGENCY_ORDER:
        flags = [f for f in plan.red_flags if f.urgency == level]
        if flags:
            out.append(
                f"**{URGENCY_HEADING[level]}**\n"
                + "\n".join(
                    f"- **{f.title}**: {f.summary}" + "".join(f"\n  - ⚠️ {c}" for c in f.cautions)
                    for f in flags
                )
            )
    if plan.references:
        out.append("## Sources\n" + "\n".join(f"- {r}" for r in plan.references))
    return "\n\n".join(out) + "\n"


def plan_html(plan: Plan, course: Course | None = None, today: date | None = None) -> str:
    """The plan as a self-contained, print-friendly HTML page (every text escaped)."""
    course = course or load_course()
    today = today or date.today()
    e = html.escape
    who = ", ".join(_label(s, course) for s in plan.situations) or "none ticked"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>My cramp prevention plan</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:46em;margin:1em auto;line-height:1.45;color:#000}",
        "li{margin:.3em 0}.ev{font-style:italic}.box{font-size:1.2em}.caution{color:#000}",
        "h2{border-bottom:1px solid #000}@media print{a{color:#000}h2{break-after:avoid}li{break-inside:avoid}}",
        "</style></head><body>",
        "<h1>My cramp prevention plan</h1>",
        f"<p class='ev'>Made with Cramp Lessons on {e(today.isoformat())}. {e(DISCLAIMER_LINE)}</p>",
        f"<p><strong>My situations:</strong> {e(who)} (plus the advice for everyone).</p>",
    ]
    for n in plan.notes:
        parts.append(f"<p><strong>Note:</strong> {e(n)}</p>")
    if plan.advice:
        parts.append("<h2>For my situations</h2>")
        for a in plan.advice:
            cautions = "".join(f"<li class='caution'>⚠ {e(c)}</li>" for c in a.cautions)
            parts.append(
                f"<h3>{e(a.title)}</h3><p class='ev'>{e(EVIDENCE_WORDS[a.evidence])}</p><p>{e(a.summary)}</p>"
                + (f"<ul>{cautions}</ul>" if cautions else "")
            )

    def items_html(items: Iterable[PlanItem], box: str) -> str:
        out = []
        for i in items:
            why = ", ".join(b.replace("_", " ") for b in i.because)
            sub = "".join(f"<li>How: {e(s)}</li>" for s in i.steps) + "".join(
                f"<li>⚠ {e(c)}</li>" for c in i.cautions
            )
            note = f"<br><span class='ev'>Evidence: {e(i.evidence_note)}</span>" if i.evidence_note else ""
            out.append(
                f"<li><span class='box' aria-hidden='true'>{box}</span> <strong>{e(i.title)}</strong> "
                f"<span class='ev'>({e(EVIDENCE_WORDS[i.evidence])}; for: {e(why)})</span><br>{e(i.summary)}{note}"
                + (f"<ul>{sub}</ul>" if sub else "")
                + "</li>"
            )
        return "<ul style='list-style:none;padding-left:0'>" + "".join(out) + "</ul>"

    todo = [i for i in plan.items if i.helps]
    skip = [i for i in plan.items if not i.helps]
    parts.append("<h2>My checklist (strongest evidence first)</h2>")
    parts.append(items_html(todo, "☐") if todo else "<p>No measures for these situations.</p>")
    if skip:
        parts.append(
            "<h2>Not advised: the evidence shows no benefit, or harms that outweigh it</h2>"
            + items_html(skip, "✗")
        )
    parts.append("<h2>Red flags: when to get help</h2>")
    for level in URGENCY_ORDER:
        flags = [f for f in plan.red_flags if f.urgency == level]
        if flags:
            parts.append(
                f"<h3>{e(URGENCY_HEADING[level])}</h3><ul>"
                + "".join(f"<li><strong>{e(f.title)}</strong>: {e(f.summary)}</li>" for f in flags)
                + "</ul>"
            )
    if plan.references:
        parts.append("<h2>Sources</h2><ul>" + "".join(f"<li>{e(r)}</li>" for r in plan.references) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- storage
def _ensure_table(store) -> None:
    store.ensure(_SCHEMA)  # writes only when the table is missing


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise PlannerError("a plan needs a name of 1 to 80 characters")
    return name


def save_plan(store, plan: Plan | Iterable[str], name: str = "my plan") -> str:
    """Save (or replace) a plan under ``name``; only its situations are stored. Returns the name."""
    name = _check_name(name)
    sits = list(plan.situations) if isinstance(plan, Plan) else list(_normalise(plan, load_course()))
    _ensure_table(store)
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
    # Reading never creates the table: a store with no saved plan has none.
    rows = (
        store.query("SELECT situations FROM plans WHERE name = ?", (_check_name(name),))
        if store.has_table("plans")
        else []
    )
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
    if not store.has_table("plans"):
        return []
    return [
        (n, t) for n, t in store.query("SELECT name, saved_at FROM plans ORDER BY saved_at DESC, id DESC")
    ]


def delete_plan(store, name: str) -> bool:
    _ensure_table(store)
    with store.transaction() as con:
        cur = con.execute("DELETE FROM plans WHERE name = ?", (_check_name(name),))
        return cur.rowcount > 0
